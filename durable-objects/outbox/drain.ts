import { describeError } from "../../runtime/redact.ts";
import { type Backoff, backoff, backoffDelayMs } from "../../runtime/retry.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { OUTBOX_BATCH_MAX } from "../../schema/outbox.ts";

/**
 * Flushing an actor's outbox to the bridge, as a pure procedure over a small store and a sender
 * (modelled on tldraw's outboxDrain). Events leave in the order they were written, a batch at a
 * time; a row is deleted only once the bridge has confirmed it.
 *
 * Two kinds of failure are told apart. The bridge being away (down, overloaded, misconfigured) is
 * waited out with backoff, however long, and nothing is given up. The bridge refusing a batch for
 * what is in it (400, 413) would refuse it forever, so the batch's events are then sent one at a
 * time, which finds the one it refuses; that one is tried `refusalsMax` times with backoff and
 * then parked: set aside where admins see it and may release it, so the events behind it flow.
 * Consumers then see a gap in that aggregate's `seq` until the parked event is released (and,
 * read models merging by seq, a released event older than what they hold changes nothing).
 */

export type OutboxRow = {
  pos: number;
  /** The event, or null when the stored row cannot be read back (it is parked at once). */
  event: EventEnvelope | null;
  eventId: string;
  /** Failed sends while the bridge was away. */
  attempts: number;
  /** Times the bridge refused a batch holding this event. */
  refusals: number;
};

export interface OutboxStore {
  /** The oldest unparked rows, in write order. */
  peek(limit: number): OutboxRow[];
  remove(eventIds: readonly string[]): void;
  recordFailure(eventIds: readonly string[], error: string): void;
  recordRefusal(eventIds: readonly string[], error: string): void;
  park(eventIds: readonly string[], error: string): void;
  size(): number;
}

/** What the bridge answered a batch: the ids it made durable, a refusal, or nothing usable. */
export type SendResult =
  | { kind: "accepted"; ids: string[] }
  | { kind: "refused"; error: string }
  | { kind: "unavailable"; error: string };

export type DrainDeps = {
  send(events: EventEnvelope[]): Promise<SendResult>;
  nowMs(): number;
  /** In [0, 1): the jitter source, injected so tests are exact. */
  random(): number;
};

export type DrainPolicy = {
  batchMax: number;
  /** Batches per drain: bounds how long one alarm runs when a large backlog has built up. */
  batchesPerDrainMax: number;
  /** While the bridge is away: never given up, and never waiting long once it is back. */
  unavailable: Backoff;
  /** A refused event is tried this often, with this backoff, then parked. */
  refused: Backoff;
};

export const defaultDrainPolicy: DrainPolicy = {
  batchMax: OUTBOX_BATCH_MAX,
  batchesPerDrainMax: 20,
  // Ten seconds at most: after an outage every actor's backlog moves within seconds of the
  // bridge's return (a chaos run with the old five-minute cap waited up to 51 s).
  unavailable: backoff("outbox.unavailable", {
    baseMs: 500,
    maxMs: 10_000,
    attemptsMax: Number.POSITIVE_INFINITY,
  }),
  // Five refusals over about fifteen seconds: long enough to ride out a bridge being redeployed
  // with a stricter schema, short enough that an actor's stream is not held up for long.
  refused: backoff("outbox.refused", { baseMs: 1_000, maxMs: 10_000, attemptsMax: 5 }),
};

export type DrainOutcome =
  | { state: "empty"; sent: number; parked: string[] }
  /** The per-drain bound was reached with rows left: drain again at once. */
  | { state: "more"; sent: number; parked: string[] }
  | { state: "retry"; sent: number; parked: string[]; retryAtMs: number; error: string };

export async function drainOutbox(
  store: OutboxStore,
  deps: DrainDeps,
  policy: DrainPolicy = defaultDrainPolicy,
): Promise<DrainOutcome> {
  let sent = 0;
  const parked: string[] = [];
  const retry = (failures: number, backoffOf: Backoff, error: string): DrainOutcome => ({
    state: "retry",
    sent,
    parked,
    retryAtMs: deps.nowMs() + backoffDelayMs(failures, backoffOf, deps.random()),
    error,
  });

  for (let batch = 0; batch < policy.batchesPerDrainMax; batch++) {
    const head = store.peek(1)[0];
    if (!head) return { state: "empty", sent, parked };
    if (head.event === null) {
      store.park([head.eventId], "the stored event cannot be read back");
      parked.push(head.eventId);
      continue;
    }
    // After a refusal the suspects go one at a time, which finds the event refused.
    const rows = store
      .peek(head.refusals > 0 ? 1 : policy.batchMax)
      .filter((row): row is OutboxRow & { event: EventEnvelope } => row.event !== null);
    const ids = rows.map((row) => row.eventId);
    let result: SendResult;
    try {
      result = await deps.send(rows.map((row) => row.event));
    } catch (error) {
      result = { kind: "unavailable", error: describe(error) };
    }

    if (result.kind === "unavailable") {
      store.recordFailure(ids, result.error);
      return retry(head.attempts + 1, policy.unavailable, result.error);
    }
    if (result.kind === "refused") {
      store.recordRefusal(ids, result.error);
      if (rows.length > 1) continue;
      if (head.refusals + 1 < policy.refused.attemptsMax) {
        return retry(head.refusals + 1, policy.refused, result.error);
      }
      store.park(ids, result.error);
      parked.push(...ids);
      continue;
    }
    const confirmed = new Set(result.ids);
    const done = ids.filter((id) => confirmed.has(id));
    store.remove(done);
    sent += done.length;
    if (done.length < ids.length) {
      // A later event never overtakes one the bridge did not confirm.
      const missing = rows.filter((row) => !confirmed.has(row.eventId));
      store.recordFailure(
        missing.map((row) => row.eventId),
        "bridge did not confirm every event",
      );
      const attempts = Math.max(...missing.map((row) => row.attempts)) + 1;
      return retry(attempts, policy.unavailable, "bridge did not confirm every event");
    }
  }
  return store.size() > 0 ? { state: "more", sent, parked } : { state: "empty", sent, parked };
}

function describe(error: unknown): string {
  return describeError(error).slice(0, 500);
}
