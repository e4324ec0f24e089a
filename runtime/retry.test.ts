import { describe, expect, it } from "vitest";
import { backoff, backoffDelayMs, exhausted, retrying } from "./retry.ts";

const policy = backoff("test", { baseMs: 100, maxMs: 1_000, attemptsMax: 4 });

describe("the platform's backoff", () => {
  it.each([
    [1, 0, 50],
    [1, 0.999, 100],
    [2, 0.5, 150],
    [3, 0.5, 300],
    [10, 0.5, 750],
    [500, 0.999, 1_000],
  ])("after %i failures with jitter %f waits %i ms", (failures, random, waitMs) => {
    expect(backoffDelayMs(failures, policy, random)).toBe(waitMs);
  });

  it("counts the attempts it allows, the first included", () => {
    expect([3, 4].map((failures) => exhausted(failures, policy))).toEqual([false, true]);
  });

  it("refuses a backoff that cannot work, naming the field", () => {
    expect(() => backoff("relay", { baseMs: 0, maxMs: 1, attemptsMax: 1 })).toThrow("relay.baseMs");
    expect(() => backoff("relay", { baseMs: 10, maxMs: 1, attemptsMax: 1 })).toThrow("relay.maxMs");
    expect(() => backoff("relay", { baseMs: 1, maxMs: 1, attemptsMax: 0 })).toThrow(
      "relay.attemptsMax",
    );
  });
});

describe("retrying", () => {
  const quick = { random: () => 0.5, sleep: async () => {} };

  it("runs the work until it succeeds, waiting the backoff between tries", async () => {
    const waits: number[] = [];
    const result = await retrying(
      async (attempt) => {
        if (attempt < 3) throw new Error(`down ${attempt}`);
        return attempt;
      },
      policy,
      { ...quick, sleep: async (ms) => void waits.push(ms) },
    );
    expect([result, waits]).toEqual([3, [75, 150]]);
  });

  it("gives up after its attempts with the last error, and at once on an error it may not retry", async () => {
    let tries = 0;
    await expect(
      retrying(
        async () => {
          tries++;
          throw new Error(`down ${tries}`);
        },
        policy,
        quick,
      ),
    ).rejects.toThrow("down 4");
    await expect(
      retrying(
        async () => {
          throw new Error("refused");
        },
        policy,
        { ...quick, retryIf: () => false },
      ),
    ).rejects.toThrow("refused");
  });

  it("stops when its signal aborts, with the last error", async () => {
    const stop = new AbortController();
    await expect(
      retrying(
        async () => {
          stop.abort();
          throw new Error("down");
        },
        { ...policy, attemptsMax: Number.POSITIVE_INFINITY },
        { ...quick, signal: stop.signal },
      ),
    ).rejects.toThrow("down");
  });
});
