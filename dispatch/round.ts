import { bundleOrders } from "./bundle.ts";
import { resolvePolicyConfig } from "./config.ts";
import { type MatchingEdge, minCostMatching } from "./matching.ts";
import { type RouteTimes, routeTimes } from "./route.ts";
import type {
  Assignment,
  Bundle,
  Courier,
  OrderToDispatch,
  PolicyConfig,
  RoundInput,
  TravelMs,
} from "./types.ts";

/**
 * One matching round, pure: the ZoneActor calls it every few seconds with its live drivers, and
 * the MDRP replay calls it every few simulated minutes. It follows the rolling-horizon design of
 * Reyes et al. 2018 ("The Meal Delivery Routing Problem"):
 *
 * 1. bundle each restaurant's waiting orders, as many per courier as the supply asks;
 * 2. find each bundle's candidate couriers (nearest by arrival, or the caller's ring search);
 * 3. price every (bundle, courier) pair by when the food would reach the customers, what the
 *    courier's empty ride and wait cost the fleet, and lateness past the target, and solve the
 *    whole round as one minimum-cost matching, not first come first served;
 * 4. commit only the matches that cannot wait: the courier must set off before the next round
 *    (plus a lead) to reach the restaurant as the food is ready. The rest are planned again next
 *    round, when more orders (to bundle) and couriers (coming free) are known. That is what makes
 *    it rolling-horizon rather than myopic.
 *
 * Returns the committed assignments; orders not in any stay waiting for a later round.
 */
export function planRound<P>(input: RoundInput<P>): Assignment[] {
  const config = resolvePolicyConfig(input.config);
  const { nowMs, travelMs, penaltyMs } = input;
  const orders = input.orders.filter((order) => order.placedAtMs <= nowMs);
  if (orders.length === 0) return [];
  const couriers = input.couriers.filter((courier) => onShift(courier, nowMs));

  const bundles = bundleOrders(
    orders,
    bundleSizeTarget(orders, couriers, nowMs, config),
    travelMs,
    config,
  );
  const candidatesOf =
    input.candidatesOf ??
    ((pickup: P, k: number) => earliestArrivals(couriers, pickup, k, nowMs, travelMs));

  // Columns are the distinct candidate couriers; each edge keeps the route it was priced on.
  const columns: Courier<P>[] = [];
  const columnOf = new Map<string, number>();
  const edges: MatchingEdge[] = [];
  const routes: Array<{ start: number; times: RouteTimes }> = [];
  const edgesOfRow: number[][] = [];
  const skipCost: number[] = [];
  // Bundles of one restaurant share a pickup, so they share one candidate search.
  const candidatesAt = new Map<string, readonly Courier<P>[]>();
  bundles.forEach((bundle, row) => {
    let candidates = candidatesAt.get(bundle.restaurantId);
    if (!candidates) {
      candidates = candidatesOf(bundle.pickup, config.candidatesPerBundle).slice(
        0,
        config.candidatesPerBundle,
      );
      candidatesAt.set(bundle.restaurantId, candidates);
    }
    const rowEdges: number[] = [];
    let bestCost = Number.POSITIVE_INFINITY;
    for (const courier of candidates) {
      if (!onShift(courier, nowMs)) continue;
      let penalty = 0;
      if (penaltyMs) for (const order of bundle.orders) penalty += penaltyMs(courier.id, order.id);
      if (!Number.isFinite(penalty)) continue;
      const start = Math.max(nowMs, courier.freeAtMs);
      const times = routeTimes(
        start,
        courier.position,
        bundle.pickup,
        bundle.orders,
        travelMs,
        config,
      );
      if (times.pickupAtMs > (courier.offAtMs ?? Number.POSITIVE_INFINITY)) continue;
      let col = columnOf.get(courier.id);
      if (col === undefined) {
        col = columns.length;
        columns.push(courier);
        columnOf.set(courier.id, col);
      }
      if (rowEdges.some((e) => edges[e]!.col === col)) continue;
      const routeOnly = routeCost(bundle, start, times, nowMs, config);
      // Skipping is priced from the best route alone, so a penalty makes its courier dearer than
      // the others rather than cancelling out of the comparison.
      bestCost = Math.min(bestCost, routeOnly);
      const cost = routeOnly + penalty;
      rowEdges.push(edges.length);
      edges.push({ row, col, cost });
      routes.push({ start, times });
    }
    edgesOfRow.push(rowEdges);
    skipCost.push(unassignedCost(bundle, bestCost, nowMs, config));
  });

  const { colOfRow } = minCostMatching({
    rows: bundles.length,
    cols: columns.length,
    edges,
    skipCost,
  });

  const assignments: Assignment[] = [];
  bundles.forEach((bundle, row) => {
    const col = colOfRow[row]!;
    if (col < 0) return;
    const courier = columns[col]!;
    const edge = edgesOfRow[row]!.find((e) => edges[e]!.col === col)!;
    const { start, times } = routes[edge]!;
    if (!mustCommit(bundle, courier, start, times, nowMs, config)) return;
    assignments.push({
      courierId: courier.id,
      restaurantId: bundle.restaurantId,
      orderIds: bundle.orders.map((order) => order.id),
      departAtMs: start,
      arriveAtMs: times.arriveAtMs,
      pickupAtMs: times.pickupAtMs,
      dropoffAtMs: times.dropoffAtMs,
      endsAtMs: times.endsAtMs,
    });
  });
  return assignments.sort((a, b) => a.departAtMs - b.departAtMs || cmp(a.courierId, b.courierId));
}

/**
 * How many orders a courier should carry this round: the orders ready within the horizon over the
 * couriers free within it, rounded up (Reyes et al.'s target bundle size). With couriers to spare
 * that is 1, and bundling only delays customers; when they are short it rises, so each trip
 * carries more.
 */
export function bundleSizeTarget<P>(
  orders: readonly OrderToDispatch<P>[],
  couriers: readonly Courier<P>[],
  nowMs: number,
  config: Pick<PolicyConfig, "supplyHorizonMs" | "bundleSizeMax">,
): number {
  const horizonMs = nowMs + config.supplyHorizonMs;
  let demand = 0;
  for (const order of orders) if (order.readyAtMs <= horizonMs) demand++;
  let supply = 0;
  for (const courier of couriers) if (courier.freeAtMs <= horizonMs) supply++;
  if (supply === 0) return config.bundleSizeMax;
  return Math.min(config.bundleSizeMax, Math.max(1, Math.ceil(demand / supply)));
}

/**
 * What serving `bundle` with a courier starting at `start` costs, in customer milliseconds: each
 * customer's wait from now to the door (lateness to the customer weighs most), extra for every
 * millisecond past the target click-to-door, plus the fleet's cost of the courier's empty ride
 * and of its wait at the counter. Never negative.
 */
export function routeCost<P>(
  bundle: Bundle<P>,
  start: number,
  times: RouteTimes,
  nowMs: number,
  config: PolicyConfig,
): number {
  let cost = 0;
  bundle.orders.forEach((order, i) => {
    const dropoffMs = times.dropoffAtMs[i]!;
    const overageMs = Math.max(0, dropoffMs - order.placedAtMs - config.targetClickToDoorMs);
    cost += dropoffMs - nowMs + config.overageWeight * overageMs;
  });
  const reachMs = times.arriveAtMs - start;
  const idleMs = Math.max(0, bundle.readyAtMs - (times.arriveAtMs + config.pickupServiceMs / 2));
  return cost + config.reachWeight * reachMs + config.idleWeight * idleMs;
}

/**
 * The cost of giving `bundle` no courier this round: its best option's cost plus a penalty per
 * order that grows with how long the order has waited. The penalty dwarfs any difference between
 * reasonable couriers, so the matching serves as many orders as it can, and when couriers are
 * short the orders that have waited longest go first.
 */
function unassignedCost<P>(
  bundle: Bundle<P>,
  bestCost: number,
  nowMs: number,
  config: PolicyConfig,
): number {
  let penalty = 0;
  for (const order of bundle.orders) {
    penalty +=
      config.unassignedPenaltyMs + config.ageWeight * Math.max(0, nowMs - order.placedAtMs);
  }
  return (Number.isFinite(bestCost) ? bestCost : 0) + penalty;
}

/**
 * Whether a planned match must be committed now rather than planned again next round: only if the
 * courier can start before the next round, and waiting for it (plus the lead) would have the
 * courier set off later than it must to meet the food. A courier whose shift is ending needs no
 * rule of its own: waiting can only push its pickup past its off-time if the ride, not the food,
 * bounds the pickup, and then this rule already commits.
 */
function mustCommit<P>(
  bundle: Bundle<P>,
  courier: Courier<P>,
  start: number,
  times: RouteTimes,
  nowMs: number,
  config: PolicyConfig,
): boolean {
  const nextRoundMs = nowMs + config.roundMs;
  if (courier.freeAtMs > nextRoundMs) return false;
  const reachMs = times.arriveAtMs - start;
  const latestDepartMs = bundle.readyAtMs - config.pickupServiceMs / 2 - reachMs;
  return Math.max(nextRoundMs, courier.freeAtMs) + config.commitLeadMs >= latestDepartMs;
}

/**
 * The default candidate search: every courier measured, the `k` who would reach `pickup` first
 * kept (ties by id). Linear in the fleet; the ZoneActor's ring search replaces it.
 */
export function earliestArrivals<P>(
  couriers: readonly Courier<P>[],
  pickup: P,
  k: number,
  nowMs: number,
  travelMs: TravelMs<P>,
): Courier<P>[] {
  if (k <= 0) return [];
  const best: Array<{ courier: Courier<P>; arriveMs: number }> = [];
  for (const courier of couriers) {
    const arriveMs = Math.max(nowMs, courier.freeAtMs) + travelMs(courier.position, pickup);
    if (best.length === k) {
      const worst = best[k - 1]!;
      if (
        arriveMs > worst.arriveMs ||
        (arriveMs === worst.arriveMs && courier.id >= worst.courier.id)
      ) {
        continue;
      }
      best.pop();
    }
    let i = best.length;
    while (
      i > 0 &&
      (best[i - 1]!.arriveMs > arriveMs ||
        (best[i - 1]!.arriveMs === arriveMs && best[i - 1]!.courier.id > courier.id))
    ) {
      i--;
    }
    best.splice(i, 0, { courier, arriveMs });
  }
  return best.map((entry) => entry.courier);
}

/** A courier whose shift has ended picks up nothing more. */
function onShift<P>(courier: Courier<P>, nowMs: number): boolean {
  return courier.offAtMs === undefined || courier.offAtMs >= nowMs;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
