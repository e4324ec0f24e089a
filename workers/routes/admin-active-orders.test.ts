import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ActiveOrderList } from "../../schema/admin.ts";
import type { Session } from "../../schema/auth.ts";
import { orderHistory } from "../../schema/db/index.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { OrderView } from "../../schema/orders.ts";
import {
  api,
  cart,
  database,
  fundedCustomer,
  kitchen,
  signUp,
  staffSession,
  type TestKitchen,
} from "../../test/edge-fixtures.ts";

/**
 * GET /api/admin/orders/active: which orders from the order-history read model, their live state
 * from each order's actor. The read model's rows are written here directly (the bridge that
 * writes them is tested with it), with a `last_seq` no event reaches, so the bridge of the run
 * cannot move them under the test. The kitchen is in El Paso, where no other test's couriers are,
 * so no dispatch round hands its orders to anyone but this test's courier.
 */

const EL_PASO = { lat: 31.7619, lng: -106.485 };
const DOOR = { lat: 31.7702, lng: -106.4801, text: "500 N Oregon St, El Paso, TX" };
/** Beyond every event's seq: a row written with it is the test's, whatever the bridge applies. */
const PINNED_SEQ = 2_147_483_647;
const HOUR_MS = 3_600_000;
/** An accepted order starts preparing by itself a moment later: either is the kitchen's now. */
const kitchenStatus = expect.stringMatching(/^(accepted|preparing)$/);

let admin: Session;

beforeAll(async () => {
  admin = await staffSession("admin");
});

/** Writes (or overwrites) the read model's row for `order`, as the bridge would have. */
async function project(order: OrderView, partial: { status?: string; placedAt?: Date } = {}) {
  const { db, close } = database();
  const row = {
    orderId: order.id,
    customerId: order.customerId,
    restaurantId: order.restaurant.id,
    restaurantName: order.restaurant.name,
    driverId: order.driverId,
    status: partial.status ?? order.status,
    subtotalCents: order.pricing.subtotalCents,
    totalCents: order.pricing.totalCents,
    placedAt: partial.placedAt ?? new Date(order.placedAt),
    updatedAt: new Date(),
    lastSeq: PINNED_SEQ,
  };
  await db
    .insert(orderHistory)
    .values(row)
    .onConflictDoUpdate({
      target: orderHistory.orderId,
      set: { status: sql`excluded.status`, placedAt: sql`excluded.placed_at`, lastSeq: PINNED_SEQ },
    });
  await close();
}

async function place(k: TestKitchen): Promise<OrderView> {
  const customer = await fundedCustomer();
  const placed = await api<OrderView>("/api/orders", {
    token: customer.accessToken,
    body: cart(k, { deliveryAddress: DOOR }),
  });
  expect(placed.status).toBe(201);
  return placed.body;
}

async function accept(k: TestKitchen, order: OrderView): Promise<OrderView> {
  const accepted = await api<OrderView>(`/api/orders/${order.id}/accept`, {
    token: k.staff.accessToken,
    body: { prepMinutes: 15 },
  });
  expect(accepted.status).toBe(200);
  return accepted.body;
}

/** A courier online in Las Vegas, far from every test kitchen, reporting where they are. */
async function onlineCourier(): Promise<Session> {
  const driver = await signUp("driver");
  await api("/api/drivers/me/commands", {
    token: driver.accessToken,
    body: { type: "go_online", commandId: "on" },
  });
  await api("/api/drivers/me/fixes", {
    token: driver.accessToken,
    body: { fix: { lat: 36.17, lng: -115.14, accuracyM: 8, at: Date.now() } },
  });
  return driver;
}

const active = async (query: string, token = admin.accessToken) =>
  api<ActiveOrderList & ErrorBody>(`/api/admin/orders/active?${query}`, { token });

describe("the city's active orders", () => {
  // Each case has a kitchen of its own: the bridge projects every order placed, in its own time,
  // and a case reads only its kitchen's rows.
  it("lists a kitchen's orders on their way, newest first, as each order's actor has it now", async () => {
    const k = await kitchen({ location: EL_PASO });
    const waiting = await place(k);
    const cooking = await accept(k, await place(k));
    const couriered = await accept(k, await place(k));
    const driver = await onlineCourier();
    const assigned = await api<OrderView>(`/api/admin/orders/${couriered.id}/assign`, {
      token: admin.accessToken,
      body: { driverId: driver.user.id },
    });
    expect(assigned.status).toBe(200);
    // The read model still says "placed" for all three: the actors' answers win.
    for (const order of [waiting, cooking, couriered]) await project(order, { status: "placed" });

    // The courier's position reaches the order a moment after the assignment.
    let reply = await active(`restaurantId=${k.restaurantId}`);
    await expect
      .poll(
        async () => {
          reply = await active(`restaurantId=${k.restaurantId}`);
          return reply.body.orders?.find((o) => o.orderId === couriered.id)?.courier ?? null;
        },
        { timeout: 10_000 },
      )
      .toMatchObject({ lat: 36.17, lng: -115.14 });

    expect(reply.status).toBe(200);
    expect(() => ActiveOrderList.parse(reply.body)).not.toThrow();
    expect(reply.body.truncated).toBe(false);
    expect(reply.body.orders.map((o) => [o.orderId, o.status, o.driverStage, o.driverId])).toEqual([
      [couriered.id, kitchenStatus, "assigned", driver.user.id],
      [cooking.id, kitchenStatus, "unassigned", null],
      [waiting.id, "placed", "unassigned", null],
    ]);
    const first = reply.body.orders[0]!;
    expect(first.restaurant).toMatchObject({ id: k.restaurantId, location: EL_PASO });
    expect(first.dropoff).toEqual(DOOR);
    expect(first.readyBy).not.toBeNull();
    expect(reply.body.orders.find((o) => o.orderId === waiting.id)?.courier).toBeNull();
  });

  it("leaves out orders that ended, orders its actor does not know and rows older than the window", async () => {
    const k = await kitchen({ location: EL_PASO });
    const live = await place(k);
    const cancelled = await place(k);
    const cancelling = await api<OrderView>(`/api/orders/${cancelled.id}/cancel`, {
      token: admin.accessToken,
      body: { reason: "the customer called" },
    });
    expect(cancelling.status).toBe(200);
    const stale = await place(k);
    await project(live);
    await project(cancelled, { status: "placed" });
    // Placed seven hours ago, by the read model's account: past the window, not asked about.
    await project(stale, { placedAt: new Date(Date.now() - 7 * HOUR_MS) });
    await project({ ...live, id: crypto.randomUUID() });

    const reply = await active(`restaurantId=${k.restaurantId}`);
    expect(reply.status).toBe(200);
    expect(reply.body.orders.map((o) => o.orderId)).toEqual([live.id]);
  });

  it("keeps to the limit, newest first, and says more were left out", async () => {
    const k = await kitchen({ location: EL_PASO });
    const orders = [await place(k), await place(k), await place(k)];
    for (const order of orders) await project(order);
    const reply = await active(`restaurantId=${k.restaurantId}&limit=2`);
    expect(reply.body.orders.map((o) => o.orderId)).toEqual([orders[2]!.id, orders[1]!.id]);
    expect(reply.body.truncated).toBe(true);
  });

  it("is for admins only, and refuses a query it does not understand", async () => {
    const customer = await signUp();
    const refused = await active("", customer.accessToken);
    expect([refused.status, refused.body.error.code]).toEqual([403, "auth.forbidden"]);
    const unknown = await active("colour=red");
    expect([unknown.status, unknown.body.error.code]).toEqual([400, "request.invalid"]);
    const tooMany = await active("limit=100000");
    expect(tooMany.status).toBe(400);
  });
});
