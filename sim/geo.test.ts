import { describe, expect, it } from "vitest";
import { distanceM } from "../domain/geo.ts";
import { seeded } from "../domain/random.ts";
import { advanceAlong, headingDeg, planRoute, pointNear, shiftM } from "./geo.ts";

const downtown = { lat: 30.2672, lng: -97.7431 };

describe("city geometry", () => {
  it("measures metres the way a map does", () => {
    // A flat shift and the sphere's distance agree to millimetres across a few blocks.
    expect(distanceM(downtown, shiftM(downtown, 300, 400))).toBeCloseTo(500, 2);
    expect(headingDeg(downtown, shiftM(downtown, 0, 100))).toBeCloseTo(0, 3);
    expect(headingDeg(downtown, shiftM(downtown, 100, 0))).toBeCloseTo(90, 3);
  });

  it("finds points near a place, never farther than asked", () => {
    const rng = seeded(5);
    for (let i = 0; i < 500; i++) {
      expect(distanceM(downtown, pointNear(rng, downtown, 1_500))).toBeLessThanOrEqual(1_500.001);
    }
  });

  it("routes along the street grid: one turn at a corner, ending at the destination", () => {
    const to = shiftM(downtown, 800, -600);
    const route = planRoute(seeded(2), downtown, to);
    expect(route).toHaveLength(2);
    expect(route[1]).toEqual(to);
    const [corner] = route;
    const legs = distanceM(downtown, corner!) + distanceM(corner!, to);
    expect(legs).toBeCloseTo(1_400, 0);
  });

  it("goes straight for a hop shorter than a block", () => {
    const to = shiftM(downtown, 50, 900);
    expect(planRoute(seeded(2), downtown, to)).toEqual([to]);
  });

  it("advances along the route, dropping the waypoints passed", () => {
    const corner = shiftM(downtown, 100, 0);
    const end = shiftM(corner, 0, 100);
    const moved = advanceAlong(downtown, [corner, end], 150);
    expect(moved.route).toEqual([end]);
    expect(distanceM(moved.position, end)).toBeCloseTo(50, 3);
    expect(advanceAlong(downtown, [corner, end], 1_000)).toEqual({ position: end, route: [] });
  });
});
