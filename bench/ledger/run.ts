import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { migrateDatabase } from "../../infra/db/migrate.ts";
import { startWsProxy } from "../../infra/local/ws-proxy.ts";
import type { TransferInput } from "../../schema/ledger.ts";
import { type Db, openDb } from "../../workers/db.ts";
import { payableOf, platform, walletOf } from "../../workers/ledger/chart.ts";
import { createTransfers, ensureAccounts, ledgerInvariants } from "../../workers/ledger/ledger.ts";
import { fmt, summarize, table } from "../stats.ts";

/**
 * bench/ledger: transfers per second through the ledger the app uses (`createTransfers`, the Neon
 * serverless driver over the local WebSocket proxy, as the Worker reaches Postgres), one transfer
 * per call and 100 per call, at concurrency 1, 8 and 32; and in the same run, on the same server
 * and at the same concurrency, pgbench's built-in TPC-B-like script as the baseline.
 *
 * The workload: a payment from a random customer wallet (flagged never below zero, funded ahead)
 * to a random restaurant payable, among --accounts of each, with a random amount. Every loop is
 * bounded in count and in time.
 *
 * For diagnosis, one more column: the same engine function driven by pgbench over libpq (a custom
 * script, one transfer per transaction), which separates the engine's own cost from the cost of
 * the driver's path (Node, WebSocket, proxy) that the Worker pays.
 *
 *   npm run bench:ledger [-- --seconds 10 --concurrency 1,8,32 --batch 100 --accounts 1000]
 *
 * DATABASE_URL names the PostgreSQL to use; without it, the database `dizhtime_bench_ledger` on
 * postgres://postgres:postgres@127.0.0.1:5432 is created if missing and used.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "1,8,32" },
    batch: { type: "string", default: "100" },
    accounts: { type: "string", default: "1000" },
    pgbench: { type: "string", default: "/usr/lib/postgresql/15/bin/pgbench" },
    "coalesce-writes": { type: "boolean", default: false },
  },
});
// The Neon driver coalesces a query's messages into one WebSocket frame, flushed by
// setTimeout(0). Node clamps that to 1 ms per query; workerd, where the app runs, does not. So by
// default the bench sends each message at once (the proxy sets TCP_NODELAY, as libpq does), which
// is closer to what the Worker pays; --coalesce-writes measures the driver's default in Node.
neonConfig.coalesceWrites = values["coalesce-writes"];
const PHASE_MS = Number(values.seconds) * 1000;
const CONCURRENCY = values.concurrency.split(",").map(Number);
const BATCH = Number(values.batch);
const ACCOUNTS = Number(values.accounts);
const PGBENCH = values.pgbench;
if (!(PHASE_MS >= 1000 && PHASE_MS <= 600_000)) throw new Error("--seconds must be 1..600");
if (!CONCURRENCY.every((c) => Number.isInteger(c) && c >= 1 && c <= 64)) {
  throw new Error("--concurrency must be integers 1..64 (PostgreSQL allows 100 connections)");
}
if (!(Number.isInteger(BATCH) && BATCH >= 1 && BATCH <= 1000)) throw new Error("--batch 1..1000");
if (!(Number.isInteger(ACCOUNTS) && ACCOUNTS >= 2)) throw new Error("--accounts must be >= 2");
/** Calls per worker per phase at most: far above what 600 s allows, a guard against a bug. */
const CALLS_PER_WORKER_MAX = 10_000_000;
/** Funding: every wallet starts with more than a whole run can spend. */
const FUNDING_CENTS = 1_000_000_000_000;
const PGBENCH_TIMEOUT_MS = PHASE_MS * 3 + 120_000;
const scriptDir = mkdtempSync(path.join(tmpdir(), "dizhtime-bench-ledger-"));

const DEFAULT_SERVER = "postgres://postgres:postgres@127.0.0.1:5432";
const databaseUrl =
  process.env.DATABASE_URL ?? (await ensureBenchDatabase(DEFAULT_SERVER, "dizhtime_bench_ledger"));
const proxy = await startProxyThread(databaseUrl);
const database = { databaseUrl, wsProxy: proxy.url };
await migrateDatabase(database);
const pools: Array<ReturnType<typeof openDb>> = [];
try {
  const server = new URL(databaseUrl);
  console.log(
    `bench/ledger: ${server.host}${server.pathname}, ${values.seconds} s per phase, ` +
      `concurrency ${CONCURRENCY.join("/")}, batches of ${BATCH}, ${ACCOUNTS} wallets and payables, ` +
      `driver writes ${values["coalesce-writes"] ? "coalesced (driver default)" : "sent at once"}`,
  );
  const { db } = openDb(database);
  const { wallets, payables } = await prepareAccounts(db);

  console.log("pgbench -i (scale 1) ...");
  await run(PGBENCH, ["-i", "-q", databaseUrl], PGBENCH_TIMEOUT_MS);
  const engineScript = await writeEngineScript(db, wallets, payables);

  const rows: string[][] = [];
  for (const c of CONCURRENCY) {
    while (pools.length < c) pools.push(openDb(database));
    const dbs = pools.slice(0, c).map((p) => p.db);
    await Promise.all(dbs.map((d) => d.execute(sql`select 1`)));

    const pgbench = await pgbenchTps(c);
    const viaLibpq = await pgbenchTps(c, ["-n", "-f", engineScript]);
    const single = await ledgerPhase(dbs, 1, wallets, payables);
    const batched = await ledgerPhase(dbs, BATCH, wallets, payables);
    rows.push([
      String(c),
      fmt(pgbench, 0),
      fmt(viaLibpq, 0),
      fmt(single.tps, 0),
      `${fmt(single.tps / pgbench)}x`,
      `${fmt(single.latency.p50)} / ${fmt(single.latency.p99)}`,
      fmt(batched.tps, 0),
      `${fmt(batched.tps / pgbench)}x`,
      `${fmt(batched.latency.p50)} / ${fmt(batched.latency.p99)}`,
    ]);
    console.log(
      `  c=${c}: pgbench ${fmt(pgbench, 0)} tps, engine via libpq ${fmt(viaLibpq, 0)}/s, ` +
        `single ${fmt(single.tps, 0)}/s, batched ${fmt(batched.tps, 0)}/s`,
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
  console.log(
    `\naims: single >= 0.8x pgbench, batched >= 5x. After the run the ledger is ${invariants.balanced ? "balanced" : "NOT BALANCED"} ` +
      `(${invariants.currencies.map((c) => `${c.currency} debits ${c.debitsPosted} = credits ${c.creditsPosted}`).join("; ")}).`,
  );
  if (!invariants.balanced) process.exitCode = 1;
} finally {
  await Promise.all(pools.map((p) => p.close()));
  await proxy.close();
  rmSync(scriptDir, { recursive: true, force: true });
}

/**
 * A pgbench script calling the engine with one payment per transaction, between the same wallets
 * and payables as the bench, numbered in a table of the bench's own (bench_ledger_pairs).
 */
async function writeEngineScript(db: Db, wallets: string[], payables: string[]): Promise<string> {
  await db.execute(sql`drop table if exists bench_ledger_pairs`);
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
      "\\set amount random(1, 5000)",
      "select ledger_create_transfers(jsonb_build_array(jsonb_build_object(" +
        "'id', gen_random_uuid(), 'kind', 'posted', " +
        "'debitAccountId', (select wallet from bench_ledger_pairs where n = :a), " +
        "'creditAccountId', (select payable from bench_ledger_pairs where n = :b), " +
        "'amount', :amount, 'currency', 'USD', 'code', 'order_capture')), now());",
      "",
    ].join("\n"),
  );
  return script;
}

/** The WebSocket proxy, on its own thread (see proxy-thread.ts). */
async function startProxyThread(url: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(url);
  const worker = new Worker(new URL("./proxy-thread.ts", import.meta.url), {
    workerData: { host: target.hostname, port: Number(target.port || 5432) },
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

/** Wallets funded ahead (one big batch per 500) and payables, all through the ledger itself. */
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
    amount: 1 + Math.floor(Math.random() * 5_000),
    currency: "USD",
    code: "order_capture",
  };
}

/** `dbs.length` workers, each calling createTransfers with `size` transfers until time is up. */
async function ledgerPhase(dbs: Db[], size: number, wallets: string[], payables: string[]) {
  const latencies: number[] = [];
  let transfers = 0;
  const started = performance.now();
  const deadline = started + PHASE_MS;
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
  const seconds = (performance.now() - started) / 1000;
  return { tps: transfers / seconds, latency: summarize(latencies) };
}

async function pgbenchTps(clients: number, script: string[] = []): Promise<number> {
  const output = await run(
    PGBENCH,
    [
      ...script,
      "-c",
      String(clients),
      "-j",
      String(clients),
      "-T",
      String(PHASE_MS / 1000),
      databaseUrl,
    ],
    PGBENCH_TIMEOUT_MS,
  );
  const match = /tps = ([0-9.]+) \(without initial connection time\)/.exec(output);
  if (!match) throw new Error(`could not read pgbench's tps from:\n${output}`);
  return Number(match[1]);
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

/** Creates the bench's own database on the server if it is not there yet; answers its URL. */
async function ensureBenchDatabase(serverUrl: string, name: string): Promise<string> {
  const server = new URL(serverUrl);
  const proxy = await startWsProxy({
    target: { host: server.hostname, port: Number(server.port || 5432) },
  });
  const admin = openDb({ databaseUrl: `${serverUrl}/postgres`, wsProxy: proxy.url });
  try {
    const found = await admin.db.execute(sql`select 1 from pg_database where datname = ${name}`);
    if (found.rows.length === 0) await admin.db.execute(sql.raw(`create database "${name}"`));
  } finally {
    await admin.close();
    await proxy.close();
  }
  return `${serverUrl}/${name}`;
}
