import { describe, expect, it } from "vitest";
import { giveBack, take } from "./bucket.ts";

const policy = { capacity: 3, refillPerMinute: 6 };
const t0 = 1_000_000;

describe("a token bucket", () => {
  it("allows a burst up to its capacity, then refuses with the wait until the next token", () => {
    let bucket = take(undefined, policy, t0).bucket;
    bucket = take(bucket, policy, t0).bucket;
    const third = take(bucket, policy, t0);
    expect(third.allowed).toBe(true);
    const fourth = take(third.bucket, policy, t0);
    expect(fourth.allowed).toBe(false);
    expect(fourth.retryAfterMs).toBe(10_000);
  });

  it("refills with time, never beyond its capacity", () => {
    const empty = { tokens: 0, updatedAtMs: t0 };
    expect(take(empty, policy, t0 + 9_999).allowed).toBe(false);
    expect(take(empty, policy, t0 + 10_000).allowed).toBe(true);
    expect(take(empty, policy, t0 + 3_600_000).remaining).toBe(2);
  });

  it("does not refill when the clock goes backwards", () => {
    const empty = { tokens: 0, updatedAtMs: t0 };
    expect(take(empty, policy, t0 - 60_000).allowed).toBe(false);
  });

  it("takes back a token given for a request that did not count, never past its capacity", () => {
    const empty = { tokens: 0, updatedAtMs: t0 };
    expect(take(giveBack(empty, policy, t0), policy, t0).allowed).toBe(true);
    const full = giveBack(undefined, policy, t0, 5);
    expect(full.tokens).toBe(3);
  });
});
