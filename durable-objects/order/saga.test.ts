import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type AccountRef,
  accountId,
  earningsOf,
  payableOf,
  platform,
  pointsOf,
  walletOf,
} from "../../ledger/chart.ts";
import {
  createTransfers,
  ensureAccounts,
  lookupAccounts,
  transfersOfOrder,
} from "../../ledger/engine.ts";
import type { Principal } from "../../schema/auth.ts";
import type { TransferCode } from "../../schema/ledger.ts";
import type { OrderView, Pricing } from "../../schema/orders.ts";
import { placement, principals } from "../../test/builders.ts";
import { database, fund, pinClock } from "../../test/edge-fixtures.ts";
import { TEST_SECRETS } from "../../test/setup/edge.ts";
import type { Timers } from "../timers.ts";
import type { OrderActor } from "./actor.ts";
import { deliveryCodeFor } from "./delivery-code.ts";
import { HOLD_INTENT_MS, type OrderSaga } from "./saga.ts";

/**
 * The order's money, through the OrderActor and the real ledger (PGlite in this pass): every
 * path an order can take ends with every balance exactly where it belongs. Each test has its own
 * customer, restaurant and courier, so their balances are theirs alone.
 *
 * The builders' order: subtotal 1300, delivery 299, service 130, tip 200: total 1929. With the
 * test configuration's 15% commission and 5 points per dollar: the restaurant is owed 1105, the
 * courier 499, the platform 325 (195 commission + 130 service), and the customer earns 96 points.
 */
const T = Date.now() + 3_600_000;
const TOTAL = 1929;
const FUNDS = 5_000;

type Party = { customer: string; restaurant: string; driver: string };

/** One posted transfer straight in the ledger, as another part of the platform would make it. */
async function moveDirectly(
  code: TransferCode,
  debit: AccountRef,
  credit: AccountRef,
  amount: number,
  currency: "USD" | "PTS",
): Promise<void> {
  const { db, close } = database();
  try {
    await ensureAccounts(db, [debit, credit]);
    const [outcome] = await createTransfers(
      db,
      [
        {
          id: crypto.randomUUID(),
          kind: "posted",
          code,
          debitAccountId: accountId(debit),
          creditAccountId: accountId(credit),
          amount,
          currency,
        },
      ],
      Date.now(),
    );
    expect(outcome?.result).toBe("ok");
  } finally {
    await close();
  }
}

function party(): Party {
  return {
    customer: crypto.randomUUID(),
    restaurant: crypto.randomUUID(),
    driver: crypto.randomUUID(),
  };
}

function requestFor(p: Party, pricing?: Partial<Pricing>) {
  const base = placement();
  return placement({
    customer: { id: p.customer, name: "Grace" },
    restaurant: { ...base.restaurant, id: p.restaurant },
    pricing: { ...base.pricing, ...pricing },
  });
}

async function placeFor(p: Party, pricing?: Partial<Pricing>) {
  const request = requestFor(p, pricing);
  const stub = env.OrderActor.getByName(request.orderId);
  await pinClock(stub, T);
  const placed = await stub.place(request);
  return { stub, request, placed };
}

async function placed(p: Party, pricing?: Partial<Pricing>) {
  const result = await placeFor(p, pricing);
  if (!result.placed.ok) throw new Error(result.placed.error.code);
  return result;
}

/** Balances as the holder reads them: posted credits - debits, and what is held pending. */
async function balances(refs: Record<string, AccountRef>) {
  const { db, close } = database();
  try {
    const entries = Object.entries(refs);
    await ensureAccounts(
      db,
      entries.map(([, ref]) => ref),
    );
    const accounts = await lookupAccounts(
      db,
      entries.map(([, ref]) => accountId(ref)),
    );
    return Object.fromEntries(
      entries.map(([name], i) => {
        const a = accounts[i]!;
        return [
          name,
          { posted: a.creditsPosted - a.debitsPosted, held: a.debitsPending - a.creditsPending },
        ];
      }),
    );
  } finally {
    await close();
  }
}

/**
 * What the order's own transfers left in the orders clearing account (shared by every order, so
 * measured through the order's transfers alone): posted in minus posted out, and still pending.
 * Once an order is settled, released or refunded, both are zero: clearing only passes money on.
 */
async function clearingOf(orderId: string) {
  const { db, close } = database();
  try {
    const clearing = accountId(platform("orders_clearing"));
    let posted = 0;
    let pending = 0;
    for (const t of await transfersOfOrder(db, orderId)) {
      const sign = t.creditAccountId === clearing ? 1 : t.debitAccountId === clearing ? -1 : 0;
      // Money moves by posted and post_pending rows; a pending row only reserves until resolved.
      if (t.kind === "posted" || t.kind === "post_pending") posted += sign * t.amount;
      if (t.kind === "pending" && t.state === "pending") pending += sign * t.amount;
    }
    return { posted, pending };
  } finally {
    await close();
  }
}

const partyAccounts = (p: Party) => ({
  wallet: walletOf(p.customer),
  points: pointsOf(p.customer),
  restaurant: payableOf(p.restaurant),
  driver: earningsOf(p.driver),
});

const staffOf = (p: Party): Principal => ({ ...principals.staff, restaurantId: p.restaurant });

async function ok<T>(
  result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string } }>,
) {
  const r = await result;
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

/** Kitchen accepts and cooks, the courier arrives, picks up and hands over with the code. */
async function deliver(stub: DurableObjectStub<OrderActor>, p: Party, orderId: string) {
  const request = await stub.snapshot();
  const at = { ...request!.restaurant.location, at: new Date(T).toISOString() };
  const staff = staffOf(p);
  const traceparent = placement().traceparent;
  await ok(stub.command(staff, { type: "accept", prepMinutes: 5 }, null, traceparent));
  await ok(stub.assignDriver(p.driver, crypto.randomUUID()));
  await ok(stub.driverStep(p.driver, { type: "driver_arrived_at_restaurant" }, "arrive", at));
  await ok(stub.command(staff, { type: "mark_ready" }, null, traceparent));
  await ok(stub.driverStep(p.driver, { type: "pick_up" }, "pick", at));
  const code = await deliveryCodeFor(TEST_SECRETS.JWT_SECRET, orderId);
  await ok(stub.driverStep(p.driver, { type: "deliver", code }, "deliver", null));
}

async function paymentOf(stub: DurableObjectStub<OrderActor>, who: Principal) {
  const view = (await ok(stub.view(who))) as OrderView;
  return view.payment;
}

const customerOf = (p: Party): Principal => ({ userId: p.customer, role: "customer" });

async function refund(stub: DurableObjectStub<OrderActor>, amountCents: number, key: string) {
  return stub.command(
    principals.admin,
    { type: "refund", refundId: crypto.randomUUID(), amountCents, reason: "cold food" },
    key,
    placement().traceparent,
  );
}

describe("the order's money", () => {
  it("holds the total at placement, and refuses an order the wallet cannot pay, holding nothing", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: TOTAL },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: TOTAL });
    expect(await paymentOf(stub, customerOf(p))).toMatchObject({ state: "held", heldCents: TOTAL });

    const poor = party();
    await fund(poor.customer, TOTAL - 1);
    const { stub: refusedStub, placed: refused } = await placeFor(poor);
    expect(!refused.ok && refused.error.code).toBe("wallet.insufficient_funds");
    expect(await refusedStub.snapshot()).toBeNull();
    expect(await balances(partyAccounts(poor))).toEqual({
      wallet: { posted: TOTAL - 1, held: 0 },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
    // The kitchen never heard of it.
    const board = await env.RestaurantActor.getByName(poor.restaurant).board(staffOf(poor));
    expect(board.ok && board.value.tickets).toEqual([]);
  });

  it("settles a delivered order in one batch: restaurant, courier and platform paid, points earned", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    const before = await balances({ platform: platform("platform_revenue") });
    await deliver(stub, p, request.orderId);

    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS - TOTAL, held: 0 },
      points: { posted: 96, held: 0 },
      restaurant: { posted: 1105, held: 0 },
      driver: { posted: 499, held: 0 },
    });
    const after = await balances({ platform: platform("platform_revenue") });
    expect(after.platform!.posted - before.platform!.posted).toBe(325);
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
    expect(await paymentOf(stub, customerOf(p))).toEqual({
      state: "settled",
      heldCents: TOTAL,
      pointsRedeemed: 0,
      pointsEarned: 96,
      refundedCents: 0,
    });
    // Nobody else sees the money.
    expect(await paymentOf(stub, staffOf(p))).toBeNull();
  });

  it.each([
    ["the customer cancels before acceptance", "cancel"],
    ["the restaurant rejects", "reject"],
    ["the restaurant does not answer in time", "expire"],
    ["no courier is found", "no_driver"],
  ] as const)("releases the hold when %s", async (_, how) => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    const traceparent = request.traceparent;
    if (how === "cancel") {
      await ok(stub.command(customerOf(p), { type: "cancel" }, null, traceparent));
    } else if (how === "reject") {
      await ok(
        stub.command(staffOf(p), { type: "reject", reason: "out of queso" }, null, traceparent),
      );
    } else if (how === "expire") {
      await pinClock(stub, T + 10 * 60_000);
      await runDurableObjectAlarm(stub);
    } else {
      await ok(stub.command(staffOf(p), { type: "accept", prepMinutes: 5 }, null, traceparent));
      await ok(stub.giveUpDispatch());
    }
    expect((await stub.snapshot())?.status).toMatch(/cancelled|rejected/);
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: 0 },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
    expect(await paymentOf(stub, customerOf(p))).toMatchObject({ state: "released" });
  });

  it("releases the hold of a placement the kitchen refused", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    await ok(env.RestaurantActor.getByName(p.restaurant).setKitchen(staffOf(p), "pause"));
    const { stub, placed: refused } = await placeFor(p);
    expect(!refused.ok && refused.error.code).toBe("order.restaurant_paused");
    expect(await stub.snapshot()).toBeNull();
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: 0 },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
  });

  it("refunds in part and then in full, restaurant share first, never more than was paid", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    await deliver(stub, p, request.orderId);
    const before = await balances({ platform: platform("platform_revenue") });

    await ok(refund(stub, 500, "first"));
    const partly = {
      wallet: { posted: FUNDS - TOTAL + 500, held: 0 },
      // The points the order earned, taken back in proportion: floor(96 x 500 / 1929) = 24.
      points: { posted: 96 - 24, held: 0 },
      restaurant: { posted: 1105 - 500, held: 0 },
      driver: { posted: 499, held: 0 },
    };
    expect(await balances(partyAccounts(p))).toEqual(partly);
    // All of a part refund within the restaurant's share comes from it: the platform keeps its fee.
    const afterPart = await balances({ platform: platform("platform_revenue") });
    expect(afterPart.platform!.posted).toBe(before.platform!.posted);
    // The same request again refunds nothing more.
    await ok(refund(stub, 500, "first"));
    expect(await balances(partyAccounts(p))).toEqual(partly);

    // The rest: 605 more from the restaurant, 824 from the platform; the courier keeps their pay.
    await ok(refund(stub, TOTAL - 500, "second"));
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: 0 },
      // Refunded in full, the order keeps none of the points it earned.
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 499, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
    const after = await balances({ platform: platform("platform_revenue") });
    expect(before.platform!.posted - after.platform!.posted).toBe(TOTAL - 1105);

    const tooMuch = await refund(stub, 1, "third");
    expect(!tooMuch.ok && tooMuch.error.code).toBe("order.refund_exceeds_paid");
    expect(await paymentOf(stub, principals.admin)).toMatchObject({ refundedCents: TOTAL });
    const view = await ok(stub.view(customerOf(p)));
    expect(view.timeline.filter((e) => e.type === "OrderRefunded")).toHaveLength(2);
  });

  it("refunds from the platform when the restaurant has been paid out already", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    await deliver(stub, p, request.orderId);
    await moveDirectly("payout", payableOf(p.restaurant), platform("payouts"), 1105, "USD");

    const before = await balances({ platform: platform("platform_revenue") });
    await ok(refund(stub, 300, "late"));
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS - TOTAL + 300, held: 0 },
      points: { posted: 96 - 14, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 499, held: 0 },
    });
    const after = await balances({ platform: platform("platform_revenue") });
    expect(before.platform!.posted - after.platform!.posted).toBe(300);
    expect(await paymentOf(stub, principals.admin)).toMatchObject({ refundedCents: 300 });
  });

  it("takes back only the points still there when some were spent, and refunds the money in full", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    await deliver(stub, p, request.orderId);
    // 90 of the 96 points earned are spent elsewhere before the refund.
    await moveDirectly(
      "points_redeem",
      pointsOf(p.customer),
      platform("points_liability"),
      90,
      "PTS",
    );

    await ok(refund(stub, TOTAL, "all"));
    expect(await balances(partyAccounts(p))).toMatchObject({
      wallet: { posted: FUNDS, held: 0 },
      points: { posted: 0, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
  });

  it("redeems points as a discount the platform pays, and refuses more points than the wallet holds", async () => {
    const p = party();
    await fund(p.customer, FUNDS, 800);
    const discounted = { discountCents: 500, pointsRedeemed: 500, totalCents: TOTAL - 500 };
    const { stub, request } = await placed(p, discounted);
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: TOTAL - 500 },
      points: { posted: 800, held: 500 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
    const promotions = await balances({ promotions: platform("promotions_expense") });
    await deliver(stub, p, request.orderId);

    // Earned on what was paid in money: 1429 cents -> 71 points.
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS - (TOTAL - 500), held: 0 },
      points: { posted: 800 - 500 + 71, held: 0 },
      restaurant: { posted: 1105, held: 0 },
      driver: { posted: 499, held: 0 },
    });
    const paid = await balances({ promotions: platform("promotions_expense") });
    expect(promotions.promotions!.posted - paid.promotions!.posted).toBe(500);

    const greedy = party();
    await fund(greedy.customer, FUNDS, 100);
    const { placed: refused } = await placeFor(greedy, discounted);
    expect(!refused.ok && refused.error.code).toBe("wallet.insufficient_points");
    expect(await balances(partyAccounts(greedy))).toEqual({
      wallet: { posted: FUNDS, held: 0 },
      points: { posted: 100, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
  });

  it("retries a step the ledger could not take, with the same transfers, until it is settled once", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const { stub, request } = await placed(p);
    // The database goes away just before delivery.
    await runInDurableObject(stub, (actor: OrderActor) => {
      const saga = (actor as unknown as { saga: { ledger: unknown; realLedger?: unknown } }).saga;
      saga.realLedger = saga.ledger;
      saga.ledger = () => {
        throw new Error("connection refused");
      };
    });
    await deliver(stub, p, request.orderId);
    expect((await stub.snapshot())?.status).toBe("delivered");
    expect(await paymentOf(stub, customerOf(p))).toMatchObject({ state: "settling" });
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: TOTAL },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });

    // It comes back; the retry timer settles the order.
    await runInDurableObject(stub, (actor: OrderActor) => {
      const saga = (actor as unknown as { saga: { ledger: unknown; realLedger?: unknown } }).saga;
      saga.ledger = saga.realLedger;
    });
    await pinClock(stub, T + 5 * 60_000);
    await runDurableObjectAlarm(stub);
    expect(await paymentOf(stub, customerOf(p))).toMatchObject({ state: "settled" });

    // A crash after the ledger applied the batch but before the actor noted it: the step runs
    // again and the ledger answers "exists" for every transfer. Nothing moves twice.
    await runInDurableObject(stub, (actor: OrderActor, state) => {
      state.storage.sql.exec("update saga set state = 'pending', due_at = 0 where name = 'settle'");
      void actor;
    });
    await runInDurableObject(stub, async (actor: OrderActor) => {
      await (actor as unknown as { saga: { run(now: number): Promise<void> } }).saga.run(
        T + 6 * 60_000,
      );
    });
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS - TOTAL, held: 0 },
      points: { posted: 96, held: 0 },
      restaurant: { posted: 1105, held: 0 },
      driver: { posted: 499, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
    expect(await stub.refusedMoneySteps()).toEqual([]);
  });

  it("gives back a hold whose placement never finished", async () => {
    const p = party();
    await fund(p.customer, FUNDS);
    const request = requestFor(p);
    const stub = env.OrderActor.getByName(request.orderId);
    await pinClock(stub, T);
    // The hold is taken, then the actor dies before the order is stored: simulated by making the
    // kitchen unreachable after the hold and dropping the release the actor would queue.
    await runInDurableObject(stub, async (actor: OrderActor) => {
      const inner = actor as unknown as {
        saga: OrderSaga;
        timers: Timers;
        ctx: DurableObjectState;
      };
      const { holdStep } = await import("../../ledger/order-money.ts");
      const money = { id: request.orderId, customerId: p.customer, pricing: request.pricing };
      const step = holdStep(money, 1);
      inner.ctx.storage.transactionSync(() => inner.saga.intendHold(step, money, T));
      await inner.saga.hold(step, money, T);
      await inner.timers.arm();
    });
    expect(await balances(partyAccounts(p))).toMatchObject({ wallet: { held: TOTAL } });

    await pinClock(stub, T + HOLD_INTENT_MS);
    await runDurableObjectAlarm(stub);
    expect(await balances(partyAccounts(p))).toEqual({
      wallet: { posted: FUNDS, held: 0 },
      points: { posted: 0, held: 0 },
      restaurant: { posted: 0, held: 0 },
      driver: { posted: 0, held: 0 },
    });
    expect(await clearingOf(request.orderId)).toEqual({ posted: 0, pending: 0 });
    expect(await stub.snapshot()).toBeNull();
  });
});
