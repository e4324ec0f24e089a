import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seeded } from "../domain/random.ts";
import type { EventEnvelope, Topic } from "../schema/events.ts";
import { deliveredOrder, orderEvent, T0 } from "../test/bridge/fixtures.ts";
import {
  DOWNTOWN,
  databaseKinds,
  driverEvent,
  emptyReadModels,
  item,
  readModels,
  restaurantDoc,
  restaurantEvent,
  startTestDatabase,
  type TestDatabase,
  upserted,
} from "../test/bridge/search.ts";
import { analyticsConsumer } from "./analytics.ts";
import type { Consumer } from "./consumer.ts";
import { postgresDeadLetters } from "./dead-letters.ts";
import { searchIndexer } from "./search-indexer.ts";

/**
 * Replaying a topic from offset 0 rebuilds both read models identically: applied again over what
 * is there, into emptied tables, and (because every merge is by seq or by earliest moment, never
 * by arrival) shuffled with duplicates.
 */

function shuffledWithDuplicates<T>(list: readonly T[], next: () => number): T[] {
  const out = [...list, ...list.filter(() => next() < 0.3)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Cuts a topic into batches of 1 to 7 events, as a consumer group's fetches would. */
function batches<T>(list: readonly T[], next: () => number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; ) {
    const size = 1 + Math.floor(next() * 7);
    out.push(list.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Three topics' worth of history: menus edited, kitchens paused, orders and shifts. */
function history(): Record<
  "restaurant.events" | "order.events" | "driver.events",
  EventEnvelope[]
> {
  const restaurant: EventEnvelope[] = [];
  for (let r = 0; r < 6; r++) {
    const doc = restaurantDoc({
      name: `Replay Kitchen ${r}`,
      location: { lat: DOWNTOWN.lat + r / 100, lng: DOWNTOWN.lng },
      items: [item(`Dish ${r}`, { dietaryTags: r % 2 ? ["vegan"] : [] })],
    });
    for (let seq = 1; seq <= 3; seq++) {
      restaurant.push(upserted({ ...doc, name: `${doc.name} v${seq}`, priceLevel: seq }, seq));
    }
    restaurant.push(
      restaurantEvent("RestaurantPaused", doc.id, 1, { reason: "staff", missedTickets: 0 }),
      restaurantEvent("RestaurantBusyChanged", doc.id, 2, { busy: true, extraPrepMinutes: 5 }),
    );
    if (r % 2) restaurant.push(restaurantEvent("RestaurantResumed", doc.id, 3, {}));
  }
  const order: EventEnvelope[] = [];
  for (let o = 0; o < 8; o++) {
    if (o % 3 === 0) {
      const orderId = crypto.randomUUID();
      order.push(
        orderEvent("OrderPlaced", { orderId, seq: 1 }),
        orderEvent("OrderRejected", { orderId, seq: 2, order: { status: "rejected" } }),
      );
    } else {
      order.push(...deliveredOrder());
    }
  }
  const driver: EventEnvelope[] = [];
  for (let d = 0; d < 3; d++) {
    const id = crypto.randomUUID();
    for (let seq = 1; seq <= 4; seq++) {
      driver.push(
        driverEvent(
          seq % 2 ? "DriverWentOnline" : "DriverWentOffline",
          id,
          seq,
          T0 + seq * 30 * 60_000,
          seq % 2 ? { at: null } : {},
        ),
      );
    }
  }
  return { "restaurant.events": restaurant, "order.events": order, "driver.events": driver };
}

describe.each(databaseKinds)("replaying into the read models on $kind", ({ kind, skip }) => {
  let database: TestDatabase;
  let consumers: Consumer[];
  const topics = history();

  beforeAll(async () => {
    if (skip) return;
    database = await startTestDatabase(kind);
    const deadLetters = postgresDeadLetters(database.db);
    consumers = [
      searchIndexer({ db: database.db, deadLetters }),
      analyticsConsumer({ db: database.db, deadLetters }),
    ];
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Feeds every topic to the consumers that read it, in batches, as a bus would. */
  async function feed(order: (events: EventEnvelope[]) => EventEnvelope[], seed: number) {
    const next = seeded(seed).next;
    for (const [topic, events] of Object.entries(topics) as [Topic, EventEnvelope[]][]) {
      for (const batch of batches(order(events), next)) {
        for (const consumer of consumers.filter((c) => c.topics.includes(topic))) {
          const report = await consumer.apply(batch, { topic });
          expect(report.deadLettered).toEqual([]);
        }
      }
    }
  }

  it.skipIf(skip)("rebuilds the same rows, however the log is replayed", async () => {
    await feed((events) => events, 1);
    const built = await readModels(database.db);
    expect(built.searchRestaurants).toHaveLength(6);
    expect(built.searchKitchens).toHaveLength(6);
    expect(built.analyticsOrders).toHaveLength(8);
    expect(built.analyticsDriverPresence).toHaveLength(12);

    // Replayed from the start over what is there: nothing changes.
    await feed((events) => events, 2);
    expect(await readModels(database.db)).toEqual(built);

    // Replayed from the start into emptied tables: the same rows again.
    await emptyReadModels(database.db);
    await feed((events) => events, 3);
    expect(await readModels(database.db)).toEqual(built);

    // Shuffled and partly duplicated, into emptied tables: still the same rows.
    for (const seed of [4, 5, 6]) {
      await emptyReadModels(database.db);
      const next = seeded(seed).next;
      await feed((events) => shuffledWithDuplicates(events, next), seed);
      expect(await readModels(database.db)).toEqual(built);
    }
  });
});
