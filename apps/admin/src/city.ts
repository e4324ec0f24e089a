import type { ActiveOrder } from "../../../schema/admin.ts";
import type { ZoneSnapshot } from "../../../schema/zone.ts";

/** Couriers free for an offer (the zone also lists those on a job, for the map). */
export function idleOf(zone: ZoneSnapshot | undefined): number {
  return zone ? zone.drivers.filter((d) => d.state !== "busy").length : 0;
}

/** Load shading: orders waiting per idle courier, 0 (calm, pale) to 1 (short of couriers). */
export function loadOf(zone: ZoneSnapshot | undefined): number {
  if (!zone) return 0;
  const waiting = zone.orders.length;
  if (waiting === 0) return 0;
  return Math.min(1, waiting / (idleOf(zone) + 1));
}

/**
 * How far along an order is, as the city map tells orders apart: the kitchen's status until a
 * courier has it, then "with courier" until the pickup, then "picked up" until the door.
 */
export type OrderPhase =
  | "placed"
  | "accepted"
  | "preparing"
  | "ready"
  | "with_courier"
  | "picked_up";

export const ORDER_PHASES: readonly OrderPhase[] = [
  "placed",
  "accepted",
  "preparing",
  "ready",
  "with_courier",
  "picked_up",
];

/** Each phase's words, pin letter and colour (dark enough for white text on it). */
export const PHASE_STYLE: Record<OrderPhase, { label: string; glyph: string; color: string }> = {
  placed: { label: "Waiting for the kitchen", glyph: "P", color: "#be185d" },
  accepted: { label: "Accepted", glyph: "A", color: "#a16207" },
  preparing: { label: "Preparing", glyph: "K", color: "#854d0e" },
  ready: { label: "Ready for pickup", glyph: "Y", color: "#b91c1c" },
  with_courier: { label: "Courier on the way to the restaurant", glyph: "C", color: "#6d28d9" },
  picked_up: { label: "Picked up, on the way to the door", glyph: "U", color: "#1d4ed8" },
};

export function phaseOf(order: Pick<ActiveOrder, "status" | "driverStage">): OrderPhase {
  if (order.status === "picked_up") return "picked_up";
  if (order.driverStage === "assigned" || order.driverStage === "at_restaurant")
    return "with_courier";
  return order.status;
}

/** How many orders are in each phase, every phase present (zero when none). */
export function phaseCounts(orders: readonly ActiveOrder[]): Record<OrderPhase, number> {
  const counts = Object.fromEntries(ORDER_PHASES.map((p) => [p, 0])) as Record<OrderPhase, number>;
  for (const order of orders) counts[phaseOf(order)] += 1;
  return counts;
}

export type DispatchAlert = {
  orderId: string;
  zone: string;
  restaurantName: string;
  dropoffText: string;
  level: "widened" | "alerted";
  waitingSince: string;
  offered: boolean;
};

/**
 * The zones' escalations, worst first: orders nobody took for long enough that dispatch alerted
 * the admins, then those whose search it widened; the longest waiting first within each.
 */
export function dispatchAlerts(zones: readonly ZoneSnapshot[]): DispatchAlert[] {
  const alerts: DispatchAlert[] = [];
  for (const zone of zones) {
    for (const order of zone.orders) {
      if (order.escalation === "none") continue;
      alerts.push({
        orderId: order.orderId,
        zone: zone.zone,
        restaurantName: order.restaurant.name,
        dropoffText: order.dropoff.text,
        level: order.escalation,
        waitingSince: order.waitingSince,
        offered: order.offeredTo !== null,
      });
    }
  }
  const rank = { alerted: 0, widened: 1 } as const;
  return alerts.sort(
    (a, b) => rank[a.level] - rank[b.level] || a.waitingSince.localeCompare(b.waitingSince),
  );
}
