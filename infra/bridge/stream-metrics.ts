import { sql } from "drizzle-orm";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Consumer } from "../../read-models/consumer.ts";
import type { Db } from "../../runtime/db.ts";
import { OrderEventData } from "../../schema/events.ts";

/**
 * The platform's business as Prometheus sees it, counted from the event stream this bridge
 * consumes (so it is the same on the in-process bus and on Kafka): orders placed and their gross
 * value, deliveries and cancellations, offers and how they ended, time from placement to a
 * courier, the orders still waiting for one, and ledger transfers. Events older than
 * LIVE_WINDOW_MS are not counted: a replay of the topic (a new consumer group starts from its
 * beginning) must not count history again as if it happened now.
 */

export const LIVE_WINDOW_MS = 10 * 60_000;
/** Open orders tracked for the waiting gauge; past this the oldest are forgotten. */
const WAITING_MAX = 50_000;
const TERMINAL = new Set(["delivered", "cancelled", "rejected"]);
const ASSIGN_BUCKETS_S = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

export function streamMetrics(registry: Registry, nowMs: () => number): Consumer {
  const registers = [registry];
  /** Orders placed and not yet with a courier (nor ended), by id: when each was placed. */
  const waiting = new Map<string, number>();
  const placed = new Counter({
    name: "dizh_orders_placed_total",
    help: "Orders placed",
    registers,
  });
  const grossValue = new Counter({
    name: "dizh_orders_gross_value_cents_total",
    help: "Gross order value placed (totals, minor units)",
    registers,
  });
  const delivered = new Counter({
    name: "dizh_orders_delivered_total",
    help: "Orders delivered",
    registers,
  });
  const cancelled = new Counter({
    name: "dizh_orders_cancelled_total",
    help: "Orders cancelled or rejected, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  const offers = new Counter({
    name: "dizh_dispatch_offers_total",
    help: "Offers to couriers, by what became of them (sent, accepted, declined, expired)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const timeToAssign = new Histogram({
    name: "dizh_dispatch_time_to_assign_seconds",
    help: "From an order's placement to a courier assigned to it",
    buckets: ASSIGN_BUCKETS_S,
    registers,
  });
  new Gauge({
    name: "dizh_dispatch_orders_waiting",
    help: "Open orders without a courier",
    registers,
    collect() {
      this.set(waiting.size);
    },
  });
  new Gauge({
    name: "dizh_dispatch_oldest_waiting_seconds",
    help: "How long the longest-waiting open order has been without a courier",
    registers,
    collect() {
      let oldest = Number.POSITIVE_INFINITY;
      for (const placedAtMs of waiting.values()) oldest = Math.min(oldest, placedAtMs);
      this.set(waiting.size === 0 ? 0 : Math.max(0, (nowMs() - oldest) / 1000));
    },
  });
  const transfers = new Counter({
    name: "dizh_ledger_transfers_total",
    help: "Ledger transfers recorded, by kind (posted, pending, post_pending, void_pending)",
    labelNames: ["kind"] as const,
    registers,
  });

  return {
    name: "platform-metrics",
    topics: ["order.events", "driver.events", "dispatch.events", "ledger.transfers"],
    async apply(events) {
      const now = nowMs();
      for (const event of events) {
        const atMs = Date.parse(event.at);
        if (!Number.isFinite(atMs) || now - atMs > LIVE_WINDOW_MS) continue;
        if (event.type === "TransferRecorded") {
          const entry = event.data as { side?: string; kind?: string };
          // Each transfer is told twice, once per side: counted once.
          if (entry.side === "debit") transfers.inc({ kind: String(entry.kind) });
          continue;
        }
        if (event.type === "OfferSent") offers.inc({ outcome: "sent" });
        else if (event.type === "OfferAccepted") offers.inc({ outcome: "accepted" });
        else if (event.type === "OfferDeclined") offers.inc({ outcome: "declined" });
        else if (event.type === "OfferExpired") offers.inc({ outcome: "expired" });
        const order = OrderEventData.safeParse({ type: event.type, data: event.data });
        if (!order.success) continue;
        const { type, data } = order.data;
        const facts = data.order;
        if (type === "OrderPlaced") {
          placed.inc();
          grossValue.inc(facts.totalCents);
        } else if (type === "OrderDelivered") delivered.inc();
        else if (type === "OrderCancelled") cancelled.inc({ reason: data.reason });
        else if (type === "OrderRejected") cancelled.inc({ reason: "rejected" });
        else if (type === "DriverAssigned") {
          const placedAtMs = Date.parse(facts.placedAt);
          if (Number.isFinite(placedAtMs) && atMs >= placedAtMs)
            timeToAssign.observe((atMs - placedAtMs) / 1000);
        }
        if (facts.driverId === null && !TERMINAL.has(facts.status)) {
          if (!waiting.has(event.aggregateId) && waiting.size >= WAITING_MAX) {
            const first = waiting.keys().next().value;
            if (first !== undefined) waiting.delete(first);
          }
          waiting.set(event.aggregateId, Date.parse(facts.placedAt));
        } else waiting.delete(event.aggregateId);
      }
      return { deadLettered: [] };
    },
  };
}

/** A scrape must not hang on a slow database: the gauge is left as it was past this. */
const HOLDS_QUERY_TIMEOUT_MS = 2_000;

/** Holds open in the ledger right now (pending transfers neither posted nor voided), read when scraped. */
export function ledgerGauges(registry: Registry, db: Db): void {
  new Gauge({
    name: "dizh_ledger_open_holds",
    help: "Pending ledger transfers (holds) neither posted nor voided",
    registers: [registry],
    async collect() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), HOLDS_QUERY_TIMEOUT_MS);
      });
      const counted = db
        .execute<{ n: string | number }>(
          sql`select count(*) as n from ledger_transfers where state = 'pending'`,
        )
        .then((result) => Number(result.rows[0]?.n ?? 0))
        .catch(() => null);
      const n = await Promise.race([counted, timeout]);
      clearTimeout(timer);
      if (n !== null) this.set(n);
    },
  });
}
