import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../schema/auth.ts";
import { orderHistory } from "../../schema/db/index.ts";
import { type EventEnvelope, OrderEventData } from "../../schema/events.ts";
import type { OrderServerMessage, RestaurantServerMessage } from "../../schema/sockets.ts";
import { ids, placement, principals } from "../../test/builders.ts";
import { database, fund, pinClock } from "../../test/edge-fixtures.ts";
import { pelt } from "../../test/fuzz.ts";
import { TEST_SECRETS } from "../../test/setup/edge.ts";
import { SocketInbox } from "../../test/socket-inbox.ts";
import { PRINCIPAL_HEADER } from "../sockets.ts";
import { deliveryCodeFor } from "./delivery-code.ts";

// Every order here is the builders' customer's: their wallet holds enough for all of them.
beforeAll(() => fund(ids.customer, 100_000_000));

/**
 * Each test pins the actor's clock an hour ahead of the wall clock, so timers never fire on their
 * own: the test moves the clock and runs the alarm itself.
 */
const T = Date.now() + 3_600_000;
const TIMEOUT_MS = 120_000; // ORDER_ACCEPT_TIMEOUT_MS in the test configuration

async function placed(partial: Parameters<typeof placement>[0] = {}) {
  const request = placement(partial);
  const stub = env.OrderActor.getByName(request.orderId);
  await pinClock(stub, T);
  const result = await stub.place(request);
  if (!result.ok) throw new Error(result.error.code);
  return { stub, request, order: result.value.order };
}

const staffOf = (restaurantId: string): Principal => ({ ...principals.staff, restaurantId });

/** The events an actor has recorded and not yet handed to the bridge, data included. */
async function outboxOf(stub: DurableObjectStub): Promise<EventEnvelope[]> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ envelope: string }>("select envelope from outbox order by pos")
      .toArray()
      .map((row) => JSON.parse(row.envelope) as EventEnvelope),
  );
}

async function openSocket<M>(
  stub: DurableObjectStub,
  who: Principal,
): Promise<{ socket: WebSocket; inbox: SocketInbox<M> }> {
  const response = await stub.fetch("http://actor/", {
    headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(who) },
  });
  const socket = response.webSocket;
  if (!socket) throw new Error(`no socket: ${response.status}`);
  socket.accept();
  return { socket, inbox: new SocketInbox<M>(socket) };
}

describe("OrderActor", () => {
  it("takes an order once: the same request again answers the same order", async () => {
    const { stub, request, order } = await placed();
    const again = await stub.place(request);
    expect(again.ok && again.value).toEqual({ order, created: false });
    const conflict = await stub.place({ ...request, requestHash: "another" });
    expect(!conflict.ok && conflict.error.code).toBe("order.idempotency_conflict");
  });

  it("answers a repeated command id with its first answer and changes nothing", async () => {
    const { stub, request } = await placed();
    const staff = staffOf(request.restaurant.id);
    const first = await stub.command(
      staff,
      { type: "accept", prepMinutes: 9 },
      "cmd-1",
      request.traceparent,
    );
    const second = await stub.command(
      staff,
      { type: "accept", prepMinutes: 9 },
      "cmd-1",
      request.traceparent,
    );
    expect(second).toEqual(first);
    const view = await stub.view(principals.customer);
    expect(view.ok && view.value.version).toBe(2);
  });

  it("keeps its state and its outbox across a restart", async () => {
    const { stub, order } = await placed();
    const pending = (await stub.outboxReport()).events;
    expect(pending.map((e) => e.type)).toEqual(["OrderPlaced"]);
    await evictDurableObject(stub);
    const view = await stub.view(principals.customer);
    expect(view.ok && view.value).toMatchObject(order);
    expect((await stub.outboxReport()).events).toEqual(pending);
  });

  it("keeps the checkout promise on the order and sends it on in OrderPlaced", async () => {
    const { stub, order } = await placed({ quotedMinutes: 34 });
    // Counted from the moment of placing, on the actor's own clock.
    expect(order.placedAt).toBe(new Date(T).toISOString());
    expect(order.promisedBy).toBe(new Date(T + 34 * 60_000).toISOString());
    const [event] = await outboxOf(stub);
    const parsed = OrderEventData.parse({ type: event?.type, data: event?.data });
    expect(parsed).toMatchObject({
      type: "OrderPlaced",
      data: { promisedBy: order.promisedBy, quotedMinutes: 34 },
    });

    const unquoted = await placed();
    expect(unquoted.order.promisedBy).toBeNull();
    const [plain] = await outboxOf(unquoted.stub);
    expect(plain?.data).toMatchObject({ promisedBy: null, quotedMinutes: null });
  });

  it("keeps the courier's newest position when an older one arrives late", async () => {
    const { stub, request } = await placed();
    const staff = staffOf(request.restaurant.id);
    await stub.command(staff, { type: "accept", prepMinutes: 5 }, null, request.traceparent);
    expect((await stub.assignDriver(ids.driver, crypto.randomUUID())).ok).toBe(true);
    const { lat, lng } = request.restaurant.location;
    const newer = { lat: lat + 0.002, lng, at: new Date(T - 1_000).toISOString() };
    const older = { lat: lat + 0.004, lng, at: new Date(T - 3_000).toISOString() };

    await stub.track(ids.driver, newer);
    await stub.track(ids.driver, older);

    const view = await stub.view(principals.customer);
    expect(view.ok && view.value.tracking?.position).toEqual(newer);
  });

  it("answers a claim once: a late copy of a refused claim does not win the order when it comes free", async () => {
    // Found by the dispatch simulation (seed 33605): the copy won after the courier was told
    // "taken" and had taken another offer.
    const { stub, request } = await placed();
    const staff = staffOf(request.restaurant.id);
    await stub.command(staff, { type: "accept", prepMinutes: 5 }, null, request.traceparent);
    expect((await stub.assignDriver(ids.otherDriver, crypto.randomUUID())).ok).toBe(true);
    const offerId = crypto.randomUUID();
    const refused = await stub.assignDriver(ids.driver, offerId);
    expect(!refused.ok && refused.error.code).toBe("offer.taken");
    expect(!refused.ok && refused.error.details?.version).toBeGreaterThan(0);
    const freed = await stub.command(
      principals.admin,
      { type: "unassign_driver", driverId: ids.otherDriver },
      null,
      request.traceparent,
    );
    expect(freed.ok).toBe(true);
    const copy = await stub.assignDriver(ids.driver, offerId);
    expect(!copy.ok && copy.error.code).toBe("offer.taken");
    // A new claim (a new offer) may win it.
    expect((await stub.assignDriver(ids.driver, crypto.randomUUID())).ok).toBe(true);
  });

  it("cancels the order when the restaurant does not answer in time", async () => {
    const { stub, request } = await placed();
    await pinClock(stub, T + TIMEOUT_MS - 1);
    await runDurableObjectAlarm(stub);
    const before = await stub.view(principals.customer);
    expect(before.ok && before.value.status).toBe("placed");

    await pinClock(stub, T + TIMEOUT_MS);
    await runDurableObjectAlarm(stub);
    const after = await stub.view(principals.customer);
    expect(after.ok && [after.value.status, after.value.cancelReason]).toEqual([
      "cancelled",
      "restaurant_timeout",
    ]);
    const board = await env.RestaurantActor.getByName(request.restaurant.id).board(
      staffOf(request.restaurant.id),
    );
    expect(board.ok && board.value.tickets.map((t) => [t.status, t.cancelReason])).toEqual([
      ["cancelled", "restaurant_timeout"],
    ]);
  });

  it("pauses a restaurant that lets three tickets in a row go unanswered, and tells its staff why", async () => {
    const restaurant = { ...placement().restaurant, id: crypto.randomUUID() };
    const kitchen = env.RestaurantActor.getByName(restaurant.id);
    const { inbox } = await openSocket<RestaurantServerMessage>(kitchen, staffOf(restaurant.id));
    await inbox.next((m) => m.type === "board");
    for (let i = 0; i < 3; i++) {
      const { stub } = await placed({ restaurant });
      await pinClock(stub, T + TIMEOUT_MS);
      await runDurableObjectAlarm(stub);
    }
    const paused = await inbox.next<Extract<RestaurantServerMessage, { type: "kitchen" }>>(
      (m) => m.type === "kitchen" && m.kitchen.paused,
    );
    expect(paused.kitchen.pauseReason).toBe("missed_tickets");
    expect(paused.why).toMatch(/3 orders in a row went unanswered/);

    const refused = await env.OrderActor.getByName(crypto.randomUUID()).place(
      placement({ restaurant }),
    );
    expect(!refused.ok && refused.error.code).toBe("order.restaurant_paused");

    const resumed = await kitchen.setKitchen(staffOf(restaurant.id), "resume");
    expect(resumed.ok && resumed.value.paused).toBe(false);
    expect((await placed({ restaurant })).order.status).toBe("placed");
  });

  it("raises the prep estimate of new orders in busy mode", async () => {
    const restaurant = { ...placement().restaurant, id: crypto.randomUUID() };
    await env.RestaurantActor.getByName(restaurant.id).setKitchen(
      staffOf(restaurant.id),
      "busy",
      20,
    );
    const { order } = await placed({ restaurant, basePrepMinutes: 15 });
    expect(order.prepMinutes).toBe(35);
  });

  it("sends a snapshot on connect, every change after, and a snapshot again on reconnect", async () => {
    const { stub, request, order } = await placed();
    const first = await openSocket<OrderServerMessage>(stub, principals.customer);
    const snapshot = await first.inbox.next<Extract<OrderServerMessage, { type: "snapshot" }>>(
      (m) => m.type === "snapshot",
    );
    expect(snapshot.order).toMatchObject(order);

    await stub.command(
      staffOf(request.restaurant.id),
      { type: "accept", prepMinutes: 12 },
      null,
      request.traceparent,
    );
    const update = await first.inbox.next<Extract<OrderServerMessage, { type: "updated" }>>(
      (m) => m.type === "updated",
    );
    expect([update.event, update.order.status, update.order.version]).toEqual([
      "OrderAccepted",
      "preparing",
      2,
    ]);
    first.socket.close();

    await stub.command(
      staffOf(request.restaurant.id),
      { type: "mark_ready" },
      null,
      request.traceparent,
    );
    const second = await openSocket<OrderServerMessage>(stub, principals.customer);
    const resynced = await second.inbox.next<Extract<OrderServerMessage, { type: "snapshot" }>>(
      (m) => m.type === "snapshot",
    );
    expect([resynced.order.status, resynced.order.version]).toEqual(["ready", 3]);
  });

  it("closes a socket for anyone who may not see the order", async () => {
    const { stub } = await placed();
    const response = await stub.fetch("http://actor/", {
      headers: {
        upgrade: "websocket",
        [PRINCIPAL_HEADER]: JSON.stringify(principals.otherCustomer),
      },
    });
    const socket = response.webSocket!;
    const closed = new Promise<number>((resolve) =>
      socket.addEventListener("close", (e) => resolve(e.code)),
    );
    socket.accept();
    expect(await closed).toBe(4404);
  });

  it("survives random socket frames without crashing or changing the order", async () => {
    const { stub, order } = await placed();
    const { socket, inbox } = await openSocket<OrderServerMessage>(stub, principals.customer);
    await inbox.next((m) => m.type === "snapshot");
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json(),
      fc
        .record({
          type: fc.constantFrom("ping", "resync", "accept", "cancel", "__proto__"),
          extra: fc.anything(),
        })
        .map((m) => JSON.stringify(m)),
      fc.string({ minLength: 17_000, maxLength: 17_100 }),
    );
    await pelt(socket, inbox, frame);
    const view = await stub.view(principals.customer);
    expect(view.ok && view.value).toMatchObject(order);
    expect(inbox.ofType("error").length).toBeGreaterThan(0);
  });

  it("delivers its events to the bridge and forgets them once confirmed", async () => {
    const { stub, request } = await placed();
    await stub.command(
      staffOf(request.restaurant.id),
      { type: "accept", prepMinutes: 5 },
      null,
      request.traceparent,
    );
    expect((await stub.outboxReport()).events.map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderAccepted",
    ]);
    await runDurableObjectAlarm(stub);
    expect((await stub.outboxReport()).events).toEqual([]);
    const { db, close } = database();
    const [row] = await db
      .select()
      .from(orderHistory)
      .where(eq(orderHistory.orderId, request.orderId));
    await close();
    expect(row && [row.status, row.lastSeq, row.totalCents]).toEqual([
      "preparing",
      2,
      request.pricing.totalCents,
    ]);
  });
});

describe("rating", () => {
  /** Kitchen cooks, a courier arrives, picks up and hands over with the customer's code. */
  async function delivered() {
    const { stub, request } = await placed();
    const staff = staffOf(request.restaurant.id);
    const at = { ...request.restaurant.location, at: new Date(T).toISOString() };
    const must = async (r: Promise<{ ok: boolean; error?: { code: string } }>) => {
      const answer = await r;
      if (!answer.ok) throw new Error(answer.error?.code);
    };
    await must(stub.command(staff, { type: "accept", prepMinutes: 5 }, null, request.traceparent));
    await must(stub.assignDriver(ids.driver, crypto.randomUUID()));
    await must(stub.driverStep(ids.driver, { type: "driver_arrived_at_restaurant" }, "a", at));
    await must(stub.command(staff, { type: "mark_ready" }, null, request.traceparent));
    await must(stub.driverStep(ids.driver, { type: "pick_up" }, "p", at));
    const code = await deliveryCodeFor(TEST_SECRETS.JWT_SECRET, request.orderId);
    await must(stub.driverStep(ids.driver, { type: "deliver", code }, "d", null));
    return { stub, request };
  }

  it("keeps the customer's one rating across a restart, and sends OrderRated on", async () => {
    const { stub, request } = await delivered();
    const watcher = await openSocket<OrderServerMessage>(stub, principals.customer);
    await watcher.inbox.next((m) => m.type === "snapshot");
    const rated = await stub.command(
      principals.customer,
      { type: "rate", stars: 5, comment: "still hot" },
      "rate-1",
      request.traceparent,
    );
    expect(rated.ok && rated.value.rating).toMatchObject({ stars: 5, comment: "still hot" });
    const pushed = await watcher.inbox.next<Extract<OrderServerMessage, { type: "updated" }>>(
      (m) => m.type === "updated",
    );
    expect([pushed.event, pushed.order.rating?.stars]).toEqual(["OrderRated", 5]);
    // The same request retried answers the same; a new one is refused.
    const retried = await stub.command(
      principals.customer,
      { type: "rate", stars: 5, comment: "still hot" },
      "rate-1",
      request.traceparent,
    );
    expect(retried.ok).toBe(true);
    const again = await stub.command(
      principals.customer,
      { type: "rate", stars: 1 },
      "rate-2",
      request.traceparent,
    );
    expect(!again.ok && again.error.code).toBe("order.already_rated");
    await evictDurableObject(stub);
    expect((await stub.snapshot())?.rating).toMatchObject({ stars: 5, comment: "still hot" });
    // Exactly one OrderRated waits in the outbox for the bridge: the refusal recorded nothing.
    const events = (await stub.outboxReport()).events;
    expect(events.filter((e) => e.type === "OrderRated")).toHaveLength(1);
  });

  it("is not another customer's to give", async () => {
    const { stub, request } = await delivered();
    const stranger: Principal = { userId: crypto.randomUUID(), role: "customer" };
    const refused = await stub.command(
      stranger,
      { type: "rate", stars: 1 },
      null,
      request.traceparent,
    );
    expect(!refused.ok && refused.error.code).toBe("order.not_found");
  });
});
