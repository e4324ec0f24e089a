import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { DriverActor } from "../../durable-objects/driver/actor.ts";
import type { OrderActor } from "../../durable-objects/order/actor.ts";
import type { ActorOutbox } from "../../durable-objects/outbox/outbox.ts";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import { placement } from "../../test/builders.ts";
import { api, fund, pinClock, signUp, staffSession } from "../../test/edge-fixtures.ts";

/**
 * An actor's outbox when the real bridge (started for the pass) refuses one of its events for
 * good: an event larger than the bridge takes (413), as a bug in an actor's core might write.
 */

let admin: Session;
const T = Date.now() + 3_600_000;

beforeAll(async () => {
  admin = await staffSession("admin");
});

describe("an event the bridge refuses for good", () => {
  it("is parked after its tries, shown to admins, releasable, and the outbox flows past it", async () => {
    const request = placement();
    await fund(request.customer.id, 1_000_000);
    const stub = env.OrderActor.getByName(request.orderId);
    await pinClock(stub, T);
    const placed = await stub.place(request);
    if (!placed.ok) throw new Error(placed.error.code);
    // Behind OrderPlaced: an event of 1.2 MB (the bridge takes 1 MiB bodies), then a good one.
    await runInDurableObject(stub, async (actor: OrderActor) => {
      const outbox = (actor as unknown as { outbox: ActorOutbox }).outbox;
      outbox.record(
        request.orderId,
        [
          {
            type: "OrderNoted",
            seq: 90,
            at: new Date(T).toISOString(),
            data: { note: "x".repeat(1_200_000) },
          },
          { type: "OrderNoted", seq: 91, at: new Date(T).toISOString(), data: { note: "fine" } },
        ],
        request.traceparent,
        T,
      );
    });
    const report = async () =>
      (
        await api<PendingEvents>(`/api/admin/outbox/order/${request.orderId}`, {
          token: admin.accessToken,
        })
      ).body;

    // Each alarm is one drain; the clock moves past each backoff.
    let at = T;
    for (let drain = 0; drain < 8 && (await report()).parked.length === 0; drain++) {
      at += 20_000;
      await pinClock(stub, at);
      await runDurableObjectAlarm(stub);
    }
    const parked = await report();
    expect(parked.parked.map((e) => [e.type, e.seq, e.refusals >= 5])).toEqual([
      ["OrderNoted", 90, true],
    ]);
    expect(parked.parked[0]?.lastError).toMatch(/413/);
    // The events around it reached the bridge: the outbox is not stuck behind it.
    expect(parked.events).toEqual([]);

    const released = await api<{ released: number }>(
      `/api/admin/outbox/order/${request.orderId}/release`,
      { method: "POST", token: admin.accessToken },
    );
    expect(released.body).toEqual({ released: 1 });
    const back = await report();
    expect([back.parked, back.events.map((e) => [e.seq, e.refusals])]).toEqual([[], [[90, 0]]]);
  });

  it("is routed by kind: a courier's outbox shows the courier's events", async () => {
    const driver = await signUp("driver");
    const stub = env.DriverActor.getByName(driver.user.id);
    await runInDurableObject(stub, async (actor: DriverActor) => {
      const outbox = (actor as unknown as { outbox: ActorOutbox }).outbox;
      outbox.record(
        driver.user.id,
        [{ type: "DriverNoted", seq: 1, at: new Date(T).toISOString(), data: { note: "held" } }],
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        T,
      );
    });
    const report = await api<PendingEvents>(`/api/admin/outbox/driver/${driver.user.id}`, {
      token: admin.accessToken,
    });
    expect(report.status).toBe(200);
    expect(report.body.events.map((e) => e.type)).toEqual(["DriverNoted"]);
  });

  it("answers 404 for an owner that does not exist, and wakes no actor to say so", async () => {
    const nobody = crypto.randomUUID();
    for (const kind of ["driver", "restaurant"]) {
      const reply = await api<ErrorBody>(`/api/admin/outbox/${kind}/${nobody}`, {
        token: admin.accessToken,
      });
      expect(reply.status).toBe(404);
    }
    const zone = await api(`/api/admin/outbox/zone/8f283082a30e623`, { token: admin.accessToken });
    expect(zone.status).toBe(404);
    const made = [
      ...(await listDurableObjectIds(env.DriverActor)),
      ...(await listDurableObjectIds(env.RestaurantActor)),
    ];
    const named = [env.DriverActor.idFromName(nobody), env.RestaurantActor.idFromName(nobody)];
    expect(made.filter((id) => named.some((n) => n.equals(id)))).toEqual([]);
  });

  it("is for admins only", async () => {
    const customer = await signUp();
    const refused = await api(`/api/admin/outbox/zone/872830828ffffff`, {
      token: customer.accessToken,
    });
    expect(refused.status).toBe(403);
  });
});
