import { dropoffTimes } from "./route.ts";
import type { Bundle, OrderToDispatch, PolicyConfig, TravelMs } from "./types.ts";

/**
 * Bundling: which orders of one restaurant share a courier. Sharing saves a courier a trip, which
 * matters when couriers are short; it costs the customers time, which matters always. So bundles
 * are only as large as the supply asks (`sizeTarget`, from the ratio of orders to couriers, as in
 * Reyes et al. 2018) and only of orders whose food is ready close together and whose doors lie so
 * that no customer is delayed more than `bundleDelayMaxMs` against riding alone.
 */

/** Up to this many drop-offs every sequence is tried (4! = 24); beyond, nearest door first. */
export const SEQUENCE_EXHAUSTIVE_MAX = 4;

type BundleConfig = Pick<
  PolicyConfig,
  | "bundleReadySpreadMs"
  | "bundleDelayMaxMs"
  | "bundleSizeMax"
  | "pickupServiceMs"
  | "dropoffServiceMs"
>;

/**
 * Groups `orders` into bundles of at most `sizeTarget` (capped by `bundleSizeMax`) orders of one
 * restaurant each. Orders are taken in ready-time order, and an order joins the open bundle of its
 * restaurant only if every rule still holds; otherwise it opens the next one. Every order ends up
 * in exactly one bundle, and bundles come out in order of ready time.
 */
export function bundleOrders<P>(
  orders: readonly OrderToDispatch<P>[],
  sizeTarget: number,
  travelMs: TravelMs<P>,
  config: BundleConfig,
  readyByMs = Number.NEGATIVE_INFINITY,
): Bundle<P>[] {
  const sizeMax = Math.max(1, Math.min(Math.floor(sizeTarget), config.bundleSizeMax));
  const byRestaurant = new Map<string, OrderToDispatch<P>[]>();
  for (const order of [...orders].sort(byReadyTime)) {
    const list = byRestaurant.get(order.restaurantId);
    if (list) list.push(order);
    else byRestaurant.set(order.restaurantId, [order]);
  }
  const bundles: Bundle<P>[] = [];
  for (const list of byRestaurant.values()) {
    let open: OrderToDispatch<P>[] = [];
    for (const order of list) {
      const joined =
        open.length < sizeMax ? tryJoin(open, order, travelMs, config, readyByMs) : undefined;
      if (joined) {
        open = joined;
      } else {
        if (open.length > 0) bundles.push(toBundle(open));
        open = [order];
      }
    }
    if (open.length > 0) bundles.push(toBundle(open));
  }
  return bundles.sort((a, b) => a.readyAtMs - b.readyAtMs || cmp(a.orders[0]!.id, b.orders[0]!.id));
}

/** The bundle `open + order` in drop-off sequence, or undefined when a rule forbids it. */
function tryJoin<P>(
  open: readonly OrderToDispatch<P>[],
  order: OrderToDispatch<P>,
  travelMs: TravelMs<P>,
  config: BundleConfig,
  readyByMs: number,
): OrderToDispatch<P>[] | undefined {
  if (open.length === 0) return [order];
  const first = open[0]!;
  // Food ready by then waits for no food that is not.
  if (first.readyAtMs <= readyByMs && order.readyAtMs > readyByMs) return undefined;
  // Orders arrive sorted by ready time, so the spread is the newcomer's against the first's.
  if (order.readyAtMs - first.readyAtMs > config.bundleReadySpreadMs) return undefined;
  const pickup = first.pickup;
  const sequence = sequenceDropoffs(pickup, [...open, order], travelMs);
  const readyAtMs = Math.max(...sequence.map((o) => o.readyAtMs));
  const leaveAtMs = readyAtMs + config.pickupServiceMs / 2;
  const { dropoffAtMs } = dropoffTimes(
    leaveAtMs,
    pickup,
    sequence,
    travelMs,
    config.dropoffServiceMs,
  );
  for (let i = 0; i < sequence.length; i++) {
    const o = sequence[i]!;
    const aloneMs =
      o.readyAtMs +
      config.pickupServiceMs / 2 +
      travelMs(pickup, o.dropoff) +
      config.dropoffServiceMs / 2;
    if (dropoffAtMs[i]! - aloneMs > config.bundleDelayMaxMs) return undefined;
  }
  return sequence;
}

/**
 * The drop-off sequence that minimises the sum of drop-off times (what the customers feel, not
 * the courier's distance): every permutation up to `SEQUENCE_EXHAUSTIVE_MAX` orders, nearest door
 * first beyond. Ties keep the given order, so the result is deterministic.
 */
export function sequenceDropoffs<P>(
  pickup: P,
  orders: readonly OrderToDispatch<P>[],
  travelMs: TravelMs<P>,
): OrderToDispatch<P>[] {
  if (orders.length <= 1) return [...orders];
  if (orders.length > SEQUENCE_EXHAUSTIVE_MAX) return nearestDoorFirst(pickup, orders, travelMs);
  let best: OrderToDispatch<P>[] = [...orders];
  let bestSumMs = Number.POSITIVE_INFINITY;
  for (const candidate of permutations(orders)) {
    // Every drop-off is the same time after leaving plus the rides so far, so comparing the sum
    // of arrival offsets compares the sum of drop-off times.
    let clockMs = 0;
    let sumMs = 0;
    let here = pickup;
    for (const o of candidate) {
      clockMs += travelMs(here, o.dropoff);
      sumMs += clockMs;
      here = o.dropoff;
    }
    if (sumMs < bestSumMs) {
      bestSumMs = sumMs;
      best = candidate;
    }
  }
  return best;
}

function nearestDoorFirst<P>(
  pickup: P,
  orders: readonly OrderToDispatch<P>[],
  travelMs: TravelMs<P>,
): OrderToDispatch<P>[] {
  const left = [...orders];
  const sequence: OrderToDispatch<P>[] = [];
  let here = pickup;
  while (left.length > 0) {
    let bestIndex = 0;
    let bestMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < left.length; i++) {
      const ms = travelMs(here, left[i]!.dropoff);
      if (ms < bestMs) {
        bestMs = ms;
        bestIndex = i;
      }
    }
    const [next] = left.splice(bestIndex, 1);
    sequence.push(next!);
    here = next!.dropoff;
  }
  return sequence;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i]!, ...tail];
  }
}

function toBundle<P>(orders: OrderToDispatch<P>[]): Bundle<P> {
  const first = orders[0]!;
  return {
    restaurantId: first.restaurantId,
    pickup: first.pickup,
    orders,
    readyAtMs: Math.max(...orders.map((o) => o.readyAtMs)),
  };
}

function byReadyTime<P>(a: OrderToDispatch<P>, b: OrderToDispatch<P>): number {
  return a.readyAtMs - b.readyAtMs || a.placedAtMs - b.placedAtMs || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
