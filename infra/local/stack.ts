import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalDatabase, startDatabase } from "./database.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** wrangler dev compiles and boots workerd; on a cold two-core machine that can take a while. */
const WORKER_READY_TIMEOUT_MS = 120_000;
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
    const vars = {
      DB_WS_PROXY: database.wsProxy,
      BRIDGE_URL: bridgeUrl,
      ...options.vars,
    };
    worker = spawnLogged(
      bin("wrangler"),
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(options.workerPort),
        "--inspector-port",
        "0",
        "--persist-to",
        path.join(options.stateDir, "wrangler"),
        "--show-interactive-dev-session=false",
        "--log-level",
        "warn",
        ...Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
      ],
      {
        DATABASE_URL: database.databaseUrl,
        ...secrets,
        WRANGLER_SEND_METRICS: "false",
        CI: "true",
      },
      (line) => log(`[worker] ${line}`),
    );
    await waitFor(`${workerUrl}/api/health`, WORKER_READY_TIMEOUT_MS, worker);
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

function spawnLogged(
  command: string,
  args: string[],
  env: Record<string, string>,
  log: (line: string) => void,
): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(line);
    });
  }
  return child;
}

/** Ends a child and everything it started (wrangler runs workerd as its own child). */
async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}
