import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KafkaBus } from "../infra/bridge/kafka-bus.ts";
import { createBridgeMetrics } from "../infra/bridge/metrics.ts";
import { type Bridge, startBridge } from "../infra/bridge/server.ts";
import { catalogOutbox, catalogSequences } from "../schema/db/catalog-outbox.ts";
import type { EventEnvelope } from "../schema/events.ts";
import {
  batchBody,
  deliveredOrder,
  orderEvent,
  SECRET,
  signedPost,
  T0,
  waitUntil,
} from "../test/bridge/fixtures.ts";
import { type TestKafka, testKafka } from "../test/bridge/kafka.ts";
import {
  DOWNTOWN,
  driverEvent,
  emptyReadModels,
  item,
  postgresUrl,
  readModels,
  restaurantDoc,
  restaurantEvent,
  startTestDatabase,
  type TestDatabase,
  upserted,
} from "../test/bridge/search.ts";
import { analyticsConsumer } from "./analytics.ts";
import { postgresDeadLetters } from "./dead-letters.ts";
import { searchIndexer } from "./search-indexer.ts";

/**
 * Replaying a topic from offset 0 rebuilds the search and analytics read models identically, on a
 * real Apache Kafka: the bridge builds them from what the actors and the catalog sent (resent
 * batches included), then consumer groups of new names, which have no committed offsets and so
 * start at offset 0, rebuild them into emptied tables; every table must come back row for row.
 */

const brokers = inject("kafkaBrokers");
/** Bounds every wait for the consumer groups to catch up. */
const APPLY_TIMEOUT_MS = 30_000;
const RESTAURANTS = 6;
const ORDERS = 9;
const COURIERS = 3;
/** Events per outbox batch; every third batch is sent twice, as after a lost acknowledgement. */
const BATCH_SIZE = 3;
const RESENT_EVERY = 3;

let database: TestDatabase;
let kafka: TestKafka;
let bridge: Bridge | null = null;
let rebuild: KafkaBus | null = null;

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  // A database of its own: the tables are compared whole, and emptied.
  database = await startTestDatabase(postgresUrl ? "postgres" : "pglite");
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
  await rebuild?.close();
  await bridge?.close();
  await database?.close();
  await kafka?.close();
});

/** What the actors' outboxes send: kitchens paused and busy, orders, couriers' shifts. */
function actorHistory(restaurantIds: readonly string[]): EventEnvelope[][] {
  const actors: EventEnvelope[][] = restaurantIds.map((id, r) => [
    restaurantEvent("RestaurantPaused", id, 1, { reason: "staff", missedTickets: 0 }),
    restaurantEvent("RestaurantBusyChanged", id, 2, { busy: true, extraPrepMinutes: 5 }),
    ...(r % 2 ? [restaurantEvent("RestaurantResumed", id, 3, {})] : []),
  ]);
  for (let o = 0; o < ORDERS; o++) {
    if (o % 3 === 0) {
      const orderId = crypto.randomUUID();
      actors.push([
        orderEvent("OrderPlaced", { orderId, seq: 1 }),
        orderEvent("OrderRejected", { orderId, seq: 2, order: { status: "rejected" } }),
      ]);
    } else {
      actors.push(deliveredOrder());
    }
  }
  for (let d = 0; d < COURIERS; d++) {
    const id = crypto.randomUUID();
    actors.push(
      [1, 2, 3, 4].map((seq) =>
        seq % 2
          ? driverEvent("DriverWentOnline", id, seq, T0 + seq * 30 * 60_000, { at: null })
          : driverEvent("DriverWentOffline", id, seq, T0 + seq * 30 * 60_000),
      ),
    );
  }
  return actors;
}

/** Each actor sends its events in batches, one after another; actors send at once. */
async function sendAsActors(url: string, actors: EventEnvelope[][]): Promise<void> {
  let sent = 0;
  await Promise.all(
    actors.map(async (events) => {
      for (let i = 0; i < events.length; i += BATCH_SIZE) {
        const body = batchBody(events.slice(i, i + BATCH_SIZE), `actor:${events[0]!.aggregateId}`);
        const copies = ++sent % RESENT_EVERY === 0 ? 2 : 1;
        for (let copy = 0; copy < copies; copy++) {
          const response = await fetch(`${url}/v1/events`, await signedPost(body));
          expect(response.status).toBe(200);
        }
      }
    }),
  );
}

/** Whether every partition the bus's groups read has been applied and committed to its end. */
async function caughtUp(bus: KafkaBus): Promise<boolean> {
  const lag = await bus.consumerLag().catch(() => []);
  return lag.length > 0 && lag.every((sample) => sample.lag === 0);
}

describe.skipIf(!brokers)("replaying Kafka into the read models", () => {
  it("rebuilds search and analytics row for row from offset 0, with fresh consumer groups, into emptied tables", async () => {
    const { db } = database;
    // The catalog: three versions of each restaurant's document, written to its outbox as the
    // catalog writes them, and relayed by the bridge to restaurant.events.
    const restaurantIds: string[] = [];
    for (let r = 0; r < RESTAURANTS; r++) {
      const doc = restaurantDoc({
        name: `Replay Kitchen ${r}`,
        location: { lat: DOWNTOWN.lat + r / 100, lng: DOWNTOWN.lng },
        items: [item(`Dish ${r}`, { dietaryTags: r % 2 ? ["vegan"] : [] })],
      });
      restaurantIds.push(doc.id);
      await db.insert(catalogSequences).values({ restaurantId: doc.id, seq: 3 });
      for (let seq = 1; seq <= 3; seq++) {
        const event = upserted({ ...doc, name: `${doc.name} v${seq}`, priceLevel: seq }, seq);
        await db
          .insert(catalogOutbox)
          .values({ eventId: event.id, restaurantId: doc.id, seq, event });
      }
    }
    await sendAsActors(bridge!.url, actorHistory(restaurantIds));

    const built = async () => {
      const models = await readModels(db);
      return (
        models.searchRestaurants.length === RESTAURANTS &&
        models.searchRestaurants.every(
          (row) => (row as { document_seq: number }).document_seq === 3,
        ) &&
        models.searchKitchens.length === RESTAURANTS &&
        models.analyticsOrders.length === ORDERS &&
        models.analyticsDriverPresence.length === COURIERS * 4
      );
    };
    await waitUntil(built, APPLY_TIMEOUT_MS, "the bridge to build both read models");
    await waitUntil(
      () => caughtUp(bridge!.kafka!),
      APPLY_TIMEOUT_MS,
      "the bridge's consumer groups to commit every topic to its end",
    );
    await bridge!.close();
    bridge = null;
    const original = await readModels(db);

    await emptyReadModels(db);
    expect(Object.values(await readModels(db)).flat()).toEqual([]);

    // The same consumers under new names: consumer groups with no committed offset, which Kafka
    // starts at offset 0.
    const deadLetters = postgresDeadLetters(db);
    rebuild = new KafkaBus({
      options: kafka.options({ mode: "consume", clientId: "dizh-rebuild" }),
      deadLetters,
      metrics: createBridgeMetrics(),
      log: () => {},
      nowMs: Date.now,
    });
    const consumers = [searchIndexer({ db, deadLetters }), analyticsConsumer({ db, deadLetters })];
    for (const consumer of consumers) {
      const name = `${consumer.name}-rebuild`;
      const groupId = `${kafka.prefix}${name}`;
      const offsets = await kafka.admin.fetchOffsets({
        groupId,
        topics: consumer.topics.map((topic) => `${kafka.prefix}${topic}`),
      });
      const committed = new Set(offsets.flatMap((t) => t.partitions.map((p) => p.offset)));
      expect(committed).toEqual(new Set(["-1"]));
      rebuild.subscribe({ ...consumer, name });
    }
    rebuild.start();
    await waitUntil(
      () => caughtUp(rebuild!),
      APPLY_TIMEOUT_MS,
      "the fresh consumer groups to replay every topic to its end",
    );

    expect(await readModels(db)).toEqual(original);
  });
});
