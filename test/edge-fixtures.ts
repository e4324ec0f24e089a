import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { and, desc, eq } from "drizzle-orm";
import { hashPassword } from "../accounts/password.ts";
import { createCategory, createItem, createRestaurant } from "../catalog/menu.ts";
import { accountId, platform, pointsOf, walletOf } from "../ledger/chart.ts";
import { createTransfers, ensureAccounts } from "../ledger/engine.ts";
import { openDb } from "../runtime/db.ts";
import type { Session } from "../schema/auth.ts";
import type { OpeningWindow } from "../schema/catalog.ts";
import { ledgerTransfers, mailOutbox, users } from "../schema/db/index.ts";
import type { TransferInput } from "../schema/ledger.ts";
import { MailMessage } from "../schema/mail.ts";
import type { PlaceOrderBody } from "../schema/orders.ts";

/**
 * Builders for tests that run inside workerd against the real gateway (through `exports.default`,
 * the Worker under test), real actors and the real database of the pass.
 */

export type Reply<T = unknown> = { status: number; body: T; headers: Headers };

export async function api<T = unknown>(
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined && !headers["content-type"])
    headers["content-type"] = "application/json";
  const response = await exports.default.fetch(
    new Request(`http://dizhtime.test${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
    }),
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text, the test will say what it expected.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** A unique suffix per call, so tests sharing one database never collide. */
export function unique(): string {
  return crypto.randomUUID().slice(0, 8);
}

export function database() {
  return openDb({ databaseUrl: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
}

/** A random client address, so tests sharing the per-address limits never meet them. */
export function someClientIp(): Record<string, string> {
  return {
    "cf-connecting-ip": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  };
}

/** Signs a new customer or courier up as a person does: the signup, then the mailed link. */
export async function signUp(role: "customer" | "driver" = "customer"): Promise<Session> {
  const email = `${role}-${unique()}@test.dizhtime`;
  const reply = await api("/api/auth/signup", {
    body: { email, password: "correct horse battery", name: `Test ${role}`, role },
    headers: someClientIp(),
  });
  if (reply.status !== 202)
    throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  const verified = await api<Session>("/api/auth/verify-email", {
    body: { token: await mailedToken(email) },
    headers: someClientIp(),
  });
  if (verified.status !== 200)
    throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verified.body;
}

/**
 * The newest mail queued for an address, as the mailer would send it (no mailer runs beside these
 * tests: the mail waits in its outbox).
 */
export async function queuedMail(email: string): Promise<MailMessage[]> {
  const { db, close } = database();
  try {
    const rows = await db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.recipient, email))
      .orderBy(desc(mailOutbox.createdAt));
    return rows.map((row) => MailMessage.parse(row.message));
  } finally {
    await close();
  }
}

/** The token of the newest verification link mailed to an address. */
export async function mailedToken(email: string): Promise<string> {
  const mail = (await queuedMail(email)).find((m) => m.template === "verify_email");
  if (!mail) throw new Error(`no verification mail for ${email}`);
  return new URL(mail.link).hash.replace(/^#token=/, "");
}

/**
 * Credits a customer's wallet (and points) straight in the ledger, as a confirmed card top-up
 * would: tests about orders need money to place them; the top-up path is under test elsewhere.
 */
export async function fund(customerId: string, cents: number, points = 0): Promise<void> {
  const { db, close } = database();
  try {
    await ensureAccounts(db, [
      walletOf(customerId),
      pointsOf(customerId),
      platform("provider_clearing"),
      platform("points_liability"),
    ]);
    const transfers: TransferInput[] = [
      {
        id: crypto.randomUUID(),
        kind: "posted",
        code: "top_up",
        debitAccountId: accountId(platform("provider_clearing")),
        creditAccountId: accountId(walletOf(customerId)),
        amount: cents,
        currency: "USD",
      },
    ];
    if (points > 0) {
      transfers.push({
        id: crypto.randomUUID(),
        kind: "posted",
        code: "points_earn",
        debitAccountId: accountId(platform("points_liability")),
        creditAccountId: accountId(pointsOf(customerId)),
        amount: points,
        currency: "PTS",
      });
    }
    const outcomes = await createTransfers(db, transfers, Date.now());
    if (outcomes.some((o) => o.result !== "ok")) throw new Error(JSON.stringify(outcomes));
  } finally {
    await close();
  }
}

/** A signed-up customer with money in their wallet. */
/** How many order holds the customer's wallet has seen (pending transfers out of it). */
export async function holdsOf(customerId: string): Promise<number> {
  const { db, close } = database();
  try {
    const rows = await db
      .select({ id: ledgerTransfers.id })
      .from(ledgerTransfers)
      .where(
        and(
          eq(ledgerTransfers.code, "order_hold"),
          eq(ledgerTransfers.debitAccountId, accountId(walletOf(customerId))),
        ),
      );
    return rows.length;
  } finally {
    await close();
  }
}

export async function fundedCustomer(cents = 1_000_000): Promise<Session> {
  const session = await signUp();
  await fund(session.user.id, cents);
  return session;
}

/** Staff and admins are made directly in the database, then sign in through the API. */
export async function staffSession(
  role: "restaurant" | "admin",
  restaurantId?: string,
): Promise<Session> {
  const { db, close } = database();
  const email = `${role}-${unique()}@test.dizhtime`;
  const password = "correct horse battery";
  // Few iterations: the login upgrades the hash, which is itself under test elsewhere.
  const hash = await hashPassword(password, 1_000);
  await db.insert(users).values({
    email,
    name: `Test ${role}`,
    role,
    restaurantId: restaurantId ?? null,
    passwordHash: hash.hash,
    passwordSalt: hash.salt,
    passwordIterations: hash.iterations,
    // Made by an admin, as staff are: vouched for, no mail to follow.
    emailVerifiedAt: new Date(),
  });
  await close();
  const reply = await api<Session>("/api/auth/login", {
    body: { email, password },
    headers: someClientIp(),
  });
  if (reply.status !== 200)
    throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export const ALWAYS_OPEN: OpeningWindow[] = [0, 1, 2, 3, 4, 5, 6].map((day) => ({
  day,
  opens: "00:00",
  closes: "24:00",
}));

/** Downtown Austin; every test restaurant sits here, and test addresses a kilometre away. */
export const HERE = { lat: 30.2672, lng: -97.7431 };
export const NEARBY_ADDRESS = { lat: 30.2755, lng: -97.7403, text: "600 W 12th St, Austin, TX" };

export type TestKitchen = {
  restaurantId: string;
  burgerId: string;
  friesId: string;
  soldOutId: string;
  pattyGroupId: string;
  beefOptionId: string;
  veggieOptionId: string;
  extrasGroupId: string;
  baconOptionId: string;
  staff: Session;
};

/** A restaurant with a small menu: a burger with a required patty choice and paid extras. */
export async function kitchen(
  options: { openingHours?: OpeningWindow[]; location?: { lat: number; lng: number } } = {},
): Promise<TestKitchen> {
  const { db, close } = database();
  try {
    const restaurantId = await createRestaurant(db, {
      slug: `test-${unique()}`,
      name: `Test Burgers ${unique()}`,
      description: "",
      cuisine: "Burgers",
      priceLevel: 2,
      location: options.location ?? HERE,
      address: "100 Congress Ave, Austin, TX",
      timezone: "America/Chicago",
      openingHours: options.openingHours ?? ALWAYS_OPEN,
      prepMinutes: 12,
    });
    const categoryId = await createCategory(db, restaurantId, { name: "Burgers", position: 0 });
    const burgerId = await createItem(db, restaurantId, {
      categoryId,
      name: "Classic Burger",
      description: "",
      priceCents: 1099,
      dietaryTags: [],
      available: true,
      position: 0,
      modifierGroups: [
        {
          name: "Patty",
          minChoices: 1,
          maxChoices: 1,
          options: [
            { name: "Beef", priceCents: 0, available: true },
            { name: "Black bean", priceCents: 100, available: true },
          ],
        },
        {
          name: "Extras",
          minChoices: 0,
          maxChoices: 3,
          options: [
            { name: "Bacon", priceCents: 200, available: true },
            { name: "Cheese", priceCents: 100, available: true },
          ],
        },
      ],
    });
    const friesId = await createItem(db, restaurantId, {
      categoryId,
      name: "Fries",
      description: "",
      priceCents: 399,
      dietaryTags: ["vegan"],
      available: true,
      position: 1,
      modifierGroups: [],
    });
    const soldOutId = await createItem(db, restaurantId, {
      categoryId,
      name: "Seasonal Shake",
      description: "",
      priceCents: 599,
      dietaryTags: [],
      available: false,
      position: 2,
      modifierGroups: [],
    });
    const menu = await api<{
      menu: Array<{
        items: Array<{
          id: string;
          modifierGroups: Array<{ id: string; options: Array<{ id: string }> }>;
        }>;
      }>;
    }>(`/api/restaurants/${restaurantId}`);
    const burger = menu.body.menu[0]!.items.find((item) => item.id === burgerId)!;
    const [patty, extras] = burger.modifierGroups;
    const staff = await staffSession("restaurant", restaurantId);
    return {
      restaurantId,
      burgerId,
      friesId,
      soldOutId,
      pattyGroupId: patty!.id,
      beefOptionId: patty!.options[0]!.id,
      veggieOptionId: patty!.options[1]!.id,
      extrasGroupId: extras!.id,
      baconOptionId: extras!.options[0]!.id,
      staff,
    };
  } finally {
    await close();
  }
}

/** A valid order body for a kitchen: one beef burger with bacon, and fries. */
export function cart(k: TestKitchen, partial: Partial<PlaceOrderBody> = {}): PlaceOrderBody {
  return {
    restaurantId: k.restaurantId,
    items: [
      {
        itemId: k.burgerId,
        quantity: 1,
        modifiers: [
          { groupId: k.pattyGroupId, optionIds: [k.beefOptionId] },
          { groupId: k.extrasGroupId, optionIds: [k.baconOptionId] },
        ],
      },
      { itemId: k.friesId, quantity: 2, modifiers: [] },
    ],
    deliveryAddress: NEARBY_ADDRESS,
    tipCents: 300,
    pointsToRedeem: 0,
    idempotencyKey: `checkout-${unique()}`,
    ...partial,
  };
}

/** Sets an actor's clock (every actor reads time through `clock()`), so tests move time. */
export async function pinClock(stub: DurableObjectStub, atMs: number): Promise<void> {
  await runInDurableObject(stub, (actor: DurableObject) => {
    (actor as unknown as { clock: () => number }).clock = () => atMs;
  });
}
