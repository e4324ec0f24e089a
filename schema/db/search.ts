import { type SQL, sql } from "drizzle-orm";
import {
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { OpeningWindow } from "../catalog.ts";
import type { SearchableItem } from "../events.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Postgres text search with the English configuration: stems plurals ("burgers" finds "burger")
 * and drops stop words. It is spelled out in every expression because an expression index or a
 * generated column may only use immutable functions, and to_tsvector is immutable only when given
 * its configuration.
 */
export const SEARCH_CONFIG = "english";

/**
 * The search read model: one row per restaurant, the newest catalog document (RestaurantUpserted)
 * flattened for querying. Kept by the search indexer (read-models/search-indexer.ts); the catalog
 * tables stay the source of truth.
 */
export const searchRestaurants = pgTable(
  "search_restaurants",
  {
    restaurantId: uuid("restaurant_id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    cuisine: text("cuisine").notNull(),
    priceLevel: smallint("price_level").notNull(),
    rating: real("rating"),
    lat: doublePrecision("lat").notNull(),
    lng: doublePrecision("lng").notNull(),
    cell: text("cell").notNull(),
    zone: text("zone").notNull(),
    timezone: text("timezone").notNull(),
    openingHours: jsonb("opening_hours").$type<OpeningWindow[]>().notNull(),
    prepMinutes: integer("prep_minutes").notNull(),
    /** Dietary tags of its available items: a vegan dish makes it a place to eat vegan. */
    dietaryTags: text("dietary_tags").array().notNull(),
    /** The available items, for the dishes a hit shows. */
    items: jsonb("items").$type<SearchableItem[]>().notNull(),
    dishNames: text("dish_names").notNull(),
    dishDescriptions: text("dish_descriptions").notNull(),
    /** Weighted: name A, cuisine B, dish names C, dish descriptions D (ts_rank's four weights). */
    document: tsvector("document")
      .notNull()
      .generatedAlwaysAs(
        (): SQL => sql`setweight(to_tsvector('english', ${searchRestaurants.name}), 'A') ||
          setweight(to_tsvector('english', ${searchRestaurants.cuisine}), 'B') ||
          setweight(to_tsvector('english', ${searchRestaurants.dishNames}), 'C') ||
          setweight(to_tsvector('english', ${searchRestaurants.dishDescriptions}), 'D')`,
      ),
    /**
     * The words typo tolerance compares query words with (pg_trgm similarity, word by word; see
     * read-models/search.ts): name, cuisine and dish names, lower case.
     */
    fuzzyText: text("fuzzy_text")
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`lower(${searchRestaurants.name} || ' ' || ${searchRestaurants.cuisine} || ' ' || ${searchRestaurants.dishNames})`,
      ),
    /** The catalog seq of the document applied; an event at or below it changes nothing. */
    documentSeq: integer("document_seq").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("search_restaurants_document").using("gin", t.document),
    index("search_restaurants_cuisine").on(sql`lower(${t.cuisine})`),
    index("search_restaurants_cell").on(t.cell),
  ],
);

/**
 * Kitchen state from the RestaurantActor (paused, busy), apart from the document because the
 * actor numbers its events on its own: each producer's seq is compared only with its own. Pause
 * and busy each keep the seq of the event that set them, so a late pause is not lost behind a
 * newer busy change, whatever order they arrive in.
 */
export const searchKitchens = pgTable("search_kitchens", {
  restaurantId: uuid("restaurant_id").primaryKey(),
  paused: boolean("paused").notNull(),
  pausedSeq: integer("paused_seq").notNull(),
  busy: boolean("busy").notNull(),
  busySeq: integer("busy_seq").notNull(),
});
