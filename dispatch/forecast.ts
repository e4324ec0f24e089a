import type { ExpectedOrder, OrderToDispatch } from "./types.ts";

/**
 * What is likely to be ordered soon, from what was ordered lately: a restaurant that took orders
 * in the last hour will, at the same rate, probably take more in the next few minutes. The round
 * plans for these orders as it plans for real ones (at their expected weight, never committed),
 * so a courier is not sent away from the restaurant that will need one minutes later. Pure: the
 * caller keeps the history (the zone its recent arrivals, the replay the orders placed so far),
 * and only orders placed by `nowMs` are counted, so a forecast never peeks.
 */

export type PastOrder<P> = Pick<
  OrderToDispatch<P>,
  "restaurantId" | "pickup" | "dropoff" | "placedAtMs" | "readyAtMs"
>;

export type ForecastOptions = {
  /** How far back arrivals are counted: long enough to smooth, short enough to follow a rush. */
  historyMs: number;
  /** How far ahead demand is expected: about the time a courier takes to come free. */
  horizonMs: number;
  /** A restaurant's next order is planned for only when at least this many are expected. */
  minExpected: number;
};

const MINUTE_MS = 60_000;

export const defaultForecast: ForecastOptions = {
  historyMs: 60 * MINUTE_MS,
  horizonMs: 10 * MINUTE_MS,
  // An even chance or better: below it, holding a courier back costs more than it likely saves.
  minExpected: 0.5,
};

/**
 * One expected order per restaurant busy enough, placed now, ready after the restaurant's mean
 * preparation time of late, going where its latest customer lives, weighted by how likely it is
 * (at most 1). `history` may hold anything; what is outside the window is ignored.
 */
export function expectedOrders<P>(
  history: Iterable<PastOrder<P>>,
  nowMs: number,
  options: ForecastOptions = defaultForecast,
): ExpectedOrder<P>[] {
  type Tally = { count: number; prepMs: number; latest: PastOrder<P> };
  const byRestaurant = new Map<string, Tally>();
  for (const order of history) {
    if (order.placedAtMs > nowMs || order.placedAtMs < nowMs - options.historyMs) continue;
    const tally = byRestaurant.get(order.restaurantId);
    const prepMs = Math.max(0, order.readyAtMs - order.placedAtMs);
    if (!tally) {
      byRestaurant.set(order.restaurantId, { count: 1, prepMs, latest: order });
      continue;
    }
    tally.count += 1;
    tally.prepMs += prepMs;
    if (order.placedAtMs >= tally.latest.placedAtMs) tally.latest = order;
  }
  const expected: ExpectedOrder<P>[] = [];
  for (const [restaurantId, tally] of byRestaurant) {
    const count = (tally.count / options.historyMs) * options.horizonMs;
    if (count < options.minExpected) continue;
    expected.push({
      restaurantId,
      pickup: tally.latest.pickup,
      dropoff: tally.latest.dropoff,
      readyAtMs: nowMs + Math.round(tally.prepMs / tally.count),
      weight: Math.min(1, count),
    });
  }
  return expected.sort((a, b) => cmp(a.restaurantId, b.restaurantId));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
