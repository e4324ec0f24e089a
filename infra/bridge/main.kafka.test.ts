import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { orderHistory } from "../../schema/db/orders.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { type Db, openDb } from "../../workers/db.ts";
import { freePort } from "../kafka/broker.ts";
import { type LocalDatabase, startDatabase } from "../local/database.ts";
import {
  atSeq,
  batchBody,
  deliveredOrder,
  people,
  SECRET,
  signedPost,
  waitUntil,
} from "./fixtures.ts";
import { readTopic, TEST_SESSION_TIMEOUT_MS, type TestKafka, testKafka } from "./kafka-fixtures.ts";

/**
 * The bridge process on Kafka, killed with SIGKILL while actors' batches are in flight, then
 * started again while the actors resend what was not acknowledged: every event must be in
 * order_history exactly once in effect, however many copies reached Kafka.
 */

const brokers = inject("kafkaBrokers");
const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Bounds every wait on the child: starting, answering, stopping, catching up. */
const PROCESS_TIMEOUT_MS = 30_000;
/** Orders in flight, each its own actor, and how many of them send at once. */
const ORDERS = 40;
const ACTORS_AT_ONCE = 8;
/** Events per outbox batch: three batches per delivered order. */
const BATCH_SIZE = 3;
/**
 * The kill comes once some batches are acknowledged, the first time Kafka holds events whose
 * acknowledgement has not reached the actors yet (produced, answer not yet back), or at the
 * latest once KILL_AFTER_ACKS_MAX batches are acknowledged.
 */
const KILL_AFTER_ACKS_MIN = 5;
const KILL_AFTER_ACKS_MAX = 40;

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
  database = await startDatabase({ databaseUrl: process.env.DATABASE_URL });
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
  it("killed mid-batch and restarted, ends with every event in order_history exactly once", async () => {
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
    const batches = orders.map((events) => {
      const list: EventEnvelope[][] = [];
      for (let i = 0; i < events.length; i += BATCH_SIZE)
        list.push(events.slice(i, i + BATCH_SIZE));
      return list;
    });
    /** Per order, how many of its batches the bridge acknowledged: the outbox deletes those. */
    const acked = orders.map(() => 0);

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
        for (let i = next++; i < orders.length; i = next++) {
          while (acked[i]! < batches[i]!.length) {
            const batch = batches[i]![acked[i]!]!;
            const init = await signedPost(batchBody(batch, `order:${orders[i]![0]!.aggregateId}`));
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
        const offsets = await kafka.admin.fetchTopicOffsets(topic);
        const inKafka = offsets.reduce((sum, p) => sum + Number(p.high), 0);
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
      const response = await fetch(url, await signedPost(batchBody(batch)));
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
