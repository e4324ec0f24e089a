import { sql } from "drizzle-orm";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import type { DeadLetter, DeadLetterSink } from "../../read-models/dead-letters.ts";
import type { Db } from "../../runtime/db.ts";
import type { EventEnvelope, RestaurantDocument, SearchableItem } from "../../schema/events.ts";
import { startTestDatabase as startDatabaseOf, type TestDatabase } from "../databases.ts";
import { atSeq } from "./fixtures.ts";

/**
 * Builders for the read-model tests (search and analytics): a database of the kind asked for,
 * catalog documents and restaurant events, and whole-table dumps to compare read models.
 */

export { databaseKinds, postgresUrl, type TestDatabase } from "../databases.ts";

/** A database for one test file (test/databases.ts), named for these tests on PostgreSQL. */
export function startTestDatabase(kind: "pglite" | "postgres"): Promise<TestDatabase> {
  return startDatabaseOf(kind, "read_models");
}

/** A dead-letter sink that remembers what it was given. */
export function recordingDeadLetters(): DeadLetterSink & { letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  const sink = async (batch: readonly DeadLetter[]) => {
    letters.push(...batch);
  };
  return Object.assign(sink, { letters });
}

export const ALWAYS_OPEN = [0, 1, 2, 3, 4, 5, 6].map((day) => ({
  day,
  opens: "00:00",
  closes: "24:00",
}));

/** Downtown Austin, where every test restaurant is unless told otherwise. */
export const DOWNTOWN = { lat: 30.2672, lng: -97.7431 };

export function item(name: string, partial: Partial<SearchableItem> = {}): SearchableItem {
  return {
    id: crypto.randomUUID(),
    name,
    description: "",
    category: "Mains",
    priceCents: 1200,
    dietaryTags: [],
    available: true,
    ...partial,
  };
}

/** A restaurant's searchable document. */
export function restaurantDoc(
  partial: Partial<RestaurantDocument> & { name: string },
): RestaurantDocument {
  const location = partial.location ?? DOWNTOWN;
  const id = partial.id ?? crypto.randomUUID();
  return {
    id,
    slug: `r-${id.slice(0, 8)}`,
    description: "",
    cuisine: "American",
    priceLevel: 2,
    rating: 4.2,
    timezone: "America/Chicago",
    openingHours: ALWAYS_OPEN,
    prepMinutes: 15,
    items: [],
    ...partial,
    location,
    cell: cellOf(location),
    zone: zoneOf(location),
  };
}

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/** A restaurant event as a producer on restaurant.events would send it. */
export function restaurantEvent(
  type: string,
  restaurantId: string,
  seq: number,
  data: unknown,
): EventEnvelope {
  return {
    id: crypto.randomUUID(),
    type,
    aggregateId: restaurantId,
    seq,
    at: atSeq(seq),
    traceparent: TRACEPARENT,
    data,
  };
}

/** A driver event at `atMs`. */
export function driverEvent(
  type: string,
  driverId: string,
  seq: number,
  atMs: number,
  data: unknown = {},
): EventEnvelope {
  return {
    id: crypto.randomUUID(),
    type,
    aggregateId: driverId,
    seq,
    at: new Date(atMs).toISOString(),
    traceparent: TRACEPARENT,
    data,
  };
}

export function upserted(doc: RestaurantDocument, seq: number): EventEnvelope {
  return restaurantEvent("RestaurantUpserted", doc.id, seq, doc);
}

/** Every row of a table, in a stable order, as JSON-ready values (for whole-model comparisons). */
export async function dump(db: Db, table: string, orderBy: string): Promise<unknown[]> {
  const result = await db.execute(
    sql.raw(`select to_jsonb(t) as row from ${table} t order by ${orderBy}`),
  );
  return result.rows.map((r) => (r as { row: unknown }).row);
}

/** The whole of both read models. */
export async function readModels(db: Db) {
  return {
    searchRestaurants: await dump(db, "search_restaurants", "restaurant_id"),
    searchKitchens: await dump(db, "search_kitchens", "restaurant_id"),
    analyticsOrders: await dump(db, "analytics_orders", "order_id"),
    analyticsDriverPresence: await dump(db, "analytics_driver_presence", "driver_id, seq"),
  };
}

export async function emptyReadModels(db: Db): Promise<void> {
  await db.execute(
    sql`truncate search_restaurants, search_kitchens, analytics_orders, analytics_driver_presence`,
  );
}
