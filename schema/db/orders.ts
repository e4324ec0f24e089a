import { bigint, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * The order-history projection: one row per order, rebuilt from order events by the bridge. The
 * OrderActor owns the live order; this is its durable, queryable shadow. `last_seq` makes applying
 * an event idempotent: an event at or below it changes nothing.
 */
export const orderHistory = pgTable(
  "order_history",
  {
    orderId: uuid("order_id").primaryKey(),
    customerId: uuid("customer_id").notNull(),
    restaurantId: uuid("restaurant_id").notNull(),
    restaurantName: text("restaurant_name").notNull(),
    driverId: uuid("driver_id"),
    status: text("status").notNull(),
    subtotalCents: bigint("subtotal_cents", { mode: "number" }).notNull(),
    totalCents: bigint("total_cents", { mode: "number" }).notNull(),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    pickedUpAt: timestamp("picked_up_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    cancelReason: text("cancel_reason"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [
    index("order_history_customer").on(t.customerId, t.placedAt),
    index("order_history_restaurant").on(t.restaurantId, t.placedAt),
    index("order_history_driver").on(t.driverId, t.placedAt),
    /** The admin's city map reads the last hours' orders city-wide, newest first. */
    index("order_history_placed").on(t.placedAt),
  ],
);

/**
 * Events the bridge could not apply (unknown type, invalid data). Kept with the error so an
 * operator can see and replay them; the stream keeps flowing past them.
 */
export const deadLetters = pgTable("dead_letters", {
  eventId: uuid("event_id").primaryKey(),
  type: text("type").notNull(),
  aggregateId: text("aggregate_id").notNull(),
  seq: integer("seq").notNull(),
  event: text("event").notNull(),
  error: text("error").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});
