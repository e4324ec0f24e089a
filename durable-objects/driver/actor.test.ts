import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { zoneOf } from "../../domain/cells.ts";
import type { Principal } from "../../schema/auth.ts";
import type { DriverServerMessage, Offer } from "../../schema/dispatch.ts";
import { placement } from "../../test/builders.ts";
import { SocketInbox } from "../../test/socket-inbox.ts";
import { PRINCIPAL_HEADER } from "../sockets.ts";

/**
 * The DriverActor on its own: offers as a zone sends them, with no order behind them, since the
 * courier's side of an offer does not depend on one. Couriers stand far from every other test's
 * spot, so no zone offers them real work meanwhile.
 */
const HERE = { lat: -33.87, lng: 151.21 };

async function onlineDriver() {
  const id = crypto.randomUUID();
  const stub = env.DriverActor.getByName(id);
  const who: Principal = { userId: id, role: "driver" };
  expect((await stub.driverCommand(who, { type: "go_online", commandId: "online" })).ok).toBe(true);
  expect((await stub.fix(who, { ...HERE, accuracyM: 5, at: Date.now() })).ok).toBe(true);
  return { id, stub, who };
}

/** An offer as a zone makes it: one order, a minute to answer. */
function offer(): Offer {
  const orderId = crypto.randomUUID();
  const { restaurant } = placement();
  return {
    offerId: crypto.randomUUID(),
    zone: zoneOf(HERE),
    orderIds: [orderId],
    restaurant: { ...restaurant, location: HERE },
    dropoffs: [{ orderId, lat: HERE.lat, lng: HERE.lng, text: "Home", customerName: "Ada" }],
    earningsCents: 500,
    readyBy: new Date(Date.now() + 60_000).toISOString(),
    pickupEta: new Date(Date.now() + 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

async function phoneOf(stub: DurableObjectStub, who: Principal) {
  const response = await stub.fetch("http://actor/", {
    headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(who) },
  });
  const ws = response.webSocket!;
  ws.accept();
  const inbox = new SocketInbox<DriverServerMessage>(ws);
  await inbox.next((m) => m.type === "state");
  return { ws, inbox };
}

describe("a courier's offers", () => {
  it("refuses a second, different offer while holding one, and keeps the first", async () => {
    const courier = await onlineDriver();
    const phone = await phoneOf(courier.stub, courier.who);
    const first = offer();
    const second = offer();

    expect(await courier.stub.offer(first)).toEqual({ ok: true, value: null });
    const refused = await courier.stub.offer(second);
    expect(!refused.ok && refused.error.code).toBe("driver.busy");
    // The same offer again (a zone retrying) is no conflict.
    expect((await courier.stub.offer(first)).ok).toBe(true);

    const view = await courier.stub.view(courier.who);
    expect(view.ok && view.value.offer?.offerId).toBe(first.offerId);
    phone.ws.send(JSON.stringify({ type: "ping" }));
    await phone.inbox.next((m) => m.type === "pong");
    const shown = phone.inbox.ofType("offer") as Extract<DriverServerMessage, { type: "offer" }>[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.map((m) => m.offer.offerId)).not.toContain(second.offerId);
  });

  it("takes another offer once the first is declined", async () => {
    const courier = await onlineDriver();
    const first = offer();
    expect((await courier.stub.offer(first)).ok).toBe(true);
    const declined = await courier.stub.driverCommand(courier.who, {
      type: "decline_offer",
      commandId: "no",
      offerId: first.offerId,
    });
    expect(declined.ok).toBe(true);

    const next = offer();
    expect((await courier.stub.offer(next)).ok).toBe(true);
    const view = await courier.stub.view(courier.who);
    expect(view.ok && view.value.offer?.offerId).toBe(next.offerId);
  });
});
