import { beforeAll, describe, expect, it } from "vitest";
import type { AdminAnalytics, RestaurantAnalytics } from "../../schema/analytics.ts";
import { analyticsOrders } from "../../schema/db/analytics.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import {
  api,
  database,
  kitchen,
  signUp,
  staffSession,
  type TestKitchen,
} from "../../test/edge-fixtures.ts";

/**
 * GET /api/admin/analytics and /api/restaurants/:id/analytics over the analytics facts. The facts
 * are written here directly (the consumer that writes them is tested in the bridge), in an hour
 * of 2020 no other test uses, so the shared database's other rows stay out of the window.
 */

const HOUR = Date.parse("2020-03-01T10:00:00Z") + Math.floor(Math.random() * 1000) * 3_600_000;
const at = (minutes: number) => new Date(HOUR + minutes * 60_000);
const window = `from=${new Date(HOUR).toISOString()}&to=${new Date(HOUR + 3_600_000).toISOString()}`;
const ZONE = "872649346ffffff";

let k: TestKitchen;
let other: TestKitchen;

beforeAll(async () => {
  [k, other] = await Promise.all([kitchen(), kitchen()]);
  const { db, close } = database();
  const order = (minutes: number, partial: Partial<typeof analyticsOrders.$inferInsert>) => ({
    orderId: crypto.randomUUID(),
    restaurantId: k.restaurantId,
    customerId: crypto.randomUUID(),
    zone: ZONE,
    status: "placed",
    subtotalCents: 1000,
    totalCents: 1500,
    deliveryFeeCents: 299,
    serviceFeeCents: 100,
    tipCents: 101,
    placedAt: at(minutes),
    lastSeq: 1,
    ...partial,
  });
  await db.insert(analyticsOrders).values([
    // Promised for minute 30 and 35: one 5 minutes early, one 10 minutes late.
    order(0, {
      status: "delivered",
      acceptedAt: at(1),
      deliveredAt: at(25),
      promisedBy: at(30),
      quotedMinutes: 30,
    }),
    order(5, {
      status: "delivered",
      acceptedAt: at(6),
      deliveredAt: at(45),
      promisedBy: at(35),
      quotedMinutes: 30,
    }),
    // A promise not yet due: it says nothing about the quote's accuracy.
    order(10, { status: "rejected", rejectedAt: at(11), promisedBy: at(40), quotedMinutes: 30 }),
    order(20, { status: "accepted", acceptedAt: at(21), restaurantId: other.restaurantId }),
  ]);
  await close();
});

describe("analytics for admins", () => {
  it("answers the window's figures for a zone", async () => {
    const admin = await staffSession("admin");
    const reply = await api<AdminAnalytics>(`/api/admin/analytics?${window}&zone=${ZONE}`, {
      token: admin.accessToken,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.orders).toMatchObject({
      placed: 4,
      accepted: 3,
      rejected: 1,
      delivered: 2,
      acceptanceRate: 0.75,
      rejectionRate: 0.25,
    });
    expect(reply.body.clickToDoor).toMatchObject({ count: 2, p50Seconds: 32.5 * 60 });
    expect(reply.body.revenue).toMatchObject({ grossCents: 3000, deliveryFeeCents: 598 });
    // Lateness -5 and +10 minutes: half on time, mean 2.5, p90 interpolated to 8.5.
    expect(reply.body.quoteAccuracy).toEqual({
      count: 2,
      onTimeRate: 0.5,
      latenessMeanMinutes: 2.5,
      latenessP90Minutes: 8.5,
    });
    expect(reply.body.perZoneHour).toEqual([
      { hour: new Date(HOUR).toISOString(), zone: ZONE, orders: 4 },
    ]);
  });

  it("is for admins only", async () => {
    expect((await api<ErrorBody>(`/api/admin/analytics?${window}`)).status).toBe(401);
    const reply = await api<ErrorBody>(`/api/admin/analytics?${window}`, {
      token: k.staff.accessToken,
    });
    expect(reply.status).toBe(403);
  });

  it.each([
    ["from after to", "from=2020-03-02T00:00:00Z&to=2020-03-01T00:00:00Z", 422],
    ["a window over 31 days", "from=2020-01-01T00:00:00Z&to=2020-03-01T00:00:00Z", 422],
    ["a zone that is not an H3 cell", "zone=downtown", 400],
    ["a date that is not one", "from=yesterday", 400],
  ])("refuses %s with %i", async (_, query, status) => {
    const admin = await staffSession("admin");
    const reply = await api<ErrorBody>(`/api/admin/analytics?${query}`, {
      token: admin.accessToken,
    });
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(
      status === 400 ? "request.invalid" : "request.unprocessable",
    );
  });
});

describe("analytics for a restaurant", () => {
  it("gives its staff their own figures only", async () => {
    const reply = await api<RestaurantAnalytics>(
      `/api/restaurants/${k.restaurantId}/analytics?${window}`,
      { token: k.staff.accessToken },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      restaurantId: k.restaurantId,
      orders: { placed: 3, accepted: 2, rejected: 1, delivered: 2 },
      perHour: [{ hour: new Date(HOUR).toISOString(), orders: 3 }],
    });
  });

  it("answers 404 to other restaurants' staff, as for no restaurant, and 403 to customers", async () => {
    const theirs = await api<ErrorBody>(`/api/restaurants/${k.restaurantId}/analytics?${window}`, {
      token: other.staff.accessToken,
    });
    expect([theirs.status, theirs.body.error.code]).toEqual([404, "restaurant.not_found"]);
    const customer = await signUp();
    const refused = await api<ErrorBody>(`/api/restaurants/${k.restaurantId}/analytics?${window}`, {
      token: customer.accessToken,
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, "auth.forbidden"]);
    const admin = await staffSession("admin");
    const missing = await api<ErrorBody>(`/api/restaurants/${crypto.randomUUID()}/analytics`, {
      token: admin.accessToken,
    });
    expect(missing.status).toBe(404);
  });
});
