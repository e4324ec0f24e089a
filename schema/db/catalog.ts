import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { OpeningWindow } from "../catalog.ts";

export const restaurants = pgTable(
  "restaurants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    cuisine: text("cuisine").notNull(),
    priceLevel: smallint("price_level").notNull().default(2),
    rating: real("rating"),
    lat: doublePrecision("lat").notNull(),
    lng: doublePrecision("lng").notNull(),
    /** H3 cell at CELL_RESOLUTION (a block) and zone at ZONE_RESOLUTION (a district). */
    cell: text("cell").notNull(),
    zone: text("zone").notNull(),
    address: text("address").notNull(),
    phone: text("phone"),
    timezone: text("timezone").notNull(),
    openingHours: jsonb("opening_hours").$type<OpeningWindow[]>().notNull(),
    prepMinutes: integer("prep_minutes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("restaurants_zone").on(t.zone),
    check("restaurants_price_level", sql`${t.priceLevel} between 1 and 4`),
    check("restaurants_prep_minutes", sql`${t.prepMinutes} > 0`),
  ],
);

export const menuCategories = pgTable(
  "menu_categories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    restaurantId: uuid("restaurant_id")
      .notNull()
      .references(() => restaurants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("menu_categories_name").on(t.restaurantId, t.name)],
);

export const menuItems = pgTable(
  "menu_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    restaurantId: uuid("restaurant_id")
      .notNull()
      .references(() => restaurants.id, { onDelete: "cascade" }),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => menuCategories.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    priceCents: integer("price_cents").notNull(),
    dietaryTags: text("dietary_tags").array().notNull().default(sql`'{}'::text[]`),
    available: boolean("available").notNull().default(true),
    position: integer("position").notNull().default(0),
    /** Items are archived, never deleted: past orders still name them. */
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("menu_items_restaurant").on(t.restaurantId),
    check("menu_items_price", sql`${t.priceCents} >= 0`),
  ],
);

export const modifierGroups = pgTable(
  "modifier_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => menuItems.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    minChoices: integer("min_choices").notNull().default(0),
    maxChoices: integer("max_choices").notNull().default(1),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    index("modifier_groups_item").on(t.itemId),
    check(
      "modifier_groups_choices",
      sql`${t.minChoices} >= 0 and ${t.maxChoices} >= 1 and ${t.minChoices} <= ${t.maxChoices}`,
    ),
  ],
);

export const modifierOptions = pgTable(
  "modifier_options",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => modifierGroups.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    priceCents: integer("price_cents").notNull().default(0),
    available: boolean("available").notNull().default(true),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    index("modifier_options_group").on(t.groupId),
    check("modifier_options_price", sql`${t.priceCents} >= 0`),
  ],
);
