import { type CourierState, Execution, type RouteTiming } from "./execution.ts";
import type { Instance } from "./instance.ts";
import type { Solution } from "./solution.ts";

/**
 * The reference the policy must beat: orders taken in order of ready time, each given to the
 * courier who can pick it up soonest, setting off at max(courier free, placement), one order per
 * trip. Simple, and strong where couriers are plentiful, because every courier is sent the moment
 * an order exists. It is not online: taking orders by ready time, it gives a courier to an order
 * placed later before one placed earlier but ready later, which no dispatcher can do at the time
 * the earlier one is placed. The policy should beat it anyway.
 */
export function planReference(instance: Instance): { solution: Solution; undelivered: string[] } {
  const execution = new Execution(instance);
  // Ties keep the files' order, orders and couriers alike: the rule as stated, nothing added.
  const byReady = [...instance.orders].sort((a, b) => a.readyTime - b.readyTime);
  const undelivered: string[] = [];
  for (const order of byReady) {
    const restaurant = instance.restaurantById.get(order.restaurantId)!;
    let best: { courier: CourierState; timing: RouteTiming; t: number } | null = null;
    for (const courier of execution.couriers) {
      const t = Math.max(order.placementTime, courier.onTime);
      const timing = execution.timing(courier, restaurant, order.readyTime, t);
      if (timing.pickup > courier.offTime) continue;
      if (!best || timing.pickup < best.timing.pickup) {
        best = { courier, timing, t };
      }
    }
    if (!best) {
      undelivered.push(order.id);
      continue;
    }
    execution.carryOut({ courierId: best.courier.id, orderIds: [order.id] }, best.t);
  }
  return { solution: execution.result(), undelivered };
}
