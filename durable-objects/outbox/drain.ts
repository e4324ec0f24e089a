import type { EventEnvelope } from "../../schema/events.ts";
import { OUTBOX_BATCH_MAX } from "../../schema/outbox.ts";

/**
 * Flushing an actor's outbox to the bridge, as a pure procedure over a small store and a sender
 * (modelled on tldraw's outboxDrain). Events leave in the order they were written, a batch at a
 * time; a row is deleted only once the bridge has confirmed it; a failure leaves everything in
 * place and answers when to try again, backing off exponentially with jitter.
 */

export type OutboxRow = { pos: number; event: EventEnvelope; attempts: number };

export interface OutboxStore {
  /** The oldest rows, in write order. */
  peek(limit: number): OutboxRow[];
  remove(eventIds: readonly string[]): void;
  recordFailure(eventIds: readonly string[], error: string): void;
  size(): number;
}

export type DrainDeps = {
  /** Sends one batch; answers the ids the bridge confirmed as durable. */
  send(events: EventEnvelope[]): Promise<string[]>;
  nowMs(): number;
  /** In [0, 1): the jitter source, injected so tests are exact. */
  random(): number;
};

export type DrainPolicy = {
  batchMax: number;
  /** Batches per drain: bounds how long one alarm runs when a large backlog has built up. */
  batchesPerDrainMax: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
};

export const defaultDrainPolicy: DrainPolicy = {
  batchMax: OUTBOX_BATCH_MAX,
  batchesPerDrainMax: 20,
  backoffBaseMs: 500,
  // Five minutes: a bridge that is down for an hour is retried a dozen times, not thousands.
  backoffMaxMs: 5 * 60_000,
};

export type DrainOutcome =
  | { state: "empty"; sent: number }
  /** The per-drain bound was reached with rows left: drain again at once. */
  | { state: "more"; sent: number }
  | { state: "retry"; sent: number; retryAtMs: number; error: string };

export async function drainOutbox(
  store: OutboxStore,
  deps: DrainDeps,
  policy: DrainPolicy = defaultDrainPolicy,
): Promise<DrainOutcome> {
  let sent = 0;
  for (let batch = 0; batch < policy.batchesPerDrainMax; batch++) {
    const rows = store.peek(policy.batchMax);
    if (rows.length === 0) return { state: "empty", sent };
    const ids = rows.map((row) => row.event.id);
    let accepted: string[];
    try {
      accepted = await deps.send(rows.map((row) => row.event));
    } catch (error) {
      return failed(store, deps, policy, rows, ids, describe(error), sent);
    }
    const confirmed = new Set(accepted);
    const done = ids.filter((id) => confirmed.has(id));
    store.remove(done);
    sent += done.length;
    if (done.length < ids.length) {
      const missing = rows.filter((row) => !confirmed.has(row.event.id));
      return failed(
        store,
        deps,
        policy,
        missing,
        missing.map((row) => row.event.id),
        "bridge did not confirm every event",
        sent,
      );
    }
  }
  return store.size() > 0 ? { state: "more", sent } : { state: "empty", sent };
}

function failed(
  store: OutboxStore,
  deps: DrainDeps,
  policy: DrainPolicy,
  rows: OutboxRow[],
  ids: string[],
  error: string,
  sent: number,
): DrainOutcome {
  const attempts = Math.max(...rows.map((row) => row.attempts)) + 1;
  store.recordFailure(ids, error);
  return {
    state: "retry",
    sent,
    retryAtMs: deps.nowMs() + retryDelayMs(attempts, policy, deps.random()),
    error,
  };
}

/**
 * "Equal jitter" exponential backoff: half the capped exponential delay, plus a random half, so
 * actors that failed together do not all come back in the same instant.
 */
export function retryDelayMs(attempts: number, policy: DrainPolicy, random: number): number {
  const capped = Math.min(
    policy.backoffMaxMs,
    policy.backoffBaseMs * 2 ** Math.min(attempts - 1, 30),
  );
  return Math.round(capped / 2 + (capped / 2) * random);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
