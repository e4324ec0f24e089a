import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TransferInput } from "../schema/ledger.ts";
import type { Order, Pricing } from "../schema/orders.ts";
import { ids, placeInput } from "../test/builders.ts";
import { accountId, platform } from "./chart.ts";
import {
  holdStep,
  type MoneyPolicy,
  pointsReversalStep,
  refundStep,
  releaseStep,
  settleStep,
  splitOf,
  verdictOf,
} from "./order-money.ts";

const policy: MoneyPolicy = { commissionBps: 1_500, pointsPerDollar: 5 };

const pricingArb = fc
  .record({
    subtotalCents: fc.integer({ min: 1, max: 500_000 }),
    deliveryFeeCents: fc.integer({ min: 0, max: 2_000 }),
    serviceFeeCents: fc.integer({ min: 0, max: 2_000 }),
    smallOrderFeeCents: fc.integer({ min: 0, max: 500 }),
    tipCents: fc.integer({ min: 0, max: 50_000 }),
    points: fc.integer({ min: 0, max: 600_000 }),
  })
  .map(({ points, ...p }): Pricing => {
    const pointsRedeemed = Math.min(points, p.subtotalCents);
    return {
      currency: "USD",
      ...p,
      discountCents: pointsRedeemed,
      pointsRedeemed,
      totalCents:
        p.subtotalCents +
        p.deliveryFeeCents +
        p.serviceFeeCents +
        p.smallOrderFeeCents +
        p.tipCents -
        pointsRedeemed,
      distanceM: 1_000,
    };
  });

function orderWith(pricing: Pricing): Order {
  return {
    ...placeInput(),
    id: crypto.randomUUID(),
    customerId: ids.customer,
    customerName: "Ada",
    pricing,
    status: "delivered",
    driverStage: "done",
    driverId: ids.driver,
    acceptBy: new Date().toISOString(),
    readyBy: null,
    promisedBy: null,
    cancelReason: null,
    rejectReason: null,
    placedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    version: 9,
    timeline: [],
    refunds: [],
    rating: null,
  };
}

/** Net movement per account and currency of the posted and post_pending parts of a batch. */
function netOf(transfers: TransferInput[], holds: TransferInput[]): Map<string, number> {
  const byId = new Map(holds.map((h) => [h.id, h]));
  const net = new Map<string, number>();
  const move = (debit: string, credit: string, amount: number) => {
    net.set(debit, (net.get(debit) ?? 0) - amount);
    net.set(credit, (net.get(credit) ?? 0) + amount);
  };
  for (const t of transfers) {
    if (t.kind === "posted") move(t.debitAccountId, t.creditAccountId, t.amount);
    if (t.kind === "post_pending") {
      const hold = byId.get(t.pendingId)!;
      if (hold.kind !== "pending") throw new Error("posts a pending hold");
      move(hold.debitAccountId, hold.creditAccountId, hold.amount);
    }
  }
  return net;
}

describe("an order's money", () => {
  it("splits every cent that came in exactly once, for any pricing", () => {
    fc.assert(
      fc.property(pricingArb, (pricing) => {
        const split = splitOf(pricing, policy);
        expect(split.restaurantCents + split.driverCents + split.platformCents).toBe(
          pricing.totalCents + pricing.discountCents,
        );
        expect(split.restaurantCents).toBeGreaterThanOrEqual(0);
        const order = orderWith(pricing);
        const hold = holdStep(order, 1);
        const settle = settleStep(order, 1, policy);
        // The orders clearing account ends where it started: nothing stays, nothing is missing.
        const net = netOf(settle.transfers, hold.transfers);
        expect(net.get(accountId(platform("orders_clearing"))) ?? 0).toBe(0);
        // One linked chain, closed at its last transfer.
        expect(settle.transfers.slice(0, -1).every((t) => t.linked)).toBe(true);
        expect(settle.transfers.at(-1)?.linked).toBeUndefined();
      }),
    );
  });

  it("names every transfer the same way on every retry, and differently per attempt", () => {
    const order = orderWith(placeInput().pricing);
    expect(holdStep(order, 1)).toEqual(holdStep(order, 1));
    expect(holdStep(order, 2).transfers[0]!.id).not.toBe(holdStep(order, 1).transfers[0]!.id);
    expect(settleStep(order, 1, policy)).toEqual(settleStep(order, 1, policy));
    expect(releaseStep(order, 1).transfers.map((t) => t.kind)).toEqual(["void_pending"]);
  });

  it("refunds from the restaurant's share first, then the platform's", () => {
    const order = orderWith(placeInput().pricing); // restaurant's share: 1105 of 1929
    const first = { id: crypto.randomUUID(), amountCents: 1_000, reason: "r", at: "", by: "a" };
    const second = { id: crypto.randomUUID(), amountCents: 600, reason: "r", at: "", by: "a" };
    const refunded = { ...order, refunds: [first, second] };
    const amounts = (step: ReturnType<typeof refundStep>) =>
      step.transfers.map((t) => (t.kind === "posted" ? t.amount : 0));
    expect(amounts(refundStep(refunded, first.id, policy))).toEqual([1_000]);
    expect(amounts(refundStep(refunded, second.id, policy))).toEqual([105, 495]);
    expect(refundStep(refunded, second.id, policy).fallback?.transfers).toHaveLength(1);
  });

  it("takes back the points earned in proportion to refunds, in all never more than earned", () => {
    fc.assert(
      fc.property(
        pricingArb,
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        (pricing, shares) => {
          const order = orderWith(pricing);
          const earned = splitOf(pricing, policy).pointsEarned;
          // Refunds of random shares of the total, never more than was paid.
          let left = pricing.totalCents;
          const refunds = shares
            .map((share) => {
              const amountCents = Math.min(left, Math.ceil((pricing.totalCents * share) / 100));
              left -= amountCents;
              return { id: crypto.randomUUID(), amountCents, reason: "r", at: "", by: "a" };
            })
            .filter((r) => r.amountCents > 0);
          const refunded = { ...order, refunds };
          const taken = refunds.map((r) => {
            const step = pointsReversalStep(refunded, r.id, policy, Number.MAX_SAFE_INTEGER);
            const transfer = step?.transfers[0];
            return transfer?.kind === "posted" ? transfer.amount : 0;
          });
          const total = taken.reduce((a, b) => a + b, 0);
          const paidBack = refunds.reduce((sum, r) => sum + r.amountCents, 0);
          expect(total).toBe(Math.floor((earned * paidBack) / Math.max(1, pricing.totalCents)));
          expect(total).toBeLessThanOrEqual(earned);
        },
      ),
    );
  });

  it("takes back no more points than the account holds, and none it never earned", () => {
    const order = orderWith(placeInput().pricing); // 1929 paid: 96 points earned
    const all = { id: crypto.randomUUID(), amountCents: 1_929, reason: "r", at: "", by: "a" };
    const refunded = { ...order, refunds: [all] };
    expect(pointsReversalStep(refunded, all.id, policy, 1_000)?.transfers[0]).toMatchObject({
      code: "points_reverse",
      amount: 96,
      currency: "PTS",
    });
    expect(pointsReversalStep(refunded, all.id, policy, 6)?.transfers[0]).toMatchObject({
      amount: 6,
    });
    expect(pointsReversalStep(refunded, all.id, policy, 0)).toBeNull();
    const noPoints = { ...policy, pointsPerDollar: 0 };
    expect(pointsReversalStep(refunded, all.id, noPoints, 1_000)).toBeNull();
  });

  it("reads the ledger's answers: released when never held, fallback when a payee is short", () => {
    const order = orderWith(placeInput().pricing);
    const release = releaseStep(order, 1);
    expect(
      verdictOf(release, [{ id: release.transfers[0]!.id, result: "pending_transfer_not_found" }]),
    ).toEqual({ kind: "done" });
    const settle = settleStep(order, 1, policy);
    expect(
      verdictOf(
        settle,
        settle.transfers.map((t, i) => ({
          id: t.id,
          result: i === 0 ? "pending_transfer_expired" : "linked_event_failed",
        })),
      ),
    ).toMatchObject({ kind: "refused", result: "pending_transfer_expired" });
    const refund = { id: crypto.randomUUID(), amountCents: 100, reason: "r", at: "", by: "a" };
    const step = refundStep({ ...order, refunds: [refund] }, refund.id, policy);
    expect(verdictOf(step, [{ id: step.transfers[0]!.id, result: "exceeds_credits" }])).toEqual({
      kind: "fallback",
    });
  });
});
