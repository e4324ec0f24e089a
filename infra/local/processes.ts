import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeError } from "../../runtime/redact.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** wrangler dev compiles and boots workerd; on a cold two-core machine that can take a while. */
const WORKER_READY_TIMEOUT_MS = 120_000;
/** A child that ignores SIGTERM this long is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs `wrangler dev` (workerd) for a Worker and waits until it answers on `readyPath`. Secrets
 * go through the environment (wrangler reads the names listed in `secrets.required` from it).
 */
export async function startWranglerDev(options: {
  port: number;
  configPath?: string;
  persistTo: string;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  readyPath: string;
  log: (line: string) => void;
  /**
   * Fire the Worker's cron triggers: local workerd does not, so the scheduled handler is called
   * through wrangler's /__scheduled endpoint on the production cadence (every minute).
   */
  crons?: boolean;
}): Promise<ChildProcess> {
  const child = spawnLogged(
    path.join(root, "node_modules", ".bin", "wrangler"),
    [
      "dev",
      ...(options.configPath ? ["--config", options.configPath] : []),
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--inspector-port",
      "0",
      "--persist-to",
      options.persistTo,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
      ...(options.crons ? ["--test-scheduled"] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
    ],
    {
      ...options.secrets,
      WRANGLER_SEND_METRICS: "false",
      // Request.cf comes from Cloudflare's network; a local run must not depend on reaching it.
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      CI: "true",
    },
    options.log,
  );
  try {
    await waitFor(
      `http://127.0.0.1:${options.port}${options.readyPath}`,
      WORKER_READY_TIMEOUT_MS,
      child,
    );
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  if (options.crons) {
    const cron = `http://127.0.0.1:${options.port}/__scheduled?cron=${encodeURIComponent("* * * * *")}`;
    const timer = setInterval(() => {
      fetch(cron)
        .then((response) => response.body?.cancel())
        .catch((error) => options.log(`cron trigger failed: ${describeError(error)}`));
    }, CRON_INTERVAL_MS);
    timer.unref();
    child.once("exit", () => clearInterval(timer));
  }
  return child;
}

/** wrangler.toml's cron, "* * * * *". */
const CRON_INTERVAL_MS = 60_000;

/** Starts a child in its own process group, with node_modules/.bin first on PATH, logging lines. */
export function spawnLogged(
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
export async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 2xx, the child dies, or the time is up. */
export async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
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

/** A port free right now on loopback (another process could still take it before we bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
