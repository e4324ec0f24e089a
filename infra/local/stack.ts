import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { fetchKafka, type KafkaBroker, startKafka } from "../kafka/broker.ts";
import { ensureTopics } from "../kafka/topics.ts";
import { type LocalDatabase, startDatabase } from "./database.ts";
import { spawnLogged, startWranglerDev, stopProcess, waitFor } from "./processes.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

const BRIDGE_READY_TIMEOUT_MS = 30_000;

export type StackOptions = {
  /** Where PGlite, the actors' storage and the local secrets live between runs. */
  stateDir: string;
  workerPort: number;
  bridgePort: number;
  /** A PostgreSQL (or Neon) to use instead of the embedded PGlite. */
  databaseUrl?: string | undefined;
  /**
   * Kafka for the bridge instead of its in-process bus: "local" runs Apache Kafka from the jar
   * cache (fetched once) with its data in the state dir; anything else is KAFKA_BROKERS as is.
   */
  kafkaBrokers?: string | undefined;
  /**
   * Put before every topic name and consumer group id the bridge uses (KAFKA_TOPIC_PREFIX), so
   * several stacks or test files share one cluster without seeing each other's events. With
   * "local" Kafka the topics are created under it; on another cluster they must exist already.
   */
  kafkaTopicPrefix?: string | undefined;
  /**
   * An SMTP server for the platform's mail (SMTP_URL); without it, mail is written as .eml files
   * into the state dir's `mail/` folder (`Stack.mailboxDir`).
   */
  smtpUrl?: string | undefined;
  /** Extra Worker variables, e.g. a short ORDER_ACCEPT_TIMEOUT_MS for tests. */
  vars?: Record<string, string>;
  /** Runs once the database is migrated and before the Worker starts, e.g. seeding. */
  prepare?: (database: LocalDatabase) => Promise<void>;
  log?: (line: string) => void;
};

export type Stack = {
  workerUrl: string;
  bridgeUrl: string;
  database: LocalDatabase;
  /** What the bridge was given as KAFKA_BROKERS; null with the in-process bus. */
  kafkaBrokers: string | null;
  secrets: LocalSecrets;
  /** The folder the mail goes to as .eml files; null when it goes to an SMTP server. */
  mailboxDir: string | null;
  /** Stops the bridge process (its events wait in the actors' outboxes) ... */
  stopBridge(): Promise<void>;
  /** ... and starts it again on the same port. */
  startBridge(): Promise<void>;
  /** Stops the Worker (wrangler dev), keeping its persisted state ... */
  stopWorker(): Promise<void>;
  /** ... and starts it again on the same port. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
};

type LocalSecrets = { JWT_SECRET: string; OUTBOX_SECRET: string; PAYMENTS_WEBHOOK_SECRET: string };

/**
 * The whole platform on one machine, the way `npm start` runs it: the database (PGlite unless a
 * URL is given) behind its WebSocket proxy, the bridge as its own process, and the Worker with its
 * actors under wrangler dev (workerd). Tests and benchmarks start exactly this.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  mkdirSync(options.stateDir, { recursive: true });
  const secrets = loadSecrets(options.stateDir);
  const database = await startDatabase({
    databaseUrl: options.databaseUrl,
    dataDir: options.databaseUrl ? undefined : path.join(options.stateDir, "pglite"),
  });
  await options.prepare?.(database);

  let kafka: KafkaBroker | null = null;
  let kafkaBrokers = options.kafkaBrokers ?? "";
  if (kafkaBrokers === "local") {
    try {
      await fetchKafka({ log });
      kafka = await startKafka({ dataDir: path.join(options.stateDir, "kafka") });
      const admin = new Kafka({
        clientId: "dizh-local",
        brokers: [kafka.brokers],
        logLevel: logLevel.WARN,
      }).admin();
      await admin.connect();
      await ensureTopics(admin, { prefix: options.kafkaTopicPrefix ?? "" }).finally(() =>
        admin.disconnect(),
      );
    } catch (error) {
      await kafka?.stop();
      await database.close();
      throw error;
    }
    kafkaBrokers = kafka.brokers;
  }

  const bridgeUrl = `http://127.0.0.1:${options.bridgePort}`;
  const workerUrl = `http://127.0.0.1:${options.workerPort}`;
  const mailboxDir = options.smtpUrl ? null : path.join(options.stateDir, "mail");
  let bridge: ChildProcess | null = null;
  let worker: ChildProcess | null = null;

  const startBridge = async () => {
    bridge = spawnLogged(
      process.execPath,
      [path.join(root, "infra/bridge/main.ts")],
      {
        PORT: String(options.bridgePort),
        DATABASE_URL: database.databaseUrl,
        DB_WS_PROXY: database.wsProxy,
        OUTBOX_SECRET: secrets.OUTBOX_SECRET,
        ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : { MAILBOX_DIR: mailboxDir! }),
        // Always set, so a KAFKA_BROKERS=local in this process's environment never reaches it.
        KAFKA_BROKERS: kafkaBrokers,
        ...(options.kafkaTopicPrefix === undefined
          ? {}
          : { KAFKA_TOPIC_PREFIX: options.kafkaTopicPrefix }),
      },
      (line) => log(`[bridge] ${line}`),
    );
    await waitFor(`${bridgeUrl}/healthz`, BRIDGE_READY_TIMEOUT_MS, bridge);
  };

  const startWorker = async () => {
    // wrangler.toml serves the apps from dist/apps: a stack started without building them
    // (tests, benchmarks) still has the folder it names, and serves the API alone.
    mkdirSync(path.join(root, "dist/apps"), { recursive: true });
    worker = await startWranglerDev({
      port: options.workerPort,
      persistTo: path.join(options.stateDir, "wrangler"),
      vars: {
        DB_WS_PROXY: database.wsProxy,
        BRIDGE_URL: bridgeUrl,
        PUBLIC_URL: workerUrl,
        ...options.vars,
      },
      secrets: { DATABASE_URL: database.databaseUrl, ...secrets },
      readyPath: "/api/health",
      log: (line) => log(`[worker] ${line}`),
      crons: true,
    });
  };

  try {
    await startBridge();
    await startWorker();
  } catch (error) {
    await stopProcess(worker);
    await stopProcess(bridge);
    await kafka?.stop();
    await database.close();
    throw error;
  }

  return {
    workerUrl,
    bridgeUrl,
    database,
    kafkaBrokers: kafkaBrokers || null,
    secrets,
    mailboxDir,
    startBridge,
    stopBridge: async () => {
      await stopProcess(bridge);
      bridge = null;
    },
    startWorker,
    stopWorker: async () => {
      await stopProcess(worker);
      worker = null;
    },
    stop: async () => {
      await stopProcess(worker);
      await stopProcess(bridge);
      await kafka?.stop();
      await database.close();
    },
  };
}

/**
 * Secrets for this state directory: made once, kept, so sessions and signed batches survive a
 * restart of the local stack. Never used outside local runs.
 */
function loadSecrets(stateDir: string): LocalSecrets {
  const file = path.join(stateDir, "secrets.json");
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>)
    : {};
  // A state dir made before a secret existed gets the new one; the ones it has are kept.
  const secrets = {
    JWT_SECRET: stored.JWT_SECRET ?? randomBytes(32).toString("hex"),
    OUTBOX_SECRET: stored.OUTBOX_SECRET ?? randomBytes(32).toString("hex"),
    PAYMENTS_WEBHOOK_SECRET: stored.PAYMENTS_WEBHOOK_SECRET ?? randomBytes(32).toString("hex"),
  };
  if (Object.keys(stored).length !== Object.keys(secrets).length) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
