import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../runtime/db.ts";
import { traceparentFrom } from "../runtime/trace.ts";
import { catalogOutbox, catalogSequences } from "../schema/db/catalog-outbox.ts";
import { menuCategories, menuItems, restaurants } from "../schema/db/index.ts";
import type { EventEnvelope, RestaurantDocument } from "../schema/events.ts";

/**
 * Catalog events, written to `catalog_outbox` inside the transaction of the change they describe,
 * so a change is never saved without its event nor announced without being saved. The bridge
 * relays them to `restaurant.events` (infra/bridge/catalog-relay.ts).
 *
 * Every change announces the restaurant's whole searchable document (RestaurantUpserted), read
 * back inside the same transaction after the change: whatever was changed (a price, an item, the
 * hours), the search index replaces its row with the newest document.
 */

/** The restaurant's searchable document as this transaction sees it, or null if there is none. */
export async function restaurantDocumentOf(
  tx: Tx,
  restaurantId: string,
): Promise<RestaurantDocument | null> {
  const [row] = await tx.select().from(restaurants).where(eq(restaurants.id, restaurantId));
  if (!row) return null;
  const items = await tx
    .select({
      id: menuItems.id,
      name: menuItems.name,
      description: menuItems.description,
      category: menuCategories.name,
      priceCents: menuItems.priceCents,
      dietaryTags: menuItems.dietaryTags,
      available: menuItems.available,
    })
    .from(menuItems)
    .innerJoin(menuCategories, eq(menuCategories.id, menuItems.categoryId))
    .where(and(eq(menuItems.restaurantId, restaurantId), isNull(menuItems.archivedAt)))
    .orderBy(asc(menuCategories.position), asc(menuItems.position), asc(menuItems.id));
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    cuisine: row.cuisine,
    priceLevel: row.priceLevel,
    rating: row.rating,
    location: { lat: row.lat, lng: row.lng },
    cell: row.cell,
    zone: row.zone,
    timezone: row.timezone,
    openingHours: row.openingHours,
    prepMinutes: row.prepMinutes,
    items,
  };
}

/**
 * Takes the restaurant's next catalog seq. The upsert locks the restaurant's sequence row until
 * the transaction ends, so concurrent changes to one restaurant commit one after another and each
 * reads the document after the previous one committed: seq order is document order.
 */
async function nextSeq(tx: Tx, restaurantId: string): Promise<number> {
  const [row] = await tx
    .insert(catalogSequences)
    .values({ restaurantId, seq: 1 })
    .onConflictDoUpdate({
      target: catalogSequences.restaurantId,
      set: { seq: sql`${catalogSequences.seq} + 1` },
    })
    .returning({ seq: catalogSequences.seq });
  if (!row) throw new Error("the sequence upsert returned no row");
  return row.seq;
}

/**
 * Announces restaurants' current documents: one RestaurantUpserted per restaurant in the outbox.
 * Call it inside the transaction that made the change, after the change.
 */
export async function announceRestaurants(
  tx: Tx,
  restaurantIds: readonly string[],
  options: { nowMs: number; traceparent?: string },
): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  // Sorted, so two transactions announcing overlapping sets lock sequence rows in one order.
  for (const restaurantId of [...new Set(restaurantIds)].sort()) {
    const seq = await nextSeq(tx, restaurantId);
    const document = await restaurantDocumentOf(tx, restaurantId);
    if (!document) throw new Error(`restaurant ${restaurantId} vanished inside its transaction`);
    events.push({
      id: crypto.randomUUID(),
      type: "RestaurantUpserted",
      aggregateId: restaurantId,
      seq,
      at: new Date(options.nowMs).toISOString(),
      traceparent: traceparentFrom(options.traceparent),
      data: document,
    });
  }
  if (events.length > 0) {
    await tx.insert(catalogOutbox).values(
      events.map((event) => ({
        eventId: event.id,
        restaurantId: event.aggregateId,
        seq: event.seq,
        event,
      })),
    );
  }
  return events;
}

/** Restaurants among `ids` that have never been announced (no catalog seq yet). */
export async function unannounced(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const seen = await tx
    .select({ id: catalogSequences.restaurantId })
    .from(catalogSequences)
    .where(inArray(catalogSequences.restaurantId, [...ids]));
  const known = new Set(seen.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}
