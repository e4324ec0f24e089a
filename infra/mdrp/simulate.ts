import { defaultForecast, expectedOrders } from "../../dispatch/forecast.ts";
import type {
  Assignment,
  Courier,
  OrderToDispatch,
  PolicyConfig,
  RoundInput,
} from "../../dispatch/types.ts";
import { Execution } from "./execution.ts";
import type { Instance, InstanceOrder, Point } from "./instance.ts";
import type { Solution } from "./solution.ts";

/**
 * The offline replay: a discrete-event simulation of one MDRP instance, faster than real time.
 * The clock jumps from round to round (every `roundMinutes` of simulated time); at each round the
 * dispatcher (the policy or the greedy baseline, both pure) sees the couriers on shift and the
 * orders placed and not yet assigned, exactly what the ZoneActor would see, and what it commits
 * is carried out under the instance's rules (`execution.ts`). Being shown nothing placed after
 * the round's instant, a dispatcher here is online by construction.
 */

export type Dispatcher = (input: RoundInput<Point>) => Assignment[];

export type ReplayOptions = {
  dispatch: Dispatcher;
  /** Simulated minutes between rounds. */
  roundMinutes: number;
  /** Policy settings beyond those the instance fixes (service times, target, round cadence). */
  config?: Partial<PolicyConfig>;
  /** Couriers whose shift starts within this many minutes are shown too, not yet assignable. */
  shiftsAheadMinutes?: number;
  /**
   * What the dispatcher is shown beyond the idle couriers and waiting orders, both by default:
   * couriers busy on a route (free when and where it ends), and orders expected soon (from the
   * orders placed in the last hour). Turned off to replay exactly what a zone knows today.
   */
  showBusyCouriers?: boolean;
  forecast?: boolean;
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
  const execution = new Execution(instance);
  const travelMs = (from: Point, to: Point) => execution.travel(from, to) * MINUTE_MS;
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

  const pending = new Map<string, OrderToDispatch<Point>>();
  // Orders placed so far, for the forecast; `recent` is where the forecast's window starts.
  const placed: OrderToDispatch<Point>[] = [];
  let recent = 0;
  const lastOffTime = Math.max(0, ...instance.couriers.map((c) => c.offTime));
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
      const order = toDispatch(byPlacement[next++]!);
      pending.set(order.id, order);
      placed.push(order);
    }
    const nowMs = t * MINUTE_MS;
    while (
      recent < placed.length &&
      placed[recent]!.placedAtMs < nowMs - defaultForecast.historyMs
    ) {
      recent++;
    }
    if (pending.size === 0) {
      if (next === byPlacement.length) break;
      continue;
    }
    rounds++;
    const onShift: Courier<Point>[] = execution.couriers
      .filter((c) => c.onTime <= t + (options.shiftsAheadMinutes ?? 0) && c.offTime >= t)
      .filter((c) => options.showBusyCouriers !== false || c.freeAt <= t)
      .map((c) => ({
        id: c.id,
        position: c.at,
        freeAtMs: Math.max(t, c.freeAt) * MINUTE_MS,
        offAtMs: c.offTime * MINUTE_MS,
        ...(c.onTime > t ? { onAtMs: c.onTime * MINUTE_MS } : {}),
      }));
    const started = clock();
    const assignments = options.dispatch({
      nowMs,
      couriers: onShift,
      orders: [...pending.values()],
      travelMs,
      config,
      ...(options.forecast === false
        ? {}
        : { expected: expectedOrders(placed.slice(recent), nowMs) }),
    });
    dispatchMs += clock() - started;
    for (const assignment of assignments) {
      for (const id of assignment.orderIds) {
        if (!pending.has(id)) throw new Error(`mdrp: ${id} is not waiting (unplaced or assigned)`);
      }
      execution.carryOut(
        {
          courierId: assignment.courierId,
          orderIds: assignment.orderIds,
          expectedPickup: assignment.pickupAtMs / MINUTE_MS,
        },
        t,
      );
      for (const id of assignment.orderIds) pending.delete(id);
    }
  }

  return {
    solution: execution.result(),
    undelivered: [...pending.keys(), ...byPlacement.slice(next).map((o) => o.id)],
    rounds,
    dispatchMs,
  };
}
