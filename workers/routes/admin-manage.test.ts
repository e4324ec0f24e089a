import { beforeAll, describe, expect, it } from "vitest";
import type { AdminRestaurantList, AdminUser, UserList } from "../../schema/admin.ts";
import type { Session } from "../../schema/auth.ts";
import { users } from "../../schema/db/index.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { OrderView } from "../../schema/orders.ts";
import type { KitchenState } from "../../schema/sockets.ts";
import {
  api,
  cart,
  database,
  fundedCustomer,
  kitchen,
  signUp,
  staffSession,
  type TestKitchen,
  unique,
} from "../../test/edge-fixtures.ts";

let admin: Session;

beforeAll(async () => {
  admin = await staffSession("admin");
});

const login = (email: string) =>
  api<Session & ErrorBody>("/api/auth/login", {
    body: { email, password: "correct horse battery" },
    headers: { "cf-connecting-ip": `10.2.${Math.floor(Math.random() * 250)}.7` },
  });

describe("users", () => {
  it("lists users by email, a page at a time, searchable by email or name and by role", async () => {
    const [customer, driver] = await Promise.all([signUp(), signUp("driver")]);
    const one = await api<UserList>(`/api/admin/users?q=${customer.user.email.slice(0, 17)}`, {
      token: admin.accessToken,
    });
    expect(one.status).toBe(200);
    expect(one.body.users.map((u) => u.email)).toEqual([customer.user.email]);
    expect(one.body.users[0]).toMatchObject({ role: "customer", disabledAt: null });
    const byRole = (role: string) =>
      api<UserList>(`/api/admin/users?role=${role}&q=${driver.user.email.slice(0, 15)}`, {
        token: admin.accessToken,
      });
    expect((await byRole("driver")).body.users.map((u) => u.id)).toEqual([driver.user.id]);
    expect((await byRole("customer")).body.users).toEqual([]);

    // Five accounts sharing a tag: pages of two walk them once each, in email order.
    const tag = `page${unique()}`;
    const emails = [3, 1, 4, 0, 2].map((i) => `${tag}-${i}@test.dizhtime`);
    const { db, close } = database();
    await db.insert(users).values(
      emails.map((email) => ({
        email,
        name: `Paged ${tag}`,
        role: "customer" as const,
        passwordHash: "x",
        passwordSalt: "x",
        passwordIterations: 1,
      })),
    );
    await close();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const query = `q=${tag}&limit=2${after ? `&after=${encodeURIComponent(after)}` : ""}`;
      const reply: { body: UserList } = await api<UserList>(`/api/admin/users?${query}`, {
        token: admin.accessToken,
      });
      expect(reply.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.users.map((u) => u.email));
      after = reply.body.next;
      if (!after) break;
    }
    expect(seen).toEqual([...emails].sort());

    // A search for wildcard characters finds them literally, not everyone.
    const none = await api<UserList>(`/api/admin/users?q=${encodeURIComponent(`%_${tag}`)}`, {
      token: admin.accessToken,
    });
    expect(none.body).toEqual({ users: [], next: null });
  });

  it("disables an account: login and refresh are refused; enabled, it signs in again", async () => {
    const user = await signUp();
    const off = await api<AdminUser>(`/api/admin/users/${user.user.id}/disable`, {
      token: admin.accessToken,
      body: {},
    });
    expect(off.status).toBe(200);
    expect(off.body.disabledAt).not.toBeNull();

    const refused = await login(user.user.email);
    expect([refused.status, refused.body.error.code]).toEqual([401, "auth.invalid_credentials"]);
    const renewed = await api<ErrorBody>("/api/auth/refresh", {
      body: { refreshToken: user.refreshToken },
    });
    expect([renewed.status, renewed.body.error.code]).toEqual([401, "auth.refresh_invalid"]);

    const on = await api<AdminUser>(`/api/admin/users/${user.user.id}/enable`, {
      token: admin.accessToken,
      body: {},
    });
    expect(on.body.disabledAt).toBeNull();
    expect((await login(user.user.email)).status).toBe(200);
    // Sessions revoked while disabled stay revoked: enabling is no way back for a stolen token.
    const old = await api<ErrorBody>("/api/auth/refresh", {
      body: { refreshToken: user.refreshToken },
    });
    expect(old.status).toBe(401);
  });

  it("refuses an unknown user, an admin disabling themself, and non-admins", async () => {
    const missing = await api<ErrorBody>(`/api/admin/users/${crypto.randomUUID()}/disable`, {
      token: admin.accessToken,
      body: {},
    });
    expect([missing.status, missing.body.error.code]).toEqual([404, "user.not_found"]);
    const self = await api<ErrorBody>(`/api/admin/users/${admin.user.id}/disable`, {
      token: admin.accessToken,
      body: {},
    });
    // Well formed, but against a rule: 422.
    expect([self.status, self.body.error.code]).toEqual([422, "request.unprocessable"]);
    const customer = await signUp();
    const list = await api<ErrorBody>("/api/admin/users", { token: customer.accessToken });
    expect(list.status).toBe(403);
  });
});

describe("restaurants", () => {
  let k: TestKitchen;
  beforeAll(async () => {
    k = await kitchen();
  });

  async function find(): Promise<AdminRestaurantList["restaurants"][number] | undefined> {
    const reply = await api<AdminRestaurantList>(
      `/api/admin/restaurants?limit=50&q=${encodeURIComponent("Test Burgers")}`,
      { token: admin.accessToken },
    );
    expect(reply.status).toBe(200);
    let page = reply.body;
    for (let i = 0; i < 20; i++) {
      const hit = page.restaurants.find((r) => r.id === k.restaurantId);
      if (hit || !page.next) return hit;
      page = (
        await api<AdminRestaurantList>(
          `/api/admin/restaurants?limit=50&q=${encodeURIComponent("Test Burgers")}&after=${page.next}`,
          { token: admin.accessToken },
        )
      ).body;
    }
    return undefined;
  }

  it("lists restaurants with their kitchen state, and an admin pauses and resumes one", async () => {
    expect((await find())?.kitchen).toMatchObject({ paused: false, busy: false });

    const paused = await api<KitchenState>(`/api/restaurants/${k.restaurantId}/kitchen`, {
      token: admin.accessToken,
      body: { paused: true },
    });
    expect([paused.status, paused.body.paused, paused.body.pauseReason]).toEqual([
      200,
      true,
      "staff",
    ]);
    expect((await find())?.kitchen?.paused).toBe(true);
    // A paused kitchen takes no orders.
    const customer = await fundedCustomer();
    const refused = await api<ErrorBody>("/api/orders", {
      token: customer.accessToken,
      body: cart(k),
    });
    expect(refused.body.error.code).toBe("order.restaurant_paused");

    await api(`/api/restaurants/${k.restaurantId}/kitchen`, {
      token: admin.accessToken,
      body: { paused: false },
    });
    expect((await find())?.kitchen?.paused).toBe(false);
    const placed = await api<OrderView>("/api/orders", {
      token: customer.accessToken,
      body: cart(k),
    });
    expect(placed.status).toBe(201);
  });

  it("is for admins only", async () => {
    const reply = await api<ErrorBody>("/api/admin/restaurants", { token: k.staff.accessToken });
    expect(reply.status).toBe(403);
  });
});
