import { describe, expect, it } from "vitest";
import { glide } from "./motion.ts";

describe("glide", () => {
  const from = { lat: 30, lng: -97 };
  const to = { lat: 30.01, lng: -97.02 };

  it("starts at the previous fix and ends at the new one", () => {
    expect(glide(from, to, 0, 1000)).toEqual(from);
    expect(glide(from, to, 1000, 1000)).toEqual(to);
  });

  it("is halfway at half the duration", () => {
    const mid = glide(from, to, 500, 1000);
    expect(mid.lat).toBeCloseTo(30.005, 9);
    expect(mid.lng).toBeCloseTo(-97.01, 9);
  });

  it("stays at the new fix after the glide and jumps there with no duration", () => {
    expect(glide(from, to, 5000, 1000)).toEqual(to);
    expect(glide(from, to, 0, 0)).toEqual(to);
  });
});
