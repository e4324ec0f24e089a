import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { inArray } from "drizzle-orm";
import { WebSocket } from "ws";
import { hashPassword } from "../../accounts/password.ts";
import { openSession } from "../../accounts/users.ts";
import { ALWAYS_OPEN_SLUG } from "../../infra/demo/city.ts";
import { seedDemoDatabase } from "../../infra/demo/seed.ts";
import { fundDemoWallets } from "../../infra/demo/wallets.ts";
import { freePort, startWranglerDev, stopProcess } from "../../infra/local/processes.ts";
import { type Stack, startStack } from "../../infra/local/stack.ts";
import { openDb } from "../../runtime/db.ts";
import type { RestaurantWithMenu } from "../../schema/catalog.ts";
import { restaurants, users } from "../../schema/db/index.ts";
import type { Order } from "../../schema/orders.ts";
import type { RestaurantServerMessage } from "../../schema/sockets.ts";
import { fmt, summarize, table } from "../stats.ts";

/**
 * bench/order-flow: how fast orders flow end to end on local workerd, against the barest Durable
 * Object WebSocket echo on the same machine in the same run.
 *
 *   latency:    POST /api/orders sent -> ticket.new on the kitchen's socket (p50, p99),
 *               against one echo round trip on a hibernating Durable Object socket;
 *   throughput: orders placed per second with C clients in parallel,
 *               against echo round trips per second with C sockets in parallel.
 *
 * Every loop is bounded in count and in time. Run: npm run bench:order-flow [-- --orders 300]
 * With DATABASE_URL set it runs on that PostgreSQL; otherwise on the embedded PGlite.
 */
const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    concurrency: { type: "string", default: "8" },
    "seconds-max": { type: "string", default: "120" },
  },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const PHASE_MS_MAX = Number(values["seconds-max"]) * 1000;
/** Echo round trips for its throughput: enough that start-up noise is a small share. */
const ECHO_ROUND_TRIPS = 5_000;
/** Orders per customer: under the per-customer placement limit (10 at once), so none is refused. */
const ORDERS_PER_CUSTOMER = 8;

const root = fileURLToPath(new URL("../..", import.meta.url));
const stateDir = mkdtempSync(path.join(tmpdir(), "dizhtime-bench-"));
const log = (line: string) => {
  if (/error/i.test(line)) process.stderr.write(`${line}\n`);
};

let customerCursor = 0;
let orderCursor = 0;
let stack: Stack | undefined;
let echo: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
try {
  console.log(`bench/order-flow: ${ORDERS} orders, concurrency ${CONCURRENCY}`);
  stack = await startStack({
    stateDir,
    workerPort: await freePort(),
    bridgePort: await freePort(),
    databaseUrl: process.env.DATABASE_URL,
    // Nobody answers the bench's tickets: they must not time out and pause the kitchens mid-run.
    vars: { ORDER_ACCEPT_TIMEOUT_MS: "3600000" },
    prepare: async (database) => {
      await seedDemoDatabase(database, { iterations: 1_000 });
    },
    log,
  });
  const echoPort = await freePort();
  echo = await startWranglerDev({
    port: echoPort,
    configPath: path.join(root, "bench/order-flow/echo/wrangler.toml"),
    persistTo: path.join(stateDir, "echo"),
    readyPath: "/health",
    log,
  });
  const setup = await prepare(stack);
  console.log(
    `database: ${stack.database.kind}; ${setup.kitchens.length} kitchens, ${setup.customers.length} customers\n`,
  );

  const orderLatency = await measureOrderLatency(stack, setup, Math.min(ORDERS, 200));
  const echoLatency = await measureEchoLatency(echoPort, orderLatency.length);
  const httpLatency = await measureHttpLatency(echoPort, orderLatency.length);
  const orderRate = await measureOrderThroughput(stack, setup, ORDERS, CONCURRENCY);
  const echoRate = await measureEchoThroughput(echoPort, ECHO_ROUND_TRIPS, CONCURRENCY);

  const o = summarize(orderLatency);
  const e = summarize(echoLatency);
  const h = summarize(httpLatency);
  console.log(
    table(
      ["measure", "n", "p50 ms", "p99 ms", "mean ms"],
      [
        ["placement -> ticket on kitchen socket", String(o.n), fmt(o.p50), fmt(o.p99), fmt(o.mean)],
        ["bare DO WebSocket echo round trip", String(e.n), fmt(e.p50), fmt(e.p99), fmt(e.mean)],
        ["(context) bare Worker HTTP round trip", String(h.n), fmt(h.p50), fmt(h.p99), fmt(h.mean)],
      ],
    ),
  );
  console.log();
  console.log(
    table(
      ["throughput", "count", "seconds", "per second"],
      [
        [
          "orders placed (HTTP 201)",
          String(orderRate.count),
          fmt(orderRate.seconds),
          fmt(orderRate.perSecond, 1),
        ],
        [
          "echo round trips",
          String(echoRate.count),
          fmt(echoRate.seconds),
          fmt(echoRate.perSecond, 1),
        ],
      ],
    ),
  );
  console.log(`
ratios (order flow / bare echo, same run):
  latency p50  ${fmt(o.p50 / e.p50, 1)}x
  latency p99  ${fmt(o.p99 / e.p99, 1)}x
  throughput   ${fmt(orderRate.perSecond / echoRate.perSecond, 4)}x`);
} finally {
  await stopProcess(echo ?? null);
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

type Setup = {
  kitchens: Array<{
    id: string;
    itemId: string;
    location: { lat: number; lng: number };
    socket: WebSocket;
    tickets: Map<string, number>;
  }>;
  customers: string[];
};

/** Customers and staff get tokens minted with the stack's secret: the bench measures orders, not logins. */
async function prepare(s: Stack): Promise<Setup> {
  const { db, close } = openDb(s.database);
  try {
    const password = await hashPassword("bench-customer-password", 1_000);
    const count = Math.ceil(ORDERS / ORDERS_PER_CUSTOMER) * 2;
    const rows = await db
      .insert(users)
      .values(
        Array.from({ length: count }, (_, i) => ({
          email: `bench-${i}-${Date.now()}@bench.dizhtime`,
          name: `Bench Customer ${i}`,
          role: "customer" as const,
          passwordHash: password.hash,
          passwordSalt: password.salt,
          passwordIterations: password.iterations,
        })),
      )
      .returning({ id: users.id });
    // Orders hold their total in the customer's wallet: enough for every order they will place.
    await fundDemoWallets(
      db,
      rows.map((row) => row.id),
      Date.now(),
      1_000_000,
    );
    const customers = await Promise.all(
      rows.map(
        async (row) =>
          (await openSession(db, row.id, s.secrets.JWT_SECRET, Date.now())).accessToken,
      ),
    );
    const open = await db.select().from(restaurants);
    const alwaysOpen = open.filter(
      (r) =>
        r.openingHours.length === 7 &&
        r.openingHours.every((w) => w.opens === "00:00" && w.closes === "24:00"),
    );
    const chosen = alwaysOpen.sort((a, b) =>
      a.slug === ALWAYS_OPEN_SLUG ? -1 : b.slug === ALWAYS_OPEN_SLUG ? 1 : 0,
    );
    const staffRows = await db
      .select()
      .from(users)
      .where(
        inArray(
          users.restaurantId,
          chosen.map((r) => r.id),
        ),
      );
    const kitchens: Setup["kitchens"] = [];
    for (const restaurant of chosen) {
      const staff = staffRows.find((u) => u.restaurantId === restaurant.id);
      if (!staff) continue;
      const token = (await openSession(db, staff.id, s.secrets.JWT_SECRET, Date.now())).accessToken;
      const menu = (await (
        await fetch(`${s.workerUrl}/api/restaurants/${restaurant.id}`)
      ).json()) as RestaurantWithMenu;
      const item = menu.menu
        .flatMap((c) => c.items)
        .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0));
      if (!item) continue;
      const ticket = await fetch(`${s.workerUrl}/api/live/tickets`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ target: { kind: "restaurant", id: restaurant.id } }),
      });
      const { url } = (await ticket.json()) as { url: string };
      const socket = new WebSocket(`${s.workerUrl.replace(/^http/, "ws")}${url}`);
      const tickets = new Map<string, number>();
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as RestaurantServerMessage;
        if (message.type === "ticket.new") tickets.set(message.ticket.orderId, performance.now());
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("open", () => resolve());
        socket.once("error", reject);
      });
      kitchens.push({
        id: restaurant.id,
        itemId: item.id,
        location: { lat: restaurant.lat, lng: restaurant.lng },
        socket,
        tickets,
      });
    }
    if (kitchens.length === 0) throw new Error("no always-open kitchen to order from");
    return { kitchens, customers };
  } finally {
    await close();
  }
}

/** Places one order; answers when it was sent, and its id (or null if refused). */
async function placeOne(
  s: Stack,
  setup: Setup,
): Promise<{ sentAt: number; kitchen: Setup["kitchens"][number]; orderId: string | null }> {
  const n = orderCursor++;
  const kitchen = setup.kitchens[n % setup.kitchens.length]!;
  const token =
    setup.customers[Math.floor(customerCursor++ / ORDERS_PER_CUSTOMER) % setup.customers.length]!;
  const sentAt = performance.now();
  const response = await fetch(`${s.workerUrl}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      restaurantId: kitchen.id,
      items: [{ itemId: kitchen.itemId, quantity: 1, modifiers: [] }],
      deliveryAddress: {
        lat: kitchen.location.lat + 0.004,
        lng: kitchen.location.lng,
        text: "bench address",
      },
      idempotencyKey: `bench-${n}-${Date.now()}`,
    }),
  });
  const body = (await response.json()) as Order;
  return { sentAt, kitchen, orderId: response.status === 201 ? body.id : null };
}

async function measureOrderLatency(s: Stack, setup: Setup, count: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + PHASE_MS_MAX;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const { sentAt, kitchen, orderId } = await placeOne(s, setup);
    if (!orderId) continue;
    const arrivedAt = await waitForTicket(kitchen.tickets, orderId);
    if (arrivedAt !== null) latencies.push(arrivedAt - sentAt);
  }
  return latencies;
}

async function waitForTicket(
  tickets: Map<string, number>,
  orderId: string,
): Promise<number | null> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const at = tickets.get(orderId);
    if (at !== undefined) return at;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return null;
}

async function measureOrderThroughput(s: Stack, setup: Setup, count: number, concurrency: number) {
  let placed = 0;
  let started = 0;
  const begin = performance.now();
  const deadline = begin + PHASE_MS_MAX;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count && performance.now() < deadline) {
        started++;
        if ((await placeOne(s, setup)).orderId) placed++;
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  return { count: placed, seconds, perSecond: placed / seconds };
}

async function openEcho(port: number, room: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/echo/${room}`);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return socket;
}

function roundTrip(socket: WebSocket, payload: string): Promise<void> {
  return new Promise((resolve) => {
    socket.once("message", () => resolve());
    socket.send(payload);
  });
}

async function measureEchoLatency(port: number, count: number): Promise<number[]> {
  const socket = await openEcho(port, "latency");
  const payload = JSON.stringify({ type: "ticket.new", padding: "x".repeat(600) });
  const latencies: number[] = [];
  const deadline = performance.now() + PHASE_MS_MAX;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const start = performance.now();
    await roundTrip(socket, payload);
    latencies.push(performance.now() - start);
  }
  socket.close();
  return latencies;
}

/** Context, not the baseline: what one HTTP request through wrangler dev costs before any work. */
async function measureHttpLatency(port: number, count: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + PHASE_MS_MAX;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const start = performance.now();
    await (await fetch(`http://127.0.0.1:${port}/health`)).text();
    latencies.push(performance.now() - start);
  }
  return latencies;
}

async function measureEchoThroughput(port: number, count: number, concurrency: number) {
  const sockets = await Promise.all(
    Array.from({ length: concurrency }, (_, i) => openEcho(port, `rate-${i}`)),
  );
  const payload = JSON.stringify({ type: "ticket.new", padding: "x".repeat(600) });
  let done = 0;
  const begin = performance.now();
  const deadline = begin + PHASE_MS_MAX;
  await Promise.all(
    sockets.map(async (socket) => {
      while (done < count && performance.now() < deadline) {
        done++;
        await roundTrip(socket, payload);
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  for (const socket of sockets) socket.close();
  return { count: done, seconds, perSecond: done / seconds };
}
