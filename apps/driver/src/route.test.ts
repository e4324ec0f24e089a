import { describe, expect, it } from "vitest";
import { distanceM } from "../../../domain/geo.ts";
import type { Job } from "../../../schema/dispatch.ts";
import { currentStep, nextStop, remainingStops, routeLine, stepToward } from "./route.ts";

describe("the simulated courier's route", () => {
  const capitol = { lat: 30.2747, lng: -97.7404 };
  const northOfIt = { lat: 30.2837, lng: -97.7404 };

  it("measures a hundredth of a degree of latitude as about a kilometre", () => {
    expect(distanceM(capitol, northOfIt)).toBeGreaterThan(995);
    expect(distanceM(capitol, northOfIt)).toBeLessThan(1005);
  });

  it("covers speed times time along the line", () => {
    const next = stepToward(capitol, northOfIt, 20, 10_000);
    expect(distanceM(capitol, next)).toBeCloseTo(200, 0);
    expect(next.lng).toBe(capitol.lng);
  });

  it("stops at the destination rather than overshooting it", () => {
    expect(stepToward(capitol, northOfIt, 20, 3_600_000)).toEqual(northOfIt);
  });
});

const diner = {
  id: "00000000-0000-4000-8000-000000000010",
  name: "Counter Diner",
  address: "1 Congress Ave",
  location: { lat: 30.2672, lng: -97.7431 },
};
const bakery = {
  id: "00000000-0000-4000-8000-000000000011",
  name: "Corner Bakery",
  address: "9 Lamar Blvd",
  location: { lat: 30.27, lng: -97.75 },
};

/** A job of order `n`, its door a little north of the diner for each n. */
function job(n: number, partial: Partial<Job> = {}): Job {
  const orderId = `00000000-0000-4000-8000-00000000010${n}`;
  return {
    orderId,
    driverId: "00000000-0000-4000-8000-000000000020",
    restaurant: diner,
    dropoff: {
      orderId,
      lat: 30.27 + n / 100,
      lng: -97.74,
      text: `${n}00 Guadalupe St`,
      customerName: `Customer ${n}`,
    },
    status: "preparing",
    driverStage: "assigned",
    readyBy: null,
    earningsCents: 500,
    version: 3,
    ...partial,
  };
}

/** The stops as short words, e.g. "pickup Counter Diner (1,2)" or "door 1 (here)". */
function names(jobs: Job[]): string[] {
  return remainingStops(jobs).map((stop) =>
    stop.kind === "pickup"
      ? `pickup ${stop.restaurant.name} (${stop.orderIds.map((id) => id.slice(-1)).join(",")})${stop.here ? " here" : ""}`
      : `door ${stop.orderId.slice(-1)}${stop.here ? " here" : ""}`,
  );
}

describe("the stops left on a courier's jobs", () => {
  it("goes to the counter, then to the door, for one job", () => {
    expect(names([job(1)])).toEqual(["pickup Counter Diner (1)", "door 1"]);
    expect(currentStep(remainingStops([job(1)]))).toBe("Head to the restaurant");
  });

  it("collects a whole bundle at its one counter, then drives the doors in the planned order", () => {
    const bundle = [job(2), job(1), job(3)];
    expect(names(bundle)).toEqual(["pickup Counter Diner (2,1,3)", "door 2", "door 1", "door 3"]);
  });

  it("waits at the counter until the last order of the bundle is picked up", () => {
    const bundle = [
      job(1, { driverStage: "en_route", status: "picked_up" }),
      job(2, { driverStage: "at_restaurant" }),
    ];
    expect(names(bundle)).toEqual(["pickup Counter Diner (2) here", "door 1", "door 2"]);
    expect(currentStep(remainingStops(bundle))).toBe("At the restaurant");
    expect(nextStop(bundle)).toEqual(diner.location);
  });

  it("finishes the door the courier stands at before driving on", () => {
    const bundle = [
      job(1, { driverStage: "en_route", status: "picked_up" }),
      job(2, { driverStage: "at_dropoff", status: "picked_up" }),
    ];
    expect(names(bundle)).toEqual(["door 2 here", "door 1"]);
    expect(currentStep(remainingStops(bundle))).toBe("At the door");
    const afterIt = [job(1, { driverStage: "en_route", status: "picked_up" })];
    expect(currentStep(remainingStops(afterIt))).toBe("Head to the customer");
    expect(nextStop(afterIt)).toEqual({ lat: job(1).dropoff.lat, lng: job(1).dropoff.lng });
  });

  it("visits a counter it is at before one it has not reached, when jobs span two", () => {
    const jobs = [job(1), job(2, { restaurant: bakery, driverStage: "at_restaurant" })];
    expect(names(jobs)).toEqual([
      "pickup Corner Bakery (2) here",
      "pickup Counter Diner (1)",
      "door 1",
      "door 2",
    ]);
  });

  it("has nothing left, and nowhere to head, once every job is done", () => {
    const done = [job(1, { driverStage: "done", status: "delivered" })];
    expect(remainingStops(done)).toEqual([]);
    expect(nextStop(done)).toBeNull();
    expect(currentStep([])).toBe("All delivered");
  });

  it("draws the route from the courier through every stop left", () => {
    const me = { lat: 30.26, lng: -97.74 };
    const stops = remainingStops([job(1), job(2)]);
    expect(routeLine(me, stops)).toEqual([
      me,
      diner.location,
      { lat: job(1).dropoff.lat, lng: -97.74 },
      { lat: job(2).dropoff.lat, lng: -97.74 },
    ]);
    expect(routeLine(null, stops)).toHaveLength(3);
    expect(routeLine(me, [])).toEqual([]);
  });
});
