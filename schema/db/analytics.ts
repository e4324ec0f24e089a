import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The analytics read model: facts only, kept by read-models/analytics.ts from
 * order.events and driver.events. Rollups (orders per hour, percentiles, rates, utilization,
 * revenue) are computed from these facts when asked (read-models/analytics-report.ts), so a replay
 * has only facts to get right and no counter can drift.
 */

/**
 * One row per order. Milestone moments are the earliest seen for each (a least() over every event
 * that marks it), and the other facts those of the highest seq applied, so the row is the same
 * whatever order or how many times the events arrive.
 */
export const analyticsOrders = pgTable(
  "analytics_orders",
  {
    orderId: uuid("order_id").primaryKey(),
    restaurantId: uuid("restaurant_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    driverId: uuid("driver_id"),
    /** The H3 zone of the drop-off (from OrderPlaced): where the demand is. */
    zone: text("zone"),
    status: text("status").notNull(),
    subtotalCents: bigint("subtotal_cents", { mode: "number" }).notNull(),
    totalCents: bigint("total_cents", { mode: "number" }).notNull(),
    deliveryFeeCents: bigint("delivery_fee_cents", { mode: "number" }),
    serviceFeeCents: bigint("service_fee_cents", { mode: "number" }),
    tipCents: bigint("tip_cents", { mode: "number" }),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    rejectedAt: timestamp("rejected_at", { withTimezone: true }),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    pickedUpAt: timestamp("picked_up_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    /**
     * The delivery time promised at checkout and the minutes quoted for it (from OrderPlaced;
     * null for orders placed without a quote or before events carried one), so quote accuracy is
     * read against `delivered_at`.
     */
    promisedBy: timestamp("promised_by", { withTimezone: true }),
    quotedMinutes: integer("quoted_minutes"),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [
    index("analytics_orders_placed").on(t.placedAt),
    index("analytics_orders_restaurant").on(t.restaurantId, t.placedAt),
    index("analytics_orders_zone").on(t.zone, t.placedAt),
    index("analytics_orders_driver").on(t.driverId, t.assignedAt),
  ],
);

/**
 * Every time a driver went online or offline, keyed by the driver's own event seq. Online spans
 * are read by pairing each with the next by seq, so arrival order does not matter.
 */
export const analyticsDriverPresence = pgTable(
  "analytics_driver_presence",
  {
    driverId: uuid("driver_id").notNull(),
    seq: integer("seq").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    online: boolean("online").notNull(),
  },
  (t) => [primaryKey({ columns: [t.driverId, t.seq] }), index("analytics_presence_at").on(t.at)],
);
