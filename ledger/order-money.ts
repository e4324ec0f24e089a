import { z } from "zod";
import type { Failure } from "../schema/errors.ts";
import {
  AccountCode,
  TransferInput,
  type TransferOutcome,
  type TransferResult,
} from "../schema/ledger.ts";
import type { Order, Pricing } from "../schema/orders.ts";
import {
  type AccountRef,
  accountId,
  earningsOf,
  payableOf,
  platform,
  pointsOf,
  walletOf,
} from "./chart.ts";
import { transferIdFor } from "./ids.ts";

/**
 * The order's money, as ledger batches: pure functions of the order, so every retry of a step
 * builds the very same transfers with the very same ids, and the ledger applies each once.
 *
 * The order's path through the ledger:
 * - placement: the total is reserved in the customer's wallet (pending, wallet -> orders
 *   clearing), and the points redeemed in their points account (pending, points -> liability);
 * - delivery, one linked batch: both holds posted, the discount paid by promotions into clearing,
 *   and clearing split to the restaurant (subtotal - commission), the courier (delivery fee +
 *   tip) and the platform (commission + service and small-order fees); points earned credited;
 * - cancellation, rejection, timeout, no courier: both holds voided;
 * - refund after delivery: from the restaurant's share first, then the platform's, back to the
 *   wallet. The courier keeps their pay.
 */

export type MoneyPolicy = {
  /** The platform's cut of the food, in basis points of the subtotal. */
  commissionBps: number;
  /** Loyalty points earned per dollar paid from the wallet. */
  pointsPerDollar: number;
};

/** A hold outlives any real order by far; past it the ledger voids the reservation itself. */
export const HOLD_TIMEOUT_MS = 3 * 24 * 3_600_000;

export const StepKind = z.enum(["hold", "settle", "release", "refund"]);
export type StepKind = z.infer<typeof StepKind>;

const Batch = {
  refs: z.array(z.object({ code: AccountCode, ownerId: z.string().nullable().optional() })),
  transfers: z.array(TransferInput),
};

/**
 * One step of the saga: the accounts it needs and the batch it submits. The OrderActor stores
 * steps and parses them back with this schema when it retries them.
 */
export const Step = z.object({
  name: z.string(),
  kind: StepKind,
  ...Batch,
  /** For refunds: the same refund from the platform alone, if the restaurant cannot cover it. */
  fallback: z.object(Batch).optional(),
  /** Set once the restaurant could not cover a refund: retries submit the fallback. */
  useFallback: z.boolean().optional(),
});
export type Step = z.input<typeof Step>;

export type Split = {
  restaurantCents: number;
  driverCents: number;
  platformCents: number;
  /** Paid by promotions into the order: the discount. */
  promotionCents: number;
  pointsEarned: number;
};

/** Who gets what of a delivered order. Every cent in (wallet + promotion) goes out exactly once. */
export function splitOf(pricing: Pricing, policy: MoneyPolicy): Split {
  const commission = Math.round((pricing.subtotalCents * policy.commissionBps) / 10_000);
  const split = {
    restaurantCents: pricing.subtotalCents - commission,
    driverCents: pricing.deliveryFeeCents + pricing.tipCents,
    platformCents: commission + pricing.serviceFeeCents + pricing.smallOrderFeeCents,
    promotionCents: pricing.discountCents,
    pointsEarned: Math.floor((pricing.totalCents * policy.pointsPerDollar) / 100),
  };
  const out = split.restaurantCents + split.driverCents + split.platformCents;
  if (out !== pricing.totalCents + split.promotionCents) {
    throw new Error(`order pricing does not balance: ${out} out, ${pricing.totalCents} in`);
  }
  return split;
}

type Holds = { wallet: string | null; points: string | null };

/** The ids of the holds of one placement attempt (a retried placement after a refusal is new). */
export function holdIdsOf(order: Pick<Order, "id" | "pricing">, attempt: number): Holds {
  return {
    wallet:
      order.pricing.totalCents > 0
        ? transferIdFor("order", order.id, "hold", String(attempt), "wallet")
        : null,
    points:
      order.pricing.pointsRedeemed > 0
        ? transferIdFor("order", order.id, "hold", String(attempt), "points")
        : null,
  };
}

type OrderMoney = Pick<Order, "id" | "customerId" | "pricing">;

/** Reserves the total and the points: linked, so a wallet short of either reserves nothing. */
export function holdStep(order: OrderMoney, attempt: number): Step {
  const ids = holdIdsOf(order, attempt);
  const transfers: TransferInput[] = [];
  if (ids.wallet) {
    transfers.push({
      id: ids.wallet,
      kind: "pending",
      code: "order_hold",
      debitAccountId: accountId(walletOf(order.customerId)),
      creditAccountId: accountId(platform("orders_clearing")),
      amount: order.pricing.totalCents,
      currency: "USD",
      timeoutMs: HOLD_TIMEOUT_MS,
      orderId: order.id,
    });
  }
  if (ids.points) {
    transfers.push({
      id: ids.points,
      kind: "pending",
      code: "points_hold",
      debitAccountId: accountId(pointsOf(order.customerId)),
      creditAccountId: accountId(platform("points_liability")),
      amount: order.pricing.pointsRedeemed,
      currency: "PTS",
      timeoutMs: HOLD_TIMEOUT_MS,
      orderId: order.id,
    });
  }
  return {
    name: `hold:${attempt}`,
    kind: "hold",
    refs: [
      walletOf(order.customerId),
      pointsOf(order.customerId),
      platform("orders_clearing"),
      platform("points_liability"),
    ],
    transfers: linkedChain(transfers),
  };
}

/** Gives back what a placement attempt reserved. Unlinked: each hold is released on its own. */
export function releaseStep(order: OrderMoney, attempt: number): Step {
  const ids = holdIdsOf(order, attempt);
  const transfers: TransferInput[] = [];
  for (const [which, pendingId] of Object.entries(ids)) {
    if (!pendingId) continue;
    transfers.push({
      id: transferIdFor("order", order.id, "release", String(attempt), which),
      kind: "void_pending",
      code: which === "wallet" ? "order_release" : "points_release",
      pendingId,
      orderId: order.id,
    });
  }
  return { name: `release:${attempt}`, kind: "release", refs: [], transfers };
}

/** Delivery: the holds become payment, and payment becomes everyone's share, all or nothing. */
export function settleStep(
  order: OrderMoney & Pick<Order, "driverId" | "restaurant">,
  attempt: number,
  policy: MoneyPolicy,
): Step {
  if (!order.driverId) throw new Error("a delivered order has a courier");
  const split = splitOf(order.pricing, policy);
  const ids = holdIdsOf(order, attempt);
  const id = (part: string) => transferIdFor("order", order.id, "settle", part);
  const clearing = accountId(platform("orders_clearing"));
  const transfers: TransferInput[] = [];
  if (ids.wallet) {
    transfers.push({
      id: id("capture"),
      kind: "post_pending",
      code: "order_capture",
      pendingId: ids.wallet,
      orderId: order.id,
    });
  }
  if (ids.points) {
    transfers.push({
      id: id("points-redeem"),
      kind: "post_pending",
      code: "points_redeem",
      pendingId: ids.points,
      orderId: order.id,
    });
  }
  const moves: Array<[string, TransferInput["code"], string, string, number]> = [
    [
      "promotion",
      "promotion",
      accountId(platform("promotions_expense")),
      clearing,
      split.promotionCents,
    ],
    [
      "restaurant",
      "restaurant_share",
      clearing,
      accountId(payableOf(order.restaurant.id)),
      split.restaurantCents,
    ],
    ["driver", "driver_share", clearing, accountId(earningsOf(order.driverId)), split.driverCents],
    [
      "platform",
      "platform_fee",
      clearing,
      accountId(platform("platform_revenue")),
      split.platformCents,
    ],
  ];
  for (const [part, code, debit, credit, amount] of moves) {
    if (amount <= 0) continue;
    transfers.push({
      id: id(part),
      kind: "posted",
      code,
      debitAccountId: debit,
      creditAccountId: credit,
      amount,
      currency: "USD",
      orderId: order.id,
    });
  }
  if (split.pointsEarned > 0) {
    transfers.push({
      id: id("points-earn"),
      kind: "posted",
      code: "points_earn",
      debitAccountId: accountId(platform("points_liability")),
      creditAccountId: accountId(pointsOf(order.customerId)),
      amount: split.pointsEarned,
      currency: "PTS",
      orderId: order.id,
    });
  }
  return {
    name: "settle",
    kind: "settle",
    refs: [
      platform("promotions_expense"),
      platform("orders_clearing"),
      platform("platform_revenue"),
      platform("points_liability"),
      payableOf(order.restaurant.id),
      earningsOf(order.driverId),
      pointsOf(order.customerId),
    ],
    transfers: linkedChain(transfers),
  };
}

/**
 * Money back to the wallet: from the restaurant's share first (what it has not refunded yet),
 * the rest from the platform's revenue. If the restaurant's payable has been paid out and cannot
 * cover its part, the fallback takes it all from the platform: the customer is never kept waiting
 * on a restaurant's balance.
 */
export function refundStep(
  order: OrderMoney & Pick<Order, "restaurant" | "refunds">,
  refundId: string,
  policy: MoneyPolicy,
): Step {
  const index = order.refunds.findIndex((r) => r.id === refundId);
  const refund = order.refunds[index];
  if (!refund) throw new Error(`no refund ${refundId} on the order`);
  const refundedBefore = refundedOf(order, index);
  const restaurantShare = splitOf(order.pricing, policy).restaurantCents;
  // Restaurant-first: earlier refunds took from the restaurant's share first too.
  const restaurantLeft = Math.max(0, restaurantShare - refundedBefore);
  const fromRestaurant = Math.min(refund.amountCents, restaurantLeft);
  const wallet = accountId(walletOf(order.customerId));
  const id = (part: string) => transferIdFor("order", order.id, "refund", refundId, part);
  const move = (part: string, debit: AccountRef, amount: number): TransferInput => ({
    id: id(part),
    kind: "posted",
    code: "refund",
    debitAccountId: accountId(debit),
    creditAccountId: wallet,
    amount,
    currency: "USD",
    orderId: order.id,
    metadata: { refundId },
  });
  const transfers: TransferInput[] = [];
  if (fromRestaurant > 0)
    transfers.push(move("restaurant", payableOf(order.restaurant.id), fromRestaurant));
  if (refund.amountCents > fromRestaurant) {
    transfers.push(
      move("platform", platform("platform_revenue"), refund.amountCents - fromRestaurant),
    );
  }
  const refs = [
    walletOf(order.customerId),
    payableOf(order.restaurant.id),
    platform("platform_revenue"),
  ];
  return {
    name: `refund:${refundId}`,
    kind: "refund",
    refs,
    transfers: linkedChain(transfers),
    ...(fromRestaurant > 0
      ? {
          fallback: {
            refs,
            transfers: [move("platform-only", platform("platform_revenue"), refund.amountCents)],
          },
        }
      : {}),
  };
}

/**
 * The points an order earned, taken back in proportion to a refund: after refunds of R of the
 * order's total T, floor(earned x R / T) in all, each refund taking the difference its amount
 * makes (so two half refunds take back exactly what one full refund would). Points already spent
 * cannot be taken back: at most what the customer's points account holds (`pointsAvailable`,
 * read when the refund is decided) is. Its own step, after the refund's: money back never waits
 * on points.
 */
export function pointsReversalStep(
  order: OrderMoney & Pick<Order, "refunds">,
  refundId: string,
  policy: MoneyPolicy,
  pointsAvailable: number,
): Step | null {
  const index = order.refunds.findIndex((r) => r.id === refundId);
  if (index < 0) throw new Error(`no refund ${refundId} on the order`);
  const earned = splitOf(order.pricing, policy).pointsEarned;
  const total = order.pricing.totalCents;
  if (earned <= 0 || total <= 0) return null;
  const due =
    Math.floor((earned * refundedOf(order, index + 1)) / total) -
    Math.floor((earned * refundedOf(order, index)) / total);
  const amount = Math.min(due, Math.max(0, pointsAvailable));
  if (amount <= 0) return null;
  return {
    name: `refund-points:${refundId}`,
    kind: "refund",
    refs: [pointsOf(order.customerId), platform("points_liability")],
    transfers: [
      {
        id: transferIdFor("order", order.id, "refund", refundId, "points"),
        kind: "posted",
        code: "points_reverse",
        debitAccountId: accountId(pointsOf(order.customerId)),
        creditAccountId: accountId(platform("points_liability")),
        amount,
        currency: "PTS",
        orderId: order.id,
        metadata: { refundId, pointsDue: due },
      },
    ],
  };
}

/** Cents of the order's first `count` refunds. */
function refundedOf(order: Pick<Order, "refunds">, count: number): number {
  return order.refunds.slice(0, count).reduce((sum, r) => sum + r.amountCents, 0);
}

/** Results that leave a release done: voided now or before, expired, or never held at all. */
const RELEASED: ReadonlySet<TransferResult> = new Set([
  "ok",
  "exists",
  "pending_transfer_already_voided",
  "pending_transfer_expired",
  "pending_transfer_not_found",
]);

export type Verdict =
  | { kind: "done" }
  /** The ledger refused, for a reason a retry will not change. */
  | { kind: "refused"; result: TransferResult; transferId: string }
  /** Refunds only: the restaurant's payable cannot cover its part; run the fallback. */
  | { kind: "fallback" };

/** What the ledger's answers mean for a step. */
export function verdictOf(step: Step, outcomes: readonly TransferOutcome[]): Verdict {
  const accepted = step.kind === "release" ? RELEASED : SETTLED;
  const refused =
    outcomes.find((o) => !accepted.has(o.result) && o.result !== "linked_event_failed") ??
    outcomes.find((o) => !accepted.has(o.result));
  if (!refused) return { kind: "done" };
  if (step.kind === "refund" && step.fallback && refused.result === "exceeds_credits") {
    return { kind: "fallback" };
  }
  return { kind: "refused", result: refused.result, transferId: refused.id };
}

const SETTLED: ReadonlySet<TransferResult> = new Set(["ok", "exists"]);

/** Links every transfer to the next, closing the chain at the last. */
function linkedChain(transfers: TransferInput[]): TransferInput[] {
  return transfers.map((t, i) => (i < transfers.length - 1 ? { ...t, linked: true } : t));
}

/**
 * The money step an order's change calls for: delivered settles, any other end releases the
 * hold, a refund refunds; anything else moves no money. `attempt` is the placement whose hold the
 * order owns; an order that owns none (placed before its money was held) moves nothing.
 */
export function moneyStepFor(
  before: Pick<Order, "status">,
  after: Order,
  command: { type: string; refundId?: string },
  attempt: number | null,
  policy: MoneyPolicy,
): Step | null {
  if (attempt === null) return null;
  if (command.type === "refund" && command.refundId)
    return refundStep(after, command.refundId, policy);
  const ended = (status: Order["status"]) =>
    status === "delivered" || status === "cancelled" || status === "rejected";
  if (ended(before.status) || !ended(after.status)) return null;
  return after.status === "delivered"
    ? settleStep(after, attempt, policy)
    : releaseStep(after, attempt);
}

/**
 * Why the ledger refused a placement's hold, as the customer is told, or null if it took it. A
 * wallet short of the total or of the points is the customer's to fix; anything else is ours.
 */
export function holdRefusalOf(
  order: Pick<Order, "id" | "pricing">,
  attempt: number,
  outcomes: readonly TransferOutcome[],
): Failure | null {
  const refused = outcomes.find((o) => o.result !== "ok" && o.result !== "exists");
  if (!refused) return null;
  const short = outcomes.find((o) => o.result === "exceeds_credits");
  if (short && short.id === holdIdsOf(order, attempt).points) {
    return {
      code: "wallet.insufficient_points",
      message: `this order redeems ${order.pricing.pointsRedeemed} points, more than the wallet holds`,
      details: { pointsRedeemed: order.pricing.pointsRedeemed },
    };
  }
  if (short) {
    return {
      code: "wallet.insufficient_funds",
      message: `the wallet does not hold the order's total of ${order.pricing.totalCents} cents; top it up`,
      details: { totalCents: order.pricing.totalCents },
    };
  }
  return {
    code: "unavailable",
    message: "payments are unavailable right now; nothing was charged",
  };
}
