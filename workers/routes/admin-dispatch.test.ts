import { beforeAll, describe, expect, it } from "vitest";
import type { CourierChoices } from "../../schema/admin.ts";
import type { Session } from "../../schema/auth.ts";
import type { DriverState } from "../../schema/dispatch.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { OrderView } from "../../schema/orders.ts";
import {
  api,
  cart,
  fundedCustomer,
  HERE,
  kitchen,
  signUp,
  staffSession,
  type TestKitchen,
} from "../../test/edge-fixtures.ts";

let k: TestKitchen;
let admin: Session;

beforeAll(async () => {
  [k, admin] = await Promise.all([kitchen(), staffSession("admin")]);
});

/**
 * A courier online far from the test kitchens' zone, so no dispatch round there offers them
 * this test's order before the admin does.
 */
async function onlineCourier(): Promise<Session> {
  const driver = await signUp("driver");
  await api("/api/drivers/me/commands", {
    token: driver.accessToken,
    body: { type: "go_online", commandId: "on" },
  });
  await api("/api/drivers/me/fixes", {
    token: driver.accessToken,
    body: { fix: { lat: 35.1, lng: -101.8, accuracyM: 8, at: Date.now() } },
  });
  return driver;
}

async function acceptedOrder(): Promise<OrderView> {
  const customer = await fundedCustomer();
  const placed = await api<OrderView>("/api/orders", {
    token: customer.accessToken,
    body: cart(k),
  });
  const accepted = await api<OrderView>(`/api/orders/${placed.body.id}/accept`, {
    token: k.staff.accessToken,
    body: { prepMinutes: 15 },
  });
  expect(accepted.status).toBe(200);
  return accepted.body;
}

const assign = (orderId: string, driverId: string, token = admin.accessToken) =>
  api<OrderView & ErrorBody>(`/api/admin/orders/${orderId}/assign`, { token, body: { driverId } });

describe("manual dispatch", () => {
  it("gives an accepted order to the chosen courier, whose app then holds the job", async () => {
    const [order, driver] = await Promise.all([acceptedOrder(), onlineCourier()]);
    const reply = await assign(order.id, driver.user.id);
    expect(reply.status).toBe(200);
    expect([reply.body.driverId, reply.body.driverStage]).toEqual([driver.user.id, "assigned"]);
    expect(reply.body.timeline.at(-1)).toMatchObject({
      type: "DriverAssigned",
      by: { role: "admin", userId: admin.user.id },
    });
    const state = await api<DriverState>("/api/drivers/me", { token: driver.accessToken });
    expect(state.body.jobs.map((j) => [j.orderId, j.driverStage])).toEqual([
      [order.id, "assigned"],
    ]);
  });

  it("refuses an offline courier, a busy one, and an order another courier has", async () => {
    const [order, other, busy] = await Promise.all([
      acceptedOrder(),
      acceptedOrder(),
      onlineCourier(),
    ]);
    const offline = await signUp("driver");
    const refused = await assign(order.id, offline.user.id);
    expect([refused.status, refused.body.error.code]).toEqual([409, "driver.offline"]);

    expect((await assign(order.id, busy.user.id)).status).toBe(200);
    const twice = await assign(other.id, busy.user.id);
    expect([twice.status, twice.body.error.code]).toEqual([409, "driver.busy"]);

    const second = await onlineCourier();
    const taken = await assign(order.id, second.user.id);
    expect([taken.status, taken.body.error.code]).toEqual([409, "offer.taken"]);
  });

  it("refuses an order that is not waiting for a courier", async () => {
    const customer = await fundedCustomer();
    const placed = await api<OrderView>("/api/orders", {
      token: customer.accessToken,
      body: cart(k),
    });
    const driver = await onlineCourier();
    const early = await assign(placed.body.id, driver.user.id);
    expect([early.status, early.body.error.code]).toEqual([409, "order.illegal_transition"]);
    const missing = await assign(crypto.randomUUID(), driver.user.id);
    expect([missing.status, missing.body.error.code]).toEqual([404, "order.not_found"]);
    const state = await api<DriverState>("/api/drivers/me", { token: driver.accessToken });
    expect(state.body.jobs).toEqual([]);
  });

  it("takes the order back on unassign: the courier drops the job and is free again", async () => {
    const [order, driver] = await Promise.all([acceptedOrder(), onlineCourier()]);
    expect((await assign(order.id, driver.user.id)).status).toBe(200);
    const back = await api<OrderView>(`/api/admin/orders/${order.id}/unassign`, {
      token: admin.accessToken,
      body: {},
    });
    expect(back.status).toBe(200);
    expect([back.body.driverId, back.body.driverStage]).toEqual([null, "unassigned"]);
    const state = await api<DriverState>("/api/drivers/me", { token: driver.accessToken });
    expect(state.body.jobs).toEqual([]);
    const again = await api<ErrorBody>(`/api/admin/orders/${order.id}/unassign`, {
      token: admin.accessToken,
      body: {},
    });
    expect([again.status, again.body.error.code]).toEqual([409, "order.illegal_transition"]);
  });

  it("lists the idle couriers of the order's zone, nearest first", async () => {
    const customer = await fundedCustomer();
    const placed = await api<OrderView>("/api/orders", {
      token: customer.accessToken,
      body: cart(k),
    });
    const driver = await signUp("driver");
    await api("/api/drivers/me/commands", {
      token: driver.accessToken,
      body: { type: "go_online", commandId: "on" },
    });
    await api("/api/drivers/me/fixes", {
      token: driver.accessToken,
      body: { fix: { lat: HERE.lat + 0.001, lng: HERE.lng, accuracyM: 8, at: Date.now() } },
    });
    const reply = await api<CourierChoices>(`/api/admin/orders/${placed.body.id}/couriers`, {
      token: admin.accessToken,
    });
    expect(reply.status).toBe(200);
    const mine = reply.body.couriers.find((c) => c.driverId === driver.user.id);
    expect(mine?.distanceM).toBeGreaterThan(100);
    expect(mine?.distanceM).toBeLessThan(120);
    const distances = reply.body.couriers.map((c) => c.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });

  it("is for admins only", async () => {
    const [order, driver] = await Promise.all([acceptedOrder(), onlineCourier()]);
    const byStaff = await assign(order.id, driver.user.id, k.staff.accessToken);
    expect([byStaff.status, byStaff.body.error.code]).toEqual([403, "auth.forbidden"]);
  });
});
