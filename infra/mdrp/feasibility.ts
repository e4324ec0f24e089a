import { type Instance, type InstanceCourier, travelMinutes } from "./instance.ts";
import { ON_LOCATION, readSolution, type Solution, type SolutionAssignment } from "./solution.ts";

/**
 * The feasibility checker: every published MDRP rule (../shared/data/mdrp/README.md), checked on
 * a solution as its three files state it, independently of the simulator that wrote them. It
 * rebuilds each courier's day from its moves alone (origin, destination, departure time and the
 * instance's travel times) and holds the assignments and orders files to it.
 *
 * Rules enforced, each with its violation code:
 * - ids name the instance's orders and couriers; order times are the instance's;
 * - each order is assigned and delivered at most once, and a delivered order is assigned;
 * - an assignment is made no earlier than its orders' placement nor the courier's on-time;
 * - one restaurant per assignment;
 * - pickup >= latest ready time of the bundle, >= arrival + half the pickup service, <= off-time;
 * - a courier's moves are contiguous in the file, chained (origin = previous destination, the
 *   first from its on-location "0"), in execution order, and each route goes to its restaurant and
 *   then to its orders' doors in the assignment's order;
 * - a courier sets off no earlier than its assignment, its shift, or the end of its previous
 *   route, and, once en route, is never diverted: it leaves the restaurant at pickup + half the
 *   service and each door at drop-off + half the service;
 * - drop-off = departure + travel + half the drop-off service, as the orders file states it.
 */

export type Violation = { code: string; message: string };

/** Times are whole minutes plus half services; anything closer than this is equal. */
const EPS = 1e-6;

/** Stop collecting after this many: a broken solution breaks thousands of times alike. */
const VIOLATIONS_MAX = 1_000;

export function checkFeasibility(instance: Instance, solution: Solution): Violation[] {
  const violations: Violation[] = [];
  const report = (code: string, message: string) => {
    if (violations.length < VIOLATIONS_MAX) violations.push({ code, message });
  };
  const p = instance.parameters;
  const ps = p.pickupServiceMinutes;
  const ds = p.dropoffServiceMinutes;

  // The orders file: known orders, once each, with the instance's times.
  const deliveredById = new Map<string, Solution["orders"][number]>();
  for (const row of solution.orders) {
    const order = instance.orderById.get(row.orderId);
    if (!order) {
      report("order.unknown", `${row.orderId} is not an order of the instance`);
      continue;
    }
    if (deliveredById.has(row.orderId)) {
      report("order.delivered_twice", `${row.orderId} appears twice in the orders file`);
      continue;
    }
    deliveredById.set(row.orderId, row);
    if (
      Math.abs(row.placementTime - order.placementTime) > EPS ||
      Math.abs(row.readyTime - order.readyTime) > EPS
    ) {
      report("order.times_changed", `${row.orderId}: placement/ready differ from the instance`);
    }
    if (!instance.courierById.has(row.courierId)) {
      report(
        "order.courier_unknown",
        `${row.orderId}: courier ${row.courierId} is not in the instance`,
      );
    }
  }

  // The assignments file.
  const assignmentOf = new Map<string, SolutionAssignment>();
  const byCourier = new Map<string, SolutionAssignment[]>();
  for (const a of solution.assignments) {
    const courier = instance.courierById.get(a.courierId);
    if (!courier) {
      report("assignment.courier_unknown", `courier ${a.courierId} is not in the instance`);
      continue;
    }
    const list = byCourier.get(a.courierId);
    if (list) list.push(a);
    else byCourier.set(a.courierId, [a]);
    const restaurants = new Set<string>();
    let readyMax = Number.NEGATIVE_INFINITY;
    for (const id of a.orderIds) {
      const order = instance.orderById.get(id);
      if (!order) {
        report("assignment.order_unknown", `${id} is not an order of the instance`);
        continue;
      }
      if (assignmentOf.has(id)) report("assignment.order_twice", `${id} is in two assignments`);
      assignmentOf.set(id, a);
      restaurants.add(order.restaurantId);
      readyMax = Math.max(readyMax, order.readyTime);
      if (a.assignmentTime < order.placementTime - EPS) {
        report(
          "assignment.before_placement",
          `${id} assigned at ${a.assignmentTime}, placed at ${order.placementTime}`,
        );
      }
      const delivered = deliveredById.get(id);
      if (!delivered) {
        report("assignment.not_delivered", `${id} is assigned but not in the orders file`);
      } else if (
        delivered.courierId !== a.courierId ||
        Math.abs(delivered.pickupTime - a.pickupTime) > EPS
      ) {
        report("order.assignment_mismatch", `${id}: courier or pickup differs from its assignment`);
      }
    }
    if (new Set(a.orderIds).size !== a.orderIds.length) {
      report(
        "assignment.order_twice",
        `${a.orderIds.join(" ")}: an order repeats in one assignment`,
      );
    }
    if (restaurants.size > 1) {
      report(
        "assignment.restaurants",
        `${a.orderIds.join(" ")} come from ${restaurants.size} restaurants`,
      );
    }
    if (a.assignmentTime < courier.onTime - EPS) {
      report(
        "assignment.before_shift",
        `${a.courierId} assigned at ${a.assignmentTime}, on at ${courier.onTime}`,
      );
    }
    if (a.pickupTime < readyMax - EPS) {
      report(
        "pickup.before_ready",
        `${a.orderIds.join(" ")} picked up at ${a.pickupTime}, ready at ${readyMax}`,
      );
    }
    if (a.pickupTime > courier.offTime + EPS) {
      report(
        "pickup.after_off_time",
        `${a.courierId} picks up at ${a.pickupTime}, off at ${courier.offTime}`,
      );
    }
  }
  for (const id of deliveredById.keys()) {
    if (!assignmentOf.has(id)) report("order.unassigned", `${id} is delivered but never assigned`);
  }

  // The couriers file: each courier's moves, contiguous and in execution order.
  const movesByCourier = new Map<string, Solution["moves"]>();
  let previousCourier: string | undefined;
  for (const move of solution.moves) {
    if (move.courierId !== previousCourier && movesByCourier.has(move.courierId)) {
      report("moves.not_grouped", `${move.courierId}'s moves are not contiguous`);
    }
    previousCourier = move.courierId;
    const list = movesByCourier.get(move.courierId);
    if (list) list.push(move);
    else movesByCourier.set(move.courierId, [move]);
  }
  for (const [courierId, moves] of movesByCourier) {
    const courier = instance.courierById.get(courierId);
    if (!courier) {
      report("move.courier_unknown", `courier ${courierId} is not in the instance`);
      continue;
    }
    const routes = [...(byCourier.get(courierId) ?? [])].sort(
      (a, b) => a.pickupTime - b.pickupTime,
    );
    checkCourierDay(courier, moves, routes);
  }
  for (const [courierId, routes] of byCourier) {
    if (!movesByCourier.has(courierId) && routes.length > 0) {
      report("route.missing", `${courierId} has ${routes.length} assignments and no moves`);
    }
  }
  return violations;

  function checkCourierDay(
    courier: InstanceCourier,
    moves: Solution["moves"],
    routes: SolutionAssignment[],
  ): void {
    const where = (id: string) =>
      id === ON_LOCATION
        ? courier
        : (instance.restaurantById.get(id) ?? instance.orderById.get(id));
    let at = ON_LOCATION;
    let freeAt = courier.onTime;
    let routeIndex = 0;
    let route: { a: SolutionAssignment; next: number; leaveAt: number } | null = null;
    for (const move of moves) {
      const tag = `${courier.id} ${move.origin}->${move.destination} at ${move.departureTime}`;
      if (move.origin !== at) {
        report("move.chain_broken", `${tag}: the courier is at ${at}`);
        return;
      }
      const from = where(move.origin);
      const to = where(move.destination);
      if (!from || !to) {
        report("move.place_unknown", `${tag}: unknown place`);
        return;
      }
      const arrive = move.departureTime + travelMinutes(from, to, p.metersPerMinute);
      if (!route) {
        const a = routes[routeIndex];
        if (!a) {
          report("move.without_assignment", `${tag}: no assignment left for this courier`);
          return;
        }
        const restaurantId = instance.orderById.get(a.orderIds[0] ?? "")?.restaurantId;
        if (move.destination !== restaurantId) {
          report(
            "move.wrong_destination",
            `${tag}: the next assignment picks up at ${restaurantId}`,
          );
          return;
        }
        if (move.departureTime < freeAt - EPS) {
          report("move.while_busy", `${tag}: the courier is busy (or off shift) until ${freeAt}`);
        }
        if (move.departureTime < a.assignmentTime - EPS) {
          report("move.before_assignment", `${tag}: assigned only at ${a.assignmentTime}`);
        }
        if (a.pickupTime < arrive + ps / 2 - EPS) {
          report("pickup.before_arrival", `${tag}: arrives ${arrive}, picks up at ${a.pickupTime}`);
        }
        route = { a, next: 0, leaveAt: a.pickupTime + ps / 2 };
      } else {
        const orderId = route.a.orderIds[route.next];
        if (move.destination !== orderId) {
          report("move.wrong_destination", `${tag}: the route's next door is ${orderId}`);
          return;
        }
        if (Math.abs(move.departureTime - route.leaveAt) > EPS) {
          report(
            "move.departure_time",
            `${tag}: the courier leaves at ${route.leaveAt} (no waiting or diverting en route)`,
          );
        }
        const dropoff = arrive + ds / 2;
        const delivered = deliveredById.get(orderId);
        if (delivered && Math.abs(delivered.dropoffTime - dropoff) > EPS) {
          report(
            "dropoff.time",
            `${orderId}: dropped off at ${delivered.dropoffTime}, the moves give ${dropoff}`,
          );
        }
        route.next++;
        route.leaveAt = dropoff + ds / 2;
        if (route.next === route.a.orderIds.length) {
          freeAt = route.leaveAt;
          route = null;
          routeIndex++;
        }
      }
      at = move.destination;
    }
    if (route)
      report(
        "route.incomplete",
        `${courier.id}: route to ${route.a.orderIds.join(" ")} is not finished`,
      );
    if (routeIndex < routes.length && !route) {
      report(
        "route.missing",
        `${courier.id}: ${routes.length - routeIndex} assignments have no moves`,
      );
    }
  }
}

/** Reads the solution files in `dir` and checks them against `instance`. */
export function checkSolutionFiles(instance: Instance, dir: string): Violation[] {
  return checkFeasibility(instance, readSolution(dir));
}
