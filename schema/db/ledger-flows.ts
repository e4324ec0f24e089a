import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { Currency, TransferCode } from "../ledger.ts";

/**
 * Money flows, the analytics read model of `ledger.transfers` (read-models/money-flows.ts):
 * per day, currency, transfer code and movement, how many transfers and how much. Rebuilt from the
 * topic; never written by the edge.
 */
export const ledgerFlows = pgTable(
  "ledger_flows",
  {
    day: date("day").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    code: text("code").$type<TransferCode>().notNull(),
    /** moved (posted), held (pending), released (voided by a caller), expired (timed out). */
    movement: text("movement").$type<"moved" | "held" | "released" | "expired">().notNull(),
    transfers: integer("transfers").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.currency, t.code, t.movement] }),
    check("ledger_flows_movement", sql`${t.movement} in ('moved', 'held', 'released', 'expired')`),
  ],
);

/**
 * The ledger events already counted, by event id: the feed may repeat an event (a relay that died
 * before moving its cursor), and rarely deliver one account's events out of order, so the flows
 * count an event once by its id rather than by a per-account high-water mark.
 */
export const ledgerFlowEvents = pgTable("ledger_flow_events", {
  eventId: uuid("event_id").primaryKey(),
  appliedAt: timestamp("applied_at", { withTimezone: true }).notNull().defaultNow(),
});
