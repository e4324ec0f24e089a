import type { DispatchRequest, Job } from "../../schema/dispatch.ts";
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
 * What the order asks of its zone: a driver, while it is accepted and unassigned; nothing
 * (null) once it has one, is picked up, or is over.
 */
export function dispatchRequestOf(order: Order): DispatchRequest | null {
  const needsDriver =
    (order.status === "accepted" || order.status === "preparing" || order.status === "ready") &&
    order.driverStage === "unassigned";
  if (!needsDriver || !order.readyBy) return null;
  return {
    orderId: order.id,
    restaurant: order.restaurant,
    dropoff: dropoffOf(order),
    placedAt: order.placedAt,
    readyBy: order.readyBy,
    earningsCents: driverEarningsCents(order),
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
