import { describe, expect, it } from "vitest";
import { backoff, backoffDelayMs } from "../../runtime/retry.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import {
  type DrainPolicy,
  drainOutbox,
  type OutboxRow,
  type OutboxStore,
  type SendResult,
} from "./drain.ts";

const policy: DrainPolicy = {
  batchMax: 3,
  batchesPerDrainMax: 10,
  unavailable: backoff("test.unavailable", {
    baseMs: 1_000,
    maxMs: 10_000,
    attemptsMax: Number.POSITIVE_INFINITY,
  }),
  refused: backoff("test.refused", { baseMs: 1_000, maxMs: 10_000, attemptsMax: 3 }),
};
const NOW = 10_000;

function event(n: number): EventEnvelope {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    type: "OrderPlaced",
    aggregateId: "order-1",
    seq: n,
    at: "2026-11-21T12:00:00.000Z",
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    data: {},
  };
}

/** An in-memory store that records what happened to it. */
function makeStore(count: number) {
  const rows: OutboxRow[] = Array.from({ length: count }, (_, i) => ({
    pos: i + 1,
    eventId: event(i + 1).id,
    event: event(i + 1),
    attempts: 0,
    refusals: 0,
  }));
  const parked: string[] = [];
  const seqs = () => rows.map((r) => r.event?.seq ?? -1);
  const store: OutboxStore = {
    peek: (limit) => rows.slice(0, limit).map((r) => ({ ...r })),
    remove: (ids) => {
      for (const id of ids)
        rows.splice(
          rows.findIndex((r) => r.eventId === id),
          1,
        );
    },
    recordFailure: (ids) => {
      for (const row of rows) if (ids.includes(row.eventId)) row.attempts++;
    },
    recordRefusal: (ids) => {
      for (const row of rows) if (ids.includes(row.eventId)) row.refusals++;
    },
    park: (ids) => {
      parked.push(...ids);
      for (const id of ids)
        rows.splice(
          rows.findIndex((r) => r.eventId === id),
          1,
        );
    },
    size: () => rows.length,
  };
  return { store, rows, parked, seqs };
}

/** A bridge that answers each batch with `answer`, recording the seqs of every batch sent. */
function makeDeps(answer: (batch: EventEnvelope[]) => SendResult | Promise<SendResult>) {
  const sent: number[][] = [];
  return {
    sent,
    deps: {
      send: async (batch: EventEnvelope[]) => {
        sent.push(batch.map((e) => e.seq));
        return answer(batch);
      },
      nowMs: () => NOW,
      random: () => 0.5,
    },
  };
}

const acceptAll = (batch: EventEnvelope[]): SendResult => ({
  kind: "accepted",
  ids: batch.map((e) => e.id),
});

describe("draining an outbox", () => {
  it("sends in write order, a batch at a time, and deletes only what the bridge confirmed", async () => {
    const { store } = makeStore(5);
    const { deps, sent } = makeDeps(acceptAll);
    expect(await drainOutbox(store, deps, policy)).toEqual({ state: "empty", sent: 5, parked: [] });
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("stops after its batch bound and asks to run again at once", async () => {
    const { store, seqs } = makeStore(7);
    const { deps } = makeDeps(acceptAll);
    const outcome = await drainOutbox(store, deps, { ...policy, batchesPerDrainMax: 2 });
    expect(outcome).toEqual({ state: "more", sent: 6, parked: [] });
    expect(seqs()).toEqual([7]);
  });

  it("keeps everything while the bridge is away, and backs off, however long", async () => {
    const { store, rows } = makeStore(2);
    const { deps } = makeDeps(() => ({ kind: "unavailable", error: "connect ECONNREFUSED" }));
    for (let failure = 1; failure <= 8; failure++) {
      const outcome = await drainOutbox(store, deps, policy);
      expect(outcome).toEqual({
        state: "retry",
        sent: 0,
        parked: [],
        retryAtMs: NOW + backoffDelayMs(failure, policy.unavailable, 0.5),
        error: "connect ECONNREFUSED",
      });
    }
    expect(rows.map((r) => r.attempts)).toEqual([8, 8]);
    // Never longer than the cap, so work resumes within it once the bridge is back.
    expect(backoffDelayMs(100, policy.unavailable, 0.999)).toBeLessThanOrEqual(10_000);
  });

  it("never lets a later event overtake one the bridge did not confirm", async () => {
    const { store, seqs } = makeStore(3);
    const { deps, sent } = makeDeps((batch) => ({ kind: "accepted", ids: [batch[0]!.id] }));
    const outcome = await drainOutbox(store, deps, policy);
    expect(outcome.state).toBe("retry");
    expect(sent).toEqual([[1, 2, 3]]);
    expect(seqs()).toEqual([2, 3]);
  });

  it("finds the event a refused batch holds, parks it after its tries, and lets the rest through", async () => {
    const { store, parked, seqs } = makeStore(5);
    const poison = event(3).id;
    const { deps, sent } = makeDeps((batch) =>
      batch.some((e) => e.id === poison)
        ? { kind: "refused", error: "bridge answered 413: too large" }
        : acceptAll(batch),
    );
    // The batch is refused; its events go one at a time; the third alone is refused.
    const first = await drainOutbox(store, deps, policy);
    expect(sent).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(first).toMatchObject({ state: "retry", sent: 2, parked: [] });
    expect(seqs()).toEqual([3, 4, 5]);
    // Tried again after backoff, refused again: the refusals cap (3) parks it.
    const second = await drainOutbox(store, deps, policy);
    expect(second).toMatchObject({ state: "empty", sent: 2, parked: [poison] });
    expect(parked).toEqual([poison]);
    // The events behind it were never refused: they go as a batch again.
    expect(sent.slice(4)).toEqual([[3], [4, 5]]);
    expect(seqs()).toEqual([]);
  });

  it("parks at once a stored row it cannot read back", async () => {
    const { store, rows, parked } = makeStore(2);
    rows[0]!.event = null;
    const { deps, sent } = makeDeps(acceptAll);
    expect(await drainOutbox(store, deps, policy)).toEqual({
      state: "empty",
      sent: 1,
      parked: [event(1).id],
    });
    expect(parked).toEqual([event(1).id]);
    expect(sent).toEqual([[2]]);
  });

  it("takes a send that throws as the bridge being away", async () => {
    const { store } = makeStore(1);
    const { deps } = makeDeps(() => {
      throw new Error("socket hang up");
    });
    expect(await drainOutbox(store, deps, policy)).toMatchObject({
      state: "retry",
      error: "socket hang up",
    });
  });
});
