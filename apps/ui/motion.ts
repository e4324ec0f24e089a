export type Point = { lat: number; lng: number };

/**
 * Where a marker gliding from `from` to `to` is at `elapsedMs` into a glide of `durationMs`:
 * linear between fixes, which at a block's scale is indistinguishable from the road.
 */
export function glide(from: Point, to: Point, elapsedMs: number, durationMs: number): Point {
  const t = durationMs <= 0 ? 1 : Math.min(1, Math.max(0, elapsedMs / durationMs));
  return { lat: from.lat + (to.lat - from.lat) * t, lng: from.lng + (to.lng - from.lng) * t };
}
