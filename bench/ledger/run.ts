import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { migrateDatabase } from "../../infra/db/migrate.ts";
import { payableOf, platform, walletOf } from "../../ledger/chart.ts";
import { createTransfers, ensureAccounts, ledgerInvariants } from "../../ledger/engine.ts";
import { type Db, openDb } from "../../runtime/db.ts";
import type { TransferInput } from "../../schema/ledger.ts";
import { fmt, summarize, table } from "../stats.ts";

/**
 * bench/ledger: transfers per second through the ledger the app uses (`createTransfers`, the Neon
 * serverless driver over the local WebSocket proxy, as the Worker reaches Postgres), one transfer
 * per call and 100 per call, at concurrency 1, 8 and 32; and in the same run, on the same server
 * and at the same concurrency, pgbench's built-in TPC-B-like script as the baseline.
 *
 * The workload: a payment from a random customer wallet (flagged never below zero, funded ahead)
 * to a random restaurant payable, among --accounts of each, with a random amount.
 *
 * Each database is the bench's own, on the server of DATABASE_URL (or the local default):
 * `dizhtime_bench_ledger`, created afresh every run so every run starts from the same empty
 * ledger, and `dizhtime_pgbench`, initialised by `pgbench -i` at a scale of at least the highest
 * concurrency, 32 by default (pgbench's documentation: below that it mostly measures contention on
 * the branch rows, a baseline too easy to beat). It is kept between runs and re-initialised when
 * its scale differs or with --pgbench-init; each TPC-B run vacuums it as pgbench always does.
 *
 * The machine is shared, so its load drifts during a run. Every figure is measured in two slices
 * in mirrored order (pgbench, engine, single, batched, then batched, single, engine, pgbench):
 * a drift that is linear over a concurrency's measurements weighs on every figure alike.
 *
 * For diagnosis, one more column: the engine call a single transfer makes (`ledger_create_transfer`)
 * driven by pgbench over libpq (a custom script, one transfer per transaction), which separates the
 * engine's own cost from the cost of the driver's path (Node, WebSocket, proxy) that the Worker
 * pays, and which on this machine shares the two cores with Postgres.
 *
 * Accounts: 10,000 wallets and 10,000 payables by default, a small city's. With far fewer, two
 * concurrent batches of 100 random payments nearly always share accounts (100 of 1,000 each) and
 * queue on each other's row locks, so the bench would measure its own contention more than the
 * ledger; `--accounts 1000` shows that case.
 *
 *   npm run bench:ledger [-- --seconds 4 --concurrency 1,8,32 --batch 100 --accounts 10000
 *                          --writes query --pgbench-scale 32 --pgbench-init]
 *
 * Every loop is bounded in count and in time; the default run takes about two and a half minutes.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    concurrency: { type: "string", default: "1,8,32" },
    batch: { type: "string", default: "100" },
    accounts: { type: "string", default: "10000" },
    pgbench: { type: "string", default: "/usr/lib/postgresql/15/bin/pgbench" },
    "pgbench-scale": { type: "string" },
    "pgbench-init": { type: "boolean", default: false },
    writes: { type: "string", default: "query" },
  },
});
/**
 * How the Neon driver's writes reach the WebSocket. A query is five Postgres messages (Parse,
 * Bind, Describe, Execute, Sync), written one by one. The driver coalesces them into one frame,
 * flushed by setTimeout(0): in workerd, where the app runs, that is the next turn of the event
 * loop, but Node clamps it to 1 ms, a millisecond per query the Worker does not pay.
 * - `query` (default): one frame per query, flushed at the end of the current job: the driver's
 *   behaviour in workerd, without Node's clamp;
 * - `message`: each message its own frame (`coalesceWrites = false`, as the tests run it): five
 *   frames, five writes by the proxy and up to five wake-ups of the backend per query;
 * - `driver`: the driver's default in Node, with the 1 ms clamp.
 */
const WRITES = values.writes;
if (WRITES !== "query" && WRITES !== "message" && WRITES !== "driver") {
  throw new Error("--writes must be query, message or driver");
}
neonConfig.coalesceWrites = WRITES === "driver";
if (WRITES === "query") neonConfig.webSocketConstructor = framePerQuery(WebSocket);
/** One slice of one measurement; every figure is two slices. */
const SLICE_S = Number(values.seconds);
const CONCURRENCY = values.concurrency.split(",").map(Number);
const BATCH = Number(values.batch);
const ACCOUNTS = Number(values.accounts);
const PGBENCH = values.pgbench;
/** The issue's highest concurrency, or a higher one asked for: one scale for every run. */
const PGBENCH_SCALE = Number(values["pgbench-scale"] ?? Math.max(32, ...CONCURRENCY));
if (!(Number.isInteger(SLICE_S) && SLICE_S >= 1 && SLICE_S <= 300)) {
  throw new Error("--seconds must be a whole number 1..300 (pgbench -T takes whole seconds)");
}
if (!CONCURRENCY.every((c) => Number.isInteger(c) && c >= 1 && c <= 40)) {
  // pgbench's and the ledger's connections are open together: 2 x 40 stays within PostgreSQL's
  // default of 100 connections with room for the tests others run on the same server.
  throw new Error("--concurrency must be integers 1..40");
}
if (!(Number.isInteger(BATCH) && BATCH >= 1 && BATCH <= 1000)) throw new Error("--batch 1..1000");
if (!(Number.isInteger(ACCOUNTS) && ACCOUNTS >= 2 && ACCOUNTS <= 100_000)) {
  throw new Error("--accounts must be 2..100000");
}
if (!(Number.isInteger(PGBENCH_SCALE) && PGBENCH_SCALE >= 1 && PGBENCH_SCALE <= 1_000)) {
  throw new Error("--pgbench-scale must be 1..1000");
}
/** Calls per worker per slice at most: far above what 300 s allows, a guard against a bug. */
const CALLS_PER_WORKER_MAX = 10_000_000;
/**
 * Funding: every wallet starts with more than a run can spend (a payment is at most 5,000 cents;
 * a run makes well under a million), and all of them together stay far below the 2^53 a balance
 * may reach.
 */
const FUNDING_CENTS = 10_000_000_000;
const PAYMENT_CENTS_MAX = 5_000;
/** pgbench -i at scale 32 takes about 20 s on the 2-core dev machine; ten times that is a hang. */
const PGBENCH_INIT_TIMEOUT_MS = 300_000;
const PGBENCH_TIMEOUT_MS = SLICE_S * 1000 + 60_000;
const LEDGER_DATABASE = "dizhtime_bench_ledger";
const PGBENCH_DATABASE = "dizhtime_pgbench";
const DEFAULT_SERVER = "postgres://postgres:postgres@127.0.0.1:5432/postgres";

type Kind = "pgbench" | "engine" | "single" | "batched";
const KINDS: Kind[] = ["pgbench", "engine", "single", "batched"];

const scriptDir = mkdtempSync(path.join(tmpdir(), "dizhtime-bench-ledger-"));
const serverUrl = new URL(process.env.DATABASE_URL ?? DEFAULT_SERVER);
const proxy = await startProxyThread(serverUrl);
const pools: Array<ReturnType<typeof openDb>> = [];
try {
  const ledgerUrl = await freshDatabase(LEDGER_DATABASE);
  const pgbenchUrl = databaseUrl(PGBENCH_DATABASE);
  const database = { databaseUrl: ledgerUrl, wsProxy: proxy.url };
  await migrateDatabase(database);
  console.log(
    `bench/ledger: ${serverUrl.host}, ${SLICE_S * 2} s per figure (two slices), ` +
      `concurrency ${CONCURRENCY.join("/")}, batches of ${BATCH}, ${ACCOUNTS} wallets and payables, ` +
      `driver writes: one frame per ${WRITES === "message" ? "message" : "query"}${WRITES === "driver" ? " after 1 ms" : ""}, ` +
      `pgbench scale ${PGBENCH_SCALE}`,
  );
  const main = openDb(database);
  pools.push(main);
  const { db } = main;
  const { wallets, payables } = await prepareAccounts(db);
  await preparePgbench(pgbenchUrl);
  const engineScript = await writeEngineScript(db, wallets, payables);

  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const c of CONCURRENCY) {
    while (pools.length < c + 1) pools.push(openDb(database));
    const dbs = pools.slice(1, c + 1).map((p) => p.db);
    await Promise.all(dbs.map((d) => d.execute(sql`select 1`)));

    const totals = new Map<Kind, { work: number; seconds: number; latencies: number[] }>(
      KINDS.map((k) => [k, { work: 0, seconds: 0, latencies: [] }]),
    );
    for (const kind of [...KINDS, ...[...KINDS].reverse()]) {
      const slice =
        kind === "pgbench"
          ? await pgbenchSlice(pgbenchUrl, c, [])
          : kind === "engine"
            ? await pgbenchSlice(ledgerUrl, c, ["-n", "-f", engineScript])
            : await ledgerSlice(dbs, kind === "single" ? 1 : BATCH, wallets, payables);
      const total = totals.get(kind)!;
      total.work += slice.work;
      total.seconds += slice.seconds;
      total.latencies.push(...slice.latencies);
    }
    const rate = (k: Kind) => totals.get(k)!.work / totals.get(k)!.seconds;
    const latency = (k: Kind) => summarize(totals.get(k)!.latencies);
    const [pgbench, engine, single, batched] = KINDS.map(rate) as [number, number, number, number];
    rows.push([
      String(c),
      fmt(pgbench, 0),
      fmt(engine, 0),
      fmt(single, 0),
      `${fmt(single / pgbench)}x`,
      `${fmt(latency("single").p50)} / ${fmt(latency("single").p99)}`,
      fmt(batched, 0),
      `${fmt(batched / pgbench)}x`,
      `${fmt(latency("batched").p50)} / ${fmt(latency("batched").p99)}`,
    ]);
    verdicts.push(
      `c=${c}: single ${single / pgbench >= 0.8 ? "meets" : "MISSES"} 0.8x, ` +
        `batched ${batched / pgbench >= 5 ? "meets" : "MISSES"} 5x`,
    );
    console.log(
      `  c=${c}: pgbench ${fmt(pgbench, 0)} tps, engine via libpq ${fmt(engine, 0)}/s, ` +
        `single ${fmt(single, 0)}/s, batched ${fmt(batched, 0)}/s`,
    );
  }

  const invariants = await ledgerInvariants(db, Date.now());
  console.log("");
  console.log(
    table(
      [
        "concurrency",
        "pgbench tps",
        "engine via libpq/s",
        "single transfers/s",
        "vs pgbench",
        "call p50/p99 ms",
        `batch(${BATCH}) transfers/s`,
        "vs pgbench",
        "call p50/p99 ms",
      ],
      rows,
    ),
  );
  console.log(`\naims: single >= 0.8x pgbench, batched >= 5x. ${verdicts.join("; ")}.`);
  console.log(
    `After the run the ledger is ${invariants.balanced ? "balanced" : "NOT BALANCED"} ` +
      `(${invariants.currencies.map((c) => `${c.currency} debits ${c.debitsPosted} = credits ${c.creditsPosted}`).join("; ")}).`,
  );
  if (!invariants.balanced) process.exitCode = 1;
} finally {
  await Promise.all(pools.map((p) => p.close()));
  await proxy.close();
  rmSync(scriptDir, { recursive: true, force: true });
}

/**
 * A WebSocket class that sends everything written to it during one job as one frame, as the Neon
 * driver's own coalescing does in workerd (see --writes).
 */
function framePerQuery(Base: typeof WebSocket): typeof WebSocket {
  return class FramePerQuery extends Base {
    #queued: Uint8Array[] = [];

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (!(data instanceof Uint8Array)) {
        this.#flush();
        super.send(data);
        return;
      }
      if (this.#queued.length === 0) queueMicrotask(() => this.#flush());
      this.#queued.push(data);
    }

    #flush(): void {
      if (this.#queued.length === 0) return;
      const frame = this.#queued.length === 1 ? this.#queued[0]! : Buffer.concat(this.#queued);
      this.#queued = [];
      super.send(frame);
    }
  };
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `statements` on the server's maintenance database (`postgres`). */
async function onServer(statements: ReturnType<typeof sql.raw>[]): Promise<unknown[][]> {
  const admin = openDb({ databaseUrl: databaseUrl("postgres"), wsProxy: proxy.url });
  try {
    const answers: unknown[][] = [];
    for (const s of statements) answers.push((await admin.db.execute(s)).rows);
    return answers;
  } finally {
    await admin.close();
  }
}

/** Drops the bench's ledger database if a previous run left it, and creates it empty. */
async function freshDatabase(name: string): Promise<string> {
  await onServer([
    sql.raw(`drop database if exists "${name}" with (force)`),
    sql.raw(`create database "${name}"`),
  ]);
  return databaseUrl(name);
}

/**
 * pgbench's own database, initialised (`pgbench -i`, data generated server-side) when missing,
 * at another scale, or when asked.
 */
async function preparePgbench(url: string): Promise<void> {
  const [found] = await onServer([
    sql.raw(`select 1 from pg_database where datname = '${PGBENCH_DATABASE}'`),
  ]);
  let scale = 0;
  if (found!.length === 0) {
    await onServer([sql.raw(`create database "${PGBENCH_DATABASE}"`)]);
  } else {
    const pg = openDb({ databaseUrl: url, wsProxy: proxy.url });
    try {
      const r = await pg.db.execute(
        sql`select case when to_regclass('pgbench_branches') is null then 0
              else (select count(*)::int from pgbench_branches) end as scale`,
      );
      scale = (r.rows[0] as { scale: number }).scale;
    } finally {
      await pg.close();
    }
  }
  if (scale === PGBENCH_SCALE && !values["pgbench-init"]) return;
  console.log(`pgbench -i -s ${PGBENCH_SCALE} into ${PGBENCH_DATABASE} ...`);
  await run(
    PGBENCH,
    ["-i", "-q", "-s", String(PGBENCH_SCALE), "-I", "dtGvp", url],
    PGBENCH_INIT_TIMEOUT_MS,
  );
}

/**
 * A pgbench script calling the engine with one payment per transaction, between the same wallets
 * and payables as the bench, numbered in a table of the bench's own (bench_ledger_pairs).
 */
async function writeEngineScript(db: Db, wallets: string[], payables: string[]): Promise<string> {
  await db.execute(
    sql`create table bench_ledger_pairs (n int primary key, wallet uuid not null, payable uuid not null)`,
  );
  for (let i = 0; i < wallets.length; i += 500) {
    const rows = wallets
      .slice(i, i + 500)
      .map((w, j) => ({ n: i + j + 1, w, p: payables[i + j]! }));
    await db.execute(
      sql`insert into bench_ledger_pairs (n, wallet, payable)
          select n, w, p from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(n int, w uuid, p uuid)`,
    );
  }
  const script = path.join(scriptDir, "engine.sql");
  writeFileSync(
    script,
    [
      `\\set a random(1, ${wallets.length})`,
      `\\set b random(1, ${payables.length})`,
      `\\set amount random(1, ${PAYMENT_CENTS_MAX})`,
      // The call a single transfer makes (ledger.ts sends a batch of one to the single path).
      "select ledger_create_transfer(gen_random_uuid(), 'posted', " +
        "(select wallet from bench_ledger_pairs where n = :a), " +
        "(select payable from bench_ledger_pairs where n = :b), " +
        ":amount, 'USD', 'order_capture', null, null, null, now());",
      "",
    ].join("\n"),
  );
  return script;
}

/** The WebSocket proxy, on its own thread (see proxy-thread.ts). */
async function startProxyThread(url: URL): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(new URL("./proxy-thread.ts", import.meta.url), {
    workerData: { host: url.hostname, port: Number(url.port || 5432) },
  });
  const proxyUrl = await new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    url: proxyUrl,
    close: async () => {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("close");
      await exited;
    },
  };
}

/** Wallets funded ahead (one batch per 500) and payables, all through the ledger itself. */
async function prepareAccounts(db: Db): Promise<{ wallets: string[]; payables: string[] }> {
  const owners = Array.from({ length: ACCOUNTS }, () => crypto.randomUUID());
  const [clearing] = await ensureAccounts(db, [platform("provider_clearing")]);
  const wallets: string[] = [];
  const payables: string[] = [];
  for (let i = 0; i < owners.length; i += 500) {
    const slice = owners.slice(i, i + 500);
    wallets.push(...(await ensureAccounts(db, slice.map(walletOf))));
    payables.push(...(await ensureAccounts(db, slice.map(payableOf))));
  }
  for (let i = 0; i < wallets.length; i += 500) {
    const results = await createTransfers(
      db,
      wallets.slice(i, i + 500).map((wallet) => ({
        id: crypto.randomUUID(),
        kind: "posted",
        debitAccountId: clearing!,
        creditAccountId: wallet,
        amount: FUNDING_CENTS,
        currency: "USD",
        code: "top_up",
      })),
      Date.now(),
    );
    if (!results.every((r) => r.result === "ok")) throw new Error("funding the wallets failed");
  }
  return { wallets, payables };
}

function payment(wallets: string[], payables: string[]): TransferInput {
  return {
    id: crypto.randomUUID(),
    kind: "posted",
    debitAccountId: wallets[Math.floor(Math.random() * wallets.length)]!,
    creditAccountId: payables[Math.floor(Math.random() * payables.length)]!,
    amount: 1 + Math.floor(Math.random() * PAYMENT_CENTS_MAX),
    currency: "USD",
    code: "order_capture",
  };
}

type Slice = { work: number; seconds: number; latencies: number[] };

/** `dbs.length` workers, each calling createTransfers with `size` transfers until time is up. */
async function ledgerSlice(
  dbs: Db[],
  size: number,
  wallets: string[],
  payables: string[],
): Promise<Slice> {
  const latencies: number[] = [];
  let transfers = 0;
  const started = performance.now();
  const deadline = started + SLICE_S * 1000;
  await Promise.all(
    dbs.map(async (db) => {
      for (let calls = 0; calls < CALLS_PER_WORKER_MAX && performance.now() < deadline; calls++) {
        const batch = Array.from({ length: size }, () => payment(wallets, payables));
        const t = performance.now();
        const results = await createTransfers(db, batch, Date.now());
        latencies.push(performance.now() - t);
        for (const r of results) {
          if (r.result !== "ok") throw new Error(`a bench transfer failed: ${r.result}`);
        }
        transfers += size;
      }
    }),
  );
  return { work: transfers, seconds: (performance.now() - started) / 1000, latencies };
}

/** One pgbench run of SLICE_S seconds; its transactions, by its own count of tps. */
async function pgbenchSlice(url: string, clients: number, script: string[]): Promise<Slice> {
  const output = await run(
    PGBENCH,
    [...script, "-c", String(clients), "-j", String(clients), "-T", String(SLICE_S), url],
    PGBENCH_TIMEOUT_MS,
  );
  const match = /tps = ([0-9.]+) \(without initial connection time\)/.exec(output);
  if (!match) throw new Error(`could not read pgbench's tps from:\n${output}`);
  return { work: Number(match[1]) * SLICE_S, seconds: SLICE_S, latencies: [] };
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}
