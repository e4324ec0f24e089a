import { and, asc, eq, ilike, inArray, isNull } from "drizzle-orm";
import type {
  MenuCategory,
  MenuItem,
  NearbyQuery,
  RestaurantSummary,
  RestaurantWithMenu,
} from "../../schema/catalog.ts";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
} from "../../schema/db/index.ts";
import type { LatLng } from "../../schema/geo.ts";
import type { Db } from "../db.ts";
import { distanceM, zonesWithin } from "../geo.ts";
import { isOpenAt } from "./hours.ts";

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

/** One restaurant with its live (non-archived) menu, in display order. */
export async function loadRestaurant(
  db: Db,
  id: string,
  nowMs: number,
): Promise<RestaurantWithMenu | null> {
  const row = await findRestaurant(db, id);
  if (!row) return null;
  const menu = await loadMenu(db, id);
  return { ...summaryOf(row, nowMs), phone: row.phone, menu };
}

export async function loadMenu(db: Db, restaurantId: string): Promise<MenuCategory[]> {
  const [categories, items] = await Promise.all([
    db
      .select()
      .from(menuCategories)
      .where(eq(menuCategories.restaurantId, restaurantId))
      .orderBy(asc(menuCategories.position), asc(menuCategories.name)),
    loadItems(db, restaurantId),
  ]);
  return categories.map((category) => ({
    id: category.id,
    name: category.name,
    position: category.position,
    items: items.filter((item) => item.categoryId === category.id),
  }));
}

/** The restaurant's non-archived items with their modifier groups and options, in order. */
export async function loadItems(db: Db, restaurantId: string): Promise<MenuItem[]> {
  const items = await db
    .select()
    .from(menuItems)
    .where(and(eq(menuItems.restaurantId, restaurantId), isNull(menuItems.archivedAt)))
    .orderBy(asc(menuItems.position), asc(menuItems.name));
  if (items.length === 0) return [];
  const groups = await db
    .select()
    .from(modifierGroups)
    .where(
      inArray(
        modifierGroups.itemId,
        items.map((item) => item.id),
      ),
    )
    .orderBy(asc(modifierGroups.position), asc(modifierGroups.name));
  const options =
    groups.length === 0
      ? []
      : await db
          .select()
          .from(modifierOptions)
          .where(
            inArray(
              modifierOptions.groupId,
              groups.map((group) => group.id),
            ),
          )
          .orderBy(asc(modifierOptions.position), asc(modifierOptions.name));
  return items.map((item) => ({
    id: item.id,
    categoryId: item.categoryId,
    name: item.name,
    description: item.description,
    priceCents: item.priceCents,
    dietaryTags: item.dietaryTags as MenuItem["dietaryTags"],
    available: item.available,
    modifierGroups: groups
      .filter((group) => group.itemId === item.id)
      .map((group) => ({
        id: group.id,
        name: group.name,
        minChoices: group.minChoices,
        maxChoices: group.maxChoices,
        options: options
          .filter((option) => option.groupId === group.id)
          .map((option) => ({
            id: option.id,
            name: option.name,
            priceCents: option.priceCents,
            available: option.available,
          })),
      })),
  }));
}
