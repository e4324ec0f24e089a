import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { defaultDispatchPolicy } from "../dispatch/escalation.ts";
import { zoneOf } from "../domain/cells.ts";
import type { DriverActor } from "../durable-objects/driver/actor.ts";
import { PRINCIPAL_HEADER } from "../durable-objects/sockets.ts";
import { accountId, walletOf } from "../ledger/chart.ts";
import { ensureAccounts, lookupAccounts } from "../ledger/engine.ts";
import type { Principal } from "../schema/auth.ts";
import type { Offer } from "../schema/dispatch.ts";
import type { LatLng } from "../schema/geo.ts";
import { placement, principals } from "./builders.ts";
import { database, pinClock } from "./edge-fixtures.ts";
import { SocketInbox } from "./socket-inbox.ts";

/**
 * Dispatch end to end inside workerd, for the actor tests: orders, their zone and couriers, each
 * a real actor. Order and zone clocks are pinned an hour ahead so nothing fires on its own; tests
 * move them and run alarms. Couriers report fixes on the wall clock, as phones do.
 */
export const T = Date.now() + 3_600_000;

/**
 * A world for one test file, whose spots lie along the meridian `lng`, from latitude `fromLat`
 * northwards. Test files that share workerd pick meridians far apart.
 */
export function dispatchWorld(fromLat: number, lng: number) {
  let spots = 0;
  return {
    /**
     * A fresh spot per test, 55 km from every other, so no test's zone (or its neighbours) holds
     * another test's couriers or orders; its zone's clock is pinned first, so every courier and
     * order it hears of is dated on that clock.
     */
    async spot(): Promise<LatLng> {
      const point = { lat: fromLat + spots++ * 0.5, lng };
      await pinClock(env.ZoneActor.getByName(zoneOf(point)), T);
      return point;
    },
  };
}

export function near(point: LatLng, northM: number): LatLng {
  return { lat: point.lat + northM / 111_320, lng: point.lng };
}

export async function onlineDriver(at: LatLng, id: string = crypto.randomUUID()) {
  const stub = env.DriverActor.getByName(id);
  const who: Principal = { userId: id, role: "driver" };
  expect((await stub.driverCommand(who, { type: "go_online", commandId: "online" })).ok).toBe(true);
  expect((await stub.fix(who, { ...at, accuracyM: 5, at: Date.now() })).ok).toBe(true);
  return { id, stub, who };
}

/**
 * An order at `restaurant`, placed and accepted at `atMs` on the order's clock, with 1 minute of
 * prep (so dispatch cannot wait) by default.
 */
export async function acceptedOrder(
  restaurant: LatLng,
  partial: Parameters<typeof placement>[0] = {},
  { prepMinutes = 1, atMs = T }: { prepMinutes?: number; atMs?: number } = {},
) {
  const base = placement();
  const request = placement({
    restaurant: { ...base.restaurant, location: restaurant },
    deliveryAddress: { ...near(restaurant, 1_500), text: "Home" },
    ...partial,
  });
  const stub = env.OrderActor.getByName(request.orderId);
  await pinClock(stub, atMs);
  const placed = await stub.place(request);
  if (!placed.ok) throw new Error(placed.error.code);
  const staff = { ...principals.staff, restaurantId: request.restaurant.id };
  const accepted = await stub.command(
    staff,
    { type: "accept", prepMinutes },
    null,
    request.traceparent,
  );
  if (!accepted.ok) throw new Error(accepted.error.code);
  return { stub, request, zone: env.ZoneActor.getByName(zoneOf(restaurant)), staff };
}

/** Runs the zone's next round at `atMs` (a round is due one round after the order arrived). */
export async function round(zone: DurableObjectStub, atMs: number): Promise<void> {
  await pinClock(zone, atMs + defaultDispatchPolicy.roundMs);
  await runDurableObjectAlarm(zone);
}

export async function offerOf(
  driver: DurableObjectStub<DriverActor>,
  who: Principal,
): Promise<Offer | null> {
  const view = await driver.view(who);
  return view.ok ? view.value.offer : null;
}

/** A customer's wallet as the ledger has it: posted balance and what is held pending. */
export async function walletBalance(customerId: string): Promise<{ posted: number; held: number }> {
  const { db, close } = database();
  try {
    const ref = walletOf(customerId);
    await ensureAccounts(db, [ref]);
    const [account] = await lookupAccounts(db, [accountId(ref)]);
    return {
      posted: account!.creditsPosted - account!.debitsPosted,
      held: account!.debitsPending - account!.creditsPending,
    };
  } finally {
    await close();
  }
}

/** A socket on an actor, as the gateway opens it for `who`. */
export async function socket<M>(stub: DurableObjectStub, who: Principal) {
  const response = await stub.fetch("http://actor/", {
    headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: JSON.stringify(who) },
  });
  const ws = response.webSocket!;
  ws.accept();
  return { ws, inbox: new SocketInbox<M>(ws) };
}
