import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Session, SocketTicket } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { Order } from "../../schema/orders.ts";
import type { OrderServerMessage, RestaurantServerMessage } from "../../schema/sockets.ts";
import {
  api,
  cart,
  fundedCustomer,
  kitchen,
  signUp,
  type TestKitchen,
} from "../../test/edge-fixtures.ts";
import { SocketInbox } from "../../test/socket-inbox.ts";

let k: TestKitchen;
let customer: Session;

beforeAll(async () => {
  k = await kitchen();
  customer = await fundedCustomer();
});

async function ticketFor(token: string, kind: "order" | "restaurant", id: string) {
  return api<SocketTicket & ErrorBody>("/api/live/tickets", {
    token,
    body: { target: { kind, id } },
  });
}

async function connect<M>(
  url: string,
): Promise<{ socket: WebSocket; inbox: SocketInbox<M>; status: number }> {
  const response = await exports.default.fetch(
    new Request(`http://dizhtime.test${url}`, { headers: { upgrade: "websocket" } }),
  );
  const socket = response.webSocket;
  if (!socket)
    return {
      socket: null as unknown as WebSocket,
      inbox: null as unknown as SocketInbox<M>,
      status: response.status,
    };
  socket.accept();
  return { socket, inbox: new SocketInbox<M>(socket), status: response.status };
}

describe("socket tickets", () => {
  it("are issued for one's own order and refused, as not found, for another's", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    expect((await ticketFor(customer.accessToken, "order", order.id)).status).toBe(200);
    const stranger = await signUp();
    const refused = await ticketFor(stranger.accessToken, "order", order.id);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe("order.not_found");
  });

  it("are refused for another restaurant's kitchen", async () => {
    const other = await kitchen();
    expect((await ticketFor(other.staff.accessToken, "restaurant", k.restaurantId)).status).toBe(
      404,
    );
    expect((await ticketFor(customer.accessToken, "restaurant", k.restaurantId)).status).toBe(404);
  });

  it("are required to open a socket, and open only the socket they name", async () => {
    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const missing = await exports.default.fetch(
      new Request(`http://dizhtime.test/api/live/order/${order.id}`, {
        headers: { upgrade: "websocket" },
      }),
    );
    expect(missing.status).toBe(401);
    const other = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const ticket = (await ticketFor(customer.accessToken, "order", other.id)).body.ticket;
    const wrong = await exports.default.fetch(
      new Request(`http://dizhtime.test/api/live/order/${order.id}?ticket=${ticket}`, {
        headers: { upgrade: "websocket" },
      }),
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe("auth.ticket_invalid");
  });
});

describe("live tickets and updates", () => {
  it("rings the kitchen the instant an order is placed, and the customer sees the kitchen's answer", async () => {
    const board = await connect<RestaurantServerMessage>(
      (await ticketFor(k.staff.accessToken, "restaurant", k.restaurantId)).body.url,
    );
    expect(board.status).toBe(101);
    await board.inbox.next((m) => m.type === "board");

    const order = (await api<Order>("/api/orders", { token: customer.accessToken, body: cart(k) }))
      .body;
    const rung = await board.inbox.next<Extract<RestaurantServerMessage, { type: "ticket.new" }>>(
      (m) => m.type === "ticket.new" && m.ticket.orderId === order.id,
    );
    expect(
      rung.ticket.lines.map((l) => [l.name, l.quantity, l.modifiers.map((m) => m.option)]),
    ).toEqual([
      ["Classic Burger", 1, ["Beef", "Bacon"]],
      ["Fries", 2, []],
    ]);

    const watch = await connect<OrderServerMessage>(
      (await ticketFor(customer.accessToken, "order", order.id)).body.url,
    );
    await watch.inbox.next((m) => m.type === "snapshot");

    board.socket.send(
      JSON.stringify({ type: "accept", commandId: "c1", orderId: order.id, prepMinutes: 14 }),
    );
    const result = await board.inbox.next<Extract<RestaurantServerMessage, { type: "result" }>>(
      (m) => m.type === "result",
    );
    expect([result.commandId, result.ok]).toEqual(["c1", true]);

    const accepted = await watch.inbox.next<Extract<OrderServerMessage, { type: "updated" }>>(
      (m) => m.type === "updated" && m.event === "OrderAccepted",
    );
    // Accepting starts preparing, in one step.
    expect([accepted.order.status, accepted.order.prepMinutes]).toEqual(["preparing", 14]);
    await board.inbox.next(
      (m) =>
        m.type === "ticket.updated" &&
        m.ticket.orderId === order.id &&
        m.ticket.status === "preparing",
    );
  });

  it("answers a staff command for an unknown ticket with a coded result, and a bad frame with an error", async () => {
    const board = await connect<RestaurantServerMessage>(
      (await ticketFor(k.staff.accessToken, "restaurant", k.restaurantId)).body.url,
    );
    await board.inbox.next((m) => m.type === "board");
    board.socket.send(
      JSON.stringify({ type: "mark_ready", commandId: "c2", orderId: crypto.randomUUID() }),
    );
    const result = await board.inbox.next<Extract<RestaurantServerMessage, { type: "result" }>>(
      (m) => m.type === "result",
    );
    expect([result.ok, result.error?.code]).toEqual([false, "ticket.not_found"]);
    board.socket.send("{]");
    const error = await board.inbox.next<Extract<RestaurantServerMessage, { type: "error" }>>(
      (m) => m.type === "error",
    );
    expect(error.error.code).toBe("socket.invalid_message");
  });
});
