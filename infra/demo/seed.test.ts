import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { verifyPassword } from "../../accounts/password.ts";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import { isOpenAt } from "../../domain/hours.ts";
import { type Db, openDb } from "../../runtime/db.ts";
import { DietaryTag } from "../../schema/catalog.ts";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
  users,
} from "../../schema/db/index.ts";
import { type LocalDatabase, startDatabase } from "../local/database.ts";
import {
  ALWAYS_OPEN_SLUG,
  DEMO_CITY,
  DEMO_PASSWORDS,
  DEMO_RESTAURANTS,
  DEMO_USERS,
  type DemoRestaurant,
} from "./city.ts";
import {
  type DemoCity,
  demoId,
  isAroundTheClock,
  planDemoCity,
  type SeedSummary,
  seedDemoCity,
} from "./seed.ts";

/** Far below the production count: the tests check the wiring, not PBKDF2's strength. */
const TEST_ITERATIONS = 1_000;

const Uuid = z.uuid();

function restaurant(slug: string): DemoRestaurant {
  const found = DEMO_RESTAURANTS.find((candidate) => candidate.slug === slug);
  if (!found) throw new Error(`no demo restaurant ${slug}`);
  return found;
}

/** The demo city with one restaurant swapped for an edited copy. */
function cityWith(edited: DemoRestaurant): DemoCity {
  return {
    restaurants: DEMO_RESTAURANTS.map((candidate) =>
      candidate.slug === edited.slug ? edited : candidate,
    ),
    users: DEMO_USERS,
  };
}

describe("the demo city data", () => {
  it("plans at least twenty-four restaurants inside central Austin", () => {
    const plan = planDemoCity();
    expect(plan.restaurants.length).toBeGreaterThanOrEqual(24);
    const { bounds } = DEMO_CITY;
    for (const row of plan.restaurants) {
      expect(row.lat).toBeGreaterThanOrEqual(bounds.latMin);
      expect(row.lat).toBeLessThanOrEqual(bounds.latMax);
      expect(row.lng).toBeGreaterThanOrEqual(bounds.lngMin);
      expect(row.lng).toBeLessThanOrEqual(bounds.lngMax);
      expect(row.timezone).toBe("America/Chicago");
    }
    expect(new Set(plan.restaurants.map((row) => row.cuisine)).size).toBeGreaterThanOrEqual(20);
  });

  it("has an admin, at least eight customers, twelve drivers and staff for every restaurant", () => {
    const byRole = (role: string) => DEMO_USERS.filter((user) => user.role === role);
    expect(byRole("admin").map((user) => user.email)).toEqual(["admin@dizhtime.test"]);
    expect(byRole("customer").length).toBeGreaterThanOrEqual(8);
    expect(byRole("driver").length).toBeGreaterThanOrEqual(12);
    expect(byRole("restaurant").map((user) => user.restaurantSlug)).toEqual(
      DEMO_RESTAURANTS.map((candidate) => candidate.slug),
    );
    for (const password of Object.values(DEMO_PASSWORDS)) {
      expect(password.length).toBeGreaterThanOrEqual(10);
    }
  });

  it("refuses a modifier group that allows more choices than it has options, naming the item", () => {
    const diner = restaurant(ALWAYS_OPEN_SLUG);
    const [first, ...rest] = diner.menu;
    const [item] = first!.items;
    const broken: DemoRestaurant = {
      ...diner,
      menu: [
        {
          ...first!,
          items: [
            {
              ...item!,
              modifierGroups: [
                { name: "Sauces", minChoices: 0, maxChoices: 3, options: [{ name: "Salsa" }] },
              ],
            },
          ],
        },
        ...rest,
      ],
    };
    expect(() => planDemoCity(cityWith(broken))).toThrow(
      `restaurant "${ALWAYS_OPEN_SLUG}", item "${item!.name}", group "Sauces"`,
    );
  });

  it("refuses a group whose minimum exceeds its maximum, naming the item", () => {
    const diner = restaurant(ALWAYS_OPEN_SLUG);
    const [first, ...rest] = diner.menu;
    const [item] = first!.items;
    const broken: DemoRestaurant = {
      ...diner,
      menu: [
        {
          ...first!,
          items: [
            {
              ...item!,
              modifierGroups: [
                {
                  name: "Sides",
                  minChoices: 2,
                  maxChoices: 1,
                  options: [{ name: "Fries" }, { name: "Salad" }],
                },
              ],
            },
          ],
        },
        ...rest,
      ],
    };
    expect(() => planDemoCity(cityWith(broken))).toThrow(
      new RegExp(`item "${item!.name}".*minChoices must not exceed maxChoices`),
    );
  });

  it("refuses opening hours that are not clock times, naming the restaurant", () => {
    const broken = {
      ...restaurant("pecan-smoke-bbq"),
      openingHours: [{ day: 2, opens: "11am", closes: "21:00" }],
    };
    expect(() => planDemoCity(cityWith(broken))).toThrow(
      /restaurant "pecan-smoke-bbq": openingHours/,
    );
  });

  it("derives the same uuid from the same name, with the version 5 and RFC 4122 variant bits", () => {
    const id = demoId("restaurant", ALWAYS_OPEN_SLUG);
    expect(demoId("restaurant", ALWAYS_OPEN_SLUG)).toBe(id);
    expect(demoId("item", ALWAYS_OPEN_SLUG)).not.toBe(id);
    expect(demoId("item", "a/b", "c")).not.toBe(demoId("item", "a", "b/c"));
    expect(Uuid.safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("the always-open restaurant", () => {
  const { openingHours, timezone } = restaurant(ALWAYS_OPEN_SLUG);
  const weekStartMs = Date.parse("2025-06-01T05:00:00Z"); // Sunday midnight in Austin (CDT)
  const everySixHours = Array.from(
    { length: 7 * 4 },
    (_, step) => weekStartMs + step * 6 * 3600_000,
  );
  const edges = [
    "2025-06-01T04:59:00Z", // Saturday 23:59, the last minute before the week turns
    "2025-06-01T05:00:00Z", // Sunday 00:00
    "2025-03-09T08:30:00Z", // the morning clocks spring forward
    "2025-11-02T06:30:00Z", // the first 01:30 of the night clocks fall back (CDT)
    "2025-11-02T07:30:00Z", // the second 01:30 of the same night (CST)
    "2026-01-01T05:59:00Z", // 23:59 on New Year's Eve
  ].map(Date.parse);

  it.each([...everySixHours, ...edges].map((ms) => [new Date(ms).toISOString(), ms] as const))(
    "is open at %s",
    (_, ms) => {
      expect(isOpenAt(openingHours, timezone, ms)).toBe(true);
    },
  );

  it("is one of at least six restaurants open around the clock", () => {
    const aroundTheClock = DEMO_RESTAURANTS.filter((candidate) =>
      isAroundTheClock(candidate.openingHours),
    );
    expect(aroundTheClock.map((candidate) => candidate.slug)).toContain(ALWAYS_OPEN_SLUG);
    expect(aroundTheClock.length).toBeGreaterThanOrEqual(6);
  });

  it("stands beside restaurants that do close: Casa Bluebonnet at 4 a.m. on a Tuesday", () => {
    const casa = restaurant("casa-bluebonnet");
    const tuesdayFourAm = Date.parse("2025-06-03T09:00:00Z");
    expect(isOpenAt(casa.openingHours, casa.timezone, tuesdayFourAm)).toBe(false);
    expect(isOpenAt(openingHours, timezone, tuesdayFourAm)).toBe(true);
  });
});

describe("seedDemoCity", () => {
  let database: LocalDatabase;
  let connection: ReturnType<typeof openDb>;
  let db: Db;
  let first: SeedSummary;
  let second: SeedSummary;
  let countsAfterFirst: Record<string, number>;
  let countsAfterSecond: Record<string, number>;

  async function tableCounts(): Promise<Record<string, number>> {
    return {
      restaurants: await db.$count(restaurants),
      menuCategories: await db.$count(menuCategories),
      menuItems: await db.$count(menuItems),
      modifierGroups: await db.$count(modifierGroups),
      modifierOptions: await db.$count(modifierOptions),
      users: await db.$count(users),
    };
  }

  beforeAll(async () => {
    database = await startDatabase({});
    connection = openDb(database);
    db = connection.db;
    first = await seedDemoCity(db, { iterations: TEST_ITERATIONS });
    countsAfterFirst = await tableCounts();
    second = await seedDemoCity(db, { iterations: TEST_ITERATIONS });
    countsAfterSecond = await tableCounts();
  });

  afterAll(async () => {
    await connection?.close();
    await database?.close();
  });

  it("seeds at least twenty restaurants with real menus", async () => {
    const restaurantRows = await db.select().from(restaurants);
    const categoryRows = await db.select().from(menuCategories);
    const itemRows = await db.select().from(menuItems);
    expect(restaurantRows.length).toBeGreaterThanOrEqual(20);
    for (const row of restaurantRows) {
      const categories = categoryRows.filter((category) => category.restaurantId === row.id);
      const items = itemRows.filter((item) => item.restaurantId === row.id);
      expect(categories.length, row.slug).toBeGreaterThanOrEqual(3);
      expect(categories.length, row.slug).toBeLessThanOrEqual(6);
      expect(items.length, row.slug).toBeGreaterThanOrEqual(10);
      expect(items.length, row.slug).toBeLessThanOrEqual(25);
      for (const category of categories) {
        expect(
          items.some((item) => item.categoryId === category.id),
          category.name,
        ).toBe(true);
      }
    }
  });

  it("counts what it inserted, and the first run inserts the whole city", () => {
    expect(first.inserted).toEqual(first.counts);
    expect(countsAfterFirst).toEqual(first.counts);
  });

  it("stores at least six restaurants open around the clock, the always-open one among them", async () => {
    const rows = await db.select().from(restaurants);
    const aroundTheClock = rows.filter((row) => isAroundTheClock(row.openingHours));
    expect(aroundTheClock.length).toBeGreaterThanOrEqual(6);
    expect(aroundTheClock.map((row) => row.id)).toContain(first.alwaysOpenRestaurantId);
  });

  it("prices every item in whole, positive cents and every option in whole cents", async () => {
    for (const item of await db.select().from(menuItems)) {
      expect(Number.isInteger(item.priceCents), item.name).toBe(true);
      expect(item.priceCents, item.name).toBeGreaterThan(0);
    }
    for (const option of await db.select().from(modifierOptions)) {
      expect(Number.isInteger(option.priceCents), option.name).toBe(true);
      expect(option.priceCents, option.name).toBeGreaterThanOrEqual(0);
    }
  });

  it("asks no group for more choices than it allows, or allows more than it offers", async () => {
    const options = await db.select().from(modifierOptions);
    for (const group of await db.select().from(modifierGroups)) {
      const offered = options.filter((option) => option.groupId === group.id).length;
      expect(group.minChoices, group.name).toBeGreaterThanOrEqual(0);
      expect(group.minChoices, group.name).toBeLessThanOrEqual(group.maxChoices);
      expect(group.maxChoices, group.name).toBeLessThanOrEqual(offered);
    }
  });

  it("tags dishes only with the known dietary tags", async () => {
    const tags = (await db.select().from(menuItems)).flatMap((item) => item.dietaryTags);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(DietaryTag.options).toContain(tag);
  });

  it("marks a few items and options unavailable, and most available", async () => {
    const items = await db.select().from(menuItems);
    const options = await db.select().from(modifierOptions);
    const unavailableItems = items.filter((item) => !item.available).length;
    const unavailableOptions = options.filter((option) => !option.available).length;
    expect(unavailableItems).toBeGreaterThanOrEqual(3);
    expect(unavailableItems).toBeLessThan(items.length / 10);
    expect(unavailableOptions).toBeGreaterThanOrEqual(3);
    expect(unavailableOptions).toBeLessThan(options.length / 10);
  });

  it("places every restaurant in the H3 cell and zone of its location", async () => {
    for (const row of await db.select().from(restaurants)) {
      expect(row.cell, row.slug).toBe(cellOf(row));
      expect(row.zone, row.slug).toBe(zoneOf(row));
    }
  });

  it("creates every demo account with its role, and staff for their own restaurant", async () => {
    const rows = await db.select().from(users);
    const restaurantRows = await db.select().from(restaurants);
    for (const user of DEMO_USERS) {
      const row = rows.find((candidate) => candidate.email === user.email);
      expect(row, user.email).toBeDefined();
      expect(row!.role, user.email).toBe(user.role);
      const restaurantId = restaurantRows.find((r) => r.slug === user.restaurantSlug)?.id ?? null;
      expect(row!.restaurantId, user.email).toBe(restaurantId);
    }
  });

  it("hashes every password with its own salt, at the iteration count it used", async () => {
    const rows = await db.select().from(users);
    expect(new Set(rows.map((row) => row.passwordSalt)).size).toBe(rows.length);
    for (const row of rows) expect(row.passwordIterations).toBe(TEST_ITERATIONS);
  });

  it("returns logins whose printed passwords verify against the stored hashes", async () => {
    const rows = await db.select().from(users);
    expect(first.logins.length).toBe(DEMO_USERS.length);
    for (const login of first.logins) {
      const row = rows.find((candidate) => candidate.id === login.userId);
      expect(row?.email).toBe(login.email);
      expect(login.password).toBe(DEMO_PASSWORDS[login.role]);
      const stored = {
        hash: row!.passwordHash,
        salt: row!.passwordSalt,
        iterations: row!.passwordIterations,
      };
      expect(await verifyPassword(login.password, stored), login.email).toBe(true);
      if (login.role === "restaurant") expect(login.restaurant).toBeTruthy();
    }
  });

  it("changes nothing when run a second time, and returns the same ids", () => {
    expect(countsAfterSecond).toEqual(countsAfterFirst);
    expect(Object.values(second.inserted).every((count) => count === 0)).toBe(true);
    expect(second.counts).toEqual(first.counts);
    expect(second.restaurants).toEqual(first.restaurants);
    expect(second.logins).toEqual(first.logins);
    expect(second.alwaysOpenRestaurantId).toBe(first.alwaysOpenRestaurantId);
  });

  it("stores the deterministic ids, and every one of them is a uuid zod accepts", async () => {
    const plan = planDemoCity();
    const tables = [
      [restaurants, plan.restaurants],
      [menuCategories, plan.categories],
      [menuItems, plan.items],
      [modifierGroups, plan.groups],
      [modifierOptions, plan.options],
      [users, plan.users],
    ] as const;
    for (const [table, planned] of tables) {
      const ids = (await db.select({ id: table.id }).from(table)).map((row) => row.id);
      expect(ids.sort()).toEqual(planned.map((row) => row.id).sort());
      for (const id of ids) expect(Uuid.safeParse(id).success, id).toBe(true);
    }
  });

  it("refuses an iteration count that Workers could not verify at sign-in", async () => {
    await expect(seedDemoCity(db, { iterations: 200_000 })).rejects.toThrow(/iterations/);
    await expect(seedDemoCity(db, { iterations: 0 })).rejects.toThrow(/iterations/);
  });
});
