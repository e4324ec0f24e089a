import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../runtime/db.ts";
import { type EventEnvelope, OrderEventData } from "../schema/events.ts";
import type { ApplyReport, Consumer } from "./consumer.ts";
import { type DeadLetter, type DeadLetterSink, deadLetterOf } from "./dead-letters.ts";

/**
 * The order-history projection: keeps `order_history` (one row per order) in step with
 * `order.events`. Every order event carries the whole order as of that event (OrderFacts), so a
 * row is the facts of the newest event applied plus the moments of the milestones seen on the way.
 *
 * Idempotency lives in Postgres, not in this process: a row remembers the seq of the newest event
 * applied (`last_seq`), and one statement applies a batch only where the event is newer, so a
 * duplicate, a replay or an older event changes nothing, even with two bridges racing.
 */

/** The largest value of a Postgres `integer`, the type of `order_history.last_seq`. */
const PG_INTEGER_MAX = 2_147_483_647;

/**
 * One event's contribution to its order's row, flat so Postgres reads a whole batch as one
 * recordset. Keys are the column names; a milestone moment is set only by the event that marks it.
 */
export type HistoryStep = {
  order_id: string;
  seq: number;
  at: string;
  customer_id: string;
  restaurant_id: string;
  restaurant_name: string;
  driver_id: string | null;
  status: string;
  subtotal_cents: number;
  total_cents: number;
  placed_at: string;
  accepted_at: string | null;
  ready_at: string | null;
  picked_up_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
};

export type StepResult = { ok: true; step: HistoryStep } | { ok: false; error: string };

const OrderId = z.uuid();

/** Reads one event into its step, or says why it cannot be applied (it becomes a dead letter). */
export function historyStepOf(event: EventEnvelope): StepResult {
  if (!OrderId.safeParse(event.aggregateId).success) {
    return { ok: false, error: `aggregateId "${event.aggregateId}" is not an order id (uuid)` };
  }
  if (event.seq > PG_INTEGER_MAX) {
    return { ok: false, error: `seq ${event.seq} is beyond what order_history.last_seq holds` };
  }
  const parsed = OrderEventData.safeParse({ type: event.type, data: event.data });
  if (!parsed.success) {
    return { ok: false, error: `invalid ${event.type}: ${z.prettifyError(parsed.error)}` };
  }
  const { order } = parsed.data.data;
  // Postgres text cannot hold NUL, and a statement that fails takes the whole batch with it.
  if (order.restaurantName.includes("\u0000")) {
    return { ok: false, error: "restaurantName contains a NUL character" };
  }
  const at = event.at;
  const type = parsed.data.type;
  return {
    ok: true,
    step: {
      order_id: event.aggregateId,
      seq: event.seq,
      at,
      customer_id: order.customerId,
      restaurant_id: order.restaurantId,
      restaurant_name: order.restaurantName,
      driver_id: order.driverId,
      status: order.status,
      subtotal_cents: order.subtotalCents,
      total_cents: order.totalCents,
      placed_at: order.placedAt,
      accepted_at: type === "OrderAccepted" ? at : null,
      ready_at: type === "OrderReady" ? at : null,
      picked_up_at: type === "OrderPickedUp" ? at : null,
      delivered_at: type === "OrderDelivered" ? at : null,
      cancelled_at: type === "OrderCancelled" ? at : null,
      cancel_reason: parsed.data.type === "OrderCancelled" ? parsed.data.data.reason : null,
    },
  };
}

/**
 * Applies steps in one statement (one round trip, atomic):
 * - `fresh` keeps only steps newer than their row's `last_seq`, so older events add nothing, not
 *   even a milestone;
 * - `latest` takes each order's newest step for the facts (events may arrive out of order);
 * - `milestones` takes each moment from the earliest step that marks it;
 * - the upsert writes a row only if it is still behind (`WHERE last_seq < excluded.last_seq`),
 *   checked again on the row as committed, which is what makes two racing bridges safe; and it
 *   keeps a moment already recorded (COALESCE), so a replay never erases or moves one.
 * One row per order reaches the upsert: Postgres refuses to update a row twice in one statement.
 */
async function projectSteps(db: Db, steps: readonly HistoryStep[]): Promise<void> {
  await db.execute(sql`
    with step as (
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(
        order_id uuid, seq integer, at timestamptz, customer_id uuid, restaurant_id uuid,
        restaurant_name text, driver_id uuid, status text, subtotal_cents bigint,
        total_cents bigint, placed_at timestamptz, accepted_at timestamptz, ready_at timestamptz,
        picked_up_at timestamptz, delivered_at timestamptz, cancelled_at timestamptz,
        cancel_reason text
      )
    ),
    fresh as (
      select step.* from step
      left join order_history h on h.order_id = step.order_id
      where h.last_seq is null or step.seq > h.last_seq
    ),
    latest as (
      select distinct on (order_id) * from fresh order by order_id, seq desc
    ),
    milestones as (
      select
        order_id,
        (array_agg(accepted_at order by seq) filter (where accepted_at is not null))[1] as accepted_at,
        (array_agg(ready_at order by seq) filter (where ready_at is not null))[1] as ready_at,
        (array_agg(picked_up_at order by seq) filter (where picked_up_at is not null))[1] as picked_up_at,
        (array_agg(delivered_at order by seq) filter (where delivered_at is not null))[1] as delivered_at,
        (array_agg(cancelled_at order by seq) filter (where cancelled_at is not null))[1] as cancelled_at,
        (array_agg(cancel_reason order by seq) filter (where cancel_reason is not null))[1] as cancel_reason
      from fresh
      group by order_id
    )
    insert into order_history (
      order_id, customer_id, restaurant_id, restaurant_name, driver_id, status,
      subtotal_cents, total_cents, placed_at, accepted_at, ready_at, picked_up_at,
      delivered_at, cancelled_at, cancel_reason, updated_at, last_seq
    )
    select
      l.order_id, l.customer_id, l.restaurant_id, l.restaurant_name, l.driver_id, l.status,
      l.subtotal_cents, l.total_cents, l.placed_at, m.accepted_at, m.ready_at, m.picked_up_at,
      m.delivered_at, m.cancelled_at, m.cancel_reason, l.at, l.seq
    from latest l join milestones m using (order_id)
    on conflict (order_id) do update set
      customer_id = excluded.customer_id,
      restaurant_id = excluded.restaurant_id,
      restaurant_name = excluded.restaurant_name,
      driver_id = excluded.driver_id,
      status = excluded.status,
      subtotal_cents = excluded.subtotal_cents,
      total_cents = excluded.total_cents,
      placed_at = excluded.placed_at,
      accepted_at = coalesce(order_history.accepted_at, excluded.accepted_at),
      ready_at = coalesce(order_history.ready_at, excluded.ready_at),
      picked_up_at = coalesce(order_history.picked_up_at, excluded.picked_up_at),
      delivered_at = coalesce(order_history.delivered_at, excluded.delivered_at),
      cancelled_at = coalesce(order_history.cancelled_at, excluded.cancelled_at),
      cancel_reason = coalesce(order_history.cancel_reason, excluded.cancel_reason),
      updated_at = excluded.updated_at,
      last_seq = excluded.last_seq
    where order_history.last_seq < excluded.last_seq
  `);
}

/**
 * The SQLSTATE of a failed query, looked for along the cause chain (drizzle wraps the driver's
 * error).
 */
function sqlStateOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = e.cause;
  }
  return null;
}

/**
 * Postgres's "data exception" class (22): a value it will not store, such as a year 0 timestamp
 * that passed the schema. It is the event's fault, not the database's, so retrying cannot help.
 */
function isDataException(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith("22") ?? false;
}

function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export type OrderHistoryDeps = { db: Db; deadLetters: DeadLetterSink };

/** The consumer that keeps `order_history` from `order.events`. */
export function orderHistoryConsumer(deps: OrderHistoryDeps): Consumer {
  return {
    name: "order-history",
    topics: ["order.events"],
    async apply(events): Promise<ApplyReport> {
      const letters: DeadLetter[] = [];
      const readable: { event: EventEnvelope; step: HistoryStep }[] = [];
      for (const event of events) {
        const result = historyStepOf(event);
        if (result.ok) readable.push({ event, step: result.step });
        else letters.push(deadLetterOf(event, result.error));
      }

      if (readable.length > 0) {
        try {
          await projectSteps(
            deps.db,
            readable.map((r) => r.step),
          );
        } catch (error) {
          if (!isDataException(error)) throw error;
          // Some value got past the schema but not past Postgres. Find it by applying one event at
          // a time, in order, so that only the culprit is set aside. This costs a round trip per
          // event, and only on the rare batch that needs it.
          for (const { event, step } of readable) {
            try {
              await projectSteps(deps.db, [step]);
            } catch (single) {
              if (!isDataException(single)) throw single;
              letters.push(deadLetterOf(event, `postgres refused the event: ${reasonOf(single)}`));
            }
          }
        }
      }

      await deps.deadLetters(letters);
      return {
        deadLettered: letters.map((letter) => letter.eventId),
        reasons: Object.fromEntries(letters.map((letter) => [letter.eventId, letter.error])),
      };
    },
  };
}
