import { describe, expect, it } from "vitest";
import { place } from "../durable-objects/order/machine.ts";
import { placeInput, T0 } from "../test/builders.ts";
import { DROPOFF_SERVICE_MS, PICKUP_SERVICE_MS, quoteMinutes, trackingEtas } from "./eta.ts";
import { travelMs } from "./geo.ts";

const input = placeInput();
const order = {
  ...place(input, T0).order,
  status: "preparing" as const,
  readyBy: new Date(T0 + 20 * 60_000).toISOString(),
};
const ride = travelMs(input.restaurant.location, input.deliveryAddress);

describe("ETAs while tracking", () => {
  it("has a courier close by wait for the food: pickup at the ready time", () => {
    const etas = trackingEtas(order, input.restaurant.location, T0);
    expect(etas.pickupEta).toBe(order.readyBy);
    expect(Date.parse(etas.dropoffEta)).toBe(
      Date.parse(order.readyBy) + PICKUP_SERVICE_MS / 2 + ride + DROPOFF_SERVICE_MS / 2,
    );
  });

  it("has a far courier make the food wait: pickup when they arrive", () => {
    const far = { lat: input.restaurant.location.lat + 0.1, lng: input.restaurant.location.lng };
    const etas = trackingEtas(order, far, T0);
    expect(Date.parse(etas.pickupEta!)).toBe(
      T0 + travelMs(far, input.restaurant.location) + PICKUP_SERVICE_MS / 2,
    );
  });

  it("counts only the ride once the food is picked up", () => {
    const etas = trackingEtas({ ...order, status: "picked_up" }, input.restaurant.location, T0);
    expect(etas.pickupEta).toBeNull();
    expect(Date.parse(etas.dropoffEta)).toBe(T0 + ride + DROPOFF_SERVICE_MS / 2);
  });
});

describe("quoting a delivery time", () => {
  const base = {
    prepMinutes: 15,
    pendingOrders: 0,
    availableDrivers: 3,
    restaurant: input.restaurant.location,
    dropoff: input.deliveryAddress,
  };

  it("is prep plus the ride when a courier is near", () => {
    expect(quoteMinutes({ ...base, nearestDriverMs: 60_000 })).toBe(
      Math.ceil((15 * 60_000 + PICKUP_SERVICE_MS / 2 + ride + DROPOFF_SERVICE_MS / 2) / 60_000),
    );
  });

  it("grows when the nearest courier is further than the prep time", () => {
    const near = quoteMinutes({ ...base, nearestDriverMs: 60_000 });
    expect(quoteMinutes({ ...base, nearestDriverMs: 30 * 60_000 })).toBeGreaterThan(near);
  });

  it("grows with a backlog larger than the idle fleet, and with no courier at all", () => {
    const calm = quoteMinutes({ ...base, nearestDriverMs: 60_000 });
    expect(quoteMinutes({ ...base, nearestDriverMs: 60_000, pendingOrders: 10 })).toBeGreaterThan(
      calm,
    );
    expect(quoteMinutes({ ...base, nearestDriverMs: null, availableDrivers: 0 })).toBeGreaterThan(
      calm,
    );
  });
});
