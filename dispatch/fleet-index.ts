import { cellToLatLng, edgeLength, gridRing, originToDirectedEdges } from "h3-js";
import { cellOf } from "../domain/cells.ts";
import { distanceM, EARTH_RADIUS_M } from "../domain/geo.ts";
import type { LatLng } from "../schema/geo.ts";

/**
 * The drivers a zone can offer work to, indexed by the block-sized H3 cell they are in
 * (CELL_RESOLUTION), so "who is nearest to this restaurant" walks grid rings outward from the
 * restaurant's cell instead of measuring every driver. Pure and in memory: the ZoneActor feeds it
 * positions as they arrive and rebuilds it on start.
 */

/** A driver found by `nearest`, with the great-circle distance from the query point. */
export type NearbyDriver = { driverId: string; point: LatLng; distanceM: number };

/**
 * Largest search radius honoured. Beyond a metropolitan area straight-line distance says little
 * about travel, and a wider ring walk would touch tens of thousands of cells per query.
 */
export const SEARCH_RADIUS_M_MAX = 50_000;

/**
 * The ring bound is derived for regular hexagons (below); real H3 cells are slightly irregular and
 * vary in size across a city. Measured over cities from the equator to 64 degrees north, the bound
 * held to within 0.5% using the origin cell's shortest edge; 10% keeps a wide margin. (H3's twelve
 * pentagons, where the grid is most distorted, all lie at sea, far from any city.)
 */
const RING_BOUND_SAFETY = 0.9;

/**
 * A cell of a ring walk (a lookup of its remembered id, then of the drivers in it) costs about
 * as much as measuring one driver (bench/dispatch). When the walk, so far or as projected from the
 * drivers it has met, touches more cells than there are drivers, measuring every driver is the
 * cheaper exact answer; the walk already done then cost at most about one such scan, so a sparse
 * fleet's query costs at worst about twice a scan.
 */
const DRIVERS_PER_RING_CELL = 1;

/**
 * Measuring a cell's edges costs ~100 us (h3 walks its boundary), more than the rest of a query,
 * so it is remembered per cell. Queries come from restaurants, which do not move, so a zone asks
 * about a few hundred cells; past this many the memory is simply cleared. It is per module, not
 * per index, because a ZoneActor may build a short-lived index each round.
 */
const EDGE_CACHE_MAX = 4_096;
const shortestEdgeCache = new Map<string, number>();

export type FleetIndexOptions = {
  /**
   * Measure every driver instead of walking rings when that is less work (default true). Tests
   * turn it off to check the ring walk itself against brute force.
   */
  scanWhenCheaper?: boolean;
};

/**
 * The cells of each grid ring around a query cell, remembered per origin: queries come from
 * restaurants, which do not move, and h3 builds each ring's cell ids afresh (about a third of a
 * query's cost). Bounded by the cell ids held; past it the memory is simply cleared.
 */
const RING_CELLS_CACHED_MAX = 200_000;
const ringCache = new Map<string, string[][]>();
let ringCellsCached = 0;

function ringOf(origin: string, ring: number): readonly string[] {
  let rings = ringCache.get(origin);
  if (!rings) {
    rings = [[origin]];
    ringCache.set(origin, rings);
  }
  while (rings.length <= ring) {
    if (ringCellsCached >= RING_CELLS_CACHED_MAX) {
      ringCache.clear();
      ringCellsCached = 0;
      return ring === 0 ? [origin] : gridRing(origin, ring);
    }
    const cells = gridRing(origin, rings.length);
    ringCellsCached += cells.length;
    rings.push(cells);
  }
  return rings[ring]!;
}

const TO_RAD = Math.PI / 180;

/** An indexed driver, with the cosine of its latitude kept for the distance formula. */
type Entry = { driverId: string; point: LatLng; cell: string; cosLat: number };

export class FleetIndex {
  #drivers = new Map<string, Entry>();
  #cells = new Map<string, Set<Entry>>();
  #scanWhenCheaper: boolean;

  constructor(options: FleetIndexOptions = {}) {
    this.#scanWhenCheaper = options.scanWhenCheaper ?? true;
  }

  /** How many drivers are indexed. */
  get size(): number {
    return this.#drivers.size;
  }

  /** Adds a driver, or moves it if already indexed: a driver is in exactly one cell. */
  set(driverId: string, point: LatLng): void {
    const cell = cellOf(point);
    const current = this.#drivers.get(driverId);
    if (current) this.#leaveCell(current);
    const entry: Entry = {
      driverId,
      point: { lat: point.lat, lng: point.lng },
      cell,
      cosLat: Math.cos(point.lat * TO_RAD),
    };
    const members = this.#cells.get(cell);
    if (members) members.add(entry);
    else this.#cells.set(cell, new Set([entry]));
    this.#drivers.set(driverId, entry);
  }

  /** Removes a driver (gone offline, or busy); false when it was not indexed. */
  remove(driverId: string): boolean {
    const current = this.#drivers.get(driverId);
    if (!current) return false;
    this.#leaveCell(current);
    this.#drivers.delete(driverId);
    return true;
  }

  has(driverId: string): boolean {
    return this.#drivers.has(driverId);
  }

  /** Where a driver was last placed, or undefined. */
  positionOf(driverId: string): LatLng | undefined {
    return this.#drivers.get(driverId)?.point;
  }

  /** The cell a driver is indexed under, or undefined. */
  cellOfDriver(driverId: string): string | undefined {
    return this.#drivers.get(driverId)?.cell;
  }

  /** Ids of the drivers indexed in one cell (empty if none). */
  driversIn(cell: string): string[] {
    return [...(this.#cells.get(cell) ?? [])].map((entry) => entry.driverId);
  }

  /**
   * The `k` drivers nearest to `point` within `radiusM` metres (great-circle), nearest first, ties
   * by driver id: exactly what measuring every driver would return, found by walking grid rings
   * out from the point's cell.
   *
   * Why the walk may stop: with e the hexagons' edge length, every point outside the disk of
   * rings 0..n around a cell centre is at least (1.5n + 0.5)e from that centre (the big hexagon
   * of ring-n centres has apothem 1.5ne, and the cells reach at least e/2 beyond it). The query
   * point sits `offset` metres from its cell's centre, so anything in ring n+1 or beyond is at least
   * (1.5n + 0.5)e - offset away. Once that bound exceeds the radius, or the k-th best distance
   * found, no unseen driver can enter the answer.
   */
  nearest(point: LatLng, k: number, radiusM: number): NearbyDriver[] {
    if (k <= 0 || this.#drivers.size === 0 || !(radiusM >= 0)) return [];
    const radius = Math.min(radiusM, SEARCH_RADIUS_M_MAX);
    const { origin } = placeOf(point);
    const floorM = ringFloors(point);
    const best = new TopK(k);
    const from = new Probe(point);
    let cellsSeen = 0;
    for (let ring = 0; ; ring++) {
      const boundM = floorM(ring);
      if (boundM > radius) break;
      if (best.full && boundM > best.worstM) break;
      const ringCells = ring === 0 ? 1 : 6 * ring;
      if (this.#scanWhenCheaper && this.#scanIsCheaper(cellsSeen + ringCells, best.size, k)) {
        return this.#scan(point, k, radius);
      }
      for (const cell of ringOf(origin, ring)) {
        const members = this.#cells.get(cell);
        if (members) for (const entry of members) from.offer(entry, radius, best);
      }
      cellsSeen += ringCells;
    }
    return best.sorted();
  }

  /** The same answer as `nearest`, by measuring every driver: the reference and the fallback. */
  nearestByScan(point: LatLng, k: number, radiusM: number): NearbyDriver[] {
    if (k <= 0 || !(radiusM >= 0)) return [];
    return this.#scan(point, k, Math.min(radiusM, SEARCH_RADIUS_M_MAX));
  }

  /**
   * Whether measuring every driver is now cheaper than walking on: the walk would touch `cells`
   * cells so far, or, extrapolating from the `found` drivers it has met, more before it has `k`.
   * Extrapolating switches a sparse fleet's query early instead of after most of a wasted walk.
   */
  #scanIsCheaper(cells: number, found: number, k: number): boolean {
    const projectedCells = found >= k ? cells : (cells * k) / Math.max(found, 1);
    return Math.max(cells, projectedCells) * DRIVERS_PER_RING_CELL > this.#drivers.size;
  }

  #scan(point: LatLng, k: number, radius: number): NearbyDriver[] {
    const best = new TopK(k);
    const from = new Probe(point);
    for (const entry of this.#drivers.values()) from.offer(entry, radius, best);
    return best.sorted();
  }

  #leaveCell(entry: Entry): void {
    const members = this.#cells.get(entry.cell);
    if (!members) return;
    members.delete(entry);
    if (members.size === 0) this.#cells.delete(entry.cell);
  }
}

/**
 * One query point, measuring drivers against it: `distanceM`'s formula with both latitudes'
 * cosines computed once (the driver's when indexed), so the distances are exactly `distanceM`'s,
 * and a driver whose latitude alone puts it out of reach is skipped unmeasured.
 */
class Probe {
  readonly #point: LatLng;
  readonly #cosLat: number;

  constructor(point: LatLng) {
    this.#point = point;
    this.#cosLat = Math.cos(point.lat * TO_RAD);
  }

  offer(entry: Entry, radius: number, best: TopK): void {
    const dLat = (entry.point.lat - this.#point.lat) * TO_RAD;
    // Along a meridian is the shortest way between two latitudes.
    const reach = best.full ? Math.min(radius, best.worstM) : radius;
    if (EARTH_RADIUS_M * Math.abs(dLat) > reach * (1 + 1e-9)) return;
    const dLng = (entry.point.lng - this.#point.lng) * TO_RAD;
    const h = Math.sin(dLat / 2) ** 2 + this.#cosLat * entry.cosLat * Math.sin(dLng / 2) ** 2;
    const d = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    if (d <= radius) best.offer(d, entry.driverId, entry.point);
  }
}

/**
 * For a point, the function ring -> the least distance in metres from the point to anything in
 * that grid ring of its cell or beyond (the bound `nearest` stops on; see there for why).
 */
export function ringFloors(point: LatLng): (ring: number) => number {
  const { offsetM, edgeM } = placeOf(point);
  return (ring) => (ring <= 0 ? 0 : Math.max(0, (1.5 * (ring - 1) + 0.5) * edgeM - offsetM));
}

/** A query point's cell, its offset from the cell's centre, and the ring bound's edge length. */
type Place = { origin: string; offsetM: number; edgeM: number };

/**
 * Places remembered by coordinates: restaurants ask every round, and h3 finding the cell, its
 * centre and its edges costs more than a dense fleet's whole walk. Cleared as the edge cache is.
 */
const placeCache = new Map<string, Place>();

function placeOf(point: LatLng): Place {
  const key = `${point.lat},${point.lng}`;
  const known = placeCache.get(key);
  if (known) return known;
  const origin = cellOf(point);
  const [centreLat, centreLng] = cellToLatLng(origin);
  const place = {
    origin,
    offsetM: distanceM(point, { lat: centreLat, lng: centreLng }),
    edgeM: shortestEdgeM(origin) * RING_BOUND_SAFETY,
  };
  if (placeCache.size >= EDGE_CACHE_MAX) placeCache.clear();
  placeCache.set(key, place);
  return place;
}

function shortestEdgeM(cell: string): number {
  const known = shortestEdgeCache.get(cell);
  if (known !== undefined) return known;
  let shortest = Number.POSITIVE_INFINITY;
  for (const edge of originToDirectedEdges(cell))
    shortest = Math.min(shortest, edgeLength(edge, "m"));
  if (shortestEdgeCache.size >= EDGE_CACHE_MAX) shortestEdgeCache.clear();
  shortestEdgeCache.set(cell, shortest);
  return shortest;
}

/** The k smallest (distance, id) pairs seen so far, kept sorted; k is small (candidates). */
class TopK {
  #k: number;
  #items: NearbyDriver[] = [];

  constructor(k: number) {
    this.#k = k;
  }

  get size(): number {
    return this.#items.length;
  }

  get full(): boolean {
    return this.#items.length >= this.#k;
  }

  get worstM(): number {
    return this.#items[this.#items.length - 1]?.distanceM ?? Number.POSITIVE_INFINITY;
  }

  offer(distance: number, driverId: string, point: LatLng): void {
    const items = this.#items;
    if (this.full && !before(distance, driverId, items[items.length - 1]!)) return;
    let i = items.length;
    while (i > 0 && before(distance, driverId, items[i - 1]!)) i--;
    items.splice(i, 0, { driverId, point, distanceM: distance });
    if (items.length > this.#k) items.pop();
  }

  sorted(): NearbyDriver[] {
    return this.#items.map((item) => ({ ...item, point: { ...item.point } }));
  }
}

function before(distance: number, driverId: string, other: NearbyDriver): boolean {
  return distance < other.distanceM || (distance === other.distanceM && driverId < other.driverId);
}
