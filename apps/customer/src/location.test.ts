import { describe, expect, it } from "vitest";
import { checkoutAddress, DEFAULT_ADDRESS } from "./location.ts";

describe("the address a checkout sends", () => {
  it("falls back to downtown Austin, and says so, when the customer shared no point", () => {
    expect(checkoutAddress(null, "")).toEqual({ address: DEFAULT_ADDRESS, fallback: true });
    expect(checkoutAddress(null, "  12 Elm St  ")).toEqual({
      address: { ...DEFAULT_ADDRESS, text: "12 Elm St" },
      fallback: true,
    });
  });

  it("sends the located point with the customer's words for the courier", () => {
    const point = { lat: 30.2801, lng: -97.7512, source: "located" as const };
    expect(checkoutAddress(point, "Flat 4, 800 W 6th St")).toEqual({
      address: { lat: 30.2801, lng: -97.7512, text: "Flat 4, 800 W 6th St" },
      fallback: false,
    });
  });

  it("names the point itself when the customer typed nothing usable", () => {
    const picked = { lat: 30.25, lng: -97.7, source: "picked" as const };
    expect(checkoutAddress(picked, " ").address.text).toBe("Pinned spot (30.25000, -97.70000)");
    const located = { lat: 30.2801, lng: -97.7512, source: "located" as const };
    expect(checkoutAddress(located, "ab").address).toEqual({
      lat: 30.2801,
      lng: -97.7512,
      text: "My location (30.28010, -97.75120)",
    });
  });
});
