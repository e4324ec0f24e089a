import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planGreedy } from "../../dispatch/greedy.ts";
import { planRound } from "../../dispatch/round.ts";
import type { Assignment } from "../../dispatch/types.ts";
import { tinyInstance, tinySolution } from "../../test/mdrp/fixtures.ts";
import { POLICY_ROUND_MINUTES, SHIFTS_AHEAD_MINUTES } from "./contenders.ts";
import { checkSolutionFiles } from "./feasibility.ts";
import { type Instance, readInstance } from "./instance.ts";
import { measure } from "./metrics.ts";
import { type Dispatcher, type Replay, simulate } from "./simulate.ts";
import { writeSolution } from "./solution.ts";

// Copies of ../shared/data/mdrp, so that a clone tests on its own.
const SAMPLES_DIR = path.resolve(import.meta.dirname, "../../test/data/mdrp");
const samples = readdirSync(SAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const MINUTE = 60_000;

const outRoot = mkdtempSync(path.join(tmpdir(), "dizhtime-mdrp-"));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** A dispatcher that commits exactly `script[minute]` at that minute, nothing else. */
function scripted(script: Record<number, Assignment[]>): Dispatcher {
  return (input) => script[input.nowMs / MINUTE] ?? [];
}

function route(courierId: string, orderIds: string[], pickupMinute: number): Assignment {
  // The simulator times the route itself; it checks only the pickup against its own.
  return {
    courierId,
    restaurantId: "",
    orderIds,
    departAtMs: 0,
    arriveAtMs: 0,
    pickupAtMs: pickupMinute * MINUTE,
    dropoffAtMs: [],
    endsAtMs: 0,
  };
}

describe("the replay", () => {
  it("carries out what the dispatcher commits exactly by the rules", () => {
    const replay = simulate(tinyInstance(), {
      dispatch: scripted({ 2: [route("c1", ["o1", "o2"], 12)], 5: [route("c2", ["o3"], 20)] }),
      roundMinutes: 1,
    });
    expect(replay.undelivered).toEqual([]);
    const expected = tinySolution();
    expect(replay.solution.moves).toEqual(expected.moves);
    expect(replay.solution.assignments).toEqual(expected.assignments);
    expect([...replay.solution.orders].sort((a, b) => (a.orderId < b.orderId ? -1 : 1))).toEqual(
      expected.orders,
    );
  });

  it("shows the dispatcher only orders already placed and couriers already on shift", () => {
    const seen: Array<[number, string[], string[]]> = [];
    simulate(tinyInstance("c1\t0\t-300\t0\t60\nc2\t1000\t300\t3\t30"), {
      dispatch: (input) => {
        seen.push([
          input.nowMs / MINUTE,
          input.orders.map((o) => o.id),
          input.couriers.map((c) => c.id),
        ]);
        return [];
      },
      roundMinutes: 2,
    });
    expect(seen.slice(0, 3)).toEqual([
      [0, ["o1"], ["c1"]],
      [2, ["o1", "o2"], ["c1"]],
      [4, ["o1", "o2"], ["c1", "c2"]],
    ]);
  });

  it("refuses a dispatcher that breaks a rule rather than repair it", () => {
    const instance = tinyInstance();
    const early = scripted({ 0: [route("c1", ["o2"], 12)] });
    expect(() => simulate(instance, { dispatch: early, roundMinutes: 1 })).toThrow(/not waiting/);
    const mixed = scripted({ 5: [route("c1", ["o1", "o3"], 20)] });
    expect(() => simulate(instance, { dispatch: mixed, roundMinutes: 1 })).toThrow(/restaurants/);
    const late = scripted({ 29: [route("c2", ["o3"], 32)] });
    expect(() => simulate(instance, { dispatch: late, roundMinutes: 1 })).toThrow(/off-time/);
  });

  it("measures the published metrics", () => {
    const m = measure(tinyInstance(), tinySolution());
    expect(m.ordersDelivered).toBe(3);
    expect(m.clickToDoor).toMatchObject({ mean: (21 + 28 + 24) / 3, min: 21, p50: 24, max: 28 });
    expect(m.readyToPickup).toMatchObject({ mean: 2 / 3, max: 2 });
    expect(m.withinTargetShare).toBe(1);
    // c1 rides 3 + 5 + 5 and serves 3 x 4 minutes; c2 rides 3 + 5 and serves 2 x 4; 90 on duty.
    expect(m.courierUtilization).toBeCloseTo((25 + 16) / 90, 10);
    // c1 earns 2 x 10 over a 15 guarantee; c2 earns 10 over 7.5.
    expect(m.totalPay).toBe(30);
    expect(m.guaranteeShare).toBe(0);
  });
});

/** The policy as `npm run mdrp` replays it. */
function replayPolicy(instance: Instance) {
  return simulate(instance, {
    dispatch: planRound,
    roundMinutes: POLICY_ROUND_MINUTES,
    shiftsAheadMinutes: SHIFTS_AHEAD_MINUTES,
  });
}

describe.each(samples)("the sample instance %s", (name) => {
  const instance = readInstance(path.join(SAMPLES_DIR, name));
  const policy = replayPolicy(instance);
  const greedy = simulate(instance, { dispatch: planGreedy, roundMinutes: 1 });

  it.each([
    ["policy", policy],
    ["greedy baseline", greedy],
  ])("is fully delivered by the %s, feasibly by every published rule", (label, replay) => {
    expect(replay.undelivered).toEqual([]);
    expect(replay.solution.orders).toHaveLength(instance.orders.length);
    // Checked as the evaluator would see it: the three files, written and read back.
    const dir = path.join(outRoot, name, label);
    writeSolution(dir, replay.solution);
    expect(checkSolutionFiles(instance, dir)).toEqual([]);
  });

  it("is online: what it decides by T is the same when orders placed after T are removed", () => {
    const times = instance.orders.map((o) => o.placementTime).sort((a, b) => a - b);
    for (const t of [times[Math.floor(times.length / 3)]!, times[Math.floor(times.length / 2)]!]) {
      const orders = instance.orders.filter((o) => o.placementTime <= t);
      const truncated: Instance = {
        ...instance,
        orders,
        orderById: new Map(orders.map((o) => [o.id, o])),
      };
      const upTo = (replay: Replay) =>
        replay.solution.assignments.filter((a) => a.assignmentTime <= t);
      const decided = upTo(policy);
      expect(decided.length).toBeGreaterThan(0);
      expect(upTo(replayPolicy(truncated))).toEqual(decided);
    }
  });

  it("gets food to the door no slower on average than the greedy baseline", () => {
    const ours = measure(instance, policy.solution).clickToDoor.mean;
    const baseline = measure(instance, greedy.solution).clickToDoor.mean;
    expect(ours).toBeLessThanOrEqual(baseline);
  });
});
