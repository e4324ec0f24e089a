import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { z } from "zod";
import { readConfig } from "../../runtime/config.ts";
import { logLine } from "../../runtime/log.ts";
import { describeError } from "../../runtime/redact.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import type { Principal } from "../../schema/auth.ts";
import {
  DriverClientMessage,
  type DriverCommand,
  type DriverServerMessage,
  type DriverState,
  type GpsFix,
  type Job,
  type Offer,
} from "../../schema/dispatch.ts";
import { type Failure, fail, ok, type Result } from "../../schema/errors.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import { COMMANDS_MIGRATION, CommandMemory } from "../command-memory.ts";
import type { DriverStep } from "../order/actor.ts";
import { jobOf } from "../order/views.ts";
import { ActorOutbox, OUTBOX_TIMER } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION, OUTBOX_PARKING_MIGRATION } from "../outbox/store.ts";
import { peer } from "../peers.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import {
  type Claim,
  Courier,
  type CourierCommand,
  claimActor,
  type Decision,
  decide,
  dueAtMs,
  newCourier,
  viewOf,
  zoneTarget,
} from "./courier.ts";
import { legacyCourierOf } from "./legacy.ts";

const OFFER_TIMER = "offer_expiry";
const ZONE_TIMER = "zone_sync";
const CLAIMS_TIMER = "claims";

/** A zone or an order that did not answer is asked again after this. */
const PEER_RETRY_MS = 2_000;
/** The driver's phone and maybe an admin's screen. */
const SOCKETS_MAX = 8;

const migrations = [
  {
    id: 1,
    statements: [
      "create table state (id integer primary key check (id = 1), state_json text not null)",
      "create table jobs (order_id text primary key, job_json text not null, version integer not null)",
      COMMANDS_MIGRATION,
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
  // The courier's jobs live in its state document now, decided by the pure core with the rest.
  { id: 2, statements: ["drop table jobs"] },
  { id: 3, statements: OUTBOX_PARKING_MIGRATION },
];

type Session = { principal: Principal };

/**
 * One courier: the shell over the pure core in courier.ts. It stores what the core decides, sends
 * the events to the outbox in the same transaction, and carries out the effects: frames to the
 * courier's phone, claims on orders (the order's compare-and-set), answers to the zone that made
 * an offer, positions to the orders the courier carries, and the zone's index kept current.
 */
export class DriverActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private readonly answers: CommandMemory<unknown>;
  private courier: Courier;
  /**
   * Zone updates go out one at a time, in order: each carries the courier's next version, and two
   * at once would both claim the same one, so the zone would keep whichever came first.
   */
  private zoneSyncs: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The jobs table goes in migration 2, so a courier stored before it is read first.
    const legacy = ctx.storage.sql
      .exec<{ name: string }>("select name from sqlite_master where name = 'jobs'")
      .toArray().length
      ? ctx.storage.sql
          .exec<{ job_json: string }>("select job_json from jobs order by rowid")
          .toArray()
          .map((row) => row.job_json)
      : [];
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const driverId = ctx.id.name ?? ctx.id.toString();
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `driver:${driverId}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
      clock: () => this.clock(),
    });
    this.answers = new CommandMemory(ctx.storage.sql, z.unknown());
    const row = ctx.storage.sql
      .exec<{ state_json: string }>("select state_json from state")
      .toArray()[0];
    this.courier = row
      ? (Courier.safeParse(JSON.parse(row.state_json)).data ??
        legacyCourierOf(JSON.parse(row.state_json), legacy))
      : newCourier(driverId);
  }

  /** Everything the courier's app shows, for the courier themself or an admin. */
  async view(who: Principal): Promise<Result<DriverState>> {
    if (!this.mayWatch(who)) return fail("driver.not_found", "no such driver");
    return ok(viewOf(this.courier));
  }

  /**
   * A zone offers work. Refused (so the zone moves on) when the courier is offline, already
   * holds an offer, or is busy: one courier never holds two offers that could conflict.
   */
  async offer(offer: Offer): Promise<Result<null>> {
    const decision = await this.apply({ type: "offer", offer });
    return decision.ok ? ok(null) : decision;
  }

  /** The zone takes an offer back (its order was cancelled or assigned elsewhere). */
  async withdrawOffer(offerId: string): Promise<void> {
    await this.apply({ type: "withdraw", offerId });
  }

  /**
   * An admin's manual dispatch: this courier takes the order through the same compare-and-set as
   * an accepted offer. Refused while the courier is offline, considering an offer or busy.
   */
  async assignByAdmin(
    who: Principal,
    orderId: string,
    commandId: string,
  ): Promise<Result<DriverState>> {
    if (who.role !== "admin") return fail("auth.forbidden", "only an admin may assign couriers");
    const decision = await this.apply({
      type: "assign_by_admin",
      orderId,
      adminId: who.userId,
      commandId,
    });
    if (!decision.ok) return decision;
    const refused = await this.settleClaims();
    const mine = this.courier.jobs.some((job) => job.orderId === orderId);
    if (!mine)
      return (
        refused.get(orderId) ?? fail("unavailable", "the order could not be reached; try again")
      );
    return ok(viewOf(this.courier));
  }

  /** An order's newer state. A job that is no longer this courier's, or is over, is dropped. */
  async jobChanged(job: Job): Promise<void> {
    await this.apply({ type: "job_changed", job });
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

  /** A command from the courier (their socket or the HTTP API): one path for both. */
  async driverCommand(who: Principal, command: DriverCommand): Promise<Result<unknown>> {
    if (who.role !== "driver" || who.userId !== this.courier.driverId)
      return fail("driver.not_found", "no such driver");
    const key = `${who.userId}:${command.commandId}`;
    const seen = this.answers.recall(key);
    if (seen) return seen;
    const result = await this.run(command);
    this.answers.remember(key, result, this.clock());
    return result;
  }

  /** A GPS fix from the courier's phone: judged, then used for dispatch and tracking if sound. */
  async fix(who: Principal, fix: GpsFix): Promise<Result<null>> {
    if (who.role !== "driver" || who.userId !== this.courier.driverId)
      return fail("driver.not_found", "no such driver");
    const decision = await this.apply({ type: "fix", fix });
    if (!decision.ok) return decision;
    return decision.refusal ? { ok: false, error: decision.refusal } : ok(null);
  }

  override async onAlarm(): Promise<void> {
    const nowMs = this.clock();
    for (const name of this.timers.takeDue(nowMs)) {
      if (name === OFFER_TIMER) await this.apply({ type: "expire" });
      else if (name === ZONE_TIMER) await this.syncZone();
      else if (name === CLAIMS_TIMER) await this.settleClaims();
      else if (name === OUTBOX_TIMER) await this.outbox.flush();
    }
    this.answers.forgetOlderThan(this.clock());
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
    send<DriverServerMessage>(connection, { type: "state", driver: viewOf(this.courier) });
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
      await this.fix(who, message.fix);
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
      case "go_offline": {
        const decision = await this.apply({ type: command.type });
        return decision.ok ? ok(viewOf(this.courier)) : decision;
      }
      case "accept_offer":
        return this.acceptOffer(command.offerId);
      case "decline_offer": {
        const decision = await this.apply({ type: "decline", offerId: command.offerId });
        return decision.ok ? ok(null) : decision;
      }
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

  /**
   * Accepting claims each order of the offer (a compare-and-set in the order's actor), so when
   * several couriers accept one order exactly one wins. Orders already taken are reported; the
   * others become this courier's jobs.
   */
  private async acceptOffer(offerId: string): Promise<Result<DriverState>> {
    const decision = await this.apply({ type: "accept", offerId });
    if (!decision.ok) return decision;
    const orderIds = decision.effects.flatMap((e) => (e.kind === "claim" ? [e.claim.orderId] : []));
    await this.settleClaims();
    const won = this.courier.jobs.filter((job) => orderIds.includes(job.orderId));
    const pending = this.courier.claims.some((c) => c.offerId === offerId);
    if (won.length === 0 && !pending) {
      return fail("offer.taken", "another courier took this order first");
    }
    return ok(viewOf(this.courier));
  }

  /** A courier's step on a job, decided by the order, which owns it. */
  private async step(
    orderId: string,
    step: DriverStep,
    commandId: string,
  ): Promise<Result<unknown>> {
    if (!this.courier.jobs.some((job) => job.orderId === orderId))
      return fail("order.not_found", "no such job");
    const result = await this.order(orderId).driverStep(
      this.courier.driverId,
      step,
      commandId,
      this.courier.position,
    );
    return result.ok ? ok(null) : result;
  }

  /**
   * Asks each order with a pending claim to take this courier, and feeds each answer back to the
   * core. An order that cannot be reached keeps its claim, asked again by the claims timer (the
   * order answers the same courier yes again). Answers the refusals, by order.
   */
  private async settleClaims(): Promise<Map<string, Result<never>>> {
    const refusals = new Map<string, Result<never>>();
    const pending = this.courier.claims.filter((c) => c.result === "pending");
    let unreachable = false;
    await Promise.all(
      pending.map(async (claim: Claim) => {
        try {
          const answer = await this.order(claim.orderId).assignDriver(
            this.courier.driverId,
            claim.offerId,
            claimActor(claim),
          );
          if (!answer.ok) refusals.set(claim.orderId, answer);
          await this.apply({
            type: "claimed",
            orderId: claim.orderId,
            outcome: answer.ok ? { ok: true, job: jobOf(answer.value) } : refusedAt(answer.error),
          });
        } catch (error) {
          unreachable = true;
          this.warn("claim failed; asking again", {
            orderId: claim.orderId,
            error: describeError(error),
          });
        }
      }),
    );
    if (unreachable) this.timers.set(CLAIMS_TIMER, this.clock() + PEER_RETRY_MS);
    else this.timers.clear(CLAIMS_TIMER);
    await this.timers.arm();
    return refusals;
  }

  /**
   * Decides one command with the core and commits what it decided (state, events and timers) in
   * one transaction; then sends the frames and starts the calls it asked for, and brings the
   * zone's index up to date.
   */
  private async apply(command: CourierCommand): Promise<Decision> {
    const decision = this.commit(command);
    if (decision.ok && zoneTarget(this.courier, this.clock()) !== null) await this.syncZone();
    await this.timers.arm();
    return decision;
  }

  /** The decision and its commit, and the effects that need no answer. */
  private commit(command: CourierCommand): Decision {
    const nowMs = this.clock();
    const decision = decide(this.courier, command, nowMs);
    if (!decision.ok) return decision;
    const state = decision.state;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "insert into state (id, state_json) values (1, ?) on conflict (id) do update set state_json = excluded.state_json",
        JSON.stringify(state),
      );
      this.outbox.record(state.driverId, decision.events, traceparentFrom(null), nowMs);
      const due = dueAtMs(state);
      if (due.offer === null) this.timers.clear(OFFER_TIMER);
      else this.timers.set(OFFER_TIMER, due.offer);
      if (state.claims.some((c) => c.result === "pending")) {
        this.timers.setNoLaterThan(CLAIMS_TIMER, nowMs + PEER_RETRY_MS);
      }
    });
    this.courier = state;
    for (const effect of decision.effects) {
      switch (effect.kind) {
        case "send":
          this.tell(effect.message);
          break;
        case "track":
          this.background(this.order(effect.orderId).track(state.driverId, effect.position), {
            orderId: effect.orderId,
          });
          break;
        case "answer_zone":
          this.background(
            this.zone(effect.zone).offerAnswered(effect.offerId, state.driverId, effect.answer),
            { zone: effect.zone },
          );
          break;
        case "claim":
          // Carried out by the caller (settleClaims), which feeds the answer back.
          break;
      }
    }
    return decision;
  }

  /**
   * Keeps the courier in exactly one zone while online, and in none otherwise. On a zone change
   * the old zone lets go first; only then does the new one take the courier, so the courier is
   * never in two, and a failure is retried, so never lost.
   */
  private syncZone(): Promise<void> {
    this.zoneSyncs = this.zoneSyncs.then(() => this.syncZoneNow());
    return this.zoneSyncs;
  }

  private async syncZoneNow(): Promise<void> {
    const nowMs = this.clock();
    const target = zoneTarget(this.courier, nowMs);
    const position = this.courier.position;
    let indexed = this.courier.indexed;
    try {
      if (target) {
        if (indexed.zone && indexed.zone !== target.zone) {
          const version = indexed.version + 1;
          await this.zone(indexed.zone).driverUpdate(this.courier.driverId, null, version);
          indexed = { zone: null, cell: null, busy: false, version, syncedAtMs: nowMs };
          this.commit({ type: "zone_synced", indexed });
        }
        if (target.zone && position) {
          const version = indexed.version + 1;
          await this.zone(target.zone).driverUpdate(
            this.courier.driverId,
            position,
            version,
            target.busy,
          );
          indexed = { ...target, version, syncedAtMs: nowMs };
          this.commit({ type: "zone_synced", indexed });
        }
      }
      const due = dueAtMs(this.courier).zone;
      if (due === null) this.timers.clear(ZONE_TIMER);
      else this.timers.set(ZONE_TIMER, due);
    } catch (error) {
      this.warn("zone sync failed; asking again", { error: describeError(error) });
      this.timers.set(ZONE_TIMER, nowMs + PEER_RETRY_MS);
    }
  }

  /** A call whose answer nobody waits for; a failure is logged, and the next one repairs it. */
  private background(call: Promise<unknown>, context: Record<string, unknown>): void {
    this.ctx.waitUntil(
      call.catch((error: unknown) =>
        this.warn("peer call failed", { ...context, error: describeError(error) }),
      ),
    );
  }

  private order(orderId: string) {
    return peer(this.env, "DriverActor", "OrderActor", orderId);
  }

  private zone(zone: string) {
    return peer(this.env, "DriverActor", "ZoneActor", zone);
  }

  private mayWatch(who: Principal): boolean {
    return who.role === "admin" || (who.role === "driver" && who.userId === this.courier.driverId);
  }

  private tell(message: DriverServerMessage): void {
    for (const connection of this.getConnections<Session>()) send(connection, message);
  }

  private warn(msg: string, fields: Record<string, unknown>): void {
    logLine("warn", msg, { driverId: this.courier.driverId, ...fields });
  }
}

/** A refused claim as the courier's core takes it: with the order's version, when it said. */
function refusedAt(error: Failure): { ok: false; version?: number } {
  const version = error.details?.version;
  return typeof version === "number" ? { ok: false, version } : { ok: false };
}
