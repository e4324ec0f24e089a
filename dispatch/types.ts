/**
 * The vocabulary of the dispatch policy. The policy is geometry-agnostic: a position is whatever
 * the caller says it is (lat/lng in the ZoneActor, planar metres in the MDRP replay), and the only
 * thing the policy ever does with two positions is ask the caller's `travelMs(from, to)`.
 * Every time is an absolute instant in milliseconds on the caller's clock.
 */

/** How long a courier takes from one position to another, in ms. Must be >= 0 and finite. */
export type TravelMs<P> = (from: P, to: P) => number;

/** Someone who can carry orders: idle now, or busy until `freeAtMs` and then at `position`. */
export type Courier<P> = {
  id: string;
  /** Where the courier will start its next work: where it is if idle, else its last drop-off. */
  position: P;
  /** When it can start new work: `nowMs` or earlier if idle, else when its current route ends. */
  freeAtMs: number;
  /** No pickups after this instant (end of shift). Omitted: no limit. Drop-offs may run later. */
  offAtMs?: number;
  /**
   * A courier whose shift starts later (a scheduled shift): planned for, never given work before
   * this instant. Omitted: on shift now.
   */
  onAtMs?: number;
};

/** An order waiting for a courier: placed, not yet assigned. */
export type OrderToDispatch<P> = {
  id: string;
  restaurantId: string;
  /** The restaurant's position. */
  pickup: P;
  /** The customer's position. */
  dropoff: P;
  placedAtMs: number;
  /** When the kitchen expects the food to be ready (a promise, not a fact). */
  readyAtMs: number;
};

/**
 * An order not placed yet but likely soon (`forecast.ts`): planned for like a real one, at
 * `weight` (its likelihood, at most 1), and never committed. It holds a courier back only when
 * the courier is worth more where the order will be than where the real orders are.
 */
export type ExpectedOrder<P> = {
  restaurantId: string;
  pickup: P;
  dropoff: P;
  readyAtMs: number;
  weight: number;
};

/**
 * Orders of one restaurant carried together. Its ready time is the latest of its orders', since
 * the courier leaves with all of them at once; its orders are in drop-off sequence.
 */
export type Bundle<P> = {
  restaurantId: string;
  pickup: P;
  orders: OrderToDispatch<P>[];
  readyAtMs: number;
};

/**
 * One committed route: a courier goes to one restaurant, picks up `orderIds` and drops them off in
 * that order. Times are the policy's estimates under its travel model; the caller executes it.
 */
export type Assignment = {
  courierId: string;
  restaurantId: string;
  /** In drop-off order. */
  orderIds: string[];
  /** When the courier sets off for the restaurant: now, or when its current route ends. */
  departAtMs: number;
  /** Arrival at the restaurant. */
  arriveAtMs: number;
  /** max(bundle ready, arrival + half the pickup service): the MDRP rule. */
  pickupAtMs: number;
  /** Estimated drop-off of each order, in the order of `orderIds`. */
  dropoffAtMs: number[];
  /** When the route ends (last drop-off plus half its service): the courier's next `freeAtMs`. */
  endsAtMs: number;
};

/** Everything a round needs. Only `travelMs` touches geometry, and it is passed in. */
export type RoundInput<P> = {
  nowMs: number;
  /** Couriers who may take work: idle, or busy with a known end. */
  couriers: readonly Courier<P>[];
  /** Orders waiting for a courier. Orders placed after `nowMs` are ignored (not dispatchable). */
  orders: readonly OrderToDispatch<P>[];
  travelMs: TravelMs<P>;
  config?: Partial<PolicyConfig>;
  /**
   * Up to `k` couriers worth considering for a pickup at `pickup`, best first; by default every
   * courier is scanned and ranked by arrival time. The ZoneActor passes a FleetIndex ring search.
   * Couriers returned here need not be in `couriers` (for example a neighbouring zone's).
   */
  candidatesOf?: (pickup: P, k: number) => readonly Courier<P>[];
  /**
   * What giving an order to a courier costs beyond its route, in customer milliseconds: the
   * ZoneActor makes a courier who let this order's offer lapse a little dearer, so they are asked
   * again only if nobody else is about as near, and one who declined it infinitely dear, which
   * keeps them from every bundle holding it. By default nothing.
   */
  penaltyMs?: (courierId: string, orderId: string) => number;
  /** Orders likely to be placed soon (`forecast.ts`). By default none. */
  expected?: readonly ExpectedOrder<P>[];
};

/**
 * Every tunable of the policy, with units. Defaults in `config.ts` say why each value. Costs are
 * in "customer milliseconds": one millisecond of one customer's click-to-door time.
 */
export type PolicyConfig = {
  /** How often the caller runs a round; a match is committed when waiting one more would hurt. */
  roundMs: number;
  /** Commit this long before the courier must set off, to absorb estimate error and churn. */
  commitLeadMs: number;
  /**
   * Bundles whose food is ready within this of the earliest still unplanned are matched together;
   * later ones are matched after, against where and when the couriers will be by then.
   */
  levelWindowMs: number;
  /** Cost per ms of shift a courier has left: among equals, the one leaving sooner goes. */
  shiftLeftWeight: number;
  /** What leaving an expected order unplanned costs beyond its best option, at full weight. */
  expectedSkipMs: number;
  /** Time at the restaurant, split in halves around the pickup instant (MDRP rule). */
  pickupServiceMs: number;
  /** Time at each door, split in halves around the drop-off instant (MDRP rule). */
  dropoffServiceMs: number;
  /** Click-to-door the platform aims for; beyond it each ms costs extra (`overageWeight`). */
  targetClickToDoorMs: number;
  /** Extra weight on each ms of click-to-door beyond the target (on top of weight 1). */
  overageWeight: number;
  /** Weight of each ms a courier spends riding empty to the restaurant (fleet capacity used). */
  reachWeight: number;
  /** Weight of each ms a courier waits at the restaurant for the food. */
  idleWeight: number;
  /** Penalty per order for leaving a bundle without a courier this round. */
  unassignedPenaltyMs: number;
  /** Extra penalty per ms an order has already waited since placement when left unassigned. */
  ageWeight: number;
  /** Extra penalty for leaving unplanned a bundle that cannot wait for the next round. */
  duePenaltyMs: number;
  /** Most orders one courier carries at once. */
  bundleSizeMax: number;
  /** Orders share a bundle only if their ready times are at most this far apart. */
  bundleReadySpreadMs: number;
  /** No order in a bundle is delivered more than this much later than it would be alone. */
  bundleDelayMaxMs: number;
  /** Supply and demand are counted over this horizon to choose the bundle size. */
  supplyHorizonMs: number;
  /** Couriers considered per bundle: bounds the matching's size. */
  candidatesPerBundle: number;
};
