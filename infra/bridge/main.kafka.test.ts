import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { asc, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { zoneOf } from "../../domain/cells.ts";
import { type Db, openDb } from "../../runtime/db.ts";
import { analyticsDriverPresence, analyticsOrders } from "../../schema/db/analytics.ts";
import { orderHistory } from "../../schema/db/orders.ts";
import { searchKitchens } from "../../schema/db/search.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import {
  atSeq,
  batchBody,
  deliveredOrder,
  people,
  SECRET,
  signedPost,
  T0,
  waitUntil,
} from "../../test/bridge/fixtures.ts";
import {
  readTopic,
  TEST_SESSION_TIMEOUT_MS,
  type TestKafka,
  testKafka,
} from "../../test/bridge/kafka.ts";
import { driverEvent, restaurantEvent, startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";
import { freePort } from "../local/processes.ts";

/**
 * The bridge process on Kafka, killed with SIGKILL while actors' batches are in flight, then
 * started again while the actors resend what was not acknowledged: every event must be in the
 * read models exactly once in effect (order_history, analytics and search), however many copies
 * reached Kafka.
 */

const brokers = inject("kafkaBrokers");
const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Bounds every wait on the child: starting, answering, stopping, catching up. */
const PROCESS_TIMEOUT_MS = 30_000;
/** Orders in flight, each its own actor, and how many actors send at once. */
const ORDERS = 40;
const ACTORS_AT_ONCE = 8;
/**
 * Kitchens (RestaurantActor: restaurant.events, read by search) and couriers (DriverActor:
 * driver.events, read by analytics) sending beside the orders, so every read model on Kafka
 * lives through the kill.
 */
const KITCHENS = 8;
const COURIERS = 8;
/** Events per outbox batch: three batches per delivered order, two per kitchen and courier. */
const BATCH_SIZE = 3;
/**
 * The kill comes once some batches are acknowledged, the first time Kafka holds events whose
 * acknowledgement has not reached the actors yet (produced, answer not yet back), or at the
 * latest once KILL_AFTER_ACKS_MAX batches are acknowledged.
 */
const KILL_AFTER_ACKS_MIN = 5;
const KILL_AFTER_ACKS_MAX = 40;

/** One actor's outbox: where its batches come from and the batches, in the order it sends them. */
type Actor = { source: string; batches: EventEnvelope[][] };

function actorOf(source: string, events: EventEnvelope[]): Actor {
  const batches: EventEnvelope[][] = [];
  for (let i = 0; i < events.length; i += BATCH_SIZE) batches.push(events.slice(i, i + BATCH_SIZE));
  return { source, batches };
}

/** A kitchen paused, busy, resumed, calm, paused and busy again: it ends paused (5) and busy (6). */
function kitchenEvents(restaurantId: string): EventEnvelope[] {
  const paused = { reason: "staff", missedTickets: 0 };
  return [
    restaurantEvent("RestaurantPaused", restaurantId, 1, paused),
    restaurantEvent("RestaurantBusyChanged", restaurantId, 2, { busy: true, extraPrepMinutes: 5 }),
    restaurantEvent("RestaurantResumed", restaurantId, 3, {}),
    restaurantEvent("RestaurantBusyChanged", restaurantId, 4, { busy: false, extraPrepMinutes: 0 }),
    restaurantEvent("RestaurantPaused", restaurantId, 5, paused),
    restaurantEvent("RestaurantBusyChanged", restaurantId, 6, { busy: true, extraPrepMinutes: 10 }),
  ];
}

/** The moment of a courier's shift change number `seq`: half an hour apart. */
function shiftAt(seq: number): number {
  return T0 + seq * 30 * 60_000;
}

/** A courier going online and offline three times. */
function courierEvents(driverId: string): EventEnvelope[] {
  return [1, 2, 3, 4, 5, 6].map((seq) =>
    seq % 2
      ? driverEvent("DriverWentOnline", driverId, seq, shiftAt(seq), { at: null })
      : driverEvent("DriverWentOffline", driverId, seq, shiftAt(seq)),
  );
}

type Child = {
  child: ChildProcess;
  exited: Promise<number | null>;
  lines(): Record<string, unknown>[];
};

function runBridge(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [mainPath], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const lines = () =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, exited, lines };
}

let database: LocalDatabase;
let reader: ReturnType<typeof openDb>;
let db: Db;
let kafka: TestKafka;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  reader = openDb(database);
  db = reader.db;
});

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

afterAll(async () => {
  await reader?.close();
  await database?.close();
  await kafka?.close();
});

describe.skipIf(!brokers)("the bridge process on Kafka", () => {
  it("killed mid-batch and restarted, ends with every event in every read model exactly once", async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATABASE_URL: database.databaseUrl,
      DB_WS_PROXY: database.wsProxy,
      OUTBOX_SECRET: SECRET,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: kafka.prefix,
      KAFKA_SESSION_TIMEOUT_MS: String(TEST_SESSION_TIMEOUT_MS),
    };
    const url = `http://127.0.0.1:${port}/v1/events`;
    const start = async () => {
      const bridge = runBridge(env);
      children.push(bridge.child);
      await waitUntil(
        () => bridge.lines().some((line) => line.msg === "bridge.listening"),
        PROCESS_TIMEOUT_MS,
        "the bridge to listen",
      );
      return bridge;
    };
    const orders = Array.from({ length: ORDERS }, () => deliveredOrder());
    const kitchens = Array.from({ length: KITCHENS }, () => crypto.randomUUID());
    const couriers = Array.from({ length: COURIERS }, () => crypto.randomUUID());
    // Kitchens and couriers among the first orders, so they too send before and after the kill.
    const actors: Actor[] = orders.flatMap((events, i) => [
      actorOf(`order:${events[0]!.aggregateId}`, events),
      ...(i < KITCHENS ? [actorOf(`restaurant:${kitchens[i]}`, kitchenEvents(kitchens[i]!))] : []),
      ...(i < COURIERS ? [actorOf(`driver:${couriers[i]}`, courierEvents(couriers[i]!))] : []),
    ]);
    const batches = actors.map((actor) => actor.batches);
    /** Per actor, how many of its batches the bridge acknowledged: the outbox deletes those. */
    const acked = actors.map(() => 0);

    let killed = false;
    /** Requests sent before the kill that got no answer: the kill caught them mid-way. */
    let cutShort = 0;

    /**
     * Each actor sends its batches one after another, as the outbox drains, until one is not
     * acknowledged; the rest stay in its outbox. `onAck` sees every acknowledgement.
     */
    const drainOutboxes = async (onAck: (batch: EventEnvelope[]) => void) => {
      let next = 0;
      const actor = async () => {
        for (let i = next++; i < actors.length; i = next++) {
          while (acked[i]! < batches[i]!.length) {
            const batch = batches[i]![acked[i]!]!;
            const init = await signedPost(batchBody(batch, actors[i]!.source));
            const sentBeforeKill = !killed;
            const status = await fetch(url, init).then(
              (response) => response.status,
              () => 0,
            );
            if (status === 0 && sentBeforeKill) cutShort++;
            if (status !== 200) break;
            acked[i]!++;
            onAck(batch);
          }
        }
      };
      await Promise.all(Array.from({ length: ACTORS_AT_ONCE }, actor));
    };

    const topic = `${kafka.prefix}order.events`;
    const topics = ["order.events", "restaurant.events", "driver.events"].map(
      (name) => `${kafka.prefix}${name}`,
    );
    const first = await start();
    const kill = () => {
      if (killed) return;
      first.child.kill("SIGKILL");
      killed = true;
    };
    let acks = 0;
    let ackedEvents = 0;
    // Watches Kafka while the actors send. The offsets are read before the acknowledgements are
    // counted, so "more in Kafka than acknowledged" means some batch is in Kafka and its answer
    // is not back yet: the middle of a batch.
    const watching = (async () => {
      while (!killed) {
        let inKafka = 0;
        for (const name of topics) {
          const offsets = await kafka.admin.fetchTopicOffsets(name);
          inKafka += offsets.reduce((sum, p) => sum + Number(p.high), 0);
        }
        if (acks >= KILL_AFTER_ACKS_MIN && inKafka > ackedEvents) kill();
        if (acks >= KILL_AFTER_ACKS_MAX) kill();
      }
    })();
    await drainOutboxes((batch) => {
      acks++;
      ackedEvents += batch.length;
    });
    kill();
    await watching;
    await first.exited;
    expect(cutShort).toBeGreaterThan(0);
    expect(acks).toBeLessThan(batches.flat().length);

    const second = await start();
    // An acknowledgement can also be lost on its way back, and then the outbox sends the batch
    // again: each actor resends its last acknowledged batch, so Kafka surely holds duplicates.
    for (const [i, list] of batches.entries()) {
      if (acked[i]! === 0) continue;
      const batch = list[acked[i]! - 1]!;
      const response = await fetch(url, await signedPost(batchBody(batch, actors[i]!.source)));
      expect(response.status).toBe(200);
    }
    await drainOutboxes(() => {});
    expect(acked).toEqual(batches.map((list) => list.length));

    const orderIds = orders.map((events) => events[0]!.aggregateId);
    const rows = async () =>
      db.select().from(orderHistory).where(inArray(orderHistory.orderId, orderIds));
    await waitUntil(
      async () => (await rows()).filter((row) => row.lastSeq === 9).length === ORDERS,
      PROCESS_TIMEOUT_MS,
      "every order to be applied",
    );
    for (const row of await rows()) {
      expect(row).toMatchObject({
        status: "delivered",
        lastSeq: 9,
        driverId: people.driver,
        acceptedAt: new Date(atSeq(2)),
        readyAt: new Date(atSeq(5)),
        pickedUpAt: new Date(atSeq(7)),
        deliveredAt: new Date(atSeq(9)),
        updatedAt: new Date(atSeq(9)),
        cancelledAt: null,
      });
    }

    // Analytics: each order's facts are those of its last event and each milestone the moment of
    // the one event that marks it, as one application of each event gives.
    const facts = async () =>
      db
        .select()
        .from(analyticsOrders)
        .where(inArray(analyticsOrders.orderId, orderIds))
        .orderBy(asc(analyticsOrders.orderId));
    await waitUntil(
      async () => (await facts()).filter((row) => row.lastSeq === 9).length === ORDERS,
      PROCESS_TIMEOUT_MS,
      "every order to be applied to analytics",
    );
    const dropoff = zoneOf({ lat: 30.28, lng: -97.74 });
    for (const row of await facts()) {
      expect(row).toMatchObject({
        status: "delivered",
        lastSeq: 9,
        restaurantId: people.restaurant,
        customerId: people.customer,
        driverId: people.driver,
        zone: dropoff,
        subtotalCents: 1300,
        totalCents: 1929,
        deliveryFeeCents: 299,
        serviceFeeCents: 130,
        tipCents: 200,
        placedAt: new Date(atSeq(1)),
        acceptedAt: new Date(atSeq(2)),
        assignedAt: new Date(atSeq(4)),
        pickedUpAt: new Date(atSeq(7)),
        deliveredAt: new Date(atSeq(9)),
        rejectedAt: null,
        cancelledAt: null,
      });
    }
    // Analytics: one presence row per shift change of each courier, no more, no fewer.
    const presence = async () =>
      db
        .select()
        .from(analyticsDriverPresence)
        .where(inArray(analyticsDriverPresence.driverId, couriers))
        .orderBy(asc(analyticsDriverPresence.driverId), asc(analyticsDriverPresence.seq));
    await waitUntil(
      async () => (await presence()).length === COURIERS * 6,
      PROCESS_TIMEOUT_MS,
      "every shift change to be applied to analytics",
    );
    expect(await presence()).toEqual(
      [...couriers].sort().flatMap((driverId) =>
        [1, 2, 3, 4, 5, 6].map((seq) => ({
          driverId,
          seq,
          at: new Date(shiftAt(seq)),
          online: seq % 2 === 1,
        })),
      ),
    );
    // Search: each kitchen as its last pause and its last busy change left it.
    const kitchenRows = async () =>
      db
        .select()
        .from(searchKitchens)
        .where(inArray(searchKitchens.restaurantId, kitchens))
        .orderBy(asc(searchKitchens.restaurantId));
    await waitUntil(
      async () => (await kitchenRows()).filter((row) => row.busySeq === 6).length === KITCHENS,
      PROCESS_TIMEOUT_MS,
      "every kitchen to be applied to search",
    );
    expect(await kitchenRows()).toEqual(
      [...kitchens].sort().map((restaurantId) => ({
        restaurantId,
        paused: true,
        pausedSeq: 5,
        busy: true,
        busySeq: 6,
      })),
    );

    // Every event reached Kafka at least once, and some more than once: the rows above are what
    // one application of each event gives, whatever the number of copies.
    const copies = new Map<string, number>();
    for (const m of await readTopic(kafka.kafka, kafka.admin, topic)) {
      const id = m.headers["event-id"]!;
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    for (const event of orders.flat()) expect(copies.get(event.id)).toBeGreaterThanOrEqual(1);
    expect([...copies.values()].some((n) => n > 1)).toBe(true);

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const lines = second.lines();
    expect(lines.map((line) => line.msg)).toContain("bridge.stopped");
    expect(lines.find((line) => line.msg === "bridge.listening")).toMatchObject({ bus: "kafka" });
    expect(lines.find((line) => line.msg === "bridge.batch")).toMatchObject({
      outcome: "accepted",
      traceIds: ["0af7651916cd43dd8448eb211c80319c"],
    });
    expect(
      lines.find((line) => line.msg === "consumer.batch" && line.consumer === "order-history"),
    ).toMatchObject({
      consumer: "order-history",
      topic: "order.events",
      traceIds: ["0af7651916cd43dd8448eb211c80319c"],
    });
  });
});
