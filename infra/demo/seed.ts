import { createHash } from "node:crypto";
import { getTableColumns, inArray } from "drizzle-orm";
import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import type { z } from "zod";
import { hashPassword, PBKDF2_ITERATIONS } from "../../accounts/password.ts";
import { announceRestaurants, unannounced } from "../../catalog/outbox.ts";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import { type Db, type DbConfig, openDb, type Tx } from "../../runtime/db.ts";
import { CreateStaffBody, type Role, SignUpBody } from "../../schema/auth.ts";
import {
  CategoryBody,
  CreateRestaurantBody,
  ItemBody,
  MENU_ITEMS_MAX,
  type OpeningWindow,
} from "../../schema/catalog.ts";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
  users,
} from "../../schema/db/index.ts";
import {
  ALWAYS_OPEN_SLUG,
  DEMO_CITY,
  DEMO_PASSWORDS,
  DEMO_RESTAURANTS,
  DEMO_USERS,
  type DemoRestaurant,
  type DemoUser,
} from "./city.ts";
import { fundDemoWallets } from "./wallets.ts";

/**
 * Postgres numbers bind parameters with a 16-bit counter, so one statement carries at most
 * 65535 of them; inserts are cut into chunks that stay under it.
 */
const POSTGRES_PARAMETERS_MAX = 65_535;

export type DemoCity = {
  restaurants: readonly DemoRestaurant[];
  users: readonly (DemoUser & { restaurantSlug?: string })[];
};

type RestaurantRow = typeof restaurants.$inferInsert & { id: string };
type CategoryRow = typeof menuCategories.$inferInsert & { id: string };
type ItemRow = typeof menuItems.$inferInsert & { id: string };
type GroupRow = typeof modifierGroups.$inferInsert & { id: string };
type OptionRow = typeof modifierOptions.$inferInsert & { id: string };

/** A demo account before its password is hashed. */
export type PlannedUser = {
  id: string;
  email: string;
  name: string;
  phone: string;
  role: Role;
  password: string;
  restaurantId: string | null;
  restaurantName: string | null;
};

/** Every row the demo city consists of, validated, with its deterministic id. */
export type DemoPlan = {
  restaurants: RestaurantRow[];
  categories: CategoryRow[];
  items: ItemRow[];
  groups: GroupRow[];
  options: OptionRow[];
  users: PlannedUser[];
};

export type SeedCounts = {
  restaurants: number;
  menuCategories: number;
  menuItems: number;
  modifierGroups: number;
  modifierOptions: number;
  users: number;
};

/** One login `npm start` prints; staff carry the restaurant they sign in for. */
export type DemoLogin = {
  userId: string;
  email: string;
  password: string;
  role: Role;
  name: string;
  restaurant?: string;
  restaurantId?: string;
};

export type SeedSummary = {
  /** Rows of demo data per table, all present once the seed returns. */
  counts: SeedCounts;
  /** Rows this run added: all zero when the city was already seeded. */
  inserted: SeedCounts;
  restaurants: { id: string; slug: string; name: string }[];
  /** The restaurant named by ALWAYS_OPEN_SLUG, for tests that need an open kitchen. */
  alwaysOpenRestaurantId: string;
  logins: DemoLogin[];
};

export type SeedOptions = {
  /** PBKDF2 iterations for new demo passwords; tests lower it. Default PBKDF2_ITERATIONS. */
  iterations?: number;
};

type DemoIdKind =
  | "restaurant"
  | "category"
  | "item"
  | "modifier-group"
  | "modifier-option"
  | "user";

/**
 * A stable uuid for a demo row, the same on every run and machine, so a second seed finds every
 * row already there. Shaped like RFC 4122 version 5 (a name-based uuid) but hashed with SHA-256
 * rather than SHA-1: the first 16 bytes of SHA-256("dizhtime-demo:<kind>:<key>"), with the
 * version nibble set to 5 and the variant bits to 10.
 */
export function demoId(kind: DemoIdKind, ...key: string[]): string {
  // JSON keeps the parts apart: ["a/b", "c"] and ["a", "b/c"] name different rows.
  const bytes = createHash("sha256")
    .update(`dizhtime-demo:${kind}:${JSON.stringify(key)}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join("-");
}

/** Whether opening hours cover every minute of every day. */
export function isAroundTheClock(hours: readonly OpeningWindow[]): boolean {
  return [0, 1, 2, 3, 4, 5, 6].every((day) =>
    hours.some(
      (window) => window.day === day && window.opens === "00:00" && window.closes === "24:00",
    ),
  );
}

class DemoDataError extends Error {
  constructor(where: string, problem: string) {
    super(`demo city: ${where}: ${problem}`);
    this.name = "DemoDataError";
  }
}

function issues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new DemoDataError(where, issues(result.error));
  return result.data;
}

function requireUnique(seen: Set<string>, name: string, where: string): void {
  if (seen.has(name)) throw new DemoDataError(where, `"${name}" appears twice`);
  seen.add(name);
}

/**
 * Checks the demo city against the same contracts the API enforces (restaurant, category and
 * item bodies, sign-up and staff bodies) plus what the seed itself relies on, and turns it into
 * rows with deterministic ids. Pure: no I/O, no clock, no randomness.
 */
export function planDemoCity(
  city: DemoCity = { restaurants: DEMO_RESTAURANTS, users: DEMO_USERS },
): DemoPlan {
  const plan: DemoPlan = {
    restaurants: [],
    categories: [],
    items: [],
    groups: [],
    options: [],
    users: [],
  };
  const slugs = new Set<string>();
  const { bounds } = DEMO_CITY;

  for (const restaurant of city.restaurants) {
    const where = `restaurant "${restaurant.slug}"`;
    requireUnique(slugs, restaurant.slug, "restaurant slugs");
    const { menu, rating, ...fields } = restaurant;
    const body = parseOrThrow(CreateRestaurantBody, fields, where);
    if (!(rating >= 1 && rating <= 5)) throw new DemoDataError(where, "rating must be 1 to 5");
    if (body.timezone !== DEMO_CITY.timezone) {
      throw new DemoDataError(where, `timezone must be ${DEMO_CITY.timezone}`);
    }
    const { lat, lng } = body.location;
    if (lat < bounds.latMin || lat > bounds.latMax || lng < bounds.lngMin || lng > bounds.lngMax) {
      throw new DemoDataError(where, `location ${lat},${lng} lies outside ${DEMO_CITY.name}`);
    }
    if (menu.length === 0) throw new DemoDataError(where, "the menu has no categories");
    const itemCount = menu.reduce((sum, category) => sum + category.items.length, 0);
    if (itemCount > MENU_ITEMS_MAX) {
      throw new DemoDataError(
        where,
        `${itemCount} items exceed MENU_ITEMS_MAX (${MENU_ITEMS_MAX})`,
      );
    }

    const restaurantId = demoId("restaurant", body.slug);
    plan.restaurants.push({
      id: restaurantId,
      slug: body.slug,
      name: body.name,
      description: body.description,
      cuisine: body.cuisine,
      priceLevel: body.priceLevel,
      rating,
      lat,
      lng,
      cell: cellOf(body.location),
      zone: zoneOf(body.location),
      address: body.address,
      phone: body.phone ?? null,
      timezone: body.timezone,
      openingHours: body.openingHours,
      prepMinutes: body.prepMinutes,
    });

    const categoryNames = new Set<string>();
    const itemNames = new Set<string>();
    menu.forEach((category, categoryPosition) => {
      requireUnique(categoryNames, category.name, `${where}, categories`);
      const categoryBody = parseOrThrow(
        CategoryBody,
        { name: category.name, position: categoryPosition },
        `${where}, category "${category.name}"`,
      );
      const categoryId = demoId("category", body.slug, categoryBody.name);
      plan.categories.push({
        id: categoryId,
        restaurantId,
        name: categoryBody.name,
        position: categoryBody.position,
      });

      category.items.forEach((item, itemPosition) => {
        const itemWhere = `${where}, item "${item.name}"`;
        requireUnique(itemNames, item.name, `${where}, items`);
        const itemBody = parseOrThrow(
          ItemBody,
          { ...item, categoryId, position: itemPosition },
          itemWhere,
        );
        const itemId = demoId("item", body.slug, itemBody.name);
        plan.items.push({
          id: itemId,
          restaurantId,
          categoryId,
          name: itemBody.name,
          description: itemBody.description,
          priceCents: itemBody.priceCents,
          dietaryTags: itemBody.dietaryTags,
          available: itemBody.available,
          position: itemBody.position,
        });

        const groupNames = new Set<string>();
        itemBody.modifierGroups.forEach((group, groupPosition) => {
          const groupWhere = `${itemWhere}, group "${group.name}"`;
          requireUnique(groupNames, group.name, `${itemWhere}, modifier groups`);
          // The item body checks min <= max and min <= options; a max above the number of
          // options would promise the customer choices that do not exist.
          if (group.maxChoices > group.options.length) {
            throw new DemoDataError(
              groupWhere,
              `maxChoices ${group.maxChoices} exceeds its ${group.options.length} options`,
            );
          }
          const groupId = demoId("modifier-group", body.slug, itemBody.name, group.name);
          plan.groups.push({
            id: groupId,
            itemId,
            name: group.name,
            minChoices: group.minChoices,
            maxChoices: group.maxChoices,
            position: groupPosition,
          });
          const optionNames = new Set<string>();
          group.options.forEach((option, optionPosition) => {
            requireUnique(optionNames, option.name, `${groupWhere}, options`);
            plan.options.push({
              id: demoId("modifier-option", body.slug, itemBody.name, group.name, option.name),
              groupId,
              name: option.name,
              priceCents: option.priceCents,
              available: option.available,
              position: optionPosition,
            });
          });
        });
      });
    });
  }

  const alwaysOpen = city.restaurants.find((restaurant) => restaurant.slug === ALWAYS_OPEN_SLUG);
  if (!alwaysOpen)
    throw new DemoDataError("ALWAYS_OPEN_SLUG", `no restaurant "${ALWAYS_OPEN_SLUG}"`);
  if (!isAroundTheClock(alwaysOpen.openingHours)) {
    throw new DemoDataError(
      `restaurant "${ALWAYS_OPEN_SLUG}"`,
      "must be open 00:00-24:00 every day",
    );
  }

  const emails = new Set<string>();
  for (const user of city.users) {
    const where = `user "${user.email}"`;
    const password = DEMO_PASSWORDS[user.role];
    const restaurant = user.restaurantSlug
      ? plan.restaurants.find((row) => row.slug === user.restaurantSlug)
      : undefined;
    if (user.restaurantSlug && !restaurant) {
      throw new DemoDataError(where, `no restaurant "${user.restaurantSlug}"`);
    }
    const email =
      user.role === "customer" || user.role === "driver"
        ? parseOrThrow(
            SignUpBody,
            { email: user.email, password, name: user.name, phone: user.phone, role: user.role },
            where,
          ).email
        : parseOrThrow(
            CreateStaffBody,
            {
              email: user.email,
              password,
              name: user.name,
              role: user.role,
              ...(restaurant ? { restaurantId: restaurant.id } : {}),
            },
            where,
          ).email;
    // Mirrors the users_staff_has_restaurant check, so the seed fails here, by name.
    if ((user.role === "restaurant") !== Boolean(restaurant)) {
      throw new DemoDataError(where, "restaurant staff, and only they, need a restaurantSlug");
    }
    if (email !== user.email) throw new DemoDataError(where, "emails must be lower case");
    requireUnique(emails, email, "user emails");
    plan.users.push({
      id: demoId("user", email),
      email,
      name: user.name,
      phone: user.phone,
      role: user.role,
      password,
      restaurantId: restaurant?.id ?? null,
      restaurantName: restaurant?.name ?? null,
    });
  }

  const ids = new Set<string>();
  for (const rows of [
    plan.restaurants,
    plan.categories,
    plan.items,
    plan.groups,
    plan.options,
    plan.users,
  ]) {
    for (const row of rows) requireUnique(ids, row.id, "demo ids");
  }
  return plan;
}

/**
 * Inserts rows that are not there yet, in as few statements as the parameter limit allows, and
 * says how many were new. A conflict on any unique key (the id, a slug, an email) keeps the row
 * that is already stored.
 */
async function insertNew<T extends PgTable>(
  tx: Tx,
  table: T,
  rows: PgInsertValue<T>[],
): Promise<number> {
  const columns = Object.keys(getTableColumns(table)).length;
  const rowsPerStatement = Math.floor(POSTGRES_PARAMETERS_MAX / columns);
  let inserted = 0;
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const result = await tx.insert(table).values(chunk).onConflictDoNothing();
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

/**
 * Seeds the demo city: restaurants with their menus, the admin, customers, drivers and one staff
 * account per restaurant. Idempotent: rows are keyed by deterministic ids, so a second run
 * inserts nothing and returns the same ids. It adds what is missing but never updates a row, so
 * an edited menu in city.ts reaches an existing database only after a reset.
 */
export async function seedDemoCity(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  // Workers' WebCrypto refuses PBKDF2 above 100k iterations, so a higher count would make the
  // demo accounts unable to sign in at the edge.
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) {
    throw new Error(`seed iterations must be an integer from 1 to ${PBKDF2_ITERATIONS}`);
  }
  const plan = planDemoCity();
  const emails = plan.users.map((user) => user.email);

  const stored = await db
    .select({ email: users.email, role: users.role, restaurantId: users.restaurantId })
    .from(users)
    .where(inArray(users.email, emails));
  const storedByEmail = new Map(stored.map((row) => [row.email, row]));
  for (const user of plan.users) {
    const row = storedByEmail.get(user.email);
    if (!row) continue;
    if (row.role !== user.role || row.restaurantId !== user.restaurantId) {
      throw new Error(
        `demo user ${user.email} already exists as ${row.role}${row.restaurantId ? ` of restaurant ${row.restaurantId}` : ""}; the demo expects ${user.role}${user.restaurantId ? ` of restaurant ${user.restaurantId}` : ""}`,
      );
    }
  }

  // Only new accounts are hashed, so a re-seed costs no PBKDF2 at all. Each gets its own random
  // salt; the hashes run in parallel on Node's crypto thread pool.
  const verifiedAt = new Date();
  const newUsers = await Promise.all(
    plan.users
      .filter((user) => !storedByEmail.has(user.email))
      .map(async (user) => {
        const password = await hashPassword(user.password, iterations);
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          phone: user.phone,
          role: user.role,
          restaurantId: user.restaurantId,
          passwordHash: password.hash,
          passwordSalt: password.salt,
          passwordIterations: password.iterations,
          // The demo's addresses are made up: there is no mailbox to verify them through.
          emailVerifiedAt: verifiedAt,
        };
      }),
  );

  const { inserted, userIds } = await db.transaction(async (tx) => {
    const insertedRestaurants = await insertNew(tx, restaurants, plan.restaurants);
    const storedRestaurants = await tx
      .select({ id: restaurants.id, slug: restaurants.slug })
      .from(restaurants)
      .where(
        inArray(
          restaurants.slug,
          plan.restaurants.map((row) => row.slug),
        ),
      );
    const storedIdBySlug = new Map(storedRestaurants.map((row) => [row.slug, row.id]));
    for (const row of plan.restaurants) {
      // A restaurant made by hand with a demo slug would leave the menu below without a parent.
      if (storedIdBySlug.get(row.slug) !== row.id) {
        throw new Error(
          `restaurant slug "${row.slug}" is taken by id ${storedIdBySlug.get(row.slug)}, not the demo's ${row.id}; reset the database to seed the demo city`,
        );
      }
    }
    const counts: SeedCounts = {
      restaurants: insertedRestaurants,
      users: await insertNew(tx, users, newUsers),
      menuCategories: await insertNew(tx, menuCategories, plan.categories),
      menuItems: await insertNew(tx, menuItems, plan.items),
      modifierGroups: await insertNew(tx, modifierGroups, plan.groups),
      modifierOptions: await insertNew(tx, modifierOptions, plan.options),
    };
    // The demo city reaches search the way any catalog change does: its documents go to the
    // catalog outbox in this transaction. Only restaurants never announced are, so a second seed
    // announces nothing, while a database seeded before search existed is indexed once.
    await announceRestaurants(
      tx,
      await unannounced(
        tx,
        plan.restaurants.map((row) => row.id),
      ),
      { nowMs: Date.now() },
    );
    const rows = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.email, emails));
    return { inserted: counts, userIds: new Map(rows.map((row) => [row.email, row.id])) };
  });

  await fundDemoWallets(
    db,
    plan.users.flatMap((user) => {
      const id = userIds.get(user.email);
      return user.role === "customer" && id ? [id] : [];
    }),
    Date.now(),
  );

  const logins = plan.users.map((user): DemoLogin => {
    const userId = userIds.get(user.email);
    if (!userId) throw new Error(`demo user ${user.email} is missing after the seed`);
    return {
      userId,
      email: user.email,
      password: user.password,
      role: user.role,
      name: user.name,
      ...(user.restaurantName && user.restaurantId
        ? { restaurant: user.restaurantName, restaurantId: user.restaurantId }
        : {}),
    };
  });

  return {
    counts: {
      restaurants: plan.restaurants.length,
      menuCategories: plan.categories.length,
      menuItems: plan.items.length,
      modifierGroups: plan.groups.length,
      modifierOptions: plan.options.length,
      users: plan.users.length,
    },
    inserted,
    restaurants: plan.restaurants.map(({ id, slug, name }) => ({ id, slug, name })),
    alwaysOpenRestaurantId: demoId("restaurant", ALWAYS_OPEN_SLUG),
    logins,
  };
}

/**
 * Seeds the demo city into a database by its connection settings, as the local stack's `prepare`
 * hook takes it, and closes the connection it opened.
 */
export async function seedDemoDatabase(
  config: DbConfig,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const { db, close } = openDb(config);
  try {
    return await seedDemoCity(db, options);
  } finally {
    await close();
  }
}
