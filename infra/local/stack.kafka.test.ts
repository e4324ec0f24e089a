import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDb } from "../../runtime/db.ts";
import { analyticsOrders } from "../../schema/db/analytics.ts";
import { orderHistory } from "../../schema/db/orders.ts";
import { searchRestaurants } from "../../schema/db/search.ts";
import { EventEnvelope } from "../../schema/events.ts";
import type { Order } from "../../schema/orders.ts";
import { readTopic, type TestKafka, testKafka } from "../../test/bridge/kafka.ts";
import { type DemoStack, startDemoStack } from "../../test/demo-stack.ts";
import { alwaysOpenDish, Client, DEMO_LOGINS, eventually } from "../../test/e2e/client.ts";
import { ALWAYS_OPEN_SLUG, DEMO_RESTAURANTS } from "../demo/city.ts";

/**
 * The local platform on the kafka project's Apache Kafka: real actors in workerd, whose outboxes
 * flush signed batches to the bridge process, which produces them to Kafka and acknowledges only
 * once Kafka has them; the bridge's consumer groups apply them to the read models. An order is
 * driven through the HTTP API as the apps drive it, and followed to Kafka and back out.
 *
 * The stack's topics and consumer groups carry a prefix of this file's own (KAFKA_TOPIC_PREFIX),
 * so the other files sharing the broker never see its events, nor it theirs.
 */

const brokers = inject("kafkaBrokers");
/** wrangler dev compiles and boots workerd, and the demo city is seeded: cold, on two cores. */
const START_TIMEOUT_MS = 240_000;
/** Bounds every wait for an event to travel actor -> bridge -> Kafka -> read model. */
const APPLY_TIMEOUT_MS = 30_000;
/** W3C trace context: version, trace id, parent id, flags. */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

let kafka: TestKafka;
let stack: DemoStack;
let pool: ReturnType<typeof openDb>;

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  stack = await startDemoStack("stack-kafka", {
    kafkaBrokers: brokers,
    kafkaTopicPrefix: kafka.prefix,
  });
  expect(stack.kafkaBrokers).toBe(brokers);
  pool = openDb(stack.database);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await pool?.close();
  await stack?.stop();
  await kafka?.close();
});

/** The events on a topic of this stack, for one key, in log order, read back as envelopes. */
async function eventsOn(topic: string, key: string) {
  const log = await readTopic(kafka.kafka, kafka.admin, `${kafka.prefix}${topic}`);
  return log
    .filter((m) => m.key === key)
    .map((m) => ({ ...m, event: EventEnvelope.parse(JSON.parse(m.value!)) }));
}

describe.skipIf(!brokers)("the local stack on Kafka", () => {
  it("carries a real order's events from the actors' outboxes to order.events once each, in order, and on to the read models", async () => {
    const customer = new Client(stack.workerUrl);
    const staff = new Client(stack.workerUrl);
    const admin = new Client(stack.workerUrl);
    try {
      // A demo customer, whose wallet the seed funded; the kitchen that is always open.
      await customer.signIn("/api/auth/login", DEMO_LOGINS.customer);
      await staff.signIn("/api/auth/login", DEMO_LOGINS.kitchen);
      await admin.signIn("/api/auth/login", DEMO_LOGINS.admin);
      const { restaurant, item } = await alwaysOpenDish(customer);

      const placed = await customer.call<Order>("/api/orders", {
        body: {
          restaurantId: restaurant.id,
          items: [{ itemId: item.id, quantity: 1, modifiers: [] }],
          deliveryAddress: {
            lat: restaurant.location.lat + 0.005,
            lng: restaurant.location.lng,
            text: "701 Brazos St, Austin, TX",
          },
          idempotencyKey: `stack-kafka-${crypto.randomUUID()}`,
        },
      });
      expect(placed.status).toBe(201);
      const order = placed.body;
      // Accepting also starts preparing: one transition, one event.
      const accepted = await staff.call(`/api/orders/${order.id}/accept`, {
        body: { prepMinutes: 10 },
      });
      expect(accepted.status).toBe(200);

      // The bridge acknowledges a batch only once Kafka has it, and only then does the actor
      // delete it from its outbox: an emptied outbox means Kafka holds both.
      await eventually(
        async () => {
          const pending = (
            await admin.call<{ events: unknown[] }>(`/api/admin/outbox/order/${order.id}`)
          ).body.events;
          return pending.length === 0 || null;
        },
        APPLY_TIMEOUT_MS,
        "the order's outbox to be confirmed",
      );
      const onTopic = await eventsOn("order.events", order.id);
      expect(onTopic.map((m) => [m.event.type, m.event.seq])).toEqual([
        ["OrderPlaced", 1],
        ["OrderAccepted", 2],
      ]);
      expect(new Set(onTopic.map((m) => m.event.id)).size).toBe(onTopic.length);
      expect(new Set(onTopic.map((m) => m.partition)).size).toBe(1);
      for (const { event, headers } of onTopic) {
        expect(event.aggregateId).toBe(order.id);
        expect(event.traceparent).toMatch(TRACEPARENT);
        expect(headers).toEqual({
          type: event.type,
          traceparent: event.traceparent,
          "event-id": event.id,
        });
      }
      const [placedEvent, acceptedEvent] = onTopic.map((m) => m.event);
      // The bridge's consumer groups are this stack's own, under its prefix.
      const groups = (await kafka.admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).toEqual(
        expect.arrayContaining(
          ["order-history", "analytics", "search-indexer"].map((name) => `${kafka.prefix}${name}`),
        ),
      );

      // Out of Kafka through the consumer groups: order history and analytics have both.
      const { db } = pool;
      const history = await eventually(
        async () => {
          const [row] = await db
            .select()
            .from(orderHistory)
            .where(eq(orderHistory.orderId, order.id));
          return row?.lastSeq === 2 ? row : null;
        },
        APPLY_TIMEOUT_MS,
        "the order's events in order_history",
      );
      expect(history).toMatchObject({
        status: "preparing",
        customerId: order.customerId,
        restaurantId: restaurant.id,
        totalCents: order.pricing.totalCents,
        acceptedAt: new Date(acceptedEvent!.at),
      });
      const facts = await eventually(
        async () => {
          const [row] = await db
            .select()
            .from(analyticsOrders)
            .where(eq(analyticsOrders.orderId, order.id));
          return row?.lastSeq === 2 ? row : null;
        },
        APPLY_TIMEOUT_MS,
        "the order's events in analytics",
      );
      expect(facts).toMatchObject({
        status: "preparing",
        customerId: order.customerId,
        restaurantId: restaurant.id,
        totalCents: order.pricing.totalCents,
        tipCents: order.pricing.tipCents,
        placedAt: new Date(placedEvent!.at),
        acceptedAt: new Date(acceptedEvent!.at),
        cancelledAt: null,
      });
    } finally {
      customer.close();
      staff.close();
      admin.close();
    }
  });

  it("indexes the demo city for search through restaurant.events", async () => {
    const { db } = pool;
    await eventually(
      async () =>
        (await db.select().from(searchRestaurants)).length === DEMO_RESTAURANTS.length || null,
      APPLY_TIMEOUT_MS,
      "every demo restaurant in the search model",
    );
    const [moonlight] = await db
      .select()
      .from(searchRestaurants)
      .where(eq(searchRestaurants.slug, ALWAYS_OPEN_SLUG));
    expect(moonlight).toBeDefined();
    const onTopic = await eventsOn("restaurant.events", moonlight!.restaurantId);
    expect(onTopic.map((m) => m.event.type)).toContain("RestaurantUpserted");
    expect(onTopic.at(-1)!.event.seq).toBe(moonlight!.documentSeq);
  });
});
