import { describe, expect, it } from "vitest";
import { between, intBetween, normal, poissonGapMs, sample, seeded } from "./random.ts";

describe("the seeded randomness", () => {
  it("replays the same draws from the same seed", () => {
    const a = seeded(7);
    const b = seeded(7);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    );
  });

  it("keeps every draw within its bounds", () => {
    const rng = seeded(1);
    for (let i = 0; i < 1_000; i++) {
      const x = between(rng, 6, 12);
      expect(x).toBeGreaterThanOrEqual(6);
      expect(x).toBeLessThan(12);
      const n = intBetween(rng, 1, 3);
      expect([1, 2, 3]).toContain(n);
    }
  });

  it("samples distinct items, no more than there are", () => {
    const rng = seeded(3);
    expect(new Set(sample(rng, [1, 2, 3, 4], 3)).size).toBe(3);
    expect(sample(rng, [1, 2], 5).sort()).toEqual([1, 2]);
  });

  it("spaces Poisson arrivals at the configured rate on average", () => {
    const rng = seeded(42);
    const gaps = Array.from({ length: 5_000 }, () => poissonGapMs(rng, 3));
    const meanMs = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    // 3 a minute is a mean gap of 20 s; 5 000 draws land within a few per cent of it.
    expect(meanMs).toBeGreaterThan(19_000);
    expect(meanMs).toBeLessThan(21_000);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => poissonGapMs(seeded(1), 0)).toThrow("ratePerMinute must be > 0");
  });

  it("draws normal noise centred on zero with unit spread", () => {
    const rng = seeded(9);
    const xs = Array.from({ length: 5_000 }, () => normal(rng));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.95);
    expect(sd).toBeLessThan(1.05);
  });
});
