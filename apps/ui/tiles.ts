/**
 * The map's tiles when the build names no VITE_TILE_URL: OpenStreetMap's standard layer. The
 * pages' Content-Security-Policy (apps/page-headers.ts) allows images from the same origin.
 */
export const DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
