import { gridDisk, latLngToCell } from "h3-js";
import { CELL_RESOLUTION, type LatLng, ZONE_RESOLUTION } from "../schema/geo.ts";

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The block-sized H3 cell a point is in. */
export function cellOf(point: LatLng): string {
  return latLngToCell(point.lat, point.lng, CELL_RESOLUTION);
}

/** The district-sized H3 zone a point is in: the unit a ZoneActor owns. */
export function zoneOf(point: LatLng): string {
  return latLngToCell(point.lat, point.lng, ZONE_RESOLUTION);
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

/**
 * How the platform estimates a ride until a routing engine is plugged in: straight-line distance
 * times a detour factor (city streets are rarely straight; ~1.3-1.4 is typical of grid cities)
 * over an average courier speed. One function, so swapping in real routing is one change.
 */
export type TravelModel = { speedMps: number; detourFactor: number };

/** 25 km/h door to door, traffic and parking included: a mix of bikes, scooters and cars. */
export const defaultTravelModel: TravelModel = { speedMps: 25_000 / 3_600, detourFactor: 1.35 };

export function travelMs(
  from: LatLng,
  to: LatLng,
  model: TravelModel = defaultTravelModel,
): number {
  return Math.round(((distanceM(from, to) * model.detourFactor) / model.speedMps) * 1000);
}
