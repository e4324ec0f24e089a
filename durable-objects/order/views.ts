import type { DispatchNeed, Job } from "../../schema/dispatch.ts";
import type { Order } from "../../schema/orders.ts";

/** What the courier earns on an order: the delivery fee and the whole tip. */
export function driverEarningsCents(order: Order): number {
  return order.pricing.deliveryFeeCents + order.pricing.tipCents;
}

/** The order as its courier's app needs it. */
export function jobOf(order: Order): Job {
  return {
    orderId: order.id,
    driverId: order.driverId,
    restaurant: order.restaurant,
    dropoff: dropoffOf(order),
    status: order.status,
    driverStage: order.driverStage,
    readyBy: order.readyBy,
    earningsCents: driverEarningsCents(order),
    version: order.version,
  };
}

/**
 * What the order asks of its zone: a courier while the kitchen has it and nobody carries it;
 * once someone does, who (so the zone closes that courier's offer as accepted); nothing once over.
 */
export function dispatchNeedOf(order: Order): DispatchNeed {
  const over =
    order.status === "delivered" || order.status === "cancelled" || order.status === "rejected";
  if (over) return { kind: "closed" };
  if (order.driverId !== null) return { kind: "assigned", driverId: order.driverId };
  const kitchenHasIt =
    order.status === "accepted" || order.status === "preparing" || order.status === "ready";
  if (!kitchenHasIt || order.driverStage !== "unassigned" || !order.readyBy)
    return { kind: "closed" };
  return {
    kind: "waiting",
    request: {
      orderId: order.id,
      restaurant: order.restaurant,
      dropoff: dropoffOf(order),
      placedAt: order.placedAt,
      readyBy: order.readyBy,
      earningsCents: driverEarningsCents(order),
    },
  };
}

function dropoffOf(order: Order) {
  return {
    orderId: order.id,
    lat: order.deliveryAddress.lat,
    lng: order.deliveryAddress.lng,
    text: order.deliveryAddress.text,
    customerName: order.customerName.split(" ")[0] ?? order.customerName,
  };
}
