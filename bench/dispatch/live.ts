import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { inArray } from "drizzle-orm";
import { WebSocket } from "ws";
import { hashPassword } from "../../accounts/password.ts";
import { issueAccessToken } from "../../accounts/tokens.ts";
import { distanceM } from "../../domain/geo.ts";
import { seeded } from "../../domain/random.ts";
import { ALWAYS_OPEN_SLUG, DEMO_CITY } from "../../infra/demo/city.ts";
import { isAroundTheClock, seedDemoDatabase } from "../../infra/demo/seed.ts";
import { freePort, startWranglerDev, stopProcess } from "../../infra/local/processes.ts";
import { type Stack, startStack } from "../../infra/local/stack.ts";
import { openDb } from "../../runtime/db.ts";
import type { LiveTarget, SocketTicket } from "../../schema/auth.ts";
import type { RestaurantWithMenu } from "../../schema/catalog.ts";
import { restaurants, users } from "../../schema/db/index.ts";
import type { DriverClientMessage, DriverServerMessage, GpsFix } from "../../schema/dispatch.ts";
import type { LatLng } from "../../schema/geo.ts";
import type { SimulatorConfirmation, TopUp } from "../../schema/ledger.ts";
import type { Order } from "../../schema/orders.ts";
import type { OrderServerMessage } from "../../schema/sockets.ts";
import { fmt, summarize, table } from "../stats.ts";

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

/** The issue's cadence: one fix per courier every 2 s, as a phone app in the foreground reports. */
const FIX_EVERY_MS = 2_000;
/** City couriers: a bike at 5 m/s to a scooter or car in traffic at 12 m/s. */
const SPEED_MPS_MIN = 5;
const SPEED_MPS_MAX = 12;
/** Phone GPS in a city: 5-15 m; the actor refuses worse than 100 m, so these all count. */
const ACCURACY_M_MIN = 5;
const ACCURACY_M_MAX = 15;
/** Idle couriers roam this far from their restaurant: inside its zone's search radius (4 km). */
const ROAM_RADIUS_M = 1_200;
/** An assigned courier waits this close to the counter (the order's geofence is 150 m). */
const PICKUP_RADIUS_M = 80;
/** A courier reads an offer before tapping accept: long enough to be a person, short for the bench. */
const ACCEPT_DELAY_MS_MIN = 100;
const ACCEPT_DELAY_MS_MAX = 400;
/** Orders per customer: under the per-customer placement limit (10 at once), so none is refused. */
const ORDERS_PER_CUSTOMER = 4;
/**
 * Each customer's wallet is topped up by this much before ordering (placement holds the order's
 * total): the most one top-up may be, well over four single-item orders.
 */
const TOP_UP_CENTS = 50_000;
/** The simulated provider's card that always succeeds. */
const TEST_CARD = "4242424242424242";
/** Sockets and tickets opened at once while the fleet logs in: enough to be quick, not a stampede. */
const CONNECT_CONCURRENCY = 16;
/** Bounds on each phase, so a stuck stack ends the bench instead of hanging it. */
const CONNECT_MS_MAX = 60_000;
const ORDERS_MS_MAX = 45_000;
const OFFER_WAIT_MS_MAX = 10_000;
/** After the last fix, frames still in flight get this long to land before counting. */
const DRAIN_MS = 2_500;
/** Metres in a degree of latitude (and of longitude at the equator). */
const METRES_PER_DEGREE = 111_320;
/** Every HTTP call and socket open gives up after this. */
const REQUEST_TIMEOUT_MS = 15_000;
/** How often the run prints its progress (fix rate, timer lag, the Worker's health latency). */
const PROGRESS_EVERY_MS = 10_000;
/** Fixes per tracked order waiting for their `tracking`: older ones are counted as lost. */
const PENDING_FIXES_MAX = 64;

const root = fileURLToPath(new URL("../..", import.meta.url));
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
const rand = seeded(Number(values.seed)).next;

type Kitchen = { id: string; itemId: string; location: LatLng; staffToken: string };

type SimDriver = {
  id: string;
  token: string;
  socket: WebSocket | null;
  /** The restaurant the courier circles while idle. */
  home: LatLng;
  /** Where the courier drifts: home while idle, the pickup once assigned. */
  target: LatLng;
  radiusM: number;
  position: LatLng;
  headingRad: number;
  online: boolean;
  lastFixAtMs: number;
  jobs: Set<string>;
  timer: NodeJS.Timeout | null;
};

type PlacedOrder = {
  id: string;
  customerToken: string;
  acceptSentAt: number | null;
  acceptedAt: number | null;
  offerAt: number | null;
  driverId: string | null;
};

type TrackedOrder = {
  orderId: string;
  /** When the customer's socket had its snapshot: fixes count from then on. */
  readyAt: number | null;
  /** Fixes sent while the customer watched, by position, with when they were sent. */
  pending: Map<string, number>;
  fixesSent: number;
  fixesMatched: number;
};

const counts = {
  driversConnected: 0,
  driversOnline: 0,
  fixesSent: 0,
  fixesRefused: 0,
  offersReceived: 0,
  offersAccepted: 0,
  offersLost: 0,
  ordersPlaced: 0,
  ordersAccepted: 0,
  ordersAssigned: 0,
  trackingOther: 0,
  socketErrors: 0,
  driverSocketsClosed: 0,
  customersFunded: 0,
  outboxFlushFailures: 0,
  healthProbes: 0,
  healthUnanswered: 0,
};
const failures = new Map<string, number>();
const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);

const drivers = new Map<string, SimDriver>();
const orders = new Map<string, PlacedOrder>();
const tracked = new Map<string, TrackedOrder>();
const trackingLatencies: number[] = [];
const openSockets = new Set<WebSocket>();
let fleetReporting = false;

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

/** Drivers, customers and staff get tokens minted with the stack's secret: the bench measures dispatch, not logins. */
async function prepare(s: Stack): Promise<{ kitchens: Kitchen[]; customers: string[] }> {
  const { db, close } = openDb(s.database);
  try {
    const password = await hashPassword("bench-password", 1_000);
    const runId = Date.now();
    const account = (role: "customer" | "driver", i: number) => ({
      email: `bench-${role}-${i}-${runId}@bench.dizhtime`,
      name: `Bench ${role === "driver" ? "Driver" : "Customer"} ${i}`,
      role,
      passwordHash: password.hash,
      passwordSalt: password.salt,
      passwordIterations: password.iterations,
    });
    const driverRows = await db
      .insert(users)
      .values(Array.from({ length: DRIVERS }, (_, i) => account("driver", i)))
      .returning({ id: users.id });
    const customerRows = await db
      .insert(users)
      .values(
        Array.from({ length: Math.ceil(ORDERS / ORDERS_PER_CUSTOMER) }, (_, i) =>
          account("customer", i),
        ),
      )
      .returning({ id: users.id });
    const nowMs = Date.now();
    const customers = await Promise.all(
      customerRows.map(
        async (row) =>
          (
            await issueAccessToken(
              { userId: row.id, role: "customer" },
              s.secrets.JWT_SECRET,
              nowMs,
            )
          ).token,
      ),
    );

    await fundWallets(s, customers);

    const alwaysOpen = (await db.select().from(restaurants))
      .filter((r) => isAroundTheClock(r.openingHours))
      .sort((a, b) => (a.slug === ALWAYS_OPEN_SLUG ? -1 : b.slug === ALWAYS_OPEN_SLUG ? 1 : 0));
    const staffRows = await db
      .select()
      .from(users)
      .where(
        inArray(
          users.restaurantId,
          alwaysOpen.map((r) => r.id),
        ),
      );
    const kitchens: Kitchen[] = [];
    for (const restaurant of alwaysOpen) {
      const staff = staffRows.find((u) => u.restaurantId === restaurant.id);
      if (!staff) continue;
      const menu = (await (
        await fetch(`${s.workerUrl}/api/restaurants/${restaurant.id}`, {
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        })
      ).json()) as RestaurantWithMenu;
      const item = menu.menu
        .flatMap((c) => c.items)
        .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0));
      if (!item) continue;
      const staffToken = (
        await issueAccessToken(
          { userId: staff.id, role: "restaurant", restaurantId: restaurant.id },
          s.secrets.JWT_SECRET,
          nowMs,
        )
      ).token;
      kitchens.push({
        id: restaurant.id,
        itemId: item.id,
        location: { lat: restaurant.lat, lng: restaurant.lng },
        staffToken,
      });
    }
    if (kitchens.length === 0) throw new Error("no always-open kitchen to order from");

    for (const [i, row] of driverRows.entries()) {
      const home = kitchens[i % kitchens.length]!.location;
      drivers.set(row.id, {
        id: row.id,
        token: (
          await issueAccessToken({ userId: row.id, role: "driver" }, s.secrets.JWT_SECRET, nowMs)
        ).token,
        socket: null,
        home,
        target: home,
        radiusM: ROAM_RADIUS_M,
        position: pointNear(home, ROAM_RADIUS_M),
        headingRad: rand() * 2 * Math.PI,
        online: false,
        lastFixAtMs: 0,
        jobs: new Set(),
        timer: null,
      });
    }
    return { kitchens, customers };
  } finally {
    await close();
  }
}

/**
 * Tops up every customer's wallet through the API, as the app does: start a top-up, then confirm
 * it with the simulated provider's test card (whose webhook credits the wallet).
 */
async function fundWallets(s: Stack, customers: string[]): Promise<void> {
  const queue = [...customers.entries()];
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [i, token] = next;
        try {
          const started = await fetch(`${s.workerUrl}/api/wallet/top-ups`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({
              amountCents: TOP_UP_CENTS,
              idempotencyKey: `bench-top-up-${i}-${Date.now()}`,
            }),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const topUp = (await started.json()) as TopUp;
          if (started.status !== 201 || !topUp.providerIntentId || !topUp.clientSecret) {
            fail(`top-up: ${started.status}`);
            continue;
          }
          const confirmed = await fetch(
            `${s.workerUrl}/api/payments/simulator/intents/${topUp.providerIntentId}/confirm`,
            {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ clientSecret: topUp.clientSecret, card: TEST_CARD }),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            },
          );
          const confirmation = (await confirmed.json()) as SimulatorConfirmation;
          if (confirmed.status !== 200 || confirmation.status !== "succeeded") {
            fail(`top-up confirm: ${confirmed.status} ${confirmation.status}`);
            continue;
          }
          counts.customersFunded++;
        } catch (error) {
          fail(`top-up: ${String(error)}`);
        }
      }
    }),
  );
}

/** Every courier: a ticket, a socket and `go_online`; then all report a fix every 2 s, each from a random phase. */
async function connectFleet(s: Stack): Promise<void> {
  const queue = [...drivers.values()];
  const deadline = performance.now() + CONNECT_MS_MAX;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (let d = queue.shift(); d && performance.now() < deadline; d = queue.shift()) {
        try {
          await connectDriver(s, d);
        } catch (error) {
          fail(`driver connect: ${String(error)}`);
        }
      }
    }),
  );
  await waitUntil(() => counts.driversOnline >= counts.driversConnected, 10_000);
  // Reporting starts once the whole fleet is in (each courier from a random phase of the 2 s), so
  // logging in is not slowed by the fixes of those already in, and the load is steady from here.
  fleetReporting = true;
  for (const d of drivers.values()) if (d.online) startReporting(d);
}

async function connectDriver(s: Stack, d: SimDriver): Promise<void> {
  const ticket = await ticketFor(s, d.token, { kind: "driver", id: d.id });
  const socket = await openSocket(`${s.workerUrl.replace(/^http/, "ws")}${ticket.url}`, (data) =>
    onDriverMessage(d, JSON.parse(data) as DriverServerMessage),
  );
  d.socket = socket;
  socket.on("close", (code) => {
    if (!fleetReporting) return;
    counts.driverSocketsClosed++;
    fail(`driver socket closed mid-run: ${code}`);
  });
  counts.driversConnected++;
  sendDriver(d, { type: "go_online", commandId: `online-${d.id}` });
}

function onDriverMessage(d: SimDriver, message: DriverServerMessage): void {
  switch (message.type) {
    case "result":
      if (message.commandId.startsWith("online-")) {
        if (message.ok && !d.online) {
          d.online = true;
          counts.driversOnline++;
          if (fleetReporting) startReporting(d);
        } else if (!message.ok) fail(`go_online: ${message.error?.code}`);
      } else if (message.commandId.startsWith("accept-")) {
        if (message.ok) counts.offersAccepted++;
        else if (message.error?.code === "offer.taken") counts.offersLost++;
        else fail(`accept_offer: ${message.error?.code}`);
      }
      return;
    case "offer": {
      const arrivedAt = performance.now();
      counts.offersReceived++;
      for (const orderId of message.offer.orderIds) {
        const order = orders.get(orderId);
        if (order && order.offerAt === null) order.offerAt = arrivedAt;
      }
      const offerId = message.offer.offerId;
      const delayMs = ACCEPT_DELAY_MS_MIN + rand() * (ACCEPT_DELAY_MS_MAX - ACCEPT_DELAY_MS_MIN);
      setTimeout(() => {
        if (d.socket?.readyState === WebSocket.OPEN)
          sendDriver(d, { type: "accept_offer", commandId: `accept-${offerId}`, offerId });
      }, delayMs);
      return;
    }
    case "job": {
      const job = message.job;
      const over =
        job.status === "delivered" || job.status === "cancelled" || job.status === "rejected";
      if (job.driverId !== d.id || over) {
        d.jobs.delete(job.orderId);
        return;
      }
      if (d.jobs.has(job.orderId)) return;
      d.jobs.add(job.orderId);
      d.target = job.restaurant.location;
      d.radiusM = PICKUP_RADIUS_M;
      const order = orders.get(job.orderId);
      if (order && order.driverId === null) {
        order.driverId = d.id;
        counts.ordersAssigned++;
        watchOrder(order).catch((error: unknown) => fail(`order socket: ${String(error)}`));
      }
      return;
    }
    case "job_removed":
      d.jobs.delete(message.orderId);
      return;
    case "fix_refused":
      counts.fixesRefused++;
      fail(`fix refused: ${message.why.replace(/\d+/g, "N")}`);
      return;
    case "error":
      fail(`driver socket error: ${message.error.code}`);
      return;
    default:
      return;
  }
}

function startReporting(d: SimDriver): void {
  const phaseMs = rand() * FIX_EVERY_MS;
  d.timer = setTimeout(() => {
    if (!fleetReporting) return;
    sendFix(d);
    d.timer = setInterval(() => sendFix(d), FIX_EVERY_MS);
  }, phaseMs);
}

function stopFleet(): void {
  fleetReporting = false;
  for (const d of drivers.values()) {
    if (d.timer) clearTimeout(d.timer);
    d.timer = null;
  }
}

/** One step of the courier's walk, then the fix a phone would report from there. */
function sendFix(d: SimDriver): void {
  if (!fleetReporting || d.socket?.readyState !== WebSocket.OPEN) return;
  const speedMps = SPEED_MPS_MIN + rand() * (SPEED_MPS_MAX - SPEED_MPS_MIN);
  const away = distanceM(d.position, d.target);
  d.headingRad =
    away > d.radiusM
      ? bearingRad(d.position, d.target) + (rand() - 0.5) * 0.4
      : d.headingRad + (rand() - 0.5) * 1.2;
  d.position = move(d.position, d.headingRad, speedMps * (FIX_EVERY_MS / 1000));
  const accuracyM = ACCURACY_M_MIN + rand() * (ACCURACY_M_MAX - ACCURACY_M_MIN);
  const reported = pointNear(d.position, accuracyM / 2);
  const at = Math.max(Date.now(), d.lastFixAtMs + 1);
  d.lastFixAtMs = at;
  const fix: GpsFix = {
    lat: round(reported.lat, 7),
    lng: round(reported.lng, 7),
    accuracyM: round(accuracyM, 1),
    at,
    speedMps: round(speedMps, 1),
    headingDeg: round(((((d.headingRad * 180) / Math.PI) % 360) + 360) % 360, 0) % 360,
  };
  const sentAt = performance.now();
  for (const orderId of d.jobs) {
    const watching = tracked.get(orderId);
    if (!watching || watching.readyAt === null) continue;
    watching.fixesSent++;
    watching.pending.set(positionKey(fix), sentAt);
    if (watching.pending.size > PENDING_FIXES_MAX)
      watching.pending.delete(watching.pending.keys().next().value!);
  }
  counts.fixesSent++;
  sendDriver(d, { type: "fix", fix });
}

/** The customer opens their order's socket once a courier has it, as the app's map does. */
async function watchOrder(order: PlacedOrder): Promise<void> {
  const s = stack!;
  const ticket = await ticketFor(s, order.customerToken, { kind: "order", id: order.id });
  const watching: TrackedOrder = {
    orderId: order.id,
    readyAt: null,
    pending: new Map(),
    fixesSent: 0,
    fixesMatched: 0,
  };
  await openSocket(`${s.workerUrl.replace(/^http/, "ws")}${ticket.url}`, (data) => {
    const arrivedAt = performance.now();
    const message = JSON.parse(data) as OrderServerMessage;
    if (message.type === "snapshot" && watching.readyAt === null) {
      watching.readyAt = arrivedAt;
      tracked.set(order.id, watching);
    } else if (message.type === "tracking") {
      const key = positionKey(message.tracking.position);
      const sentAt = watching.pending.get(key);
      if (sentAt === undefined) {
        counts.trackingOther++;
        return;
      }
      watching.pending.delete(key);
      watching.fixesMatched++;
      trackingLatencies.push(arrivedAt - sentAt);
    }
  });
}

/** Customers place orders and their kitchens accept at once with 1 minute of prep. */
async function placeOrders(s: Stack, setup: { kitchens: Kitchen[]; customers: string[] }) {
  let next = 0;
  const deadline = performance.now() + ORDERS_MS_MAX;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ORDERS && performance.now() < deadline) {
        const n = next++;
        try {
          await placeAndAccept(s, setup, n);
        } catch (error) {
          fail(`order: ${String(error)}`);
        }
      }
    }),
  );
}

async function placeAndAccept(
  s: Stack,
  setup: { kitchens: Kitchen[]; customers: string[] },
  n: number,
): Promise<void> {
  const kitchen = setup.kitchens[n % setup.kitchens.length]!;
  const customerToken = setup.customers[Math.floor(n / ORDERS_PER_CUSTOMER)]!;
  const placed = await fetch(`${s.workerUrl}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      restaurantId: kitchen.id,
      items: [{ itemId: kitchen.itemId, quantity: 1, modifiers: [] }],
      deliveryAddress: {
        lat: kitchen.location.lat + 0.004,
        lng: kitchen.location.lng,
        text: "bench address",
      },
      idempotencyKey: `bench-dispatch-${n}-${Date.now()}`,
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await placed.json()) as Order | { error: { code: string } };
  if (placed.status !== 201 || !("id" in body)) {
    fail(`place: ${placed.status} ${"error" in body ? body.error.code : ""}`);
    return;
  }
  counts.ordersPlaced++;
  const order: PlacedOrder = {
    id: body.id,
    customerToken,
    acceptSentAt: null,
    acceptedAt: null,
    offerAt: null,
    driverId: null,
  };
  orders.set(order.id, order);
  order.acceptSentAt = performance.now();
  const accepted = await fetch(`${s.workerUrl}/api/orders/${order.id}/accept`, {
    method: "POST",
    headers: { authorization: `Bearer ${kitchen.staffToken}`, "content-type": "application/json" },
    body: JSON.stringify({ prepMinutes: 1 }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await accepted.arrayBuffer();
  if (accepted.status !== 200) {
    fail(`accept: ${accepted.status}`);
    return;
  }
  order.acceptedAt = performance.now();
  counts.ordersAccepted++;
}

/**
 * The baseline: `rooms` rooms on a bare Durable Object, each with one sending and one receiving
 * socket; every sender sends a tracking-sized frame every 2 s (random phase), the DO forwards it.
 */
async function measureRelay(port: number, rooms: number, durationMs: number) {
  const latencies: number[] = [];
  let sent = 0;
  let received = 0;
  let sending = true;
  const senders: WebSocket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const queue = Array.from({ length: rooms }, (_, i) => i);
  const deadline = performance.now() + CONNECT_MS_MAX;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (
        let i = queue.shift();
        i !== undefined && performance.now() < deadline;
        i = queue.shift()
      ) {
        try {
          const url = `ws://127.0.0.1:${port}/relay/dispatch-${i}`;
          await openSocket(`${url}?relay=receive`, (data) => {
            const frame = JSON.parse(data) as { sentAt: number };
            received++;
            latencies.push(performance.now() - frame.sentAt);
          });
          senders.push(await openSocket(`${url}?relay=send`, () => {}));
        } catch (error) {
          fail(`relay connect: ${String(error)}`);
        }
      }
    }),
  );
  for (const [i, sender] of senders.entries()) {
    let position = pointNear(DEMO_CITY.center, ROAM_RADIUS_M);
    const tick = () => {
      if (!sending || sender.readyState !== WebSocket.OPEN) return;
      position = move(position, rand() * 2 * Math.PI, 16);
      const at = new Date().toISOString();
      sent++;
      // Shaped like the order actor's `tracking` frame, so both sides parse as much JSON.
      sender.send(
        JSON.stringify({
          type: "tracking",
          tracking: {
            driverId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            position: { lat: round(position.lat, 7), lng: round(position.lng, 7), at },
            pickupEta: at,
            dropoffEta: at,
          },
          sentAt: performance.now(),
        }),
      );
    };
    timers.push(
      setTimeout(() => {
        tick();
        timers.push(setInterval(tick, FIX_EVERY_MS));
      }, rand() * FIX_EVERY_MS),
    );
  }
  await waitUntil(() => false, durationMs);
  sending = false;
  for (const timer of timers) clearTimeout(timer);
  await waitUntil(() => false, DRAIN_MS);
  return { latencies, sent, received };
}

async function ticketFor(s: Stack, token: string, target: LiveTarget): Promise<SocketTicket> {
  const response = await fetch(`${s.workerUrl}/api/live/tickets`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ target }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`ticket ${target.kind}: ${response.status}`);
  return (await response.json()) as SocketTicket;
}

/** Opens a socket with its message handler attached first, so no frame is missed. */
function openSocket(url: string, onMessage: (data: string) => void): Promise<WebSocket> {
  const socket = new WebSocket(url);
  openSockets.add(socket);
  socket.on("message", (data) => onMessage(String(data)));
  socket.on("close", () => openSockets.delete(socket));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`socket did not open within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    socket.once("open", () => {
      clearTimeout(timer);
      socket.on("error", () => counts.socketErrors++);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function closeAll(): void {
  for (const socket of openSockets) socket.terminate();
  openSockets.clear();
}

function sendDriver(d: SimDriver, message: DriverClientMessage): void {
  d.socket?.send(JSON.stringify(message));
}

/** Polls `done` every 10 ms until it holds or `timeoutMs` passes; `() => false` simply waits. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, deadline - performance.now())));
  }
}

function positionKey(p: LatLng): string {
  return `${p.lat}:${p.lng}`;
}

/** `metres` from `from` on `headingRad` (clockwise from north); flat-earth, fine at city scale. */
function move(from: LatLng, headingRad: number, metres: number): LatLng {
  return {
    lat: from.lat + (metres * Math.cos(headingRad)) / METRES_PER_DEGREE,
    lng:
      from.lng +
      (metres * Math.sin(headingRad)) / (METRES_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180)),
  };
}

function bearingRad(from: LatLng, to: LatLng): number {
  const north = to.lat - from.lat;
  const east = (to.lng - from.lng) * Math.cos((from.lat * Math.PI) / 180);
  return Math.atan2(east, north);
}

/** A point uniformly within `radiusM` of `centre`. */
function pointNear(centre: LatLng, radiusM: number): LatLng {
  return move(centre, rand() * 2 * Math.PI, radiusM * Math.sqrt(rand()));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
