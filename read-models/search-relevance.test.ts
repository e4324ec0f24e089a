import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distanceM } from "../domain/geo.ts";
import type { RestaurantDocument } from "../schema/events.ts";
import { SearchQuery, type SearchResults } from "../schema/search.ts";
import {
  DOWNTOWN,
  databaseKinds,
  item,
  recordingDeadLetters,
  restaurantDoc,
  restaurantEvent,
  startTestDatabase,
  type TestDatabase,
  upserted,
} from "../test/bridge/search.ts";
import { decodeCursor, searchRestaurants } from "./search.ts";
import { searchIndexer } from "./search-indexer.ts";

/**
 * What a diner typing into the search box gets: typos, partial words, cuisines, dietary filters,
 * distance order and open-now, on the read model the indexer builds, on PGlite and PostgreSQL.
 */

/** Friday 2026-11-20, 20:00 in Austin (America/Chicago, UTC-6). */
const FRIDAY_8PM = Date.parse("2026-11-21T02:00:00Z");
/** Saturday 01:30 in Austin: after midnight of Friday night. */
const SATURDAY_1_30AM = Date.parse("2026-11-21T07:30:00Z");
/** Sunday 01:30 in Austin. */
const SUNDAY_1_30AM = Date.parse("2026-11-22T07:30:00Z");

/** A point `km` kilometres north of downtown. */
const north = (km: number) => ({ lat: DOWNTOWN.lat + km / 111.2, lng: DOWNTOWN.lng });

const city = {
  tonys: restaurantDoc({
    name: "Tony's Pizza Pies",
    cuisine: "Pizza",
    location: north(2),
    items: [
      item("Margherita Pizza", { dietaryTags: ["vegetarian"], description: "Tomato, basil" }),
      item("Pepperoni Pizza"),
    ],
  }),
  burgerBarn: restaurantDoc({
    name: "Burger Barn",
    cuisine: "Burgers",
    location: north(1),
    priceLevel: 1,
    items: [
      item("Classic Burger"),
      item("Veggie Burger", { dietaryTags: ["vegetarian"] }),
      item("Fries", { dietaryTags: ["vegan"] }),
      item("Lobster Roll", { available: false }),
    ],
  }),
  greenLeaf: restaurantDoc({
    name: "Green Leaf",
    cuisine: "Vegan",
    location: north(3),
    items: [
      item("Tofu Bowl", { dietaryTags: ["vegan", "gluten_free"] }),
      item("Vegan Burger", { dietaryTags: ["vegan"], description: "A smashed black bean patty" }),
    ],
  }),
  taqueria: restaurantDoc({
    name: "Taqueria Sol",
    cuisine: "Mexican",
    location: north(0.5),
    priceLevel: 1,
    openingHours: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opens: "11:00", closes: "14:00" })),
    items: [item("Al Pastor Taco"), item("Bean Burrito", { dietaryTags: ["vegetarian"] })],
  }),
  sushi: restaurantDoc({
    name: "Sushi Zen",
    cuisine: "Japanese",
    location: north(5),
    priceLevel: 4,
    items: [item("Salmon Nigiri", { dietaryTags: ["gluten_free"] })],
  }),
  deli: restaurantDoc({
    name: "Corner Deli",
    cuisine: "Sandwiches",
    location: north(4),
    items: [item("Pizza Bagel", { description: "A bagel with melted cheese" })],
  }),
  nightOwl: restaurantDoc({
    name: "Night Owl Diner",
    cuisine: "Diner",
    location: north(6),
    // Friday night only, into Saturday morning.
    openingHours: [{ day: 5, opens: "18:00", closes: "02:00" }],
    items: [item("Pancakes", { description: "Buttermilk stack, maple syrup" })],
  }),
} satisfies Record<string, RestaurantDocument>;

const nameOf = new Map(Object.values(city).map((doc) => [doc.id, doc.name]));

describe.each(databaseKinds)("search relevance on $kind", ({ kind, skip }) => {
  let database: TestDatabase;

  beforeAll(async () => {
    if (skip) return;
    database = await startTestDatabase(kind);
    const indexer = searchIndexer({ db: database.db, deadLetters: recordingDeadLetters() });
    const report = await indexer.apply(
      [
        ...Object.values(city).map((doc) => upserted(doc, 1)),
        restaurantEvent("RestaurantPaused", city.sushi.id, 1, {
          reason: "staff",
          missedTickets: 0,
        }),
      ],
      { topic: "restaurant.events" },
    );
    expect(report.deadLettered).toEqual([]);
  });

  afterAll(async () => {
    await database?.close();
  });

  async function search(
    params: Record<string, string>,
    nowMs = FRIDAY_8PM,
  ): Promise<SearchResults> {
    const query = SearchQuery.parse(params);
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    return searchRestaurants(database.db, query, cursor, nowMs);
  }

  async function names(params: Record<string, string>, nowMs = FRIDAY_8PM): Promise<string[]> {
    return (await search(params, nowMs)).results.map((hit) => nameOf.get(hit.id) ?? hit.name);
  }

  it.skipIf(skip).each([
    ["piza", "Tony's Pizza Pies"],
    ["pizzza", "Tony's Pizza Pies"],
    ["buger", "Burger Barn"],
    ["sushii", "Sushi Zen"],
    ["nigri", "Sushi Zen"],
  ])("forgives the typo %j and finds %s first", async (q, first) => {
    expect((await names({ q }))[0]).toBe(first);
  });

  it.skipIf(skip)(
    "completes partial words: 'burg' finds every burger, the burger place first",
    async () => {
      const found = await names({ q: "burg" });
      expect(found[0]).toBe("Burger Barn");
      expect(found).toContain("Green Leaf");
      expect(found).not.toContain("Tony's Pizza Pies");
    },
  );

  it.skipIf(skip)(
    "ranks a name above a dish: 'pizza' puts the pizzeria before the deli's pizza bagel",
    async () => {
      const found = await names({ q: "pizza" });
      expect(found.slice(0, 2)).toEqual(["Tony's Pizza Pies", "Corner Deli"]);
    },
  );

  it.skipIf(skip)("shows the dishes that matched", async () => {
    const { results } = await search({ q: "pizza" });
    expect(results[0]!.matchedDishes.map((d) => d.name)).toEqual([
      "Margherita Pizza",
      "Pepperoni Pizza",
    ]);
  });

  it.skipIf(skip)("answers cuisine words, and filters on a cuisine", async () => {
    expect((await names({ q: "mexican" }))[0]).toBe("Taqueria Sol");
    expect((await names({ q: "japanese" }))[0]).toBe("Sushi Zen");
    expect(await names({ cuisine: "japanese" })).toEqual(["Sushi Zen"]);
  });

  it.skipIf(skip)("searches dish descriptions too, at the lowest weight", async () => {
    expect(await names({ q: "buttermilk" })).toEqual(["Night Owl Diner"]);
    expect(await names({ q: "black bean" })).toEqual(["Green Leaf"]);
  });

  it.skipIf(skip)("does not match a dish that is not available", async () => {
    expect(await names({ q: "lobster" })).toEqual([]);
  });

  it.skipIf(skip)("filters on dietary tags: every tag asked for must be served", async () => {
    expect((await names({ dietary: "vegan" })).sort()).toEqual(["Burger Barn", "Green Leaf"]);
    expect(await names({ dietary: "vegan,gluten_free" })).toEqual(["Green Leaf"]);
    expect((await names({ q: "burger", dietary: "vegetarian" }))[0]).toBe("Burger Barn");
  });

  it.skipIf(skip)("filters on price levels", async () => {
    expect((await names({ priceLevel: "1" })).sort()).toEqual(["Burger Barn", "Taqueria Sol"]);
    expect(await names({ priceLevel: "4" })).toEqual(["Sushi Zen"]);
  });

  it.skipIf(skip)("orders by distance from a point, nearest first, with the distance", async () => {
    const { results } = await search({
      sort: "distance",
      lat: String(DOWNTOWN.lat),
      lng: String(DOWNTOWN.lng),
    });
    expect(results.map((hit) => nameOf.get(hit.id))).toEqual([
      "Taqueria Sol",
      "Burger Barn",
      "Tony's Pizza Pies",
      "Green Leaf",
      "Corner Deli",
      "Sushi Zen",
      "Night Owl Diner",
    ]);
    for (const hit of results) {
      expect(Math.abs(hit.distanceM! - distanceM(DOWNTOWN, hit.location))).toBeLessThanOrEqual(1);
    }
  });

  it.skipIf(skip)("keeps only what is open now, in each restaurant's own time zone", async () => {
    const fridayEvening = await names({ openNow: "true" }, FRIDAY_8PM);
    expect(fridayEvening).toContain("Night Owl Diner");
    expect(fridayEvening).not.toContain("Taqueria Sol");
    expect(await names({ q: "taco", openNow: "true" }, Date.parse("2026-11-20T18:00:00Z"))).toEqual(
      ["Taqueria Sol"],
    );
    expect(await names({ q: "pancakes", openNow: "true" }, SATURDAY_1_30AM)).toEqual([
      "Night Owl Diner",
    ]);
    expect(await names({ q: "pancakes", openNow: "true" }, SUNDAY_1_30AM)).toEqual([]);
    expect(await names({ q: "pancakes", openNow: "false" }, SUNDAY_1_30AM)).toEqual([
      "Night Owl Diner",
    ]);
  });

  it.skipIf(skip)("marks a paused restaurant, and open-now leaves it out", async () => {
    const { results } = await search({ q: "sushi" });
    expect(results[0]).toMatchObject({ name: "Sushi Zen", paused: true, openNow: true });
    expect(await names({ q: "sushi", openNow: "true" })).toEqual([]);
  });

  it.skipIf(skip)("pages with a cursor: pages join into the full list, nothing twice", async () => {
    const orders: Record<string, string>[] = [
      {},
      { sort: "distance", lat: "30.2672", lng: "-97.7431" },
    ];
    for (const params of orders) {
      const all = await names(params);
      const paged: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const result: SearchResults = await search({
          ...params,
          limit: "3",
          ...(cursor ? { cursor } : {}),
        });
        paged.push(...result.results.map((hit) => hit.name));
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      expect(paged).toEqual(all);
      expect(new Set(paged).size).toBe(Object.keys(city).length);
    }
  });
});
