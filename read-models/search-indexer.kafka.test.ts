import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCategory, createItem, createRestaurant } from "../catalog/menu.ts";
import { type Bridge, startBridge } from "../infra/bridge/server.ts";
import type { LocalDatabase } from "../infra/local/database.ts";
import { type Db, openDb } from "../runtime/db.ts";
import { catalogOutbox, catalogSequences } from "../schema/db/catalog-outbox.ts";
import { searchRestaurants } from "../schema/db/search.ts";
import { deadLetter, SECRET, waitUntil } from "../test/bridge/fixtures.ts";
import { readTopic, type TestKafka, testKafka } from "../test/bridge/kafka.ts";
import {
  ALWAYS_OPEN,
  DOWNTOWN,
  restaurantDoc,
  startTestDatabase,
  upserted,
} from "../test/bridge/search.ts";

/**
 * A catalog change on a real Apache Kafka: written with its event in the catalog outbox, relayed
 * by the bridge to restaurant.events, consumed by the search-indexer group into the search model.
 */

const brokers = inject("kafkaBrokers");
/** Bounds every wait for the relay and the consumer group to catch up. */
const APPLY_TIMEOUT_MS = 30_000;

let database: LocalDatabase;
let pool: ReturnType<typeof openDb>;
let db: Db;
let kafka: TestKafka;
let bridge: Bridge;

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  pool = openDb(database);
  db = pool.db;
  bridge = await startBridge({
    port: 0,
    databaseUrl: database.databaseUrl,
    wsProxy: database.wsProxy,
    secret: SECRET,
    kafka: kafka.options(),
    catalogRelayIntervalMs: 100,
  });
});

afterAll(async () => {
  await bridge?.close();
  await pool?.close();
  await database?.close();
  await kafka?.close();
});

async function indexed(id: string) {
  const rows = await db
    .select()
    .from(searchRestaurants)
    .where(eq(searchRestaurants.restaurantId, id));
  return rows[0] ?? null;
}

describe.skipIf(!brokers)("search indexing on Kafka", () => {
  it("brings a catalog change through restaurant.events into the search model", async () => {
    const id = await createRestaurant(db, {
      slug: `kafka-${crypto.randomUUID().slice(0, 8)}`,
      name: "Kafka Kebab",
      description: "",
      cuisine: "Turkish",
      priceLevel: 2,
      location: DOWNTOWN,
      address: "1 Main St, Austin, TX",
      timezone: "America/Chicago",
      openingHours: ALWAYS_OPEN,
      prepMinutes: 15,
    });
    const categoryId = await createCategory(db, id, { name: "Wraps", position: 0 });
    await createItem(db, id, {
      categoryId,
      name: "Doner Wrap",
      description: "",
      priceCents: 950,
      dietaryTags: ["halal"],
      available: true,
      position: 0,
      modifierGroups: [],
    });

    await waitUntil(
      async () => (await indexed(id))?.documentSeq === 3,
      APPLY_TIMEOUT_MS,
      "the third catalog event to be indexed",
    );
    expect(await indexed(id)).toMatchObject({
      name: "Kafka Kebab",
      dishNames: "Doner Wrap",
      dietaryTags: ["halal"],
    });
    // The topic is read through a fresh consumer group: wait until it has caught up with the three.
    let mine: Awaited<ReturnType<typeof readTopic>> = [];
    await waitUntil(
      async () => {
        const onTopic = await readTopic(
          kafka.kafka,
          kafka.admin,
          `${kafka.prefix}restaurant.events`,
        );
        mine = onTopic.filter((m) => m.key === id);
        return mine.length >= 3;
      },
      APPLY_TIMEOUT_MS,
      "the three catalog events on restaurant.events",
    );
    expect(mine.map((m) => [m.headers.type, JSON.parse(m.value!).seq])).toEqual([
      ["RestaurantUpserted", 1],
      ["RestaurantUpserted", 2],
      ["RestaurantUpserted", 3],
    ]);
  });

  it("sends a poison restaurant event to restaurant.events.dlq, and later ones still apply", async () => {
    const doc = restaurantDoc({ name: "Poisoned Pantry" });
    const poison = upserted({ ...doc, priceLevel: 9 }, 1);
    const later = upserted({ ...doc, name: "Recovered Pantry" }, 2);
    // As the catalog would have written them, one transaction each, in order.
    await db.insert(catalogSequences).values({ restaurantId: doc.id, seq: 2 });
    for (const event of [poison, later]) {
      await db.insert(catalogOutbox).values({
        eventId: event.id,
        restaurantId: doc.id,
        seq: event.seq,
        event,
      });
    }

    await waitUntil(
      async () => (await indexed(doc.id))?.documentSeq === 2,
      APPLY_TIMEOUT_MS,
      "the event after the poison one to apply",
    );
    expect(await indexed(doc.id)).toMatchObject({ name: "Recovered Pantry" });
    // The dead letter is produced beside the apply of the later event, not before it: wait for it.
    type Letter = Awaited<ReturnType<typeof readTopic>>[number];
    let letter: Letter | undefined;
    await waitUntil(
      async () => {
        const dlq = await readTopic(
          kafka.kafka,
          kafka.admin,
          `${kafka.prefix}restaurant.events.dlq`,
        );
        letter = dlq.find(
          (m) =>
            m.headers["event-id"] === poison.id && m.headers["dlq-consumer"] === "search-indexer",
        );
        return letter !== undefined;
      },
      APPLY_TIMEOUT_MS,
      "the poison event's dead letter",
    );
    expect(letter!.key).toBe(doc.id);
    expect(letter!.headers).toMatchObject({
      type: "RestaurantUpserted",
      error: expect.stringMatching(/^invalid RestaurantUpserted/),
      "dlq-consumer": "search-indexer",
    });
    expect(await deadLetter(db, poison.id)).toMatchObject({ error: letter!.headers.error });
  });
});
