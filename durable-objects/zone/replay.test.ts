import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { cellToLatLng } from "h3-js";
import { describe, expect, it } from "vitest";
import { defaultDispatchPolicy } from "../../dispatch/escalation.ts";
import { planRound } from "../../dispatch/round.ts";
import { zoneOf } from "../../domain/cells.ts";
import { intBetween, seeded } from "../../domain/random.ts";
import { parseInstance } from "../../infra/mdrp/instance.ts";
import { simulate } from "../../infra/mdrp/simulate.ts";
import type { LatLng } from "../../schema/geo.ts";
import { dispatchWorld, offerOf, onlineDriver, T } from "../../test/dispatch-world.ts";
import type { ZoneActor } from "./actor.ts";

/**
 * What the live zone does is what the replay does: a small MDRP day, played through a ZoneActor
 * in workerd on an injected clock (a round each minute, as the replay), its couriers real
 * DriverActors, and replayed offline; the zone's offers must be the replay's assignments, minute
 * by minute. The replay is shown what a zone knows today: idle couriers and waiting orders (no
 * couriers still on a route, no forecast).
 */
const { spot } = dispatchWorld(-40, -60.5);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const METERS_PER_MINUTE = 100;

/** A day of 14 orders at 3 restaurants and 4 couriers, all within 800 m of the zone's centre. */
function day() {
  const rng = seeded(12);
  const point = () => {
    const angle = rng.next() * 2 * Math.PI;
    const r = 800 * Math.sqrt(rng.next());
    return [Math.round(r * Math.cos(angle)), Math.round(r * Math.sin(angle))] as const;
  };
  const restaurants = ["r1", "r2", "r3"].map((id) => [id, ...point()].join("\t"));
  const couriers = ["c1", "c2", "c3", "c4"].map((id) => [id, ...point(), 0, 300].join("\t"));
  let placed = 0;
  const orders = Array.from({ length: 14 }, (_, i) => {
    placed += intBetween(rng, 0, 7);
    const ready = placed + intBetween(rng, 3, 20);
    return [`o${i + 1}`, ...point(), placed, `r${intBetween(rng, 1, 3)}`, ready].join("\t");
  });
  return parseInstance("zone-day", {
    restaurants: `restaurant\tx\ty\n${restaurants.join("\n")}\n`,
    orders: `order\tx\ty\tplacement_time\trestaurant\tready_time\n${orders.join("\n")}\n`,
    couriers: `courier\tx\ty\ton_time\toff_time\n${couriers.join("\n")}\n`,
    parameters:
      "meters_per_minute\tpickup service minutes\tdropoff service minutes\ttarget click-to-door\t" +
      `maximum click-to-door\tpay per order\tguaranteed pay per hour\n${METERS_PER_MINUTE}\t4\t4\t40\t90\t10\t15\n`,
  });
}

/** Ids as uuids that sort as the instance's ids do, so ties break the same way in both. */
function uuidOf(prefix: number, rank: number, shift = 0): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  return `${hex(prefix, 2)}${hex(rank, 6)}-0000-4000-8000-${hex(shift, 12)}`;
}

describe("the live zone and the replay", () => {
  it("make the same offers, minute by minute, through a small MDRP day", async () => {
    const instance = day();
    const replay = simulate(instance, {
      dispatch: planRound,
      roundMinutes: 1,
      showBusyCouriers: false,
      forecast: false,
    });
    expect(replay.undelivered).toEqual([]);

    // The instance's metres, laid out around the zone's centre; travel as the instance times it.
    const zoneId = zoneOf(await spot());
    const [lat0, lng0] = cellToLatLng(zoneId);
    const perLng = 111_320 * Math.cos((lat0 * Math.PI) / 180);
    const at = (x: number, y: number): LatLng => ({
      lat: lat0 + y / 111_320,
      lng: lng0 + x / perLng,
    });
    const metres = (p: LatLng) => [
      Math.round((p.lng - lng0) * perLng),
      Math.round((p.lat - lat0) * 111_320),
    ];
    const travel = (a: LatLng, b: LatLng) => {
      const [ax, ay] = metres(a);
      const [bx, by] = metres(b);
      return Math.ceil(Math.hypot(bx! - ax!, by! - ay!) / METERS_PER_MINUTE) * MINUTE;
    };
    for (const p of [...instance.restaurants, ...instance.orders, ...instance.couriers]) {
      expect(zoneOf(at(p.x, p.y))).toBe(zoneId);
    }

    const rank = (ids: string[]) => new Map([...ids].sort().map((id, i) => [id, i]));
    const orderRank = rank(instance.orders.map((o) => o.id));
    const courierRank = rank(instance.couriers.map((c) => c.id));
    const restaurantRank = rank(instance.restaurants.map((r) => r.id));
    const orderOf = new Map(instance.orders.map((o) => [uuidOf(1, orderRank.get(o.id)!), o.id]));

    const zone = env.ZoneActor.getByName(zoneId);
    const setClock = (atMs: number) =>
      runInDurableObject(zone, (actor: ZoneActor) => {
        actor.clock = () => atMs;
      });
    await runInDurableObject(zone, (actor: ZoneActor) => {
      actor.travel = travel;
      // A round a minute, as the replay; nothing escalated or forgotten over the day.
      actor.policy = {
        ...defaultDispatchPolicy,
        roundMs: MINUTE,
        ampleSupply: 0,
        searchRadiusM: 5_000,
        widenedRadiusM: 5_000,
        widenAfterMs: DAY,
        alertAfterMs: DAY,
        giveUpAfterMs: DAY,
        driverStaleMs: DAY,
      };
    });

    type Live = { courierId: string; stub: Awaited<ReturnType<typeof onlineDriver>> };
    const online = new Map<string, Live>();
    const freeAt = new Map(
      instance.couriers.map((c) => [c.id, { minute: c.onTime, x: c.x, y: c.y }]),
    );
    const shifts = new Map<string, number>();
    const seen: string[] = [];
    const expected: string[] = [];
    const last = Math.max(...replay.solution.assignments.map((a) => a.assignmentTime));
    for (let t = 0; t <= last; t++) {
      await setClock(T + t * MINUTE);
      // Couriers free by now come online where they are (a fresh DriverActor per stint, so no
      // GPS fix jumps across town in no time).
      for (const [courierId, free] of freeAt) {
        if (free.minute > t || online.has(courierId)) continue;
        const shift = (shifts.get(courierId) ?? 0) + 1;
        shifts.set(courierId, shift);
        const stub = await onlineDriver(
          at(free.x, free.y),
          uuidOf(2, courierRank.get(courierId)!, shift),
        );
        online.set(courierId, { courierId, stub });
      }
      for (const order of instance.orders.filter((o) => o.placementTime === t)) {
        const restaurant = instance.restaurantById.get(order.restaurantId)!;
        const orderId = uuidOf(1, orderRank.get(order.id)!);
        await zone.orderChanged(
          orderId,
          {
            kind: "waiting",
            request: {
              orderId,
              restaurant: {
                id: uuidOf(3, restaurantRank.get(restaurant.id)!),
                name: restaurant.id,
                location: at(restaurant.x, restaurant.y),
                address: restaurant.id,
              },
              dropoff: { orderId, ...at(order.x, order.y), text: order.id, customerName: "Ada" },
              placedAt: new Date(T + order.placementTime * MINUTE).toISOString(),
              readyBy: new Date(T + order.readyTime * MINUTE).toISOString(),
              earningsCents: 500,
            },
          },
          1,
        );
      }
      await runDurableObjectAlarm(zone);

      for (const a of replay.solution.assignments.filter((a) => a.assignmentTime === t)) {
        expected.push(`${t} ${a.courierId} ${[...a.orderIds].sort().join("+")}`);
      }
      for (const live of [...online.values()]) {
        const offer = await offerOf(live.stub.stub, live.stub.who);
        if (!offer) continue;
        const ids = offer.orderIds.map((id) => orderOf.get(id)!);
        seen.push(`${t} ${live.courierId} ${[...ids].sort().join("+")}`);
        // The courier takes it: the orders tell the zone, the courier rides off (out of the
        // zone's index) until its route ends, as the replay times it.
        for (const id of offer.orderIds) {
          await zone.orderChanged(id, { kind: "assigned", driverId: live.stub.id }, 2);
        }
        await live.stub.stub.driverCommand(live.stub.who, { type: "go_offline", commandId: "off" });
        online.delete(live.courierId);
        const route = replay.solution.orders.filter((o) => ids.includes(o.orderId));
        const lastDrop = route.reduce((a, b) => (b.dropoffTime > a.dropoffTime ? b : a));
        const door = instance.orderById.get(lastDrop.orderId)!;
        freeAt.set(live.courierId, {
          minute: Math.ceil(lastDrop.dropoffTime + instance.parameters.dropoffServiceMinutes / 2),
          x: door.x,
          y: door.y,
        });
      }
      expect(seen).toEqual(expected);
    }
    expect(seen).toHaveLength(replay.solution.assignments.length);
  });
});
