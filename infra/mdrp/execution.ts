import type { Instance, Point } from "./instance.ts";
import { travelMinutes } from "./instance.ts";
import {
  type CourierMove,
  ON_LOCATION,
  type Solution,
  type SolutionAssignment,
} from "./solution.ts";

/**
 * Carrying out routes under the instance's rules, for whoever decides them (the online replay,
 * the reference): each courier's position, when it is next free, and the moves, assignments and
 * deliveries that make up the solution's three files.
 *
 * - travel takes ceil(euclidean metres / metres per minute) minutes;
 * - a courier sets off when told (or when its current route ends: it is never diverted en route),
 *   picks up at max(ready time of the bundle, arrival + half the pickup service), leaves half a
 *   service later; drops off half a service after arriving and leaves half a service after that;
 * - between routes it waits where it is (its on-location, or its last drop-off);
 * - it picks up nothing after its off-time, but may finish drop-offs after it;
 * - nothing is assigned to a courier before its shift starts.
 *
 * A decision that breaks a rule is a bug in whoever made it, so this throws rather than repair it.
 */

export type CourierState = {
  id: string;
  onTime: number;
  offTime: number;
  at: Point;
  /** Where the courier is, as the couriers file names it: ON_LOCATION or an order id. */
  atId: string;
  /** When its current route ends (its on-time before the first). */
  freeAt: number;
  moves: CourierMove[];
};

/** One route to carry out: a courier, one restaurant's orders in drop-off order. */
export type Route = {
  courierId: string;
  orderIds: readonly string[];
  /** The pickup minute its planner expected; checked against the rules when given. */
  expectedPickup?: number;
};

/** When a route would happen if given to `courier` at minute `t`, or null past its off-time. */
export type RouteTiming = { depart: number; arrive: number; pickup: number };

export class Execution {
  readonly couriers: CourierState[];
  private readonly instance: Instance;
  private readonly courierById: Map<string, CourierState>;
  private readonly solution: Solution = { assignments: [], orders: [], moves: [] };

  constructor(instance: Instance) {
    this.instance = instance;
    this.couriers = instance.couriers.map((c) => ({
      id: c.id,
      onTime: c.onTime,
      offTime: c.offTime,
      at: { x: c.x, y: c.y },
      atId: ON_LOCATION,
      freeAt: c.onTime,
      moves: [],
    }));
    this.courierById = new Map(this.couriers.map((c) => [c.id, c]));
  }

  travel(from: Point, to: Point): number {
    return travelMinutes(from, to, this.instance.parameters.metersPerMinute);
  }

  /** When `courier`, told at minute `t`, would set off, reach the restaurant and pick up. */
  timing(courier: CourierState, restaurant: Point, readyTime: number, t: number): RouteTiming {
    const depart = Math.max(t, courier.freeAt);
    const arrive = depart + this.travel(courier.at, restaurant);
    const pickup = Math.max(readyTime, arrive + this.instance.parameters.pickupServiceMinutes / 2);
    return { depart, arrive, pickup };
  }

  /** Carries out `route`, told to its courier at minute `t`. */
  carryOut(route: Route, t: number): void {
    const { instance } = this;
    const courier = this.courierById.get(route.courierId);
    if (!courier) throw new Error(`mdrp: unknown courier ${route.courierId}`);
    if (courier.onTime > t) throw new Error(`mdrp: ${courier.id} assigned before its shift`);
    if (route.orderIds.length === 0) throw new Error("mdrp: an assignment without orders");
    const orders = route.orderIds.map((id) => {
      const order = instance.orderById.get(id);
      if (!order) throw new Error(`mdrp: unknown order ${id}`);
      if (order.placementTime > t) throw new Error(`mdrp: ${id} assigned before it is placed`);
      return order;
    });
    const restaurant = instance.restaurantById.get(orders[0]!.restaurantId)!;
    if (orders.some((o) => o.restaurantId !== restaurant.id)) {
      throw new Error(`mdrp: a bundle spans restaurants (${route.orderIds.join(" ")})`);
    }
    const { pickupServiceMinutes: ps, dropoffServiceMinutes: ds } = instance.parameters;
    const ready = Math.max(...orders.map((o) => o.readyTime));
    const { depart, pickup } = this.timing(courier, restaurant, ready, t);
    if (pickup > courier.offTime) {
      throw new Error(`mdrp: ${courier.id} would pick up at ${pickup}, after its off-time`);
    }
    if (route.expectedPickup !== undefined && Math.abs(pickup - route.expectedPickup) > 1e-6) {
      throw new Error(
        `mdrp: the planner expected pickup at ${route.expectedPickup}, rules give ${pickup}`,
      );
    }
    courier.moves.push({
      courierId: courier.id,
      departureTime: depart,
      origin: courier.atId,
      destination: restaurant.id,
    });
    let leave = pickup + ps / 2;
    let here: Point = restaurant;
    let hereId = restaurant.id;
    for (const order of orders) {
      courier.moves.push({
        courierId: courier.id,
        departureTime: leave,
        origin: hereId,
        destination: order.id,
      });
      const dropoffTime = leave + this.travel(here, order) + ds / 2;
      this.solution.orders.push({
        orderId: order.id,
        placementTime: order.placementTime,
        readyTime: order.readyTime,
        pickupTime: pickup,
        dropoffTime,
        courierId: courier.id,
      });
      leave = dropoffTime + ds / 2;
      here = { x: order.x, y: order.y };
      hereId = order.id;
    }
    courier.at = here;
    courier.atId = hereId;
    courier.freeAt = leave;
    const row: SolutionAssignment = {
      assignmentTime: t,
      pickupTime: pickup,
      courierId: courier.id,
      orderIds: [...route.orderIds],
    };
    this.solution.assignments.push(row);
  }

  /** The solution so far, each courier's moves grouped in execution order. */
  result(): Solution {
    return {
      assignments: [...this.solution.assignments],
      orders: [...this.solution.orders],
      moves: this.couriers.flatMap((c) => c.moves),
    };
  }
}
