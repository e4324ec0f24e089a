import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
  secrets: LocalSecrets;
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

type LocalSecrets = { JWT_SECRET: string; OUTBOX_SECRET: string };

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

  const bridgeUrl = `http://127.0.0.1:${options.bridgePort}`;
  const workerUrl = `http://127.0.0.1:${options.workerPort}`;
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
      },
      (line) => log(`[bridge] ${line}`),
    );
    await waitFor(`${bridgeUrl}/healthz`, BRIDGE_READY_TIMEOUT_MS, bridge);
  };

  const startWorker = async () => {
    worker = await startWranglerDev({
      port: options.workerPort,
      persistTo: path.join(options.stateDir, "wrangler"),
      vars: { DB_WS_PROXY: database.wsProxy, BRIDGE_URL: bridgeUrl, ...options.vars },
      secrets: { DATABASE_URL: database.databaseUrl, ...secrets },
      readyPath: "/api/health",
      log: (line) => log(`[worker] ${line}`),
    });
  };

  try {
    await startBridge();
    await startWorker();
  } catch (error) {
    await stopProcess(worker);
    await stopProcess(bridge);
    await database.close();
    throw error;
  }

  return {
    workerUrl,
    bridgeUrl,
    database,
    secrets,
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
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  const secrets = {
    JWT_SECRET: randomBytes(32).toString("hex"),
    OUTBOX_SECRET: randomBytes(32).toString("hex"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
