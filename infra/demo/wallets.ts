import { accountId, platform, pointsOf, walletOf } from "../../ledger/chart.ts";
import { createTransfers, ensureAccounts } from "../../ledger/engine.ts";
import { transferIdFor } from "../../ledger/ids.ts";
import type { Db } from "../../runtime/db.ts";
import type { TransferInput } from "../../schema/ledger.ts";

/** What each demo customer starts with: enough for a week of lunches, and points to try. */
export const DEMO_WALLET_CENTS = 20_000;
export const DEMO_POINTS = 500;

/**
 * Credits every demo customer a welcome balance, paid by promotions, and welcome points. The
 * transfer ids follow from the customer, so a second seed credits nothing more.
 */
export async function fundDemoWallets(
  db: Db,
  customerIds: readonly string[],
  nowMs: number,
  cents = DEMO_WALLET_CENTS,
): Promise<void> {
  if (customerIds.length === 0) return;
  await ensureAccounts(db, [
    platform("promotions_expense"),
    platform("points_liability"),
    ...customerIds.flatMap((id) => [walletOf(id), pointsOf(id)]),
  ]);
  const transfers: TransferInput[] = customerIds.flatMap((id): TransferInput[] => [
    {
      id: transferIdFor("demo", "welcome-credit", id),
      kind: "posted",
      code: "promotion",
      debitAccountId: accountId(platform("promotions_expense")),
      creditAccountId: accountId(walletOf(id)),
      amount: cents,
      currency: "USD",
      metadata: { reason: "demo welcome credit" },
    },
    {
      id: transferIdFor("demo", "welcome-points", id),
      kind: "posted",
      code: "points_earn",
      debitAccountId: accountId(platform("points_liability")),
      creditAccountId: accountId(pointsOf(id)),
      amount: DEMO_POINTS,
      currency: "PTS",
      metadata: { reason: "demo welcome points" },
    },
  ]);
  const outcomes = await createTransfers(db, transfers, nowMs);
  const refused = outcomes.filter((o) => o.result !== "ok" && o.result !== "exists");
  if (refused.length > 0) {
    throw new Error(`demo wallets: the ledger refused ${JSON.stringify(refused.slice(0, 3))}`);
  }
}
