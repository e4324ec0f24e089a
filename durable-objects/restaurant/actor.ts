import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { readConfig } from "../../runtime/config.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import type { Principal } from "../../schema/auth.ts";
import { fail, ok, type Result } from "../../schema/errors.ts";
import type { OrderCommand } from "../../schema/orders.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import {
  type KitchenState,
  RestaurantClientMessage,
  type RestaurantServerMessage,
  Ticket,
} from "../../schema/sockets.ts";
import { ActorOutbox, OUTBOX_TIMER } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION, OUTBOX_PARKING_MIGRATION } from "../outbox/store.ts";
import { peer } from "../peers.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import {
  admit,
  initialKitchen,
  isOpen,
  Kitchen,
  type KitchenChange,
  kitchenState,
  onTicketChanged,
  pause,
  resume,
  setBusy,
} from "./board.ts";

const PRUNE_TIMER = "prune";
/** Closed tickets stay on the board this long, so staff can see what just left and why. */
const CLOSED_TICKET_KEEP_MS = 6 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/** A placed ticket whose order never materialised (the customer gave up mid-placement). */
const ORPHAN_GRACE_MS = 60_000;
/** Staff tablets and admin screens on one kitchen. */
const SOCKETS_MAX = 32;

const migrations = [
  {
    id: 1,
    statements: [
      "create table kitchen (id integer primary key check (id = 1), state_json text not null)",
      "create table tickets (order_id text primary key, ticket_json text not null, status text not null, version integer not null, updated_at integer not null)",
      "create index tickets_status on tickets (status)",
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
  { id: 2, statements: OUTBOX_PARKING_MIGRATION },
];

type StaffState = { principal: Principal };

/**
 * One restaurant's kitchen: the live ticket board and the staff sockets watching it. Orders are
 * owned by their OrderActors; the board holds each ticket as of the latest version its order
 * sent, and staff commands are forwarded to the order, which decides.
 */
export class RestaurantActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private kitchen: Kitchen;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const config = readConfig(env);
    const restaurantId = ctx.id.name ?? ctx.id.toString();
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `restaurant:${restaurantId}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
      clock: () => this.clock(),
    });
    const row = ctx.storage.sql
      .exec<{ state_json: string }>("select state_json from kitchen")
      .toArray()[0];
    this.kitchen = row ? Kitchen.parse(JSON.parse(row.state_json)) : initialKitchen(restaurantId);
  }

  /**
   * Asked by an OrderActor before it takes an order: refuses when paused, otherwise puts the
   * ticket on the board, rings every staff tablet, and answers the prep estimate. Idempotent per
   * order.
   */
  async admit(ticket: Ticket, basePrepMinutes: number): Promise<Result<{ prepMinutes: number }>> {
    const existing = this.ticket(ticket.orderId);
    if (existing) return ok({ prepMinutes: existing.prepMinutes });
    const admission = admit(this.kitchen, basePrepMinutes);
    if (!admission.ok) return admission;
    const admitted: Ticket = { ...ticket, prepMinutes: admission.value.prepMinutes };
    this.storeTicket(admitted);
    this.timers.setNoLaterThan(PRUNE_TIMER, Date.parse(admitted.acceptBy) + ORPHAN_GRACE_MS);
    await this.timers.arm();
    this.broadcastToStaff({ type: "ticket.new", ticket: admitted });
    return admission;
  }

  /** An order's newer state. Stale or repeated versions change nothing. */
  async ticketChanged(next: Ticket): Promise<void> {
    const previous = this.ticket(next.orderId);
    if (previous && previous.version >= next.version) return;
    const config = readConfig(this.env);
    const nowMs = this.clock();
    const change = onTicketChanged(
      this.kitchen,
      previous,
      next,
      config.restaurantMissedTicketsMax,
      new Date(nowMs).toISOString(),
    );
    const merged: Ticket = {
      ...next,
      pickupEta: next.driverId && previous?.driverId === next.driverId ? previous.pickupEta : null,
    };
    this.ctx.storage.transactionSync(() => {
      this.storeTicket(merged);
      this.commit(change, nowMs);
    });
    await this.timers.arm();
    this.broadcastToStaff({ type: "ticket.updated", ticket: merged });
    if (change.why)
      this.broadcastToStaff({
        type: "kitchen",
        kitchen: kitchenState(this.kitchen),
        why: change.why,
      });
  }

  /** When the courier is expected at the counter: shown on the ticket, not a new version of it. */
  async driverEta(orderId: string, pickupEta: string): Promise<void> {
    const ticket = this.ticket(orderId);
    if (!ticket || !isOpen(ticket) || ticket.pickupEta === pickupEta) return;
    const next = { ...ticket, pickupEta };
    this.storeTicket(next);
    this.broadcastToStaff({ type: "ticket.updated", ticket: next });
  }

  /** The kitchen's state and open tickets, for whoever may see them. */
  async board(who: Principal): Promise<Result<{ kitchen: KitchenState; tickets: Ticket[] }>> {
    if (!this.isStaff(who)) return fail("restaurant.not_found", "no such restaurant");
    return ok({ kitchen: kitchenState(this.kitchen), tickets: this.tickets() });
  }

  /** Whether new orders are being taken, for the gateway's quote and menu pages. */
  async kitchenState(): Promise<KitchenState> {
    return kitchenState(this.kitchen);
  }

  /** Staff commands that only touch the kitchen (busy, pause, resume), over HTTP or socket. */
  async setKitchen(
    who: Principal,
    change: "busy" | "calm" | "pause" | "resume",
    extraPrepMinutes?: number,
  ): Promise<Result<KitchenState>> {
    if (!this.isStaff(who)) return fail("restaurant.not_found", "no such restaurant");
    const at = new Date(this.clock()).toISOString();
    const next =
      change === "busy"
        ? setBusy(this.kitchen, true, extraPrepMinutes, at)
        : change === "calm"
          ? setBusy(this.kitchen, false, undefined, at)
          : change === "pause"
            ? pause(this.kitchen, "staff", at)
            : resume(this.kitchen, at);
    const nowMs = this.clock();
    this.ctx.storage.transactionSync(() => this.commit(next, nowMs));
    await this.timers.arm();
    if (next.why)
      this.broadcastToStaff({
        type: "kitchen",
        kitchen: kitchenState(this.kitchen),
        why: next.why,
      });
    return ok(kitchenState(this.kitchen));
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

  override async onAlarm(): Promise<void> {
    for (const name of this.timers.takeDue(this.clock())) {
      if (name === OUTBOX_TIMER) await this.outbox.flush();
      else if (name === PRUNE_TIMER) this.prune(this.clock());
    }
    await this.timers.arm();
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const who = principalOf(ctx.request);
    if (!who || !this.isStaff(who)) {
      connection.close(4404, "not found");
      return;
    }
    if ([...this.getConnections()].length > SOCKETS_MAX) {
      connection.close(4429, "too many sockets on this kitchen");
      return;
    }
    connection.setState({ principal: who } satisfies StaffState);
    send<RestaurantServerMessage>(connection, {
      type: "board",
      kitchen: kitchenState(this.kitchen),
      tickets: this.tickets(),
    });
  }

  override async onMessage(connection: Connection<StaffState>, raw: WSMessage): Promise<void> {
    const who = connection.state?.principal;
    if (!who) return;
    const parsed = parseFrame(raw, RestaurantClientMessage);
    if (!parsed.ok) {
      send<RestaurantServerMessage>(connection, { type: "error", error: parsed.error });
      return;
    }
    const message = parsed.value;
    if (message.type === "ping") {
      send<RestaurantServerMessage>(connection, { type: "pong" });
      return;
    }
    const result = await this.staffCommand(who, message);
    send<RestaurantServerMessage>(connection, {
      type: "result",
      commandId: message.commandId,
      ok: result.ok,
      ...(result.ok ? {} : { error: result.error }),
    });
  }

  /** A staff command, from a tablet's socket or from the HTTP API: one path for both. */
  private async staffCommand(
    who: Principal,
    message: Exclude<RestaurantClientMessage, { type: "ping" }>,
  ): Promise<Result<unknown>> {
    if (!this.isStaff(who)) return fail("restaurant.not_found", "no such restaurant");
    switch (message.type) {
      case "accept":
        return this.forward(
          who,
          message.orderId,
          { type: "accept", prepMinutes: message.prepMinutes },
          message.commandId,
        );
      case "reject":
        return this.forward(
          who,
          message.orderId,
          { type: "reject", reason: message.reason },
          message.commandId,
        );
      case "mark_ready":
        return this.forward(who, message.orderId, { type: "mark_ready" }, message.commandId);
      case "set_busy":
        return this.setKitchen(who, message.busy ? "busy" : "calm", message.extraPrepMinutes);
      case "pause":
        return this.setKitchen(who, "pause");
      case "resume":
        return this.setKitchen(who, "resume");
    }
  }

  /**
   * Sends a staff command to the order that owns the ticket, once: the order decides (accepting
   * starts preparing in the same step), and its own push brings the board up to date.
   */
  private async forward(
    who: Principal,
    orderId: string,
    command: OrderCommand,
    commandId: string,
  ): Promise<Result<unknown>> {
    if (!this.ticket(orderId)) return fail("ticket.not_found", "no such ticket on this board");
    const result = await peer(this.env, "RestaurantActor", "OrderActor", orderId).command(
      who,
      command,
      commandId,
      traceparentFrom(null),
    );
    if (!result.ok) {
      if (result.error.code === "order.not_found") this.dropTicket(orderId);
      return result;
    }
    return ok(null);
  }

  private commit(change: KitchenChange, nowMs: number): void {
    if (change.kitchen === this.kitchen) return;
    this.ctx.storage.sql.exec(
      "insert into kitchen (id, state_json) values (1, ?) on conflict (id) do update set state_json = excluded.state_json",
      JSON.stringify(change.kitchen),
    );
    this.outbox.record(this.kitchen.restaurantId, change.events, traceparentFrom(null), nowMs);
    this.kitchen = change.kitchen;
  }

  private isStaff(who: Principal): boolean {
    return (
      who.role === "admin" ||
      (who.role === "restaurant" && who.restaurantId === this.kitchen.restaurantId)
    );
  }

  private ticket(orderId: string): Ticket | undefined {
    const row = this.ctx.storage.sql
      .exec<{ ticket_json: string }>("select ticket_json from tickets where order_id = ?", orderId)
      .toArray()[0];
    return row ? Ticket.parse(JSON.parse(row.ticket_json)) : undefined;
  }

  private tickets(): Ticket[] {
    return this.ctx.storage.sql
      .exec<{ ticket_json: string }>("select ticket_json from tickets order by updated_at")
      .toArray()
      .map((row) => Ticket.parse(JSON.parse(row.ticket_json)));
  }

  private storeTicket(ticket: Ticket): void {
    this.ctx.storage.sql.exec(
      `insert into tickets (order_id, ticket_json, status, version, updated_at) values (?, ?, ?, ?, ?)
       on conflict (order_id) do update set ticket_json = excluded.ticket_json, status = excluded.status,
         version = excluded.version, updated_at = excluded.updated_at`,
      ticket.orderId,
      JSON.stringify(ticket),
      ticket.status,
      ticket.version,
      this.clock(),
    );
  }

  private dropTicket(orderId: string): void {
    this.ctx.storage.sql.exec("delete from tickets where order_id = ?", orderId);
  }

  /**
   * Forgets tickets closed long ago, and placed tickets whose order never answered for them (an
   * admission whose order was never stored), so the board holds what the kitchen still needs.
   */
  private prune(nowMs: number): void {
    for (const ticket of this.tickets()) {
      const closedLongAgo =
        !isOpen(ticket) && Date.parse(ticket.placedAt) < nowMs - CLOSED_TICKET_KEEP_MS;
      const orphaned =
        ticket.status === "placed" &&
        ticket.version === 1 &&
        Date.parse(ticket.acceptBy) + ORPHAN_GRACE_MS < nowMs;
      if (closedLongAgo || orphaned) this.dropTicket(ticket.orderId);
    }
    if (this.tickets().length > 0) this.timers.set(PRUNE_TIMER, nowMs + PRUNE_EVERY_MS);
  }

  private broadcastToStaff(message: RestaurantServerMessage): void {
    for (const connection of this.getConnections<StaffState>()) send(connection, message);
  }
}
