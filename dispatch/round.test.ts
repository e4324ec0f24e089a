import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { courier, fleet, lineTravel, MINUTE, order, T0 } from "../test/dispatch/fixtures.ts";
import { resolvePolicyConfig } from "./config.ts";
import { planGreedy } from "./greedy.ts";
import { bundleSizeTarget, candidatesWanted, planRound } from "./round.ts";
import type { Assignment, Courier, OrderToDispatch } from "./types.ts";

const config = resolvePolicyConfig({ roundMs: MINUTE });

function plan(orders: OrderToDispatch<number>[], couriers: Courier<number>[], nowMs = T0) {
  return planRound({ nowMs, orders, couriers, travelMs: lineTravel, config });
}

function totalDropoffMs(assignments: Assignment[]): number {
  return assignments.reduce((sum, a) => sum + a.dropoffAtMs.reduce((s, d) => s + d, 0), 0);
}

describe("a round", () => {
  it("solves all orders together where first come, first served would make one late", () => {
    // Both couriers are as near to r1; only c1 is near r2. Greedy gives r1's order (placed
    // first) to c1 by the tie, and r2's customer waits for c2 to cross town.
    const orders = [
      order({
        id: "first",
        restaurantId: "r1",
        pickup: 3,
        dropoff: 8,
        placedAtMs: T0 - 2 * MINUTE,
      }),
      order({ id: "second", restaurantId: "r2", pickup: -3, dropoff: -8, placedAtMs: T0 - MINUTE }),
    ];
    const couriers = [courier({ id: "c1", position: 0 }), courier({ id: "c2", position: 6 })];
    const policy = plan(orders, couriers);
    const greedy = planGreedy({ nowMs: T0, orders, couriers, travelMs: lineTravel, config });
    expect(policy.map((a) => [a.orderIds[0], a.courierId]).sort()).toEqual([
      ["first", "c2"],
      ["second", "c1"],
    ]);
    expect(totalDropoffMs(policy)).toBeLessThan(totalDropoffMs(greedy));
  });

  it("aims the courier to arrive as the food is ready: pickup at ready time, no earlier", () => {
    // One minute's ride, half the 4-minute service: picked up at T0 + 3, as the food is ready.
    const [a] = plan([order({ readyAtMs: T0 + 3 * MINUTE })], [courier({ position: 1 })]);
    expect(a!.arriveAtMs).toBe(T0 + MINUTE);
    expect(a!.pickupAtMs).toBe(T0 + 3 * MINUTE);
    // Then half the service, a 5-minute ride, half the drop-off service.
    expect(a!.dropoffAtMs).toEqual([T0 + 12 * MINUTE]);
    expect(a!.endsAtMs).toBe(T0 + 14 * MINUTE);
  });

  it("waits to commit while the courier need not set off yet", () => {
    // The courier is 5 minutes away and the food is ready in 30: a later round knows more.
    expect(plan([order({ readyAtMs: T0 + 30 * MINUTE })], [courier({ position: 5 })])).toEqual([]);
  });

  it("commits once waiting one more round (plus the lead) would make the food wait", () => {
    // Must set off by ready - half the service - ride = T0 + 20 - 2 - 5 = T0 + 13.
    const o = order({ readyAtMs: T0 + 20 * MINUTE });
    const c = courier({ position: 5 });
    const lead = config.roundMs + config.commitLeadMs;
    expect(plan([o], [c], T0 + 13 * MINUTE - lead - 1)).toEqual([]);
    expect(plan([o], [c], T0 + 13 * MINUTE - lead)).toHaveLength(1);
  });

  it("never assigns an order before it is placed", () => {
    const future = order({ placedAtMs: T0 + 1, readyAtMs: T0 });
    expect(plan([future], fleet(3))).toEqual([]);
  });

  it("gives no courier a pickup after its shift ends", () => {
    const o = order({ readyAtMs: T0 + 10 * MINUTE });
    const leaving = courier({ id: "leaving", position: 0, offAtMs: T0 + 9 * MINUTE });
    const staying = courier({ id: "staying", position: 9 });
    expect(plan([o], [leaving])).toEqual([]);
    expect(plan([o], [leaving, staying]).map((a) => a.courierId)).toEqual(["staying"]);
  });

  it("plans a busy courier's next route from when its current one ends, committing it only then", () => {
    const busy = courier({ id: "busy", position: 0, freeAtMs: T0 + 5 * MINUTE });
    expect(plan([order()], [busy])).toEqual([]);
    expect(plan([order()], [busy], T0 + 4.5 * MINUTE)).toEqual([]);
    const [a] = plan([order()], [busy], T0 + 5 * MINUTE);
    expect(a!.departAtMs).toBe(T0 + 5 * MINUTE);
  });

  it("never lets orders ready later hold back orders ready now", () => {
    // One idle courier at the restaurant, two orders ready now and two ready in half an hour:
    // the later two are the older ones, so a single matching would rather serve them first.
    const orders = [
      order({ id: "later-a", readyAtMs: T0 + 30 * MINUTE, placedAtMs: T0 - 20 * MINUTE }),
      order({ id: "later-b", readyAtMs: T0 + 30 * MINUTE, placedAtMs: T0 - 20 * MINUTE }),
      order({ id: "now-a", readyAtMs: T0, placedAtMs: T0 - 10 * MINUTE }),
      order({ id: "now-b", readyAtMs: T0, placedAtMs: T0 - 10 * MINUTE }),
    ];
    const [a, ...rest] = plan(orders, [courier()]);
    expect(rest).toEqual([]);
    expect(a!.orderIds.sort()).toEqual(["now-a", "now-b"]);
  });

  it("serves food that cannot wait before older orders that can, within one level too", () => {
    // The older two are ready in 15 minutes, inside the first level's window.
    const orders = [
      order({
        id: "older",
        restaurantId: "r1",
        readyAtMs: T0 + 15 * MINUTE,
        placedAtMs: T0 - 30 * MINUTE,
      }),
      order({ id: "ready", restaurantId: "r2", pickup: 1, placedAtMs: T0 - 5 * MINUTE }),
    ];
    expect(plan(orders, [courier()]).map((a) => a.orderIds)).toEqual([["ready"]]);
  });

  it("never plans an idle courier for later food while food ready now is left behind", () => {
    // Found by the dispatch simulation (seed 6876): "far" declined now-b, so the matching gave far
    // the rest of the ready bundle and near the later bundle, leaving now-b behind round after
    // round. Leaving food that cannot wait costs what skipping it does.
    const orders = [
      order({ id: "later-a", readyAtMs: T0 + 7 * MINUTE, placedAtMs: T0 - 20 * MINUTE }),
      order({ id: "later-b", readyAtMs: T0 + 12 * MINUTE, placedAtMs: T0 - 12 * MINUTE }),
      order({ id: "now-a", readyAtMs: T0 - 2 * MINUTE, placedAtMs: T0 - 10 * MINUTE }),
      order({ id: "now-b", readyAtMs: T0 - MINUTE, placedAtMs: T0 - 7 * MINUTE }),
      order({ id: "last", readyAtMs: T0 + 21 * MINUTE, placedAtMs: T0 - 4 * MINUTE }),
    ];
    const assignments = planRound({
      nowMs: T0,
      orders,
      couriers: [courier({ id: "near", position: 8 }), courier({ id: "far", position: 10 })],
      travelMs: lineTravel,
      config,
      penaltyMs: (courierId, orderId) =>
        courierId === "far" && orderId !== "now-a" ? Number.POSITIVE_INFINITY : 0,
    });
    expect(assignments.flatMap((a) => a.orderIds)).toContain("now-b");
  });

  it("serves what it can of ready food its only courier declined part of, before later food", () => {
    // Found by the dispatch simulation (seed 75): the courier declined "declined", bundled with
    // "ready"; two orders ready later would otherwise take the courier and leave "ready" waiting.
    const orders = [
      order({ id: "declined", readyAtMs: T0 - 3 * MINUTE, placedAtMs: T0 - 5 * MINUTE }),
      order({ id: "ready", readyAtMs: T0, placedAtMs: T0 - 4 * MINUTE }),
      order({ id: "later-a", readyAtMs: T0 + 7 * MINUTE, placedAtMs: T0 - 12 * MINUTE }),
      order({ id: "later-b", readyAtMs: T0 + 7 * MINUTE, placedAtMs: T0 - 5 * MINUTE }),
    ];
    const assignments = planRound({
      nowMs: T0,
      orders,
      couriers: [courier({ position: 1 })],
      travelMs: lineTravel,
      config,
      penaltyMs: (_, orderId) => (orderId === "declined" ? Number.POSITIVE_INFINITY : 0),
    });
    expect(assignments.map((a) => a.orderIds)).toEqual([["ready"]]);
  });

  it("holds an order for a courier coming free sooner than an idle one could arrive", () => {
    // The idle courier is 20 minutes away; the busy one ends its route at the restaurant in 2.
    const idle = courier({ id: "idle", position: 20 });
    const busy = courier({ id: "busy", position: 0, freeAtMs: T0 + 2 * MINUTE });
    expect(plan([order()], [idle, busy])).toEqual([]);
    expect(plan([order()], [idle, busy], T0 + 2 * MINUTE).map((a) => a.courierId)).toEqual([
      "busy",
    ]);
  });

  it("plans for a courier whose shift starts soon, never committing them before it does", () => {
    const starting = courier({ id: "starting", position: 0, onAtMs: T0 + MINUTE });
    const far = courier({ id: "far", position: 30 });
    expect(plan([order()], [starting, far])).toEqual([]);
    const [a] = plan([order()], [starting, far], T0 + MINUTE);
    expect(a!.courierId).toBe("starting");
    expect(a!.departAtMs).toBe(T0 + MINUTE);
  });

  it("keeps a courier where an order is expected, sending one a little farther to a real order", () => {
    const real = order({ id: "real", restaurantId: "r2", pickup: 2, readyAtMs: T0 });
    const couriers = [courier({ id: "there", position: 0 }), courier({ id: "near", position: 5 })];
    const expected = [
      { restaurantId: "r1", pickup: 0, dropoff: 5, readyAtMs: T0 + 2 * MINUTE, weight: 1 },
    ];
    const without = planRound({
      nowMs: T0,
      orders: [real],
      couriers,
      travelMs: lineTravel,
      config,
    });
    expect(without.map((a) => a.courierId)).toEqual(["there"]);
    const withForecast = planRound({
      nowMs: T0,
      orders: [real],
      couriers,
      travelMs: lineTravel,
      config,
      expected,
    });
    expect(withForecast.map((a) => [a.courierId, a.orderIds])).toEqual([["near", ["real"]]]);
    // An unlikely order holds nobody back.
    const unlikely = planRound({
      nowMs: T0,
      orders: [real],
      couriers,
      travelMs: lineTravel,
      config,
      expected: [{ ...expected[0]!, weight: 0.1 }],
    });
    expect(unlikely.map((a) => a.courierId)).toEqual(["there"]);
  });

  it("bundles one restaurant's orders when couriers are short", () => {
    const orders = [order({ id: "a", dropoff: 5 }), order({ id: "b", dropoff: 6 })];
    const assignments = plan(orders, [courier({ position: 1 })]);
    expect(assignments.map((a) => a.orderIds)).toEqual([["a", "b"]]);
  });

  it("does not bundle when there is a courier for every order", () => {
    const orders = [order({ id: "a", dropoff: 5 }), order({ id: "b", dropoff: 6 })];
    const assignments = plan(orders, fleet(2, 1));
    expect(assignments.map((a) => a.orderIds.length)).toEqual([1, 1]);
  });

  it("serves the order that has waited longest when couriers are short", () => {
    const old = order({ id: "old", restaurantId: "r1", pickup: 2, placedAtMs: T0 - 30 * MINUTE });
    const fresh = order({ id: "fresh", restaurantId: "r2", pickup: -1, placedAtMs: T0 - MINUTE });
    const [a, ...rest] = plan([old, fresh], [courier({ position: 0 })]);
    expect(rest).toEqual([]);
    expect(a!.orderIds).toEqual(["old"]);
  });

  it("asks candidatesOf for candidates when given, and uses only what it returns", () => {
    const asked: Array<[number, number]> = [];
    const outsider = courier({ id: "outsider", position: 1 });
    const assignments = planRound({
      nowMs: T0,
      orders: [order()],
      couriers: fleet(3),
      travelMs: lineTravel,
      config,
      candidatesOf: (pickup, k) => {
        asked.push([pickup, k]);
        return [outsider];
      },
    });
    expect(asked).toEqual([[0, config.candidatesPerBundle]]);
    expect(assignments.map((a) => a.courierId)).toEqual(["outsider"]);
  });

  it("keeps the published rules in every round it plans", () => {
    const scenario = fc.record({
      orders: fc.array(
        fc.record({
          restaurant: fc.integer({ min: 0, max: 4 }),
          dropoff: fc.integer({ min: -20, max: 20 }),
          placedAgo: fc.integer({ min: -5, max: 40 }),
          readyIn: fc.integer({ min: -10, max: 30 }),
        }),
        { maxLength: 30 },
      ),
      couriers: fc.array(
        fc.record({
          position: fc.integer({ min: -25, max: 25 }),
          busyFor: fc.integer({ min: -5, max: 20 }),
          offIn: fc.option(fc.integer({ min: 0, max: 60 })),
          onIn: fc.option(fc.integer({ min: 1, max: 30 })),
        }),
        { maxLength: 12 },
      ),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const orders = s.orders.map((o, i) =>
          order({
            id: `o${i}`,
            restaurantId: `r${o.restaurant}`,
            pickup: o.restaurant * 7 - 14,
            dropoff: o.dropoff,
            placedAtMs: T0 - o.placedAgo * MINUTE,
            readyAtMs: T0 - o.placedAgo * MINUTE + Math.max(0, o.placedAgo + o.readyIn) * MINUTE,
          }),
        );
        const couriers = s.couriers.map((c, i) =>
          courier({
            id: `c${i}`,
            position: c.position,
            freeAtMs: T0 + c.busyFor * MINUTE,
            ...(c.offIn === null ? {} : { offAtMs: T0 + c.offIn * MINUTE }),
            ...(c.onIn === null ? {} : { onAtMs: T0 + c.onIn * MINUTE }),
          }),
        );
        const byId = new Map(orders.map((o) => [o.id, o]));
        const assignments = plan(orders, couriers);
        const usedOrders = assignments.flatMap((a) => a.orderIds);
        expect(new Set(usedOrders).size).toBe(usedOrders.length);
        const usedCouriers = assignments.map((a) => a.courierId);
        expect(new Set(usedCouriers).size).toBe(usedCouriers.length);
        for (const a of assignments) {
          const bundle = a.orderIds.map((id) => byId.get(id)!);
          const c = couriers.find((x) => x.id === a.courierId)!;
          expect(new Set(bundle.map((o) => o.restaurantId)).size).toBe(1);
          expect(bundle.every((o) => o.placedAtMs <= T0)).toBe(true);
          expect(a.pickupAtMs).toBeGreaterThanOrEqual(Math.max(...bundle.map((o) => o.readyAtMs)));
          expect(a.pickupAtMs).toBeGreaterThanOrEqual(a.arriveAtMs + config.pickupServiceMs / 2);
          // Committed only to a courier free and on shift now, setting off now.
          expect(c.freeAtMs).toBeLessThanOrEqual(T0);
          expect(c.onAtMs ?? T0).toBeLessThanOrEqual(T0);
          expect(a.departAtMs).toBe(T0);
          expect(a.pickupAtMs).toBeLessThanOrEqual(c.offAtMs ?? Number.POSITIVE_INFINITY);
          expect(a.orderIds.length).toBeLessThanOrEqual(config.bundleSizeMax);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("how much a round weighs", () => {
  it("prices each bundle against fewer couriers only when couriers are plentiful", () => {
    expect(candidatesWanted({ demand: 200, supply: 20_000 }, 64)).toBe(16);
    expect(candidatesWanted({ demand: 200, supply: 1_600 }, 64)).toBe(32);
    expect(candidatesWanted({ demand: 10, supply: 10 }, 64)).toBe(64);
    expect(candidatesWanted({ demand: 10, supply: 0 }, 64)).toBe(64);
  });

  it("bundles more orders per courier as couriers get short, up to the bag's size", () => {
    expect(bundleSizeTarget({ demand: 10, supply: 20 }, 3)).toBe(1);
    expect(bundleSizeTarget({ demand: 21, supply: 10 }, 3)).toBe(3);
    expect(bundleSizeTarget({ demand: 50, supply: 10 }, 3)).toBe(3);
    expect(bundleSizeTarget({ demand: 5, supply: 0 }, 3)).toBe(3);
  });
});

describe("the greedy baseline", () => {
  it("gives each order, in placement order, to the courier who reaches its restaurant first", () => {
    const orders = [
      order({ id: "later", pickup: 10, placedAtMs: T0 - MINUTE }),
      order({ id: "earlier", pickup: 4, placedAtMs: T0 - 2 * MINUTE }),
    ];
    const assignments = planGreedy({
      nowMs: T0,
      orders,
      couriers: fleet(2, 5),
      travelMs: lineTravel,
      config,
    });
    expect(assignments.map((a) => [a.orderIds[0], a.courierId])).toEqual([
      ["earlier", "c1"],
      ["later", "c2"],
    ]);
  });

  it("chains a second order behind a courier's first within one round, never bundling", () => {
    const orders = [order({ id: "a" }), order({ id: "b" })];
    const [first, second] = planGreedy({
      nowMs: T0,
      orders,
      couriers: [courier()],
      travelMs: lineTravel,
      config,
    });
    expect(first!.orderIds).toEqual(["a"]);
    expect(second!.orderIds).toEqual(["b"]);
    expect(second!.departAtMs).toBe(first!.endsAtMs);
  });
});

describe("the policy configuration", () => {
  it("refuses a bad field, naming it", () => {
    expect(() => resolvePolicyConfig({ roundMs: 0 })).toThrow("dispatch.roundMs must be > 0");
    expect(() => resolvePolicyConfig({ reachWeight: -1 })).toThrow(
      "dispatch.reachWeight must be >= 0",
    );
    expect(() => resolvePolicyConfig({ bundleSizeMax: 2.5 })).toThrow(
      "dispatch.bundleSizeMax must be an integer",
    );
    expect(() => resolvePolicyConfig({ candidatesPerBundle: 1_000 })).toThrow(
      /candidatesPerBundle/,
    );
    expect(() => resolvePolicyConfig({ idleWeight: Number.NaN })).toThrow(/idleWeight/);
  });
});
