import fc from "fast-check";
import { gridDistance } from "h3-js";
import { describe, expect, it } from "vitest";
import { cellOf } from "../domain/cells.ts";
import { distanceM } from "../domain/geo.ts";
import type { LatLng } from "../schema/geo.ts";
import { FleetIndex, type NearbyDriver, ringFloors } from "./fleet-index.ts";

/** Cities from the equator to the far north, where H3 cells differ most in shape and size. */
const CITIES: LatLng[] = [
  { lat: 30.27, lng: -97.74 }, // Austin
  { lat: 59.91, lng: 10.75 }, // Oslo
  { lat: -0.18, lng: -78.47 }, // Quito
  { lat: -33.87, lng: 151.21 }, // Sydney
  { lat: 64.15, lng: -21.94 }, // Reykjavik
];

/** A point `northM` and `eastM` metres from `origin` (flat-earth offsets; fine at city scale). */
function offset(origin: LatLng, northM: number, eastM: number): LatLng {
  const lat = origin.lat + northM / 111_320;
  const lng = origin.lng + eastM / (111_320 * Math.cos((origin.lat * Math.PI) / 180));
  return { lat, lng };
}

/** The reference answer: every driver measured, nearest first, ties by id. */
function bruteForce(
  drivers: ReadonlyMap<string, LatLng>,
  point: LatLng,
  k: number,
  radiusM: number,
): string[] {
  return [...drivers]
    .map(([driverId, p]) => ({ driverId, d: distanceM(point, p) }))
    .filter((x) => x.d <= radiusM)
    .sort((a, b) => a.d - b.d || (a.driverId < b.driverId ? -1 : 1))
    .slice(0, k)
    .map((x) => x.driverId);
}

const ids = (found: NearbyDriver[]) => found.map((n) => n.driverId);

const searchScenario = fc.record({
  city: fc.constantFrom(...CITIES),
  spreadM: fc.constantFrom(300, 2_000, 8_000),
  drivers: fc.array(
    fc.tuple(
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
    ),
    {
      maxLength: 150,
    },
  ),
  query: fc.tuple(
    fc.double({ min: -1.2, max: 1.2, noNaN: true }),
    fc.double({ min: -1.2, max: 1.2, noNaN: true }),
  ),
  k: fc.integer({ min: 1, max: 12 }),
  radiusM: fc.constantFrom(50, 400, 1_500, 5_000, 20_000),
});

describe("the fleet index", () => {
  it("never puts a point nearer than the floor of the grid ring it lies in", () => {
    // The lemma the ring walk stops on, checked directly on many pairs of points.
    fc.assert(
      fc.property(
        fc.constantFrom(...CITIES),
        fc.tuple(
          fc.double({ min: -400, max: 400, noNaN: true }),
          fc.double({ min: -400, max: 400, noNaN: true }),
        ),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 6_000, noNaN: true }),
        (city, [n, e], bearing, rangeM) => {
          const q = offset(city, n, e);
          const p = offset(q, rangeM * Math.cos(bearing), rangeM * Math.sin(bearing));
          const ring = gridDistance(cellOf(q), cellOf(p));
          expect(distanceM(q, p)).toBeGreaterThanOrEqual(ringFloors(q)(ring));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("finds the true nearest drivers within the radius, as measuring every driver does", () => {
    fc.assert(
      fc.property(searchScenario, (s) => {
        // The ring walk alone (no switch to a scan), so the stopping rule itself is what is tested.
        const index = new FleetIndex({ scanWhenCheaper: false });
        const drivers = new Map<string, LatLng>();
        s.drivers.forEach(([n, e], i) => {
          const p = offset(s.city, n * s.spreadM, e * s.spreadM);
          drivers.set(`d${i}`, p);
          index.set(`d${i}`, p);
        });
        const point = offset(s.city, s.query[0] * s.spreadM, s.query[1] * s.spreadM);
        const found = index.nearest(point, s.k, s.radiusM);
        expect(ids(found)).toEqual(bruteForce(drivers, point, s.k, s.radiusM));
        for (const n of found) expect(n.distanceM).toBe(distanceM(point, drivers.get(n.driverId)!));
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same answer when it switches to measuring every driver", () => {
    fc.assert(
      fc.property(searchScenario, (s) => {
        const walking = new FleetIndex({ scanWhenCheaper: false });
        const adaptive = new FleetIndex();
        s.drivers.forEach(([n, e], i) => {
          const p = offset(s.city, n * s.spreadM, e * s.spreadM);
          walking.set(`d${i}`, p);
          adaptive.set(`d${i}`, p);
        });
        const point = offset(s.city, s.query[0] * s.spreadM, s.query[1] * s.spreadM);
        expect(adaptive.nearest(point, s.k, s.radiusM)).toEqual(
          walking.nearest(point, s.k, s.radiusM),
        );
        expect(adaptive.nearestByScan(point, s.k, s.radiusM)).toEqual(
          walking.nearest(point, s.k, s.radiusM),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("finds a dense fleet's nearest without walking far", () => {
    // 2,000 drivers within 3 km: the five nearest are a few rings out, and the answer is exact.
    const index = new FleetIndex();
    const drivers = new Map<string, LatLng>();
    for (let i = 0; i < 2_000; i++) {
      const p = offset(CITIES[0]!, ((i * 7919) % 3000) - 1500, ((i * 104_729) % 3000) - 1500);
      drivers.set(`d${i}`, p);
      index.set(`d${i}`, p);
    }
    const point = offset(CITIES[0]!, 120, -340);
    expect(ids(index.nearest(point, 5, 10_000))).toEqual(bruteForce(drivers, point, 5, 10_000));
  });

  it("moves a driver between cells and never indexes it twice", () => {
    const index = new FleetIndex();
    const here = CITIES[0]!;
    const there = offset(here, 2_000, 0);
    index.set("d1", here);
    index.set("d1", there);
    expect(index.size).toBe(1);
    expect(index.driversIn(cellOf(here))).toEqual([]);
    expect(index.driversIn(cellOf(there))).toEqual(["d1"]);
    expect(index.positionOf("d1")).toEqual(there);
    expect(ids(index.nearest(here, 5, 1_000))).toEqual([]);
    expect(ids(index.nearest(there, 5, 1_000))).toEqual(["d1"]);
  });

  it("forgets a removed driver", () => {
    const index = new FleetIndex();
    index.set("d1", CITIES[1]!);
    expect(index.remove("d1")).toBe(true);
    expect(index.remove("d1")).toBe(false);
    expect(index.has("d1")).toBe(false);
    expect(index.size).toBe(0);
    expect(index.driversIn(cellOf(CITIES[1]!))).toEqual([]);
    expect(index.nearest(CITIES[1]!, 3, 5_000)).toEqual([]);
  });

  it("keeps every driver in exactly the cell of its last position, whatever the moves", () => {
    const op = fc.record({
      driver: fc.integer({ min: 0, max: 9 }),
      remove: fc.boolean(),
      north: fc.integer({ min: -3_000, max: 3_000 }),
      east: fc.integer({ min: -3_000, max: 3_000 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new FleetIndex();
        const expected = new Map<string, LatLng>();
        for (const o of ops) {
          const id = `d${o.driver}`;
          if (o.remove) {
            index.remove(id);
            expected.delete(id);
          } else {
            const p = offset(CITIES[2]!, o.north, o.east);
            index.set(id, p);
            expected.set(id, p);
          }
        }
        expect(index.size).toBe(expected.size);
        const cells = new Set([...expected.values()].map(cellOf));
        const indexed = [...cells].flatMap((cell) => index.driversIn(cell)).sort();
        expect(indexed).toEqual([...expected.keys()].sort());
        for (const [id, p] of expected) expect(index.cellOfDriver(id)).toBe(cellOf(p));
      }),
    );
  });

  it("returns nothing for k of 0, an empty fleet, or a negative radius", () => {
    const index = new FleetIndex();
    expect(index.nearest(CITIES[0]!, 3, 1_000)).toEqual([]);
    index.set("d1", CITIES[0]!);
    expect(index.nearest(CITIES[0]!, 0, 1_000)).toEqual([]);
    expect(index.nearest(CITIES[0]!, 3, -1)).toEqual([]);
    expect(ids(index.nearest(CITIES[0]!, 3, 0))).toEqual(["d1"]);
  });
});
