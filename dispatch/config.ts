import type { PolicyConfig } from "./types.ts";

const MINUTE_MS = 60_000;

/**
 * The policy's defaults, each with its reason. They are principles, not fits: the MDRP replay
 * changes only what the instance itself states (service times, target) and the round cadence.
 */
export const defaultPolicyConfig: PolicyConfig = {
  // The ZoneActor runs a round every few seconds; the replay sets its own cadence.
  roundMs: 5_000,
  // A committed courier is told at once; a minute of slack covers the round's own latency, an
  // offer being read, and the travel estimate's error, while keeping most of the value of
  // waiting (new orders to bundle, couriers coming free).
  commitLeadMs: 1 * MINUTE_MS,
  // Parking, walking in, the hand-over: the published MDRP instances use 4 minutes at each end.
  pickupServiceMs: 4 * MINUTE_MS,
  dropoffServiceMs: 4 * MINUTE_MS,
  // The promise customers are usually given, and the MDRP instances' target.
  targetClickToDoorMs: 40 * MINUTE_MS,
  // A minute past the promise hurts twice as much as a minute within it.
  overageWeight: 1,
  // An empty ride uses the fleet's one scarce resource, courier time, but a customer's minute
  // still counts more: half weight lets a nearer courier win only when the customer loses little.
  reachWeight: 0.5,
  // Waiting at the counter is courier time too, but cheaper than riding (no fuel, no risk), and
  // the commitment rule already keeps it short by sending couriers just in time.
  idleWeight: 0.1,
  // An hour per order: larger than any difference between two reasonable couriers, so an order
  // is left unassigned only when no candidate can take it, never to save a little cost.
  unassignedPenaltyMs: 60 * MINUTE_MS,
  // Among orders competing for too few couriers, the one that has waited longer goes first.
  ageWeight: 1,
  // A delivery bag holds about three meals; past that the last customer waits too long.
  bundleSizeMax: 3,
  // Food ready 10 minutes apart is food going cold while the courier waits for the rest.
  bundleReadySpreadMs: 10 * MINUTE_MS,
  // A customer gains nothing from sharing a courier; cap what it may cost them.
  bundleDelayMaxMs: 10 * MINUTE_MS,
  // About one typical trip: the couriers who come free within it can serve what is ready within it.
  supplyHorizonMs: 10 * MINUTE_MS,
  // Enough alternatives for the matching to trade couriers between bundles that crowd the same few
  // couriers. In replays, 8 left it short of alternatives (0.5-1.5 minutes of mean click-to-door
  // lost when couriers are scarce); past 16 the extra candidates were too far to be chosen.
  candidatesPerBundle: 16,
};

/** Fields that must be > 0 (every other must be >= 0), and those that count things. */
const POSITIVE: ReadonlyArray<keyof PolicyConfig> = [
  "roundMs",
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
export const CANDIDATES_PER_BUNDLE_LIMIT = 64;

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
