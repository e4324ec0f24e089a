import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { seeded } from "../../../domain/random.ts";
import { seedDemoDatabase } from "../../../infra/demo/seed.ts";
import { freePort, startWranglerDev, stopProcess } from "../../../infra/local/processes.ts";
import { type Stack, startStack } from "../../../infra/local/stack.ts";
import { fmt, summarize, table } from "../../stats.ts";
import { closeAll, connectFleet, stopFleet } from "./fleet.ts";
import { placeOrders } from "./orders.ts";
import { measureRelay } from "./relay.ts";
import { prepare } from "./setup.ts";
import {
  counts,
  DRAIN_MS,
  FIX_EVERY_MS,
  failures,
  ORDERS_PER_CUSTOMER,
  orders,
  settings,
  tracked,
  trackingLatencies,
  waitUntil,
  world,
} from "./world.ts";

/**
 * bench/dispatch (b): live dispatch on local workerd, with a fleet of simulated couriers each
 * holding one socket to its DriverActor and reporting a GPS fix every 2 s.
 *
 *   dispatch:  POST /api/orders/:id/accept answered (prep 1 minute, so the zone must commit at
 *              once) -> the `offer` naming that order on some courier's socket (p50, p99);
 *   tracking:  a fix sent by an order's assigned courier -> the `tracking` message carrying that
 *              position on the customer's order socket (p50, p99), against a bare Durable Object
 *              relay on the same machine in the same run: the same number of senders, each
 *              sending one frame every 2 s that the DO forwards to one receiving socket. The relay
 *              runs first, on a workerd of its own, while the stack is up but idle.
 *
 * Each customer's wallet is topped up through the API (the simulated card provider) first: placing
 * an order holds its total. Customers, couriers and kitchen staff are bench accounts whose tokens
 * are minted with the stack's secret, on the demo city's always-open restaurants.
 * Couriers circle the always-open restaurants at 5-12 m/s, accept every offer after a short pause,
 * then head for the pickup and keep reporting from around it, so their customers see them move.
 * Every loop is bounded in count and in time. Run: npm run bench:dispatch:live
 *   [-- --drivers 500 --orders 150 --concurrency 4 --tracking-seconds 20 --seed 1]
 * With DATABASE_URL set it runs on that PostgreSQL; otherwise on the embedded PGlite.
 */
const { values } = parseArgs({
  options: {
    drivers: { type: "string", default: "500" },
    orders: { type: "string", default: "150" },
    concurrency: { type: "string", default: "4" },
    "tracking-seconds": { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
  },
});
const DRIVERS = Number(values.drivers);
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
/** How long the fleet keeps reporting after the last order found its courier; the relay runs as long. */
const TRACKING_MS = Number(values["tracking-seconds"]) * 1000;
for (const [name, value] of Object.entries({ DRIVERS, ORDERS, CONCURRENCY, TRACKING_MS })) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
}
/** Bounds on each phase, so a stuck stack ends the bench instead of hanging it. */
const OFFER_WAIT_MS_MAX = 10_000;
/** How often the run prints its progress (fix rate, timer lag, the Worker's health latency). */
const PROGRESS_EVERY_MS = 10_000;
const root = fileURLToPath(new URL("../../..", import.meta.url));
/**
 * The actors' storage goes on tmpfs when the machine has one. workerd commits every actor
 * transaction to a local SQLite file; on this machine's disk each commit's fsync costs enough that
 * 250 fixes/s leave workerd in I/O wait and the Worker stops answering, which measures the disk,
 * not dispatch. Durable Objects in production commit to replicated memory, closer to tmpfs.
 */
const MEMORY_FS = "/dev/shm";
const stateDir = mkdtempSync(
  path.join(existsSync(MEMORY_FS) ? MEMORY_FS : tmpdir(), "dizhtime-bench-dispatch-"),
);
const log = (line: string) => {
  // Actors whose outbox could not reach the bridge in time retry later; counted, not printed.
  if (line.includes("outbox flush failed")) {
    counts.outboxFlushFailures++;
    return;
  }
  // wrangler dev rebuilds and restarts workerd when a watched source file changes, cutting every
  // socket (close 1006, counted as "driver sockets closed mid-run"): pass on what it says about it.
  if (/error|reload/i.test(line)) process.stderr.write(`${line}\n`);
};

world.rng = seeded(Number(values.seed));
settings.drivers = DRIVERS;
settings.orders = ORDERS;
settings.concurrency = CONCURRENCY;

let stack: Stack | undefined;
let relay: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
try {
  console.log(
    `bench/dispatch live: ${DRIVERS} drivers (a fix every ${FIX_EVERY_MS / 1000} s), ${ORDERS} orders, concurrency ${CONCURRENCY}, tracking ${TRACKING_MS / 1000} s`,
  );
  const startedAt = performance.now();
  stack = await startStack({
    stateDir,
    workerPort: await freePort(),
    bridgePort: await freePort(),
    databaseUrl: process.env.DATABASE_URL,
    // The bench's kitchens answer by HTTP; unanswered tickets must not pause a kitchen mid-run.
    vars: { ORDER_ACCEPT_TIMEOUT_MS: "3600000" },
    prepare: async (database) => {
      await seedDemoDatabase(database, { iterations: 1_000 });
    },
    log,
  });
  world.stack = stack;
  const relayPort = await freePort();
  relay = await startWranglerDev({
    port: relayPort,
    configPath: path.join(root, "bench/order-flow/echo/wrangler.toml"),
    persistTo: path.join(stateDir, "relay"),
    readyPath: "/health",
    log,
  });
  const setup = await prepare(stack);
  console.log(
    `database: ${stack.database.kind}; ${setup.kitchens.length} always-open kitchens, ${DRIVERS} drivers, ${setup.customers.length} customers; stack up in ${fmt((performance.now() - startedAt) / 1000, 1)} s`,
  );

  // The baseline first, while the stack idles: once the fleet has loaded it, the Worker's backlog
  // would still be eating the same two cores and the relay would measure that instead.
  console.log(`relay: ${DRIVERS} rooms for ${TRACKING_MS / 1000} s`);
  const relayed = await measureRelay(relayPort, DRIVERS, TRACKING_MS);
  closeAll();
  await stopProcess(relay);
  relay = undefined;

  const connectStart = performance.now();
  await connectFleet(stack);
  console.log(
    `fleet: ${counts.driversConnected} sockets, ${counts.driversOnline} online in ${fmt((performance.now() - connectStart) / 1000, 1)} s`,
  );
  // Every courier has reported at least once (and so is in its zone's index) before the first order.
  const progress = watchProgress(stack);
  await waitUntil(() => false, FIX_EVERY_MS + 500);

  const dispatchStart = performance.now();
  await placeOrders(stack, setup);
  await waitUntil(
    () => [...orders.values()].every((o) => o.acceptedAt === null || o.offerAt !== null),
    OFFER_WAIT_MS_MAX,
  );
  console.log(
    `orders: ${counts.ordersAccepted} accepted, ${[...orders.values()].filter((o) => o.offerAt !== null).length} offered in ${fmt((performance.now() - dispatchStart) / 1000, 1)} s; tracking for ${TRACKING_MS / 1000} s`,
  );
  await waitUntil(() => false, TRACKING_MS);
  stopFleet();
  await waitUntil(() => false, DRAIN_MS);
  progress.stop();
  const fleetFixes = counts.fixesSent;
  closeAll();

  report(fleetFixes, relayed);
  console.log(
    `\nmachine: ${availableParallelism()} cores, load average at the end ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}; actor storage in ${path.dirname(stateDir)}`,
  );
} finally {
  stopFleet();
  closeAll();
  await stopProcess(relay ?? null);
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * Every PROGRESS_EVERY_MS while the fleet reports: fixes sent since the last line, how late this
 * process's own timers fire (a starved load generator under-sends), and how long the Worker takes
 * to answer GET /api/health, so a saturated stack shows in the log rather than only in the figures.
 */
function watchProgress(s: Stack): { stop(): void } {
  let lastFixes = counts.fixesSent;
  let lastAt = performance.now();
  let probing = false;
  let stopped = false;
  const timer = setInterval(() => {
    const now = performance.now();
    const lagMs = now - lastAt - PROGRESS_EVERY_MS;
    const fixes = counts.fixesSent - lastFixes;
    lastFixes = counts.fixesSent;
    lastAt = now;
    if (probing) return;
    probing = true;
    counts.healthProbes++;
    const probeStart = performance.now();
    fetch(`${s.workerUrl}/api/health`, { signal: AbortSignal.timeout(PROGRESS_EVERY_MS) })
      .then(async (response) => {
        await response.arrayBuffer();
        return `${fmt(performance.now() - probeStart, 0)} ms`;
      })
      .catch(() => {
        counts.healthUnanswered++;
        return `no answer in ${PROGRESS_EVERY_MS} ms`;
      })
      .then((health) => {
        probing = false;
        if (stopped) return;
        console.log(
          `  progress: ${fmt((fixes * 1000) / PROGRESS_EVERY_MS, 0)} fixes/s sent, timer lag ${fmt(Math.max(0, lagMs), 0)} ms, health ${health}, orders accepted ${counts.ordersAccepted}`,
        );
      });
  }, PROGRESS_EVERY_MS);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

function report(fleetFixes: number, relayed: Awaited<ReturnType<typeof measureRelay>>): void {
  const dispatched = [...orders.values()].filter((o) => o.acceptedAt !== null);
  const offered = dispatched.filter((o) => o.offerAt !== null);
  const fromReady = offered.map((o) => o.offerAt! - o.acceptedAt!);
  const fromSent = offered.map((o) => o.offerAt! - o.acceptSentAt!);
  const early = fromReady.filter((ms) => ms < 0).length;
  const t = summarize(trackingLatencies);
  const r = summarize(relayed.latencies);
  const d = summarize(fromReady);
  const ds = summarize(fromSent);
  const watched = [...tracked.values()].filter((o) => o.readyAt !== null);
  const trackedSent = watched.reduce((sum, o) => sum + o.fixesSent, 0);
  const trackedMatched = watched.reduce((sum, o) => sum + o.fixesMatched, 0);

  console.log();
  console.log(
    table(
      ["measure", "n", "p50 ms", "p99 ms", "mean ms"],
      [
        [
          "driver fix -> tracking on customer socket",
          String(t.n),
          fmt(t.p50),
          fmt(t.p99),
          fmt(t.mean),
        ],
        [
          "bare DO relay: sender -> receiver socket",
          String(r.n),
          fmt(r.p50),
          fmt(r.p99),
          fmt(r.mean),
        ],
        [
          "accept answered -> offer on driver socket",
          String(d.n),
          fmt(d.p50),
          fmt(d.p99),
          fmt(d.mean),
        ],
        ["(context) accept sent -> offer", String(ds.n), fmt(ds.p50), fmt(ds.p99), fmt(ds.mean)],
      ],
    ),
  );
  console.log(`
ratios (tracking / bare relay, same run):
  latency p50  ${fmt(t.p50 / r.p50, 1)}x
  latency p99  ${fmt(t.p99 / r.p99, 1)}x
`);
  console.log(
    table(
      ["counts", "value"],
      [
        ["drivers simulated / online", `${DRIVERS} / ${counts.driversOnline}`],
        [
          "customers / wallets funded",
          `${Math.ceil(ORDERS / ORDERS_PER_CUSTOMER)} / ${counts.customersFunded}`,
        ],
        ["driver sockets closed mid-run", String(counts.driverSocketsClosed)],
        [
          "Worker health probes unanswered in 10 s (saturated)",
          `${counts.healthUnanswered} / ${counts.healthProbes}`,
        ],
        ["actor outbox flushes that timed out (retried)", String(counts.outboxFlushFailures)],
        ["fixes sent by the fleet / refused", `${fleetFixes} / ${counts.fixesRefused}`],
        [
          "orders placed / accepted / offered",
          `${counts.ordersPlaced} / ${counts.ordersAccepted} / ${offered.length}`,
        ],
        [
          "offers received / accepted / lost to another",
          `${counts.offersReceived} / ${counts.offersAccepted} / ${counts.offersLost}`,
        ],
        ["orders dispatched (a courier assigned)", String(counts.ordersAssigned)],
        ["offers that arrived before accept was answered", String(early)],
        ["customer sockets watching", String(watched.length)],
        ["tracked fixes sent / matched on customer socket", `${trackedSent} / ${trackedMatched}`],
        ["other tracking frames (throttled or initial)", String(counts.trackingOther)],
        ["relay frames sent / received", `${relayed.sent} / ${relayed.received}`],
      ],
    ),
  );
  if (failures.size > 0) {
    console.log("\nfailures:");
    for (const [what, n] of failures) console.log(`  ${n} x ${what}`);
  }
}
