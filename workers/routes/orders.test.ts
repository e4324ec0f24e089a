import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { Order, OrderView, Quote } from "../../schema/orders.ts";
import {
  api,
  cart,
  fund,
  fundedCustomer,
  holdsOf,
  kitchen,
  signUp,
  staffSession,
  type TestKitchen,
} from "../../test/edge-fixtures.ts";

let k: TestKitchen;
let customer: Session;
let other: Session;

beforeAll(async () => {
  [k, other] = await Promise.all([kitchen(), fundedCustomer()]);
});

// A fresh customer per test: placement is rate-limited per customer, as it is in production.
beforeEach(async () => {
  customer = await fundedCustomer();
});

describe("placing an order", () => {
  it("prices the cart from the catalog and hands it to its actor", async () => {
    const reply = await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) });
    expect(reply.status).toBe(201);
    const order = reply.body;
    expect(reply.headers.get("location")).toBe(`/api/orders/${order.id}`);
    expect(order.status).toBe("placed");
    // The kitchen's ticket and the courier's drop-off name the customer.
    expect(order.customerName).toBe("Test customer");
    expect(
      order.lines.map((l) => [l.name, l.quantity, l.unitPriceCents, l.lineTotalCents]),
    ).toEqual([
      ["Classic Burger", 1, 1099 + 200, 1299],
      ["Fries", 2, 399, 798],
    ]);
    const p = order.pricing;
    expect(p.subtotalCents).toBe(2097);
    expect(p.totalCents).toBe(
      p.subtotalCents + p.deliveryFeeCents + p.serviceFeeCents + p.smallOrderFeeCents + p.tipCents,
    );
    expect(p.tipCents).toBe(300);
    expect(order.timeline.map((t) => t.type)).toEqual(["OrderPlaced"]);
  });

  it("ignores prices the client sends", async () => {
    const body = cart(k, { expectedTotalCents: 1 });
    for (const line of body.items) line.unitPriceCents = 1;
    const reply = await api<Order>("/api/orders", { token: customer.accessToken, body });
    expect(reply.status).toBe(201);
    expect(reply.body.lines[0]?.unitPriceCents).toBe(1299);
    expect(reply.body.pricing.totalCents).toBeGreaterThan(2000);
  });

  it("quotes exactly what checkout then charges", async () => {
    const body = cart(k);
    const { idempotencyKey: _, ...quoteBody } = body;
    const quote = await api<Quote>("/api/orders/quote", {
      token: customer.accessToken,
      body: quoteBody,
    });
    const placed = await api<Order>("/api/orders", { token: customer.accessToken, body });
    expect(quote.status).toBe(200);
    expect(placed.body.pricing).toEqual(quote.body.pricing);
  });

  it("answers a repeated request with the same order, and makes only one", async () => {
    const body = cart(k);
    const replies = await Promise.all(
      [1, 2, 3].map(() => api<Order>("/api/orders", { token: customer.accessToken, body })),
    );
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const again = await api<Order>("/api/orders", { token: customer.accessToken, body });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(1);
  });

  it("answers ten concurrent retries with one order, one hold and one 201, the wallet exactly enough", async () => {
    const body = cart(k);
    const { idempotencyKey: _, ...quoteBody } = body;
    const poor = await signUp();
    const priced = await api<Quote>("/api/orders/quote", {
      token: poor.accessToken,
      body: quoteBody,
    });
    await fund(poor.user.id, priced.body.pricing.totalCents);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        api<Order>("/api/orders", { token: poor.accessToken, body }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await holdsOf(poor.user.id)).toBe(1);
    // Retries are not new orders: they leave the placement limit for the customer's next one.
    for (let i = 0; i < 5; i++) {
      expect((await api("/api/orders", { token: poor.accessToken, body })).status).toBe(200);
    }
    await fund(poor.user.id, 100_000);
    const next = await api("/api/orders", { token: poor.accessToken, body: cart(k) });
    expect(next.status).toBe(201);
  });

  it("refuses the same key with a different cart", async () => {
    const body = cart(k);
    await api("/api/orders", { token: customer.accessToken, body });
    const changed = { ...body, tipCents: body.tipCents + 100 };
    const reply = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: changed,
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe("order.idempotency_conflict");
  });

  it.each([
    [
      "an unavailable item",
      (t: TestKitchen) => [{ itemId: t.soldOutId, quantity: 1, modifiers: [] }],
      422,
      "order.item_unavailable",
    ],
    [
      "an item from no menu",
      () => [{ itemId: crypto.randomUUID(), quantity: 1, modifiers: [] }],
      422,
      "order.item_not_found",
    ],
    [
      "a missing required choice",
      (t: TestKitchen) => [{ itemId: t.burgerId, quantity: 1, modifiers: [] }],
      422,
      "order.invalid_modifiers",
    ],
    [
      "two patties where one is allowed",
      (t: TestKitchen) => [
        {
          itemId: t.burgerId,
          quantity: 1,
          modifiers: [{ groupId: t.pattyGroupId, optionIds: [t.beefOptionId, t.veggieOptionId] }],
        },
      ],
      422,
      "order.invalid_modifiers",
    ],
  ])("refuses %s with a coded error", async (_, items, status, code) => {
    const reply = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: cart(k, { items: items(k) }),
    });
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
  });

  it("refuses an item marked unavailable a moment ago", async () => {
    const own = await kitchen();
    const marked = await api(`/api/restaurants/${own.restaurantId}/menu/items/${own.friesId}`, {
      method: "PATCH",
      token: own.staff.accessToken,
      body: { available: false },
    });
    expect(marked.status).toBe(204);
    const reply = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: cart(own),
    });
    expect(reply.body.error.code).toBe("order.item_unavailable");
  });

  it("refuses a closed restaurant", async () => {
    const closed = await kitchen({ openingHours: [] });
    const reply = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: cart(closed),
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe("order.restaurant_closed");
  });

  it("refuses an address beyond the delivery radius", async () => {
    const reply = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: cart(k, { deliveryAddress: { lat: 29.4241, lng: -98.4936, text: "San Antonio, TX" } }),
    });
    expect(reply.body.error.code).toBe("order.out_of_range");
  });
});

describe("who sees an order", () => {
  let order: Order;
  beforeEach(async () => {
    order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) })).body;
  });

  it("shows the customer their own order", async () => {
    const reply = await api<Order>(`/api/orders/${order.id}`, { token: customer.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.id).toBe(order.id);
  });

  it("answers 404 to another customer, exactly as for an order that does not exist", async () => {
    const theirs = await api<ErrorBody>(`/api/orders/${order.id}`, { token: other.accessToken });
    const missing = await api<ErrorBody>(`/api/orders/${crypto.randomUUID()}`, {
      token: other.accessToken,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
  });

  it("shows the order to its restaurant's staff and hides it from another's", async () => {
    const elsewhere = await kitchen();
    expect((await api(`/api/orders/${order.id}`, { token: k.staff.accessToken })).status).toBe(200);
    expect(
      (await api(`/api/orders/${order.id}`, { token: elsewhere.staff.accessToken })).status,
    ).toBe(404);
  });

  it("hides it from a driver it is not assigned to", async () => {
    const driver = await signUp("driver");
    expect((await api(`/api/orders/${order.id}`, { token: driver.accessToken })).status).toBe(404);
  });
});

describe("the kitchen's answers", () => {
  it("accepts with prep minutes, starting preparation, then marks ready", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const accepted = await api<Order>(`/api/orders/${order.id}/accept`, {
      token: k.staff.accessToken,
      body: { prepMinutes: 18 },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe("preparing");
    expect(accepted.body.prepMinutes).toBe(18);
    const ready = await api<Order>(`/api/orders/${order.id}/ready`, {
      token: k.staff.accessToken,
      method: "POST",
    });
    expect(ready.body.status).toBe("ready");
    expect(ready.body.timeline.map((t) => t.type)).toEqual([
      "OrderPlaced",
      "OrderAccepted",
      "OrderReady",
    ]);
  });

  it("rejects with a reason", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const rejected = await api<Order>(`/api/orders/${order.id}/reject`, {
      token: k.staff.accessToken,
      body: { reason: "Out of buns" },
    });
    expect([rejected.body.status, rejected.body.rejectReason]).toEqual(["rejected", "Out of buns"]);
  });

  it("lets the customer cancel before acceptance but not after", async () => {
    const early = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const cancelled = await api<Order>(`/api/orders/${early.id}/cancel`, {
      token: customer.accessToken,
      body: {},
    });
    expect([cancelled.body.status, cancelled.body.cancelReason]).toEqual([
      "cancelled",
      "customer_cancelled",
    ]);

    const late = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    await api(`/api/orders/${late.id}/accept`, {
      token: k.staff.accessToken,
      body: { prepMinutes: 10 },
    });
    const refused = await api<ErrorBody>(`/api/orders/${late.id}/cancel`, {
      token: customer.accessToken,
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("order.not_cancellable");
  });

  it("refuses an illegal transition with a code", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const early = await api<ErrorBody>(`/api/orders/${order.id}/ready`, {
      token: k.staff.accessToken,
      method: "POST",
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("order.illegal_transition");
  });

  it("answers a repeated command (same Idempotency-Key) with the first answer", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const headers = { "idempotency-key": `cancel-${order.id}` };
    const first = await api<Order>(`/api/orders/${order.id}/cancel`, {
      token: customer.accessToken,
      body: {},
      headers,
    });
    const second = await api<Order>(`/api/orders/${order.id}/cancel`, {
      token: customer.accessToken,
      body: {},
      headers,
    });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
  });

  it("lets an admin cancel after acceptance", async () => {
    const admin = await staffSession("admin");
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    await api(`/api/orders/${order.id}/accept`, {
      token: k.staff.accessToken,
      body: { prepMinutes: 10 },
    });
    const cancelled = await api<Order>(`/api/orders/${order.id}/cancel`, {
      token: admin.accessToken,
      body: { reason: "duplicate" },
    });
    expect([cancelled.body.status, cancelled.body.cancelReason]).toEqual([
      "cancelled",
      "admin_cancelled",
    ]);
  });

  it("rate-limits placement per customer", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (await api("/api/orders", { token: customer.accessToken, body: cart(k) })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("does not let a customer answer for the kitchen", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const reply = await api<ErrorBody>(`/api/orders/${order.id}/accept`, {
      token: customer.accessToken,
      body: { prepMinutes: 5 },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("auth.forbidden");
  });
});

describe("refunds", () => {
  it("are for admins, for delivered orders, with a reason and a positive amount", async () => {
    const placed = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const path = `/api/orders/${placed.id}/refunds`;
    const asCustomer = await api<ErrorBody>(path, {
      token: customer.accessToken,
      body: { amountCents: 100, reason: "cold" },
    });
    expect(asCustomer.status).toBe(403);

    const admin = await staffSession("admin");
    const invalid = await api<ErrorBody>(path, {
      token: admin.accessToken,
      body: { amountCents: 0, reason: "" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("request.invalid");

    const early = await api<ErrorBody>(path, {
      token: admin.accessToken,
      body: { amountCents: 100, reason: "cold" },
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("order.illegal_transition");

    const missing = await api<ErrorBody>(`/api/orders/${crypto.randomUUID()}/refunds`, {
      token: admin.accessToken,
      body: { amountCents: 100, reason: "cold" },
    });
    expect(missing.status).toBe(404);
  });

  it("refuses an order the wallet cannot pay, with a clear code, and places nothing", async () => {
    const poor = await signUp();
    const reply = await api<ErrorBody>("/api/orders", { token: poor.accessToken, body: cart(k) });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe("wallet.insufficient_funds");
    const mine = await api<{ orders: unknown[] }>("/api/orders", { token: poor.accessToken });
    expect(mine.body.orders).toEqual([]);
  });
});

describe("rating", () => {
  /**
   * An order taken to delivery over the API where the API has a path (kitchen) and through its
   * actor for the courier's steps, which need a courier standing at the restaurant.
   */
  async function deliveredOrder(): Promise<OrderView> {
    const placed = await api<OrderView>("/api/orders", {
      token: customer.accessToken,
      body: cart(k),
    });
    const id = placed.body.id;
    await api(`/api/orders/${id}/accept`, {
      token: k.staff.accessToken,
      body: { prepMinutes: 10 },
    });
    await api(`/api/orders/${id}/ready`, { token: k.staff.accessToken, body: {} });
    const order = env.OrderActor.getByName(id);
    const { deliveryCode } = (
      await api<OrderView>(`/api/orders/${id}`, { token: customer.accessToken })
    ).body;
    const driverId = crypto.randomUUID();
    const at = { ...placed.body.restaurant.location, at: new Date().toISOString() };
    for (const step of [
      () => order.assignDriver(driverId, crypto.randomUUID()),
      () => order.driverStep(driverId, { type: "driver_arrived_at_restaurant" }, "a", at),
      () => order.driverStep(driverId, { type: "pick_up" }, "p", at),
      () => order.driverStep(driverId, { type: "deliver", code: deliveryCode! }, "d", null),
    ]) {
      const result = await step();
      if (!result.ok) throw new Error(result.error.code);
    }
    return (await api<OrderView>(`/api/orders/${id}`, { token: customer.accessToken })).body;
  }

  it("takes the customer's stars once, after delivery", async () => {
    const order = await deliveredOrder();
    expect([order.status, order.rating]).toEqual(["delivered", null]);
    const path = `/api/orders/${order.id}/rating`;
    const rated = await api<OrderView>(path, {
      token: customer.accessToken,
      body: { stars: 4, comment: "  good fries  " },
    });
    expect(rated.status).toBe(200);
    expect(rated.body.rating).toMatchObject({ stars: 4, comment: "good fries" });
    const again = await api<ErrorBody>(path, {
      token: customer.accessToken,
      body: { stars: 5 },
    });
    expect([again.status, again.body.error.code]).toEqual([409, "order.already_rated"]);
    const seen = await api<OrderView>(`/api/orders/${order.id}`, { token: customer.accessToken });
    expect(seen.body.rating?.stars).toBe(4);
  });

  it("refuses bad stars, an order not yet delivered, and anyone but its customer", async () => {
    const placed = await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) });
    const path = `/api/orders/${placed.body.id}/rating`;
    for (const stars of [0, 6, 2.5]) {
      const bad = await api<ErrorBody>(path, { token: customer.accessToken, body: { stars } });
      expect([bad.status, bad.body.error.code]).toEqual([400, "request.invalid"]);
    }
    const early = await api<ErrorBody>(path, { token: customer.accessToken, body: { stars: 5 } });
    expect([early.status, early.body.error.code]).toEqual([409, "order.illegal_transition"]);
    const stranger = await api<ErrorBody>(path, { token: other.accessToken, body: { stars: 5 } });
    expect([stranger.status, stranger.body.error.code]).toEqual([404, "order.not_found"]);
    const staff = await api<ErrorBody>(path, { token: k.staff.accessToken, body: { stars: 5 } });
    expect(staff.status).toBe(403);
  });
});

describe("the checkout promise", () => {
  it("keeps the quote's delivery estimate on the order as promisedBy", async () => {
    const body = cart(k);
    const { idempotencyKey: _, ...quoteBody } = body;
    const quote = await api<Quote>("/api/orders/quote", {
      token: customer.accessToken,
      body: quoteBody,
    });
    expect(quote.status).toBe(200);
    expect(quote.body.etaMinutes).toBeGreaterThan(0);

    const placed = await api<Order>("/api/orders", { token: customer.accessToken, body });
    expect(placed.status).toBe(201);
    const { promisedBy, placedAt } = placed.body;
    expect(promisedBy).not.toBeNull();
    expect(Date.parse(promisedBy!) - Date.parse(placedAt)).toBe(quote.body.etaMinutes * 60_000);
    // Kept: the order read back later promises the same.
    const seen = await api<OrderView>(`/api/orders/${placed.body.id}`, {
      token: customer.accessToken,
    });
    expect(seen.body.promisedBy).toBe(promisedBy);
  });
});
