import { describe, expect, it } from "vitest";
import { defaultDispatchPolicy as policy } from "../../dispatch/escalation.ts";
import { zoneOf } from "../../domain/cells.ts";
import type { DispatchRequest } from "../../schema/dispatch.ts";
import type { LatLng } from "../../schema/geo.ts";
import { placement } from "../../test/builders.ts";
import {
  applyChanges,
  decide,
  emptyBook,
  openRound,
  planOffers,
  type ZoneBook,
  type ZoneCommand,
  type ZoneDecision,
} from "./book.ts";

const T = Date.parse("2026-11-21T12:00:00.000Z");
const KITCHEN = { lat: 30.2672, lng: -97.7431 };
const ZONE = zoneOf(KITCHEN);

function north(point: LatLng, metres: number): LatLng {
  return { lat: point.lat + metres / 111_195, lng: point.lng };
}

function request(partial: Partial<DispatchRequest> = {}): DispatchRequest {
  const orderId = crypto.randomUUID();
  const drop = north(KITCHEN, 1_500);
  return {
    orderId,
    restaurant: { ...placement().restaurant, location: KITCHEN },
    dropoff: { orderId, ...drop, text: "Home", customerName: "Ada" },
    placedAt: new Date(T - 5 * 60_000).toISOString(),
    readyBy: new Date(T).toISOString(),
    earningsCents: 500,
    ...partial,
  };
}

function apply(book: ZoneBook, command: ZoneCommand, nowMs = T): ZoneBook {
  return applyChanges(book, decide(book, command, nowMs));
}

function withCourier(book: ZoneBook, driverId: string, at: LatLng, version = 1): ZoneBook {
  return apply(book, {
    type: "driver_update",
    driverId,
    position: { ...at, at: new Date(T).toISOString() },
    version,
    busy: false,
  });
}

function waiting(book: ZoneBook, r: DispatchRequest, version = 2): ZoneBook {
  return apply(book, {
    type: "order_changed",
    orderId: r.orderId,
    need: { kind: "waiting", request: r },
    version,
  });
}

/** One whole round at `nowMs` over the book's own couriers: what it offered, and the book after. */
function round(book: ZoneBook, nowMs = T): { book: ZoneBook; offers: ZoneDecision["effects"] } {
  const opened = openRound(book, nowMs, policy);
  let next = applyChanges(book, opened);
  const pool = new Map(
    [...next.couriers.values()].filter((c) => !c.busy).map((c) => [c.driverId, c.position]),
  );
  let n = 0;
  const planned = planOffers(
    next,
    pool,
    nowMs,
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    policy,
  );
  next = applyChanges(next, planned);
  return { book: next, offers: planned.effects.filter((e) => e.kind === "offer") };
}

const offeredTo = (offers: ZoneDecision["effects"]) =>
  offers.flatMap((e) => (e.kind === "offer" ? [[e.driverId, e.offer.orderIds]] : []));

describe("a zone's book", () => {
  it("offers a ready order to the nearest idle courier", () => {
    const near = crypto.randomUUID();
    const far = crypto.randomUUID();
    const r = request();
    let book = withCourier(emptyBook(ZONE), near, north(KITCHEN, 200));
    book = withCourier(book, far, north(KITCHEN, 2_000));
    const { offers } = round(waiting(book, r));
    expect(offeredTo(offers)).toEqual([[near, [r.orderId]]]);
  });

  it("keeps a courier who declined an order from that order only, and only for a while", () => {
    const courier = crypto.randomUUID();
    const [first, second] = [request(), request()];
    let book = withCourier(emptyBook(ZONE), courier, north(KITCHEN, 100));
    book = waiting(book, first);
    const offered = round(book);
    const offerId = offered.offers[0]?.kind === "offer" ? offered.offers[0].offer.offerId : "";
    book = apply(offered.book, {
      type: "offer_answered",
      offerId,
      driverId: courier,
      answer: "declined",
    });
    book = waiting(book, second);
    // The other order of the same restaurant is offered to them at once.
    const next = round(book, T + policy.roundMs);
    expect(offeredTo(next.offers)).toEqual([[courier, [second.orderId]]]);
    // The declined one, again once the exclusion has passed.
    const laterMs = T + policy.declineExclusionMs + 1;
    let later = apply(
      next.book,
      {
        type: "offer_answered",
        offerId: next.offers[0]?.kind === "offer" ? next.offers[0].offer.offerId : "",
        driverId: courier,
        answer: "expired",
      },
      T + 2 * policy.roundMs,
    );
    // The courier's phone kept the zone's entry fresh meanwhile.
    later = apply(
      later,
      {
        type: "driver_update",
        driverId: courier,
        position: { ...north(KITCHEN, 100), at: new Date(laterMs).toISOString() },
        version: 2,
        busy: false,
      },
      laterMs,
    );
    const after = round(later, laterMs);
    expect(offeredTo(after.offers).flatMap(([, orders]) => orders)).toContain(first.orderId);
  });

  it("offers an order again to the courier who let its offer lapse when nobody else is near", () => {
    const courier = crypto.randomUUID();
    const r = request();
    const offered = round(waiting(withCourier(emptyBook(ZONE), courier, north(KITCHEN, 100)), r));
    const offerId = offered.offers[0]?.kind === "offer" ? offered.offers[0].offer.offerId : "";
    const lapsed = apply(offered.book, {
      type: "offer_answered",
      offerId,
      driverId: courier,
      answer: "expired",
    });
    expect(offeredTo(round(lapsed, T + policy.roundMs).offers)).toEqual([[courier, [r.orderId]]]);
  });

  it("closes an offer as accepted when its courier takes the order, and withdraws it when another does", () => {
    const courier = crypto.randomUUID();
    const r = request();
    const offered = round(waiting(withCourier(emptyBook(ZONE), courier, north(KITCHEN, 100)), r));
    const taken = decide(
      offered.book,
      {
        type: "order_changed",
        orderId: r.orderId,
        need: { kind: "assigned", driverId: courier },
        version: 3,
      },
      T,
    );
    expect(taken.effects).toEqual([]);
    expect(applyChanges(offered.book, taken).orders.size).toBe(0);
    const elsewhere = decide(
      offered.book,
      {
        type: "order_changed",
        orderId: r.orderId,
        need: { kind: "assigned", driverId: crypto.randomUUID() },
        version: 3,
      },
      T,
    );
    expect(elsewhere.effects.map((e) => e.kind)).toEqual(["withdraw"]);
  });

  it("ignores a courier's late update and an order's stale version", () => {
    const courier = crypto.randomUUID();
    let book = withCourier(emptyBook(ZONE), courier, north(KITCHEN, 100), 5);
    book = apply(book, {
      type: "driver_update",
      driverId: courier,
      position: null,
      version: 4,
      busy: false,
    });
    expect(book.couriers.has(courier)).toBe(true);
    const r = request();
    book = waiting(book, r, 5);
    const stale = decide(
      book,
      { type: "order_changed", orderId: r.orderId, need: { kind: "closed" }, version: 4 },
      T,
    );
    expect(stale.changes).toEqual([]);
  });

  it("widens, alerts and finally gives an order up, each once", () => {
    const r = request();
    let book = waiting(emptyBook(ZONE), r);
    const levels: string[] = [];
    for (const at of [policy.widenAfterMs, policy.alertAfterMs, policy.giveUpAfterMs]) {
      const opened = openRound(book, T + at, policy);
      levels.push(
        ...opened.events.map((e) => (e.type === "DispatchEscalated" ? e.data.level : e.type)),
      );
      if (at === policy.giveUpAfterMs)
        expect(opened.effects).toContainEqual({ kind: "give_up", orderId: r.orderId });
      book = applyChanges(book, opened);
    }
    expect(levels).toEqual(["widened", "alerted", "abandoned"]);
    expect(book.orders.size).toBe(0);
  });
});
