import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { z } from "zod";
import { type DispatchPolicy, defaultDispatchPolicy } from "../../dispatch/escalation.ts";
import { FleetIndex } from "../../dispatch/fleet-index.ts";
import { travelMs } from "../../domain/geo.ts";
import { readConfig } from "../../runtime/config.ts";
import { logLine } from "../../runtime/log.ts";
import { describeError } from "../../runtime/redact.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import {
  type DispatchNeed,
  DispatchRequest,
  OfferAnswer,
  type Supply,
} from "../../schema/dispatch.ts";
import type { LatLng, Position } from "../../schema/geo.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import { ZoneClientMessage, type ZoneServerMessage, type ZoneSnapshot } from "../../schema/zone.ts";
import { ActorOutbox, OUTBOX_TIMER } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION, OUTBOX_PARKING_MIGRATION } from "../outbox/store.ts";
import { peer } from "../peers.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import {
  applyChanges,
  decide,
  emptyBook,
  idleNear,
  isIdle,
  nextRoundAtMs,
  openRound,
  planOffers,
  type Search,
  snapshotOf,
  waitingOrders,
  type ZoneBook,
  type ZoneCommand,
  type ZoneCourier,
  type ZoneDecision,
  type ZoneOrder,
  zonesToAsk,
} from "./book.ts";

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
  // A courier busy with another zone's offer is not offered work here until then.
  {
    id: 3,
    statements: ["alter table drivers add column refused_until integer not null default 0"],
  },
  { id: 4, statements: OUTBOX_PARKING_MIGRATION },
];

/** An order row; `declined_json` holds its refusals (bare courier ids, from earlier builds). */
const OrderRow = z.object({
  order_id: z.uuid(),
  request_json: z.string(),
  version: z.number().int(),
  first_seen_at: z.number(),
  offer_id: z.string().nullable(),
  offered_to: z.string().nullable(),
  offer_expires_at: z.number().nullable(),
  declined_json: z.string(),
  escalation: z.enum(["none", "widened", "alerted"]),
});
const Refusals = z.array(
  z.union([z.object({ driverId: z.uuid(), why: OfferAnswer, untilMs: z.number() }), z.uuid()]),
);

type Session = { admin: true };

/**
 * One district (an H3 cell at the zone resolution): the shell over the pure book in book.ts. It
 * keeps the book in memory and in its tables (each change a row), the idle couriers in a ring
 * search index, and carries out what the book decides: offers to couriers, withdrawals, giving an
 * order up, alerts to the admins watching, and rounds on its timer.
 */
export class ZoneActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();
  /** The dispatch rules (timings, radii); tests may tighten them. */
  policy: DispatchPolicy = defaultDispatchPolicy;
  /** How long a ride takes; a test replaying an MDRP day gives the instance's own rule. */
  travel: (from: LatLng, to: LatLng) => number = travelMs;

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private readonly fleet = new FleetIndex();
  private book: ZoneBook;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const zone = ctx.id.name ?? ctx.id.toString();
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `zone:${zone}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
      clock: () => this.clock(),
    });
    this.book = this.load(zone);
    for (const courier of this.book.couriers.values()) {
      if (!courier.busy) this.fleet.set(courier.driverId, courier.position);
    }
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
    await this.apply({ type: "driver_update", driverId, position, version, busy });
  }

  /**
   * What an order needs of its zone, from its OrderActor: a courier while it waits for one, or
   * nothing more (assigned, or over). Stale versions change nothing.
   */
  async orderChanged(orderId: string, need: DispatchNeed, version: number): Promise<void> {
    await this.apply({ type: "order_changed", orderId, need, version });
  }

  /** A courier's answer to an offer this zone made, when it did not end in a claim. */
  async offerAnswered(offerId: string, driverId: string, answer: OfferAnswer): Promise<void> {
    await this.apply({ type: "offer_answered", offerId, driverId, answer });
  }

  /** What a checkout quote needs: how many couriers are free here and how far the nearest is. */
  async supply(point: LatLng): Promise<Supply> {
    const nowMs = this.clock();
    const nearest = idleNear(this.book, this.fleet, point, 1, this.policy.searchRadiusM, nowMs)[0];
    return {
      zone: this.book.zone,
      availableDrivers: [...this.book.couriers.values()].filter((c) => isIdle(c, nowMs)).length,
      pendingOrders: waitingOrders(this.book).length,
      nearestDriverMs: nearest ? travelMs(nearest.position, point) : null,
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
    const nowMs = this.clock();
    const found = new Map<string, Position>();
    for (const ask of asks) {
      for (const hit of idleNear(
        this.book,
        this.fleet,
        ask.point,
        this.policy.candidatesPerOrder,
        ask.radiusM,
        nowMs,
      )) {
        found.set(hit.driverId, hit.position);
      }
    }
    return [...found].map(([driverId, position]) => ({ driverId, position }));
  }

  /** The outbox as admins see it: what waits for the bridge, and what it refused for good. */
  async outboxReport(): Promise<PendingEvents> {
    return this.outbox.report();
  }

  /** An admin puts the parked events back in the outbox for another try. */
  async releaseParked(): Promise<number> {
    const released = this.outbox.release();
    await this.timers.arm();
    return released;
  }

  /** The zone as an admin's map shows it. */
  async view(): Promise<ZoneSnapshot> {
    return snapshotOf(this.book, this.clock());
  }

  override async onAlarm(): Promise<void> {
    for (const name of this.timers.takeDue(this.clock())) {
      if (name === ROUND_TIMER) await this.round();
      else if (name === OUTBOX_TIMER) await this.outbox.flush();
      else if (name === SNAPSHOT_TIMER)
        this.tellAdmins({ type: "zone", zone: snapshotOf(this.book, this.clock()) });
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
    send<ZoneServerMessage>(connection, {
      type: "zone",
      zone: snapshotOf(this.book, this.clock()),
    });
  }

  override async onMessage(connection: Connection<Session>, raw: WSMessage): Promise<void> {
    const parsed = parseFrame(raw, ZoneClientMessage);
    if (!parsed.ok) send<ZoneServerMessage>(connection, { type: "error", error: parsed.error });
    else if (parsed.value.type === "ping") send<ZoneServerMessage>(connection, { type: "pong" });
    else
      send<ZoneServerMessage>(connection, {
        type: "zone",
        zone: snapshotOf(this.book, this.clock()),
      });
  }

  /**
   * One dispatch round: the book expires, escalates and says where to look; couriers are gathered
   * near each restaurant (and from the neighbouring zones when short); the book plans the offers,
   * which are sent. A courier who refuses as busy is not a decline: the book just tries again.
   */
  private async round(): Promise<void> {
    const nowMs = this.clock();
    const opened = openRound(this.book, nowMs, this.policy);
    await this.commit(opened);
    if (opened.searches.length > 0) {
      const pool = await this.candidatesFor(opened.searches, nowMs);
      await this.commit(
        planOffers(this.book, pool, nowMs, () => crypto.randomUUID(), this.policy, this.travel),
      );
    }
    const next = nextRoundAtMs(this.book, this.clock(), this.policy);
    if (next !== null) this.timers.setNoLaterThan(ROUND_TIMER, next);
  }

  /**
   * Couriers for this round: the nearest few to each restaurant with waiting orders, by grid
   * rings, within its search radius. When that finds too few, the neighbouring zones are asked
   * within the same radius; a widened search asks every zone that may hold a point that near.
   */
  private async candidatesFor(searches: Search[], nowMs: number): Promise<Map<string, LatLng>> {
    const pool = new Map<string, LatLng>();
    const asks = new Map<string, CandidateAsk[]>();
    for (const search of searches) {
      const hits = idleNear(
        this.book,
        this.fleet,
        search.point,
        this.policy.candidatesPerOrder,
        search.radiusM,
        nowMs,
      );
      for (const hit of hits) pool.set(hit.driverId, hit.position);
      for (const zone of zonesToAsk(this.book.zone, search, hits.length, this.policy)) {
        asks.set(zone, [
          ...(asks.get(zone) ?? []),
          { point: search.point, radiusM: search.radiusM },
        ]);
      }
    }
    const answers = await Promise.allSettled(
      [...asks].flatMap(([zone, list]) =>
        chunks(list, CANDIDATE_ASKS_MAX).map((chunk) =>
          peer(this.env, "ZoneActor", "ZoneActor", zone).candidates(chunk),
        ),
      ),
    );
    for (const answer of answers) {
      if (answer.status === "rejected") {
        this.warn("a neighbouring zone did not answer", { error: describeError(answer.reason) });
        continue;
      }
      for (const c of answer.value) if (!pool.has(c.driverId)) pool.set(c.driverId, c.position);
    }
    return pool;
  }

  private async apply(command: ZoneCommand): Promise<void> {
    await this.commit(decide(this.book, command, this.clock(), this.policy));
  }

  /**
   * Writes a decision's changes, row by row, with its events in the same transaction; then keeps
   * the index in step and carries out the effects.
   */
  private async commit(decision: ZoneDecision): Promise<void> {
    const nowMs = this.clock();
    const { changes, events, effects } = decision;
    if (changes.length > 0 || events.length > 0) {
      this.ctx.storage.transactionSync(() => {
        for (const change of changes) {
          if (change.kind === "order") this.storeOrder(change.orderId, change.entry);
          else if (change.kind === "courier") this.storeCourier(change.driverId, change.entry);
          else {
            this.ctx.storage.sql.exec(
              "insert into versions (driver_id, version) values (?, ?) on conflict (driver_id) do update set version = excluded.version",
              change.driverId,
              change.version,
            );
          }
        }
        if (events.length > 0) {
          this.outbox.record(this.book.zone, events, traceparentFrom(null), nowMs);
          this.ctx.storage.kv.put("eventSeq", events.at(-1)!.seq);
        }
      });
      this.book = applyChanges(this.book, decision);
      for (const change of changes) {
        if (change.kind !== "courier") continue;
        if (change.entry && !change.entry.busy)
          this.fleet.set(change.driverId, change.entry.position);
        else this.fleet.remove(change.driverId);
      }
      this.snapshotSoon();
    }
    for (const effect of effects) {
      switch (effect.kind) {
        case "round":
          this.timers.setNoLaterThan(ROUND_TIMER, effect.atMs);
          break;
        case "offer": {
          const answer = await peer(this.env, "ZoneActor", "DriverActor", effect.driverId)
            .offer(effect.offer)
            .catch((error: unknown) => {
              this.warn("offer not delivered", {
                driverId: effect.driverId,
                error: describeError(error),
              });
              return null;
            });
          if (answer?.ok) break;
          const busy = answer !== null && answer.error.code === "driver.busy";
          await this.apply({
            type: "offer_refused",
            offerId: effect.offer.offerId,
            driverId: effect.driverId,
            busy,
          });
          break;
        }
        case "withdraw":
          this.background(
            peer(this.env, "ZoneActor", "DriverActor", effect.driverId).withdrawOffer(
              effect.offerId,
            ),
            { driverId: effect.driverId },
          );
          break;
        case "give_up":
          // The order asks again if this is lost: it is still unassigned, and the next update it
          // sends puts it back in the book, where it has waited long enough to be given up again.
          await peer(this.env, "ZoneActor", "OrderActor", effect.orderId)
            .giveUpDispatch()
            .catch((error: unknown) =>
              this.warn("give-up failed; the order will ask again", {
                orderId: effect.orderId,
                error: describeError(error),
              }),
            );
          break;
        case "alert":
          this.tellAdmins({ type: "alert", alert: effect.alert });
          break;
      }
    }
    await this.timers.arm();
  }

  private load(zone: string): ZoneBook {
    const sql = this.ctx.storage.sql;
    const orders = new Map<string, ZoneOrder>();
    for (const raw of sql.exec("select * from orders").toArray()) {
      const row = OrderRow.parse(raw);
      orders.set(row.order_id, {
        orderId: row.order_id,
        request: DispatchRequest.parse(JSON.parse(row.request_json)),
        version: row.version,
        firstSeenAtMs: row.first_seen_at,
        offer:
          row.offer_id && row.offered_to && row.offer_expires_at !== null
            ? { offerId: row.offer_id, driverId: row.offered_to, expiresAtMs: row.offer_expires_at }
            : null,
        refusals: Refusals.parse(JSON.parse(row.declined_json)).map((r) =>
          typeof r === "string"
            ? {
                driverId: r,
                why: "declined" as const,
                untilMs: row.first_seen_at + this.policy.declineExclusionMs,
              }
            : r,
        ),
        escalation: row.escalation,
      });
    }
    const couriers = new Map<string, ZoneCourier>();
    for (const row of sql
      .exec<{
        driver_id: string;
        lat: number;
        lng: number;
        at: string;
        version: number;
        seen_at: number;
        busy: number;
        refused_until: number;
      }>("select * from drivers")
      .toArray()) {
      couriers.set(row.driver_id, {
        driverId: row.driver_id,
        position: { lat: row.lat, lng: row.lng, at: row.at },
        version: row.version,
        seenAtMs: row.seen_at,
        busy: row.busy === 1,
        refusedUntilMs: row.refused_until,
      });
    }
    const versions = new Map(
      sql
        .exec<{ driver_id: string; version: number }>("select driver_id, version from versions")
        .toArray()
        .map((row) => [row.driver_id, row.version] as const),
    );
    return {
      ...emptyBook(zone),
      orders,
      couriers,
      versions,
      eventSeq: z
        .number()
        .int()
        .catch(0)
        .parse(this.ctx.storage.kv.get("eventSeq") ?? 0),
    };
  }

  private storeOrder(orderId: string, entry: ZoneOrder | null): void {
    if (!entry) {
      this.ctx.storage.sql.exec("delete from orders where order_id = ?", orderId);
      return;
    }
    this.ctx.storage.sql.exec(
      `insert into orders (order_id, request_json, version, first_seen_at, offer_id, offered_to,
         offer_expires_at, declined_json, escalation) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (order_id) do update set request_json = excluded.request_json,
         version = excluded.version, first_seen_at = excluded.first_seen_at,
         offer_id = excluded.offer_id, offered_to = excluded.offered_to,
         offer_expires_at = excluded.offer_expires_at, declined_json = excluded.declined_json,
         escalation = excluded.escalation`,
      orderId,
      JSON.stringify(entry.request),
      entry.version,
      entry.firstSeenAtMs,
      entry.offer?.offerId ?? null,
      entry.offer?.driverId ?? null,
      entry.offer?.expiresAtMs ?? null,
      JSON.stringify(entry.refusals),
      entry.escalation,
    );
  }

  private storeCourier(driverId: string, entry: ZoneCourier | null): void {
    if (!entry) {
      this.ctx.storage.sql.exec("delete from drivers where driver_id = ?", driverId);
      return;
    }
    this.ctx.storage.sql.exec(
      `insert into drivers (driver_id, lat, lng, at, version, seen_at, busy, refused_until)
         values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (driver_id) do update set lat = excluded.lat, lng = excluded.lng,
         at = excluded.at, version = excluded.version, seen_at = excluded.seen_at,
         busy = excluded.busy, refused_until = excluded.refused_until`,
      driverId,
      entry.position.lat,
      entry.position.lng,
      entry.position.at,
      entry.version,
      entry.seenAtMs,
      entry.busy ? 1 : 0,
      entry.refusedUntilMs,
    );
  }

  private snapshotSoon(): void {
    if ([...this.getConnections()].length === 0 || this.timers.has(SNAPSHOT_TIMER)) return;
    this.timers.set(SNAPSHOT_TIMER, this.clock() + SNAPSHOT_EVERY_MS);
  }

  private tellAdmins(message: ZoneServerMessage): void {
    for (const connection of this.getConnections<Session>()) send(connection, message);
  }

  /** A call whose answer nobody waits for; a failure is logged, and the next round repairs it. */
  private background(call: Promise<unknown>, context: Record<string, unknown>): void {
    this.ctx.waitUntil(
      call.catch((error: unknown) =>
        this.warn("peer call failed", { ...context, error: describeError(error) }),
      ),
    );
  }

  private warn(msg: string, fields: Record<string, unknown>): void {
    logLine("warn", msg, { zone: this.book.zone, ...fields });
  }
}

/** `items` in runs of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
