import { resolvePolicyConfig } from "./config.ts";
import { routeTimes } from "./route.ts";
import type { Assignment, Courier, RoundInput } from "./types.ts";

/**
 * The myopic baseline the policy is measured against: every waiting order, in placement order, goes
 * at once to the courier who would reach its restaurant first (busy couriers from where and when
 * their work ends), one order per trip, no bundling and no waiting for better information. Same
 * input and output as `planRound`, so the replay runs either.
 */
export function planGreedy<P>(input: RoundInput<P>): Assignment[] {
  const config = resolvePolicyConfig(input.config);
  const { nowMs, travelMs } = input;
  // Local copies: a courier given an order is busy until that route ends, for the next order.
  const couriers: Courier<P>[] = input.couriers
    .filter((courier) => courier.offAtMs === undefined || courier.offAtMs >= nowMs)
    .map((courier) => ({ ...courier }));
  const orders = input.orders
    .filter((order) => order.placedAtMs <= nowMs)
    .sort((a, b) => a.placedAtMs - b.placedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const assignments: Assignment[] = [];
  for (const order of orders) {
    let chosen: {
      courier: Courier<P>;
      start: number;
      times: ReturnType<typeof routeTimes>;
    } | null = null;
    for (const courier of couriers) {
      const start = Math.max(nowMs, courier.freeAtMs);
      const times = routeTimes(start, courier.position, order.pickup, [order], travelMs, config);
      if (times.pickupAtMs > (courier.offAtMs ?? Number.POSITIVE_INFINITY)) continue;
      if (
        !chosen ||
        times.arriveAtMs < chosen.times.arriveAtMs ||
        (times.arriveAtMs === chosen.times.arriveAtMs && courier.id < chosen.courier.id)
      ) {
        chosen = { courier, start, times };
      }
    }
    if (!chosen) continue;
    const { courier, start, times } = chosen;
    assignments.push({
      courierId: courier.id,
      restaurantId: order.restaurantId,
      orderIds: [order.id],
      departAtMs: start,
      arriveAtMs: times.arriveAtMs,
      pickupAtMs: times.pickupAtMs,
      dropoffAtMs: times.dropoffAtMs,
      endsAtMs: times.endsAtMs,
    });
    courier.freeAtMs = times.endsAtMs;
    courier.position = order.dropoff;
  }
  return assignments;
}
