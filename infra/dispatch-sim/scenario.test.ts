import { describe, expect, it } from "vitest";
import { runScenario } from "./scenario.ts";

/**
 * The deterministic dispatch simulation in CI: a few thousand seeded days, each checked after
 * every step (`checks.ts`). `npm run sim:dispatch -- --seeds 100000` is the full sweep.
 */
const CI_SEEDS = 2_000;

function sweep(from: number, count: number) {
  const failures: string[] = [];
  for (let seed = from; seed < from + count; seed++) {
    const { violation } = runScenario({ seed });
    if (violation) failures.push(`seed ${seed}: ${violation.rule}: ${violation.detail}`);
    if (failures.length > 0) break;
  }
  return failures;
}

describe("the dispatch simulation", () => {
  // Two halves, so the two workers of a CI machine share them.
  it.each([
    [0, CI_SEEDS / 2],
    [CI_SEEDS / 2, CI_SEEDS / 2],
  ])(
    "finds no violation in seeds %i onwards (%i of them)",
    (from, count) => {
      expect(sweep(from, count)).toEqual([]);
    },
    300_000,
  );

  it("replays a seed exactly: the same steps, orders and outcome", () => {
    const first = runScenario({ seed: 7, trace: true });
    const again = runScenario({ seed: 7, trace: true });
    expect(again.trace).toEqual(first.trace);
    expect([again.steps, again.orders, again.delivered]).toEqual([
      first.steps,
      first.orders,
      first.delivered,
    ]);
    expect(first.orders).toBeGreaterThan(0);
    expect(first.delivered).toBeGreaterThan(0);
  });

  it("catches the old starvation bug (a decline shutting a courier out of the restaurant)", () => {
    let caught: { seed: number; rule: string } | null = null;
    for (let seed = 0; seed < CI_SEEDS && !caught; seed++) {
      const { violation } = runScenario({ seed, bug: "union-of-declines" });
      if (violation) caught = { seed, rule: violation.rule };
    }
    expect(caught?.rule).toBe("starvation");
  }, 300_000);
});
