import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, openDb } from "../../runtime/db.ts";
import { orderHistory } from "../../schema/db/orders.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { OutboxAck } from "../../schema/outbox.ts";
import {
  batchBody,
  deadLetter,
  deliveredOrder,
  historyRow,
  orderEvent,
  rawEvent,
  SECRET,
  signedPost,
  waitUntil,
} from "../../test/bridge/fixtures.ts";
import { readTopic, type TestKafka, testKafka } from "../../test/bridge/kafka.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";
import { type Bridge, startBridge } from "./server.ts";

/**
 * The bridge on a real Apache Kafka: batches in through the signed HTTP endpoint, as actors send
 * them, out through Kafka to the order-history consumer group.
 */

const brokers = inject("kafkaBrokers");
/** Bounds every wait for the consumer group to catch up. */
const APPLY_TIMEOUT_MS = 30_000;

let database: LocalDatabase;
let reader: ReturnType<typeof openDb>;
let db: Db;
let kafka: TestKafka;
let bridge: Bridge;

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  reader = openDb(database);
  db = reader.db;
  bridge = await startBridge({
    port: 0,
    databaseUrl: database.databaseUrl,
    wsProxy: database.wsProxy,
    secret: SECRET,
    kafka: kafka.options(),
  });
});

afterAll(async () => {
  await bridge?.close();
  await reader?.close();
  await database?.close();
  await kafka?.close();
});

async function post(events: EventEnvelope[], source = "order:test"): Promise<Response> {
  return fetch(`${bridge.url}/v1/events`, await signedPost(batchBody(events, source)));
}

/** As an actor's outbox sends: its events in batches of `size`, each after the last was acknowledged. */
async function sendAsActor(events: EventEnvelope[], size: number): Promise<void> {
  for (let i = 0; i < events.length; i += size) {
    const response = await post(events.slice(i, i + size), `order:${events[0]!.aggregateId}`);
    expect(response.status).toBe(200);
    expect(OutboxAck.parse(await response.json()).accepted).toHaveLength(
      events.slice(i, i + size).length,
    );
  }
}

async function historyRows(orderIds: string[]) {
  return db
    .select()
    .from(orderHistory)
    .where(inArray(orderHistory.orderId, orderIds))
    .orderBy(orderHistory.orderId);
}

const orders = Array.from({ length: 8 }, () => deliveredOrder());
const orderIds = orders.map((events) => events[0]!.aggregateId);

describe.skipIf(!brokers)("the bridge on Kafka", () => {
  it("lands every event in order.events once, in order per order, keyed and with its headers", async () => {
    // Eight actors at once, each sending its order's nine events in three acknowledged batches.
    await Promise.all(orders.map((events) => sendAsActor(events, 3)));

    const all = await readTopic(kafka.kafka, kafka.admin, `${kafka.prefix}order.events`);
    const ours = all.filter((m) => m.key !== null && orderIds.includes(m.key));
    const sent = orders.flat();
    expect(ours).toHaveLength(sent.length);
    expect(new Set(ours.map((m) => m.headers["event-id"]))).toEqual(new Set(sent.map((e) => e.id)));
    for (const events of orders) {
      const orderId = events[0]!.aggregateId;
      const mine = ours.filter((m) => m.key === orderId);
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => JSON.parse(m.value!) as EventEnvelope)).toEqual(events);
      expect(mine.map((m) => m.headers)).toEqual(
        events.map((e) => ({ type: e.type, traceparent: e.traceparent, "event-id": e.id })),
      );
    }
  });

  it("applies them to order_history through the consumer group", async () => {
    await waitUntil(
      async () => {
        const rows = await historyRows(orderIds);
        return rows.length === orders.length && rows.every((row) => row.lastSeq === 9);
      },
      APPLY_TIMEOUT_MS,
      "every order to reach seq 9 in order_history",
    );
    const rows = await historyRows(orderIds);
    expect(rows).toHaveLength(orders.length);
    for (const row of rows) expect(row).toMatchObject({ status: "delivered", lastSeq: 9 });
  });

  it("sends a poison event to order.events.dlq with its error, and later events still apply", async () => {
    const orderId = crypto.randomUUID();
    const poison = { ...orderEvent("OrderAccepted", { orderId, seq: 2 }), data: { nope: 1 } };
    const events = [
      orderEvent("OrderPlaced", { orderId, seq: 1 }),
      poison,
      orderEvent("OrderReady", { orderId, seq: 3, order: { status: "ready" } }),
    ];

    const response = await post(events);

    expect(response.status).toBe(200);
    await waitUntil(
      async () => (await historyRow(db, orderId))?.lastSeq === 3,
      APPLY_TIMEOUT_MS,
      "the events after the poison one to apply",
    );
    expect(await historyRow(db, orderId)).toMatchObject({ status: "ready", acceptedAt: null });
    // The consumer sets the poison aside after applying the rest of its batch: the row can be
    // at seq 3 a moment before the letter is on the dead-letter topic.
    let letter: Awaited<ReturnType<typeof readTopic>>[number] | undefined;
    await waitUntil(
      async () => {
        const dlq = await readTopic(kafka.kafka, kafka.admin, `${kafka.prefix}order.events.dlq`);
        letter = dlq.find(
          (m) =>
            m.headers["event-id"] === poison.id && m.headers["dlq-consumer"] === "order-history",
        );
        return letter !== undefined;
      },
      APPLY_TIMEOUT_MS,
      "the poison event on order.events.dlq",
    );
    expect(letter!.key).toBe(orderId);
    expect(JSON.parse(letter!.value!)).toEqual(poison);
    expect(letter!.headers).toMatchObject({
      type: "OrderAccepted",
      error: expect.stringMatching(/^invalid OrderAccepted/),
      "dlq-consumer": "order-history",
      "dlq-topic": `${kafka.prefix}order.events`,
    });
    expect(await deadLetter(db, poison.id)).toMatchObject({ error: letter!.headers.error });
  });

  it("keeps an event of unknown type out of Kafka, in dead_letters, and acknowledges it", async () => {
    const unknown = rawEvent({ type: "OrderTeleported" });

    const response = await post([unknown]);

    expect(response.status).toBe(200);
    expect(await deadLetter(db, unknown.id)).toMatchObject({ error: /unknown event type/ });
  });

  it("rebuilds order_history identically by replaying order.events from offset 0", async () => {
    const before = await historyRows(orderIds);
    expect(before).toHaveLength(orders.length);
    await db.delete(orderHistory).where(inArray(orderHistory.orderId, orderIds));
    expect(await historyRows(orderIds)).toEqual([]);

    await bridge.kafka!.replayFromStart("order-history");

    await waitUntil(
      async () => (await historyRows(orderIds)).filter((row) => row.lastSeq === 9).length === 8,
      APPLY_TIMEOUT_MS,
      "the replay to rebuild every row",
    );
    expect(await historyRows(orderIds)).toEqual(before);
  });

  it("is ready, and serves metrics: produced, applied, dead letters, lag and latencies", async () => {
    const ready = await fetch(`${bridge.url}/readyz`);
    expect(ready.status).toBe(200);

    const response = await fetch(`${bridge.url}/metrics`);
    const text = await response.text();

    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    expect(value(/^dizh_bridge_events_produced_total\{topic="order.events"\} (\d+)/m)).toBe(
      orders.flat().length + 3,
    );
    expect(
      value(/^dizh_bridge_events_applied_total\{consumer="order-history",[^}]*\} (\d+)/m),
    ).toBeGreaterThanOrEqual(orders.flat().length);
    // The poison event, and perhaps again already if the replay has reached it.
    expect(
      value(/^dizh_bridge_dead_letters_produced_total\{topic="order.events"\} (\d+)/m),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(
      new RegExp(`^dizh_bridge_consumer_lag\\{group="${kafka.prefix}order-history",`, "m"),
    );
    expect(text).toMatch(/^dizh_bridge_produce_seconds_count \d+/m);
    expect(text).toMatch(/^dizh_bridge_http_batch_seconds_count\{outcome="accepted"\} \d+/m);
  });
});
