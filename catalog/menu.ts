import { and, count, eq, isNull, ne } from "drizzle-orm";
import { cellOf, zoneOf } from "../domain/cells.ts";
import type { Db, Tx } from "../runtime/db.ts";
import { CodedError } from "../runtime/errors.ts";
import {
  type CategoryBody,
  type CreateRestaurantBody,
  type ItemBody,
  MENU_ITEMS_MAX,
  type UpdateItemBody,
  type UpdateRestaurantBody,
} from "../schema/catalog.ts";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
} from "../schema/db/index.ts";
import { announceRestaurants } from "./outbox.ts";

/**
 * Changes to the catalog, each in one transaction together with its catalog event (outbox.ts), so
 * search hears of every change that was saved and of nothing else. Ownership (staff edit only
 * their own restaurant) is checked by the routes before these run; these check that the rows they
 * touch belong to that restaurant, so an id from another restaurant is simply not found.
 */

export async function createRestaurant(db: Db, body: CreateRestaurantBody): Promise<string> {
  return db.transaction(async (tx) => {
    const id = await insertRestaurant(tx, body);
    await changed(tx, id);
    return id;
  });
}

async function insertRestaurant(tx: Tx, body: CreateRestaurantBody): Promise<string> {
  const [row] = await tx
    .insert(restaurants)
    .values({
      slug: body.slug,
      name: body.name,
      description: body.description,
      cuisine: body.cuisine,
      priceLevel: body.priceLevel,
      lat: body.location.lat,
      lng: body.location.lng,
      cell: cellOf(body.location),
      zone: zoneOf(body.location),
      address: body.address,
      phone: body.phone ?? null,
      timezone: body.timezone,
      openingHours: body.openingHours,
      prepMinutes: body.prepMinutes,
    })
    .onConflictDoNothing({ target: restaurants.slug })
    .returning({ id: restaurants.id });
  if (!row)
    throw new CodedError("restaurant.slug_taken", "another restaurant already uses this slug");
  return row.id;
}

export async function updateRestaurant(
  db: Db,
  id: string,
  body: UpdateRestaurantBody,
): Promise<void> {
  const { location, phone, ...rest } = body;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(restaurants)
      .set({
        ...rest,
        ...(phone === undefined ? {} : { phone }),
        ...(location
          ? { lat: location.lat, lng: location.lng, cell: cellOf(location), zone: zoneOf(location) }
          : {}),
        updatedAt: new Date(),
      })
      .where(eq(restaurants.id, id))
      .returning({ id: restaurants.id });
    if (updated.length > 0) await changed(tx, id);
  });
}

export async function createCategory(
  db: Db,
  restaurantId: string,
  body: CategoryBody,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(menuCategories)
      .values({ restaurantId, name: body.name, position: body.position })
      .onConflictDoNothing()
      .returning({ id: menuCategories.id });
    if (!row)
      throw new CodedError("menu.invalid", "this menu already has a category with that name");
    await changed(tx, restaurantId);
    return row.id;
  });
}

export async function updateCategory(
  db: Db,
  restaurantId: string,
  categoryId: string,
  body: Partial<CategoryBody>,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (body.name !== undefined) {
      const [namesake] = await tx
        .select({ id: menuCategories.id })
        .from(menuCategories)
        .where(
          and(
            eq(menuCategories.restaurantId, restaurantId),
            eq(menuCategories.name, body.name),
            ne(menuCategories.id, categoryId),
          ),
        );
      if (namesake)
        throw new CodedError("menu.invalid", "this menu already has a category with that name");
    }
    const updated = await tx
      .update(menuCategories)
      .set(body)
      .where(and(eq(menuCategories.id, categoryId), eq(menuCategories.restaurantId, restaurantId)))
      .returning({ id: menuCategories.id });
    if (updated.length === 0)
      throw new CodedError("menu.not_found", "no such category on this menu");
    await changed(tx, restaurantId);
  });
}

export async function deleteCategory(
  db: Db,
  restaurantId: string,
  categoryId: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [items] = await tx
      .select({ n: count() })
      .from(menuItems)
      .where(
        and(
          eq(menuItems.restaurantId, restaurantId),
          eq(menuItems.categoryId, categoryId),
          isNull(menuItems.archivedAt),
        ),
      );
    if ((items?.n ?? 0) > 0)
      throw new CodedError("menu.invalid", "move or archive the category's items first");
    const deleted = await tx
      .delete(menuCategories)
      .where(and(eq(menuCategories.id, categoryId), eq(menuCategories.restaurantId, restaurantId)))
      .returning({ id: menuCategories.id });
    if (deleted.length === 0)
      throw new CodedError("menu.not_found", "no such category on this menu");
    await changed(tx, restaurantId);
  });
}

export async function createItem(db: Db, restaurantId: string, body: ItemBody): Promise<string> {
  const id = await db.transaction(async (tx) => {
    await requireCategory(tx, restaurantId, body.categoryId);
    const [live] = await tx
      .select({ n: count() })
      .from(menuItems)
      .where(and(eq(menuItems.restaurantId, restaurantId), isNull(menuItems.archivedAt)));
    if ((live?.n ?? 0) >= MENU_ITEMS_MAX)
      throw new CodedError("menu.invalid", `a menu holds at most ${MENU_ITEMS_MAX} items`);
    const [row] = await tx
      .insert(menuItems)
      .values({
        restaurantId,
        categoryId: body.categoryId,
        name: body.name,
        description: body.description,
        priceCents: body.priceCents,
        dietaryTags: body.dietaryTags,
        available: body.available,
        position: body.position,
      })
      .returning({ id: menuItems.id });
    if (!row) throw new Error("insert returned no row");
    await insertGroups(tx, row.id, body.modifierGroups);
    await changed(tx, restaurantId);
    return row.id;
  });
  return id;
}

/** Partial update; modifier groups, when given, replace the item's groups wholesale. */
export async function updateItem(
  db: Db,
  restaurantId: string,
  itemId: string,
  body: UpdateItemBody,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { modifierGroups: groups, ...fields } = body;
    if (fields.categoryId) await requireCategory(tx, restaurantId, fields.categoryId);
    const updated = await tx
      .update(menuItems)
      .set({ ...fields, updatedAt: new Date() })
      .where(
        and(
          eq(menuItems.id, itemId),
          eq(menuItems.restaurantId, restaurantId),
          isNull(menuItems.archivedAt),
        ),
      )
      .returning({ id: menuItems.id });
    if (updated.length === 0) throw new CodedError("menu.not_found", "no such item on this menu");
    if (groups) {
      await tx.delete(modifierGroups).where(eq(modifierGroups.itemId, itemId));
      await insertGroups(tx, itemId, groups);
    }
    await changed(tx, restaurantId);
  });
}

/** Items are archived, never deleted: orders already placed still name them. */
export async function archiveItem(db: Db, restaurantId: string, itemId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const archived = await tx
      .update(menuItems)
      .set({ archivedAt: new Date(), available: false, updatedAt: new Date() })
      .where(
        and(
          eq(menuItems.id, itemId),
          eq(menuItems.restaurantId, restaurantId),
          isNull(menuItems.archivedAt),
        ),
      )
      .returning({ id: menuItems.id });
    if (archived.length === 0) throw new CodedError("menu.not_found", "no such item on this menu");
    await changed(tx, restaurantId);
  });
}

export async function setOptionAvailability(
  db: Db,
  restaurantId: string,
  optionId: string,
  available: boolean,
): Promise<void> {
  const [owner] = await db
    .select({ restaurantId: menuItems.restaurantId })
    .from(modifierOptions)
    .innerJoin(modifierGroups, eq(modifierGroups.id, modifierOptions.groupId))
    .innerJoin(menuItems, eq(menuItems.id, modifierGroups.itemId))
    .where(eq(modifierOptions.id, optionId));
  if (owner?.restaurantId !== restaurantId)
    throw new CodedError("menu.not_found", "no such option on this menu");
  await db.update(modifierOptions).set({ available }).where(eq(modifierOptions.id, optionId));
  // Option availability is not searchable, so it announces nothing; the restaurant is still marked
  // changed, for the menu's ETag.
  await touch(db, restaurantId);
}

async function requireCategory(tx: Tx, restaurantId: string, categoryId: string): Promise<void> {
  const [category] = await tx
    .select({ id: menuCategories.id })
    .from(menuCategories)
    .where(and(eq(menuCategories.id, categoryId), eq(menuCategories.restaurantId, restaurantId)));
  if (!category) throw new CodedError("menu.not_found", "no such category on this menu");
}

async function insertGroups(
  tx: Tx,
  itemId: string,
  groups: ItemBody["modifierGroups"],
): Promise<void> {
  for (const [position, group] of groups.entries()) {
    const [row] = await tx
      .insert(modifierGroups)
      .values({
        itemId,
        name: group.name,
        minChoices: group.minChoices,
        maxChoices: group.maxChoices,
        position,
      })
      .returning({ id: modifierGroups.id });
    if (!row) throw new Error("insert returned no row");
    await tx.insert(modifierOptions).values(
      group.options.map((option, index) => ({
        groupId: row.id,
        name: option.name,
        priceCents: option.priceCents,
        available: option.available,
        position: index,
      })),
    );
  }
}

async function touch(db: Db | Tx, restaurantId: string): Promise<void> {
  await db
    .update(restaurants)
    .set({ updatedAt: new Date() })
    .where(eq(restaurants.id, restaurantId));
}

/** Marks the restaurant changed and announces its new document, inside the change's transaction. */
async function changed(tx: Tx, restaurantId: string): Promise<void> {
  await touch(tx, restaurantId);
  await announceRestaurants(tx, [restaurantId], { nowMs: Date.now() });
}
