import { gridDisk } from "h3-js";
import { z } from "zod";
import {
  type DispatchPolicy,
  defaultDispatchPolicy,
  escalationOf,
} from "../../dispatch/escalation.ts";
import { FleetIndex } from "../../dispatch/fleet-index.ts";
import { planRound } from "../../dispatch/round.ts";
import type { OrderToDispatch, Courier as PolicyCourier } from "../../dispatch/types.ts";
import { zonesWithin } from "../../domain/cells.ts";
import { travelMs } from "../../domain/geo.ts";
import {
  type DispatchNeed,
  DispatchRequest,
  type Offer,
  OfferAnswer,
} from "../../schema/dispatch.ts";
import type { DispatchEventData } from "../../schema/events.ts";
import { type LatLng, Position } from "../../schema/geo.ts";
import type { DispatchAlert, ZoneSnapshot } from "../../schema/zone.ts";

/**
 * A zone's book, pure: the orders of its restaurants that need a courier (waiting, offered,
 * declined by whom until when, escalated, given up) and the couriers it indexes. Every command is
 * `(book, command, now) -> { changes, events, effects }`; `applyChanges` folds the changes in,
 * and the ZoneActor writes the same changes to its tables, row by row. Rounds come in two steps:
 * `openRound` expires, escalates and says where to look for couriers; the shell gathers them
 * (its own index, and neighbouring zones when short), and `planOffers` matches them with the
 * dispatch policy and makes the offers.
 *
 * Only a courier's decline keeps them from an order, and only from that order, for a bounded
 * time (`declineExclusionMs`). An offer that expires, a courier who went offline or was busy
 * elsewhere, an order unassigned: none of these is a decline, so none shuts anyone out; a lapsed
 * offer only puts its courier behind others about as near (`lapsePenaltyMs`) for a while.
 */

export const Escalation = z.enum(["none", "widened", "alerted"]);

export const ZoneOrder = z.object({
  orderId: z.uuid(),
  request: DispatchRequest,
  /** The order's own version: an older update never undoes a newer one. */
  version: z.number().int(),
  firstSeenAtMs: z.number(),
  offer: z.object({ offerId: z.uuid(), driverId: z.uuid(), expiresAtMs: z.number() }).nullable(),
  /**
   * How offers of this order came back, each remembered until `untilMs`: a courier who declined
   * it is not offered it again meanwhile; one who let it lapse (or went offline) only comes after
   * couriers about as near.
   */
  refusals: z.array(z.object({ driverId: z.uuid(), why: OfferAnswer, untilMs: z.number() })),
  escalation: Escalation,
});
export type ZoneOrder = z.infer<typeof ZoneOrder>;

export const ZoneCourier = z.object({
  driverId: z.uuid(),
  position: Position,
  version: z.number().int(),
  seenAtMs: z.number(),
  /** On a job: on the admin's map, never offered work, never counted as supply. */
  busy: z.boolean(),
  /** Refused an offer as busy with another (a neighbouring zone's): not offered until then. */
  refusedUntilMs: z.number(),
});
export type ZoneCourier = z.infer<typeof ZoneCourier>;

export type ZoneBook = {
  zone: string;
  orders: ReadonlyMap<string, ZoneOrder>;
  couriers: ReadonlyMap<string, ZoneCourier>;
  /** Each courier's last update counter, kept after they leave so a late update stays late. */
  versions: ReadonlyMap<string, number>;
  eventSeq: number;
};

export type ZoneCommand =
  | {
      type: "driver_update";
      driverId: string;
      position: Position | null;
      version: number;
      busy: boolean;
    }
  | { type: "order_changed"; orderId: string; need: DispatchNeed; version: number }
  | { type: "offer_answered"; offerId: string; driverId: string; answer: OfferAnswer }
  | { type: "offer_refused"; offerId: string; driverId: string; busy: boolean };

export type ZoneChange =
  | { kind: "order"; orderId: string; entry: ZoneOrder | null }
  | { kind: "courier"; driverId: string; entry: ZoneCourier | null }
  | { kind: "version"; driverId: string; version: number };

export type ZoneEffect =
  | { kind: "offer"; driverId: string; offer: Offer }
  | { kind: "withdraw"; driverId: string; offerId: string }
  /** Nobody took the order in time: its OrderActor cancels it (and releases its money). */
  | { kind: "give_up"; orderId: string }
  | { kind: "alert"; alert: DispatchAlert }
  /** Plan a round at this instant (or sooner, if one is already due). */
  | { kind: "round"; atMs: number };

export type ZoneEvent = DispatchEventData & { seq: number; at: string };

export type ZoneDecision = { changes: ZoneChange[]; events: ZoneEvent[]; effects: ZoneEffect[] };

/** Where a round looks for couriers for one restaurant's waiting orders. */
export type Search = { restaurantId: string; point: LatLng; radiusM: number; widened: boolean };

export function emptyBook(zone: string): ZoneBook {
  return { zone, orders: new Map(), couriers: new Map(), versions: new Map(), eventSeq: 0 };
}

/** The book with `changes` applied: what the shell keeps in memory, and writes row by row. */
export function applyChanges(
  book: ZoneBook,
  decision: Pick<ZoneDecision, "changes" | "events">,
): ZoneBook {
  // Each map is copied once, and only if something in it changed.
  let orders: Map<string, ZoneOrder> | null = null;
  let couriers: Map<string, ZoneCourier> | null = null;
  let versions: Map<string, number> | null = null;
  for (const change of decision.changes) {
    if (change.kind === "order") {
      orders ??= new Map(book.orders);
      if (change.entry) orders.set(change.orderId, change.entry);
      else orders.delete(change.orderId);
    } else if (change.kind === "courier") {
      couriers ??= new Map(book.couriers);
      if (change.entry) couriers.set(change.driverId, change.entry);
      else couriers.delete(change.driverId);
    } else {
      versions ??= new Map(book.versions);
      versions.set(change.driverId, change.version);
    }
  }
  return {
    ...book,
    orders: orders ?? book.orders,
    couriers: couriers ?? book.couriers,
    versions: versions ?? book.versions,
    eventSeq: decision.events.at(-1)?.seq ?? book.eventSeq,
  };
}

/** The idle couriers offers may go to: in the index, not busy, not refusing. */
export function isIdle(courier: ZoneCourier, nowMs: number): boolean {
  return !courier.busy && courier.refusedUntilMs <= nowMs;
}

/**
 * Idle couriers near a point, nearest first, with the positions they reported: `fleet` indexes
 * the book's couriers who are not busy (the shell keeps it in step with the book).
 */
export function idleNear(
  book: ZoneBook,
  fleet: FleetIndex,
  point: LatLng,
  k: number,
  radiusM: number,
  nowMs: number,
): Array<{ driverId: string; position: Position }> {
  const refusing = [...book.couriers.values()].filter((c) => !c.busy && !isIdle(c, nowMs));
  return fleet
    .nearest(point, k + refusing.length, radiusM)
    .flatMap((hit) => {
      const courier = book.couriers.get(hit.driverId);
      return courier && isIdle(courier, nowMs)
        ? [{ driverId: hit.driverId, position: courier.position }]
        : [];
    })
    .slice(0, k);
}

/**
 * The other zones a round asks for couriers for one search that found `found` of its own. Others
 * are asked only when this zone is short: a widened search fans out to every zone within its
 * radius (dozens), so it is not paid while supply is at hand; otherwise the ring of neighbours.
 */
export function zonesToAsk(
  zone: string,
  search: Search,
  found: number,
  policy: DispatchPolicy = defaultDispatchPolicy,
): string[] {
  if (found >= policy.candidatesPerOrder) return [];
  const zones = search.widened ? zonesWithin(search.point, search.radiusM) : gridDisk(zone, 1);
  return zones.filter((z) => z !== zone);
}

/** Orders waiting for an offer (none out for them). */
export function waitingOrders(book: ZoneBook): ZoneOrder[] {
  return [...book.orders.values()].filter((o) => o.offer === null).sort(byFirstSeen);
}

/** Decides one command. Commands here cannot be refused: stale ones change nothing. */
export function decide(
  book: ZoneBook,
  command: ZoneCommand,
  nowMs: number,
  policy: DispatchPolicy = defaultDispatchPolicy,
): ZoneDecision {
  const next = new Draft(book, nowMs);
  switch (command.type) {
    case "driver_update":
      return driverUpdate(next, command, policy);
    case "order_changed":
      return orderChanged(next, command, policy);
    case "offer_answered": {
      for (const order of book.orders.values()) {
        if (order.offer?.offerId !== command.offerId) continue;
        const refusals = [
          ...order.refusals.filter((r) => r.driverId !== command.driverId),
          {
            driverId: command.driverId,
            why: command.answer,
            untilMs: nowMs + policy.declineExclusionMs,
          },
        ];
        next.order({ ...order, offer: null, refusals });
      }
      next.effects.push({ kind: "round", atMs: nowMs });
      return next.done();
    }
    case "offer_refused": {
      for (const order of book.orders.values()) {
        if (order.offer?.offerId === command.offerId) next.order({ ...order, offer: null });
      }
      const courier = book.couriers.get(command.driverId);
      if (courier && command.busy) {
        next.courier({ ...courier, refusedUntilMs: nowMs + policy.offerTtlMs });
      }
      next.effects.push({ kind: "round", atMs: nowMs + policy.roundMs });
      return next.done();
    }
  }
}

/**
 * A round's first step: forget couriers not heard from, take back offers nobody answered (not a
 * decline), forget lapsed declines, and escalate orders that waited too long (widen the search,
 * alert the admins, give up). Answers where to look for couriers for what still waits.
 */
export function openRound(
  book: ZoneBook,
  nowMs: number,
  policy: DispatchPolicy = defaultDispatchPolicy,
): ZoneDecision & { searches: Search[] } {
  const next = new Draft(book, nowMs);
  for (const courier of book.couriers.values()) {
    if (courier.seenAtMs < nowMs - policy.driverStaleMs) next.courier(null, courier.driverId);
  }
  const searches = new Map<string, Search>();
  for (const order of [...book.orders.values()].sort(byFirstSeen)) {
    let entry = order;
    if (entry.offer && entry.offer.expiresAtMs + policy.offerGraceMs <= nowMs) {
      entry = { ...entry, offer: null };
    }
    const refusals = entry.refusals.filter((r) => r.untilMs > nowMs);
    if (refusals.length !== entry.refusals.length) entry = { ...entry, refusals };
    const step = escalationOf(entry.firstSeenAtMs, entry.escalation, nowMs, policy);
    const waitedMs = nowMs - entry.firstSeenAtMs;
    if (step === "abandon") {
      next.emit({
        type: "DispatchEscalated",
        data: { orderId: entry.orderId, level: "abandoned", waitedMs },
      });
      forget(next, book, entry);
      next.effects.push({ kind: "give_up", orderId: entry.orderId });
      continue;
    }
    if (step === "widen" || step === "alert") {
      const level = step === "widen" ? "widened" : "alerted";
      entry = { ...entry, escalation: level };
      next.emit({ type: "DispatchEscalated", data: { orderId: entry.orderId, level, waitedMs } });
      if (level === "alerted") {
        next.effects.push({
          kind: "alert",
          alert: {
            orderId: entry.orderId,
            restaurant: entry.request.restaurant,
            waitingSince: new Date(entry.firstSeenAtMs).toISOString(),
            waitedMs,
          },
        });
      }
    }
    if (entry !== order) next.order(entry);
    if (entry.offer !== null) continue;
    // A restaurant's orders reach as far as the longest-waiting of them may search.
    const restaurant = entry.request.restaurant;
    const radiusM = radiusOf(entry, policy);
    const held = searches.get(restaurant.id);
    if (!held || held.radiusM < radiusM) {
      searches.set(restaurant.id, {
        restaurantId: restaurant.id,
        point: restaurant.location,
        radiusM,
        widened: entry.escalation !== "none",
      });
    }
  }
  return { ...next.done(), searches: [...searches.values()] };
}

/**
 * A round's second step: the dispatch policy over the waiting orders and the couriers found for
 * them (this zone's and its neighbours'), and an offer for each committed assignment. A courier
 * already considering an offer here, or who declined an order, is not offered that order.
 */
export function planOffers(
  book: ZoneBook,
  pool: ReadonlyMap<string, LatLng>,
  nowMs: number,
  newOfferId: () => string,
  policy: DispatchPolicy = defaultDispatchPolicy,
  travel: (from: LatLng, to: LatLng) => number = travelMs,
): ZoneDecision {
  const next = new Draft(book, nowMs);
  const waiting = waitingOrders(book);
  const offered = new Set(
    [...book.orders.values()].flatMap((o) => (o.offer ? [o.offer.driverId] : [])),
  );
  const free = [...pool].filter(([driverId]) => !offered.has(driverId));
  if (waiting.length === 0 || free.length === 0) return next.done();
  const index = new FleetIndex();
  for (const [driverId, point] of free) index.set(driverId, point);

  const byId = new Map(waiting.map((o) => [o.orderId, o]));
  const radiusAt = new Map<string, number>();
  for (const order of waiting) {
    const id = order.request.restaurant.id;
    radiusAt.set(id, Math.max(radiusAt.get(id) ?? 0, radiusOf(order, policy)));
  }
  type Pickup = LatLng & { restaurantId: string | null };
  const courierOf = (driverId: string, point: LatLng): PolicyCourier<Pickup> => ({
    id: driverId,
    position: { ...point, restaurantId: null },
    freeAtMs: nowMs,
  });
  const assignments = planRound<Pickup>({
    nowMs,
    couriers: free.map(([id, point]) => courierOf(id, point)),
    orders: waiting.map(
      (o): OrderToDispatch<Pickup> => ({
        id: o.orderId,
        restaurantId: o.request.restaurant.id,
        pickup: { ...o.request.restaurant.location, restaurantId: o.request.restaurant.id },
        dropoff: { lat: o.request.dropoff.lat, lng: o.request.dropoff.lng, restaurantId: null },
        placedAtMs: Date.parse(o.request.placedAt),
        readyAtMs: Date.parse(o.request.readyBy),
      }),
    ),
    travelMs: (a, b) => travel(a, b),
    config: { roundMs: policy.roundMs },
    candidatesOf: (pickup, k) =>
      index
        .nearest(
          pickup,
          k,
          (pickup.restaurantId && radiusAt.get(pickup.restaurantId)) || policy.searchRadiusM,
        )
        .map((hit) => courierOf(hit.driverId, hit.point)),
    penaltyMs: (courierId, orderId) => {
      const refusal = byId
        .get(orderId)
        ?.refusals.find((r) => r.driverId === courierId && r.untilMs > nowMs);
      if (!refusal) return 0;
      return refusal.why === "declined" ? Number.POSITIVE_INFINITY : policy.lapsePenaltyMs;
    },
  });
  for (const assignment of assignments) {
    const orders = assignment.orderIds.map((id) => byId.get(id)).filter((o) => o !== undefined);
    const at = pool.get(assignment.courierId);
    if (orders.length === 0 || !at) continue;
    const first = orders[0]!.request;
    const offer: Offer = {
      offerId: newOfferId(),
      zone: book.zone,
      orderIds: orders.map((o) => o.orderId),
      restaurant: first.restaurant,
      dropoffs: orders.map((o) => o.request.dropoff),
      earningsCents: orders.reduce((sum, o) => sum + o.request.earningsCents, 0),
      readyBy: orders
        .map((o) => o.request.readyBy)
        .sort()
        .at(-1)!,
      pickupEta: new Date(
        Math.max(assignment.pickupAtMs, nowMs + travel(at, first.restaurant.location)),
      ).toISOString(),
      expiresAt: new Date(nowMs + policy.offerTtlMs).toISOString(),
    };
    const expiresAtMs = Date.parse(offer.expiresAt);
    for (const order of orders) {
      next.order({
        ...order,
        offer: { offerId: offer.offerId, driverId: assignment.courierId, expiresAtMs },
      });
    }
    next.emit({
      type: "OfferSent",
      data: {
        offerId: offer.offerId,
        driverId: assignment.courierId,
        orderIds: offer.orderIds,
        expiresAt: offer.expiresAt,
      },
    });
    next.effects.push({ kind: "offer", driverId: assignment.courierId, offer });
  }
  return next.done();
}

/** When the next round is due: while orders wait or offers are out, one round from now. */
export function nextRoundAtMs(
  book: ZoneBook,
  nowMs: number,
  policy: DispatchPolicy = defaultDispatchPolicy,
): number | null {
  return book.orders.size > 0 ? nowMs + policy.roundMs : null;
}

/** The zone as an admin's map shows it. */
export function snapshotOf(book: ZoneBook, nowMs: number): ZoneSnapshot {
  return {
    zone: book.zone,
    at: new Date(nowMs).toISOString(),
    drivers: [...book.couriers.values()].map((c) => ({
      driverId: c.driverId,
      position: c.position,
      state: c.busy ? "busy" : "idle",
    })),
    orders: [...book.orders.values()].sort(byFirstSeen).map((o) => ({
      orderId: o.orderId,
      restaurant: o.request.restaurant,
      dropoff: o.request.dropoff,
      readyBy: o.request.readyBy,
      offeredTo: o.offer?.driverId ?? null,
      waitingSince: new Date(o.firstSeenAtMs).toISOString(),
      escalation: o.escalation,
    })),
  };
}

/** How far from its restaurant couriers are looked for: farther once the order has waited. */
export function radiusOf(order: ZoneOrder, policy: DispatchPolicy): number {
  return order.escalation === "none" ? policy.searchRadiusM : policy.widenedRadiusM;
}

/** A decision in the making, over the book as it was: the changes, events and effects so far. */
class Draft {
  readonly changes: ZoneChange[] = [];
  readonly events: ZoneEvent[] = [];
  readonly effects: ZoneEffect[] = [];
  readonly book: ZoneBook;
  readonly nowMs: number;
  private seq: number;

  constructor(book: ZoneBook, nowMs: number) {
    this.book = book;
    this.nowMs = nowMs;
    this.seq = book.eventSeq;
  }

  order(entry: ZoneOrder | null, orderId = entry?.orderId): void {
    this.changes.push({ kind: "order", orderId: orderId!, entry });
  }

  courier(entry: ZoneCourier | null, driverId = entry?.driverId): void {
    this.changes.push({ kind: "courier", driverId: driverId!, entry });
  }

  emit(event: DispatchEventData): void {
    this.seq += 1;
    this.events.push({
      ...event,
      seq: this.seq,
      at: new Date(this.nowMs).toISOString(),
    } as ZoneEvent);
  }

  done(): ZoneDecision {
    return { changes: this.changes, events: this.events, effects: this.effects };
  }
}

function driverUpdate(
  next: Draft,
  command: Extract<ZoneCommand, { type: "driver_update" }>,
  policy: DispatchPolicy,
): ZoneDecision {
  const known = next.book.versions.get(command.driverId);
  if (known !== undefined && known >= command.version) return next.done();
  next.changes.push({ kind: "version", driverId: command.driverId, version: command.version });
  if (command.position === null) {
    if (next.book.couriers.has(command.driverId)) next.courier(null, command.driverId);
    return next.done();
  }
  const held = next.book.couriers.get(command.driverId);
  next.courier({
    driverId: command.driverId,
    position: command.position,
    version: command.version,
    seenAtMs: next.nowMs,
    busy: command.busy,
    refusedUntilMs: command.busy ? 0 : (held?.refusedUntilMs ?? 0),
  });
  // A courier coming free where orders wait is planned for at once when supply is ample, else
  // within a round (so several arrivals are matched together, not first come first served).
  if (!command.busy && waitingOrders(next.book).length > 0) {
    const others = [...next.book.couriers.values()].filter(
      (c) => c.driverId !== command.driverId && isIdle(c, next.nowMs),
    );
    const idle = others.length + 1;
    next.effects.push({
      kind: "round",
      atMs: idle >= policy.ampleSupply ? next.nowMs : next.nowMs + policy.roundMs,
    });
  }
  return next.done();
}

function orderChanged(
  next: Draft,
  command: Extract<ZoneCommand, { type: "order_changed" }>,
  policy: DispatchPolicy,
): ZoneDecision {
  const current = next.book.orders.get(command.orderId);
  if (current && current.version >= command.version) return next.done();
  if (command.need.kind !== "waiting") {
    if (!current) return next.done();
    // Taken by the courier it was offered to: that offer was accepted, and there is nothing to
    // withdraw. Anything else (cancelled, given to another) takes the offer back.
    const accepted =
      command.need.kind === "assigned" && current.offer?.driverId === command.need.driverId;
    forget(next, next.book, current, accepted);
    return next.done();
  }
  const request = DispatchRequest.parse(command.need.request);
  next.order({
    orderId: command.orderId,
    request,
    version: command.version,
    firstSeenAtMs: current?.firstSeenAtMs ?? next.nowMs,
    offer: current?.offer ?? null,
    refusals: current?.refusals ?? [],
    escalation: current?.escalation ?? "none",
  });
  const idle = [...next.book.couriers.values()].filter((c) => isIdle(c, next.nowMs)).length;
  next.effects.push({
    kind: "round",
    atMs: idle >= policy.ampleSupply ? next.nowMs : next.nowMs + policy.roundMs,
  });
  return next.done();
}

/**
 * Drops an order from the book. Its offer is withdrawn from the courier unless the offer still
 * covers another order here, or the courier took it.
 */
function forget(next: Draft, book: ZoneBook, order: ZoneOrder, accepted = false): void {
  next.order(null, order.orderId);
  const offer = order.offer;
  if (!offer || accepted) return;
  const shared = [...book.orders.values()].some(
    (o) => o.orderId !== order.orderId && o.offer?.offerId === offer.offerId,
  );
  if (!shared)
    next.effects.push({ kind: "withdraw", driverId: offer.driverId, offerId: offer.offerId });
}

function byFirstSeen(a: ZoneOrder, b: ZoneOrder): number {
  return (
    a.firstSeenAtMs - b.firstSeenAtMs ||
    (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0)
  );
}
