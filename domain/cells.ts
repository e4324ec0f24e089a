import { getResolution, gridDisk, isValidCell, latLngToCell } from "h3-js";
import { CELL_RESOLUTION, type LatLng, ZONE_RESOLUTION } from "../schema/geo.ts";

/**
 * Where things are on the H3 grid: zones at a coarse resolution (a district, the unit a ZoneActor
 * owns) and cells at a fine one (a block), as ARCHITECTURE.md's "Geography" says.
 */

/** The block-sized H3 cell a point is in. */
export function cellOf(point: LatLng): string {
  return latLngToCell(point.lat, point.lng, CELL_RESOLUTION);
}

/** The district-sized H3 zone a point is in: the unit a ZoneActor owns. */
export function zoneOf(point: LatLng): string {
  return latLngToCell(point.lat, point.lng, ZONE_RESOLUTION);
}

/** Whether `id` names a zone: a valid H3 cell at the zones' resolution. */
export function isZone(id: string): boolean {
  return isValidCell(id) && getResolution(id) === ZONE_RESOLUTION;
}

/**
 * Shortest distance between the centres of two neighbouring zone cells: sqrt(3) times the
 * res-7 hexagon's ~1.22 km edge, less a margin because hexagons vary in size across the globe.
 */
const ZONE_CENTRE_SPACING_M = 1_900;

/**
 * Every zone that may hold a point within `radiusM` of `point`: grid rings out from the point's
 * zone, enough of them to cover the radius with a ring to spare for the hexagon's own size.
 */
export function zonesWithin(point: LatLng, radiusM: number): string[] {
  const rings = Math.ceil(radiusM / ZONE_CENTRE_SPACING_M) + 1;
  return gridDisk(zoneOf(point), rings);
}
