import { beforeAll, describe, expect, it } from "vitest";
import { createCategory, createItem } from "../catalog/menu.ts";
import type { Role, Session } from "../schema/auth.ts";
import type { Order } from "../schema/orders.ts";
import {
  api,
  cart,
  database,
  fundedCustomer,
  HERE,
  kitchen,
  type Reply,
  signUp,
  staffSession,
  type TestKitchen,
  unique,
} from "../test/edge-fixtures.ts";

/**
 * The authorization matrix, generated from the OpenAPI document: every operation it lists, asked
 * by every principal (no token, customer, kitchen staff, courier, admin), and for an operation on
 * an object, once on the principal's own object and once on another's. The expectations come
 * from the policy below, one line per operation; an operation the document lists without a line
 * (or a line for one it no longer lists) fails the test, so a new route cannot skip the matrix.
 *
 * - no token: 401 for an operation with a security requirement; anything but 401/403 otherwise;
 * - a role the operation does not take: 403;
 * - a role it takes, own object (or none): the request reaches the operation's logic (not 401,
 *   403 or 404, never 5xx; a read answers 2xx);
 * - a role it takes, another's object: 404, the same answer as for an object that does not exist.
 */

type Principal = "none" | Role;
const ROLES: Role[] = ["customer", "restaurant", "driver", "admin"];

type World = {
  customer: Session;
  otherCustomer: Session;
  driver: Session;
  admin: Session;
  a: SpareMenu;
  b: SpareMenu;
  /** The customer's order at kitchen a; the other customer's at kitchen b. */
  order: string;
  otherOrder: string;
  topUp: string;
  otherTopUp: string;
  bystander: string;
};

type SpareMenu = TestKitchen & {
  categoryId: string;
  itemId: string;
  adminItemId: string;
  optionId: string;
};
type Request = { path: string; body?: unknown };
type Policy = {
  /** Who may call it; "public" for everyone, no token needed. */
  roles: Role[] | "public";
  /**
   * The operation acts on an object some principals own: whose is "own" and whose "another's"
   * per role (admins act on every object, so they have no "another's").
   */
  owned?: boolean;
  /** Roles that take the operation but own no such object here: only "another's" is asked. */
  strangers?: Role[];
  /** A 404 its own logic answers for the request as built here, told apart by its code. */
  logicNotFound?: string;
  request: (world: World, own: boolean, principal: Principal) => Request;
};

const day = (offsetDays: number) =>
  new Date(Date.UTC(2026, 10, 1) + offsetDays * 86_400_000).toISOString();

/** Kitchen a is the restaurant staff's own; b is another's. */
const kitchenOf = (world: World, own: boolean) => (own ? world.a : world.b);
/** The customer's own order, or the other customer's (staff of kitchen a: the same pair). */
const orderOf = (world: World, own: boolean) => (own ? world.order : world.otherOrder);

const POLICY: Record<string, Policy> = {
  "POST /api/auth/signup": {
    roles: "public",
    request: () => ({
      path: "/api/auth/signup",
      body: { email: `m-${unique()}@test.dizhtime`, password: "correct horse battery", name: "M" },
    }),
  },
  "POST /api/auth/verify-email": {
    roles: "public",
    request: () => ({ path: "/api/auth/verify-email", body: { token: "x".repeat(43) } }),
  },
  "POST /api/auth/verify-email/resend": {
    roles: "public",
    request: () => ({
      path: "/api/auth/verify-email/resend",
      body: { email: `m-${unique()}@test.dizhtime` },
    }),
  },
  "POST /api/auth/login": {
    roles: "public",
    request: () => ({
      path: "/api/auth/login",
      body: { email: `nobody-${unique()}@test.dizhtime`, password: "wrong" },
    }),
  },
  "POST /api/auth/refresh": {
    roles: "public",
    request: () => ({ path: "/api/auth/refresh", body: { refreshToken: "x".repeat(40) } }),
  },
  "POST /api/auth/logout": {
    roles: "public",
    request: () => ({ path: "/api/auth/logout", body: { refreshToken: "x".repeat(40) } }),
  },
  "GET /api/me": { roles: ROLES, request: () => ({ path: "/api/me" }) },
  "GET /api/restaurants": {
    roles: "public",
    request: () => ({ path: `/api/restaurants?lat=${HERE.lat}&lng=${HERE.lng}` }),
  },
  "POST /api/restaurants": {
    roles: ["admin"],
    request: () => ({
      path: "/api/restaurants",
      body: {
        slug: `matrix-${unique()}`,
        name: "Matrix Diner",
        cuisine: "Diner",
        location: HERE,
        address: "1 Congress Ave, Austin, TX",
        timezone: "America/Chicago",
        openingHours: [],
        prepMinutes: 10,
      },
    }),
  },
  "GET /api/restaurants/{id}": {
    roles: "public",
    request: (w) => ({ path: `/api/restaurants/${w.a.restaurantId}` }),
  },
  "PATCH /api/restaurants/{id}": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/restaurants/${kitchenOf(w, own).restaurantId}`,
      body: { prepMinutes: 12 },
    }),
  },
  "POST /api/restaurants/{id}/menu/categories": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/restaurants/${kitchenOf(w, own).restaurantId}/menu/categories`,
      body: { name: "Sides" },
    }),
  },
  "PATCH /api/restaurants/{id}/menu/categories/{categoryId}": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => {
      const k = kitchenOf(w, own);
      return {
        path: `/api/restaurants/${k.restaurantId}/menu/categories/${k.categoryId}`,
        body: { position: 5 },
      };
    },
  },
  "DELETE /api/restaurants/{id}/menu/categories/{categoryId}": {
    roles: ["restaurant", "admin"],
    owned: true,
    // Across kitchens: a's staff name b's category under a's id, and the other way round.
    request: (w, own) => ({
      path: `/api/restaurants/${w.a.restaurantId}/menu/categories/${own ? w.a.categoryId : w.b.categoryId}`,
    }),
  },
  "POST /api/restaurants/{id}/menu/items": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => {
      const k = kitchenOf(w, own);
      return {
        path: `/api/restaurants/${k.restaurantId}/menu/items`,
        body: { categoryId: k.categoryId, name: "Onion rings", priceCents: 450 },
      };
    },
  },
  "PATCH /api/restaurants/{id}/menu/items/{itemId}": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => {
      const k = kitchenOf(w, own);
      return {
        path: `/api/restaurants/${k.restaurantId}/menu/items/${k.itemId}`,
        body: { priceCents: 475 },
      };
    },
  },
  "DELETE /api/restaurants/{id}/menu/items/{itemId}": {
    roles: ["restaurant", "admin"],
    owned: true,
    // Staff and the admin each delete an item of their own (the first delete takes the first).
    request: (w, own, principal) => ({
      path: `/api/restaurants/${w.a.restaurantId}/menu/items/${own ? (principal === "admin" ? w.a.adminItemId : w.a.itemId) : w.b.itemId}`,
    }),
  },
  "PUT /api/restaurants/{id}/menu/options/{optionId}/availability": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => {
      const k = kitchenOf(w, own);
      return {
        path: `/api/restaurants/${k.restaurantId}/menu/options/${k.optionId}/availability`,
        body: { available: true },
      };
    },
  },
  "GET /api/restaurants/{id}/kitchen": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({ path: `/api/restaurants/${kitchenOf(w, own).restaurantId}/kitchen` }),
  },
  "POST /api/restaurants/{id}/kitchen": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/restaurants/${kitchenOf(w, own).restaurantId}/kitchen`,
      body: { busy: false },
    }),
  },
  "GET /api/restaurants/{id}/analytics": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/restaurants/${kitchenOf(w, own).restaurantId}/analytics`,
    }),
  },
  "GET /api/restaurants/{id}/payables": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/restaurants/${kitchenOf(w, own).restaurantId}/payables?from=${day(0)}&to=${day(30)}`,
    }),
  },
  "GET /api/search": { roles: "public", request: () => ({ path: "/api/search?q=burger" }) },
  "GET /api/admin/analytics": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/analytics" }),
  },
  "POST /api/orders/quote": {
    roles: ["customer"],
    request: (w) => {
      const { idempotencyKey: _, ...quote } = cart(w.a);
      return { path: "/api/orders/quote", body: quote };
    },
  },
  "POST /api/orders": {
    roles: ["customer"],
    request: (w) => ({ path: "/api/orders", body: cart(w.a) }),
  },
  "GET /api/orders": { roles: ROLES, request: () => ({ path: "/api/orders" }) },
  "GET /api/orders/{id}": {
    roles: ["customer", "restaurant", "admin", "driver"],
    owned: true,
    // A courier sees the orders they carry; this one carries none.
    strangers: ["driver"],
    request: (w, own) => ({ path: `/api/orders/${orderOf(w, own)}` }),
  },
  "POST /api/orders/{id}/cancel": {
    roles: ["customer", "restaurant", "admin"],
    owned: true,
    request: (w, own) => ({ path: `/api/orders/${orderOf(w, own)}/cancel`, body: {} }),
  },
  "POST /api/orders/{id}/refunds": {
    roles: ["admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/orders/${orderOf(w, own)}/refunds`,
      body: { amountCents: 100, reason: "cold" },
    }),
  },
  "POST /api/orders/{id}/rating": {
    roles: ["customer"],
    owned: true,
    request: (w, own) => ({
      path: `/api/orders/${orderOf(w, own)}/rating`,
      body: { stars: 5 },
    }),
  },
  "POST /api/orders/{id}/accept": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/orders/${orderOf(w, own)}/accept`,
      body: { prepMinutes: 10 },
    }),
  },
  "POST /api/orders/{id}/reject": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({
      path: `/api/orders/${orderOf(w, own)}/reject`,
      body: { reason: "out of buns" },
    }),
  },
  "POST /api/orders/{id}/ready": {
    roles: ["restaurant", "admin"],
    owned: true,
    request: (w, own) => ({ path: `/api/orders/${orderOf(w, own)}/ready` }),
  },
  "POST /api/live/tickets": {
    roles: ROLES,
    owned: true,
    request: (w, own, principal) => ({
      path: "/api/live/tickets",
      body: {
        target:
          principal === "restaurant"
            ? { kind: "restaurant", id: kitchenOf(w, own).restaurantId }
            : principal === "driver"
              ? { kind: "driver", id: own ? w.driver.user.id : w.customer.user.id }
              : { kind: "order", id: orderOf(w, own) },
      },
    }),
  },
  "GET /api/drivers/me": { roles: ["driver"], request: () => ({ path: "/api/drivers/me" }) },
  "POST /api/drivers/me/fixes": {
    roles: ["driver"],
    request: () => ({
      path: "/api/drivers/me/fixes",
      body: { fix: { ...HERE, accuracyM: 5, at: Date.now() } },
    }),
  },
  "POST /api/drivers/me/commands": {
    roles: ["driver"],
    request: () => ({
      path: "/api/drivers/me/commands",
      body: { type: "go_offline", commandId: `c-${unique()}` },
    }),
  },
  "POST /api/admin/users": {
    roles: ["admin"],
    request: () => ({
      path: "/api/admin/users",
      body: {
        email: `staff-${unique()}@test.dizhtime`,
        password: "correct horse battery",
        name: "New Admin",
        role: "admin",
      },
    }),
  },
  "GET /api/admin/users": { roles: ["admin"], request: () => ({ path: "/api/admin/users" }) },
  "GET /api/admin/system": { roles: ["admin"], request: () => ({ path: "/api/admin/system" }) },
  "POST /api/admin/users/{id}/disable": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/users/${w.bystander}/disable` }),
  },
  "POST /api/admin/users/{id}/enable": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/users/${w.bystander}/enable` }),
  },
  "GET /api/admin/restaurants": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/restaurants" }),
  },
  "GET /api/admin/orders/active": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/orders/active" }),
  },
  "GET /api/admin/orders/{id}/couriers": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/orders/${w.order}/couriers` }),
  },
  "POST /api/admin/orders/{id}/assign": {
    roles: ["admin"],
    request: (w) => ({
      path: `/api/admin/orders/${w.order}/assign`,
      body: { driverId: w.driver.user.id },
    }),
  },
  "POST /api/admin/orders/{id}/unassign": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/orders/${w.order}/unassign` }),
  },
  "POST /api/admin/orders/{id}/confirm-delivery": {
    roles: ["admin"],
    request: (w) => ({
      path: `/api/admin/orders/${w.order}/confirm-delivery`,
      body: { reason: "the customer confirmed by phone" },
    }),
  },
  "GET /api/admin/outbox/{kind}/{id}": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/outbox/order/${w.order}` }),
  },
  "POST /api/admin/outbox/{kind}/{id}/release": {
    roles: ["admin"],
    request: (w) => ({ path: `/api/admin/outbox/order/${w.order}/release` }),
  },
  "GET /api/wallet": { roles: ["customer"], request: () => ({ path: "/api/wallet" }) },
  "GET /api/wallet/statement": {
    roles: ["customer"],
    request: () => ({ path: "/api/wallet/statement" }),
  },
  "POST /api/wallet/top-ups": {
    roles: ["customer"],
    request: () => ({
      path: "/api/wallet/top-ups",
      body: { amountCents: 1_000, idempotencyKey: `top-up-${unique()}` },
    }),
  },
  "GET /api/wallet/top-ups/{id}": {
    roles: ["customer"],
    owned: true,
    request: (w, own) => ({ path: `/api/wallet/top-ups/${own ? w.topUp : w.otherTopUp}` }),
  },
  "POST /api/payments/webhook": {
    roles: "public",
    request: () => ({ path: "/api/payments/webhook", body: {} }),
  },
  "POST /api/payments/simulator/intents/{id}/confirm": {
    roles: "public",
    request: () => ({
      path: "/api/payments/simulator/intents/pi_matrix/confirm",
      body: { clientSecret: "secret", card: "4242 4242 4242 4242" },
    }),
  },
  "GET /api/admin/ledger/earnings": {
    roles: ["admin"],
    request: () => ({
      path: `/api/admin/ledger/earnings?role=driver&from=${day(0)}&to=${day(30)}`,
    }),
  },
  "GET /api/drivers/me/earnings": {
    roles: ["driver"],
    request: () => ({ path: `/api/drivers/me/earnings?from=${day(0)}&to=${day(30)}` }),
  },
  "POST /api/admin/payouts": {
    roles: ["admin"],
    // The courier has never been owed anything: the ledger's answer, past authorization.
    logicNotFound: "ledger.account_not_found",
    request: (w) => ({
      path: "/api/admin/payouts",
      body: {
        accountOwnerId: w.driver.user.id,
        role: "driver",
        amountCents: 100,
        idempotencyKey: `payout-${unique()}`,
      },
    }),
  },
  "GET /api/admin/ledger/flows": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/ledger/flows?from=2026-11-01&to=2026-11-30" }),
  },
  "GET /api/admin/ledger/invariants": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/ledger/invariants" }),
  },
  "POST /api/admin/ledger/void-expired": {
    roles: ["admin"],
    request: () => ({ path: "/api/admin/ledger/void-expired", body: {} }),
  },
};

let world: World;
let operations: { key: string; method: string; secured: boolean }[];

beforeAll(async () => {
  const document = await api<{
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  }>("/api/docs");
  operations = Object.entries(document.body.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      secured: (operation.security ?? []).some((requirement) => "bearer" in requirement),
    })),
  );

  const [a, b] = await Promise.all([spareMenu(await kitchen()), spareMenu(await kitchen())]);
  const [customer, otherCustomer, driver, admin, bystander] = await Promise.all([
    fundedCustomer(),
    fundedCustomer(),
    signUp("driver"),
    staffSession("admin"),
    signUp(),
  ]);
  const place = async (who: Session, k: TestKitchen) => {
    const reply = await api<Order>("/api/orders", { token: who.accessToken, body: cart(k) });
    expect(reply.status).toBe(201);
    return reply.body.id;
  };
  const topUp = async (who: Session) => {
    const reply = await api<{ id: string }>("/api/wallet/top-ups", {
      token: who.accessToken,
      body: { amountCents: 1_000, idempotencyKey: `top-up-${unique()}` },
    });
    expect(reply.status).toBe(201);
    return reply.body.id;
  };
  world = {
    customer,
    otherCustomer,
    driver,
    admin,
    a,
    b,
    order: await place(customer, a),
    otherOrder: await place(otherCustomer, b),
    topUp: await topUp(customer),
    otherTopUp: await topUp(otherCustomer),
    bystander: bystander.user.id,
  };
}, 120_000);

/** A category, item and option of a kitchen's own that the matrix may change and delete. */
async function spareMenu(k: TestKitchen): Promise<SpareMenu> {
  const { db, close } = database();
  try {
    const categoryId = await createCategory(db, k.restaurantId, { name: "Spare", position: 9 });
    const spare = (name: string) =>
      createItem(db, k.restaurantId, {
        categoryId,
        name,
        description: "",
        priceCents: 500,
        dietaryTags: [],
        available: true,
        position: 0,
        modifierGroups: [],
      });
    const itemId = await spare("Spare plate");
    const adminItemId = await spare("Another spare plate");
    return { ...k, categoryId, itemId, adminItemId, optionId: k.baconOptionId };
  } finally {
    await close();
  }
}

function tokenOf(principal: Principal): string | undefined {
  switch (principal) {
    case "none":
      return undefined;
    case "customer":
      return world.customer.accessToken;
    case "restaurant":
      return world.a.staff.accessToken;
    case "driver":
      return world.driver.accessToken;
    case "admin":
      return world.admin.accessToken;
  }
}

async function ask(key: string, principal: Principal, own: boolean): Promise<Reply> {
  const method = key.split(" ")[0]!;
  const request = POLICY[key]!.request(world, own, principal);
  const token = tokenOf(principal);
  return api(request.path, {
    method,
    ...(token ? { token } : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

const TOKEN_REFUSALS = new Set(["auth.unauthenticated", "auth.token_invalid", "auth.forbidden"]);

/** What a cell should answer, or null when the reply is right. */
function mismatch(
  policy: Policy,
  method: string,
  principal: Principal,
  own: boolean,
  reply: Reply,
) {
  const code = (reply.body as { error?: { code?: string } } | null)?.error?.code;
  if (reply.status >= 500) return "no server error";
  if (policy.roles === "public") {
    // Its own credentials (a password, a refresh token, a signature) may be refused; a bearer
    // token, present or not, changes nothing.
    return code !== undefined && TOKEN_REFUSALS.has(code) ? "no refusal of the token" : null;
  }
  if (principal === "none") return reply.status === 401 ? null : "401";
  if (!policy.roles.includes(principal)) return reply.status === 403 ? null : "403";
  if (!own) return reply.status === 404 ? null : "404";
  if (reply.status === 404 && policy.logicNotFound !== undefined && code === policy.logicNotFound)
    return null;
  if ([401, 403, 404].includes(reply.status)) return "its logic (not 401, 403 or 404)";
  if (method === "GET" && reply.status >= 300) return "2xx";
  return null;
}

describe("the authorization matrix", () => {
  it("has a policy for every operation in the API document, and none for one it lacks", () => {
    const documented = operations.map((o) => o.key).sort();
    expect(Object.keys(POLICY).sort()).toEqual(documented);
  });

  it("answers every operation x principal x object as its policy says", async () => {
    let cells = 0;
    const wrong: string[] = [];
    for (const { key, method, secured } of operations) {
      const policy = POLICY[key]!;
      expect(secured, `${key}: a bearer token in the document`).toBe(policy.roles !== "public");
      for (const principal of ["none", ...ROLES] as Principal[]) {
        const objects =
          !policy.owned || principal === "admin"
            ? [true]
            : policy.strangers?.includes(principal as Role)
              ? [false]
              : [true, false];
        for (const own of objects) {
          const cell = `${key} as ${principal}${policy.owned ? (own ? " (own)" : " (another's)") : ""}`;
          const reply = await ask(key, principal, own);
          cells++;
          const wanted = mismatch(policy, method, principal, own, reply);
          if (wanted)
            wrong.push(
              `${cell}: wanted ${wanted}, got ${reply.status} ${JSON.stringify(reply.body).slice(0, 160)}`,
            );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBeGreaterThan(operations.length * ROLES.length);
  }, 240_000);
});
