import type { LatLng } from "../schema/geo.ts";

/** The mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

/**
 * Great-circle distance in metres (haversine): the one distance of the platform, from the dispatch
 * policy's travel times to the courier app's simulated ride. h3-js has one too
 * (`greatCircleDistance`), but it crosses into its compiled core on every call, about ten times
 * slower than this inline formula, and the matching round calls it tens of thousands of times.
 */
export function distanceM(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
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
