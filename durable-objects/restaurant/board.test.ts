import { describe, expect, it } from "vitest";
import type { Ticket } from "../../schema/sockets.ts";
import { ids } from "../../test/builders.ts";
import { admit, initialKitchen, onTicketChanged, pause, resume, setBusy } from "./board.ts";

const at = "2026-11-21T12:00:00.000Z";

function ticket(partial: Partial<Ticket> = {}): Ticket {
  return {
    orderId: crypto.randomUUID(),
    customerName: "Ada",
    status: "placed",
    driverStage: "unassigned",
    cancelReason: null,
    rejectReason: null,
    lines: [],
    subtotalCents: 1000,
    placedAt: at,
    acceptBy: at,
    prepMinutes: 15,
    readyBy: null,
    driverId: null,
    pickupEta: null,
    version: 1,
    ...partial,
  };
}

const timedOut = (t: Ticket): Ticket => ({
  ...t,
  status: "cancelled",
  cancelReason: "restaurant_timeout",
  version: 2,
});

describe("the kitchen", () => {
  it("admits orders with the base prep estimate, plus the busy extra in busy mode", () => {
    const calm = initialKitchen(ids.restaurant);
    expect(admit(calm, 15)).toEqual({ ok: true, value: { prepMinutes: 15 } });
    const busy = setBusy(calm, true, undefined, at).kitchen;
    expect(admit(busy, 15)).toEqual({ ok: true, value: { prepMinutes: 30 } });
  });

  it("refuses new orders while paused", () => {
    const paused = pause(initialKitchen(ids.restaurant), "staff", at).kitchen;
    const result = admit(paused, 15);
    expect(!result.ok && result.error.code).toBe("order.restaurant_paused");
  });

  it("pauses itself after the configured number of unanswered tickets in a row", () => {
    let kitchen = initialKitchen(ids.restaurant);
    const whys: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const t = ticket();
      const change = onTicketChanged(kitchen, t, timedOut(t), 3, at);
      kitchen = change.kitchen;
      whys.push(change.why);
    }
    expect(kitchen.paused).toBe(true);
    expect(kitchen.pauseReason).toBe("missed_tickets");
    expect(whys[2]).toMatch(/3 orders in a row/);
    expect(kitchen.eventSeq).toBe(4);
  });

  it("forgives missed tickets once staff answer one", () => {
    let kitchen = initialKitchen(ids.restaurant);
    const first = ticket();
    kitchen = onTicketChanged(kitchen, first, timedOut(first), 3, at).kitchen;
    const answered = ticket();
    kitchen = onTicketChanged(
      kitchen,
      answered,
      { ...answered, status: "accepted", version: 2 },
      3,
      at,
    ).kitchen;
    expect(kitchen.missedTickets).toBe(0);
  });

  it("counts a ticket it never saw placed when its timeout arrives", () => {
    const change = onTicketChanged(
      initialKitchen(ids.restaurant),
      undefined,
      timedOut(ticket()),
      3,
      at,
    );
    expect(change.kitchen.missedTickets).toBe(1);
  });

  it("resumes, clearing the count, and says so", () => {
    const paused = pause(initialKitchen(ids.restaurant), "staff", at).kitchen;
    const change = resume(paused, at);
    expect([
      change.kitchen.paused,
      change.kitchen.missedTickets,
      change.events.map((e) => e.type),
    ]).toEqual([false, 0, ["RestaurantResumed"]]);
  });

  it("changes nothing when asked for what already holds", () => {
    const kitchen = initialKitchen(ids.restaurant);
    expect(resume(kitchen, at).events).toEqual([]);
    expect(setBusy(kitchen, false, undefined, at).events).toEqual([]);
  });
});
