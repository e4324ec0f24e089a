import { between, chance, intBetween, pick, type Random } from "../domain/random.ts";

export type KitchenPolicy = {
  /** Minutes announced when accepting: short, so the demo city turns over quickly. */
  prepMinutes: { min: number; max: number };
  /**
   * Real cooking time as a share of the announced minutes: 1 cooks as announced; below 1 the
   * kitchen beats its estimate (the fast mode, so an order completes within a test's minute).
   */
  cookScale: number;
  /** How long staff take to notice and tap a new ticket. */
  answerMs: { min: number; max: number };
  /** The share of tickets refused (an item ran out, the fryer is down). */
  rejectRate: number;
};

export const defaultKitchenPolicy: KitchenPolicy = {
  prepMinutes: { min: 1, max: 3 },
  cookScale: 1,
  answerMs: { min: 2_000, max: 8_000 },
  rejectRate: 0.05,
};

const REJECT_REASONS = [
  "Out of an ingredient for this dish",
  "The fryer is down for cleaning",
  "Too many orders right now",
];

export type TicketAnswer =
  | { kind: "accept"; afterMs: number; prepMinutes: number; readyAfterMs: number }
  | { kind: "reject"; afterMs: number; reason: string };

/**
 * How staff answer a new ticket: after a moment, accept with a prep time and cook for about that
 * long (a little under or over: kitchens are not clocks), or now and then reject with a reason.
 */
export function answerTicket(rng: Random, policy: KitchenPolicy): TicketAnswer {
  const afterMs = between(rng, policy.answerMs.min, policy.answerMs.max);
  if (chance(rng, policy.rejectRate)) {
    return { kind: "reject", afterMs, reason: pick(rng, REJECT_REASONS) };
  }
  const prepMinutes = intBetween(rng, policy.prepMinutes.min, policy.prepMinutes.max);
  const readyAfterMs = prepMinutes * 60_000 * policy.cookScale * between(rng, 0.85, 1.1);
  return { kind: "accept", afterMs, prepMinutes, readyAfterMs };
}
