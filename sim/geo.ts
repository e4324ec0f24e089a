import { distanceM, EARTH_RADIUS_M } from "../domain/geo.ts";
import { between, chance, type Random } from "../domain/random.ts";
import type { LatLng } from "../schema/geo.ts";

/**
 * Metres in a degree of latitude on the sphere `distanceM` measures, so a shift and the distance
 * it covers agree; a degree of longitude is this times cos(latitude).
 */
const METRES_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;

/**
 * How far `to` lies east and north of `from`, in metres, on a local flat earth: exact enough over
 * a city (errors well under a metre across 20 km) for moving a courier along a street grid.
 */
export function offsetM(from: LatLng, to: LatLng): { east: number; north: number } {
  const cos = Math.cos((from.lat * Math.PI) / 180);
  return {
    east: (to.lng - from.lng) * METRES_PER_DEGREE * cos,
    north: (to.lat - from.lat) * METRES_PER_DEGREE,
  };
}

/** The point `east` and `north` metres from `from`. */
export function shiftM(from: LatLng, east: number, north: number): LatLng {
  const cos = Math.cos((from.lat * Math.PI) / 180);
  return {
    lat: from.lat + north / METRES_PER_DEGREE,
    lng: from.lng + east / (METRES_PER_DEGREE * cos),
  };
}

/** Compass heading from `a` to `b`, degrees clockwise from north in [0, 360). */
export function headingDeg(a: LatLng, b: LatLng): number {
  const { east, north } = offsetM(a, b);
  const deg = (Math.atan2(east, north) * 180) / Math.PI;
  return (deg + 360) % 360;
}

/** A uniformly random point within `radiusM` of `center`. */
export function pointNear(rng: Random, center: LatLng, radiusM: number): LatLng {
  const r = radiusM * Math.sqrt(rng.next());
  const angle = between(rng, 0, 2 * Math.PI);
  return shiftM(center, r * Math.cos(angle), r * Math.sin(angle));
}

/**
 * A route on a street grid: streets run north-south and east-west, so a courier drives one leg
 * along each, turning once at the corner (which corner is up to the driver). Short hops (under a
 * block) go straight, as a courier cuts across a parking lot. Waypoints exclude `from`.
 */
export function planRoute(rng: Random, from: LatLng, to: LatLng, blockM = 120): LatLng[] {
  const { east, north } = offsetM(from, to);
  if (Math.abs(east) < blockM || Math.abs(north) < blockM) return [to];
  const corner = chance(rng, 0.5) ? shiftM(from, east, 0) : shiftM(from, 0, north);
  return [corner, to];
}

/**
 * Moves `distance` metres along `route` from `position`: where it ends up and the waypoints still
 * ahead. Waypoints reached on the way are dropped; a route shorter than the distance ends at its end.
 */
export function advanceAlong(
  position: LatLng,
  route: readonly LatLng[],
  distance: number,
): { position: LatLng; route: LatLng[] } {
  let here = position;
  let left = distance;
  const ahead = [...route];
  while (ahead.length > 0 && left > 0) {
    const next = ahead[0]!;
    const gap = distanceM(here, next);
    if (gap <= left) {
      here = next;
      left -= gap;
      ahead.shift();
    } else {
      const { east, north } = offsetM(here, next);
      here = shiftM(here, (east * left) / gap, (north * left) / gap);
      left = 0;
    }
  }
  return { position: here, route: ahead };
}
