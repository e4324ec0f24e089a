import type { Point } from "../../ui/motion.ts";

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance in metres (haversine); plenty exact across a city. */
export function distanceM(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

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
