import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { gridDistance } from "h3-js";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultDispatchPolicy } from "../../dispatch/escalation.ts";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import { distanceM } from "../../domain/geo.ts";
import type { Principal } from "../../schema/auth.ts";
import type { DriverServerMessage, Offer } from "../../schema/dispatch.ts";
import type { ZoneServerMessage } from "../../schema/zone.ts";
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
  walletBalance,
} from "../../test/dispatch-world.ts";
import { fund, pinClock } from "../../test/edge-fixtures.ts";
import { eventually } from "../../test/eventually.ts";

// Every order here is the builders' customer's: their wallet holds enough for all of them.
beforeAll(() => fund(ids.customer, 100_000_000));

/** Dispatch end to end inside workerd: orders, their zone and couriers, each a real actor. */
const { spot } = dispatchWorld(20, -97.8);

describe("dispatch", () => {
  it("offers an accepted order to the nearest available courier", async () => {
    const restaurant = await spot();
    const nearest = await onlineDriver(near(restaurant, 200));
    const farther = await onlineDriver(near(restaurant, 1_200));
    const { zone, request } = await acceptedOrder(restaurant);
    await round(zone, T);
    const offer = await offerOf(nearest.stub, nearest.who);
    expect(offer?.orderIds).toEqual([request.orderId]);
    expect(offer?.earningsCents).toBe(request.pricing.deliveryFeeCents + request.pricing.tipCents);
    expect(await offerOf(farther.stub, farther.who)).toBeNull();
  });

  it("assigns exactly one courier when several accept the same order at once", async () => {
    const restaurant = await spot();
    const { stub: order, request } = await acceptedOrder(restaurant);
    const drivers = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => onlineDriver(near(restaurant, 100 + i * 50))),
    );
    const offers = drivers.map(
      (_d): Offer => ({
        offerId: crypto.randomUUID(),
        zone: zoneOf(restaurant),
        orderIds: [request.orderId],
        restaurant: request.restaurant,
        dropoffs: [
          { orderId: request.orderId, lat: 30.27, lng: -97.74, text: "Home", customerName: "Ada" },
        ],
        earningsCents: 500,
        readyBy: new Date(Date.now() + 60_000).toISOString(),
        pickupEta: new Date(Date.now() + 60_000).toISOString(),
        expiresAt: new Date(Date.now() + 30_000).toISOString(),
      }),
    );
    await Promise.all(drivers.map((d, i) => d.stub.offer(offers[i]!)));
    const answers = await Promise.all(
      drivers.map((d, i) =>
        d.stub.driverCommand(d.who, {
          type: "accept_offer",
          commandId: "accept",
          offerId: offers[i]!.offerId,
        }),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toEqual([
      "offer.taken",
      "offer.taken",
      "offer.taken",
      "offer.taken",
    ]);
    const winner = drivers[answers.findIndex((a) => a.ok)]!;
    const view = await order.view(principals.admin);
    expect(view.ok && [view.value.driverId, view.value.driverStage]).toEqual([
      winner.id,
      "assigned",
    ]);
    const jobs = await Promise.all(
      drivers.map(async (d) =>
        (await d.stub.view(d.who)).ok
          ? ((await d.stub.view(d.who)) as { value: { jobs: unknown[] } }).value.jobs.length
          : -1,
      ),
    );
    expect(jobs.sort()).toEqual([0, 0, 0, 0, 1]);
  });

  it("moves to the next courier when one declines", async () => {
    const restaurant = await spot();
    const first = await onlineDriver(near(restaurant, 150));
    const second = await onlineDriver(near(restaurant, 600));
    const { zone, request } = await acceptedOrder(restaurant);
    await round(zone, T);
    const offer = await offerOf(first.stub, first.who);
    expect(offer?.orderIds).toEqual([request.orderId]);
    expect(
      (
        await first.stub.driverCommand(first.who, {
          type: "decline_offer",
          commandId: "no",
          offerId: offer!.offerId,
        })
      ).ok,
    ).toBe(true);
    await round(zone, T + 1_000);
    expect((await offerOf(second.stub, second.who))?.orderIds).toEqual([request.orderId]);
    expect(await offerOf(first.stub, first.who)).toBeNull();
  });

  it("lets an unanswered offer expire, and offers the order again", async () => {
    const restaurant = await spot();
    const sleepy = await onlineDriver(near(restaurant, 150));
    const { zone, request } = await acceptedOrder(restaurant);
    await round(zone, T);
    const offer = await offerOf(sleepy.stub, sleepy.who);
    expect(offer).not.toBeNull();
    const phone = await socket<DriverServerMessage>(sleepy.stub, sleepy.who);
    await phone.inbox.next((m) => m.type === "state");
    await pinClock(sleepy.stub, Date.parse(offer!.expiresAt));
    await runDurableObjectAlarm(sleepy.stub);
    const closed = await phone.inbox.next<Extract<DriverServerMessage, { type: "offer_closed" }>>(
      (m) => m.type === "offer_closed",
    );
    expect(closed.why).toBe("expired");
    const awake = await onlineDriver(near(restaurant, 400));
    await round(zone, T + 40_000);
    expect((await offerOf(awake.stub, awake.who))?.orderIds).toEqual([request.orderId]);
  });

  it("closes an accepted offer once, as accepted, though the zone hears the order is taken meanwhile", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 120));
    const { zone } = await acceptedOrder(restaurant);
    await round(zone, T);
    const offer = await offerOf(courier.stub, courier.who);
    expect(offer).not.toBeNull();
    const phone = await socket<DriverServerMessage>(courier.stub, courier.who);
    await phone.inbox.next((m) => m.type === "state");
    const accepted = await courier.stub.driverCommand(courier.who, {
      type: "accept_offer",
      commandId: "yes",
      offerId: offer!.offerId,
    });
    expect(accepted.ok).toBe(true);
    await phone.inbox.next((m) => m.type === "job");
    // Whatever the zone did on hearing the order was assigned, the phone heard one closing.
    phone.ws.send(JSON.stringify({ type: "ping" }));
    await phone.inbox.next((m) => m.type === "pong");
    const closings = (
      phone.inbox.ofType("offer_closed") as Extract<DriverServerMessage, { type: "offer_closed" }>[]
    ).filter((m) => m.offerId === offer!.offerId);
    expect(closings.map((m) => m.why)).toEqual(["accepted"]);
  });

  it("keeps a courier's job across a disconnect and a restart", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 100));
    const { zone, request } = await acceptedOrder(restaurant);
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
    const first = await socket<DriverServerMessage>(courier.stub, courier.who);
    const state = await first.inbox.next<Extract<DriverServerMessage, { type: "state" }>>(
      (m) => m.type === "state",
    );
    expect(state.driver.jobs.map((j) => j.orderId)).toEqual([request.orderId]);
    first.ws.close();
    await evictDurableObject(courier.stub);
    const again = await socket<DriverServerMessage>(courier.stub, courier.who);
    const restored = await again.inbox.next<Extract<DriverServerMessage, { type: "state" }>>(
      (m) => m.type === "state",
    );
    expect(restored.driver.jobs.map((j) => [j.orderId, j.driverStage])).toEqual([
      [request.orderId, "assigned"],
    ]);
  });

  it("hands a courier over from one zone to the next, never in both", async () => {
    const start = await spot();
    const courier = await onlineDriver(start);
    const from = env.ZoneActor.getByName(zoneOf(start));
    let target = start;
    for (let northM = 500; zoneOf(target) === zoneOf(start); northM += 500)
      target = near(start, northM);
    // Ride there in plausible steps: 15 m/s, a fix every 10 s.
    let at = start;
    let fixAt = Date.now();
    while (zoneOf(at) === zoneOf(start)) {
      at = near(at, 150);
      fixAt += 10_000;
      await pinClock(courier.stub, fixAt);
      expect((await courier.stub.fix(courier.who, { ...at, accuracyM: 5, at: fixAt })).ok).toBe(
        true,
      );
    }
    const to = env.ZoneActor.getByName(zoneOf(at));
    expect((await from.view()).drivers.map((d) => d.driverId)).not.toContain(courier.id);
    expect((await to.view()).drivers.map((d) => d.driverId)).toContain(courier.id);
  });

  it("hears of a courier's move when the courier enters another cell, not on every fix", async () => {
    const start = await spot();
    const courier = await onlineDriver(start);
    const zone = env.ZoneActor.getByName(zoneOf(start));
    const seen = async () =>
      (await zone.view()).drivers.find((d) => d.driverId === courier.id)?.position;
    const first = await seen();
    // A few metres, in the same block-sized cell: the zone keeps the position it had (fixes well
    // inside the zone's refresh period, after which a fix refreshes its entry).
    let fixAt = Date.now() + 500;
    let inside = near(start, 3);
    for (let m = 6; cellOf(inside) === cellOf(start) && m < 60; m += 3) {
      await pinClock(courier.stub, fixAt);
      expect((await courier.stub.fix(courier.who, { ...inside, accuracyM: 5, at: fixAt })).ok).toBe(
        true,
      );
      expect(await seen()).toEqual(first);
      inside = near(start, m);
      fixAt += 500;
    }
    // Into the next cell: the zone hears of it at once.
    let next = start;
    for (let m = 20; cellOf(next) === cellOf(start); m += 20) next = near(start, m);
    fixAt += 30_000;
    await pinClock(courier.stub, fixAt);
    expect((await courier.stub.fix(courier.who, { ...next, accuracyM: 5, at: fixAt })).ok).toBe(
      true,
    );
    expect((await seen())?.lat).toBeCloseTo(next.lat, 6);
  });

  it("widens the search, then alerts admins, then cancels an order nobody can take", async () => {
    const restaurant = await spot();
    const { zone, stub: order } = await acceptedOrder(restaurant);
    const policy = defaultDispatchPolicy;
    await round(zone, T + policy.widenAfterMs);
    expect((await zone.view()).orders[0]?.escalation).toBe("widened");
    expect((await zone.outboxReport()).events.map((e) => e.type)).toContain("DispatchEscalated");
    await round(zone, T + policy.alertAfterMs);
    expect((await zone.view()).orders[0]?.escalation).toBe("alerted");
    await round(zone, T + policy.giveUpAfterMs);
    const view = await order.view(principals.admin);
    expect(view.ok && [view.value.status, view.value.cancelReason]).toEqual([
      "cancelled",
      "no_driver",
    ]);
    expect((await zone.view()).orders).toEqual([]);
  });
});

describe("every escalation path", () => {
  const policy = defaultDispatchPolicy;

  it("offers nobody beyond the normal radius until the widen deadline, then the far courier", async () => {
    const restaurant = await spot();
    // Halfway between the normal search radius and the widened one: only a widened search finds
    // this courier, and it is zones away from the restaurant's own.
    const farM = (policy.searchRadiusM + policy.widenedRadiusM) / 2;
    const far = await onlineDriver(near(restaurant, farM));
    expect(distanceM(restaurant, near(restaurant, farM))).toBeGreaterThan(policy.searchRadiusM);
    expect(gridDistance(zoneOf(restaurant), zoneOf(near(restaurant, farM)))).toBeGreaterThan(1);
    const { zone, request } = await acceptedOrder(restaurant);

    await round(zone, T);
    await round(zone, T + policy.widenAfterMs - policy.roundMs - 1);
    expect(await offerOf(far.stub, far.who)).toBeNull();
    expect((await zone.view()).orders).toMatchObject([
      { orderId: request.orderId, offeredTo: null, escalation: "none" },
    ]);

    await round(zone, T + policy.widenAfterMs);
    expect((await offerOf(far.stub, far.who))?.orderIds).toEqual([request.orderId]);
    expect((await zone.view()).orders).toMatchObject([
      { orderId: request.orderId, offeredTo: far.id, escalation: "widened" },
    ]);
  });

  it("asks a neighbouring zone when its own has no courier, and offers the neighbour's", async () => {
    const restaurant = await spot();
    let there = restaurant;
    for (let northM = 100; zoneOf(there) === zoneOf(restaurant); northM += 100) {
      there = near(restaurant, northM);
    }
    const neighbour = await onlineDriver(there);
    const { zone, request } = await acceptedOrder(restaurant);
    // The courier is indexed next door, within the normal radius, and not here.
    expect(gridDistance(zoneOf(restaurant), zoneOf(there))).toBe(1);
    expect(distanceM(restaurant, there)).toBeLessThan(policy.searchRadiusM);
    expect((await zone.supply(restaurant)).availableDrivers).toBe(0);
    const next = env.ZoneActor.getByName(zoneOf(there));
    expect((await next.view()).drivers.map((d) => d.driverId)).toEqual([neighbour.id]);

    await round(zone, T);

    const offer = await offerOf(neighbour.stub, neighbour.who);
    expect(offer?.orderIds).toEqual([request.orderId]);
    // The offer is the order's zone's: that is where the courier's answer goes.
    expect(offer?.zone).toBe(zoneOf(restaurant));
    expect((await zone.view()).orders[0]?.escalation).toBe("none");
  });

  it("alerts the admins watching the zone the moment an order has waited too long", async () => {
    const restaurant = await spot();
    const { zone, request } = await acceptedOrder(restaurant);
    const admin = await socket<ZoneServerMessage>(zone, principals.admin);
    await admin.inbox.next((m) => m.type === "zone");

    await round(zone, T + policy.alertAfterMs - policy.roundMs - 1);
    await round(zone, T + policy.alertAfterMs);

    const alert = await admin.inbox.next<Extract<ZoneServerMessage, { type: "alert" }>>(
      (m) => m.type === "alert",
    );
    expect(alert.alert).toEqual({
      orderId: request.orderId,
      restaurant: request.restaurant,
      waitingSince: new Date(T).toISOString(),
      waitedMs: policy.alertAfterMs + policy.roundMs,
    });
    // Once: the next round does not alert again.
    await round(zone, T + policy.alertAfterMs + policy.roundMs);
    admin.ws.send(JSON.stringify({ type: "ping" }));
    await admin.inbox.next((m) => m.type === "pong");
    expect(admin.inbox.ofType("alert")).toHaveLength(1);
  });

  it("gives up in the end: the order is cancelled for want of a courier and its money released", async () => {
    const restaurant = await spot();
    const customer = crypto.randomUUID();
    const funds = 5_000;
    await fund(customer, funds);
    const {
      zone,
      stub: order,
      request,
    } = await acceptedOrder(restaurant, {
      customer: { id: customer, name: "Grace" },
    });
    const who: Principal = { userId: customer, role: "customer" };
    const held = await order.view(who);
    expect(held.ok && held.value.payment?.state).toBe("held");

    await round(zone, T + policy.giveUpAfterMs - policy.roundMs - 1);
    expect((await order.snapshot())?.status).toBe("preparing");
    await round(zone, T + policy.giveUpAfterMs);

    const view = await order.view(who);
    expect(view.ok && [view.value.status, view.value.cancelReason]).toEqual([
      "cancelled",
      "no_driver",
    ]);
    expect(view.ok && view.value.payment).toMatchObject({
      state: "released",
      heldCents: request.pricing.totalCents,
    });
    expect(await walletBalance(customer)).toEqual({ posted: funds, held: 0 });
    expect((await zone.view()).orders).toEqual([]);
  });
});

describe("manual dispatch", () => {
  it("gives the order to the admin's courier, and the zone withdraws its own offer", async () => {
    const restaurant = await spot();
    const nearest = await onlineDriver(near(restaurant, 150));
    const chosen = await onlineDriver(near(restaurant, 900));
    const { zone, request, stub: order } = await acceptedOrder(restaurant);
    await round(zone, T);
    expect((await offerOf(nearest.stub, nearest.who))?.orderIds).toEqual([request.orderId]);

    const assigned = await chosen.stub.assignByAdmin(principals.admin, request.orderId, "pick");
    expect(assigned.ok && assigned.value.jobs.map((j) => [j.orderId, j.driverStage])).toEqual([
      [request.orderId, "assigned"],
    ]);
    const now = await order.snapshot();
    expect([now?.driverId, now?.driverStage]).toEqual([chosen.id, "assigned"]);
    expect(now?.timeline.at(-1)).toMatchObject({ type: "DriverAssigned", by: principals.admin });
    // The order told its zone it needs no courier now: no order waits there, no offer is out.
    const view = await zone.view();
    expect(view.orders.map((o) => o.orderId)).not.toContain(request.orderId);
    expect(await offerOf(nearest.stub, nearest.who)).toBeNull();
    // Repeating the same assignment answers yes again and changes nothing.
    const again = await chosen.stub.assignByAdmin(principals.admin, request.orderId, "pick");
    expect(again.ok).toBe(true);
    expect((await order.snapshot())?.version).toBe(now?.version);
  });

  it("refuses an offline or busy courier, a taken order, and an order not waiting", async () => {
    const restaurant = await spot();
    const { request } = await acceptedOrder(restaurant);
    const other = await acceptedOrder(restaurant);
    const first = await onlineDriver(near(restaurant, 100));
    const second = await onlineDriver(near(restaurant, 200));
    const offline = env.DriverActor.getByName(crypto.randomUUID());
    const code = async (p: Promise<{ ok: boolean; error?: { code: string } }>) => {
      const r = await p;
      return r.ok ? "ok" : r.error?.code;
    };
    expect(await code(offline.assignByAdmin(principals.admin, request.orderId, "x"))).toBe(
      "driver.offline",
    );
    expect(await code(first.stub.assignByAdmin(principals.admin, request.orderId, "x"))).toBe("ok");
    expect(await code(first.stub.assignByAdmin(principals.admin, other.request.orderId, "y"))).toBe(
      "driver.busy",
    );
    expect(await code(second.stub.assignByAdmin(principals.admin, request.orderId, "z"))).toBe(
      "offer.taken",
    );
    expect(await code(second.stub.assignByAdmin(first.who, other.request.orderId, "w"))).toBe(
      "auth.forbidden",
    );
    const cancelled = await other.stub.command(
      principals.admin,
      { type: "cancel" },
      null,
      other.request.traceparent,
    );
    expect(cancelled.ok).toBe(true);
    expect(
      await code(second.stub.assignByAdmin(principals.admin, other.request.orderId, "v")),
    ).toBe("order.illegal_transition");
  });
});

describe("the admin's map", () => {
  it("shows couriers on a job as busy, keeps them out of dispatch, and idle again after", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 300));
    const { zone, request, stub: order } = await acceptedOrder(restaurant);
    const stateOf = async () =>
      (await zone.view()).drivers.find((d) => d.driverId === courier.id)?.state;
    expect(await stateOf()).toBe("idle");

    expect((await courier.stub.assignByAdmin(principals.admin, request.orderId, "a")).ok).toBe(
      true,
    );
    expect(await stateOf()).toBe("busy");
    expect((await zone.supply(restaurant)).availableDrivers).toBe(0);
    // A busy courier is never offered work, however many rounds run.
    const next = await acceptedOrder(restaurant);
    await round(zone, T);
    expect(await offerOf(courier.stub, courier.who)).toBeNull();
    expect((await next.stub.snapshot())?.driverId).toBeNull();
    // Evicting the zone reloads only idle couriers into its index.
    await evictDurableObject(zone);
    expect(await stateOf()).toBe("busy");
    expect((await zone.supply(restaurant)).availableDrivers).toBe(0);

    const back = await order.command(
      principals.admin,
      { type: "unassign_driver", driverId: courier.id },
      null,
      request.traceparent,
    );
    expect(back.ok).toBe(true);
    // The order tells its courier just after answering; the courier then tells its zone.
    await eventually(async () => ((await stateOf()) === "idle" ? true : null));
    expect((await zone.supply(restaurant)).availableDrivers).toBe(1);
  });
});
