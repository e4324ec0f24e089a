import type { LatLng } from "../schema/geo.ts";
import type { Order, Tracking } from "../schema/orders.ts";
import { defaultTravelModel, type TravelModel, travelMs } from "./geo.ts";

/**
 * Delivery times, pure. The same arithmetic quotes a delivery time before checkout and refreshes
 * the ETAs as the courier moves, so what the customer was promised and what they then see are
 * computed alike.
 */

/** Parking, walking in, the hand-over: the MDRP instances use 4 minutes at each end. */
export const PICKUP_SERVICE_MS = 4 * 60_000;
export const DROPOFF_SERVICE_MS = 4 * 60_000;

/** The ETAs to the restaurant and to the door, from where the courier is now. */
export function trackingEtas(
  order: Pick<Order, "status" | "readyBy" | "restaurant" | "deliveryAddress">,
  position: LatLng,
  nowMs: number,
  model: TravelModel = defaultTravelModel,
): Pick<Tracking, "pickupEta" | "dropoffEta"> {
  const ride = travelMs(order.restaurant.location, order.deliveryAddress, model);
  if (order.status === "picked_up") {
    return {
      pickupEta: null,
      dropoffEta: iso(
        nowMs + travelMs(position, order.deliveryAddress, model) + DROPOFF_SERVICE_MS / 2,
      ),
    };
  }
  const arrival = nowMs + travelMs(position, order.restaurant.location, model);
  const readyMs = order.readyBy ? Date.parse(order.readyBy) : arrival;
  const pickup = Math.max(arrival + PICKUP_SERVICE_MS / 2, readyMs);
  return {
    pickupEta: iso(pickup),
    dropoffEta: iso(pickup + PICKUP_SERVICE_MS / 2 + ride + DROPOFF_SERVICE_MS / 2),
  };
}

/**
 * Minutes from checkout to the door: the kitchen's prep, or the wait for a courier to reach the
 * restaurant if that is longer, then the ride. With no courier in the zone, a courier is assumed
 * to come from the next zone out (`noSupplyReachMs`).
 */
export function quoteMinutes(input: {
  prepMinutes: number;
  nearestDriverMs: number | null;
  pendingOrders: number;
  availableDrivers: number;
  restaurant: LatLng;
  dropoff: LatLng;
  model?: TravelModel;
}): number {
  const noSupplyReachMs = 15 * 60_000;
  // A backlog larger than the idle fleet means waiting for couriers to come free: add a share of
  // a typical trip per order in excess.
  const backlogMs = Math.max(0, input.pendingOrders - input.availableDrivers) * 4 * 60_000;
  const reachMs = (input.nearestDriverMs ?? noSupplyReachMs) + backlogMs;
  const pickupMs = Math.max(input.prepMinutes * 60_000, reachMs + PICKUP_SERVICE_MS / 2);
  const total =
    pickupMs +
    PICKUP_SERVICE_MS / 2 +
    travelMs(input.restaurant, input.dropoff, input.model) +
    DROPOFF_SERVICE_MS / 2;
  return Math.ceil(total / 60_000);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
