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
  const arriveAtMs = startMs + travelMs(from, pickup);
  let readyAtMs = Number.NEGATIVE_INFINITY;
  for (const order of orders) readyAtMs = Math.max(readyAtMs, order.readyAtMs);
  const pickupAtMs = Math.max(readyAtMs, arriveAtMs + config.pickupServiceMs / 2);
  const dropoffs = dropoffTimes(
    pickupAtMs + config.pickupServiceMs / 2,
    pickup,
    orders,
    travelMs,
    config.dropoffServiceMs,
  );
  return { arriveAtMs, pickupAtMs, dropoffAtMs: dropoffs.dropoffAtMs, endsAtMs: dropoffs.endsAtMs };
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
  let clockMs = leaveAtMs;
  let here = pickup;
  const dropoffAtMs: number[] = [];
  for (const order of orders) {
    const dropoffMs = clockMs + travelMs(here, order.dropoff) + dropoffServiceMs / 2;
    dropoffAtMs.push(dropoffMs);
    clockMs = dropoffMs + dropoffServiceMs / 2;
    here = order.dropoff;
  }
  return { dropoffAtMs, endsAtMs: clockMs };
}
