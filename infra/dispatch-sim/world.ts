import { type DispatchPolicy, defaultDispatchPolicy } from "../../dispatch/escalation.ts";
import { FleetIndex } from "../../dispatch/fleet-index.ts";
import { zoneOf } from "../../domain/cells.ts";
import { distanceM } from "../../domain/geo.ts";
import type { Random } from "../../domain/random.ts";
import {
  Courier,
  type CourierCommand,
  type Decision as CourierDecision,
  claimActor,
  decide as decideCourier,
  dueAtMs,
  newCourier,
  zoneTarget,
} from "../../durable-objects/driver/courier.ts";
import {
  claimOf,
  decide as decideOrder,
  type PlaceInput,
  place,
} from "../../durable-objects/order/machine.ts";
import { dispatchNeedOf, jobOf } from "../../durable-objects/order/views.ts";
import {
  applyChanges,
  decide as decideZone,
  emptyBook,
  idleNear,
  nextRoundAtMs,
  openRound,
  planOffers,
  radiusOf,
  type Search,
  type ZoneBook,
  type ZoneCommand,
  ZoneCourier,
  type ZoneDecision,
  ZoneOrder,
  zonesToAsk,
} from "../../durable-objects/zone/book.ts";
import { moneyStepFor, type StepKind } from "../../ledger/order-money.ts";
import type { Job, Offer } from "../../schema/dispatch.ts";
import type { LatLng, Position } from "../../schema/geo.ts";
import { type Actor, Order, type OrderCommand } from "../../schema/orders.ts";
import { type Address, type Envelope, type Faults, Network } from "./network.ts";

/**
 * The simulated world of the dispatch simulation: the real pure cores of orders
 * (`order/machine.ts`), couriers (`driver/courier.ts`) and zones (`zone/book.ts`), each behind a
 * shell that does what its actor does (store the state, carry out the effects as calls to other
 * actors, keep timers), with every call a message on a faulty network. A node's state is what
 * its actor stores; a restart reloads it through the same schemas and forgets what was only in
 * memory (answers awaited, the zone's courier index).
 */

export type Message =
  | { type: "zone"; command: ZoneCommand }
  /** A zone's offer, and the courier's answer to it (the zone awaits it). */
  | { type: "offer"; offer: Offer }
  | { type: "offer_result"; offerId: string; driverId: string; ok: boolean; busy: boolean }
  | { type: "withdraw"; offerId: string }
  | { type: "job_changed"; job: Job }
  /** A courier's claim on an order, and the order's answer (the courier awaits it). */
  | { type: "claim"; driverId: string; offerId: string; by: Actor }
  | {
      type: "claimed";
      orderId: string;
      outcome: { ok: true; job: Job } | { ok: false; version?: number };
    }
  | { type: "give_up" }
  /** A courier's step on its job, asked of the order. */
  | { type: "driver_step"; command: OrderCommand };

/** What a step did, for the checks and the trace: each is one node's decision. */
export type Happening =
  | {
      kind: "assigned";
      orderId: string;
      driverId: string;
      /** The claim it came from: an offer id, or `admin:<command id>`. */
      claim: string;
      courierOnline: boolean;
    }
  | { kind: "money"; orderId: string; step: StepKind }
  | { kind: "round"; zone: string; report: RoundReport };

/** What one zone round saw and did, for the liveness check. */
export type RoundReport = {
  atMs: number;
  /** Orders waiting with no offer whose food is ready (or about to be), before planning. */
  ready: string[];
  /** For each such order, the idle couriers the round found that may be offered it. */
  eligible: Map<string, string[]>;
  /** Orders and couriers that got an offer this round. */
  offeredOrders: Set<string>;
  offeredCouriers: Set<string>;
};

/** A deliberate bug, to show the checks catch it. */
export type PlantedBug = "union-of-declines" | null;

export const MONEY_POLICY = { commissionBps: 1_500, pointsPerDollar: 1 };
const PEER_RETRY_MS = 2_000;

type OrderNode = {
  order: Order;
  toldDrivers: Set<string>;
  /** Claims answered (offer and courier), as the OrderActor's command memory keeps them. */
  answered: Set<string>;
};
type CourierNode = { state: Courier; incarnation: number; claimsRetryAtMs: number | null };
type ZoneNode = {
  book: ZoneBook;
  fleet: FleetIndex;
  roundAtMs: number | null;
  incarnation: number;
};

export class World {
  nowMs: number;
  readonly network: Network<Message>;
  readonly orders = new Map<string, OrderNode>();
  readonly couriers = new Map<string, CourierNode>();
  readonly zones = new Map<string, ZoneNode>();
  readonly happenings: Happening[] = [];
  readonly policy: DispatchPolicy;
  bug: PlantedBug;
  /** Told when a courier starts considering an offer, and when a courier with no job gets one. */
  onOffer: (driverId: string, offer: Offer) => void = () => {};
  onJob: (driverId: string) => void = () => {};
  private readonly rng: Random;
  private readonly asked = new Map<string, ReadonlySet<string>>();

  constructor(rng: Random, startMs: number, faults: Faults, bug: PlantedBug = null) {
    this.rng = rng;
    this.nowMs = startMs;
    this.network = new Network<Message>(rng, faults);
    this.policy = defaultDispatchPolicy;
    this.bug = bug;
  }

  /** Draws a v4-shaped uuid from the run's seed. */
  uuid(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => Math.floor(this.rng.next() * 16).toString(16)).join("");
    return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  }

  // ---- orders ----------------------------------------------------------------------------------

  placeOrder(input: PlaceInput): void {
    const { order } = place(input, this.nowMs);
    // The hold is taken before the order exists; it is released or settled when the order ends.
    this.orders.set(order.id, { order, toldDrivers: new Set(), answered: new Set() });
  }

  /** A command on an order from someone outside dispatch (kitchen, customer, admin). */
  orderCommand(orderId: string, command: OrderCommand, by: Actor): boolean {
    const node = this.orders.get(orderId);
    if (!node) return false;
    const decision = decideOrder(node.order, command, by, this.nowMs);
    if (!decision.ok) return false;
    this.changeOrder(node, decision.order, command);
    return true;
  }

  private changeOrder(node: OrderNode, next: Order, command: OrderCommand): void {
    const before = node.order;
    node.order = next;
    const step = moneyStepFor(before, next, command, 0, MONEY_POLICY);
    if (step) this.happenings.push({ kind: "money", orderId: next.id, step: step.kind });
    if (command.type === "assign_driver" && next.driverId) node.toldDrivers.add(next.driverId);
    // As the OrderActor's peers: the zone (once the kitchen has it), every courier it has had.
    if (next.readyBy !== null) {
      this.send(
        { kind: "zone", id: zoneOf(next.restaurant.location) },
        {
          type: "zone",
          command: {
            type: "order_changed",
            orderId: next.id,
            need: dispatchNeedOf(next),
            version: next.version,
          },
        },
      );
    }
    for (const driverId of node.toldDrivers) {
      this.send({ kind: "courier", id: driverId }, { type: "job_changed", job: jobOf(next) });
    }
  }

  private onOrder(envelope: Envelope<Message>, node: OrderNode): void {
    const message = envelope.message;
    if (message.type === "give_up") {
      this.orderCommand(node.order.id, { type: "give_up_dispatch" }, { role: "system" });
    } else if (message.type === "driver_step") {
      const by: Actor = {
        role: "driver",
        userId: (message.command as { driverId: string }).driverId,
      };
      this.orderCommand(node.order.id, message.command, by);
    } else if (message.type === "claim") {
      const outcome = this.claim(node, message.driverId, message.offerId, message.by);
      if (envelope.answerTo) {
        this.answer(envelope, { type: "claimed", orderId: node.order.id, outcome });
      }
    }
  }

  /** The order's compare-and-set, as `OrderActor.assignDriver` does it. */
  private claim(
    node: OrderNode,
    driverId: string,
    claim: string,
    by: Actor,
  ): { ok: true; job: Job } | { ok: false; version: number } {
    const key = `${claim}:${driverId}`;
    const verdict = claimOf(node.order, driverId, by, node.answered.has(key));
    if (verdict === "held") return { ok: true, job: jobOf(node.order) };
    if (verdict !== "assign") {
      // As the actor: a refusal is remembered too, so a late copy of this claim cannot win.
      node.answered.add(key);
      return { ok: false, version: node.order.version };
    }
    const command: OrderCommand = { type: "assign_driver", driverId };
    const decision = decideOrder(node.order, command, by, this.nowMs);
    // As the actor's command memory: what was decided for this claim is remembered.
    node.answered.add(key);
    if (!decision.ok) return { ok: false, version: node.order.version };
    const courier = this.couriers.get(driverId);
    this.happenings.push({
      kind: "assigned",
      orderId: node.order.id,
      driverId,
      claim,
      courierOnline: courier?.state.online ?? false,
    });
    this.changeOrder(node, decision.order, command);
    return { ok: true, job: jobOf(decision.order) };
  }

  // ---- couriers --------------------------------------------------------------------------------

  addCourier(driverId: string): void {
    this.couriers.set(driverId, {
      state: newCourier(driverId),
      incarnation: 0,
      claimsRetryAtMs: null,
    });
  }

  /** A command on a courier, as its DriverActor applies it. The decision, for the caller. */
  courierCommand(driverId: string, command: CourierCommand): CourierDecision {
    const node = this.couriers.get(driverId)!;
    const decision = decideCourier(node.state, command, this.nowMs);
    if (!decision.ok) return decision;
    const before = node.state;
    node.state = decision.state;
    const offer = node.state.offer;
    if (offer && before.offer?.offerId !== offer.offerId) this.onOffer(driverId, offer);
    if (before.jobs.length === 0 && node.state.jobs.length > 0) this.onJob(driverId);
    for (const effect of decision.effects) {
      if (effect.kind === "answer_zone") {
        this.send(
          { kind: "zone", id: effect.zone },
          {
            type: "zone",
            command: {
              type: "offer_answered",
              offerId: effect.offerId,
              driverId,
              answer: effect.answer,
            },
          },
        );
      } else if (effect.kind === "claim") {
        this.askClaim(node, effect.claim.orderId, effect.claim.offerId, claimActor(effect.claim));
      }
    }
    if (node.state.claims.some((c) => c.result === "pending")) {
      node.claimsRetryAtMs ??= this.nowMs + PEER_RETRY_MS;
    } else node.claimsRetryAtMs = null;
    this.syncZone(node);
    return decision;
  }

  private askClaim(node: CourierNode, orderId: string, offerId: string, by: Actor): void {
    this.send(
      { kind: "order", id: orderId },
      { type: "claim", driverId: node.state.driverId, offerId, by },
      { to: { kind: "courier", id: node.state.driverId }, incarnation: node.incarnation },
    );
  }

  /** As `DriverActor.syncZone`: the old zone lets go first, then the new one takes the courier. */
  private syncZone(node: CourierNode): void {
    const target = zoneTarget(node.state, this.nowMs);
    if (!target) return;
    let indexed = node.state.indexed;
    const driverId = node.state.driverId;
    if (indexed.zone && indexed.zone !== target.zone) {
      const version = indexed.version + 1;
      this.send(
        { kind: "zone", id: indexed.zone },
        {
          type: "zone",
          command: { type: "driver_update", driverId, position: null, version, busy: false },
        },
      );
      indexed = { zone: null, cell: null, busy: false, version, syncedAtMs: this.nowMs };
    }
    const position = node.state.position;
    if (target.zone && position) {
      const version = indexed.version + 1;
      this.send(
        { kind: "zone", id: target.zone },
        {
          type: "zone",
          command: { type: "driver_update", driverId, position, version, busy: target.busy },
        },
      );
      indexed = { ...target, version, syncedAtMs: this.nowMs };
    }
    const synced = decideCourier(node.state, { type: "zone_synced", indexed }, this.nowMs);
    if (synced.ok) node.state = synced.state;
  }

  private onCourier(envelope: Envelope<Message>, node: CourierNode): void {
    const message = envelope.message;
    const driverId = node.state.driverId;
    if (message.type === "offer") {
      const decision = this.courierCommand(driverId, { type: "offer", offer: message.offer });
      this.answer(envelope, {
        type: "offer_result",
        offerId: message.offer.offerId,
        driverId,
        ok: decision.ok,
        busy: !decision.ok && decision.error.code === "driver.busy",
      });
    } else if (message.type === "withdraw") {
      this.courierCommand(driverId, { type: "withdraw", offerId: message.offerId });
    } else if (message.type === "job_changed") {
      this.courierCommand(driverId, { type: "job_changed", job: message.job });
    } else if (message.type === "claimed") {
      if (envelope.incarnation !== node.incarnation) return;
      this.courierCommand(driverId, {
        type: "claimed",
        orderId: message.orderId,
        outcome: message.outcome,
      });
    }
  }

  // ---- zones -----------------------------------------------------------------------------------

  zone(id: string): ZoneNode {
    let node = this.zones.get(id);
    if (!node) {
      node = { book: emptyBook(id), fleet: new FleetIndex(), roundAtMs: null, incarnation: 0 };
      this.zones.set(id, node);
    }
    return node;
  }

  private commitZone(node: ZoneNode, decision: ZoneDecision): void {
    node.book = applyChanges(node.book, decision);
    for (const change of decision.changes) {
      if (change.kind !== "courier") continue;
      if (change.entry && !change.entry.busy)
        node.fleet.set(change.driverId, change.entry.position);
      else node.fleet.remove(change.driverId);
    }
    const address: Address = { kind: "zone", id: node.book.zone };
    for (const effect of decision.effects) {
      switch (effect.kind) {
        case "round":
          node.roundAtMs =
            node.roundAtMs === null ? effect.atMs : Math.min(node.roundAtMs, effect.atMs);
          break;
        case "offer":
          this.send(
            { kind: "courier", id: effect.driverId },
            { type: "offer", offer: effect.offer },
            {
              to: address,
              incarnation: node.incarnation,
            },
          );
          break;
        case "withdraw":
          this.send(
            { kind: "courier", id: effect.driverId },
            { type: "withdraw", offerId: effect.offerId },
          );
          break;
        case "give_up":
          this.send({ kind: "order", id: effect.orderId }, { type: "give_up" });
          break;
        case "alert":
          break;
      }
    }
  }

  private onZone(envelope: Envelope<Message>, node: ZoneNode): void {
    const message = envelope.message;
    if (message.type === "zone") {
      this.commitZone(node, decideZone(node.book, message.command, this.nowMs, this.policy));
    } else if (message.type === "offer_result") {
      if (envelope.incarnation !== node.incarnation || message.ok) return;
      this.commitZone(
        node,
        decideZone(
          node.book,
          {
            type: "offer_refused",
            offerId: message.offerId,
            driverId: message.driverId,
            busy: message.busy,
          },
          this.nowMs,
          this.policy,
        ),
      );
    }
  }

  /** One round, as `ZoneActor.round` runs it. */
  private round(node: ZoneNode): void {
    const nowMs = this.nowMs;
    node.roundAtMs = null;
    const opened = openRound(node.book, nowMs, this.policy);
    this.commitZone(node, opened);
    if (opened.searches.length > 0) {
      const pool = this.candidatesFor(node, opened.searches);
      const book = this.bug === "union-of-declines" ? unionOfDeclines(node.book) : node.book;
      const report = readiness(node.book, pool, nowMs, this.policy);
      const planned = planOffers(book, pool, nowMs, () => this.uuid(), this.policy);
      for (const effect of planned.effects) {
        if (effect.kind !== "offer") continue;
        report.offeredCouriers.add(effect.driverId);
        for (const id of effect.offer.orderIds) report.offeredOrders.add(id);
      }
      this.commitZone(node, book === node.book ? planned : withRefusalsOf(node.book, planned));
      this.happenings.push({ kind: "round", zone: node.book.zone, report });
    }
    const next = nextRoundAtMs(node.book, nowMs, this.policy);
    if (next !== null)
      node.roundAtMs = node.roundAtMs === null ? next : Math.min(node.roundAtMs, next);
  }

  /** As `ZoneActor.candidatesFor`: its own idle couriers, and the neighbours' when short. */
  private candidatesFor(node: ZoneNode, searches: Search[]): Map<string, LatLng> {
    const pool = new Map<string, LatLng>();
    const k = this.policy.candidatesPerOrder;
    for (const search of searches) {
      const hits = idleNear(node.book, node.fleet, search.point, k, search.radiusM, this.nowMs);
      for (const hit of hits) pool.set(hit.driverId, hit.position);
      const asked = this.zonesToAsk(node.book.zone, search, hits.length);
      if (asked.size === 0) continue;
      // The zones asked that hold anyone: a zone never heard of is an empty actor.
      for (const [zone, other] of this.zones) {
        if (!asked.has(zone)) continue;
        for (const hit of idleNear(
          other.book,
          other.fleet,
          search.point,
          k,
          search.radiusM,
          this.nowMs,
        )) {
          if (!pool.has(hit.driverId)) pool.set(hit.driverId, hit.position);
        }
      }
    }
    return pool;
  }

  /** `zonesToAsk`, remembered: the grid's answer for a point and radius never changes. */
  private zonesToAsk(zone: string, search: Search, found: number): ReadonlySet<string> {
    if (found >= this.policy.candidatesPerOrder) return new Set();
    const key = `${zone}|${search.point.lat}|${search.point.lng}|${search.radiusM}|${search.widened}`;
    let zones = this.asked.get(key);
    if (!zones) {
      zones = new Set(zonesToAsk(zone, search, found, this.policy));
      this.asked.set(key, zones);
    }
    return zones;
  }

  // ---- restarts --------------------------------------------------------------------------------

  /**
   * The actor is evicted and comes back: its state is reloaded through the schemas its actor
   * parses stored state with, what it only had in memory is gone (answers it awaited, the zone's
   * courier index), and what a restart does is done (a courier asks its pending claims again).
   */
  restart(address: Address): void {
    if (address.kind === "courier") {
      const node = this.couriers.get(address.id)!;
      node.state = Courier.parse(JSON.parse(JSON.stringify(node.state)));
      node.incarnation += 1;
      const pending = node.state.claims.filter((c) => c.result === "pending");
      for (const claim of pending)
        this.askClaim(node, claim.orderId, claim.offerId, claimActor(claim));
      node.claimsRetryAtMs = pending.length > 0 ? this.nowMs + PEER_RETRY_MS : null;
    } else if (address.kind === "zone") {
      const node = this.zone(address.id);
      const stored = JSON.parse(
        JSON.stringify({
          orders: [...node.book.orders.values()],
          couriers: [...node.book.couriers.values()],
          versions: [...node.book.versions],
        }),
      );
      const couriers = new Map(
        stored.couriers.map((c: unknown) => {
          const courier = ZoneCourier.parse(c);
          return [courier.driverId, courier] as const;
        }),
      ) as Map<string, ZoneCourier>;
      node.book = {
        zone: node.book.zone,
        orders: new Map(
          stored.orders.map((o: unknown) => {
            const order = ZoneOrder.parse(o);
            return [order.orderId, order] as const;
          }),
        ) as Map<string, ZoneOrder>,
        couriers,
        versions: new Map(stored.versions),
        eventSeq: node.book.eventSeq,
      };
      node.fleet = new FleetIndex();
      for (const courier of couriers.values()) {
        if (!courier.busy) node.fleet.set(courier.driverId, courier.position);
      }
      node.incarnation += 1;
    } else {
      const node = this.orders.get(address.id)!;
      node.order = Order.parse(JSON.parse(JSON.stringify(node.order)));
    }
  }

  // ---- time ------------------------------------------------------------------------------------

  send(to: Address, message: Message, answer?: { to: Address; incarnation: number }): void {
    this.network.send(to, message, this.nowMs, answer);
  }

  private answer(envelope: Envelope<Message>, message: Message): void {
    if (!envelope.answerTo) return;
    this.network.send(envelope.answerTo, message, this.nowMs, {
      to: envelope.answerTo,
      incarnation: envelope.incarnation ?? 0,
    });
  }

  /** When the next timer of any node is due (offers expiring, zone refreshes, rounds, retries). */
  nextTimerMs(): number | null {
    let due: number | null = null;
    const consider = (at: number | null) => {
      if (at !== null && (due === null || at < due)) due = at;
    };
    for (const node of this.zones.values()) consider(node.roundAtMs);
    for (const node of this.couriers.values()) {
      const timers = dueAtMs(node.state);
      consider(timers.offer);
      consider(timers.zone);
      consider(node.claimsRetryAtMs);
    }
    return due;
  }

  /**
   * Does one thing due by now: a message delivered, or a timer fired. Returns false when nothing
   * is due. Messages first, in random order among those due; then the earliest timer.
   */
  stepDue(): boolean {
    const envelope = this.network.take(this.nowMs);
    if (envelope) {
      this.deliver(envelope);
      return true;
    }
    for (const node of [...this.zones.values()].sort(byZone)) {
      if (node.roundAtMs !== null && node.roundAtMs <= this.nowMs) {
        this.round(node);
        return true;
      }
    }
    for (const node of this.couriers.values()) {
      const timers = dueAtMs(node.state);
      const driverId = node.state.driverId;
      if (timers.offer !== null && timers.offer <= this.nowMs) {
        const expired = this.courierCommand(driverId, { type: "expire" });
        // An offer that cannot expire yet (its clock ran behind) is left for its own time.
        if (expired.ok) return true;
      }
      if (node.claimsRetryAtMs !== null && node.claimsRetryAtMs <= this.nowMs) {
        node.claimsRetryAtMs = this.nowMs + PEER_RETRY_MS;
        for (const claim of node.state.claims.filter((c) => c.result === "pending")) {
          this.askClaim(node, claim.orderId, claim.offerId, claimActor(claim));
        }
        return true;
      }
      if (timers.zone !== null && timers.zone <= this.nowMs) {
        this.syncZone(node);
        return true;
      }
    }
    return false;
  }

  private deliver(envelope: Envelope<Message>): void {
    const to = envelope.to;
    if (to.kind === "zone") this.onZone(envelope, this.zone(to.id));
    else if (to.kind === "courier") {
      const node = this.couriers.get(to.id);
      if (node) this.onCourier(envelope, node);
    } else {
      const node = this.orders.get(to.id);
      if (node) this.onOrder(envelope, node);
    }
  }
}

/**
 * What the liveness check needs from a round, before it plans: the waiting orders whose food is
 * ready or about to be (a courier already there would set off now), and for each the couriers the
 * round found that it may be offered to (idle, not already offered something, not having
 * declined it).
 */
function readiness(
  book: ZoneBook,
  pool: ReadonlyMap<string, LatLng>,
  nowMs: number,
  policy: DispatchPolicy,
): RoundReport {
  const offered = new Set(
    [...book.orders.values()].flatMap((o) => (o.offer ? [o.offer.driverId] : [])),
  );
  const ready: string[] = [];
  const eligible = new Map<string, string[]>();
  // A restaurant's orders search as far as the farthest-searching of them (as `planOffers`).
  const reach = new Map<string, number>();
  for (const order of book.orders.values()) {
    if (order.offer) continue;
    const id = order.request.restaurant.id;
    reach.set(id, Math.max(reach.get(id) ?? 0, radiusOf(order, policy)));
  }
  for (const order of book.orders.values()) {
    if (order.offer) continue;
    if (Date.parse(order.request.readyBy) > nowMs + policy.roundMs) continue;
    ready.push(order.orderId);
    const restaurant = order.request.restaurant;
    eligible.set(
      order.orderId,
      [...pool].flatMap(([driverId, at]) =>
        !offered.has(driverId) &&
        distanceM(at, restaurant.location) <= reach.get(restaurant.id)! &&
        !order.refusals.some(
          (r) => r.driverId === driverId && r.why === "declined" && r.untilMs > nowMs,
        )
          ? [driverId]
          : [],
      ),
    );
  }
  return { atMs: nowMs, ready, eligible, offeredOrders: new Set(), offeredCouriers: new Set() };
}

/** The bug issue 12 removed: a decline kept its courier from every waiting order of the restaurant. */
function unionOfDeclines(book: ZoneBook): ZoneBook {
  const byRestaurant = new Map<string, ZoneOrder["refusals"]>();
  for (const order of book.orders.values()) {
    const id = order.request.restaurant.id;
    byRestaurant.set(id, [
      ...(byRestaurant.get(id) ?? []),
      ...order.refusals.filter((r) => r.why === "declined"),
    ]);
  }
  const orders = new Map(
    [...book.orders].map(([id, order]) => [
      id,
      {
        ...order,
        refusals: [...order.refusals, ...(byRestaurant.get(order.request.restaurant.id) ?? [])],
      },
    ]),
  );
  return { ...book, orders };
}

/** A decision planned on a doctored book, its order entries given back their own refusals. */
function withRefusalsOf(book: ZoneBook, decision: ZoneDecision): ZoneDecision {
  const changes = decision.changes.map((change) => {
    if (change.kind !== "order" || !change.entry) return change;
    const own = book.orders.get(change.orderId);
    return own ? { ...change, entry: { ...change.entry, refusals: own.refusals } } : change;
  });
  return { ...decision, changes };
}

function byZone(a: ZoneNode, b: ZoneNode): number {
  return a.book.zone < b.book.zone ? -1 : a.book.zone > b.book.zone ? 1 : 0;
}

export type { Position };
