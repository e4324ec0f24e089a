import { distanceM } from "../../../domain/geo.ts";
import type { Job } from "../../../schema/dispatch.ts";
import type { Point } from "../../ui/motion.ts";

/**
 * Where a simulated courier is after `elapsedMs` at `speedMps` heading straight from `from` to
 * `to`: on the line between them, and never past `to`.
 */
export function stepToward(from: Point, to: Point, speedMps: number, elapsedMs: number): Point {
  const remaining = distanceM(from, to);
  const travelled = (speedMps * elapsedMs) / 1000;
  if (remaining === 0 || travelled >= remaining) return { lat: to.lat, lng: to.lng };
  const t = travelled / remaining;
  return { lat: from.lat + (to.lat - from.lat) * t, lng: from.lng + (to.lng - from.lng) * t };
}

/** A restaurant counter with the orders still to collect there. */
export type PickupStop = {
  kind: "pickup";
  point: Point;
  restaurant: Job["restaurant"];
  orderIds: string[];
  /** The courier has said they are at the counter (waiting for the food). */
  here: boolean;
};

/** A customer's door with the order to hand over there. */
export type DropoffStop = {
  kind: "dropoff";
  point: Point;
  dropoff: Job["dropoff"];
  orderId: string;
  /** The courier has said they are at the door (the code is next). */
  here: boolean;
};

export type Stop = PickupStop | DropoffStop;

/**
 * The stops left on the courier's jobs, in the order to drive them. A door or a counter the
 * courier is at comes first (they are there: finish it); then every counter with food still to
 * collect, so a bundle leaves the restaurant with all its orders; then the doors in the order of
 * `jobs`, which is the drop-off sequence the dispatcher planned (a bundle's offer lists its orders
 * in that sequence, and the courier's actor keeps its jobs in the offer's order).
 */
export function remainingStops(jobs: readonly Job[]): Stop[] {
  const atDoor: DropoffStop[] = [];
  const doors: DropoffStop[] = [];
  const counters = new Map<string, PickupStop>();
  for (const job of jobs) {
    const door = (here: boolean): DropoffStop => ({
      kind: "dropoff",
      point: { lat: job.dropoff.lat, lng: job.dropoff.lng },
      dropoff: job.dropoff,
      orderId: job.orderId,
      here,
    });
    switch (job.driverStage) {
      case "assigned":
      case "at_restaurant": {
        const here = job.driverStage === "at_restaurant";
        const counter = counters.get(job.restaurant.id);
        if (counter) {
          counter.orderIds.push(job.orderId);
          counter.here ||= here;
        } else {
          counters.set(job.restaurant.id, {
            kind: "pickup",
            point: job.restaurant.location,
            restaurant: job.restaurant,
            orderIds: [job.orderId],
            here,
          });
        }
        doors.push(door(false));
        break;
      }
      case "en_route":
        doors.push(door(false));
        break;
      case "at_dropoff":
        atDoor.push(door(true));
        break;
      // Unassigned and done jobs are not the courier's to drive to.
      case "unassigned":
      case "done":
        break;
    }
  }
  const pickups = [...counters.values()];
  return [...atDoor, ...pickups.filter((p) => p.here), ...pickups.filter((p) => !p.here), ...doors];
}

/** Where the simulated drive heads now: the first remaining stop, or nowhere. */
export function nextStop(jobs: readonly Job[]): Point | null {
  return remainingStops(jobs)[0]?.point ?? null;
}

/** The line the map draws: from the courier (when known) through every remaining stop. */
export function routeLine(position: Point | null, stops: readonly Stop[]): Point[] {
  const points = stops.map((s) => s.point);
  return position && points.length > 0 ? [position, ...points] : points;
}

/** What the courier does now, as the heading of the route card says it. */
export function currentStep(stops: readonly Stop[]): string {
  const first = stops[0];
  if (!first) return "All delivered";
  if (first.kind === "pickup") return first.here ? "At the restaurant" : "Head to the restaurant";
  return first.here ? "At the door" : "Head to the customer";
}
