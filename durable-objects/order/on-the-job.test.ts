import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { OrderServerMessage, RestaurantServerMessage } from "../../schema/sockets.ts";
import { ids, principals } from "../../test/builders.ts";
import {
  acceptedOrder,
  dispatchWorld,
  near,
  offerOf,
  onlineDriver,
  round,
  socket,
  T,
} from "../../test/dispatch-world.ts";
import { fund, pinClock } from "../../test/edge-fixtures.ts";
import { eventually } from "../../test/eventually.ts";
import { TEST_SECRETS } from "../../test/setup/edge.ts";
import type { OrderActor } from "./actor.ts";
import { deliveryCodeFor } from "./delivery-code.ts";

/**
 * An order on its way, inside workerd: a real courier claims it through its zone, then moves, and
 * the order follows: what the customer and the kitchen see, arriving only near the restaurant,
 * delivering only with the customer's code.
 */

// Every order here is the builders' customer's: their wallet holds enough for all of them.
beforeAll(() => fund(ids.customer, 100_000_000));

const { spot } = dispatchWorld(-30, 25.5);
const JWT_SECRET = TEST_SECRETS.JWT_SECRET;
type TrackingMessage = Extract<OrderServerMessage, { type: "tracking" }>;

describe("on the job", () => {
  async function assigned() {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 100));
    const order = await acceptedOrder(restaurant);
    await round(order.zone, T);
    const offer = await offerOf(courier.stub, courier.who);
    expect(
      (
        await courier.stub.driverCommand(courier.who, {
          type: "accept_offer",
          commandId: "a",
          offerId: offer!.offerId,
        })
      ).ok,
    ).toBe(true);
    return { restaurant, courier, ...order };
  }

  it("shows the customer the courier moving, with ETAs, latest position winning", async () => {
    const { courier, stub: order, request, restaurant } = await assigned();
    const watch = await socket<OrderServerMessage>(order, principals.customer);
    await watch.inbox.next((m) => m.type === "snapshot");
    await pinClock(order, T + 2_000);
    const fixAt = Date.now() + 20_000;
    await pinClock(courier.stub, fixAt);
    expect(
      (await courier.stub.fix(courier.who, { ...near(restaurant, 60), accuracyM: 5, at: fixAt }))
        .ok,
    ).toBe(true);
    const seen = await watch.inbox.next<Extract<OrderServerMessage, { type: "tracking" }>>(
      (m) => m.type === "tracking",
    );
    expect(seen.tracking.driverId).toBe(courier.id);
    expect(seen.tracking.pickupEta).not.toBeNull();
    expect(Date.parse(seen.tracking.dropoffEta)).toBeGreaterThan(
      Date.parse(seen.tracking.pickupEta!),
    );
    const view = await order.view(principals.customer);
    expect(view.ok && view.value.tracking?.position.lat).toBeCloseTo(near(restaurant, 60).lat, 6);
    expect(view.ok && view.value.id).toBe(request.orderId);
  });

  /** The order's tracking once the courier's actor has handed it a position, however late. */
  async function trackedAt(order: DurableObjectStub<OrderActor>, atMs: number | null) {
    return eventually(async () => {
      const view = await order.view(principals.customer);
      const tracking = view.ok ? view.value.tracking : null;
      return tracking && (atMs === null || tracking.position.at === new Date(atMs).toISOString())
        ? tracking
        : null;
    }, 5_000);
  }

  it("sends the customer at most one position a second, and the newest fix wins", async () => {
    const { courier, stub: order, restaurant } = await assigned();
    // The position sent on acceptance has landed; then ten seconds pass on the order's clock.
    await trackedAt(order, null);
    const start = T + 10_000;
    await pinClock(order, start);
    const watch = await socket<OrderServerMessage>(order, principals.customer);
    await watch.inbox.next((m) => m.type === "snapshot");
    const flushed = async () => {
      watch.ws.send(JSON.stringify({ type: "ping" }));
      await watch.inbox.next((m) => m.type === "pong");
      return watch.inbox.ofType("tracking") as TrackingMessage[];
    };

    // A burst inside one second: five fixes 200 ms and 2 m apart.
    let fixAt = Date.now() + 20_000;
    let newest = { ...near(restaurant, 100), accuracyM: 5, at: fixAt };
    for (let i = 1; i <= 5; i++) {
      fixAt += 200;
      newest = { ...near(restaurant, 100 + 2 * i), accuracyM: 5, at: fixAt };
      await pinClock(courier.stub, fixAt);
      expect((await courier.stub.fix(courier.who, newest)).ok).toBe(true);
    }
    await trackedAt(order, newest.at);

    // The first fix of the second went out at once; the rest wait for the second to end.
    expect(await flushed()).toHaveLength(1);
    await pinClock(order, start + 1_000);
    await runDurableObjectAlarm(order);
    const sent = await flushed();
    expect(sent).toHaveLength(2);
    expect(sent.at(-1)?.tracking.position).toEqual({
      lat: newest.lat,
      lng: newest.lng,
      at: new Date(newest.at).toISOString(),
    });
  });

  it("shows the kitchen when the courier will be at the counter, as the courier moves", async () => {
    const { courier, stub: order, restaurant, request, staff } = await assigned();
    await trackedAt(order, null);
    const kitchen = await socket<RestaurantServerMessage>(
      env.RestaurantActor.getByName(request.restaurant.id),
      staff,
    );
    await kitchen.inbox.next((m) => m.type === "board");
    // A minute on, past the kitchen's refresh interval: this fix's ETA goes to the board.
    await pinClock(order, T + 60_000);
    const fixAt = Date.now() + 20_000;
    await pinClock(courier.stub, fixAt);
    expect(
      (await courier.stub.fix(courier.who, { ...near(restaurant, 400), accuracyM: 5, at: fixAt }))
        .ok,
    ).toBe(true);
    const { pickupEta } = await trackedAt(order, fixAt);
    expect(pickupEta).not.toBeNull();

    const updated = await kitchen.inbox.next<
      Extract<RestaurantServerMessage, { type: "ticket.updated" }>
    >((m) => m.type === "ticket.updated" && m.ticket.pickupEta === pickupEta);
    expect([updated.ticket.orderId, updated.ticket.driverId]).toEqual([
      request.orderId,
      courier.id,
    ]);
    const board = await env.RestaurantActor.getByName(request.restaurant.id).board(staff);
    expect(board.ok && board.value.tickets.map((t) => [t.orderId, t.pickupEta])).toEqual([
      [request.orderId, pickupEta],
    ]);
  });

  it("accepts arrival only near the restaurant", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 600));
    const { zone, stub: order, request } = await acceptedOrder(restaurant);
    await round(zone, T);
    const offer = await offerOf(courier.stub, courier.who);
    expect(
      (
        await courier.stub.driverCommand(courier.who, {
          type: "accept_offer",
          commandId: "a",
          offerId: offer!.offerId,
        })
      ).ok,
    ).toBe(true);
    await pinClock(order, Date.now());
    const tooFar = await courier.stub.driverCommand(courier.who, {
      type: "arrived_at_restaurant",
      commandId: "far",
      orderId: request.orderId,
    });
    expect(!tooFar.ok && tooFar.error.code).toBe("order.not_at_restaurant");

    // Ride in at 10 m/s, a fix every 20 s, to 50 m from the door.
    let fixAt = Date.now();
    for (const metres of [400, 200, 50]) {
      fixAt += 20_000;
      await pinClock(courier.stub, fixAt);
      expect(
        (
          await courier.stub.fix(courier.who, {
            ...near(restaurant, metres),
            accuracyM: 5,
            at: fixAt,
          })
        ).ok,
      ).toBe(true);
    }
    await pinClock(order, fixAt);
    const here = await courier.stub.driverCommand(courier.who, {
      type: "arrived_at_restaurant",
      commandId: "here",
      orderId: request.orderId,
    });
    expect(here.ok).toBe(true);
    expect((await order.snapshot())?.driverStage).toBe("at_restaurant");
  });

  it("delivers only with the customer's code, and locks after too many wrong ones", async () => {
    const { courier, stub: order, staff, restaurant, request } = await assigned();
    const trace = request.traceparent;
    await order.command(staff, { type: "mark_ready" }, null, trace);
    await courier.stub.fix(courier.who, {
      ...near(restaurant, 20),
      accuracyM: 5,
      at: Date.now() + 1,
    });
    await pinClock(order, Date.now());
    expect(
      (
        await courier.stub.driverCommand(courier.who, {
          type: "arrived_at_restaurant",
          commandId: "1",
          orderId: request.orderId,
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await courier.stub.driverCommand(courier.who, {
          type: "pick_up",
          commandId: "2",
          orderId: request.orderId,
        })
      ).ok,
    ).toBe(true);
    const code = await deliveryCodeFor(JWT_SECRET, request.orderId);
    const customerView = await order.view(principals.customer);
    expect(customerView.ok && customerView.value.deliveryCode).toBe(code);
    const staffView = await order.view(staff);
    expect(staffView.ok && staffView.value.deliveryCode).toBeNull();

    const wrong = code === "0000" ? "1111" : "0000";
    const first = await courier.stub.driverCommand(courier.who, {
      type: "deliver",
      commandId: "w1",
      orderId: request.orderId,
      code: wrong,
    });
    expect(!first.ok && [first.error.code, first.error.details?.attemptsLeft]).toEqual([
      "order.delivery_code_wrong",
      4,
    ]);
    const right = await courier.stub.driverCommand(courier.who, {
      type: "deliver",
      commandId: "ok",
      orderId: request.orderId,
      code,
    });
    expect(right.ok).toBe(true);
    const done = await order.view(principals.customer);
    expect(done.ok && [done.value.status, done.value.driverStage]).toEqual(["delivered", "done"]);
    const jobs = await courier.stub.view(courier.who);
    expect(jobs.ok && jobs.value.jobs).toEqual([]);
  });

  it("locks delivery by code after five wrong codes", async () => {
    const { courier, stub: order, staff, restaurant, request } = await assigned();
    await order.command(staff, { type: "mark_ready" }, null, request.traceparent);
    await courier.stub.fix(courier.who, {
      ...near(restaurant, 20),
      accuracyM: 5,
      at: Date.now() + 1,
    });
    await pinClock(order, Date.now());
    await courier.stub.driverCommand(courier.who, {
      type: "arrived_at_restaurant",
      commandId: "1",
      orderId: request.orderId,
    });
    await courier.stub.driverCommand(courier.who, {
      type: "pick_up",
      commandId: "2",
      orderId: request.orderId,
    });
    const code = await deliveryCodeFor(JWT_SECRET, request.orderId);
    const wrong = code === "0000" ? "1111" : "0000";
    for (let i = 0; i < 5; i++) {
      await courier.stub.driverCommand(courier.who, {
        type: "deliver",
        commandId: `w${i}`,
        orderId: request.orderId,
        code: wrong,
      });
    }
    const locked = await courier.stub.driverCommand(courier.who, {
      type: "deliver",
      commandId: "late",
      orderId: request.orderId,
      code,
    });
    expect(!locked.ok && locked.error.code).toBe("order.delivery_code_locked");

    // Support confirms the handover by hand: only an admin, and the reason stays on the record.
    const byCustomer = await order.command(
      principals.customer,
      { type: "confirm_delivery", reason: "customer confirmed by phone" },
      null,
      request.traceparent,
    );
    expect(!byCustomer.ok && byCustomer.error.code).toBe("auth.forbidden");
    const confirmed = await order.command(
      principals.admin,
      { type: "confirm_delivery", reason: "customer confirmed by phone" },
      null,
      request.traceparent,
    );
    expect(confirmed.ok && [confirmed.value.status, confirmed.value.driverStage]).toEqual([
      "delivered",
      "done",
    ]);
    const delivered = (await order.snapshot())?.timeline.at(-1);
    expect(delivered).toMatchObject({
      type: "OrderDelivered",
      note: "customer confirmed by phone",
    });
    // The courier's job ends as it would with the code.
    await eventually(async () => {
      const jobs = await courier.stub.view(courier.who);
      return jobs.ok && jobs.value.jobs.length === 0 ? true : null;
    });
  });

  it("confirms by hand only an order on its way to the door", async () => {
    const { stub: order, request } = await assigned();
    const early = await order.command(
      principals.admin,
      { type: "confirm_delivery", reason: "too early" },
      null,
      request.traceparent,
    );
    expect(!early.ok && early.error.code).toBe("order.illegal_transition");
  });
});
