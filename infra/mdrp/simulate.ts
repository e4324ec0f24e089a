import type {
  Assignment,
  Courier,
  OrderToDispatch,
  PolicyConfig,
  RoundInput,
} from "../../dispatch/types.ts";
import { type Instance, type InstanceOrder, type Point, travelMinutes } from "./instance.ts";
import {
  type CourierMove,
  ON_LOCATION,
  type Solution,
  type SolutionAssignment,
} from "./solution.ts";

/**
 * The offline replay: a discrete-event simulation of one MDRP instance, faster than real time.
 * The clock jumps from round to round (every `roundMinutes` of simulated time); at each round the
 * dispatcher (the policy or the greedy baseline, both pure) sees the couriers on shift and the
 * orders placed and not yet assigned, exactly what the ZoneActor would see, and the simulator
 * carries out what it commits under the instance's rules:
 *
 * - travel takes ceil(euclidean metres / metres per minute) minutes;
 * - a courier sets off when told (or when its current route ends: it is never diverted en route),
 *   picks up at max(ready time of the bundle, arrival + half the pickup service), leaves half a
 *   service later; drops off half a service after arriving and leaves half a service after that;
 * - between routes it waits where it is (its on-location, or its last drop-off);
 * - it picks up nothing after its off-time, but may finish drop-offs after it;
 * - nothing is assigned before it is placed, nor to a courier before its shift starts.
 *
 * A dispatcher that breaks a rule is a bug, so the simulator throws rather than repair it.
 */

export type Dispatcher = (input: RoundInput<Point>) => Assignment[];

export type ReplayOptions = {
  dispatch: Dispatcher;
  /** Simulated minutes between rounds. */
  roundMinutes: number;
  /** Policy settings beyond those the instance fixes (service times, target, round cadence). */
  config?: Partial<PolicyConfig>;
};

export type Replay = {
  solution: Solution;
  /** Orders never assigned (empty when every order was delivered). */
  undelivered: string[];
  rounds: number;
  /** Wall-clock time spent inside the dispatcher, for the replay's report. */
  dispatchMs: number;
};

const MINUTE_MS = 60_000;

/** A day of one-minute rounds is ~1,500; this refuses a cadence so fine it would never end. */
const ROUNDS_MAX = 1_000_000;

type CourierState = {
  id: string;
  onTime: number;
  offTime: number;
  at: Point;
  /** Where the courier is, as the couriers file names it: ON_LOCATION or an order id. */
  atId: string;
  freeAt: number;
  moves: CourierMove[];
};

export function simulate(
  instance: Instance,
  options: ReplayOptions,
  clock: () => number = () => 0,
): Replay {
  const { parameters: params } = instance;
  if (!(options.roundMinutes > 0)) throw new Error("mdrp.roundMinutes must be > 0");
  const config: Partial<PolicyConfig> = {
    ...options.config,
    roundMs: options.roundMinutes * MINUTE_MS,
    pickupServiceMs: params.pickupServiceMinutes * MINUTE_MS,
    dropoffServiceMs: params.dropoffServiceMinutes * MINUTE_MS,
    targetClickToDoorMs: params.targetClickToDoorMinutes * MINUTE_MS,
  };
  const travel = (from: Point, to: Point) => travelMinutes(from, to, params.metersPerMinute);
  const travelMs = (from: Point, to: Point) => travel(from, to) * MINUTE_MS;

  const couriers: CourierState[] = instance.couriers.map((c) => ({
    id: c.id,
    onTime: c.onTime,
    offTime: c.offTime,
    at: { x: c.x, y: c.y },
    atId: ON_LOCATION,
    freeAt: c.onTime,
    moves: [],
  }));
  const courierById = new Map(couriers.map((c) => [c.id, c]));
  const byPlacement = [...instance.orders].sort(
    (a, b) => a.placementTime - b.placementTime || (a.id < b.id ? -1 : 1),
  );
  const toDispatch = (order: InstanceOrder): OrderToDispatch<Point> => {
    const restaurant = instance.restaurantById.get(order.restaurantId)!;
    return {
      id: order.id,
      restaurantId: order.restaurantId,
      pickup: { x: restaurant.x, y: restaurant.y },
      dropoff: { x: order.x, y: order.y },
      placedAtMs: order.placementTime * MINUTE_MS,
      readyAtMs: order.readyTime * MINUTE_MS,
    };
  };

  const solution: Solution = { assignments: [], orders: [], moves: [] };
  const pending = new Map<string, OrderToDispatch<Point>>();
  const lastOffTime = Math.max(0, ...couriers.map((c) => c.offTime));
  const first = byPlacement[0]?.placementTime ?? 0;
  const start = Math.ceil(first / options.roundMinutes) * options.roundMinutes;
  if ((lastOffTime - start) / options.roundMinutes > ROUNDS_MAX) {
    throw new Error(`mdrp: more than ${ROUNDS_MAX} rounds; use a longer round`);
  }
  let next = 0;
  let rounds = 0;
  let dispatchMs = 0;
  for (let i = 0; start + i * options.roundMinutes <= lastOffTime; i++) {
    const t = start + i * options.roundMinutes;
    while (next < byPlacement.length && byPlacement[next]!.placementTime <= t) {
      const order = byPlacement[next++]!;
      pending.set(order.id, toDispatch(order));
    }
    if (pending.size === 0) {
      if (next === byPlacement.length) break;
      continue;
    }
    rounds++;
    const onShift: Courier<Point>[] = couriers
      .filter((c) => c.onTime <= t && c.offTime >= t)
      .map((c) => ({
        id: c.id,
        position: c.at,
        freeAtMs: Math.max(t, c.freeAt) * MINUTE_MS,
        offAtMs: c.offTime * MINUTE_MS,
      }));
    const started = clock();
    const assignments = options.dispatch({
      nowMs: t * MINUTE_MS,
      couriers: onShift,
      orders: [...pending.values()],
      travelMs,
      config,
    });
    dispatchMs += clock() - started;
    for (const assignment of assignments) {
      carryOut(assignment, t);
      for (const id of assignment.orderIds) pending.delete(id);
    }
  }

  for (const courier of couriers) solution.moves.push(...courier.moves);
  return {
    solution,
    undelivered: [...pending.keys(), ...byPlacement.slice(next).map((o) => o.id)],
    rounds,
    dispatchMs,
  };

  function carryOut(assignment: Assignment, t: number): void {
    const courier = courierById.get(assignment.courierId);
    if (!courier) throw new Error(`mdrp: unknown courier ${assignment.courierId}`);
    if (courier.onTime > t) throw new Error(`mdrp: ${courier.id} assigned before its shift`);
    if (assignment.orderIds.length === 0) throw new Error("mdrp: an assignment without orders");
    const orders = assignment.orderIds.map((id) => {
      if (!pending.has(id)) throw new Error(`mdrp: ${id} is not waiting (unplaced or assigned)`);
      return instance.orderById.get(id)!;
    });
    const restaurant = instance.restaurantById.get(orders[0]!.restaurantId)!;
    if (orders.some((o) => o.restaurantId !== restaurant.id)) {
      throw new Error(`mdrp: a bundle spans restaurants (${assignment.orderIds.join(" ")})`);
    }
    const ps = params.pickupServiceMinutes;
    const ds = params.dropoffServiceMinutes;
    const depart = Math.max(t, courier.freeAt);
    const arrive = depart + travel(courier.at, restaurant);
    const pickupTime = Math.max(Math.max(...orders.map((o) => o.readyTime)), arrive + ps / 2);
    if (pickupTime > courier.offTime) {
      throw new Error(`mdrp: ${courier.id} would pick up at ${pickupTime}, after its off-time`);
    }
    if (Math.abs(pickupTime * MINUTE_MS - assignment.pickupAtMs) > 1e-6) {
      throw new Error(
        `mdrp: the policy expected pickup at ${assignment.pickupAtMs / MINUTE_MS}, rules give ${pickupTime}`,
      );
    }
    courier.moves.push({
      courierId: courier.id,
      departureTime: depart,
      origin: courier.atId,
      destination: restaurant.id,
    });
    let leave = pickupTime + ps / 2;
    let here: Point = restaurant;
    let hereId = restaurant.id;
    for (const order of orders) {
      courier.moves.push({
        courierId: courier.id,
        departureTime: leave,
        origin: hereId,
        destination: order.id,
      });
      const dropoffTime = leave + travel(here, order) + ds / 2;
      solution.orders.push({
        orderId: order.id,
        placementTime: order.placementTime,
        readyTime: order.readyTime,
        pickupTime,
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
      pickupTime,
      courierId: courier.id,
      orderIds: [...assignment.orderIds],
    };
    solution.assignments.push(row);
  }
}
