import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { and, eq, inArray } from "drizzle-orm";
import { Kafka, logLevel, type Message, Partitioners } from "kafkajs";
import { z } from "zod";
import { messageOf } from "../../infra/bridge/kafka-bus.ts";
import { fetchKafka, kafkaVersion, startKafka } from "../../infra/kafka/broker.ts";
import { ensureTopics } from "../../infra/kafka/topics.ts";
import { startDatabase } from "../../infra/local/database.ts";
import { freePort, spawnLogged, stopProcess, waitFor } from "../../infra/local/processes.ts";
import { openDb } from "../../runtime/db.ts";
import { orderHistory } from "../../schema/db/orders.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { SIGNATURE_HEADER, signBody } from "../../schema/outbox.ts";
import { batchBody, deliveredOrder, SECRET } from "../../test/bridge/fixtures.ts";
import { fmt, summarize, table } from "../stats.ts";

/**
 * bench/bridge: the bridge on a real Apache Kafka (one KRaft node from the jar cache, on
 * loopback), with a bare kafkajs producer on the same broker in the same run as the baseline.
 *
 *   (a) end to end: signed batches POSTed as actors send them -> bridge -> Kafka -> the
 *       order-history consumer group -> order_history, measured until each batch's row shows its
 *       last event. First flat out (events applied per second), then paced at half that rate for
 *       latency (p50, p99), so the latency is the pipeline's and not a growing backlog's.
 *   (b) produce: events per second through POST /v1/events with Kafka's acknowledgement (a bridge
 *       that only ingests), against a bare idempotent kafkajs producer sending the same batches
 *       with acks from all in-sync replicas, the same number of senders at once; alternating, two
 *       rounds each, best round reported.
 *
 * Run: npm run bench:bridge [-- --orders 1000 --senders 16 --produce-events 20000]
 * With DATABASE_URL set, order_history lives in that PostgreSQL; otherwise in PGlite.
 */
const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000" },
    senders: { type: "string", default: "16" },
    "produce-events": { type: "string", default: "20000" },
    "seconds-max": { type: "string", default: "120" },
  },
});
const Options = z.object({
  orders: z.coerce.number().int().min(10, "--orders must be >= 10").max(100_000),
  senders: z.coerce.number().int().min(1, "--senders must be >= 1").max(256),
  produceEvents: z.coerce.number().int().min(100, "--produce-events must be >= 100").max(1_000_000),
  secondsMax: z.coerce.number().int().min(5, "--seconds-max must be >= 5").max(3_600),
});
const parsed = Options.safeParse({
  orders: values.orders,
  senders: values.senders,
  produceEvents: values["produce-events"],
  secondsMax: values["seconds-max"],
});
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => i.message).join("\n"));
  process.exit(2);
}
const options = parsed.data;
/** Every phase gives up past this, so a stuck pipeline ends the run instead of hanging it. */
const PHASE_MS_MAX = options.secondsMax * 1000;
/** Orders sent before each measurement, so connections, JIT and consumer groups are warm. */
const WARMUP_ORDERS = 50;
/** Batch sizes of the produce comparison: one order's life (9), and a full outbox batch (100). */
const PRODUCE_BATCH_SIZES = [9, 100];
/** How often the applied rows are polled; the end-to-end latency is this coarse. */
const POLL_MS = 5;

const root = fileURLToPath(new URL("../..", import.meta.url));
const stateDir = mkdtempSync(path.join(tmpdir(), "dizhtime-bench-bridge-"));
const children: ChildProcess[] = [];
const quiet = (line: string) => {
  if (/"level":"error"|error/i.test(line) && !/coordinator|ECONNREFUSED/.test(line)) {
    process.stderr.write(`${line}\n`);
  }
};

/**
 * The machine's load average: the figures are only comparable between runs on an equally busy
 * machine (two cores here, often shared), so each run says how busy it was.
 */
function loadLine(): string {
  return `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`;
}

type Signed = { body: string; signature: string };

async function sign(events: EventEnvelope[]): Promise<Signed> {
  const body = batchBody(events, `order:${events[0]!.aggregateId}`);
  return { body, signature: await signBody(SECRET, body, Date.now()) };
}

async function post(url: string, batch: Signed): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: batch.signature },
    body: batch.body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the bridge answered ${response.status}`);
}

/** Runs `work(i)` for i in [0, count) with `concurrency` loops, bounded by PHASE_MS_MAX. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  const deadline = Date.now() + PHASE_MS_MAX;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        if (Date.now() > deadline) throw new Error(`phase exceeded ${PHASE_MS_MAX} ms`);
        await work(i);
      }
    }),
  );
}

let broker: Awaited<ReturnType<typeof startKafka>> | undefined;
let database: Awaited<ReturnType<typeof startDatabase>> | undefined;
try {
  await fetchKafka({ log: (line) => console.log(line) });
  broker = await startKafka({ dataDir: path.join(stateDir, "kafka") });
  database = await startDatabase({ databaseUrl: process.env.DATABASE_URL });
  const kafka = new Kafka({
    clientId: "bench",
    brokers: [broker.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const brokers = broker.brokers;
  const db = database;

  /** A bridge process, as main.ts runs in production, on topics under `prefix`. */
  const startBridgeProcess = async (prefix: string, mode: "all" | "ingest") => {
    await ensureTopics(admin, { prefix });
    const port = await freePort();
    const child = spawnLogged(
      process.execPath,
      [path.join(root, "infra/bridge/main.ts")],
      {
        PORT: String(port),
        DATABASE_URL: db.databaseUrl,
        DB_WS_PROXY: db.wsProxy,
        OUTBOX_SECRET: SECRET,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        BRIDGE_MODE: mode,
      },
      quiet,
    );
    children.push(child);
    await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000, child);
    await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000, child);
    return { url: `http://127.0.0.1:${port}/v1/events`, child };
  };

  console.log(
    `bench/bridge: Apache Kafka ${kafkaVersion()} (one KRaft node, loopback), ${database.kind}, ${availableParallelism()} cores, ${loadLine()}\n`,
  );

  // (a) End to end.
  const e2e = await startBridgeProcess(`bench-e2e-${Date.now()}.`, "all");
  const reader = openDb(database);
  /** Sends each order's life as one batch; resolves with when each was sent and applied. */
  const flow = async (orders: EventEnvelope[][], pace: ((i: number) => number) | null) => {
    const signed = await Promise.all(orders.map(sign));
    const ids = orders.map((events) => events[0]!.aggregateId);
    const sentAt = new Map<string, number>();
    const ackMs: number[] = [];
    const appliedAt = new Map<string, number>();
    const startedMs = performance.now();
    const sending = pool(orders.length, options.senders, async (i) => {
      const due = pace ? startedMs + pace(i) : 0;
      while (pace && performance.now() < due) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
      const t = performance.now();
      sentAt.set(ids[i]!, t);
      await post(e2e.url, signed[i]!);
      ackMs.push(performance.now() - t);
    });
    let sendError: unknown = null;
    sending.catch((error: unknown) => {
      sendError = error;
    });
    const deadline = Date.now() + PHASE_MS_MAX;
    while (appliedAt.size < ids.length) {
      if (sendError) throw sendError;
      if (Date.now() > deadline) throw new Error(`not applied within ${PHASE_MS_MAX} ms`);
      const waiting = ids.filter((id) => sentAt.has(id) && !appliedAt.has(id));
      if (waiting.length > 0) {
        const rows = await reader.db
          .select({ id: orderHistory.orderId })
          .from(orderHistory)
          .where(and(inArray(orderHistory.orderId, waiting), eq(orderHistory.lastSeq, 9)));
        const now = performance.now();
        for (const row of rows) appliedAt.set(row.id, now);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await sending;
    const endMs = Math.max(...appliedAt.values());
    return {
      events: orders.flat().length,
      seconds: (endMs - startedMs) / 1000,
      ackMs,
      e2eMs: ids.map((id) => appliedAt.get(id)! - sentAt.get(id)!),
    };
  };
  const orders = (n: number) => Array.from({ length: n }, () => deliveredOrder());
  await flow(orders(WARMUP_ORDERS), null);
  const flat = await flow(orders(options.orders), null);
  const eventsPerSecond = flat.events / flat.seconds;
  const pacedOrders = Math.max(WARMUP_ORDERS, Math.floor(options.orders / 2));
  const batchesPerMs = eventsPerSecond / 2 / 9 / 1000;
  const paced = await flow(orders(pacedOrders), (i) => i / batchesPerMs);
  await reader.close();
  await stopProcess(e2e.child);

  const ack = summarize(paced.ackMs);
  const lat = summarize(paced.e2eMs);
  const flatLat = summarize(flat.e2eMs);
  console.log(
    `(a) end to end: POST (one order's 9 events per batch, ${options.senders} actors) -> bridge -> Kafka -> order-history -> order_history`,
  );
  console.log(
    table(
      ["measure", "n", "value"],
      [
        [
          "events applied, flat out",
          String(flat.events),
          `${fmt(eventsPerSecond, 0)} events/s (${fmt(flat.seconds)} s)`,
        ],
        [
          `e2e latency at ${fmt(eventsPerSecond / 2, 0)} events/s`,
          String(paced.e2eMs.length),
          `p50 ${fmt(lat.p50, 1)} ms   p99 ${fmt(lat.p99, 1)} ms`,
        ],
        [
          "POST acknowledged (Kafka has it)",
          String(paced.ackMs.length),
          `p50 ${fmt(ack.p50, 1)} ms   p99 ${fmt(ack.p99, 1)} ms`,
        ],
        [
          "(context) e2e latency, flat out",
          String(flat.e2eMs.length),
          `p50 ${fmt(flatLat.p50, 1)} ms   p99 ${fmt(flatLat.p99, 1)} ms`,
        ],
      ],
    ),
  );

  // (b) Produce rate: the bridge against a bare kafkajs producer.
  const prefix = `bench-produce-${Date.now()}.`;
  const ingest = await startBridgeProcess(prefix, "ingest");
  const bare = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await bare.connect();
  const topic = `${prefix}order.events`;
  /** Events in batches of `size`, each batch several whole orders' lives cut to size. */
  const batchesOf = (size: number): EventEnvelope[][] => {
    const events = orders(Math.ceil(options.produceEvents / 9)).flat();
    const out: EventEnvelope[][] = [];
    for (let i = 0; i < options.produceEvents; i += size) out.push(events.slice(i, i + size));
    return out;
  };
  const viaBridge = async (size: number) => {
    const signed = await Promise.all(batchesOf(size).map(sign));
    const t = performance.now();
    await pool(signed.length, options.senders, (i) => post(ingest.url, signed[i]!));
    return options.produceEvents / ((performance.now() - t) / 1000);
  };
  const viaBare = async (size: number) => {
    const batches: Message[][] = batchesOf(size).map((batch) => batch.map(messageOf));
    const t = performance.now();
    await pool(batches.length, options.senders, async (i) => {
      await bare.sendBatch({ topicMessages: [{ topic, messages: batches[i]! }], acks: -1 });
    });
    return options.produceEvents / ((performance.now() - t) / 1000);
  };
  await viaBare(100);
  await viaBridge(100);
  const rows: string[][] = [];
  const ratios: number[] = [];
  for (const size of PRODUCE_BATCH_SIZES) {
    const bareRates: number[] = [];
    const bridgeRates: number[] = [];
    for (let round = 0; round < 2; round++) {
      bareRates.push(await viaBare(size));
      bridgeRates.push(await viaBridge(size));
    }
    const b = Math.max(...bareRates);
    const g = Math.max(...bridgeRates);
    ratios.push(g / b);
    rows.push([String(size), fmt(b, 0), fmt(g, 0), `${fmt(g / b, 2)}x`]);
  }
  await bare.disconnect();
  await stopProcess(ingest.child);
  await admin.disconnect();
  console.log(
    `\n(b) produce, acks from all in-sync replicas, idempotent, ${options.senders} senders, ${options.produceEvents} events per round (best of 2)`,
  );
  console.log(
    table(["batch", "bare kafkajs events/s", "bridge POST events/s", "bridge / bare"], rows),
  );
  console.log(`\nratio bridge / bare producer: ${ratios.map((r) => `${fmt(r, 2)}x`).join(", ")}`);
  console.log(`machine at the end: ${loadLine()}`);
} finally {
  for (const child of children) await stopProcess(child);
  await database?.close();
  await broker?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
