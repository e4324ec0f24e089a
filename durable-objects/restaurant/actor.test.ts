import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../schema/auth.ts";
import type { RestaurantServerMessage } from "../../schema/sockets.ts";
import { ids, placeInput, placement, principals } from "../../test/builders.ts";
import { fund } from "../../test/edge-fixtures.ts";
import { eventually } from "../../test/eventually.ts";
import { pelt } from "../../test/fuzz.ts";
import { SocketInbox } from "../../test/socket-inbox.ts";
import { place } from "../order/machine.ts";
import { PRINCIPAL_HEADER } from "../sockets.ts";
import type { RestaurantActor } from "./actor.ts";
import { ticketOf } from "./board.ts";

const staffOf = (restaurantId: string): Principal => ({ ...principals.staff, restaurantId });

function restaurant() {
  return { ...placement().restaurant, id: crypto.randomUUID() };
}

async function board(restaurantId: string, who: Principal = staffOf(restaurantId)) {
  const response = await env.RestaurantActor.getByName(restaurantId).fetch("http://actor/", {
    headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(who) },
  });
  const socket = response.webSocket!;
  socket.accept();
  const inbox = new SocketInbox<RestaurantServerMessage>(socket);
  return { socket, inbox };
}

// Every order here is the builders' customer's: their wallet holds enough for all of them.
beforeAll(() => fund(ids.customer, 100_000_000));

describe("RestaurantActor", () => {
  it("shows staff the open tickets on connect, and a new one the instant it is admitted", async () => {
    const r = restaurant();
    const first = await env.OrderActor.getByName(crypto.randomUUID()).place(
      placement({ restaurant: r }),
    );
    expect(first.ok).toBe(true);
    const { inbox } = await board(r.id);
    const opening = await inbox.next<Extract<RestaurantServerMessage, { type: "board" }>>(
      (m) => m.type === "board",
    );
    expect(opening.tickets).toHaveLength(1);

    const request = placement({ restaurant: r });
    await env.OrderActor.getByName(request.orderId).place(request);
    const rung = await inbox.next<Extract<RestaurantServerMessage, { type: "ticket.new" }>>(
      (m) => m.type === "ticket.new",
    );
    expect([rung.ticket.orderId, rung.ticket.status, rung.ticket.lines[0]?.name]).toEqual([
      request.orderId,
      "placed",
      "Green Chile Queso",
    ]);
  });

  it("lets staff accept, then mark ready, over the socket, each answered by its command id", async () => {
    const r = restaurant();
    const request = placement({ restaurant: r });
    await env.OrderActor.getByName(request.orderId).place(request);
    const { socket, inbox } = await board(r.id);
    await inbox.next((m) => m.type === "board");

    socket.send(
      JSON.stringify({
        type: "accept",
        commandId: "a1",
        orderId: request.orderId,
        prepMinutes: 20,
      }),
    );
    expect(await inbox.next((m) => m.type === "result")).toEqual({
      type: "result",
      commandId: "a1",
      ok: true,
    });
    socket.send(JSON.stringify({ type: "mark_ready", commandId: "r1", orderId: request.orderId }));
    expect(await inbox.next((m) => m.type === "result")).toEqual({
      type: "result",
      commandId: "r1",
      ok: true,
    });

    const ready = await inbox.next<Extract<RestaurantServerMessage, { type: "ticket.updated" }>>(
      (m) => m.type === "ticket.updated" && m.ticket.status === "ready",
    );
    // Placed (1), accepted and preparing in one step (2), ready (3).
    expect([ready.ticket.prepMinutes, ready.ticket.version]).toEqual([20, 3]);
  });

  it("ignores a stale ticket version", async () => {
    const r = restaurant();
    const request = placement({ restaurant: r });
    const order = await env.OrderActor.getByName(request.orderId).place(request);
    if (!order.ok) throw new Error(order.error.code);
    const kitchen = env.RestaurantActor.getByName(r.id);
    await env.OrderActor.getByName(request.orderId).command(
      staffOf(r.id),
      { type: "accept", prepMinutes: 5 },
      null,
      request.traceparent,
    );
    // The order pushes its accepted ticket to the board just after answering.
    await eventually(async () => {
      const view = await kitchen.board(staffOf(r.id));
      return view.ok && view.value.tickets[0]?.status === "preparing" ? true : null;
    });
    await kitchen.ticketChanged(ticketOf(order.value.order));
    const view = await kitchen.board(staffOf(r.id));
    expect(view.ok && view.value.tickets.map((t) => t.status)).toEqual(["preparing"]);
  });

  it("refuses sockets from anyone but its own staff and admins", async () => {
    const r = restaurant();
    for (const who of [principals.customer, principals.driver, principals.otherStaff]) {
      const response = await env.RestaurantActor.getByName(r.id).fetch("http://actor/", {
        headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(who) },
      });
      const socket = response.webSocket!;
      const closed = new Promise<number>((resolve) =>
        socket.addEventListener("close", (e) => resolve(e.code)),
      );
      socket.accept();
      expect(await closed).toBe(4404);
    }
    const admin = await board(r.id, principals.admin);
    await admin.inbox.next((m) => m.type === "board");
  });

  it("keeps its kitchen state across a restart", async () => {
    const r = restaurant();
    const kitchen = env.RestaurantActor.getByName(r.id);
    await kitchen.setKitchen(staffOf(r.id), "busy", 25);
    await evictDurableObject(kitchen);
    const state = await kitchen.kitchenState();
    expect([state.busy, state.extraPrepMinutes]).toEqual([true, 25]);
    expect((await kitchen.outboxReport()).events.map((e) => e.type)).toEqual([
      "RestaurantBusyChanged",
    ]);
  });

  it("forgets a ticket whose order never took it, once its answer time has long passed", async () => {
    const r = restaurant();
    const kitchen = env.RestaurantActor.getByName(r.id);
    const orphan = ticketOf(
      place({ ...placeInput(), id: crypto.randomUUID(), restaurant: r }, Date.now()).order,
    );
    await kitchen.admit(orphan, 15);
    await runInDurableObject(kitchen, (actor: RestaurantActor) => {
      actor.clock = () => Date.parse(orphan.acceptBy) + 61_000;
    });
    await runDurableObjectAlarm(kitchen);
    const view = await kitchen.board(staffOf(r.id));
    expect(view.ok && view.value.tickets).toEqual([]);
  });

  it("survives random frames without crashing or changing the board", async () => {
    const r = restaurant();
    const request = placement({ restaurant: r });
    await env.OrderActor.getByName(request.orderId).place(request);
    const { socket, inbox } = await board(r.id);
    await inbox.next((m) => m.type === "board");
    const before = await env.RestaurantActor.getByName(r.id).board(staffOf(r.id));
    const frame = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json(),
      fc
        .record({
          type: fc.constantFrom(
            "accept",
            "reject",
            "mark_ready",
            "set_busy",
            "pause",
            "resume",
            "constructor",
          ),
          commandId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
          orderId: fc.oneof(fc.uuid(), fc.string()),
          prepMinutes: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.string()),
          // Always present, so no frame is ever a valid command by chance.
          extra: fc.jsonValue(),
        })
        .map((m) => JSON.stringify(m)),
      fc.string({ minLength: 16_500, maxLength: 16_600 }),
    );
    await pelt(socket, inbox, frame);
    expect(await env.RestaurantActor.getByName(r.id).board(staffOf(r.id))).toEqual(before);
  });
});
