import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { analyticsConsumer } from "../../read-models/analytics.ts";
import { postgresDeadLetters } from "../../read-models/dead-letters.ts";
import { ledgerFlowsConsumer } from "../../read-models/money-flows.ts";
import { orderHistoryConsumer } from "../../read-models/order-history.ts";
import { searchIndexer } from "../../read-models/search-indexer.ts";
import { openDb } from "../../runtime/db.ts";
import { startMailer } from "../mailer/relay.ts";
import { mailboxTransport, smtpTransport } from "../mailer/transport.ts";
import { type BatchLog, createBridgeApp } from "./app.ts";
import { type EventBus, InProcessBus } from "./bus.ts";
import { type CatalogRelay, startCatalogRelay } from "./catalog-relay.ts";
import type { MailConfig } from "./config.ts";
import { KafkaBus, type KafkaOptions } from "./kafka-bus.ts";
import { startLedgerRelay } from "./ledger-relay.ts";
import { type BridgeMetrics, createBridgeMetrics, measured } from "./metrics.ts";
import { platformMetrics } from "./platform-metrics.ts";
import type { RelayLoop } from "./relay-loop.ts";
import { systemHealth } from "./system-health.ts";

export type BridgeOptions = {
  /** 0 picks a free port (tests). */
  port: number;
  databaseUrl: string;
  /** host:port of the WebSocket proxy in front of a plain Postgres; empty for Neon. */
  wsProxy: string;
  /** The HMAC secret shared with the actors' outboxes. */
  secret: string;
  /** Loopback by default: locally the Worker is the only sender. Kubernetes sets 0.0.0.0. */
  hostname?: string;
  onBatch?: (entry: BatchLog) => void;
  /** Kafka instead of the in-process bus (KAFKA_BROKERS); see kafka-bus.ts. */
  kafka?: KafkaOptions | undefined;
  /** Operational lines other than batches (Kafka client, consumers), as JSON-ready objects. */
  log?: (line: Record<string, unknown>) => void;
  /**
   * How often the Postgres relays (the catalog outbox, catalog-relay.ts; the ledger feed,
   * ledger-relay.ts; the mail outbox, infra/mailer/) look for new rows; tests shorten it.
   */
  catalogRelayIntervalMs?: number;
  /** Sends the mail outbox (infra/mailer/) over SMTP or into a folder; without it, mail waits. */
  mail?: MailConfig | undefined;
};

export type Bridge = {
  port: number;
  url: string;
  metrics: BridgeMetrics;
  /** The Kafka bus when running on Kafka (for replays), null with the in-process bus. */
  kafka: KafkaBus | null;
  close(): Promise<void>;
};

/**
 * Starts the bridge with its bus and consumers: the embedded in-process bus, or Kafka when
 * `kafka` is given (then the consumers run as consumer group members, unless the mode is
 * "ingest"). One long-lived pool serves every batch: the bridge is a long-running Node process
 * (unlike a Worker, it may keep sockets between requests), and a fresh pool per batch would pay a
 * connection handshake each time.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  if (!options.secret) throw new Error("secret must be set");
  const log = options.log ?? (() => {});
  const database = openDb({ databaseUrl: options.databaseUrl, wsProxy: options.wsProxy });
  const deadLetters = postgresDeadLetters(database.db);
  const metrics = createBridgeMetrics();
  const platform = platformMetrics(metrics.registry, database.db, Date.now);
  const kafka = options.kafka
    ? new KafkaBus({ options: options.kafka, deadLetters, metrics, log, nowMs: Date.now })
    : null;
  const bus: EventBus = kafka ?? new InProcessBus({ deadLetters });
  if (kafka?.mode !== "ingest") {
    // The read models this bridge keeps, each its own consumer group on Kafka.
    const consumers = [
      orderHistoryConsumer({ db: database.db, deadLetters }),
      searchIndexer({ db: database.db, deadLetters }),
      analyticsConsumer({ db: database.db, deadLetters }),
      ledgerFlowsConsumer({ db: database.db, deadLetters }),
      platform.stream,
    ];
    for (const consumer of consumers) bus.subscribe(measured(consumer, metrics, Date.now));
  }
  kafka?.start();
  // The catalog's outbox is relayed by whichever bridge takes events in (not a consume-only one).
  const relay: CatalogRelay | null =
    kafka?.mode === "consume"
      ? null
      : startCatalogRelay({
          db: database.db,
          bus,
          log,
          ...(options.catalogRelayIntervalMs === undefined
            ? {}
            : { intervalMs: options.catalogRelayIntervalMs }),
        });

  // The ledger's feed likewise (ledger-relay.ts): its tables are the outbox.
  const ledgerRelay: RelayLoop | null =
    kafka?.mode === "consume"
      ? null
      : startLedgerRelay({
          db: database.db,
          bus,
          log,
          ...(options.catalogRelayIntervalMs === undefined
            ? {}
            : { intervalMs: options.catalogRelayIntervalMs }),
        });

  // Mail goes out from the bridges that relay (never a consume-only one), like the outboxes.
  const mail = kafka?.mode === "consume" ? undefined : options.mail;
  const transport = mail
    ? "smtpUrl" in mail
      ? smtpTransport(mail.smtpUrl)
      : mailboxTransport(mail.mailboxDir)
    : null;
  const mailer: RelayLoop | null =
    mail && transport
      ? startMailer({
          db: database.db,
          transport,
          from: mail.from,
          nowMs: Date.now,
          log,
          ...(options.catalogRelayIntervalMs === undefined
            ? {}
            : { intervalMs: options.catalogRelayIntervalMs }),
        })
      : null;
  if (transport) log({ msg: "mailer.started", to: transport.describe });

  let closing = false;
  const onBatch = options.onBatch;
  const app = createBridgeApp({
    bus,
    secret: options.secret,
    ready: async () => {
      await database.db.execute(sql`select 1`);
      await kafka?.ready();
    },
    nowMs: Date.now,
    onBatch: (entry) => {
      metrics.batchSeconds.observe({ outcome: entry.outcome }, entry.durationMs / 1000);
      onBatch?.(entry);
    },
    metrics: () => metrics.render(),
    system: async () => systemHealth(await metrics.registry.getMetricsAsJSON(), Date.now()),
    telemetry: (batch) => platform.edge.ingest(batch, Date.now()),
  });
  // Once closing, every answer says so, so keep-alive clients let go of their connection and
  // the server can finish instead of waiting out their idle timeout.
  const fetch: typeof app.fetch = async (request, ...rest) => {
    const response = await app.fetch(request, ...rest);
    if (closing) response.headers.set("connection", "close");
    return response;
  };

  const hostname = options.hostname ?? "127.0.0.1";
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    address: AddressInfo;
  }>((resolve, reject) => {
    const server = serve({ fetch, port: options.port, hostname }, (address) =>
      resolve({ server, address }),
    );
    server.once("error", reject);
  }).catch(async (error: unknown) => {
    // Listening failed (the port is taken): leave nothing open behind.
    await relay?.close();
    await ledgerRelay?.close();
    await mailer?.close();
    transport?.close();
    await bus.close();
    await database.close();
    throw error;
  });

  let closed: Promise<void> | null = null;
  return {
    port: address.port,
    url: `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${address.port}`,
    metrics,
    kafka,
    close() {
      closed ??= (async () => {
        closing = true;
        // Stop accepting, then wait for the requests in flight: each either acknowledges its batch
        // or fails it, never half of one. Only then may the bus go (consumers finish and commit
        // their batches in flight and leave their groups), and the pool after it.
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        await relay?.close();
        await ledgerRelay?.close();
        await mailer?.close();
        transport?.close();
        await bus.close();
        await database.close();
      })();
      return closed;
    },
  };
}
