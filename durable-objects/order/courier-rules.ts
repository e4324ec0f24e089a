import { trackingEtas } from "../../domain/eta.ts";
import { distanceM } from "../../domain/geo.ts";
import { fail, ok, type Result } from "../../schema/errors.ts";
import type { Position } from "../../schema/geo.ts";
import type { Order, Tracking } from "../../schema/orders.ts";

/**
 * What the order believes of its courier, pure: where they are (the newest fix wins), whether they
 * are at the restaurant, and when watchers hear of it. The OrderActor stores and sends what these
 * answer.
 */

/**
 * A courier is "at the restaurant" within this distance: GPS in a city is good to tens of metres,
 * and a courier may wait across the street or in a car park.
 */
export const GEOFENCE_M = 150;
/** A position older than this says nothing about where the courier is now. */
export const POSITION_FRESH_MS = 2 * 60_000;
/** Customers see the courier move at most this often: smooth on a map, cheap on a phone. */
export const TRACKING_BROADCAST_MS = 1_000;
/** The kitchen's view of the courier's ETA is refreshed at most this often. */
export const KITCHEN_ETA_MS = 15_000;

/** While the food is on its way to someone, the order follows its courier. */
export function isTracked(order: Pick<Order, "status">): boolean {
  return (
    order.status === "accepted" ||
    order.status === "preparing" ||
    order.status === "ready" ||
    order.status === "picked_up"
  );
}

/**
 * The tracking after a fix from `driverId`, or null when the fix changes nothing: the order is
 * not theirs, not under way, or the fix is older than the one held (a courier's fixes are handed
 * on without waiting for each to land, so one may overtake another).
 */
export function trackingAfter(
  order: Order,
  held: Tracking | null,
  driverId: string,
  position: Position,
  nowMs: number,
): Tracking | null {
  if (order.driverId !== driverId || !isTracked(order)) return null;
  if (held?.driverId === driverId && Date.parse(position.at) < Date.parse(held.position.at)) {
    return null;
  }
  return { driverId, position, ...trackingEtas(order, position, nowMs) };
}

/**
 * Arriving and picking up count only near the restaurant, on a fix fresh enough to say where the
 * courier is now: the step's own position if the phone sent one, else the last tracked.
 */
export function atRestaurant(
  order: Pick<Order, "restaurant">,
  position: Position | null,
  nowMs: number,
): Result<null> {
  const fresh = position !== null && nowMs - Date.parse(position.at) <= POSITION_FRESH_MS;
  const awayM = position ? distanceM(position, order.restaurant.location) : null;
  if (!fresh || awayM === null || awayM > GEOFENCE_M) {
    return fail("order.not_at_restaurant", `be within ${GEOFENCE_M} m of the restaurant first`, {
      distanceM: awayM === null ? null : Math.round(awayM),
    });
  }
  return ok(null);
}
