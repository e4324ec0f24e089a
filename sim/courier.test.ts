import { describe, expect, it } from "vitest";
import { distanceM } from "../domain/geo.ts";
import { seeded } from "../domain/random.ts";
import type { GpsFix, Job, Offer } from "../schema/dispatch.ts";
import {
  answerOffer,
  type Courier,
  drive,
  gpsFix,
  hauntOf,
  headFor,
  nextFixGapMs,
  nextStep,
  defaultCourierPolicy as policy,
  startShift,
  wander,
} from "./courier.ts";
import { shiftM } from "./geo.ts";

const downtown = { lat: 30.2672, lng: -97.7431 };
const diner = shiftM(downtown, 900, 700);
const door = shiftM(downtown, -600, 1_200);

function job(partial: Partial<Job> = {}): Job {
  const orderId = partial.orderId ?? "00000000-0000-4000-8000-000000000001";
  return {
    orderId,
    driverId: "00000000-0000-4000-8000-0000000000d1",
    restaurant: {
      id: "00000000-0000-4000-8000-0000000000a1",
      name: "Diner",
      location: diner,
      address: "1 Main St",
    },
    dropoff: {
      orderId,
      lat: door.lat,
      lng: door.lng,
      text: "2 Elm St",
      customerName: "Sim Customer",
    },
    status: "preparing",
    driverStage: "assigned",
    readyBy: null,
    earningsCents: 600,
    version: 1,
    ...partial,
  };
}

function offer(partial: Partial<Offer> = {}): Offer {
  const j = job();
  return {
    offerId: "00000000-0000-4000-8000-0000000000f1",
    zone: "872664c1affffff",
    orderIds: [j.orderId],
    restaurant: j.restaurant,
    dropoffs: [j.dropoff],
    earningsCents: 600,
    readyBy: new Date(60_000).toISOString(),
    pickupEta: new Date(60_000).toISOString(),
    expiresAt: new Date(30_000).toISOString(),
    ...partial,
  };
}

const still = (position = downtown): Courier => ({
  home: downtown,
  position,
  route: [],
  speedMps: 9,
});

describe("a simulated courier on the road", () => {
  it("starts a shift near where it starts, at a city courier's speed", () => {
    const rng = seeded(1);
    for (let i = 0; i < 100; i++) {
      const c = startShift(rng, downtown, diner, policy);
      expect(c.home).toEqual(diner);
      expect(distanceM(c.position, downtown)).toBeLessThanOrEqual(400.001);
      expect(c.speedMps).toBeGreaterThanOrEqual(6);
      expect(c.speedMps).toBeLessThan(12);
    }
  });

  it("covers speed x time along the route and stops at its end", () => {
    const c = headFor(seeded(1), still(), diner, policy);
    const moved = drive(c, 10_000);
    // Ten seconds at 6-12 m/s stays on the first leg (700 m or more), so the crow flies it too.
    expect(distanceM(downtown, moved.position)).toBeCloseTo(c.speedMps * 10, 3);
    const arrived = drive(c, 10 * 60_000);
    expect(arrived.position).toEqual(diner);
    expect(arrived.route).toEqual([]);
  });

  it("idles near the open restaurant closest to where it starts", () => {
    const places = [
      { location: door, openNow: true },
      { location: diner, openNow: true },
      { location: shiftM(downtown, 10, 10), openNow: false },
    ];
    expect(hauntOf(shiftM(diner, 100, 0), places)).toEqual(diner);
    expect(hauntOf(downtown, [])).toEqual(downtown);
  });

  it("wanders only when it has nowhere to be, within its radius of home", () => {
    const rng = seeded(4);
    const going = headFor(rng, still(), diner, policy);
    expect(wander(rng, going, policy)).toBe(going);
    const drifting = wander(rng, still(), policy);
    expect(distanceM(drifting.route.at(-1)!, downtown)).toBeLessThanOrEqual(
      policy.wanderRadiusM + 0.001,
    );
  });

  it("reports fixes every 2-4 s with metre-scale noise and plausible speeds", () => {
    const rng = seeded(8);
    let c = headFor(rng, still(), door, policy);
    let at = 1_000_000;
    let last: GpsFix | null = null;
    for (let i = 0; i < 200; i++) {
      const gap = nextFixGapMs(rng, policy);
      expect(gap).toBeGreaterThanOrEqual(2_000);
      expect(gap).toBeLessThan(4_000);
      at += gap;
      c = drive(c, gap);
      const fix = gpsFix(rng, c, at);
      expect(fix.accuracyM).toBeLessThanOrEqual(15);
      expect(distanceM(fix, c.position)).toBeLessThan(4 * fix.accuracyM);
      // The driver actor calls anything over 45 m/s a jump; noise must never get there.
      if (last) expect(distanceM(last, fix) / ((fix.at - last.at) / 1000)).toBeLessThan(45);
      last = fix;
    }
  });
});

describe("a simulated courier's next step", () => {
  it("wanders with no jobs", () => {
    expect(nextStep([], downtown, policy)).toEqual({ kind: "wander" });
  });

  it("drives to the restaurant, then says it has arrived once inside the geofence", () => {
    const j = job();
    expect(nextStep([j], downtown, policy)).toEqual({
      kind: "drive",
      orderId: j.orderId,
      to: diner,
    });
    expect(nextStep([j], shiftM(diner, 10, 0), policy)).toEqual({
      kind: "command",
      orderId: j.orderId,
      command: "arrived_at_restaurant",
    });
  });

  it("waits at the counter until the food is ready, then picks it up", () => {
    expect(nextStep([job({ driverStage: "at_restaurant" })], diner, policy).kind).toBe("wait");
    expect(
      nextStep([job({ driverStage: "at_restaurant", status: "ready" })], diner, policy),
    ).toMatchObject({
      kind: "command",
      command: "pick_up",
    });
  });

  it("drives the bag to the door, arrives, then delivers", () => {
    const bag = job({ driverStage: "en_route", status: "picked_up" });
    expect(nextStep([bag], diner, policy)).toMatchObject({ kind: "drive", to: door });
    expect(nextStep([bag], door, policy)).toMatchObject({
      kind: "command",
      command: "arrived_at_dropoff",
    });
    expect(
      nextStep([job({ driverStage: "at_dropoff", status: "picked_up" })], door, policy),
    ).toMatchObject({
      kind: "command",
      command: "deliver",
    });
  });

  it("hands over at the door before driving to a new pickup", () => {
    const atDoor = job({
      orderId: "00000000-0000-4000-8000-000000000002",
      driverStage: "at_dropoff",
      status: "picked_up",
    });
    expect(nextStep([job(), atDoor], door, policy)).toMatchObject({
      orderId: atDoor.orderId,
      command: "deliver",
    });
  });

  it("ignores finished jobs", () => {
    expect(nextStep([job({ status: "delivered", driverStage: "done" })], downtown, policy)).toEqual(
      { kind: "wander" },
    );
  });
});

describe("a simulated courier's answer to an offer", () => {
  const sim = new Set([job().orderId]);

  it("leaves a person's order to a person, at once", () => {
    const theirs = offer({ orderIds: ["00000000-0000-4000-8000-0000000000ee"] });
    expect(answerOffer(seeded(1), theirs, 0, sim, policy)).toMatchObject({
      kind: "decline",
      afterMs: 0,
    });
  });

  it("reads the sim's own offers for a human moment, answering before they expire", () => {
    const rng = seeded(2);
    for (let i = 0; i < 200; i++) {
      const answer = answerOffer(rng, offer(), 0, sim, policy);
      expect(answer.afterMs).toBeLessThanOrEqual(29_000);
      expect(answer.afterMs).toBeGreaterThanOrEqual(Math.min(policy.offerThinkMs.min, 29_000));
    }
    const late = answerOffer(seeded(2), offer(), 29_500, sim, policy);
    expect(late.afterMs).toBe(0);
  });

  it("declines about the configured share", () => {
    const rng = seeded(3);
    const answers = Array.from({ length: 2_000 }, () => answerOffer(rng, offer(), 0, sim, policy));
    const declined = answers.filter((a) => a.kind === "decline").length / answers.length;
    expect(declined).toBeGreaterThan(0.07);
    expect(declined).toBeLessThan(0.13);
  });
});
