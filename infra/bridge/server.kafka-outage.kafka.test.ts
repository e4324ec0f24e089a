import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, openDb } from "../../runtime/db.ts";
import { ErrorBody } from "../../schema/errors.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { OutboxAck } from "../../schema/outbox.ts";
import {
  batchBody,
  deliveredOrder,
  historyRow,
  SECRET,
  signedPost,
  waitUntil,
} from "../../test/bridge/fixtures.ts";
import { readTopic, type TestKafka, testKafka } from "../../test/bridge/kafka.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import { type KafkaBroker, startKafka } from "../kafka/broker.ts";
import type { LocalDatabase } from "../local/database.ts";
import type { BatchLog } from "./app.ts";
import { type Bridge, startBridge } from "./server.ts";

/**
 * Kafka goes away under the bridge and comes back. A broker of its own, because the outage is
 * for real: it is stopped, and started again on the same data dir and port.
 */

const sharedBroker = inject("kafkaBrokers");
/** Bounds the wait for the bridge to notice Kafka is back and for the consumer to catch up. */
const RECOVERY_TIMEOUT_MS = 45_000;

let dataDir: string;
let broker: KafkaBroker;
let database: LocalDatabase;
let reader: ReturnType<typeof openDb>;
let db: Db;
let kafka: TestKafka;
let bridge: Bridge;
const batches: BatchLog[] = [];
const beforeOutage = deliveredOrder();
const duringOutage = [deliveredOrder(), deliveredOrder()];

beforeAll(async () => {
  if (!sharedBroker) return;
  dataDir = mkdtempSync(path.join(tmpdir(), "dizhtime-kafka-outage-"));
  broker = await startKafka({ dataDir });
  kafka = await testKafka(broker.brokers);
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  reader = openDb(database);
  db = reader.db;
  bridge = await startBridge({
    port: 0,
    databaseUrl: database.databaseUrl,
    wsProxy: database.wsProxy,
    secret: SECRET,
    kafka: kafka.options(),
    onBatch: (entry) => batches.push(entry),
  });
});

afterAll(async () => {
  await bridge?.close();
  await reader?.close();
  await database?.close();
  await kafka?.close().catch(() => {});
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function post(events: EventEnvelope[]): Promise<Response> {
  return fetch(`${bridge.url}/v1/events`, await signedPost(batchBody(events)));
}

describe.skipIf(!sharedBroker)("when Kafka goes away and comes back", () => {
  it("takes and applies a batch while Kafka is up", async () => {
    const response = await post(beforeOutage);

    expect(response.status).toBe(200);
    await waitUntil(
      async () => (await historyRow(db, beforeOutage[0]!.aggregateId))?.lastSeq === 9,
      RECOVERY_TIMEOUT_MS,
      "the first order to apply",
    );
  });

  it("answers 503 and acknowledges nothing while Kafka is down, so the actors keep their outbox", async () => {
    await broker.stop();

    for (const events of duringOutage) {
      const response = await post(events);
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body).not.toHaveProperty("accepted");
      expect(ErrorBody.parse(body).error.code).toBe("unavailable");
    }
    expect(batches.slice(-2)).toMatchObject([
      { outcome: "unavailable", count: 9 },
      { outcome: "unavailable", count: 9 },
    ]);
  });

  it("says it is not ready while Kafka is down, and still alive", async () => {
    const ready = await fetch(`${bridge.url}/readyz`);
    const alive = await fetch(`${bridge.url}/healthz`);

    expect(ready.status).toBe(503);
    expect(ErrorBody.parse(await ready.json()).error.code).toBe("unavailable");
    expect(alive.status).toBe(200);
  });

  it("acknowledges the resent batches once Kafka is back, applies them, and has lost nothing", async () => {
    broker = await startKafka({ dataDir, port: broker.port });

    // The actors' outboxes resend with backoff until acknowledged; here, until the bound.
    for (const events of duringOutage) {
      let accepted: string[] = [];
      await waitUntil(
        async () => {
          const response = await post(events);
          if (response.status !== 200) return false;
          accepted = OutboxAck.parse(await response.json()).accepted;
          return true;
        },
        RECOVERY_TIMEOUT_MS,
        "the bridge to take a batch again",
      );
      expect(accepted).toEqual(events.map((e) => e.id));
    }
    for (const events of duringOutage) {
      await waitUntil(
        async () => (await historyRow(db, events[0]!.aggregateId))?.lastSeq === 9,
        RECOVERY_TIMEOUT_MS,
        "the resent orders to apply",
      );
    }
    expect((await fetch(`${bridge.url}/readyz`)).status).toBe(200);
    // The broker came back on the same data dir: what it had before the outage is still there.
    const log = await readTopic(kafka.kafka, kafka.admin, `${kafka.prefix}order.events`);
    const ids = new Set(log.map((m) => m.headers["event-id"]));
    for (const event of [...beforeOutage, ...duringOutage.flat()]) {
      expect(ids.has(event.id)).toBe(true);
    }
  });
});
