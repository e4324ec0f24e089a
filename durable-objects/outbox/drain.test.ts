import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../schema/events.ts";
import {
  type DrainPolicy,
  drainOutbox,
  type OutboxRow,
  type OutboxStore,
  retryDelayMs,
} from "./drain.ts";

const policy: DrainPolicy = {
  batchMax: 3,
  batchesPerDrainMax: 2,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
};

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
function makeStore(count: number): OutboxStore & { rows: OutboxRow[]; failures: string[][] } {
  const rows: OutboxRow[] = Array.from({ length: count }, (_, i) => ({
    pos: i + 1,
    event: event(i + 1),
    attempts: 0,
  }));
  const failures: string[][] = [];
  return {
    rows,
    failures,
    peek: (limit) => rows.slice(0, limit),
    remove: (ids) => {
      for (const id of ids)
        rows.splice(
          rows.findIndex((r) => r.event.id === id),
          1,
        );
    },
    recordFailure: (ids) => {
      failures.push([...ids]);
      for (const row of rows) if (ids.includes(row.event.id)) row.attempts++;
    },
    size: () => rows.length,
  };
}

function makeDeps(answer: (batch: EventEnvelope[]) => Promise<string[]>) {
  const sent: number[][] = [];
  return {
    sent,
    deps: {
      send: async (batch: EventEnvelope[]) => {
        sent.push(batch.map((e) => e.seq));
        return answer(batch);
      },
      nowMs: () => 10_000,
      random: () => 0.5,
    },
  };
}

describe("draining an outbox", () => {
  it("sends in write order, a batch at a time, and deletes only what the bridge confirmed", async () => {
    const store = makeStore(5);
    const { deps, sent } = makeDeps(async (batch) => batch.map((e) => e.id));
    expect(await drainOutbox(store, deps, policy)).toEqual({ state: "empty", sent: 5 });
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(store.size()).toBe(0);
  });

  it("stops after its batch bound and asks to run again at once", async () => {
    const store = makeStore(7);
    const { deps } = makeDeps(async (batch) => batch.map((e) => e.id));
    expect(await drainOutbox(store, deps, policy)).toEqual({ state: "more", sent: 6 });
    expect(store.rows.map((r) => r.event.seq)).toEqual([7]);
  });

  it("keeps everything and schedules a retry when the bridge is down", async () => {
    const store = makeStore(2);
    const { deps } = makeDeps(async () => {
      throw new Error("connect ECONNREFUSED");
    });
    const outcome = await drainOutbox(store, deps, policy);
    expect(outcome).toEqual({
      state: "retry",
      sent: 0,
      retryAtMs: 10_000 + 750,
      error: "connect ECONNREFUSED",
    });
    expect(store.size()).toBe(2);
    expect(store.rows.map((r) => r.attempts)).toEqual([1, 1]);
  });

  it("never lets a later event overtake one the bridge did not confirm", async () => {
    const store = makeStore(3);
    const { deps, sent } = makeDeps(async (batch) => [batch[0]!.id]);
    const outcome = await drainOutbox(store, deps, policy);
    expect(outcome.state).toBe("retry");
    expect(sent).toEqual([[1, 2, 3]]);
    expect(store.rows.map((r) => r.event.seq)).toEqual([2, 3]);
    expect(store.failures).toEqual([[event(2).id, event(3).id]]);
  });
});

describe("retry backoff", () => {
  it.each([
    [1, 0, 500],
    [1, 0.999, 1_000],
    [3, 0.5, 3_000],
    [20, 0.5, 45_000],
    [200, 1, 60_000],
  ])("after %i attempts with jitter %f waits %i ms", (attempts, random, expected) => {
    expect(retryDelayMs(attempts, policy, random)).toBe(expected);
  });
});
