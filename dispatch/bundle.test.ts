import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineTravel, MINUTE, order, T0 } from "../test/dispatch/fixtures.ts";
import { bundleOrders, sequenceDropoffs } from "./bundle.ts";
import { defaultPolicyConfig } from "./config.ts";
import { dropoffTimes } from "./route.ts";
import type { OrderToDispatch } from "./types.ts";

const config = defaultPolicyConfig;
const restaurantAt: Record<string, number> = { r1: 0, r2: 20, r3: -15 };

const orders = fc
  .array(
    fc.record({
      restaurantId: fc.constantFrom("r1", "r2", "r3"),
      dropoffOffset: fc.integer({ min: -12, max: 12 }),
      readyMinutes: fc.integer({ min: 0, max: 40 }),
    }),
    { maxLength: 25 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      order({
        id: `o${i}`,
        restaurantId: s.restaurantId,
        pickup: restaurantAt[s.restaurantId]!,
        dropoff: restaurantAt[s.restaurantId]! + s.dropoffOffset,
        readyAtMs: T0 + s.readyMinutes * MINUTE,
      }),
    ),
  );

function aloneDropoffMs(o: OrderToDispatch<number>): number {
  return (
    o.readyAtMs +
    config.pickupServiceMs / 2 +
    lineTravel(o.pickup, o.dropoff) +
    config.dropoffServiceMs / 2
  );
}

describe("bundling", () => {
  it("puts every order in exactly one bundle, of one restaurant, within the size target", () => {
    fc.assert(
      fc.property(orders, fc.integer({ min: 1, max: 5 }), (list, sizeTarget) => {
        const bundles = bundleOrders(list, sizeTarget, lineTravel, config);
        const ids = bundles.flatMap((b) => b.orders.map((o) => o.id));
        expect([...ids].sort()).toEqual(list.map((o) => o.id).sort());
        for (const b of bundles) {
          expect(b.orders.every((o) => o.restaurantId === b.restaurantId)).toBe(true);
          expect(b.orders.length).toBeLessThanOrEqual(Math.min(sizeTarget, config.bundleSizeMax));
        }
      }),
    );
  });

  it("respects ready times: a bundle is ready when its last order is, and none waits long for another", () => {
    fc.assert(
      fc.property(orders, fc.integer({ min: 1, max: 5 }), (list, sizeTarget) => {
        for (const b of bundleOrders(list, sizeTarget, lineTravel, config)) {
          const ready = b.orders.map((o) => o.readyAtMs);
          expect(b.readyAtMs).toBe(Math.max(...ready));
          expect(Math.max(...ready) - Math.min(...ready)).toBeLessThanOrEqual(
            config.bundleReadySpreadMs,
          );
        }
      }),
    );
  });

  it("delays no customer more than the limit against riding alone", () => {
    fc.assert(
      fc.property(orders, (list) => {
        for (const b of bundleOrders(list, config.bundleSizeMax, lineTravel, config)) {
          const { dropoffAtMs } = dropoffTimes(
            b.readyAtMs + config.pickupServiceMs / 2,
            b.pickup,
            b.orders,
            lineTravel,
            config.dropoffServiceMs,
          );
          b.orders.forEach((o, i) => {
            expect(dropoffAtMs[i]! - aloneDropoffMs(o)).toBeLessThanOrEqual(
              config.bundleDelayMaxMs,
            );
          });
        }
      }),
    );
  });

  it("bundles nothing when the supply asks for one order per courier", () => {
    const list = [order({ id: "a" }), order({ id: "b", dropoff: 6 })];
    expect(bundleOrders(list, 1, lineTravel, config).map((b) => b.orders.length)).toEqual([1, 1]);
  });

  it("bundles orders of one restaurant ready together with doors the same way", () => {
    const list = [
      order({ id: "a", dropoff: 6 }),
      order({ id: "b", dropoff: 4, readyAtMs: T0 + MINUTE }),
    ];
    const [bundle, ...rest] = bundleOrders(list, 2, lineTravel, config);
    expect(rest).toEqual([]);
    // The nearer door first, and the bundle ready when its last order is.
    expect(bundle!.orders.map((o) => o.id)).toEqual(["b", "a"]);
    expect(bundle!.readyAtMs).toBe(T0 + MINUTE);
  });

  it("keeps apart orders whose doors lie in opposite directions", () => {
    const list = [order({ id: "a", dropoff: 8 }), order({ id: "b", dropoff: -8 })];
    expect(bundleOrders(list, 2, lineTravel, config)).toHaveLength(2);
  });

  it("keeps apart orders ready too far apart", () => {
    const list = [order({ id: "a" }), order({ id: "b", readyAtMs: T0 + 11 * MINUTE })];
    expect(bundleOrders(list, 2, lineTravel, config)).toHaveLength(2);
  });
});

describe("drop-off sequencing", () => {
  it("minimises the customers' total wait, not the courier's ride", () => {
    // Riding 1 then 10 totals 10 minutes of riding, customers wait 1 + 10; riding to 10 first
    // ends at 1 after 19: the near door goes first.
    const near = order({ id: "near", dropoff: 1 });
    const far = order({ id: "far", dropoff: 10 });
    expect(sequenceDropoffs(0, [far, near], lineTravel).map((o) => o.id)).toEqual(["near", "far"]);
  });

  it("beyond four doors goes to the nearest door next", () => {
    const doors = [9, -2, 4, 1, 7].map((d, i) => order({ id: `o${i}`, dropoff: d }));
    expect(sequenceDropoffs(0, doors, lineTravel).map((o) => o.dropoff)).toEqual([1, -2, 4, 7, 9]);
  });
});
