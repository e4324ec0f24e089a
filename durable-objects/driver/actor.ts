import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import { readConfig } from "../../runtime/config.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import type { Principal } from "../../schema/auth.ts";
import {
  DriverClientMessage,
  type DriverCommand,
  type DriverServerMessage,
  type DriverState,
  type GpsFix,
  Job,
  type Offer,
} from "../../schema/dispatch.ts";
import { fail, ok, type Result } from "../../schema/errors.ts";
import type { Position } from "../../schema/geo.ts";
import type { Order } from "../../schema/orders.ts";
import type { DriverStep } from "../order/actor.ts";
import { jobOf } from "../order/views.ts";
import { ActorOutbox, OUTBOX_TIMER, type Recordable } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION } from "../outbox/store.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import { type GpsTrack, judgeFix } from "./gps.ts";

const OFFER_TIMER = "offer_expiry";
const ZONE_TIMER = "zone_sync";

/** A zone that did not take an update is asked again after this. */
const ZONE_RETRY_MS = 2_000;
/**
 * The zone's entry is refreshed at least this often while the courier is available, even
 * standing still: zones forget couriers they have not heard from (a phone that died).
 */
export const ZONE_REFRESH_MS = 15_000;
/** One sampled position per courier per this long goes to the `driver.location` stream. */
const LOCATION_SAMPLE_MS = 30_000;
/** The driver's phone and maybe an admin's screen. */
const SOCKETS_MAX = 8;

const migrations = [
  {
    id: 1,
    statements: [
      "create table state (id integer primary key check (id = 1), state_json text not null)",
      "create table jobs (order_id text primary key, job_json text not null, version integer not null)",
      "create table commands (key text primary key, result_json text not null, at integer not null)",
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
];

type Stored = {
  driverId: string;
  online: boolean;
  track: GpsTrack;
  position: Position | null;
  offer: Offer | null;
  flaggedFixes: number;
  /** The zone whose index holds this courier now (null: none), and our update counter there. */
  indexedZone: string | null;
  /** The fine cell the zone last heard; a move inside it changes no match. */
  indexedCell?: string | null;
  /** Whether the zone last heard the courier is on a job (on its map, out of its index). */
  indexedBusy?: boolean;
  zoneVersion: number;
  zoneSyncedAtMs: number;
  eventSeq: number;
  locationSampledAtMs: number;
};

type Session = { principal: Principal };

/**
 * One courier: online or not, where they are (only positions judged plausible), at most one
 * offer at a time with its expiry, and the jobs they hold. Their phone keeps a socket open; the
 * zone that indexes them and the orders they carry are told what they need.
 */
export class DriverActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private state: Stored;
  /** An admin's assignment is in flight: no offer may slip in before its job is stored. */
  private assigning = false;
  /**
   * The offer being accepted: while its orders are asked one by one, the zone hears they are taken
   * (by this courier) and withdraws the offer; the acceptance closes it instead, once, as accepted.
   */
  private accepting: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const driverId = ctx.id.name ?? ctx.id.toString();
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `driver:${driverId}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
    });
    const row = ctx.storage.sql
      .exec<{ state_json: string }>("select state_json from state")
      .toArray()[0];
    this.state = row
      ? (JSON.parse(row.state_json) as Stored)
      : {
          driverId,
          online: false,
          track: { last: null, suspect: [] },
          position: null,
          offer: null,
          flaggedFixes: 0,
          indexedZone: null,
          zoneVersion: 0,
          zoneSyncedAtMs: 0,
          eventSeq: 0,
          locationSampledAtMs: 0,
        };
  }

  /** Everything the courier's app shows, for the courier themself or an admin. */
  async view(who: Principal): Promise<Result<DriverState>> {
    if (!this.mayWatch(who)) return fail("driver.not_found", "no such driver");
    return ok(this.snapshot());
  }

  /**
   * A zone offers work. Refused (so the zone moves on) when the courier is offline, already
   * holds an offer, or is on a trip: one courier never holds two offers that could conflict.
   */
  async offer(offer: Offer): Promise<Result<null>> {
    if (!this.state.online) return fail("driver.offline", "this courier is offline");
    if (this.state.offer && this.state.offer.offerId !== offer.offerId)
      return fail("driver.busy", "this courier is considering another offer");
    if (this.jobs().length > 0 || this.assigning)
      return fail("driver.busy", "this courier is on a trip");
    if (Date.parse(offer.expiresAt) <= this.clock())
      return fail("offer.expired", "the offer expired before it arrived");
    this.ctx.storage.transactionSync(() => {
      this.save({ ...this.state, offer });
      this.timers.set(OFFER_TIMER, Date.parse(offer.expiresAt));
    });
    await this.timers.arm();
    this.tell({ type: "offer", offer });
    return ok(null);
  }

  /** The zone takes an offer back (its order was cancelled or assigned elsewhere). */
  async withdrawOffer(offerId: string): Promise<void> {
    if (this.state.offer?.offerId !== offerId || this.accepting === offerId) return;
    this.ctx.storage.transactionSync(() => {
      this.save({ ...this.state, offer: null });
      this.timers.clear(OFFER_TIMER);
    });
    await this.timers.arm();
    this.tell({ type: "offer_closed", offerId, why: "withdrawn" });
  }

  /**
   * An admin's manual dispatch: this courier takes the order, through the same compare-and-set
   * as an accepted offer. Refused while the courier is offline, considering an offer or on a trip,
   * so an override never gives one courier two jobs. The order's next update tells its zone to
   * stop offering it.
   */
  async assignByAdmin(
    who: Principal,
    orderId: string,
    commandId: string,
  ): Promise<Result<DriverState>> {
    if (who.role !== "admin") return fail("auth.forbidden", "only an admin may assign couriers");
    if (this.job(orderId)) return ok(this.snapshot());
    if (!this.state.online) return fail("driver.offline", "this courier is offline");
    if (this.state.offer || this.jobs().length > 0 || this.assigning)
      return fail("driver.busy", "this courier is busy with another offer or trip");
    this.assigning = true;
    let result: Result<Order>;
    try {
      result = await this.env.OrderActor.getByName(orderId).assignDriver(
        this.state.driverId,
        `admin:${commandId}`,
        { role: "admin", userId: who.userId },
      );
    } finally {
      this.assigning = false;
    }
    if (!result.ok) return result;
    this.storeJob(jobOf(result.value));
    const nowMs = this.clock();
    this.ctx.storage.transactionSync(() =>
      this.record(nowMs, {
        type: "AssignedByAdmin",
        data: { orderId, adminId: who.userId ?? null },
      }),
    );
    await this.syncZone();
    await this.timers.arm();
    for (const job of this.jobs()) this.tell({ type: "job", job });
    if (this.state.position) {
      this.ctx.waitUntil(
        this.env.OrderActor.getByName(orderId)
          .track(this.state.driverId, this.state.position)
          .catch(() => {}),
      );
    }
    return ok(this.snapshot());
  }

  /** An order's newer state. A job that is no longer this courier's, or is over, is dropped. */
  async jobChanged(job: Job): Promise<void> {
    const current = this.job(job.orderId);
    if (current && current.version >= job.version) return;
    const mine = job.driverId === this.state.driverId;
    const over =
      job.status === "delivered" || job.status === "cancelled" || job.status === "rejected";
    if (!mine || over) {
      if (!current) return;
      this.ctx.storage.sql.exec("delete from jobs where order_id = ?", job.orderId);
      this.tell({
        type: "job_removed",
        orderId: job.orderId,
        why: over ? job.status : "reassigned",
      });
      await this.syncZone();
      await this.timers.arm();
      return;
    }
    this.storeJob(job);
    this.tell({ type: "job", job });
  }

  async pendingEvents() {
    return this.outbox.store.list(1_000);
  }

  /** A command from the courier (their socket or the HTTP API): one path for both. */
  async driverCommand(who: Principal, command: DriverCommand): Promise<Result<unknown>> {
    if (who.role !== "driver" || who.userId !== this.state.driverId)
      return fail("driver.not_found", "no such driver");
    const key = `${who.userId}:${command.commandId}`;
    const seen = this.ctx.storage.sql
      .exec<{ result_json: string }>("select result_json from commands where key = ?", key)
      .toArray()[0];
    if (seen) return JSON.parse(seen.result_json) as Result<unknown>;
    const result = await this.run(command);
    this.ctx.storage.sql.exec(
      "insert or replace into commands (key, result_json, at) values (?, ?, ?)",
      key,
      JSON.stringify(result),
      this.clock(),
    );
    return result;
  }

  /** A GPS fix from the courier's phone: judged, then used for dispatch and tracking if sound. */
  async fix(who: Principal, fix: GpsFix): Promise<Result<null>> {
    if (who.role !== "driver" || who.userId !== this.state.driverId)
      return fail("driver.not_found", "no such driver");
    const nowMs = this.clock();
    const verdict = judgeFix(this.state.track, fix, nowMs);
    if (verdict.kind !== "accepted") {
      const flagged = verdict.kind === "flagged";
      this.ctx.storage.transactionSync(() => {
        this.save({
          ...this.state,
          track: verdict.track,
          flaggedFixes: this.state.flaggedFixes + (flagged ? 1 : 0),
        });
        if (flagged)
          this.record(nowMs, {
            type: "DriverFixFlagged",
            data: { why: verdict.why, at: { lat: fix.lat, lng: fix.lng } },
          });
      });
      if (flagged) await this.timers.arm();
      return fail("request.invalid", verdict.why);
    }
    const position: Position = {
      lat: fix.lat,
      lng: fix.lng,
      at: new Date(Math.min(fix.at, nowMs)).toISOString(),
    };
    const sample =
      this.state.online && nowMs - this.state.locationSampledAtMs >= LOCATION_SAMPLE_MS;
    this.ctx.storage.transactionSync(() => {
      this.save({
        ...this.state,
        track: verdict.track,
        position,
        locationSampledAtMs: sample ? nowMs : this.state.locationSampledAtMs,
      });
      if (sample) {
        this.record(nowMs, {
          type: "DriverLocated",
          data: { lat: fix.lat, lng: fix.lng, zone: zoneOf(fix), available: this.isAvailable() },
        });
      }
    });
    for (const job of this.jobs()) {
      this.ctx.waitUntil(
        this.env.OrderActor.getByName(job.orderId)
          .track(this.state.driverId, position)
          .catch(() => {}),
      );
    }
    // The zone indexes couriers by block-sized cell and matches on travel time, so it hears of a
    // move when the courier enters another cell or zone, and otherwise on its refresh timer
    // (ZONE_REFRESH_MS): with every fix of every courier it would be the city's bottleneck.
    if (this.zoneIsStale(position)) await this.syncZone();
    await this.timers.arm();
    return ok(null);
  }

  override async onAlarm(): Promise<void> {
    for (const name of this.timers.takeDue(this.clock())) {
      if (name === OFFER_TIMER) await this.expireOffer();
      else if (name === ZONE_TIMER) await this.syncZone();
      else if (name === OUTBOX_TIMER) await this.outbox.flush(this.clock);
    }
    this.ctx.storage.sql.exec("delete from commands where at < ?", this.clock() - 24 * 3_600_000);
    await this.timers.arm();
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const who = principalOf(ctx.request);
    if (!who || !this.mayWatch(who)) {
      connection.close(4404, "not found");
      return;
    }
    if ([...this.getConnections()].length > SOCKETS_MAX) {
      connection.close(4429, "too many sockets on this driver");
      return;
    }
    connection.setState({ principal: who } satisfies Session);
    send<DriverServerMessage>(connection, { type: "state", driver: this.snapshot() });
  }

  override async onMessage(connection: Connection<Session>, raw: WSMessage): Promise<void> {
    const who = connection.state?.principal;
    if (!who) return;
    const parsed = parseFrame(raw, DriverClientMessage);
    if (!parsed.ok) {
      send<DriverServerMessage>(connection, { type: "error", error: parsed.error });
      return;
    }
    const message = parsed.value;
    if (message.type === "ping") {
      send<DriverServerMessage>(connection, { type: "pong" });
      return;
    }
    if (message.type === "fix") {
      const result = await this.fix(who, message.fix);
      if (!result.ok)
        send<DriverServerMessage>(connection, { type: "fix_refused", why: result.error.message });
      return;
    }
    const result = await this.driverCommand(who, message);
    send<DriverServerMessage>(connection, {
      type: "result",
      commandId: message.commandId,
      ok: result.ok,
      ...(result.ok ? {} : { error: result.error }),
    });
  }

  private async run(command: DriverCommand): Promise<Result<unknown>> {
    switch (command.type) {
      case "go_online":
        return this.setOnline(true);
      case "go_offline":
        return this.setOnline(false);
      case "accept_offer":
        return this.acceptOffer(command.offerId);
      case "decline_offer":
        return this.closeOffer(command.offerId, "declined");
      case "arrived_at_restaurant":
        return this.step(
          command.orderId,
          { type: "driver_arrived_at_restaurant" },
          command.commandId,
        );
      case "pick_up":
        return this.step(command.orderId, { type: "pick_up" }, command.commandId);
      case "arrived_at_dropoff":
        return this.step(command.orderId, { type: "driver_arrived_at_dropoff" }, command.commandId);
      case "deliver":
        return this.step(
          command.orderId,
          { type: "deliver", code: command.code },
          command.commandId,
        );
    }
  }

  private async setOnline(online: boolean): Promise<Result<DriverState>> {
    if (this.state.online === online) return ok(this.snapshot());
    if (!online && this.jobs().length > 0)
      return fail("driver.busy", "finish your trip before going offline");
    const nowMs = this.clock();
    const offer = online ? this.state.offer : null;
    const withdrawn = !online ? this.state.offer : null;
    this.ctx.storage.transactionSync(() => {
      this.save({ ...this.state, online, offer });
      if (!online) this.timers.clear(OFFER_TIMER);
      this.record(
        nowMs,
        online
          ? {
              type: "DriverWentOnline",
              data: {
                at: this.state.position
                  ? { lat: this.state.position.lat, lng: this.state.position.lng }
                  : null,
              },
            }
          : { type: "DriverWentOffline", data: {} },
      );
    });
    if (withdrawn)
      await this.tellZone(withdrawn.zone, (zone) =>
        zone.offerAnswered(withdrawn.offerId, this.state.driverId, "declined"),
      );
    await this.syncZone();
    await this.timers.arm();
    this.tell({ type: "state", driver: this.snapshot() });
    return ok(this.snapshot());
  }

  /**
   * Accepting asks each order to take this courier (a compare-and-set in the order's actor), so
   * when several couriers accept one order exactly one wins. Orders already taken are reported;
   * the others become this courier's jobs.
   */
  private async acceptOffer(offerId: string): Promise<Result<DriverState>> {
    const offer = this.state.offer;
    if (!offer || offer.offerId !== offerId) return fail("offer.not_found", "no such offer");
    if (Date.parse(offer.expiresAt) <= this.clock()) {
      await this.expireOffer();
      return fail("offer.expired", "the offer has expired");
    }
    const won: string[] = [];
    this.accepting = offerId;
    try {
      for (const orderId of offer.orderIds) {
        const result = await this.env.OrderActor.getByName(orderId).assignDriver(
          this.state.driverId,
          offerId,
        );
        if (result.ok) {
          won.push(orderId);
          this.storeJob(jobOf(result.value));
        }
      }
    } finally {
      this.accepting = null;
    }
    const nowMs = this.clock();
    this.ctx.storage.transactionSync(() => {
      this.save({ ...this.state, offer: null });
      this.timers.clear(OFFER_TIMER);
      this.record(nowMs, {
        type: "OfferAccepted",
        data: { offerId, orderIds: offer.orderIds, won },
      });
    });
    await this.tellZone(offer.zone, (zone) =>
      zone.offerAnswered(offerId, this.state.driverId, won.length > 0 ? "accepted" : "taken"),
    );
    await this.syncZone();
    await this.timers.arm();
    this.tell({ type: "offer_closed", offerId, why: won.length > 0 ? "accepted" : "taken" });
    for (const job of this.jobs()) this.tell({ type: "job", job });
    if (won.length === 0) return fail("offer.taken", "another courier took this order first");
    if (this.state.position) {
      for (const orderId of won) {
        this.ctx.waitUntil(
          this.env.OrderActor.getByName(orderId)
            .track(this.state.driverId, this.state.position)
            .catch(() => {}),
        );
      }
    }
    return ok(this.snapshot());
  }

  private async closeOffer(offerId: string, why: "declined" | "expired"): Promise<Result<null>> {
    const offer = this.state.offer;
    if (!offer || offer.offerId !== offerId) return fail("offer.not_found", "no such offer");
    const nowMs = this.clock();
    this.ctx.storage.transactionSync(() => {
      this.save({ ...this.state, offer: null });
      this.timers.clear(OFFER_TIMER);
      this.record(nowMs, {
        type: why === "declined" ? "OfferDeclined" : "OfferExpired",
        data: { offerId, orderIds: offer.orderIds },
      });
    });
    await this.tellZone(offer.zone, (zone) =>
      zone.offerAnswered(offerId, this.state.driverId, why),
    );
    await this.timers.arm();
    this.tell({ type: "offer_closed", offerId, why });
    return ok(null);
  }

  private async expireOffer(): Promise<void> {
    const offer = this.state.offer;
    if (offer && Date.parse(offer.expiresAt) <= this.clock())
      await this.closeOffer(offer.offerId, "expired");
  }

  private async step(
    orderId: string,
    step: DriverStep,
    commandId: string,
  ): Promise<Result<unknown>> {
    if (!this.job(orderId)) return fail("order.not_found", "no such job");
    const result = await this.env.OrderActor.getByName(orderId).driverStep(
      this.state.driverId,
      step,
      commandId,
      this.state.position,
    );
    return result.ok ? ok(null) : result;
  }

  /**
   * Keeps the courier in exactly one zone while online (in its dispatch index when available,
   * on its map only when busy), and in none otherwise. On a zone change the old zone lets go
   * first; only then does the new one take the courier, so the courier is never in two, and a
   * failure is retried, so never lost.
   */
  private zoneIsStale(position: Position): boolean {
    const target = this.state.online ? zoneOf(position) : null;
    if (target !== this.state.indexedZone) return true;
    if (target !== null && (this.state.indexedBusy ?? false) !== !this.isAvailable()) return true;
    return target !== null && cellOf(position) !== (this.state.indexedCell ?? null);
  }

  private async syncZone(): Promise<void> {
    const position = this.state.position;
    const target = this.state.online && position ? zoneOf(position) : null;
    const busy = !this.isAvailable();
    const current = this.state.indexedZone;
    try {
      if (current && current !== target) {
        const version = this.state.zoneVersion + 1;
        await this.env.ZoneActor.getByName(current).driverUpdate(
          this.state.driverId,
          null,
          version,
        );
        this.save({ ...this.state, indexedZone: null, indexedCell: null, zoneVersion: version });
      }
      if (target && position) {
        const version = this.state.zoneVersion + 1;
        await this.env.ZoneActor.getByName(target).driverUpdate(
          this.state.driverId,
          position,
          version,
          busy,
        );
        this.save({
          ...this.state,
          indexedZone: target,
          indexedCell: cellOf(position),
          indexedBusy: busy,
          zoneVersion: version,
          zoneSyncedAtMs: this.clock(),
        });
        this.timers.set(ZONE_TIMER, this.clock() + ZONE_REFRESH_MS);
      } else {
        this.timers.clear(ZONE_TIMER);
      }
    } catch (error) {
      console.warn(
        JSON.stringify({
          msg: "zone sync failed",
          driverId: this.state.driverId,
          error: String(error),
        }),
      );
      this.timers.set(ZONE_TIMER, this.clock() + ZONE_RETRY_MS);
    }
  }

  private async tellZone(
    zone: string,
    call: (stub: DurableObjectStub<import("../zone/actor.ts").ZoneActor>) => Promise<unknown>,
  ): Promise<void> {
    try {
      await call(this.env.ZoneActor.getByName(zone));
    } catch (error) {
      // The zone also times its offers out by itself; a lost answer costs one expiry, no more.
      console.warn(JSON.stringify({ msg: "zone answer failed", zone, error: String(error) }));
    }
  }

  private isAvailable(): boolean {
    return this.state.online && this.jobs().length === 0;
  }

  private mayWatch(who: Principal): boolean {
    return who.role === "admin" || (who.role === "driver" && who.userId === this.state.driverId);
  }

  private snapshot(): DriverState {
    return {
      driverId: this.state.driverId,
      online: this.state.online,
      position: this.state.position,
      jobs: this.jobs(),
      offer: this.state.offer,
      flaggedFixes: this.state.flaggedFixes,
    };
  }

  private save(next: Stored): void {
    this.ctx.storage.sql.exec(
      "insert into state (id, state_json) values (1, ?) on conflict (id) do update set state_json = excluded.state_json",
      JSON.stringify(next),
    );
    this.state = next;
  }

  private record(nowMs: number, event: Omit<Recordable, "seq" | "at">): void {
    const seq = this.state.eventSeq + 1;
    this.outbox.record(
      this.state.driverId,
      [{ ...event, seq, at: new Date(nowMs).toISOString() }],
      traceparentFrom(null),
      nowMs,
    );
    this.save({ ...this.state, eventSeq: seq });
  }

  private jobs(): Job[] {
    return this.ctx.storage.sql
      .exec<{ job_json: string }>("select job_json from jobs order by rowid")
      .toArray()
      .map((row) => Job.parse(JSON.parse(row.job_json)));
  }

  private job(orderId: string): Job | undefined {
    const row = this.ctx.storage.sql
      .exec<{ job_json: string }>("select job_json from jobs where order_id = ?", orderId)
      .toArray()[0];
    return row ? Job.parse(JSON.parse(row.job_json)) : undefined;
  }

  private storeJob(job: Job): void {
    this.ctx.storage.sql.exec(
      "insert into jobs (order_id, job_json, version) values (?, ?, ?) on conflict (order_id) do update set job_json = excluded.job_json, version = excluded.version",
      job.orderId,
      JSON.stringify(job),
      job.version,
    );
  }

  private tell(message: DriverServerMessage): void {
    for (const connection of this.getConnections<Session>()) send(connection, message);
  }
}
