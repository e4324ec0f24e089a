import type { PolicyConfig } from "./types.ts";

const MINUTE_MS = 60_000;

/**
 * The policy's defaults, each with its reason. They are principles, not fits: the MDRP replay
 * changes only what the instance itself states (service times, target) and the round cadence.
 */
export const defaultPolicyConfig: PolicyConfig = {
  // The ZoneActor runs a round every few seconds; the replay sets its own cadence.
  roundMs: 5_000,
  // A committed courier is told at once, and the rule already commits a round early. Any more
  // lead only hands out couriers before the round that knows more (new orders, couriers coming
  // free) would have; in replays a minute's lead cost more than it saved.
  commitLeadMs: 0,
  // About the longest a kitchen takes: every order ready that soon is matched at once, against
  // couriers as they are; later ones are planned after, against couriers as they will be.
  levelWindowMs: 25 * MINUTE_MS,
  // A tie-breaker (a 4-hour shift weighs 15 customer seconds): of two couriers as good for an
  // order, the one whose shift ends sooner takes it, and the one staying keeps for later orders.
  shiftLeftWeight: 0.001,
  // An expected order is only likely: a courier is held back for it only when the real orders
  // lose less than this by going without.
  expectedSkipMs: 10 * MINUTE_MS,
  // Parking, walking in, the hand-over: the published MDRP instances use 4 minutes at each end.
  pickupServiceMs: 4 * MINUTE_MS,
  dropoffServiceMs: 4 * MINUTE_MS,
  // The promise customers are usually given, and the MDRP instances' target.
  targetClickToDoorMs: 40 * MINUTE_MS,
  // Every minute of a customer's wait counts the same. Weighting minutes past the promise makes the
  // round give couriers to orders already late and let fresh ones go late in turn.
  overageWeight: 0,
  // A courier's empty ride and wait are not priced: couriers' time is accounted for by planning
  // later orders against when and where each courier will be free, which prices it in customer
  // minutes, the thing that matters. A separate price on it only bent choices away from customers.
  reachWeight: 0,
  idleWeight: 0,
  // An hour per order: larger than any difference between two reasonable couriers, so an order
  // is left unassigned only when no candidate can take it, never to save a little cost.
  unassignedPenaltyMs: 60 * MINUTE_MS,
  // Among orders competing for too few couriers, the one that has waited longer goes first.
  ageWeight: 1,
  // Another day per order of a bundle a free courier must set off for by the next round: food that
  // cannot wait is served before food that can, however long the latter's customers have waited,
  // since what can wait is planned again next round (and later in this one) and loses nothing yet;
  // per order, so the round serves as many such orders as it can.
  duePenaltyMs: 24 * 60 * MINUTE_MS,
  // A delivery bag holds about three meals; past that the last customer waits too long.
  bundleSizeMax: 3,
  // Food ready 10 minutes apart is food going cold while the courier waits for the rest.
  bundleReadySpreadMs: 10 * MINUTE_MS,
  // A customer gains nothing from sharing a courier; cap what it may cost them.
  bundleDelayMaxMs: 10 * MINUTE_MS,
  // About one typical trip: the couriers who come free within it can serve what is ready within it.
  supplyHorizonMs: 10 * MINUTE_MS,
  // Enough alternatives for the matching to trade couriers between bundles that crowd the same few
  // couriers, including couriers coming free after routes planned earlier in the round. The most
  // a round uses: with couriers to spare it asks for fewer (`candidatesWanted` in round.ts).
  candidatesPerBundle: 64,
};

/** Fields that must be > 0 (every other must be >= 0), and those that count things. */
const POSITIVE: ReadonlyArray<keyof PolicyConfig> = [
  "roundMs",
  "levelWindowMs",
  "targetClickToDoorMs",
  "bundleSizeMax",
  "candidatesPerBundle",
];
const INTEGER: ReadonlyArray<keyof PolicyConfig> = ["bundleSizeMax", "candidatesPerBundle"];

/**
 * Most orders per bundle the policy will accept. The MDRP sets no limit, but past six doors the
 * last customer's wait dwarfs anything a shared trip saves, and each bundle's checks grow with it.
 */
export const BUNDLE_SIZE_LIMIT = 6;
/** Most candidates per bundle: the matching's work grows with bundles x candidates. */
export const CANDIDATES_PER_BUNDLE_LIMIT = 256;

/**
 * The defaults overridden by `partial`, checked: every field finite and >= 0, some > 0, counts
 * integers within their limits. A bad field throws an error naming it.
 */
export function resolvePolicyConfig(partial: Partial<PolicyConfig> = {}): PolicyConfig {
  const config = { ...defaultPolicyConfig, ...partial };
  for (const [field, value] of Object.entries(config) as Array<[keyof PolicyConfig, number]>) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`dispatch.${field} must be a finite number`);
    }
    if (value < 0) throw new Error(`dispatch.${field} must be >= 0`);
    if (POSITIVE.includes(field) && value === 0) throw new Error(`dispatch.${field} must be > 0`);
    if (INTEGER.includes(field) && !Number.isInteger(value)) {
      throw new Error(`dispatch.${field} must be an integer`);
    }
  }
  if (config.bundleSizeMax > BUNDLE_SIZE_LIMIT) {
    throw new Error(`dispatch.bundleSizeMax must be <= ${BUNDLE_SIZE_LIMIT}`);
  }
  if (config.candidatesPerBundle > CANDIDATES_PER_BUNDLE_LIMIT) {
    throw new Error(`dispatch.candidatesPerBundle must be <= ${CANDIDATES_PER_BUNDLE_LIMIT}`);
  }
  return config;
}
