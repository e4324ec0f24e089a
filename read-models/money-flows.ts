import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../runtime/db.ts";
import { type EventEnvelope, LedgerEventData } from "../schema/events.ts";
import type { ApplyReport, Consumer } from "./consumer.ts";
import type { DeadLetterSink } from "./dead-letters.ts";
import { applyProjection, hasNul, type Read } from "./projection.ts";

/**
 * Money flows from `ledger.transfers`: per day (UTC), currency, transfer code and movement, how
 * many transfers and how much money. Each transfer comes as two entries (one per account); the
 * flows count the debit side only, so a transfer counts once.
 *
 * Idempotency by event id, not by a per-account seq: the ledger feed may repeat events and, rarely,
 * deliver one account's entries out of order (ledger-relay.ts), and a sum must count each exactly
 * once either way. One statement records the ids and adds only what was new.
 */

export type FlowStep = {
  event_id: string;
  day: string;
  currency: string;
  code: string;
  movement: "moved" | "held" | "released" | "expired";
  amount: number;
};

/** What a ledger entry did to the money: posted, reserved, released by a caller or by time. */
function movementOf(event: LedgerEventData): FlowStep["movement"] {
  if (event.type === "HoldExpired") return "expired";
  switch (event.data.kind) {
    case "posted":
    case "post_pending":
      return "moved";
    case "pending":
      return "held";
    case "void_pending":
      return "released";
  }
}

/** Reads one event into its step (null for the credit side), or says why it is poison. */
export function flowStepOf(event: EventEnvelope): Read<FlowStep> {
  const parsed = LedgerEventData.safeParse({ type: event.type, data: event.data });
  if (!parsed.success) {
    return { ok: false, error: `invalid ${event.type}: ${z.prettifyError(parsed.error)}` };
  }
  if (hasNul(event.data)) return { ok: false, error: "the entry contains a NUL character" };
  const entry = parsed.data;
  if (entry.data.accountId !== event.aggregateId) {
    return { ok: false, error: "the entry's account is not the event's aggregate" };
  }
  if (entry.data.side === "credit") return { ok: true, step: null };
  return {
    ok: true,
    step: {
      event_id: event.id,
      day: event.at.slice(0, 10),
      currency: entry.data.currency,
      code: entry.data.code,
      movement: movementOf(entry),
      amount: entry.data.amount,
    },
  };
}

/**
 * Applies steps in one statement: `fresh` is the steps whose event ids were not recorded yet
 * (recorded now, in the same statement), and only they are added to the flows. Two bridges racing
 * on the same events: the ids' primary key lets one of them insert each id, and only that one adds.
 */
async function projectFlows(db: Db, steps: readonly FlowStep[]): Promise<void> {
  await db.execute(sql`
    with step as (
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(
        event_id uuid, day date, currency text, code text, movement text, amount bigint
      )
    ),
    fresh as (
      insert into ledger_flow_events (event_id)
      select distinct event_id from step
      on conflict (event_id) do nothing
      returning event_id
    ),
    sums as (
      select s.day, s.currency, s.code, s.movement, count(*)::int as transfers,
        sum(s.amount)::bigint as amount
      from (select distinct on (event_id) * from step) s
      join fresh using (event_id)
      group by s.day, s.currency, s.code, s.movement
    )
    insert into ledger_flows (day, currency, code, movement, transfers, amount)
    select day, currency, code, movement, transfers, amount from sums
    on conflict (day, currency, code, movement) do update set
      transfers = ledger_flows.transfers + excluded.transfers,
      amount = ledger_flows.amount + excluded.amount
  `);
}

/** The consumer that keeps `ledger_flows` from `ledger.transfers`. */
export function ledgerFlowsConsumer(deps: { db: Db; deadLetters: DeadLetterSink }): Consumer {
  return {
    name: "ledger-flows",
    topics: ["ledger.transfers"],
    apply(events): Promise<ApplyReport> {
      return applyProjection(events, {
        read: flowStepOf,
        project: (steps) => projectFlows(deps.db, steps),
        deadLetters: deps.deadLetters,
      });
    },
  };
}
