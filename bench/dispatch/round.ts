import { parseArgs } from "node:util";
import { defaultPolicyConfig } from "../../dispatch/config.ts";
import { FleetIndex } from "../../dispatch/fleet-index.ts";
import { candidatesWanted, loadOf, planRound } from "../../dispatch/round.ts";
import type { Assignment, Courier, OrderToDispatch } from "../../dispatch/types.ts";
import { travelMs } from "../../domain/geo.ts";
import { seeded } from "../../domain/random.ts";
import type { LatLng } from "../../schema/geo.ts";
import { fmt, summarize, table } from "../stats.ts";

/**
 * bench/dispatch (a): one matching round, as the ZoneActor runs it, with 1k, 5k and 20k idle
 * drivers spread over a city (around Austin) and 200 pending orders. Each round is timed twice in
 * the same run: with candidates from the FleetIndex ring search, and with the policy's own
 * brute-force candidate scan (every driver measured for every bundle). Both must plan the same
 * assignments; the table shows the round's time each way and the ratio, and the candidate
 * search alone (200 queries) each way.
 *
 * Every loop is bounded in count and in time. Run: npm run bench:dispatch:round
 *   [-- --orders 200 --fleets 1000,5000,20000 --iterations 20 --seconds-max 20 --seed 1]
 */
const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "200" },
    fleets: { type: "string", default: "1000,5000,20000" },
    iterations: { type: "string", default: "20" },
    "seconds-max": { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
  },
});
const ORDERS = Number(values.orders);
const FLEETS = values.fleets.split(",").map(Number);
const ITERATIONS = Number(values.iterations);
/** Per fleet size and per way of searching: a slow machine still finishes. */
const PHASE_MS_MAX = (Number(values["seconds-max"]) * 1000) / 2;
/** Untimed rounds first, so the JIT has compiled both paths before either is measured. */
const WARMUP_ROUNDS = 2;

const CITY: LatLng = { lat: 30.27, lng: -97.74 };
/** Drivers roam a disc about Greater Austin's size; restaurants cluster in the inner city. */
const FLEET_RADIUS_M = 15_000;
const RESTAURANT_RADIUS_M = 6_000;
const RESTAURANTS = 150;
/** Customers order from within a few kilometres, as delivery radii usually allow. */
const DELIVERY_RADIUS_M = 4_000;
/** The ZoneActor's search radius: a 10 km ride at 25 km/h is already a 30-minute trip. */
const SEARCH_RADIUS_M = 10_000;
const NOW_MS = Date.UTC(2025, 0, 1, 18, 0, 0);
const MINUTE = 60_000;

/** A point uniformly within `radiusM` of `centre` (flat-earth offsets; fine at city scale). */
function pointNear(rand: () => number, centre: LatLng, radiusM: number): LatLng {
  const r = radiusM * Math.sqrt(rand());
  const angle = 2 * Math.PI * rand();
  return {
    lat: centre.lat + (r * Math.cos(angle)) / 111_320,
    lng: centre.lng + (r * Math.sin(angle)) / (111_320 * Math.cos((centre.lat * Math.PI) / 180)),
  };
}

function city(rand: () => number, drivers: number) {
  const restaurants = Array.from({ length: RESTAURANTS }, () =>
    pointNear(rand, CITY, RESTAURANT_RADIUS_M),
  );
  const orders: OrderToDispatch<LatLng>[] = Array.from({ length: ORDERS }, (_, i) => {
    const r = Math.floor(rand() * RESTAURANTS);
    const placedAtMs = NOW_MS - Math.floor(rand() * 15) * MINUTE;
    return {
      id: `o${i}`,
      restaurantId: `r${r}`,
      pickup: restaurants[r]!,
      dropoff: pointNear(rand, restaurants[r]!, DELIVERY_RADIUS_M),
      placedAtMs,
      readyAtMs: placedAtMs + (5 + Math.floor(rand() * 25)) * MINUTE,
    };
  });
  const couriers: Courier<LatLng>[] = Array.from({ length: drivers }, (_, i) => ({
    id: `d${i}`,
    position: pointNear(rand, CITY, FLEET_RADIUS_M),
    freeAtMs: NOW_MS,
  }));
  return { orders, couriers };
}

function timed(run: () => Assignment[] | unknown): { samples: number[]; last: unknown } {
  for (let i = 0; i < WARMUP_ROUNDS; i++) run();
  const samples: number[] = [];
  const deadline = performance.now() + PHASE_MS_MAX;
  let last: unknown;
  while (samples.length < ITERATIONS && performance.now() < deadline) {
    const started = performance.now();
    last = run();
    samples.push(performance.now() - started);
  }
  return { samples, last };
}

const signature = (plan: unknown) =>
  (plan as Assignment[])
    .map((a) => `${a.courierId}:${a.orderIds.join("+")}`)
    .sort()
    .join(",");

console.log(
  `bench/dispatch round: ${ORDERS} pending orders at ${RESTAURANTS} restaurants, drivers within ` +
    `${FLEET_RADIUS_M / 1000} km of Austin, up to ${ITERATIONS} rounds per way (node ${process.version})\n`,
);
const rows: string[][] = [];
const searchRows: string[][] = [];
for (const drivers of FLEETS) {
  const { orders, couriers } = city(seeded(Number(values.seed) + drivers).next, drivers);
  const byId = new Map(couriers.map((c) => [c.id, c]));
  const buildStarted = performance.now();
  const index = new FleetIndex();
  for (const c of couriers) index.set(c.id, c.position);
  const buildMs = performance.now() - buildStarted;
  const input = {
    nowMs: NOW_MS,
    couriers,
    orders,
    travelMs: (a: LatLng, b: LatLng) => travelMs(a, b),
  };
  const candidatesOf = (pickup: LatLng, k: number) =>
    index.nearest(pickup, k, SEARCH_RADIUS_M).map((n) => byId.get(n.driverId)!);

  const ring = timed(() => planRound({ ...input, candidatesOf }));
  const scan = timed(() => planRound(input));
  const r = summarize(ring.samples);
  const s = summarize(scan.samples);
  const assigned = (ring.last as Assignment[]).reduce((n, a) => n + a.orderIds.length, 0);
  rows.push([
    String(drivers),
    String(ORDERS),
    `${String(r.n)}/${String(s.n)}`,
    fmt(r.p50),
    fmt(r.p99),
    fmt(s.p50),
    fmt(s.p99),
    `${fmt(s.p50 / r.p50, 1)}x`,
    String(assigned),
    signature(ring.last) === signature(scan.last) ? "yes" : "NO",
  ]);

  // The candidate search alone: one query per order, k = what the round asks for.
  const k = candidatesWanted(
    loadOf(orders, couriers, NOW_MS, defaultPolicyConfig),
    defaultPolicyConfig.candidatesPerBundle,
  );
  const ringSearch = timed(() => {
    for (const o of orders) index.nearest(o.pickup, k, SEARCH_RADIUS_M);
  });
  const scanSearch = timed(() => {
    for (const o of orders) index.nearestByScan(o.pickup, k, SEARCH_RADIUS_M);
  });
  const rs = summarize(ringSearch.samples);
  const ss = summarize(scanSearch.samples);
  searchRows.push([
    String(drivers),
    String(k),
    fmt(buildMs),
    fmt(rs.p50, 3),
    fmt(ss.p50, 3),
    `${fmt(ss.p50 / rs.p50, 1)}x`,
  ]);
}

console.log("one matching round (planRound), ms");
console.log(
  table(
    [
      "drivers",
      "orders",
      "rounds r/s",
      "ring p50",
      "ring p99",
      "scan p50",
      "scan p99",
      "scan/ring",
      "assigned",
      "same plan",
    ],
    rows,
  ),
);
console.log(
  `\ncandidate search alone: ${ORDERS} queries, k as the round asks, radius ${SEARCH_RADIUS_M / 1000} km, ms`,
);
console.log(
  table(["drivers", "k", "index build", "ring p50", "scan p50", "scan/ring"], searchRows),
);
