import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { holdStep, moneyStepFor, pointsReversalStep } from "../../ledger/order-money.ts";
import { readConfig } from "../../runtime/config.ts";
import { openDb } from "../../runtime/db.ts";
import { logLine } from "../../runtime/log.ts";
import { describeError } from "../../runtime/redact.ts";
import { traceparentFrom } from "../../runtime/trace.ts";
import type { Principal } from "../../schema/auth.ts";
import { type Failure, fail, ok, type Result } from "../../schema/errors.ts";
import type { Position } from "../../schema/geo.ts";
import {
  type Actor,
  type DeliveryAddress,
  Order,
  type OrderCommand,
  type OrderRestaurant,
  type OrderView,
  type PricedLine,
  type Pricing,
  Tracking,
} from "../../schema/orders.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import { OrderClientMessage, type OrderServerMessage } from "../../schema/sockets.ts";
import { COMMANDS_MIGRATION, CommandMemory } from "../command-memory.ts";
import { ActorOutbox, OUTBOX_TIMER } from "../outbox/outbox.ts";
import { OUTBOX_MIGRATION, OUTBOX_PARKING_MIGRATION } from "../outbox/store.ts";
import { peer } from "../peers.ts";
import { ticketOf } from "../restaurant/board.ts";
import { parseFrame, principalOf, send } from "../sockets.ts";
import { applyMigrations } from "../sql-migrations.ts";
import { TIMERS_MIGRATION, Timers } from "../timers.ts";
import {
  atRestaurant,
  isTracked,
  KITCHEN_ETA_MS,
  TRACKING_BROADCAST_MS,
  trackingAfter,
} from "./courier-rules.ts";
import { DeliveryCode } from "./delivery-code.ts";
import { canView, claimOf, claimRefusal, decide, place } from "./machine.ts";
import { OrderPeers, PEERS_MIGRATION } from "./peers.ts";
import { OrderSaga, SAGA_MIGRATION, SAGA_TIMER } from "./saga.ts";

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
  /** The minutes to the door the checkout quote promised; the order keeps the promise. */
  quotedMinutes?: number | null;
  traceparent: string;
};

/** A courier's step on the order, sent by their DriverActor with where the courier is. */
export type DriverStep =
  | { type: "driver_arrived_at_restaurant" | "pick_up" | "driver_arrived_at_dropoff" }
  | { type: "deliver"; code: string };

const ACCEPT_TIMER = "accept_timeout";
const PEERS_TIMER = "peers";
const TRACKING_TIMER = "tracking";

/** How long to wait before retrying a peer that did not take an update. */
const PEER_RETRY_MS = 2_000;
/** Sockets watching one order: the customer's devices, staff tablets, a driver, a few admins. */
const SOCKETS_MAX = 64;

const migrations = [
  {
    id: 1,
    statements: [
      "create table state (id integer primary key check (id = 1), order_json text not null, request_hash text not null, code_hash text not null, code_attempts integer not null default 0)",
      COMMANDS_MIGRATION,
      PEERS_MIGRATION,
      "create table tracking (id integer primary key check (id = 1), tracking_json text not null)",
      TIMERS_MIGRATION,
      ...OUTBOX_MIGRATION,
    ],
  },
  { id: 2, statements: SAGA_MIGRATION },
  { id: 3, statements: OUTBOX_PARKING_MIGRATION },
];

/**
 * One order, from placement to delivery. It owns the order's state, decides every change through
 * the pure machine, writes the change and its events in one transaction, and tells everyone
 * concerned by one push each, after answering: its sockets, its restaurant's board, its zone's
 * dispatcher, its courier's app. Alarms enforce its deadlines, retry its peers and flush its
 * outbox.
 */
export class OrderActor extends Server<Env> {
  static override options = { hibernate: true };

  /** The actor's only clock: tests replace it to move time instead of waiting. */
  clock: () => number = () => Date.now();

  private readonly timers: Timers;
  private readonly outbox: ActorOutbox;
  private readonly saga: OrderSaga;
  private readonly answers: CommandMemory<Order>;
  private readonly peers: OrderPeers;
  private order: Order | null = null;
  private requestHash = "";
  /** The placement in flight, settled either way; see `place`. */
  private placing: Promise<void> | null = null;
  private tracking: Tracking | null = null;
  private trackingSentAtMs = 0;
  private kitchenEtaSentAtMs = 0;
  private readonly code: DeliveryCode;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyMigrations(ctx.storage, migrations);
    this.timers = new Timers(ctx.storage);
    const config = readConfig(env);
    this.outbox = new ActorOutbox(ctx.storage.sql, this.timers, {
      source: `order:${ctx.id.name ?? ctx.id.toString()}`,
      bridgeUrl: config.bridgeUrl,
      secret: config.outboxSecret,
      clock: () => this.clock(),
    });
    this.saga = new OrderSaga(ctx.storage.sql, this.timers, () =>
      openDb({ databaseUrl: config.databaseUrl, wsProxy: config.dbWsProxy }),
    );
    this.answers = new CommandMemory(ctx.storage.sql, Order);
    this.code = new DeliveryCode(
      ctx.storage.sql,
      config.jwtSecret,
      ctx.id.name ?? ctx.id.toString(),
    );
    this.peers = new OrderPeers(ctx.storage.sql, env, (msg, fields) => this.warn(msg, fields));
    const row = ctx.storage.sql
      .exec<{ order_json: string; request_hash: string }>(
        "select order_json, request_hash from state",
      )
      .toArray()[0];
    if (row) {
      this.order = Order.parse(JSON.parse(row.order_json));
      this.requestHash = row.request_hash;
    }
    const tracked = ctx.storage.sql
      .exec<{ tracking_json: string }>("select tracking_json from tracking")
      .toArray()[0];
    if (tracked) this.tracking = Tracking.parse(JSON.parse(tracked.tracking_json));
  }

  /**
   * Takes a new order. Idempotent: the same request again answers the order as it is now; the
   * same order id with a different request is a conflict. The money is held first (a wallet short
   * of the total refuses the order before the kitchen hears of it), then the restaurant is asked;
   * its refusal releases the hold, so a refused order leaves nothing behind.
   */
  async place(request: PlacementRequest): Promise<Result<{ order: Order; created: boolean }>> {
    // One placement at a time: a retry arriving while the first waits on the ledger or the
    // kitchen waits for it, then finds the order it made (one order, one hold, one answer).
    while (this.placing) await this.placing;
    const run = this.placeNow(request);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.placing = settled;
    try {
      return await run;
    } finally {
      if (this.placing === settled) this.placing = null;
    }
  }

  private async placeNow(
    request: PlacementRequest,
  ): Promise<Result<{ order: Order; created: boolean }>> {
    const prior = this.replayed(request.requestHash);
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
      quotedMinutes: request.quotedMinutes ?? null,
    };
    const money = {
      id: request.orderId,
      customerId: request.customer.id,
      pricing: request.pricing,
    };
    const hold = holdStep(money, this.saga.nextAttempt());
    this.ctx.storage.transactionSync(() => this.saga.intendHold(hold, money, nowMs));
    await this.timers.arm();
    const held = await this.saga.hold(hold, money, nowMs);
    await this.timers.arm();
    if (!held.ok) return held;

    const admission = await peer(this.env, "OrderActor", "RestaurantActor", request.restaurant.id)
      .admit(ticketOf(place(input, nowMs).order), request.basePrepMinutes)
      .catch(() => fail("unavailable", "the restaurant could not be reached; try again"));
    // Another placement of the same order may have finished while the restaurant was answering.
    const raced = this.replayed(request.requestHash);
    if (!admission.ok || raced) {
      await this.saga.abandonHold(hold, money, this.clock());
      await this.timers.arm();
      if (raced) return raced.ok ? ok({ order: raced.value, created: false }) : raced;
      return admission as Result<never>;
    }
    const codeHash = await this.code.hash();

    const { order, events } = place({ ...input, prepMinutes: admission.value.prepMinutes }, nowMs);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "insert into state (id, order_json, request_hash, code_hash) values (1, ?, ?, ?)",
        JSON.stringify(order),
        request.requestHash,
        codeHash,
      );
      // The admission above gave the restaurant this very version of the ticket.
      this.peers.markSynced("restaurant", order.version);
      this.outbox.record(order.id, events, request.traceparent, nowMs);
      this.timers.set(ACCEPT_TIMER, Date.parse(order.acceptBy));
      this.saga.mark(hold.name, "adopted");
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
    return this.replayed(requestHash);
  }

  private replayed(requestHash: string): Result<Order> | null {
    if (!this.order) return null;
    return this.requestHash === requestHash
      ? ok(this.order)
      : fail(
          "order.idempotency_conflict",
          "this idempotency key was already used for a different order",
        );
  }

  /** The order as `who` may see it; anyone without a right to it is told it does not exist. */
  async view(who: Principal): Promise<Result<OrderView>> {
    if (!this.order || !canView(this.order, who)) return notFound();
    return ok(await this.viewFor(this.order, who));
  }

  /**
   * Applies one command for `who`: a customer's, a kitchen's (from the gateway, or a tablet's
   * socket through the RestaurantActor) or an admin's. With a `commandId`, a repeat answers
   * exactly what the first call answered and changes nothing.
   */
  async command(
    who: Principal,
    command: OrderCommand,
    commandId: string | null,
    traceparent: string,
  ): Promise<Result<OrderView>> {
    const key = commandId ? `${who.userId}:${commandId}` : null;
    const seen = key ? this.answers.recall(key) : null;
    if (seen) return seen.ok ? ok(await this.viewFor(seen.value, who)) : seen;
    if (!this.order || !canView(this.order, who)) return notFound();
    // A refund takes back the points its order earned, as far as the account still holds them:
    // read before the decision, which cannot wait on the ledger.
    let pointsAvailable = 0;
    if (command.type === "refund") {
      const points = await this.saga.pointsAvailable(this.order.customerId);
      if (!points.ok) return points;
      pointsAvailable = points.value;
    }
    const result = this.apply(command, actorOf(who), traceparent, key, { pointsAvailable });
    if (!result.ok) return result;
    await this.afterChange(result.value);
    return ok(await this.viewFor(result.value, who));
  }

  /**
   * The compare-and-set at the heart of dispatch: the first courier to claim the order gets it;
   * any other is told it is taken. Asking again for the courier who has it answers yes again.
   * The answer is the claiming courier's update, so they get no push of the same version.
   */
  async assignDriver(
    driverId: string,
    offerId: string,
    by: Actor = { role: "system" },
  ): Promise<Result<Order>> {
    const order = this.order;
    if (!order) return notFound();
    const key = `offer:${offerId}:${driverId}`;
    const claim = claimOf(order, driverId, by, this.answers.recall(key) !== null);
    if (claim === "held") return ok(order);
    if (claim !== "assign") {
      // Answered once: a copy of this claim arriving later (a retry that crossed this answer)
      // must not win the order after the courier has been told it is taken.
      const refused = { ok: false as const, error: asOf(claim, order.version) };
      this.ctx.storage.transactionSync(() => this.answers.remember(key, refused, this.clock()));
      return refused;
    }
    const result = this.apply({ type: "assign_driver", driverId }, by, traceparentFrom(null), key, {
      answeredPeer: `driver:${driverId}`,
    });
    if (!result.ok) {
      return { ok: false, error: asOf(claimRefusal(result.error, by), this.order?.version ?? 0) };
    }
    await this.afterChange(result.value);
    return result;
  }

  /**
   * A courier's step, checked against the world: arriving and picking up only near the
   * restaurant, delivering only with the customer's code, which has a limited number of tries.
   */
  async driverStep(
    driverId: string,
    step: DriverStep,
    commandId: string,
    position: Position | null,
  ): Promise<Result<Order>> {
    const key = `${driverId}:${commandId}`;
    const seen = this.answers.recall(key);
    if (seen) return seen;
    const order = this.order;
    if (!order || order.driverId !== driverId) return notFound();
    if (step.type === "driver_arrived_at_restaurant" || step.type === "pick_up") {
      const near = atRestaurant(order, position ?? this.tracking?.position ?? null, this.clock());
      if (!near.ok) return near;
    }
    if (step.type === "deliver") {
      const check = await this.code.check(step.code);
      if (!check.ok) return check;
    }
    const command: OrderCommand =
      step.type === "deliver" ? { type: "deliver", driverId } : { type: step.type, driverId };
    const result = this.apply(
      command,
      { role: "driver", userId: driverId },
      traceparentFrom(null),
      key,
    );
    if (result.ok) await this.afterChange(result.value);
    return result;
  }

  /**
   * Where the assigned courier is. Customers see it at most once a second (the latest position
   * wins), with both ETAs recomputed; the kitchen sees the ETA to pickup.
   */
  async track(driverId: string, position: Position): Promise<void> {
    const order = this.order;
    if (!order) return;
    const nowMs = this.clock();
    const tracking = trackingAfter(order, this.tracking, driverId, position, nowMs);
    if (!tracking) return;
    this.tracking = tracking;
    this.ctx.storage.sql.exec(
      "insert into tracking (id, tracking_json) values (1, ?) on conflict (id) do update set tracking_json = excluded.tracking_json",
      JSON.stringify(tracking),
    );
    if (nowMs - this.trackingSentAtMs >= TRACKING_BROADCAST_MS) {
      this.sendTracking(nowMs);
    } else if (!this.timers.has(TRACKING_TIMER)) {
      this.timers.set(TRACKING_TIMER, this.trackingSentAtMs + TRACKING_BROADCAST_MS);
      await this.timers.arm();
    }
    if (tracking.pickupEta && nowMs - this.kitchenEtaSentAtMs >= KITCHEN_ETA_MS) {
      this.kitchenEtaSentAtMs = nowMs;
      this.background(
        peer(this.env, "OrderActor", "RestaurantActor", order.restaurant.id).driverEta(
          order.id,
          tracking.pickupEta,
        ),
        "restaurant",
      );
    }
  }

  /** The zone found no courier in time: the order is cancelled and its money released. */
  async giveUpDispatch(): Promise<Result<Order>> {
    const result = this.apply(
      { type: "give_up_dispatch" },
      { role: "system" },
      traceparentFrom(null),
      "dispatch:give-up",
    );
    if (result.ok) await this.afterChange(result.value);
    return result;
  }

  /** What other actors read: the order itself, without a principal check. */
  async snapshot(): Promise<Order | null> {
    return this.order;
  }

  /** Money steps the ledger refused for good: for operators and tests. */
  async refusedMoneySteps() {
    return this.saga.refused();
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
      if (name === ACCEPT_TIMER) await this.expire();
      else if (name === OUTBOX_TIMER) await this.outbox.flush();
      else if (name === PEERS_TIMER) await this.syncPeers();
      else if (name === TRACKING_TIMER) this.sendTracking(this.clock());
      else if (name === SAGA_TIMER) await this.saga.run(this.clock());
    }
    this.answers.forgetOlderThan(this.clock());
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
    send<OrderServerMessage>(connection, {
      type: "snapshot",
      order: await this.viewFor(this.order, who),
    });
  }

  override async onMessage(
    connection: Connection<{ principal: Principal }>,
    raw: WSMessage,
  ): Promise<void> {
    const message = parseFrame(raw, OrderClientMessage);
    if (!message.ok) {
      send<OrderServerMessage>(connection, { type: "error", error: message.error });
      return;
    }
    const who = connection.state?.principal;
    if (message.value.type === "ping") send<OrderServerMessage>(connection, { type: "pong" });
    else if (this.order && who)
      send<OrderServerMessage>(connection, {
        type: "snapshot",
        order: await this.viewFor(this.order, who),
      });
  }

  /** The restaurant did not answer before `acceptBy`: the order is cancelled. */
  private async expire(): Promise<void> {
    if (this.order?.status !== "placed") return;
    const result = this.apply({ type: "expire" }, { role: "system" }, traceparentFrom(null), null);
    if (result.ok) await this.afterChange(result.value);
  }

  /**
   * Decides and commits one change; the one write path for every command. `answeredPeer` is a
   * peer that learns the new version from this call's own answer (a courier's claim);
   * `pointsAvailable`, what a refund may take back of the points its order earned.
   */
  private apply(
    command: OrderCommand,
    by: Actor,
    traceparent: string,
    commandKey: string | null,
    { answeredPeer, pointsAvailable = 0 }: { answeredPeer?: string; pointsAvailable?: number } = {},
  ): Result<Order> {
    const current = this.order;
    if (!current) return notFound();
    const nowMs = this.clock();
    const decision = decide(current, command, by, nowMs);
    const result: Result<Order> = decision.ok ? ok(decision.order) : decision;
    this.ctx.storage.transactionSync(() => {
      if (decision.ok) {
        const next = decision.order;
        this.ctx.storage.sql.exec(
          "update state set order_json = ? where id = 1",
          JSON.stringify(next),
        );
        this.outbox.record(next.id, decision.events, traceparent, nowMs);
        const policy = readConfig(this.env).money;
        const step = moneyStepFor(current, next, command, this.saga.adoptedAttempt(), policy);
        if (step) this.saga.enqueue(step, next, nowMs);
        if (step && command.type === "refund") {
          const points = pointsReversalStep(next, command.refundId, policy, pointsAvailable);
          if (points) this.saga.enqueue(points, next, nowMs);
        }
        if (next.status !== "placed") this.timers.clear(ACCEPT_TIMER);
        if (answeredPeer) this.peers.markSynced(answeredPeer, next.version);
        // The peers hear of it right after the answer; this timer is the retry if they do not.
        this.timers.set(PEERS_TIMER, nowMs + PEER_RETRY_MS);
      }
      if (commandKey) this.answers.remember(commandKey, result, nowMs);
    });
    if (decision.ok) {
      this.order = decision.order;
      if (decision.order.driverId === null && this.tracking) this.clearTracking();
    }
    return result;
  }

  /**
   * After a committed change: the watchers hear of it and the money steps it queued run before
   * the caller has its answer; the peers (the restaurant's board, the zone, the courier) get one
   * push each just after, so a peer that sent the command is never called back inside it.
   */
  private async afterChange(order: Order): Promise<void> {
    const event = order.timeline.at(-1)?.type ?? "updated";
    for (const connection of this.getConnections<{ principal: Principal }>()) {
      const who = connection.state?.principal;
      if (!who || !canView(order, who)) {
        connection.close(4404, "not found");
        continue;
      }
      send<OrderServerMessage>(connection, {
        type: "updated",
        event,
        order: await this.viewFor(order, who),
      });
    }
    await this.saga.run(this.clock());
    await this.timers.arm();
    this.ctx.waitUntil(this.syncPeers());
  }

  /** Brings every peer up to the order's version, retrying later those that did not take it. */
  private async syncPeers(): Promise<void> {
    const order = this.order;
    if (!order) return;
    const failed = await this.peers.sync(order);
    if (this.order === order) {
      if (failed) this.timers.set(PEERS_TIMER, this.clock() + PEER_RETRY_MS);
      else this.timers.clear(PEERS_TIMER);
    }
    await this.timers.arm();
  }

  private sendTracking(nowMs: number): void {
    const order = this.order;
    const tracking = this.tracking;
    if (!order || !tracking) return;
    this.trackingSentAtMs = nowMs;
    for (const connection of this.getConnections<{ principal: Principal }>()) {
      const who = connection.state?.principal;
      if (who && canView(order, who))
        send<OrderServerMessage>(connection, { type: "tracking", tracking });
    }
  }

  private clearTracking(): void {
    this.tracking = null;
    this.ctx.storage.sql.exec("delete from tracking");
  }

  private async viewFor(order: Order, who: Principal): Promise<OrderView> {
    const isCustomer = who.role === "customer" && who.userId === order.customerId;
    return {
      ...order,
      tracking: isTracked(order) ? this.tracking : null,
      deliveryCode: isCustomer && order.status !== "delivered" ? await this.code.value() : null,
      payment:
        isCustomer || who.role === "admin"
          ? this.saga.paymentOf(order, readConfig(this.env).money)
          : null,
    };
  }

  /** A call whose answer nobody waits for; a failure is logged, and the next one repairs it. */
  private background(call: Promise<unknown>, peerKey: string): void {
    this.ctx.waitUntil(
      call.catch((error: unknown) =>
        this.warn("peer call failed", { peer: peerKey, error: describeError(error) }),
      ),
    );
  }

  private warn(msg: string, fields: Record<string, unknown>): void {
    logLine("warn", msg, { orderId: this.order?.id, ...fields });
  }
}

function actorOf(who: Principal): Actor {
  return { role: who.role, userId: who.userId };
}

function notFound() {
  return fail("order.not_found", "no such order");
}

/**
 * A refused claim names the order's version it was refused at: the courier then ignores older
 * news of the order (say, an assignment since undone), which may still be on its way.
 */
function asOf(error: Failure, version: number): Failure {
  return { ...error, details: { ...error.details, version } };
}
