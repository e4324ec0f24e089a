import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import type { Principal } from "../../schema/auth.ts";
import { fail, ok, type Result } from "../../schema/errors.ts";
import {
  type Actor,
  type DeliveryAddress,
  Order,
  type OrderCommand,
  type OrderRestaurant,
  type PricedLine,
  type Pricing,
} from "../../schema/orders.ts";
import { OrderClientMessage, type OrderServerMessage } from "../../schema/sockets.ts";
import { readConfig } from "../../workers/config.ts";
import { traceparentFrom } from "../../workers/trace.ts";
import { ActorOutbox, OUTBOX_TIMER } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION } from "../outbox/store.ts";
import { ticketOf } from "../restaurant/board.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import { canView, decide, place } from "./machine.ts";

/** What the gateway hands the actor once it has priced and checked a cart. */
export type PlacementRequest = {
  orderId: string;
  /** Hash of the customer's request body: the same key with a different cart is a conflict. */
  requestHash: string;
  customer: { id: string; name: string };
  restaurant: OrderRestaurant;
  basePrepMinutes: number;
  lines: PricedLine[];
  pricing: Pricing;
  deliveryAddress: DeliveryAddress;
  traceparent: string;
};

const ACCEPT_TIMER = "accept_timeout";
const RESTAURANT_SYNC_TIMER = "restaurant_sync";

/** How long to wait before retrying a peer that did not take an update. */
const PEER_RETRY_MS = 2_000;
/** Command answers kept for replays; a client retrying later than this gets a fresh decision. */
const COMMAND_MEMORY_MS = 24 * 3_600_000;
/** Sockets watching one order: the customer's devices, staff tablets, a driver, a few admins. */
const SOCKETS_MAX = 64;

const migrations = [
  {
    id: 1,
    statements: [
      "create table state (id integer primary key check (id = 1), order_json text not null, request_hash text not null, restaurant_synced_version integer not null default 0)",
      "create table commands (key text primary key, result_json text not null, at integer not null)",
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
];

/**
 * One order, from placement to delivery. It owns the order's state, decides every change through
 * the pure machine, writes the change and its events in one transaction, and tells everyone
 * watching. Alarms enforce its deadlines and flush its outbox.
 */
export class OrderActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private order: Order | null = null;
  private requestHash = "";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `order:${ctx.id.name ?? ctx.id.toString()}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
    });
    const row = ctx.storage.sql
      .exec<{ order_json: string; request_hash: string }>(
        "select order_json, request_hash from state",
      )
      .toArray()[0];
    if (row) {
      this.order = Order.parse(JSON.parse(row.order_json));
      this.requestHash = row.request_hash;
    }
  }

  /**
   * Takes a new order. Idempotent: the same request again answers the order as it is now; the
   * same order id with a different request is a conflict. The restaurant is asked first, so a
   * refusal (paused) leaves nothing behind.
   */
  async place(request: PlacementRequest): Promise<Result<{ order: Order; created: boolean }>> {
    const prior = await this.replay(request.requestHash);
    if (prior) return prior.ok ? ok({ order: prior.value, created: false }) : prior;
    const nowMs = this.clock();
    const input = {
      id: request.orderId,
      customer: request.customer,
      restaurant: request.restaurant,
      lines: request.lines,
      pricing: request.pricing,
      deliveryAddress: request.deliveryAddress,
      prepMinutes: request.basePrepMinutes,
      acceptTimeoutMs: readConfig(this.env).orderAcceptTimeoutMs,
    };
    const restaurant = this.env.RestaurantActor.getByName(request.restaurant.id);
    const admission = await restaurant.admit(
      ticketOf(place(input, nowMs).order),
      request.basePrepMinutes,
    );
    if (!admission.ok) return admission;
    // Another placement of the same order may have finished while the restaurant was answering.
    const raced = await this.replay(request.requestHash);
    if (raced) return raced.ok ? ok({ order: raced.value, created: false }) : raced;

    const { order, events } = place({ ...input, prepMinutes: admission.value.prepMinutes }, nowMs);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "insert into state (id, order_json, request_hash, restaurant_synced_version) values (1, ?, ?, ?)",
        JSON.stringify(order),
        request.requestHash,
        // The admission above gave the restaurant this very version of the ticket.
        order.version,
      );
      this.outbox.record(order.id, events, request.traceparent, nowMs);
      this.timers.set(ACCEPT_TIMER, Date.parse(order.acceptBy));
    });
    this.order = order;
    this.requestHash = request.requestHash;
    await this.timers.arm();
    return ok({ order, created: true });
  }

  /**
   * A placement seen before: the order when the same request made it, a conflict when another
   * request did, null when this order does not exist yet.
   */
  async replay(requestHash: string): Promise<Result<Order> | null> {
    if (!this.order) return null;
    return this.requestHash === requestHash
      ? ok(this.order)
      : fail(
          "order.idempotency_conflict",
          "this idempotency key was already used for a different order",
        );
  }

  /** The order as `who` may see it; anyone without a right to it is told it does not exist. */
  async view(who: Principal): Promise<Result<Order>> {
    if (!this.order || !canView(this.order, who)) return notFound();
    return ok(this.order);
  }

  /**
   * Applies one command for `who`. With a `commandId`, a repeat answers exactly what the first
   * call answered and changes nothing.
   */
  async command(
    who: Principal,
    command: OrderCommand,
    commandId: string | null,
    traceparent: string,
  ): Promise<Result<Order>> {
    const key = commandId ? `${who.userId}:${commandId}` : null;
    if (key) {
      const seen = this.ctx.storage.sql
        .exec<{ result_json: string }>("select result_json from commands where key = ?", key)
        .toArray()[0];
      if (seen) return JSON.parse(seen.result_json) as Result<Order>;
    }
    if (!this.order || !canView(this.order, who)) return notFound();
    const result = this.apply(command, actorOf(who), traceparent, key);
    if (result.ok) await this.afterChange(result.value);
    return result;
  }

  /** For the driver and dispatch issue: the facts a peer needs without a principal check. */
  async snapshot(): Promise<Order | null> {
    return this.order;
  }

  /** What is still waiting to reach the bridge: for operators and tests. */
  async pendingEvents(): Promise<
    Array<{ eventId: string; type: string; attempts: number; lastError: string | null }>
  > {
    return this.outbox.store.list(1_000);
  }

  override async onAlarm(): Promise<void> {
    for (const name of this.timers.takeDue(this.clock())) {
      if (name === ACCEPT_TIMER) await this.expire();
      else if (name === OUTBOX_TIMER) await this.outbox.flush(this.clock);
      else if (name === RESTAURANT_SYNC_TIMER) await this.syncRestaurant();
    }
    this.pruneCommands(this.clock());
    await this.timers.arm();
  }

  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const who = principalOf(ctx.request);
    if (!who || !this.order || !canView(this.order, who)) {
      connection.close(4404, "not found");
      return;
    }
    if ([...this.getConnections()].length > SOCKETS_MAX) {
      connection.close(4429, "too many sockets on this order");
      return;
    }
    connection.setState({ principal: who });
    send<OrderServerMessage>(connection, { type: "snapshot", order: this.order });
  }

  override async onMessage(connection: Connection, raw: WSMessage): Promise<void> {
    const message = parseFrame(raw, OrderClientMessage);
    if (!message.ok) {
      send<OrderServerMessage>(connection, { type: "error", error: message.error });
      return;
    }
    if (message.value.type === "ping") send<OrderServerMessage>(connection, { type: "pong" });
    else if (this.order)
      send<OrderServerMessage>(connection, { type: "snapshot", order: this.order });
  }

  /** The restaurant did not answer before `acceptBy`: the order is cancelled. */
  private async expire(): Promise<void> {
    if (this.order?.status !== "placed") return;
    const result = this.apply({ type: "expire" }, { role: "system" }, traceparentFrom(null), null);
    if (result.ok) await this.afterChange(result.value, false);
  }

  /** Decides and commits one change; the one write path for every command. */
  private apply(
    command: OrderCommand,
    by: Actor,
    traceparent: string,
    commandKey: string | null,
  ): Result<Order> {
    const current = this.order;
    if (!current) return notFound();
    const nowMs = this.clock();
    const decision = decide(current, command, by, nowMs);
    const result: Result<Order> = decision.ok ? ok(decision.order) : decision;
    this.ctx.storage.transactionSync(() => {
      if (decision.ok) {
        this.ctx.storage.sql.exec(
          "update state set order_json = ? where id = 1",
          JSON.stringify(decision.order),
        );
        this.outbox.record(decision.order.id, decision.events, traceparent, nowMs);
        if (decision.order.status !== "placed") this.timers.clear(ACCEPT_TIMER);
        this.timers.set(RESTAURANT_SYNC_TIMER, nowMs);
      }
      if (commandKey) {
        this.ctx.storage.sql.exec(
          "insert or replace into commands (key, result_json, at) values (?, ?, ?)",
          commandKey,
          JSON.stringify(result),
          nowMs,
        );
      }
    });
    if (decision.ok) this.order = decision.order;
    return result;
  }

  /** After a committed change: tell the watchers, then the restaurant, then re-arm. */
  private async afterChange(order: Order, arm = true): Promise<void> {
    const event = order.timeline.at(-1)?.type ?? "updated";
    for (const connection of this.getConnections<{ principal: Principal }>()) {
      const who = connection.state?.principal;
      if (!who || !canView(order, who)) {
        connection.close(4404, "not found");
        continue;
      }
      send<OrderServerMessage>(connection, { type: "updated", event, order });
    }
    await this.syncRestaurant();
    if (arm) await this.timers.arm();
  }

  /**
   * Brings the restaurant's ticket up to the order's version. Latest state wins, so a missed
   * update is repaired by the next one or by the retry timer; the restaurant ignores stale ones.
   */
  private async syncRestaurant(): Promise<void> {
    const order = this.order;
    if (!order) return;
    const synced = this.ctx.storage.sql
      .exec<{ v: number }>("select restaurant_synced_version as v from state")
      .one().v;
    if (synced >= order.version) {
      this.timers.clear(RESTAURANT_SYNC_TIMER);
      return;
    }
    try {
      await this.env.RestaurantActor.getByName(order.restaurant.id).ticketChanged(ticketOf(order));
      this.ctx.storage.sql.exec(
        "update state set restaurant_synced_version = max(restaurant_synced_version, ?) where id = 1",
        order.version,
      );
      this.timers.clear(RESTAURANT_SYNC_TIMER);
    } catch (error) {
      console.warn(
        JSON.stringify({ msg: "restaurant sync failed", orderId: order.id, error: String(error) }),
      );
      this.timers.set(RESTAURANT_SYNC_TIMER, this.clock() + PEER_RETRY_MS);
    }
  }

  private pruneCommands(nowMs: number): void {
    this.ctx.storage.sql.exec("delete from commands where at < ?", nowMs - COMMAND_MEMORY_MS);
  }
}

function actorOf(who: Principal): Actor {
  return { role: who.role, userId: who.userId };
}

function notFound() {
  return fail("order.not_found", "no such order");
}
