import type { OrderToDispatch, PolicyConfig, TravelMs } from "./types.ts";

/** When each step of one route happens. */
export type RouteTimes = {
  arriveAtMs: number;
  pickupAtMs: number;
  dropoffAtMs: number[];
  endsAtMs: number;
};

/**
 * The timeline of one route under the Meal Delivery Routing Problem's rules (Reyes et al. 2018):
 * the courier sets off at `startMs` from `from`, picks up at max(latest ready time, arrival +
 * half the pickup service), leaves half a service later, and at each door drops off half a
 * service after arriving and leaves half a service after that. `orders` are in drop-off order
 * and all from the restaurant at `pickup`.
 */
export function routeTimes<P>(
  startMs: number,
  from: P,
  pickup: P,
  orders: readonly OrderToDispatch<P>[],
  travelMs: TravelMs<P>,
  config: Pick<PolicyConfig, "pickupServiceMs" | "dropoffServiceMs">,
): RouteTimes {
  return routeTimesFrom(
    startMs + travelMs(from, pickup),
    orders,
    dropoffLegsMs(pickup, orders, travelMs),
    config,
  );
}

/**
 * `routeTimes` for a courier arriving at the restaurant at `arriveAtMs`, given the route's
 * `dropoffLegsMs`: what a round computes per courier, the legs being the same for every courier.
 */
export function routeTimesFrom<P>(
  arriveAtMs: number,
  orders: readonly OrderToDispatch<P>[],
  legsMs: readonly number[],
  config: Pick<PolicyConfig, "pickupServiceMs" | "dropoffServiceMs">,
): RouteTimes {
  let readyAtMs = Number.NEGATIVE_INFINITY;
  for (const order of orders) readyAtMs = Math.max(readyAtMs, order.readyAtMs);
  const pickupAtMs = Math.max(readyAtMs, arriveAtMs + config.pickupServiceMs / 2);
  const dropoffs = dropoffTimesFrom(
    pickupAtMs + config.pickupServiceMs / 2,
    legsMs,
    config.dropoffServiceMs,
  );
  return { arriveAtMs, pickupAtMs, dropoffAtMs: dropoffs.dropoffAtMs, endsAtMs: dropoffs.endsAtMs };
}

/** The rides of a route after its pickup, restaurant to first door, then door to door. */
export function dropoffLegsMs<P>(
  pickup: P,
  orders: readonly OrderToDispatch<P>[],
  travelMs: TravelMs<P>,
): number[] {
  let here = pickup;
  return orders.map((order) => {
    const legMs = travelMs(here, order.dropoff);
    here = order.dropoff;
    return legMs;
  });
}

/**
 * Drop-off instants of `orders`, in that sequence, for a courier leaving the restaurant at
 * `leaveAtMs`: each is arrival plus half the service, and the courier leaves half a service later.
 */
export function dropoffTimes<P>(
  leaveAtMs: number,
  pickup: P,
  orders: readonly OrderToDispatch<P>[],
  travelMs: TravelMs<P>,
  dropoffServiceMs: number,
): { dropoffAtMs: number[]; endsAtMs: number } {
  return dropoffTimesFrom(leaveAtMs, dropoffLegsMs(pickup, orders, travelMs), dropoffServiceMs);
}

function dropoffTimesFrom(
  leaveAtMs: number,
  legsMs: readonly number[],
  dropoffServiceMs: number,
): { dropoffAtMs: number[]; endsAtMs: number } {
  let clockMs = leaveAtMs;
  const dropoffAtMs: number[] = [];
  for (const legMs of legsMs) {
    const dropoffMs = clockMs + legMs + dropoffServiceMs / 2;
    dropoffAtMs.push(dropoffMs);
    clockMs = dropoffMs + dropoffServiceMs / 2;
  }
  return { dropoffAtMs, endsAtMs: clockMs };
}
