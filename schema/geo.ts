import { z } from "zod";

export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);

/** The same, in a query string (the bounds on the number itself, so the document shows them). */
export const LatitudeParam = z.coerce.number().min(-90).max(90);
export const LongitudeParam = z.coerce.number().min(-180).max(180);

export const LatLng = z.object({ lat: Latitude, lng: Longitude });
export type LatLng = z.infer<typeof LatLng>;

/**
 * H3 resolutions used everywhere. Zones are about a district (res 7: ~5 km2, 1.2 km edge);
 * cells are about a block (res 9: ~0.1 km2, 170 m edge). One definition, so the catalog, the
 * dispatch engine and the apps never disagree about which zone a point is in.
 */
export const ZONE_RESOLUTION = 7;
export const CELL_RESOLUTION = 9;

export const H3Cell = z.string().regex(/^[0-9a-f]{15}$/);

/** A position the platform believes, with when it was taken. */
export const Position = LatLng.extend({ at: z.iso.datetime() });
export type Position = z.infer<typeof Position>;
