import { gridDisk } from "h3-js";
import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { z } from "zod";
import {
  type DispatchPolicy,
  defaultDispatchPolicy,
  escalationOf,
} from "../../dispatch/escalation.ts";
import { FleetIndex } from "../../dispatch/fleet-index.ts";
import { planRound } from "../../dispatch/round.ts";
import type { Courier, OrderToDispatch } from "../../dispatch/types.ts";
import { zonesWithin } from "../../domain/cells.ts";
import { travelMs } from "../../domain/geo.ts";
import { readConfig } from "../../runtime/config.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import type { DispatchRequest, Offer, Supply } from "../../schema/dispatch.ts";
import { DispatchRequest as DispatchRequestSchema } from "../../schema/dispatch.ts";
import type { LatLng, Position } from "../../schema/geo.ts";
import { ZoneClientMessage, type ZoneServerMessage, type ZoneSnapshot } from "../../schema/zone.ts";
import { ActorOutbox, OUTBOX_TIMER, type Recordable } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION } from "../outbox/store.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";

const ROUND_TIMER = "round";
const SNAPSHOT_TIMER = "snapshot";

/** Admin dashboards see a zone at most this often: live enough, and bounded work per change. */
const SNAPSHOT_EVERY_MS = 2_000;
/** Admin screens on one zone. */
const SOCKETS_MAX = 16;
/**
 * Searches one neighbour answers per call: one per restaurant with waiting orders, and a zone
 * rarely has more restaurants short of couriers at once. Bounds a neighbour's work per call.
 */
export const CANDIDATE_ASKS_MAX = 64;

/** A neighbour's search for couriers: near this point, within this radius. */
export type CandidateAsk = { point: LatLng; radiusM: number };

const migrations = [
  {
    id: 1,
    statements: [
      "create table drivers (driver_id text primary key, lat real not null, lng real not null, at text not null, version integer not null, seen_at integer not null)",
      "create table versions (driver_id text primary key, version integer not null)",
      `create table orders (order_id text primary key, request_json text not null, version integer not null,
        first_seen_at integer not null, offer_id text, offered_to text, offer_expires_at integer,
        declined_json text not null default '[]', escalation text not null default 'none')`,
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
  // Couriers on a job stay on the admin's map (busy = 1), never in the dispatch index.
  { id: 2, statements: ["alter table drivers add column busy integer not null default 0"] },
];

type OrderRow = {
  orderId: string;
  request: DispatchRequest;
  version: number;
  firstSeenAtMs: number;
  offerId: string | null;
  offeredTo: string | null;
  offerExpiresAtMs: number | null;
  declined: string[];
  escalation: "none" | "widened" | "alerted";
};

type Session = { admin: true };

/** A position as the policy sees it here: a point, and the restaurant it is, if it is one. */
type Pickup = LatLng & { restaurantId: string | null };

/**
 * One district (an H3 cell at the zone resolution). It indexes the couriers available in it by
 * block, holds the orders of its restaurants that need a courier, and matches them in rounds with
 * the pure dispatch policy, sending offers to couriers and escalating orders no one takes.
 */
export class ZoneActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();
  /** The dispatch rules (timings, radii); tests may tighten them. */
  policy: DispatchPolicy = defaultDispatchPolicy;

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private readonly fleet = new FleetIndex();
  private readonly zone: string;
  private eventSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    this.zone = ctx.id.name ?? ctx.id.toString();
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `zone:${this.zone}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
    });
    for (const row of ctx.storage.sql
      .exec<{ driver_id: string; lat: number; lng: number }>(
        "select driver_id, lat, lng from drivers where busy = 0",
      )
      .toArray()) {
      this.fleet.set(row.driver_id, { lat: row.lat, lng: row.lng });
    }
    this.eventSeq = ctx.storage.kv.get<number>("eventSeq") ?? 0;
  }

  /**
   * A courier's place in this zone: a position while they are online here, null when they leave
   * (offline, or another zone). Only idle couriers are in the dispatch index; busy ones (on a
   * job) are kept for the admin's map alone. Updates carry the courier's own counter, so a late
   * one never undoes a newer one.
   */
  async driverUpdate(
    driverId: string,
    position: Position | null,
    version: number,
    busy = false,
  ): Promise<void> {
    const known = this.ctx.storage.sql
      .exec<{ version: number }>("select version from versions where driver_id = ?", driverId)
      .toArray()[0];
    if (known && known.version >= version) return;
    this.ctx.storage.sql.exec(
      "insert into versions (driver_id, version) values (?, ?) on conflict (driver_id) do update set version = excluded.version",
      driverId,
      version,
    );
    if (position === null) {
      this.ctx.storage.sql.exec("delete from drivers where driver_id = ?", driverId);
      this.fleet.remove(driverId);
    } else {
      this.ctx.storage.sql.exec(
        `insert into drivers (driver_id, lat, lng, at, version, seen_at, busy) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (driver_id) do update set lat = excluded.lat, lng = excluded.lng, at = excluded.at,
           version = excluded.version, seen_at = excluded.seen_at, busy = excluded.busy`,
        driverId,
        position.lat,
        position.lng,
        position.at,
        version,
        this.clock(),
        busy ? 1 : 0,
      );
      if (busy) {
        this.fleet.remove(driverId);
      } else {
        this.fleet.set(driverId, position);
        if (this.waitingOrders().length > 0)
          await this.scheduleRound(this.fleet.size >= this.policy.ampleSupply);
      }
    }
    this.snapshotSoon();
  }

  /**
   * An order's dispatch needs, from its OrderActor: a request while it needs a courier, null when
   * it no longer does (assigned, picked up, cancelled). Stale versions change nothing.
   */
  async orderChanged(
    orderId: string,
    request: DispatchRequest | null,
    version: number,
  ): Promise<void> {
    const current = this.orderRow(orderId);
    if (current && current.version >= version) return;
    if (request === null) {
      if (current) await this.forget(current, "withdrawn");
      this.snapshotSoon();
      await this.timers.arm();
      return;
    }
    const parsed = DispatchRequestSchema.parse(request);
    this.ctx.storage.sql.exec(
      `insert into orders (order_id, request_json, version, first_seen_at) values (?, ?, ?, ?)
       on conflict (order_id) do update set request_json = excluded.request_json, version = excluded.version`,
      orderId,
      JSON.stringify(parsed),
      version,
      this.clock(),
    );
    await this.scheduleRound(this.fleet.size >= this.policy.ampleSupply);
    this.snapshotSoon();
  }

  /** A courier's answer to an offer this zone made. */
  async offerAnswered(
    offerId: string,
    driverId: string,
    answer: "accepted" | "declined" | "expired" | "taken",
  ): Promise<void> {
    const orders = this.allOrders().filter((o) => o.offerId === offerId);
    for (const order of orders) {
      if (answer === "accepted") {
        // The order itself will say it no longer needs a courier; until then it is spoken for.
        continue;
      }
      this.ctx.storage.sql.exec(
        "update orders set offer_id = null, offered_to = null, offer_expires_at = null, declined_json = ? where order_id = ?",
        JSON.stringify([...new Set([...order.declined, driverId])]),
        order.orderId,
      );
    }
    if (answer !== "accepted") await this.scheduleRound(true);
    this.snapshotSoon();
  }

  /** What a checkout quote needs: how many couriers are free here and how far the nearest is. */
  async supply(point: LatLng): Promise<Supply> {
    const nearest = this.fleet.nearest(point, 1, this.policy.searchRadiusM)[0];
    return {
      zone: this.zone,
      availableDrivers: this.fleet.size,
      pendingOrders: this.waitingOrders().length,
      nearestDriverMs: nearest ? travelMs(nearest.point, point) : null,
    };
  }

  /**
   * Couriers near each asked point, for a zone short of supply: the nearest few to each, each
   * courier once. A zone asks all it needs of one neighbour in one call.
   */
  async candidates(
    asks: readonly CandidateAsk[],
  ): Promise<Array<{ driverId: string; position: Position }>> {
    if (asks.length > CANDIDATE_ASKS_MAX) {
      throw new Error(`at most ${CANDIDATE_ASKS_MAX} candidate searches per call`);
    }
    const found = new Map<string, Position>();
    for (const ask of asks) {
      for (const hit of this.fleet.nearest(
        ask.point,
        this.policy.candidatesPerOrder,
        ask.radiusM,
      )) {
        if (found.has(hit.driverId)) continue;
        const position = this.driverPosition(hit.driverId);
        if (position) found.set(hit.driverId, position);
      }
    }
    return [...found].map(([driverId, position]) => ({ driverId, position }));
  }

  async pendingEvents() {
    return this.outbox.store.list(1_000);
  }

  /** The zone as an admin's map shows it. */
  async view(): Promise<ZoneSnapshot> {
    return this.snapshot();
  }

  override async onAlarm(): Promise<void> {
    for (const name of this.timers.takeDue(this.clock())) {
      if (name === ROUND_TIMER) await this.round();
      else if (name === OUTBOX_TIMER) await this.outbox.flush(this.clock);
      else if (name === SNAPSHOT_TIMER) this.broadcastSnapshot();
    }
    await this.timers.arm();
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const who = principalOf(ctx.request);
    if (who?.role !== "admin") {
      connection.close(4404, "not found");
      return;
    }
    if ([...this.getConnections()].length > SOCKETS_MAX) {
      connection.close(4429, "too many sockets on this zone");
      return;
    }
    connection.setState({ admin: true } satisfies Session);
    send<ZoneServerMessage>(connection, { type: "zone", zone: this.snapshot() });
  }

  override async onMessage(connection: Connection<Session>, raw: WSMessage): Promise<void> {
    const parsed = parseFrame(raw, ZoneClientMessage);
    if (!parsed.ok) send<ZoneServerMessage>(connection, { type: "error", error: parsed.error });
    else if (parsed.value.type === "ping") send<ZoneServerMessage>(connection, { type: "pong" });
    else send<ZoneServerMessage>(connection, { type: "zone", zone: this.snapshot() });
  }

  /**
   * One dispatch round: let go of stale couriers and lapsed offers, escalate orders that waited
   * too long, then plan with the policy over the couriers near each restaurant (and the
   * neighbours' when supply here is short) and send the offers it chose.
   */
  private async round(): Promise<void> {
    const nowMs = this.clock();
    this.forgetStaleDrivers(nowMs);
    for (const order of this.allOrders()) {
      if (
        order.offerExpiresAtMs !== null &&
        order.offerExpiresAtMs + this.policy.offerGraceMs <= nowMs
      ) {
        await this.offerAnswered(order.offerId!, order.offeredTo!, "expired");
      }
    }
    const waiting: OrderRow[] = [];
    for (const order of this.waitingOrders()) {
      const step = escalationOf(order.firstSeenAtMs, order.escalation, nowMs, this.policy);
      if (step === "abandon") {
        await this.abandon(order, nowMs);
        continue;
      }
      if (step === "widen" || step === "alert") {
        const level = step === "widen" ? "widened" : "alerted";
        this.ctx.storage.sql.exec(
          "update orders set escalation = ? where order_id = ?",
          level,
          order.orderId,
        );
        this.record(nowMs, {
          type: "DispatchEscalated",
          data: { orderId: order.orderId, level, waitedMs: nowMs - order.firstSeenAtMs },
        });
        order.escalation = level;
        if (level === "alerted") this.alertAdmins(order, nowMs);
      }
      waiting.push(order);
    }
    if (waiting.length > 0) {
      const { pool, positions } = await this.candidatesFor(waiting);
      // A courier who turned down an order is not offered that restaurant again this round, and
      // a restaurant's orders reach only as far as the longest-waiting of them may search.
      const declinedAt = new Map<string, Set<string>>();
      const radiusAt = new Map<string, number>();
      for (const order of waiting) {
        const restaurantId = order.request.restaurant.id;
        const set = declinedAt.get(restaurantId) ?? new Set<string>();
        for (const id of order.declined) set.add(id);
        declinedAt.set(restaurantId, set);
        radiusAt.set(restaurantId, Math.max(radiusAt.get(restaurantId) ?? 0, this.radiusOf(order)));
      }
      const courierOf = (driverId: string): Courier<Pickup> => ({
        id: driverId,
        position: { ...positions.get(driverId)!, restaurantId: null },
        freeAtMs: nowMs,
      });
      const assignments = planRound<Pickup>({
        nowMs,
        couriers: [...positions.keys()].map(courierOf),
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
        travelMs: (a, b) => travelMs(a, b),
        config: { roundMs: this.policy.roundMs },
        candidatesOf: (pickup, k) => {
          const refused = pickup.restaurantId ? declinedAt.get(pickup.restaurantId) : undefined;
          const radiusM =
            (pickup.restaurantId ? radiusAt.get(pickup.restaurantId) : undefined) ??
            this.policy.searchRadiusM;
          return pool
            .nearest(pickup, k + (refused?.size ?? 0), radiusM)
            .filter((hit) => !refused?.has(hit.driverId))
            .slice(0, k)
            .map((hit) => courierOf(hit.driverId));
        },
      });
      for (const assignment of assignments) {
        const orders = assignment.orderIds
          .map((id) => waiting.find((o) => o.orderId === id))
          .filter((o) => o !== undefined);
        const position = positions.get(assignment.courierId);
        if (orders.length > 0 && position) {
          await this.sendOffer(
            { driverId: assignment.courierId, position },
            orders,
            assignment.pickupAtMs,
            nowMs,
          );
        }
      }
    }
    if (this.waitingOrders().length > 0 || this.allOrders().some((o) => o.offerId)) {
      this.timers.set(ROUND_TIMER, nowMs + this.policy.roundMs);
    }
    this.snapshotSoon();
  }

  /**
   * Couriers for this round: the nearest few to each waiting order's restaurant, by grid rings,
   * within the normal search radius. When that finds too few, the neighbouring zones are asked
   * within the same radius. An order that has waited past the widen deadline is searched for
   * within the widened radius, which reaches zones beyond the neighbours: every zone that may
   * hold a point that near is asked.
   */
  private async candidatesFor(
    waiting: OrderRow[],
  ): Promise<{ pool: FleetIndex; positions: Map<string, LatLng> }> {
    const offered = new Set(this.allOrders().flatMap((o) => (o.offeredTo ? [o.offeredTo] : [])));
    const pool = new FleetIndex();
    const positions = new Map<string, LatLng>();
    const add = (driverId: string, point: LatLng) => {
      if (offered.has(driverId) || positions.has(driverId)) return;
      pool.set(driverId, point);
      positions.set(driverId, point);
    };
    // What to ask of which zone: one search per restaurant and radius, however many orders.
    const asks = new Map<string, Map<string, CandidateAsk>>();
    const ask = (zone: string, key: string, search: CandidateAsk) => {
      if (zone === this.zone) return;
      const searches = asks.get(zone) ?? new Map<string, CandidateAsk>();
      searches.set(key, search);
      asks.set(zone, searches);
    };
    const neighbours = gridDisk(this.zone, 1);
    for (const order of waiting) {
      const widened = order.escalation !== "none";
      const radiusM = this.radiusOf(order);
      const point = order.request.restaurant.location;
      const hits = this.fleet.nearest(point, this.policy.candidatesPerOrder, radiusM);
      for (const hit of hits) add(hit.driverId, hit.point);
      // Other zones are asked only when this one is short: a widened search fans out to every
      // zone within its radius (dozens), so it is not paid while supply is at hand.
      if (hits.length < this.policy.candidatesPerOrder) {
        const zones = widened ? zonesWithin(point, radiusM) : neighbours;
        const key = `${order.request.restaurant.id}:${radiusM}`;
        for (const zone of zones) ask(zone, key, { point, radiusM });
      }
    }
    const answers = await Promise.allSettled(
      [...asks].flatMap(([zone, searches]) =>
        chunks([...searches.values()], CANDIDATE_ASKS_MAX).map((chunk) =>
          this.env.ZoneActor.getByName(zone).candidates(chunk),
        ),
      ),
    );
    for (const answer of answers) {
      if (answer.status !== "fulfilled") continue;
      for (const c of answer.value) add(c.driverId, c.position);
    }
    return { pool, positions };
  }

  /** How far from its restaurant couriers are looked for: farther once the order has waited. */
  private radiusOf(order: OrderRow): number {
    return order.escalation === "none" ? this.policy.searchRadiusM : this.policy.widenedRadiusM;
  }

  private async sendOffer(
    courier: { driverId: string; position: LatLng },
    orders: OrderRow[],
    pickupAtMs: number,
    nowMs: number,
  ): Promise<void> {
    const first = orders[0]!.request;
    const offer: Offer = {
      offerId: crypto.randomUUID(),
      zone: this.zone,
      orderIds: orders.map((o) => o.orderId),
      restaurant: first.restaurant,
      dropoffs: orders.map((o) => o.request.dropoff),
      earningsCents: orders.reduce((sum, o) => sum + o.request.earningsCents, 0),
      readyBy: orders
        .map((o) => o.request.readyBy)
        .sort()
        .at(-1)!,
      pickupEta: new Date(
        Math.max(pickupAtMs, nowMs + travelMs(courier.position, first.restaurant.location)),
      ).toISOString(),
      expiresAt: new Date(nowMs + this.policy.offerTtlMs).toISOString(),
    };
    const answer = await this.env.DriverActor.getByName(courier.driverId)
      .offer(offer)
      .catch((error: unknown) => ({
        ok: false as const,
        error: { code: "unavailable" as const, message: String(error) },
      }));
    if (!answer.ok) {
      // Busy or gone: not a candidate for these orders this time round.
      for (const order of orders) {
        this.ctx.storage.sql.exec(
          "update orders set declined_json = ? where order_id = ?",
          JSON.stringify([...new Set([...order.declined, courier.driverId])]),
          order.orderId,
        );
      }
      return;
    }
    for (const order of orders) {
      this.ctx.storage.sql.exec(
        "update orders set offer_id = ?, offered_to = ?, offer_expires_at = ? where order_id = ?",
        offer.offerId,
        courier.driverId,
        Date.parse(offer.expiresAt),
        order.orderId,
      );
    }
    this.record(nowMs, {
      type: "OfferSent",
      data: {
        offerId: offer.offerId,
        driverId: courier.driverId,
        orderIds: offer.orderIds,
        expiresAt: offer.expiresAt,
      },
    });
  }

  /** No courier in time: the order is cancelled (its money released by its own saga). */
  private async abandon(order: OrderRow, nowMs: number): Promise<void> {
    this.record(nowMs, {
      type: "DispatchEscalated",
      data: { orderId: order.orderId, level: "abandoned", waitedMs: nowMs - order.firstSeenAtMs },
    });
    await this.forget(order, "abandoned");
    try {
      await this.env.OrderActor.getByName(order.orderId).giveUpDispatch();
    } catch (error) {
      console.warn(
        JSON.stringify({
          msg: "give-up failed; the order will ask again",
          orderId: order.orderId,
          error: String(error),
        }),
      );
    }
  }

  /** Drops an order from this zone, withdrawing any offer out for it. */
  private async forget(order: OrderRow, _why: string): Promise<void> {
    this.ctx.storage.sql.exec("delete from orders where order_id = ?", order.orderId);
    if (order.offerId && order.offeredTo) {
      const stillOffered = this.allOrders().some((o) => o.offerId === order.offerId);
      if (!stillOffered) {
        await this.env.DriverActor.getByName(order.offeredTo)
          .withdrawOffer(order.offerId)
          .catch(() => {});
      }
    }
  }

  /** Couriers not heard from in a while have likely lost signal or closed the app. */
  private forgetStaleDrivers(nowMs: number): void {
    const stale = this.ctx.storage.sql
      .exec<{ driver_id: string }>(
        "select driver_id from drivers where seen_at < ?",
        nowMs - this.policy.driverStaleMs,
      )
      .toArray();
    for (const row of stale) {
      this.ctx.storage.sql.exec("delete from drivers where driver_id = ?", row.driver_id);
      this.fleet.remove(row.driver_id);
    }
  }

  private async scheduleRound(now: boolean): Promise<void> {
    const at = now ? this.clock() : this.clock() + this.policy.roundMs;
    this.timers.setNoLaterThan(ROUND_TIMER, at);
    await this.timers.arm();
  }

  private driverPosition(driverId: string): Position | null {
    const row = this.ctx.storage.sql
      .exec<{ lat: number; lng: number; at: string }>(
        "select lat, lng, at from drivers where driver_id = ?",
        driverId,
      )
      .toArray()[0];
    return row ? { lat: row.lat, lng: row.lng, at: row.at } : null;
  }

  private orderRow(orderId: string): OrderRow | undefined {
    return this.allOrders().find((o) => o.orderId === orderId);
  }

  private allOrders(): OrderRow[] {
    return this.ctx.storage.sql
      .exec<{
        order_id: string;
        request_json: string;
        version: number;
        first_seen_at: number;
        offer_id: string | null;
        offered_to: string | null;
        offer_expires_at: number | null;
        declined_json: string;
        escalation: OrderRow["escalation"];
      }>("select * from orders order by first_seen_at")
      .toArray()
      .map((row) => ({
        orderId: row.order_id,
        request: JSON.parse(row.request_json) as DispatchRequest,
        version: row.version,
        firstSeenAtMs: row.first_seen_at,
        offerId: row.offer_id,
        offeredTo: row.offered_to,
        offerExpiresAtMs: row.offer_expires_at,
        declined: z.array(z.string()).parse(JSON.parse(row.declined_json)),
        escalation: row.escalation,
      }));
  }

  private waitingOrders(): OrderRow[] {
    return this.allOrders().filter((o) => o.offerId === null);
  }

  private record(nowMs: number, event: Omit<Recordable, "seq" | "at">): void {
    this.eventSeq += 1;
    this.ctx.storage.kv.put("eventSeq", this.eventSeq);
    this.outbox.record(
      this.zone,
      [{ ...event, seq: this.eventSeq, at: new Date(nowMs).toISOString() }],
      traceparentFrom(null),
      nowMs,
    );
  }

  private snapshot(): ZoneSnapshot {
    const drivers = this.ctx.storage.sql
      .exec<{ driver_id: string; lat: number; lng: number; at: string; busy: number }>(
        "select driver_id, lat, lng, at, busy from drivers",
      )
      .toArray()
      .map((d) => ({
        driverId: d.driver_id,
        position: { lat: d.lat, lng: d.lng, at: d.at },
        state: d.busy ? ("busy" as const) : ("idle" as const),
      }));
    const orders = this.allOrders().map((o) => ({
      orderId: o.orderId,
      restaurant: o.request.restaurant,
      dropoff: o.request.dropoff,
      readyBy: o.request.readyBy,
      offeredTo: o.offeredTo,
      waitingSince: new Date(o.firstSeenAtMs).toISOString(),
      escalation: o.escalation,
    }));
    return { zone: this.zone, drivers, orders, at: new Date(this.clock()).toISOString() };
  }

  private snapshotSoon(): void {
    if ([...this.getConnections()].length === 0 || this.timers.has(SNAPSHOT_TIMER)) return;
    this.timers.set(SNAPSHOT_TIMER, this.clock() + SNAPSHOT_EVERY_MS);
    this.ctx.waitUntil(this.timers.arm());
  }

  /** Tells the admins watching this zone, at once, that an order has waited too long. */
  private alertAdmins(order: OrderRow, nowMs: number): void {
    const message: ZoneServerMessage = {
      type: "alert",
      alert: {
        orderId: order.orderId,
        restaurant: order.request.restaurant,
        waitingSince: new Date(order.firstSeenAtMs).toISOString(),
        waitedMs: nowMs - order.firstSeenAtMs,
      },
    };
    for (const connection of this.getConnections<Session>()) send(connection, message);
  }

  private broadcastSnapshot(): void {
    const zone = this.snapshot();
    for (const connection of this.getConnections<Session>())
      send<ZoneServerMessage>(connection, { type: "zone", zone });
  }
}

/** `items` in runs of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
