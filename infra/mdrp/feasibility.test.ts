import { describe, expect, it } from "vitest";
import { tinyInstance, tinySolution } from "../../test/mdrp/fixtures.ts";
import { checkFeasibility } from "./feasibility.ts";
import type { Solution } from "./solution.ts";

/** A copy of the hand-made solution with one thing broken. */
function broken(change: (s: Solution) => void): Solution {
  const s = structuredClone(tinySolution());
  change(s);
  return s;
}

const codes = (s: Solution, instance = tinyInstance()) =>
  checkFeasibility(instance, s).map((v) => v.code);

describe("the feasibility checker", () => {
  it("accepts the hand-made feasible solution", () => {
    expect(checkFeasibility(tinyInstance(), tinySolution())).toEqual([]);
  });

  it("accepts a courier's second route once its first has ended", () => {
    const twoRoutes = broken((s) => {
      s.assignments[0]!.orderIds = ["o1"];
      s.assignments.push({ assignmentTime: 3, pickupTime: 30, courierId: "c1", orderIds: ["o2"] });
      s.orders[1] = { ...s.orders[1]!, pickupTime: 30, dropoffTime: 44 };
      s.moves.splice(
        2,
        1,
        { courierId: "c1", departureTime: 23, origin: "o1", destination: "r1" },
        { courierId: "c1", departureTime: 32, origin: "r1", destination: "o2" },
      );
    });
    expect(checkFeasibility(tinyInstance(), twoRoutes)).toEqual([]);
  });

  it.each<[string, string, (s: Solution) => void]>([
    [
      "an assignment made before its order is placed",
      "assignment.before_placement",
      (s) => {
        s.assignments[0]!.assignmentTime = 1;
        s.moves[0]!.departureTime = 1;
      },
    ],
    [
      "a pickup before the bundle's food is ready",
      "pickup.before_ready",
      (s) => {
        s.assignments[0]!.pickupTime = 11;
        s.orders[0]!.pickupTime = 11;
        s.orders[1]!.pickupTime = 11;
      },
    ],
    [
      "a pickup before the courier has arrived and half the service passed",
      "pickup.before_arrival",
      (s) => {
        s.moves[3]!.departureTime = 17;
      },
    ],
    [
      "a ride faster than the travel time",
      "dropoff.time",
      (s) => {
        s.orders[0]!.dropoffTime = 19;
      },
    ],
    [
      "one bundle from two restaurants",
      "assignment.restaurants",
      (s) => {
        s.assignments[0]!.orderIds = ["o1", "o3"];
      },
    ],
    [
      "an order in two assignments",
      "assignment.order_twice",
      (s) => {
        s.assignments[1]!.orderIds = ["o3", "o1"];
      },
    ],
    [
      "an order delivered twice",
      "order.delivered_twice",
      (s) => {
        s.orders.push({ ...s.orders[0]! });
      },
    ],
    [
      "a courier leaving a door later than its service ends (waiting en route)",
      "move.departure_time",
      (s) => {
        s.moves[2]!.departureTime = 24;
      },
    ],
    [
      "a courier leaving the restaurant before the pickup",
      "move.departure_time",
      (s) => {
        s.moves[4]!.departureTime = 21;
      },
    ],
    [
      "a move that does not start where the courier is",
      "move.chain_broken",
      (s) => {
        s.moves[2]!.origin = "r1";
      },
    ],
    [
      "doors visited in another order than the assignment's",
      "move.wrong_destination",
      (s) => {
        s.assignments[0]!.orderIds = ["o2", "o1"];
      },
    ],
    [
      "a courier setting off before it is told",
      "move.before_assignment",
      (s) => {
        s.moves[3]!.departureTime = 4;
      },
    ],
    [
      "a courier's moves split apart in the file",
      "moves.not_grouped",
      (s) => {
        const [c2first] = s.moves.splice(3, 1);
        s.moves.splice(1, 0, c2first!);
      },
    ],
    [
      "a route started while the courier is still on its previous one",
      "move.while_busy",
      (s) => {
        // c1 carries o1, then o2 on a second route, but leaves o1's door a minute early.
        s.assignments[0]!.orderIds = ["o1"];
        s.assignments.push({
          assignmentTime: 3,
          pickupTime: 29,
          courierId: "c1",
          orderIds: ["o2"],
        });
        s.orders[1] = { ...s.orders[1]!, pickupTime: 29, dropoffTime: 43 };
        s.moves.splice(
          2,
          1,
          { courierId: "c1", departureTime: 22, origin: "o1", destination: "r1" },
          { courierId: "c1", departureTime: 31, origin: "r1", destination: "o2" },
        );
      },
    ],
    [
      "an assigned order missing from the orders file",
      "assignment.not_delivered",
      (s) => {
        s.orders.splice(2, 1);
      },
    ],
    [
      "an assignment with no moves",
      "route.missing",
      (s) => {
        s.moves.splice(3, 2);
      },
    ],
    [
      "a route left unfinished",
      "route.incomplete",
      (s) => {
        s.moves.splice(2, 1);
      },
    ],
  ])("catches %s", (_, code, change) => {
    expect(codes(broken(change))).toContain(code);
  });

  it("catches a pickup after the courier's off-time", () => {
    const shortShift = tinyInstance("c1\t0\t-300\t0\t60\nc2\t1000\t300\t0\t15");
    expect(codes(tinySolution(), shortShift)).toContain("pickup.after_off_time");
  });

  it("catches an assignment, and a departure, before the courier's shift", () => {
    const lateStart = tinyInstance("c1\t0\t-300\t0\t60\nc2\t1000\t300\t6\t30");
    expect(codes(tinySolution(), lateStart)).toEqual(
      expect.arrayContaining(["assignment.before_shift", "move.while_busy"]),
    );
  });

  it("catches ids that are not in the instance", () => {
    const s = broken((x) => {
      x.orders[0]!.orderId = "o9";
      x.assignments[1]!.courierId = "c9";
    });
    expect(codes(s)).toEqual(
      expect.arrayContaining(["order.unknown", "assignment.courier_unknown"]),
    );
  });
});
