import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The catalog's outbox. The catalog lives in Postgres, so its events are written here in the same
 * transaction as the change they describe (the architecture's "state change and event in one
 * transaction"); the bridge relays them to `restaurant.events` and deletes them once the bus has
 * them (infra/bridge/catalog-relay.ts).
 *
 * `claimed_until` is a lease rather than a lock held across the publish: a relay claims rows in
 * one statement (FOR UPDATE SKIP LOCKED, so two relays never claim the same row), publishes, then
 * deletes them; a relay that dies leaves its rows to be claimed again once the lease runs out.
 */
export const catalogOutbox = pgTable(
  "catalog_outbox",
  {
    position: bigserial("position", { mode: "number" }).primaryKey(),
    eventId: uuid("event_id").notNull().unique(),
    restaurantId: uuid("restaurant_id").notNull(),
    seq: integer("seq").notNull(),
    /** The whole envelope, as the bus takes it. */
    event: jsonb("event").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
  },
  (t) => [index("catalog_outbox_claimable").on(t.claimedUntil, t.position)],
);

/**
 * The last catalog event seq per restaurant. Taking the next number updates this row, which also
 * serialises two changes to one restaurant: the second waits for the first to commit, so a higher
 * seq always carries a document at least as new.
 */
export const catalogSequences = pgTable(
  "catalog_sequences",
  {
    restaurantId: uuid("restaurant_id").primaryKey(),
    seq: integer("seq").notNull(),
  },
  (t) => [check("catalog_sequences_seq", sql`${t.seq} > 0`)],
);

export type CatalogOutboxRow = typeof catalogOutbox.$inferSelect;
