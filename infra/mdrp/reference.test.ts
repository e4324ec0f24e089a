import { describe, expect, it } from "vitest";
import { tinyInstance } from "../../test/mdrp/fixtures.ts";
import { lowerBoundMinutes, measure } from "./metrics.ts";
import { planReference } from "./reference.ts";

describe("the reference", () => {
  it("takes orders by ready time, each to the courier who picks it up soonest, alone", () => {
    const { solution, undelivered } = planReference(tinyInstance());
    expect(undelivered).toEqual([]);
    // o1 (ready 10): c1 is 3 minutes away, c2 11. o2 (ready 12): c1 is out with o1 until 21, so
    // c2, setting off at o2's placement (2), picks up at 15. o3 (ready 20): c2 is busy past its
    // off-time, so c1 again: told at 5, it sets off from o1's
    // door when done there, at 21.
    expect(solution.assignments).toEqual([
      { assignmentTime: 0, pickupTime: 10, courierId: "c1", orderIds: ["o1"] },
      { assignmentTime: 2, pickupTime: 15, courierId: "c2", orderIds: ["o2"] },
      { assignmentTime: 5, pickupTime: 35, courierId: "c1", orderIds: ["o3"] },
    ]);
  });
});

describe("the lower bound", () => {
  it("is a courier waiting at the counter when the food is ready, then straight to the door", () => {
    const instance = tinyInstance();
    // o1: ready 10 after placement, half the pickup service, 5 minutes' ride, half the drop-off.
    expect(lowerBoundMinutes(instance, instance.orderById.get("o1")!)).toBe(10 + 2 + 5 + 2);
    expect(lowerBoundMinutes(instance, instance.orderById.get("o2")!)).toBe(10 + 2 + 10 + 2);
  });

  it("is never beaten: every delivered order takes at least its bound", () => {
    const instance = tinyInstance();
    const metrics = measure(instance, planReference(instance).solution);
    expect(metrics.lowerBoundMean).toBeCloseTo((19 + 24 + 24) / 3, 10);
    expect(metrics.ratioToLowerBound).toBeGreaterThanOrEqual(1);
  });
});
