import { describe, expect, it } from "vitest";
import { distanceM, stepToward } from "./route.ts";

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
