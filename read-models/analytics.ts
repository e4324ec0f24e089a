import { sql } from "drizzle-orm";
import { z } from "zod";
import { zoneOf } from "../domain/cells.ts";
import type { Db } from "../runtime/db.ts";
import {
  DriverEventData,
  type EventEnvelope,
  OrderEventData,
  type Topic,
} from "../schema/events.ts";
import type { Consumer } from "./consumer.ts";
import type { DeadLetterSink } from "./dead-letters.ts";
import { applyProjection, hasNul, PG_INTEGER_MAX, type Read } from "./projection.ts";

/**
 * The analytics consumer: keeps the facts the admin and restaurant reports are computed from
 * (schema/db/analytics.ts) from `order.events` and `driver.events`.
 *
 * Every fact is merged so that arrival order and repetition do not matter, which is what lets a
 * replay, even shuffled and duplicated, rebuild the same rows:
 * - an order's facts (status, totals, driver) are those of its highest seq seen;
 * - each milestone moment is the earliest seen for it (least of all events marking it), and the
 *   fees, drop-off zone and checkout promise, carried only by OrderPlaced, are kept once known;
 * - a driver's presence is one row per online/offline event, keyed by the driver's seq.
 */

export type OrderFactStep = {
  kind: "order";
  order_id: string;
  seq: number;
  restaurant_id: string;
  customer_id: string;
  driver_id: string | null;
  status: string;
  subtotal_cents: number;
  total_cents: number;
  placed_at: string;
  zone: string | null;
  delivery_fee_cents: number | null;
  service_fee_cents: number | null;
  tip_cents: number | null;
  promised_by: string | null;
  quoted_minutes: number | null;
  accepted_at: string | null;
  rejected_at: string | null;
  assigned_at: string | null;
  picked_up_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
};

export type PresenceStep = {
  kind: "presence";
  driver_id: string;
  seq: number;
  at: string;
  online: boolean;
};

export type AnalyticsStep = OrderFactStep | PresenceStep;

const Uuid = z.uuid();

function orderStepOf(event: EventEnvelope): Read<AnalyticsStep> {
  const parsed = OrderEventData.safeParse({ type: event.type, data: event.data });
  if (!parsed.success) {
    return { ok: false, error: `invalid ${event.type}: ${z.prettifyError(parsed.error)}` };
  }
  const { order } = parsed.data.data;
  if (hasNul(order)) return { ok: false, error: "the order facts contain a NUL character" };
  const type = parsed.data.type;
  const at = event.at;
  const placed = parsed.data.type === "OrderPlaced" ? parsed.data.data : null;
  if (placed?.quotedMinutes && placed.quotedMinutes > PG_INTEGER_MAX) {
    return {
      ok: false,
      error: `quotedMinutes ${placed.quotedMinutes} is beyond what analytics holds`,
    };
  }
  return {
    ok: true,
    step: {
      kind: "order",
      order_id: event.aggregateId,
      seq: event.seq,
      restaurant_id: order.restaurantId,
      customer_id: order.customerId,
      driver_id: order.driverId,
      status: order.status,
      subtotal_cents: order.subtotalCents,
      total_cents: order.totalCents,
      placed_at: order.placedAt,
      zone: placed ? zoneOf(placed.dropoff) : null,
      delivery_fee_cents: placed?.deliveryFeeCents ?? null,
      service_fee_cents: placed?.serviceFeeCents ?? null,
      tip_cents: placed?.tipCents ?? null,
      promised_by: placed?.promisedBy ?? null,
      quoted_minutes: placed?.quotedMinutes ?? null,
      accepted_at: type === "OrderAccepted" ? at : null,
      rejected_at: type === "OrderRejected" ? at : null,
      assigned_at: type === "DriverAssigned" ? at : null,
      picked_up_at: type === "OrderPickedUp" ? at : null,
      delivered_at: type === "OrderDelivered" ? at : null,
      cancelled_at: type === "OrderCancelled" ? at : null,
    },
  };
}

function driverStepOf(event: EventEnvelope): Read<AnalyticsStep> {
  const parsed = DriverEventData.safeParse({ type: event.type, data: event.data });
  if (!parsed.success) {
    return { ok: false, error: `invalid ${event.type}: ${z.prettifyError(parsed.error)}` };
  }
  const base = { kind: "presence" as const, driver_id: event.aggregateId, seq: event.seq };
  switch (parsed.data.type) {
    case "DriverWentOnline":
      return { ok: true, step: { ...base, at: event.at, online: true } };
    case "DriverWentOffline":
      return { ok: true, step: { ...base, at: event.at, online: false } };
    default:
      // Offers and flagged fixes: time on a job is read from the orders' own milestones.
      return { ok: true, step: null };
  }
}

/** Reads one event of `topic` into its step, nothing to do, or why it is poison. */
export function analyticsStepOf(event: EventEnvelope, topic: Topic): Read<AnalyticsStep> {
  if (!Uuid.safeParse(event.aggregateId).success) {
    return { ok: false, error: `aggregateId "${event.aggregateId}" is not a uuid` };
  }
  if (event.seq > PG_INTEGER_MAX) {
    return { ok: false, error: `seq ${event.seq} is beyond what analytics holds` };
  }
  if (topic === "order.events") return orderStepOf(event);
  if (topic === "driver.events") return driverStepOf(event);
  return { ok: false, error: `analytics does not read ${topic}` };
}

/**
 * One statement per batch of order steps. `merged` folds the batch per order the same way the
 * upsert folds a step into a stored row (facts of the highest seq, earliest milestones, the
 * OrderPlaced extras once known), so folding in a batch and folding row by row agree.
 */
async function projectOrders(db: Db, steps: readonly OrderFactStep[]): Promise<void> {
  if (steps.length === 0) return;
  await db.execute(sql`
    with step as (
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(
        order_id uuid, seq integer, restaurant_id uuid, customer_id uuid, driver_id uuid,
        status text, subtotal_cents bigint, total_cents bigint, placed_at timestamptz,
        zone text, delivery_fee_cents bigint, service_fee_cents bigint, tip_cents bigint,
        promised_by timestamptz, quoted_minutes integer,
        accepted_at timestamptz, rejected_at timestamptz, assigned_at timestamptz,
        picked_up_at timestamptz, delivered_at timestamptz, cancelled_at timestamptz
      )
    ),
    latest as (
      select distinct on (order_id) * from step order by order_id, seq desc
    ),
    merged as (
      select
        order_id,
        (array_agg(zone order by seq) filter (where zone is not null))[1] as zone,
        (array_agg(delivery_fee_cents order by seq)
          filter (where delivery_fee_cents is not null))[1] as delivery_fee_cents,
        (array_agg(service_fee_cents order by seq)
          filter (where service_fee_cents is not null))[1] as service_fee_cents,
        (array_agg(tip_cents order by seq) filter (where tip_cents is not null))[1] as tip_cents,
        (array_agg(promised_by order by seq)
          filter (where promised_by is not null))[1] as promised_by,
        (array_agg(quoted_minutes order by seq)
          filter (where quoted_minutes is not null))[1] as quoted_minutes,
        min(accepted_at) as accepted_at,
        min(rejected_at) as rejected_at,
        min(assigned_at) as assigned_at,
        min(picked_up_at) as picked_up_at,
        min(delivered_at) as delivered_at,
        min(cancelled_at) as cancelled_at
      from step
      group by order_id
    )
    insert into analytics_orders (
      order_id, restaurant_id, customer_id, driver_id, zone, status, subtotal_cents, total_cents,
      delivery_fee_cents, service_fee_cents, tip_cents, promised_by, quoted_minutes, placed_at,
      accepted_at, rejected_at, assigned_at, picked_up_at, delivered_at, cancelled_at, last_seq
    )
    select
      l.order_id, l.restaurant_id, l.customer_id, l.driver_id, m.zone, l.status,
      l.subtotal_cents, l.total_cents, m.delivery_fee_cents, m.service_fee_cents, m.tip_cents,
      m.promised_by, m.quoted_minutes, l.placed_at, m.accepted_at, m.rejected_at, m.assigned_at, m.picked_up_at, m.delivered_at,
      m.cancelled_at, l.seq
    from latest l join merged m using (order_id)
    on conflict (order_id) do update set
      restaurant_id = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.restaurant_id else analytics_orders.restaurant_id end,
      customer_id = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.customer_id else analytics_orders.customer_id end,
      driver_id = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.driver_id else analytics_orders.driver_id end,
      status = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.status else analytics_orders.status end,
      subtotal_cents = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.subtotal_cents else analytics_orders.subtotal_cents end,
      total_cents = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.total_cents else analytics_orders.total_cents end,
      placed_at = case when excluded.last_seq > analytics_orders.last_seq
        then excluded.placed_at else analytics_orders.placed_at end,
      zone = coalesce(analytics_orders.zone, excluded.zone),
      delivery_fee_cents = coalesce(analytics_orders.delivery_fee_cents, excluded.delivery_fee_cents),
      service_fee_cents = coalesce(analytics_orders.service_fee_cents, excluded.service_fee_cents),
      tip_cents = coalesce(analytics_orders.tip_cents, excluded.tip_cents),
      promised_by = coalesce(analytics_orders.promised_by, excluded.promised_by),
      quoted_minutes = coalesce(analytics_orders.quoted_minutes, excluded.quoted_minutes),
      accepted_at = least(analytics_orders.accepted_at, excluded.accepted_at),
      rejected_at = least(analytics_orders.rejected_at, excluded.rejected_at),
      assigned_at = least(analytics_orders.assigned_at, excluded.assigned_at),
      picked_up_at = least(analytics_orders.picked_up_at, excluded.picked_up_at),
      delivered_at = least(analytics_orders.delivered_at, excluded.delivered_at),
      cancelled_at = least(analytics_orders.cancelled_at, excluded.cancelled_at),
      last_seq = greatest(analytics_orders.last_seq, excluded.last_seq)
  `);
}

async function projectPresence(db: Db, steps: readonly PresenceStep[]): Promise<void> {
  if (steps.length === 0) return;
  await db.execute(sql`
    insert into analytics_driver_presence (driver_id, seq, at, online)
    select driver_id, seq, at, online
    from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as p(
      driver_id uuid, seq integer, at timestamptz, online boolean
    )
    on conflict (driver_id, seq) do nothing
  `);
}

export type AnalyticsDeps = { db: Db; deadLetters: DeadLetterSink };

/** The consumer that keeps the analytics facts from `order.events` and `driver.events`. */
export function analyticsConsumer(deps: AnalyticsDeps): Consumer {
  return {
    name: "analytics",
    topics: ["order.events", "driver.events"],
    apply: (events, ctx) =>
      applyProjection(events, {
        read: (event) => analyticsStepOf(event, ctx.topic),
        project: async (steps) => {
          await projectOrders(
            deps.db,
            steps.filter((s): s is OrderFactStep => s.kind === "order"),
          );
          await projectPresence(
            deps.db,
            steps.filter((s): s is PresenceStep => s.kind === "presence"),
          );
        },
        deadLetters: deps.deadLetters,
      }),
  };
}
