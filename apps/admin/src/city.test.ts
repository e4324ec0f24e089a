import { describe, expect, it } from "vitest";
import type { ActiveOrder } from "../../../schema/admin.ts";
import type { ZoneSnapshot } from "../../../schema/zone.ts";
import { dispatchAlerts, idleOf, loadOf, phaseCounts, phaseOf } from "./city.ts";

const restaurant = {
  id: "00000000-0000-4000-8000-000000000010",
  name: "Counter Diner",
  address: "1 Congress Ave",
  location: { lat: 30.2672, lng: -97.7431 },
};

function active(partial: Partial<ActiveOrder>): ActiveOrder {
  return {
    orderId: crypto.randomUUID(),
    status: "placed",
    driverStage: "unassigned",
    driverId: null,
    restaurant,
    dropoff: { lat: 30.28, lng: -97.74, text: "500 W 5th St" },
    placedAt: "2026-11-21T12:00:00.000Z",
    readyBy: null,
    courier: null,
    ...partial,
  };
}

type WaitingOrder = ZoneSnapshot["orders"][number];

function zone(name: string, orders: Partial<WaitingOrder>[], drivers = 0): ZoneSnapshot {
  return {
    zone: name,
    at: "2026-11-21T12:10:00.000Z",
    drivers: Array.from({ length: drivers }, (_, i) => ({
      driverId: `00000000-0000-4000-8000-0000000000${20 + i}`,
      position: { lat: 30.27, lng: -97.74, at: "2026-11-21T12:10:00.000Z" },
      state: "idle" as const,
    })),
    orders: orders.map((o) => ({
      orderId: crypto.randomUUID(),
      restaurant,
      dropoff: {
        orderId: crypto.randomUUID(),
        lat: 30.28,
        lng: -97.74,
        text: "500 W 5th St",
        customerName: "Ada",
      },
      readyBy: "2026-11-21T12:20:00.000Z",
      offeredTo: null,
      waitingSince: "2026-11-21T12:00:00.000Z",
      escalation: "none" as const,
      ...o,
    })),
  };
}

describe("the city map's order phases", () => {
  it.each([
    [{ status: "placed" }, "placed"],
    [{ status: "accepted" }, "accepted"],
    [{ status: "preparing" }, "preparing"],
    [{ status: "ready" }, "ready"],
    [{ status: "preparing", driverStage: "assigned" }, "with_courier"],
    [{ status: "ready", driverStage: "at_restaurant" }, "with_courier"],
    [{ status: "picked_up", driverStage: "en_route" }, "picked_up"],
    [{ status: "picked_up", driverStage: "at_dropoff" }, "picked_up"],
  ] as const)("reads %o as %s", (order, phase) => {
    expect(phaseOf(order)).toBe(phase);
  });

  it("counts every phase, naming those with no order too", () => {
    const counts = phaseCounts([
      active({ status: "placed" }),
      active({ status: "placed" }),
      active({ status: "ready", driverStage: "assigned" }),
    ]);
    expect(counts).toEqual({
      placed: 2,
      accepted: 0,
      preparing: 0,
      ready: 0,
      with_courier: 1,
      picked_up: 0,
    });
  });
});

describe("the zones' load and dispatch alerts", () => {
  it("shades by orders waiting per idle courier", () => {
    expect(loadOf(undefined)).toBe(0);
    expect(loadOf(zone("a", [], 3))).toBe(0);
    expect(loadOf(zone("a", [{}], 1))).toBe(0.5);
    expect(loadOf(zone("a", [{}, {}, {}], 0))).toBe(1);
    expect(idleOf(zone("a", [], 2))).toBe(2);
  });

  it("lists escalated orders, alerted before widened, the longest waiting first", () => {
    const alerts = dispatchAlerts([
      zone("a", [
        { escalation: "widened", waitingSince: "2026-11-21T12:01:00.000Z" },
        { escalation: "none" },
        { escalation: "alerted", waitingSince: "2026-11-21T12:03:00.000Z" },
      ]),
      zone("b", [
        {
          escalation: "alerted",
          waitingSince: "2026-11-21T12:02:00.000Z",
          offeredTo: restaurant.id,
        },
      ]),
    ]);
    expect(alerts.map((a) => [a.zone, a.level, a.waitingSince.slice(11, 16), a.offered])).toEqual([
      ["b", "alerted", "12:02", true],
      ["a", "alerted", "12:03", false],
      ["a", "widened", "12:01", false],
    ]);
    expect(dispatchAlerts([zone("a", [{}])])).toEqual([]);
  });
});
