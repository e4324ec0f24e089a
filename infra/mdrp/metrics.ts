import { type Instance, type InstanceOrder, travelMinutes } from "./instance.ts";
import { ON_LOCATION, type Solution } from "./solution.ts";

/**
 * The published MDRP metrics of a solution (Reyes et al. 2018): orders delivered, click-to-door
 * and its overage past the target, ready-to-pickup, ready-to-door, courier utilization, total
 * pay with the hourly guarantee, and the share of couriers paid the guarantee. Times in minutes.
 */

export type Distribution = {
  n: number;
  mean: number;
  sd: number;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
};

export type Metrics = {
  ordersTotal: number;
  ordersDelivered: number;
  clickToDoor: Distribution;
  /** Share of delivered orders with click-to-door at most the target. */
  withinTargetShare: number;
  /** Click-to-door minutes beyond the target, 0 for orders within it. */
  overage: Distribution;
  readyToPickup: Distribution;
  readyToDoor: Distribution;
  /** Share of all couriers' duty time spent driving or in service. */
  courierUtilization: number;
  totalPay: number;
  /** Share of couriers whose per-order earnings fell short of the hourly guarantee. */
  guaranteeShare: number;
  bundledShare: number;
  /** Mean of the delivered orders' lower bounds (`lowerBoundMinutes`). */
  lowerBoundMean: number;
  /**
   * Click-to-door over the lower bound, both summed over the delivered orders: 1 means every
   * courier was waiting at the counter when the food was ready.
   */
  ratioToLowerBound: number;
};

/**
 * The least click-to-door any dispatch could give `order`: a courier already waiting at the
 * restaurant when the food is ready, leaving with it alone, straight to the door.
 */
export function lowerBoundMinutes(instance: Instance, order: InstanceOrder): number {
  const p = instance.parameters;
  const restaurant = instance.restaurantById.get(order.restaurantId)!;
  return (
    order.readyTime -
    order.placementTime +
    p.pickupServiceMinutes / 2 +
    travelMinutes(restaurant, order, p.metersPerMinute) +
    p.dropoffServiceMinutes / 2
  );
}

export function measure(instance: Instance, solution: Solution): Metrics {
  const p = instance.parameters;
  const clickToDoor = solution.orders.map((o) => o.dropoffTime - o.placementTime);
  const ordersByCourier = new Map<string, number>();
  for (const o of solution.orders) {
    ordersByCourier.set(o.courierId, (ordersByCourier.get(o.courierId) ?? 0) + 1);
  }

  // Busy time: every leg's ride plus the services at its end (a restaurant's or a door's).
  const busyByCourier = new Map<string, number>();
  for (const move of solution.moves) {
    const courier = instance.courierById.get(move.courierId);
    if (!courier) continue;
    const from = placeOf(instance, move.origin, courier);
    const to = placeOf(instance, move.destination, courier);
    if (!from || !to) continue;
    const service = instance.restaurantById.has(move.destination)
      ? p.pickupServiceMinutes
      : p.dropoffServiceMinutes;
    const busy = travelMinutes(from, to, p.metersPerMinute) + service;
    busyByCourier.set(move.courierId, (busyByCourier.get(move.courierId) ?? 0) + busy);
  }

  let dutyMinutes = 0;
  let busyMinutes = 0;
  let totalPay = 0;
  let guaranteed = 0;
  for (const courier of instance.couriers) {
    const shiftMinutes = courier.offTime - courier.onTime;
    dutyMinutes += shiftMinutes;
    busyMinutes += busyByCourier.get(courier.id) ?? 0;
    const perOrder = p.payPerOrder * (ordersByCourier.get(courier.id) ?? 0);
    const guarantee = (p.guaranteedPayPerHour * shiftMinutes) / 60;
    totalPay += Math.max(perOrder, guarantee);
    if (perOrder < guarantee) guaranteed++;
  }
  const bundled = solution.assignments.filter((a) => a.orderIds.length > 1);
  let lowerBoundSum = 0;
  for (const o of solution.orders) {
    const order = instance.orderById.get(o.orderId);
    if (order) lowerBoundSum += lowerBoundMinutes(instance, order);
  }
  const clickToDoorSum = clickToDoor.reduce((sum, m) => sum + m, 0);

  return {
    ordersTotal: instance.orders.length,
    ordersDelivered: solution.orders.length,
    clickToDoor: distribution(clickToDoor),
    withinTargetShare:
      clickToDoor.filter((m) => m <= p.targetClickToDoorMinutes).length / (clickToDoor.length || 1),
    overage: distribution(clickToDoor.map((m) => Math.max(0, m - p.targetClickToDoorMinutes))),
    readyToPickup: distribution(solution.orders.map((o) => o.pickupTime - o.readyTime)),
    readyToDoor: distribution(solution.orders.map((o) => o.dropoffTime - o.readyTime)),
    courierUtilization: dutyMinutes > 0 ? busyMinutes / dutyMinutes : 0,
    totalPay,
    guaranteeShare: instance.couriers.length > 0 ? guaranteed / instance.couriers.length : 0,
    bundledShare:
      bundled.reduce((n, a) => n + a.orderIds.length, 0) / (solution.orders.length || 1),
    lowerBoundMean: lowerBoundSum / (solution.orders.length || 1),
    ratioToLowerBound: lowerBoundSum > 0 ? clickToDoorSum / lowerBoundSum : Number.NaN,
  };
}

function placeOf(
  instance: Instance,
  id: string,
  courier: { x: number; y: number },
): { x: number; y: number } | undefined {
  if (id === ON_LOCATION) return courier;
  return instance.restaurantById.get(id) ?? instance.orderById.get(id);
}

/** Mean, standard deviation (population), min, nearest-rank 10th/50th/90th percentiles, max. */
export function distribution(sample: readonly number[]): Distribution {
  const n = sample.length;
  if (n === 0) {
    return {
      n: 0,
      mean: Number.NaN,
      sd: Number.NaN,
      min: Number.NaN,
      p10: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      max: Number.NaN,
    };
  }
  const sorted = [...sample].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const rank = (q: number) => sorted[Math.min(n, Math.max(1, Math.ceil(q * n))) - 1]!;
  return {
    n,
    mean,
    sd,
    min: sorted[0]!,
    p10: rank(0.1),
    p50: rank(0.5),
    p90: rank(0.9),
    max: sorted[n - 1]!,
  };
}

/** One line a person can compare at a glance. */
export function summaryLine(label: string, m: Metrics): string {
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
  return [
    label.padEnd(8),
    `delivered ${m.ordersDelivered}/${m.ordersTotal}`,
    `click-to-door mean ${f(m.clickToDoor.mean)} p50 ${f(m.clickToDoor.p50)} p90 ${f(m.clickToDoor.p90)} min`,
    `within target ${f(100 * m.withinTargetShare)}%`,
    `ready-to-pickup mean ${f(m.readyToPickup.mean)} min`,
    `utilization ${f(100 * m.courierUtilization)}%`,
    `pay ${f(m.totalPay, 0)}`,
  ].join(" | ");
}
