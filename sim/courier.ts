import { distanceM } from "../domain/geo.ts";
import { between, chance, normal, type Random } from "../domain/random.ts";
import type { GpsFix, Job, Offer } from "../schema/dispatch.ts";
import type { LatLng } from "../schema/geo.ts";
import { advanceAlong, headingDeg, planRoute, pointNear, shiftM } from "./geo.ts";

/**
 * A simulated courier, pure: where they are, where they are going and how fast. The shell moves it
 * with the wall clock and sends what `gpsFix` reports; decisions come from `nextStep` over the jobs
 * the courier's actor says they hold, so the server stays the one source of truth.
 */
export type Courier = {
  home: LatLng;
  position: LatLng;
  /** Waypoints still ahead, the last one the destination; empty when standing still. */
  route: LatLng[];
  speedMps: number;
};

export type CourierPolicy = {
  /** City couriers: a bike at 6 m/s to a car in traffic at 12 (the actor refuses over 45). */
  speedMps: { min: number; max: number };
  /** Idle couriers drift this far from where their shift started: inside a zone's search radius. */
  wanderRadiusM: number;
  /** A phone in the foreground reports every 2-4 s. */
  fixEveryMs: { min: number; max: number };
  /** Close enough to say "I'm here": well inside the order's 150 m geofence, even with GPS noise. */
  arriveWithinM: number;
  /** How long a person takes to read an offer before tapping. */
  offerThinkMs: { min: number; max: number };
  /** The share of the sim's own offers a courier turns down (busy, too far, a coffee break). */
  declineRate: number;
};

export const defaultCourierPolicy: CourierPolicy = {
  speedMps: { min: 6, max: 12 },
  wanderRadiusM: 1_500,
  fixEveryMs: { min: 2_000, max: 4_000 },
  arriveWithinM: 25,
  offerThinkMs: { min: 1_500, max: 6_000 },
  declineRate: 0.1,
};

/**
 * A courier starting a shift near `start`, standing still, who idles around `haunt` (see
 * `hauntOf`) between jobs.
 */
export function startShift(
  rng: Random,
  start: LatLng,
  haunt: LatLng,
  policy: CourierPolicy,
): Courier {
  return {
    home: haunt,
    position: pointNear(rng, start, 400),
    route: [],
    speedMps: between(rng, policy.speedMps.min, policy.speedMps.max),
  };
}

/**
 * Where an idle courier hangs about: the open restaurant nearest where they start, as real
 * couriers wait near busy kitchens; where they start when nothing is open.
 */
export function hauntOf(
  start: LatLng,
  restaurants: readonly { location: LatLng; openNow: boolean }[],
): LatLng {
  let best: LatLng = start;
  let bestM = Number.POSITIVE_INFINITY;
  for (const r of restaurants) {
    const d = distanceM(start, r.location);
    if (r.openNow && d < bestM) {
      best = r.location;
      bestM = d;
    }
  }
  return best;
}

/** `elapsedMs` of driving along the route. */
export function drive(courier: Courier, elapsedMs: number): Courier {
  if (courier.route.length === 0 || elapsedMs <= 0) return courier;
  const moved = advanceAlong(
    courier.position,
    courier.route,
    (courier.speedMps * elapsedMs) / 1000,
  );
  return { ...courier, ...moved };
}

/**
 * Heads for `to` along the street grid, unless already going there. Each new trip draws a new
 * speed: traffic and the courier's mood change from one trip to the next.
 */
export function headFor(rng: Random, courier: Courier, to: LatLng, policy: CourierPolicy): Courier {
  const destination = courier.route.at(-1);
  if (destination && distanceM(destination, to) < 1) return courier;
  return {
    ...courier,
    route: planRoute(rng, courier.position, to),
    speedMps: between(rng, policy.speedMps.min, policy.speedMps.max),
  };
}

/** An idle courier with nowhere to be picks a new spot near their haunt and drifts there. */
export function wander(rng: Random, courier: Courier, policy: CourierPolicy): Courier {
  if (courier.route.length > 0) return courier;
  return headFor(rng, courier, pointNear(rng, courier.home, policy.wanderRadiusM), policy);
}

/**
 * What the phone reports: the true position blurred by GPS noise of a few metres (a normal draw
 * scaled to the claimed accuracy, as a phone's 68% circle is), with speed and heading.
 */
export function gpsFix(rng: Random, courier: Courier, atMs: number): GpsFix {
  const accuracyM = between(rng, 4, 15);
  const sigma = accuracyM / 2;
  const seen = shiftM(courier.position, normal(rng) * sigma, normal(rng) * sigma);
  const moving = courier.route.length > 0;
  return {
    lat: seen.lat,
    lng: seen.lng,
    accuracyM: Math.round(accuracyM * 10) / 10,
    at: Math.round(atMs),
    speedMps: moving ? Math.round(courier.speedMps * 10) / 10 : 0,
    ...(moving ? { headingDeg: Math.round(headingDeg(courier.position, courier.route[0]!)) } : {}),
  };
}

export function nextFixGapMs(rng: Random, policy: CourierPolicy): number {
  return between(rng, policy.fixEveryMs.min, policy.fixEveryMs.max);
}

export type DriverStep =
  | { kind: "wander" }
  | { kind: "drive"; orderId: string; to: LatLng }
  | {
      kind: "command";
      orderId: string;
      command: "arrived_at_restaurant" | "pick_up" | "arrived_at_dropoff" | "deliver";
    }
  | { kind: "wait"; orderId: string };

/**
 * The courier's next move given the jobs they hold, in the order a courier works: hand over what
 * is at the door, collect food that is ready, get to the counter, wait for the kitchen, then drive
 * the bags out nearest first.
 */
export function nextStep(
  jobs: readonly Job[],
  position: LatLng,
  policy: CourierPolicy,
): DriverStep {
  const live = jobs.filter(
    (j) => j.status !== "delivered" && j.status !== "cancelled" && j.status !== "rejected",
  );
  const atDoor = live.find((j) => j.driverStage === "at_dropoff");
  if (atDoor) return { kind: "command", orderId: atDoor.orderId, command: "deliver" };
  const collectable = live.find((j) => j.driverStage === "at_restaurant" && j.status === "ready");
  if (collectable) return { kind: "command", orderId: collectable.orderId, command: "pick_up" };
  const toCounter = live.find((j) => j.driverStage === "assigned");
  if (toCounter) {
    return distanceM(position, toCounter.restaurant.location) <= policy.arriveWithinM
      ? { kind: "command", orderId: toCounter.orderId, command: "arrived_at_restaurant" }
      : { kind: "drive", orderId: toCounter.orderId, to: toCounter.restaurant.location };
  }
  const waiting = live.find((j) => j.driverStage === "at_restaurant");
  if (waiting) return { kind: "wait", orderId: waiting.orderId };
  const bags = live
    .filter((j) => j.driverStage === "en_route")
    .sort((a, b) => distanceM(position, a.dropoff) - distanceM(position, b.dropoff));
  const bag = bags[0];
  if (bag) {
    return distanceM(position, bag.dropoff) <= policy.arriveWithinM
      ? { kind: "command", orderId: bag.orderId, command: "arrived_at_dropoff" }
      : { kind: "drive", orderId: bag.orderId, to: { lat: bag.dropoff.lat, lng: bag.dropoff.lng } };
  }
  return { kind: "wander" };
}

export type OfferAnswer =
  | { kind: "accept"; afterMs: number }
  | { kind: "decline"; afterMs: number; reason: string };

/**
 * How a simulated courier answers an offer. Orders the sim did not place are declined at once:
 * only their customer has the delivery code, so a person (a courier in the app) must take them.
 * The sim's own are read for a human moment, then taken, or now and then turned down, always
 * before the offer expires.
 */
export function answerOffer(
  rng: Random,
  offer: Offer,
  nowMs: number,
  simOrders: { has(orderId: string): boolean },
  policy: CourierPolicy,
): OfferAnswer {
  if (!offer.orderIds.every((id) => simOrders.has(id))) {
    return { kind: "decline", afterMs: 0, reason: "left for a courier in the app" };
  }
  const leftMs = Date.parse(offer.expiresAt) - nowMs - 1_000;
  const afterMs = Math.max(
    0,
    Math.min(between(rng, policy.offerThinkMs.min, policy.offerThinkMs.max), leftMs),
  );
  if (chance(rng, policy.declineRate)) {
    return { kind: "decline", afterMs, reason: "on a break" };
  }
  return { kind: "accept", afterMs };
}
