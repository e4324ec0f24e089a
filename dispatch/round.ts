import { bundleOrders } from "./bundle.ts";
import { resolvePolicyConfig } from "./config.ts";
import { type MatchingEdge, minCostMatching } from "./matching.ts";
import { dropoffLegsMs, type RouteTimes, routeTimesFrom } from "./route.ts";
import type {
  Assignment,
  Bundle,
  Courier,
  ExpectedOrder,
  OrderToDispatch,
  PolicyConfig,
  RoundInput,
  TravelMs,
} from "./types.ts";

/**
 * One matching round, pure: the ZoneActor calls it every few seconds with its live couriers, and
 * the MDRP replay every simulated minute. It follows the rolling-horizon design of Reyes et al.
 * 2018 ("The Meal Delivery Routing Problem"), planned in levels by ready time:
 *
 * 1. bundle each restaurant's waiting orders, as many per courier as the supply asks, and add the
 *    orders expected soon (`forecast.ts`) at their likelihood;
 * 2. level by level, match the bundles whose food is ready within `levelWindowMs` of the earliest
 *    still unplanned against the couriers as they will be after the routes planned in earlier
 *    levels (free when that route ends, at its last door). Each level is one minimum-cost
 *    matching, priced by when the food reaches the customers; a bundle left out carries to the
 *    next level. Orders ready later are planned after orders ready sooner, so they never take a
 *    courier the sooner ones need, yet a courier coming free later is still planned for them;
 * 3. commit only a courier's first planned route, only if the courier is free now, and only when
 *    it cannot wait: the courier must set off before the next round (plus a lead) to meet the
 *    food. Everything else is planned again next round, when more is known.
 *
 * Returns the committed assignments; orders not in any stay waiting for a later round.
 */
export function planRound<P>(input: RoundInput<P>): Assignment[] {
  const config = resolvePolicyConfig(input.config);
  const { nowMs } = input;
  const orders = input.orders.filter((order) => order.placedAtMs <= nowMs);
  if (orders.length === 0) return [];
  const couriers = input.couriers.filter((courier) => onShift(courier, nowMs));
  const load = loadOf(orders, couriers, nowMs, config);
  const bundles = bundleOrders(
    orders,
    bundleSizeTarget(load, config.bundleSizeMax),
    input.travelMs,
    config,
    // Food ready by the next round is not held for food that is not: it goes now.
    nowMs + config.roundMs,
  );
  let pending: Row<P>[] = [
    ...bundles.map((bundle) => ({ bundle, weight: 1, expected: false })),
    ...(input.expected ?? []).map((e) => expectedRow(e, nowMs)),
  ].sort((a, b) => a.bundle.readyAtMs - b.bundle.readyAtMs);

  const fleet = new Fleet(couriers, input, {
    ...config,
    candidatesPerBundle: candidatesWanted(load, config.candidatesPerBundle),
  });
  const assignments: Assignment[] = [];
  for (let level = 0; pending.length > 0; level++) {
    const horizonMs = Math.max(pending[0]!.bundle.readyAtMs, nowMs) + config.levelWindowMs;
    const rows: Row<P>[] = [];
    const later: Row<P>[] = [];
    for (const row of pending) {
      if (row.bundle.readyAtMs > horizonMs) later.push(row);
      // Expected orders only shape the first level: past it they would plan on a guess of a guess.
      else if (level === 0 || !row.expected) rows.push(row);
    }
    const planned = planLevel(rows, fleet, level, input, config);
    const unplanned = rows.filter((_, i) => planned[i] === null);
    rows.forEach((row, i) => {
      const plan = planned[i];
      if (!plan || row.expected) return;
      if (plan.commit) assignments.push(assignmentOf(plan));
    });
    // A level that planned nothing would plan nothing again: its rows cannot be served this round.
    const progress = planned.some((plan) => plan !== null);
    pending = (progress ? [...unplanned, ...later] : later).sort(
      (a, b) => a.bundle.readyAtMs - b.bundle.readyAtMs,
    );
  }
  return assignments.sort((a, b) => a.departAtMs - b.departAtMs || cmp(a.courierId, b.courierId));
}

/** A bundle to plan: a real one (weight 1), or an expected order at its likelihood. */
type Row<P> = { bundle: Bundle<P>; weight: number; expected: boolean };

/** A planned route for one row (its bundle, or what of it the courier may take), committed or not. */
type Plan<P> = {
  courier: Courier<P>;
  route: Bundle<P>;
  start: number;
  times: RouteTimes;
  commit: boolean;
};

function expectedRow<P>(expected: ExpectedOrder<P>, nowMs: number): Row<P> {
  const id = `expected:${expected.restaurantId}`;
  const order: OrderToDispatch<P> = {
    id,
    restaurantId: expected.restaurantId,
    pickup: expected.pickup,
    dropoff: expected.dropoff,
    placedAtMs: nowMs,
    readyAtMs: expected.readyAtMs,
  };
  return {
    bundle: {
      restaurantId: expected.restaurantId,
      pickup: expected.pickup,
      orders: [order],
      readyAtMs: expected.readyAtMs,
    },
    weight: expected.weight,
    expected: true,
  };
}

/** A courier a bundle may go to, and its ride from where the plan leaves it to the pickup. */
export type Candidate<P> = { courier: Courier<P>; rideMs: number };

/**
 * The couriers as the round's plan leaves them: each starts as given, and a route planned for it
 * moves it to that route's last door and end. `routes` counts the routes planned for each (an
 * expected order's included): only the first may be committed.
 */
class Fleet<P> {
  private readonly state = new Map<string, Courier<P>>();
  private readonly routes = new Map<string, number>();
  private readonly all: readonly Courier<P>[];
  private readonly input: RoundInput<P>;
  private readonly config: PolicyConfig;
  private readonly base = new Map<string, readonly Courier<P>[]>();
  /** Candidates per restaurant within one level: the plan moves couriers only between levels. */
  private level = -1;
  private readonly ofLevel = new Map<string, readonly Candidate<P>[]>();
  /** For the scan: every courier as this level sees them, made once per level. */
  private everyone: readonly Courier<P>[] | null = null;

  constructor(couriers: readonly Courier<P>[], input: RoundInput<P>, config: PolicyConfig) {
    this.all = couriers;
    this.input = input;
    this.config = config;
  }

  /** Up to `candidatesPerBundle` couriers for a pickup, as they are now in the plan. */
  candidates(bundle: Bundle<P>, level: number): readonly Candidate<P>[] {
    if (level !== this.level) {
      this.ofLevel.clear();
      this.everyone = null;
      this.level = level;
    }
    let found = this.ofLevel.get(bundle.restaurantId);
    if (!found) {
      found = this.search(bundle, level);
      this.ofLevel.set(bundle.restaurantId, found);
    }
    return found;
  }

  private search(bundle: Bundle<P>, level: number): Candidate<P>[] {
    const { nowMs, travelMs } = this.input;
    const k = this.config.candidatesPerBundle;
    const search = this.input.candidatesOf;
    if (!search) {
      this.everyone ??= this.state.size === 0 ? this.all : this.all.map((c) => this.now(c));
      return earliestArrivals(this.everyone, bundle.pickup, k, nowMs, travelMs);
    }
    let found = this.base.get(bundle.restaurantId);
    if (!found) {
      found = search(bundle.pickup, k).slice(0, k);
      this.base.set(bundle.restaurantId, found);
    }
    // Ranked here by arrival (ties by id), whatever order the search found them in, so the same
    // couriers are weighed the same way whether scanned or searched. A courier planned for
    // elsewhere may end its route nearer than anyone the search found.
    const pool = new Map(found.map((c) => [c.id, this.now(c)]));
    if (level > 0) for (const id of this.routes.keys()) pool.set(id, this.state.get(id)!);
    return earliestArrivals([...pool.values()], bundle.pickup, k, nowMs, travelMs);
  }

  /** The courier as the plan has it so far. */
  now(courier: Courier<P>): Courier<P> {
    return this.state.get(courier.id) ?? courier;
  }

  routesOf(courierId: string): number {
    return this.routes.get(courierId) ?? 0;
  }

  plan(courier: Courier<P>, bundle: Bundle<P>, times: RouteTimes, real: boolean): void {
    this.routes.set(courier.id, this.routesOf(courier.id) + 1);
    // An expected order holds its courier back from commitments, but plans no route for it.
    if (!real) return;
    this.state.set(courier.id, {
      ...courier,
      position: bundle.orders.at(-1)!.dropoff,
      freeAtMs: times.endsAtMs,
    });
  }
}

/**
 * One level: its rows priced against every candidate and solved as one minimum-cost matching.
 * Returns, per row, the route planned for it (recorded in `fleet`) or null.
 */
function planLevel<P>(
  rows: readonly Row<P>[],
  fleet: Fleet<P>,
  level: number,
  input: RoundInput<P>,
  config: PolicyConfig,
): Array<Plan<P> | null> {
  const { nowMs, travelMs, penaltyMs } = input;
  const columns: Courier<P>[] = [];
  const columnOf = new Map<string, number>();
  const edges: MatchingEdge[] = [];
  const routes: Array<{ route: Bundle<P>; start: number; times: RouteTimes }> = [];
  const edgesOfRow: number[][] = [];
  const skipCost: number[] = [];
  rows.forEach(({ bundle, weight, expected }, row) => {
    const rowEdges: number[] = [];
    const partialEdges: Array<{ edge: number; behind: number }> = [];
    const colsOfRow = new Set<number>();
    let bestCost = Number.POSITIVE_INFINITY;
    // Due: even the courier free now who could set off last must set off before the next round.
    let latestDepartMs = Number.NEGATIVE_INFINITY;
    let bestPartial = Number.POSITIVE_INFINITY;
    const legsMs = dropoffLegsMs(bundle.pickup, bundle.orders, travelMs);
    for (const { courier, rideMs } of fleet.candidates(bundle, level)) {
      if (!onShift(courier, nowMs)) continue;
      // A courier kept from some of the bundle's orders (they declined them) may still take the
      // rest: their decline keeps them from those orders only, never from the bundle's others.
      let penalty = 0;
      const kept: OrderToDispatch<P>[] = [];
      if (penaltyMs && !expected) {
        for (const order of bundle.orders) {
          const p = penaltyMs(courier.id, order.id);
          if (Number.isFinite(p)) penalty += p;
          else kept.push(order);
        }
      }
      const route = kept.length === 0 ? bundle : without(bundle, kept);
      if (route.orders.length === 0) continue;
      const start = Math.max(nowMs, courier.freeAtMs, courier.onAtMs ?? nowMs);
      const times = routeTimesFrom(
        start + rideMs,
        route.orders,
        route === bundle ? legsMs : dropoffLegsMs(route.pickup, route.orders, travelMs),
        config,
      );
      if (times.pickupAtMs > (courier.offAtMs ?? Number.POSITIVE_INFINITY)) continue;
      let col = columnOf.get(courier.id);
      if (col === undefined) {
        col = columns.length;
        columns.push(courier);
        columnOf.set(courier.id, col);
      }
      if (colsOfRow.has(col)) continue;
      colsOfRow.add(col);
      const shiftLeftMs = courier.offAtMs === undefined ? 0 : Math.max(0, courier.offAtMs - nowMs);
      const routeOnly =
        routeCost(route, start, times, nowMs, config) + config.shiftLeftWeight * shiftLeftMs;
      // Skipping is priced from the best route alone, so a penalty makes its courier dearer than
      // the others rather than cancelling out of the comparison.
      if (route === bundle) bestCost = Math.min(bestCost, routeOnly);
      else bestPartial = Math.min(bestPartial, routeOnly);
      if (!expected && isFreeNow(courier, nowMs)) {
        latestDepartMs = Math.max(latestDepartMs, latestDepartureMs(route, start, times, config));
      }
      // Orders left behind wait for another round, as if this bundle were skipped for them.
      const behind =
        kept.length === 0 ? 0 : unassignedCost({ ...bundle, orders: kept }, 0, nowMs, config);
      if (kept.length > 0) partialEdges.push({ edge: edges.length, behind: kept.length });
      rowEdges.push(edges.length);
      edges.push({ row, col, cost: weight * (routeOnly + penalty) + behind });
      routes.push({ route, start, times });
    }
    if (!Number.isFinite(bestCost)) bestCost = bestPartial;
    edgesOfRow.push(rowEdges);
    const best = Number.isFinite(bestCost) ? bestCost : 0;
    // Food that cannot wait, left waiting, costs per order: orders left behind are ready no later
    // than their bundle, so if it cannot wait neither can they, and the matching serves as many
    // such orders as it can.
    const due = !expected && isDue(latestDepartMs, nowMs, config);
    if (due) {
      for (const { edge, behind } of partialEdges)
        edges[edge]!.cost += behind * config.duePenaltyMs;
    }
    skipCost.push(
      expected
        ? weight * (best + config.expectedSkipMs)
        : unassignedCost(bundle, best, nowMs, config) +
            (due ? bundle.orders.length * config.duePenaltyMs : 0),
    );
  });

  const { colOfRow } = minCostMatching({
    rows: rows.length,
    cols: columns.length,
    edges,
    skipCost,
  });
  return rows.map(({ expected }, row) => {
    const col = colOfRow[row]!;
    if (col < 0) return null;
    const courier = columns[col]!;
    const edge = edgesOfRow[row]!.find((e) => edges[e]!.col === col)!;
    const { route, start, times } = routes[edge]!;
    const commit =
      !expected &&
      fleet.routesOf(courier.id) === 0 &&
      mustCommit(route, courier, start, times, nowMs, config);
    fleet.plan(courier, route, times, !expected);
    return { courier, route, start, times, commit };
  });
}

/** `bundle` without `left` (orders its courier may not take), re-timed on what remains. */
function without<P>(bundle: Bundle<P>, left: readonly OrderToDispatch<P>[]): Bundle<P> {
  const orders = bundle.orders.filter((order) => !left.includes(order));
  let readyAtMs = Number.NEGATIVE_INFINITY;
  for (const order of orders) readyAtMs = Math.max(readyAtMs, order.readyAtMs);
  return { ...bundle, orders, readyAtMs };
}

function assignmentOf<P>(plan: Plan<P>): Assignment {
  return {
    courierId: plan.courier.id,
    restaurantId: plan.route.restaurantId,
    orderIds: plan.route.orders.map((order) => order.id),
    departAtMs: plan.start,
    arriveAtMs: plan.times.arriveAtMs,
    pickupAtMs: plan.times.pickupAtMs,
    dropoffAtMs: plan.times.dropoffAtMs,
    endsAtMs: plan.times.endsAtMs,
  };
}

/** Orders ready and couriers free within the supply horizon: how short couriers are. */
export type Load = { demand: number; supply: number };

export function loadOf<P>(
  orders: readonly OrderToDispatch<P>[],
  couriers: readonly Courier<P>[],
  nowMs: number,
  config: Pick<PolicyConfig, "supplyHorizonMs">,
): Load {
  const horizonMs = nowMs + config.supplyHorizonMs;
  let demand = 0;
  for (const order of orders) if (order.readyAtMs <= horizonMs) demand++;
  let supply = 0;
  for (const courier of couriers) if (courier.freeAtMs <= horizonMs) supply++;
  return { demand, supply };
}

/**
 * How many orders a courier should carry this round: the orders ready within the horizon over the
 * couriers free within it, rounded up (Reyes et al.'s target bundle size). With couriers to spare
 * that is 1, and bundling only delays customers; when they are short it rises, so each trip
 * carries more.
 */
export function bundleSizeTarget({ demand, supply }: Load, bundleSizeMax: number): number {
  if (supply === 0) return bundleSizeMax;
  return Math.min(bundleSizeMax, Math.max(1, Math.ceil(demand / supply)));
}

/** Couriers free per order ready, within the horizon, past which bundles seldom crowd. */
const CROWD_FREE_SUPPLY = 4;

/**
 * How many candidates each bundle is priced against this round. Alternatives let the matching
 * trade couriers between bundles that crowd the same few, and how many crowd a courier grows with
 * the orders per free courier. With couriers to spare (more than CROWD_FREE_SUPPLY per order)
 * bundles seldom share their nearest couriers and a quarter of `candidatesPerBundle` serves as
 * well (on the MDRP development set, within noise); as couriers get short it rises to all of it.
 */
export function candidatesWanted({ demand, supply }: Load, candidatesPerBundle: number): number {
  const fewest = Math.ceil(candidatesPerBundle / 4);
  if (supply === 0) return candidatesPerBundle;
  const crowded = Math.ceil((candidatesPerBundle * CROWD_FREE_SUPPLY * demand) / supply);
  return Math.min(candidatesPerBundle, Math.max(fewest, crowded));
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
 * Whether a planned route must be committed now rather than planned again next round: only if the
 * courier is free now and on shift, and waiting for the next round (plus the lead) would have it
 * set off later than it must to meet the food. A courier whose shift is ending needs no rule of
 * its own: waiting can only push its pickup past its off-time if the ride, not the food, bounds
 * the pickup, and then this rule already commits.
 */
function mustCommit<P>(
  bundle: Bundle<P>,
  courier: Courier<P>,
  start: number,
  times: RouteTimes,
  nowMs: number,
  config: PolicyConfig,
): boolean {
  if (!isFreeNow(courier, nowMs)) return false;
  return isDue(latestDepartureMs(bundle, start, times, config), nowMs, config);
}

function isFreeNow<P>(courier: Courier<P>, nowMs: number): boolean {
  return courier.freeAtMs <= nowMs && (courier.onAtMs ?? nowMs) <= nowMs;
}

/** The latest the courier of this route may set off and still be there as the food is ready. */
function latestDepartureMs<P>(
  bundle: Bundle<P>,
  start: number,
  times: RouteTimes,
  config: PolicyConfig,
): number {
  return bundle.readyAtMs - config.pickupServiceMs / 2 - (times.arriveAtMs - start);
}

/** Whether setting off by `latestDepartMs` cannot wait for the next round (plus the lead). */
function isDue(latestDepartMs: number, nowMs: number, config: PolicyConfig): boolean {
  return nowMs + config.roundMs + config.commitLeadMs >= latestDepartMs;
}

/**
 * The default candidate search: every courier measured, the `k` who would reach `pickup` first
 * kept (ties by id), each with its ride there. Linear in the fleet; the ZoneActor's ring search
 * replaces it.
 */
export function earliestArrivals<P>(
  couriers: readonly Courier<P>[],
  pickup: P,
  k: number,
  nowMs: number,
  travelMs: TravelMs<P>,
): Candidate<P>[] {
  if (k <= 0) return [];
  const best: Array<{ courier: Courier<P>; rideMs: number; arriveMs: number }> = [];
  for (const courier of couriers) {
    const rideMs = travelMs(courier.position, pickup);
    const arriveMs = Math.max(nowMs, courier.freeAtMs) + rideMs;
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
    best.splice(i, 0, { courier, rideMs, arriveMs });
  }
  return best.map(({ courier, rideMs }) => ({ courier, rideMs }));
}

/** A courier whose shift has ended picks up nothing more. */
function onShift<P>(courier: Courier<P>, nowMs: number): boolean {
  return courier.offAtMs === undefined || courier.offAtMs >= nowMs;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
