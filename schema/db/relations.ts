import { relations } from "drizzle-orm";
import {
  menuCategories,
  menuItems,
  modifierGroups,
  modifierOptions,
  restaurants,
} from "./catalog.ts";

/**
 * How catalog tables hang together, for drizzle's relational queries: a restaurant with its whole
 * menu is then read in one SQL statement (one round trip) instead of one per table.
 */
export const restaurantRelations = relations(restaurants, ({ many }) => ({
  categories: many(menuCategories),
  items: many(menuItems),
}));

export const categoryRelations = relations(menuCategories, ({ one }) => ({
  restaurant: one(restaurants, {
    fields: [menuCategories.restaurantId],
    references: [restaurants.id],
  }),
}));

export const itemRelations = relations(menuItems, ({ one, many }) => ({
  restaurant: one(restaurants, { fields: [menuItems.restaurantId], references: [restaurants.id] }),
  groups: many(modifierGroups),
}));

export const groupRelations = relations(modifierGroups, ({ one, many }) => ({
  item: one(menuItems, { fields: [modifierGroups.itemId], references: [menuItems.id] }),
  options: many(modifierOptions),
}));

export const optionRelations = relations(modifierOptions, ({ one }) => ({
  group: one(modifierGroups, {
    fields: [modifierOptions.groupId],
    references: [modifierGroups.id],
  }),
}));
