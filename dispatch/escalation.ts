/**
 * The zone's dispatch rules that are not the matching itself: how often it plans, how far it
 * looks, how long an offer stands, and what happens to an order nobody takes. Pure.
 */
export type DispatchPolicy = {
  /** A round every this often while orders wait: fresh positions, few wasted offers. */
  roundMs: number;
  /** With at least this many idle couriers, a new order is planned at once, not next round. */
  ampleSupply: number;
  /** How long a courier has to answer an offer; the zone waits this grace more for the answer. */
  offerTtlMs: number;
  offerGraceMs: number;
  /** Couriers considered per waiting order: bounds each round's matching problem. */
  candidatesPerOrder: number;
  /** How far from the restaurant couriers are looked for, and how far once an order has waited. */
  searchRadiusM: number;
  widenedRadiusM: number;
  /** Waiting this long widens the search; this long alerts the admins; this long gives up. */
  widenAfterMs: number;
  alertAfterMs: number;
  giveUpAfterMs: number;
  /** A courier not heard from this long is dropped from the index (lost signal, app closed). */
  driverStaleMs: number;
  /**
   * A courier who declines an order is not offered that order again for this long: long enough
   * not to nag them, short enough that an order whose only nearby courier said no once is offered
   * again well before dispatch gives up on it.
   */
  declineExclusionMs: number;
  /**
   * A courier who let an order's offer lapse (or went offline holding it) is not shut out of it,
   * only priced this much dearer for it meanwhile: a few minutes of a customer's wait, so a
   * courier a little farther who may answer is asked first, and the same courier again when
   * nobody else is near.
   */
  lapsePenaltyMs: number;
};

export const defaultDispatchPolicy: DispatchPolicy = {
  roundMs: 3_000,
  ampleSupply: 5,
  offerTtlMs: 30_000,
  offerGraceMs: 5_000,
  candidatesPerOrder: 8,
  searchRadiusM: 4_000,
  widenedRadiusM: 10_000,
  widenAfterMs: 2 * 60_000,
  alertAfterMs: 5 * 60_000,
  giveUpAfterMs: 20 * 60_000,
  driverStaleMs: 60_000,
  declineExclusionMs: 5 * 60_000,
  lapsePenaltyMs: 3 * 60_000,
};

export type EscalationLevel = "none" | "widened" | "alerted";
export type EscalationStep = "none" | "widen" | "alert" | "abandon";

/** What an order that has waited since `sinceMs` needs next, given what was already done. */
export function escalationOf(
  sinceMs: number,
  level: EscalationLevel,
  nowMs: number,
  policy: DispatchPolicy,
): EscalationStep {
  const waited = nowMs - sinceMs;
  if (waited >= policy.giveUpAfterMs) return "abandon";
  if (waited >= policy.alertAfterMs && level !== "alerted") return "alert";
  if (waited >= policy.widenAfterMs && level === "none") return "widen";
  return "none";
}
