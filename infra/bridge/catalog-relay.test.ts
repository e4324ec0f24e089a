import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archiveItem,
  createCategory,
  createItem,
  createRestaurant,
  updateItem,
  updateRestaurant,
} from "../../catalog/menu.ts";
import { postgresDeadLetters } from "../../read-models/dead-letters.ts";
import { searchIndexer } from "../../read-models/search-indexer.ts";
import { catalogOutbox } from "../../schema/db/catalog-outbox.ts";
import { searchRestaurants } from "../../schema/db/search.ts";
import type { EventEnvelope, RestaurantDocument } from "../../schema/events.ts";
import {
  ALWAYS_OPEN,
  DOWNTOWN,
  startTestDatabase,
  type TestDatabase,
} from "../../test/bridge/search.ts";
import { seedDemoCity } from "../demo/seed.ts";
import { type EventBus, InProcessBus } from "./bus.ts";
import { relayRound } from "./catalog-relay.ts";

/**
 * Catalog changes travel: a change and its RestaurantUpserted commit together in
 * `catalog_outbox`, the relay publishes them to the bus and deletes them once acknowledged, and the
 * search indexer on the bus makes them searchable.
 */

let database: TestDatabase;
let bus: InProcessBus;

beforeAll(async () => {
  database = await startTestDatabase("pglite");
  const deadLetters = postgresDeadLetters(database.db);
  bus = new InProcessBus({ deadLetters });
  bus.subscribe(searchIndexer({ db: database.db, deadLetters }));
});
afterAll(async () => {
  await database?.close();
});

async function outbox(): Promise<EventEnvelope[]> {
  const rows = await database.db.select().from(catalogOutbox).orderBy(catalogOutbox.position);
  return rows.map((row) => row.event as EventEnvelope);
}

async function drain(through: EventBus = bus): Promise<number> {
  let relayed = 0;
  for (let round = 0; round < 20; round++) {
    const n = await relayRound(database.db, through);
    if (n === 0) return relayed;
    relayed += n;
  }
  throw new Error("the outbox did not drain in 20 rounds");
}

function restaurantBody(slug: string) {
  return {
    slug,
    name: "Relay Ramen",
    description: "",
    cuisine: "Japanese",
    priceLevel: 2,
    location: DOWNTOWN,
    address: "1 Main St",
    timezone: "America/Chicago",
    openingHours: ALWAYS_OPEN,
    prepMinutes: 10,
  };
}

describe("the catalog outbox", () => {
  it("writes each change's whole document, numbered per restaurant, with the change", async () => {
    await drain();
    const id = await createRestaurant(
      database.db,
      restaurantBody(`relay-${crypto.randomUUID().slice(0, 6)}`),
    );
    const categoryId = await createCategory(database.db, id, { name: "Noodles", position: 0 });
    const itemId = await createItem(database.db, id, {
      categoryId,
      name: "Tonkotsu Ramen",
      description: "Pork broth",
      priceCents: 1400,
      dietaryTags: [],
      available: true,
      position: 0,
      modifierGroups: [],
    });
    await updateItem(database.db, id, itemId, { priceCents: 1500 });

    const events = await outbox();
    expect(events.map((e) => [e.type, e.aggregateId, e.seq])).toEqual([
      ["RestaurantUpserted", id, 1],
      ["RestaurantUpserted", id, 2],
      ["RestaurantUpserted", id, 3],
      ["RestaurantUpserted", id, 4],
    ]);
    const last = events.at(-1)!.data as RestaurantDocument;
    expect(last.items).toEqual([
      expect.objectContaining({ name: "Tonkotsu Ramen", category: "Noodles", priceCents: 1500 }),
    ]);
  });

  it("writes nothing for a change that fails", async () => {
    await drain();
    const slug = `dup-${crypto.randomUUID().slice(0, 6)}`;
    await createRestaurant(database.db, restaurantBody(slug));
    await drain();
    await expect(createRestaurant(database.db, restaurantBody(slug))).rejects.toThrow(/slug/);
    expect(await outbox()).toEqual([]);
  });
});

describe("the relay", () => {
  it("brings a catalog change to the search index, then deletes it from the outbox", async () => {
    const id = await createRestaurant(
      database.db,
      restaurantBody(`idx-${crypto.randomUUID().slice(0, 6)}`),
    );
    await updateRestaurant(database.db, id, { name: "Relay Ramen Renamed" });
    const categoryId = await createCategory(database.db, id, { name: "Sides", position: 1 });
    const gyoza = await createItem(database.db, id, {
      categoryId,
      name: "Gyoza",
      description: "",
      priceCents: 600,
      dietaryTags: [],
      available: true,
      position: 0,
      modifierGroups: [],
    });
    await archiveItem(database.db, id, gyoza);

    expect(await drain()).toBeGreaterThanOrEqual(5);

    const [row] = await database.db
      .select()
      .from(searchRestaurants)
      .where(eq(searchRestaurants.restaurantId, id));
    expect(row).toMatchObject({ name: "Relay Ramen Renamed", documentSeq: 5, dishNames: "" });
    expect(await outbox()).toEqual([]);
  });

  it("keeps the rows when the bus refuses them, and relays them on the next round", async () => {
    await createRestaurant(database.db, restaurantBody(`down-${crypto.randomUUID().slice(0, 6)}`));
    const refusing: EventBus = {
      publish: async () => {
        throw new Error("the bus is away");
      },
      subscribe: () => {},
      close: async () => {},
    };

    await expect(relayRound(database.db, refusing)).rejects.toThrow(/away/);
    expect(await outbox()).toHaveLength(1);
    // The lease was given back, so the next round takes the row at once.
    expect(await relayRound(database.db, bus)).toBe(1);
    expect(await outbox()).toEqual([]);
  });

  it("never hands one row to two relays at once", async () => {
    await createRestaurant(database.db, restaurantBody(`lease-${crypto.randomUUID().slice(0, 6)}`));
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: EventBus = {
      publish: async () => {
        await held;
        return { deadLettered: [] };
      },
      subscribe: () => {},
      close: async () => {},
    };

    const first = relayRound(database.db, slow);
    // Wait until the first relay holds its lease.
    for (let i = 0; i < 100; i++) {
      const [claimed] = await database.db.select().from(catalogOutbox);
      if (claimed?.claimedUntil) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await relayRound(database.db, bus)).toBe(0);
    release();
    expect(await first).toBe(1);
    expect(await outbox()).toEqual([]);
  });
});

describe("the demo city", () => {
  it("announces its 25 restaurants once, and they all get indexed", async () => {
    await drain();
    await seedDemoCity(database.db, { iterations: 1_000 });
    const announced = await outbox();
    expect(announced).toHaveLength(25);
    await seedDemoCity(database.db, { iterations: 1_000 });
    expect(await outbox()).toHaveLength(25);

    await drain();

    const ids = announced.map((e) => e.aggregateId);
    const [indexed] = await database.db
      .select({ n: count() })
      .from(searchRestaurants)
      .where(eq(searchRestaurants.documentSeq, 1));
    expect(indexed!.n).toBeGreaterThanOrEqual(25);
    const rows = await database.db
      .select({ id: searchRestaurants.restaurantId })
      .from(searchRestaurants);
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(ids));
  });
});
