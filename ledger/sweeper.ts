import { type Executor, voidExpired } from "./engine.ts";

/**
 * Holds voided per sweep call: one statement locks the accounts of this many holds at most, so a
 * backlog never holds a wide lock for long while orders keep placing holds on the same wallets.
 */
export const SWEEP_BATCH = 500;
/**
 * Calls per run: a run ends within a few seconds even with a large backlog (a minute of a very
 * busy city's abandoned holds is far below 20 x 500); the next run takes the rest.
 */
export const SWEEP_CALLS_MAX = 20;

/**
 * The ledger's timeout sweep, run by the Worker's cron every minute. A pending transfer past its
 * timeout no longer reserves money: the engine already ignores it when the same accounts are next
 * touched, but until then the wallet would still show it as held. The sweep voids such holds in
 * bounded batches, so a wallet shows what it can spend within a minute of a hold's timeout even if
 * nothing else touches it (an order placement that died between its hold and its actor).
 */
export async function sweepExpiredHolds(db: Executor, nowMs: number): Promise<number> {
  let voided = 0;
  for (let call = 0; call < SWEEP_CALLS_MAX; call++) {
    const swept = await voidExpired(db, nowMs, SWEEP_BATCH);
    voided += swept;
    if (swept < SWEEP_BATCH) break;
  }
  return voided;
}
