import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { zoneOf } from "../domain/cells.ts";
import type { Principal } from "../schema/auth.ts";
import type { LatLng } from "../schema/geo.ts";
import type { RestaurantServerMessage } from "../schema/sockets.ts";
import { ids, placement, principals } from "../test/builders.ts";
import { fund, pinClock } from "../test/edge-fixtures.ts";
import { eventually } from "../test/eventually.ts";
import { SocketInbox } from "../test/socket-inbox.ts";
import { peerCallCount, peerCalls, resetPeerCalls } from "./peers.ts";
import { PRINCIPAL_HEADER } from "./sockets.ts";

/**
 * How many calls one hot command makes between actors (STYLE.md: a command goes to the owner of
 * its state once, which tells the others by one push each). Counted by the typed stubs of
 * peers.ts; the gateway's own call to the first actor is not between actors and not counted.
 * Each test's place lies far from every other's, with its zone's clock pinned ahead so no round
 * runs by itself and nothing else calls meanwhile.
 */

beforeAll(() => fund(ids.customer, 10_000_000));
afterEach(() => resetPeerCalls());

const T = Date.now() + 3_600_000;
let spots = 0;

async function spot(): Promise<LatLng> {
  const point = { lat: -45 + spots++ * 0.6, lng: 170.5 };
  await pinClock(env.ZoneActor.getByName(zoneOf(point)), T);
  return point;
}

async function placedAt(location: LatLng) {
  const base = placement();
  const request = placement({
    restaurant: { ...base.restaurant, location },
    deliveryAddress: { lat: location.lat + 0.01, lng: location.lng, text: "Home" },
  });
  const stub = env.OrderActor.getByName(request.orderId);
  const placed = await stub.place(request);
  if (!placed.ok) throw new Error(placed.error.code);
  const staff: Principal = { ...principals.staff, restaurantId: request.restaurant.id };
  return { stub, request, staff };
}

/** Waits until the zone holds `orderId` as waiting, i.e. every push of an accept has landed. */
async function waitingInZone(at: LatLng, orderId: string): Promise<void> {
  const zone = env.ZoneActor.getByName(zoneOf(at));
  await eventually(async () =>
    (await zone.view()).orders.some((o) => o.orderId === orderId) ? true : null,
  );
}

describe("calls between actors", () => {
  it("a kitchen's accept from the API: the order decides, then one push to the board and one to the zone", async () => {
    const at = await spot();
    const { stub, request, staff } = await placedAt(at);
    resetPeerCalls();

    const accepted = await stub.command(
      staff,
      { type: "accept", prepMinutes: 1 },
      "a",
      request.traceparent,
    );
    expect(accepted.ok && accepted.value.status).toBe("preparing");
    await waitingInZone(at, request.orderId);
    const board = env.RestaurantActor.getByName(request.restaurant.id);
    await eventually(async () => {
      const view = await board.board(staff);
      return view.ok && view.value.tickets[0]?.status === "preparing" ? true : null;
    });

    expect(peerCalls()).toEqual({
      "OrderActor -> RestaurantActor.ticketChanged": 1,
      "OrderActor -> ZoneActor.orderChanged": 1,
    });
  });

  it("a kitchen's accept from a tablet: the restaurant asks the order once, and is told once", async () => {
    const at = await spot();
    const { request, staff } = await placedAt(at);
    const response = await env.RestaurantActor.getByName(request.restaurant.id).fetch(
      "http://actor/",
      { headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(staff) } },
    );
    const socket = response.webSocket!;
    socket.accept();
    const inbox = new SocketInbox<RestaurantServerMessage>(socket);
    await inbox.next((m) => m.type === "board");
    resetPeerCalls();

    socket.send(
      JSON.stringify({ type: "accept", commandId: "t1", orderId: request.orderId, prepMinutes: 1 }),
    );
    expect(await inbox.next((m) => m.type === "result")).toMatchObject({ ok: true });
    await inbox.next((m) => m.type === "ticket.updated" && m.ticket.status === "preparing");
    await waitingInZone(at, request.orderId);
    socket.close();

    expect(peerCalls()).toEqual({
      "RestaurantActor -> OrderActor.command": 1,
      "OrderActor -> RestaurantActor.ticketChanged": 1,
      "OrderActor -> ZoneActor.orderChanged": 1,
    });
  });

  it("a courier's accept: one claim (its answer is the courier's update), the order's two pushes, the courier's position and its zone", async () => {
    const at = await spot();
    const courierId = crypto.randomUUID();
    const courier = env.DriverActor.getByName(courierId);
    const who: Principal = { userId: courierId, role: "driver" };
    expect((await courier.driverCommand(who, { type: "go_online", commandId: "on" })).ok).toBe(
      true,
    );
    expect((await courier.fix(who, { ...at, accuracyM: 5, at: Date.now() })).ok).toBe(true);
    const { stub, request, staff } = await placedAt(at);
    await stub.command(staff, { type: "accept", prepMinutes: 1 }, "a", request.traceparent);
    await waitingInZone(at, request.orderId);
    const zone = env.ZoneActor.getByName(zoneOf(at));
    // A round: the zone's clock moved on to when its round is due.
    await pinClock(zone, T + 10_000);
    await runDurableObjectAlarm(zone);
    const offer = await eventually(async () => {
      const view = await courier.view(who);
      return view.ok ? view.value.offer : null;
    });
    resetPeerCalls();

    const accepted = await courier.driverCommand(who, {
      type: "accept_offer",
      commandId: "yes",
      offerId: offer.offerId,
    });
    expect(accepted.ok).toBe(true);
    await eventually(async () => {
      const view = await zone.view();
      const busy = view.drivers.find((d) => d.driverId === courierId)?.state === "busy";
      return busy && view.orders.length === 0 ? true : null;
    });
    const board = env.RestaurantActor.getByName(request.restaurant.id);
    await eventually(async () => {
      const view = await board.board(staff);
      return view.ok && view.value.tickets[0]?.driverId === courierId ? true : null;
    });

    expect(peerCalls()).toEqual({
      "DriverActor -> OrderActor.assignDriver": 1,
      "DriverActor -> OrderActor.track": 1,
      "DriverActor -> ZoneActor.driverUpdate": 1,
      // The courier's position reaches the order, which tells the kitchen when they will be there.
      "OrderActor -> RestaurantActor.driverEta": 1,
      "OrderActor -> RestaurantActor.ticketChanged": 1,
      "OrderActor -> ZoneActor.orderChanged": 1,
    });
    expect(peerCallCount()).toBe(6);
  });
});
