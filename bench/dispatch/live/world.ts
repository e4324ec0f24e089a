import type { WebSocket } from "ws";
import { type Random, seeded } from "../../../domain/random.ts";
import type { Stack } from "../../../infra/local/stack.ts";
import type { LatLng } from "../../../schema/geo.ts";
import { type Courier, type CourierPolicy, defaultCourierPolicy } from "../../../sim/courier.ts";

/**
 * What the live dispatch bench's parts share: its bounds and the fleet's policies, the counts and
 * failures it reports, and the fleet, orders and tracked orders it drives.
 */

/** The cadence: one fix per courier every 2 s, as a phone app in the foreground reports. */
export const FIX_EVERY_MS = 2_000;
/**
 * The fleet moves as the demo city's simulated couriers do (sim/courier.ts: street-grid routes,
 * GPS noise of 4-15 m), at 5-12 m/s, idling within 1.2 km of their restaurant (inside its zone's
 * 4 km search radius), and once assigned within 80 m of the counter (the geofence is 150 m).
 */
export const ROAM: CourierPolicy = {
  ...defaultCourierPolicy,
  speedMps: { min: 5, max: 12 },
  wanderRadiusM: 1_200,
};
export const AT_THE_COUNTER: CourierPolicy = { ...ROAM, wanderRadiusM: 80 };
/** A courier reads an offer before tapping accept: long enough to be a person, short for the bench. */
export const ACCEPT_DELAY_MS_MIN = 100;
export const ACCEPT_DELAY_MS_MAX = 400;
/** Orders per customer: under the per-customer placement limit (10 at once), so none is refused. */
export const ORDERS_PER_CUSTOMER = 4;
/**
 * Each customer's wallet is topped up by this much before ordering (placement holds the order's
 * total): the most one top-up may be, well over four single-item orders.
 */
export const TOP_UP_CENTS = 50_000;
/** The simulated provider's card that always succeeds. */
export const TEST_CARD = "4242424242424242";
/** Sockets and tickets opened at once while the fleet logs in: enough to be quick, not a stampede. */
export const CONNECT_CONCURRENCY = 16;
/** Bounds on each phase, so a stuck stack ends the bench instead of hanging it. */
export const CONNECT_MS_MAX = 60_000;
export const ORDERS_MS_MAX = 45_000;
/** Every HTTP call and socket open gives up after this. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Fixes per tracked order waiting for their `tracking`: older ones are counted as lost. */
export const PENDING_FIXES_MAX = 64;

export type Kitchen = { id: string; itemId: string; location: LatLng; staffToken: string };

export type SimDriver = {
  id: string;
  token: string;
  socket: WebSocket | null;
  /** Where the courier is and is going; its home is its restaurant, then its pickup. */
  courier: Courier;
  policy: CourierPolicy;
  online: boolean;
  lastFixAtMs: number;
  jobs: Set<string>;
  timer: NodeJS.Timeout | null;
};

export type PlacedOrder = {
  id: string;
  customerToken: string;
  acceptSentAt: number | null;
  acceptedAt: number | null;
  offerAt: number | null;
  driverId: string | null;
};

export type TrackedOrder = {
  orderId: string;
  /** When the customer's socket had its snapshot: fixes count from then on. */
  readyAt: number | null;
  /** Fixes sent while the customer watched, by position, with when they were sent. */
  pending: Map<string, number>;
  fixesSent: number;
  fixesMatched: number;
};

export const counts = {
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
export const failures = new Map<string, number>();
export const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);

export const drivers = new Map<string, SimDriver>();
export const orders = new Map<string, PlacedOrder>();
export const tracked = new Map<string, TrackedOrder>();
export const trackingLatencies: number[] = [];
export const openSockets = new Set<WebSocket>();
/** Whether the fleet reports its fixes (it stops before the figures are counted). */
export const fleet = { reporting: false };

/** The run's one seeded source of randomness (from --seed) and its stack, set by run.ts. */
export const world: { rng: Random; stack: Stack | null } = { rng: seeded(1), stack: null };

/** After the last fix, frames still in flight get this long to land before counting. */
export const DRAIN_MS = 2_500;
export const rand = () => world.rng.next();

/** Waits until `done()`, polling, for at most `timeoutMs`; `() => false` is a plain bounded wait. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, deadline - performance.now())));
  }
}

/** What the command line asked for, set by run.ts before anything else runs. */
export const settings = { drivers: 0, orders: 0, concurrency: 0 };
