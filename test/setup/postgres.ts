import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

/**
 * A throwaway PostgreSQL cluster for a test run on a machine where PostgreSQL's server is
 * installed but nothing names a database (no DATABASE_URL): the run starts its own, as it starts
 * its own Kafka, so a newcomer's `npm test` leaves nothing out. CI names its database itself.
 * Durability is traded for speed (no fsync): the cluster is deleted when the run ends.
 */

export type ThrowawayPostgres = { url: string; stop(): void };

/** Where PostgreSQL's programs are: on PATH, or where Debian's package puts them. */
function postgresBin(): string | null {
  const onPath = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (onPath.status === 0 && existsSync(path.join(onPath.stdout.trim(), "initdb"))) {
    return onPath.stdout.trim();
  }
  const debian = "/usr/lib/postgresql";
  if (!existsSync(debian)) return null;
  const versions = readdirSync(debian)
    .filter((v) => existsSync(path.join(debian, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(debian, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts a cluster, or answers null when PostgreSQL's server is not installed. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(tmpdir(), "dizhtime-postgres-"));
  const data = path.join(dir, "data");
  const password = crypto.randomUUID();
  writeFileSync(path.join(dir, "password"), password);
  // PostgreSQL refuses to run as root: there it runs as the `postgres` user Debian's package made.
  const root = userInfo().uid === 0;
  if (root) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (ids.status !== 0)
      throw new Error("running as root, and there is no postgres user to run PostgreSQL as");
    chownSync(dir, Number(ids.stdout), Number(gids.stdout));
    chownSync(path.join(dir, "password"), Number(ids.stdout), Number(gids.stdout));
  }
  chmodSync(dir, 0o700);
  const run = (program: string, args: string[], options: SpawnSyncOptions = {}) => {
    const [command, argv] = root
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]]
      : [path.join(bin, program), args];
    const done = spawnSync(command, argv, { encoding: "utf8", ...options });
    if (done.status !== 0) {
      throw new Error(`${program} failed: ${String(done.stderr || done.stdout).slice(0, 2_000)}`);
    }
  };
  const port = await freePort();
  run("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    `--pwfile=${path.join(dir, "password")}`,
  ]);
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    path.join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    "start",
  ]);
  run("createdb", ["-h", dir, "-p", String(port), "-U", "postgres", "dizhtime_test"]);
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/dizhtime_test`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
