import { and, asc, eq, ilike, inArray, isNull } from "drizzle-orm";
import { zonesWithin } from "../domain/cells.ts";
import { distanceM } from "../domain/geo.ts";
import { isOpenAt } from "../domain/hours.ts";
import type { Db } from "../runtime/db.ts";
import type {
  MenuCategory,
  MenuItem,
  NearbyQuery,
  RestaurantSummary,
  RestaurantWithMenu,
} from "../schema/catalog.ts";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
} from "../schema/db/index.ts";
import type { LatLng } from "../schema/geo.ts";

type RestaurantRow = typeof restaurants.$inferSelect;

export function summaryOf(row: RestaurantRow, nowMs: number, from?: LatLng): RestaurantSummary {
  const location = { lat: row.lat, lng: row.lng };
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    cuisine: row.cuisine,
    priceLevel: row.priceLevel,
    rating: row.rating,
    location,
    address: row.address,
    cell: row.cell,
    zone: row.zone,
    timezone: row.timezone,
    openingHours: row.openingHours,
    prepMinutes: row.prepMinutes,
    openNow: isOpenAt(row.openingHours, row.timezone, nowMs),
    ...(from ? { distanceM: Math.round(distanceM(from, location)) } : {}),
  };
}

/**
 * Restaurants near a point, nearest first. The zones within the radius are found by walking H3
 * rings, so the database reads an index range per zone instead of scanning every restaurant.
 */
export async function listNearby(
  db: Db,
  query: NearbyQuery,
  nowMs: number,
): Promise<RestaurantSummary[]> {
  const point = { lat: query.lat, lng: query.lng };
  const zones = zonesWithin(point, query.radiusM);
  const rows = await db
    .select()
    .from(restaurants)
    .where(
      and(
        inArray(restaurants.zone, zones),
        query.cuisine ? ilike(restaurants.cuisine, query.cuisine) : undefined,
      ),
    );
  return rows
    .map((row) => summaryOf(row, nowMs, point))
    .filter((r) => (r.distanceM ?? 0) <= query.radiusM)
    .sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0) || a.name.localeCompare(b.name))
    .slice(0, query.limit);
}

export async function findRestaurant(db: Db, id: string): Promise<RestaurantRow | null> {
  const [row] = await db.select().from(restaurants).where(eq(restaurants.id, id));
  return row ?? null;
}

/**
 * A restaurant with its live (non-archived) menu, read in one statement: the order path runs
 * this on every placement, and each round trip to the database costs more than the query.
 */
export async function readRestaurant(db: Db, id: string) {
  const row = await db.query.restaurants.findFirst({
    where: eq(restaurants.id, id),
    with: {
      categories: { orderBy: [asc(menuCategories.position), asc(menuCategories.name)] },
      items: {
        where: isNull(menuItems.archivedAt),
        orderBy: [asc(menuItems.position), asc(menuItems.name)],
        with: {
          groups: {
            orderBy: [asc(modifierGroups.position), asc(modifierGroups.name)],
            with: {
              options: { orderBy: [asc(modifierOptions.position), asc(modifierOptions.name)] },
            },
          },
        },
      },
    },
  });
  if (!row) return null;
  const { categories, items, ...restaurant } = row;
  const menuItemsOf = items.map(
    (item): MenuItem => ({
      id: item.id,
      categoryId: item.categoryId,
      name: item.name,
      description: item.description,
      priceCents: item.priceCents,
      dietaryTags: item.dietaryTags as MenuItem["dietaryTags"],
      available: item.available,
      modifierGroups: item.groups.map((group) => ({
        id: group.id,
        name: group.name,
        minChoices: group.minChoices,
        maxChoices: group.maxChoices,
        options: group.options.map((option) => ({
          id: option.id,
          name: option.name,
          priceCents: option.priceCents,
          available: option.available,
        })),
      })),
    }),
  );
  const menu: MenuCategory[] = categories.map((category) => ({
    id: category.id,
    name: category.name,
    position: category.position,
    items: menuItemsOf.filter((item) => item.categoryId === category.id),
  }));
  return { restaurant, items: menuItemsOf, menu };
}

/** One restaurant with its live menu, in display order, as the public API shows it. */
export async function loadRestaurant(
  db: Db,
  id: string,
  nowMs: number,
): Promise<RestaurantWithMenu | null> {
  const read = await readRestaurant(db, id);
  if (!read) return null;
  return { ...summaryOf(read.restaurant, nowMs), phone: read.restaurant.phone, menu: read.menu };
}
