import { z } from "zod";
import { accountId, pointsOf } from "../../ledger/chart.ts";
import {
  balanceOf,
  createTransfers,
  type Executor,
  ensureAccounts,
  lookupAccounts,
} from "../../ledger/engine.ts";
import {
  holdRefusalOf,
  type MoneyPolicy,
  releaseStep,
  Step,
  splitOf,
  type Verdict,
  verdictOf,
} from "../../ledger/order-money.ts";
import { logLine } from "../../runtime/log.ts";
import { describeError } from "../../runtime/redact.ts";
import { backoff, backoffDelayMs } from "../../runtime/retry.ts";
import { fail, ok, type Result } from "../../schema/errors.ts";
import { TransferOutcome } from "../../schema/ledger.ts";
import { Order, type OrderPayment } from "../../schema/orders.ts";
import type { Timers } from "../timers.ts";

/**
 * The order's money saga, the OrderActor's memory of it: every step it decided (hold, settle,
 * release, refund) is written to its storage in the same transaction as the decision, then
 * submitted to the ledger, and retried with the same transfer ids until the ledger answers. A
 * crash between steps leaves a pending row that the next alarm submits again; the ledger applies
 * each transfer once.
 *
 * A hold is special: it is submitted before the order exists. Its row is written first, as an
 * intent with a deadline; if the placement never completes (refused by the kitchen, a crash, a
 * lost connection), the alarm at the deadline releases whatever the ledger holds for it.
 */

export const SAGA_MIGRATION = [
  `create table saga (
    name text primary key,
    seq integer not null,
    kind text not null,
    step_json text not null,
    money_json text not null,
    state text not null,
    outcome_json text,
    attempts integer not null default 0,
    due_at integer not null,
    created_at integer not null
  )`,
];

export const SAGA_TIMER = "saga";

/** A placement that has not stored its order by then is abandoned, and its hold released. */
export const HOLD_INTENT_MS = 60_000;
/**
 * A money step the ledger could not take (the database is away) is retried from a second,
 * doubling up to a minute, with jitter so an outage's backlog of orders does not come back at
 * once. Never given up: each step is a transfer the order owes someone, and its ids make every
 * retry safe. A step the ledger refuses is another matter: it is not retried, but kept for an
 * operator (`refused`).
 */
const LEDGER_BACKOFF = backoff("orderSaga", {
  baseMs: 1_000,
  maxMs: 60_000,
  attemptsMax: Number.POSITIVE_INFINITY,
});

/**
 * - hold: pending (submitted, answer unknown) -> held -> adopted (the order is stored), or
 *   refused, or abandoned (a release was queued for it);
 * - settle, release, refund: pending -> done, or refused (the ledger said no for good: logged
 *   for an operator; money never moves on a guess).
 */
type RowState = "pending" | "held" | "adopted" | "refused" | "abandoned" | "done";

type Row = {
  name: string;
  kind: Step["kind"];
  step_json: string;
  money_json: string;
  state: RowState;
  attempts: number;
  due_at: number;
  created_at: number;
};

/** What the saga needs of an order to release its holds. */
const Money = Order.pick({ id: true, customerId: true, pricing: true });
type Money = z.infer<typeof Money>;

export type Submission = { ok: true; outcomes: TransferOutcome[] } | { ok: false; error: unknown };

export type Ledger = () => { db: Executor; close(): Promise<void> };

export class OrderSaga {
  private readonly sql: SqlStorage;
  private readonly timers: Timers;
  private readonly ledger: Ledger;

  constructor(sql: SqlStorage, timers: Timers, ledger: Ledger) {
    this.sql = sql;
    this.timers = timers;
    this.ledger = ledger;
  }

  /** Each placement attempt holds under its own ids, so a retry after a refusal starts clean. */
  nextAttempt(): number {
    const row = this.sql
      .exec<{ n: number }>("select count(*) as n from saga where kind = 'hold'")
      .one();
    return row.n + 1;
  }

  /**
   * Reserves a placement's money, whose intent the caller stored first (`intendHold`), so a hold
   * the ledger took is released even if the actor never hears the answer. A refusal is final and
   * names what was short.
   */
  async hold(step: Step, money: Money, nowMs: number): Promise<Result<null>> {
    const submitted = await this.submit(step, nowMs);
    if (!submitted.ok) {
      log("hold failed", step.name, { orderId: money.id, error: describeError(submitted.error) });
      return fail("unavailable", "payments are unavailable right now; nothing was charged");
    }
    const refusal = holdRefusalOf(
      money,
      Number(step.name.slice("hold:".length)),
      submitted.outcomes,
    );
    this.mark(step.name, refusal ? "refused" : "held", submitted.outcomes);
    if (!refusal) return ok(null);
    if (refusal.code === "unavailable") log("hold refused", step.name, submitted.outcomes);
    return { ok: false, error: refusal };
  }

  /** A hold whose placement did not go through is released now (or by the retries). */
  async abandonHold(hold: Step, money: Money, nowMs: number): Promise<void> {
    this.mark(hold.name, "abandoned");
    this.enqueue(releaseStep(money, Number(hold.name.slice("hold:".length))), money, nowMs);
    await this.run(nowMs);
  }

  /** Writes a hold's intent: call before submitting it. */
  intendHold(step: Step, money: Money, nowMs: number): void {
    this.insert(step, money, "pending", nowMs + HOLD_INTENT_MS, nowMs);
    this.timers.setNoLaterThan(SAGA_TIMER, nowMs + HOLD_INTENT_MS);
  }

  /** Queues a step decided with an order change: call inside the change's transaction. */
  enqueue(step: Step, money: Money, nowMs: number): void {
    this.insert(step, money, "pending", nowMs, nowMs);
    this.timers.setNoLaterThan(SAGA_TIMER, nowMs);
  }

  mark(name: string, state: RowState, outcome?: unknown): void {
    this.sql.exec(
      "update saga set state = ?, outcome_json = coalesce(?, outcome_json) where name = ?",
      state,
      outcome === undefined ? null : JSON.stringify(outcome),
      name,
    );
  }

  /** The placement attempt whose hold the order owns, once the order is stored. */
  adoptedAttempt(): number | null {
    const row = this.sql
      .exec<{ name: string }>("select name from saga where kind = 'hold' and state = 'adopted'")
      .toArray()[0];
    return row ? Number(row.name.slice("hold:".length)) : null;
  }

  /**
   * The points a customer can give back now (a refund takes back what its order earned, but never
   * more than the account holds). A database that cannot answer is an answer too: unavailable.
   */
  async pointsAvailable(customerId: string): Promise<Result<number>> {
    let connection: ReturnType<Ledger> | null = null;
    try {
      connection = this.ledger();
      const id = accountId(pointsOf(customerId));
      const [account] = await lookupAccounts(connection.db, [id]);
      return ok(account ? balanceOf(account).available : 0);
    } catch (error) {
      log("points lookup failed", "refund", { error: describeError(error) });
      return fail("unavailable", "the ledger is unavailable right now; try the refund again");
    } finally {
      if (connection) await connection.close();
    }
  }

  /** Submits one batch to the ledger. A database error is an answer too: retry later. */
  async submit(step: Pick<Step, "refs" | "transfers">, nowMs: number): Promise<Submission> {
    if (step.transfers.length === 0) return { ok: true, outcomes: [] };
    let connection: ReturnType<Ledger> | null = null;
    try {
      connection = this.ledger();
      await ensureAccounts(connection.db, step.refs);
      return { ok: true, outcomes: await createTransfers(connection.db, step.transfers, nowMs) };
    } catch (error) {
      return { ok: false, error };
    } finally {
      // The answer is in hand; a connection that will not close cleanly is only worth a line.
      await connection
        ?.close()
        .catch((error: unknown) =>
          log("closing the ledger connection failed", "submit", { error: describeError(error) }),
        );
    }
  }

  /**
   * Runs every step that is due, oldest first, and stops at the first the ledger cannot take
   * (steps of one order apply in order: a refund never before its settlement). Abandoned
   * placements get their holds released. Re-aims the saga's timer at what is left.
   */
  async run(nowMs: number): Promise<void> {
    this.abandonStaleHolds(nowMs);
    const due = this.sql
      .exec<Row>(
        "select * from saga where state = 'pending' and kind != 'hold' and due_at <= ? order by seq",
        nowMs,
      )
      .toArray();
    for (const row of due) {
      const step = Step.parse(JSON.parse(row.step_json));
      const batch = step.useFallback && step.fallback ? step.fallback : step;
      const submitted = await this.submit(batch, nowMs);
      if (!submitted.ok) {
        const waitMs = backoffDelayMs(row.attempts + 1, LEDGER_BACKOFF, Math.random());
        this.sql.exec(
          "update saga set attempts = attempts + 1, due_at = ? where name = ?",
          nowMs + waitMs,
          row.name,
        );
        log("ledger step failed, will retry", row.name, { error: describeError(submitted.error) });
        break;
      }
      const verdict: Verdict = step.useFallback
        ? verdictOf({ ...step, fallback: undefined }, submitted.outcomes)
        : verdictOf(step, submitted.outcomes);
      if (verdict.kind === "fallback") {
        this.sql.exec(
          "update saga set step_json = ? where name = ?",
          JSON.stringify({ ...step, useFallback: true }),
          row.name,
        );
        // Run the fallback at once: it is the same step, from another account.
        return this.run(nowMs);
      }
      if (verdict.kind === "refused") {
        log("the ledger refused a step; an operator must look", row.name, verdict);
        this.mark(row.name, "refused", submitted.outcomes);
      } else {
        this.mark(row.name, "done", submitted.outcomes);
      }
    }
    this.rearm();
  }

  /** Where the order's money is, from the steps it has taken. */
  paymentOf(order: Order, policy: MoneyPolicy): OrderPayment | null {
    const attempt = this.adoptedAttempt();
    if (attempt === null) return null;
    const states = new Map(
      this.sql
        .exec<{ name: string; state: RowState }>("select name, state from saga")
        .toArray()
        .map((r) => [r.name, r.state]),
    );
    const settle = states.get("settle");
    const release = states.get(`release:${attempt}`);
    const state: OrderPayment["state"] = settle
      ? settle === "done"
        ? "settled"
        : "settling"
      : release
        ? release === "done"
          ? "released"
          : "releasing"
        : "held";
    const refundedCents = order.refunds
      .filter((r) => states.get(`refund:${r.id}`) === "done")
      .reduce((sum, r) => sum + r.amountCents, 0);
    return {
      state,
      heldCents: order.pricing.totalCents,
      pointsRedeemed: order.pricing.pointsRedeemed,
      pointsEarned: state === "settled" ? splitOf(order.pricing, policy).pointsEarned : 0,
      refundedCents,
    };
  }

  /** Steps the ledger refused for good: for operators and tests. */
  refused(): Array<{ name: string; outcome: unknown }> {
    return this.sql
      .exec<{ name: string; outcome_json: string | null }>(
        "select name, outcome_json from saga where state = 'refused' and kind != 'hold'",
      )
      .toArray()
      .map((r) => ({
        name: r.name,
        outcome: r.outcome_json ? z.array(TransferOutcome).parse(JSON.parse(r.outcome_json)) : null,
      }));
  }

  /**
   * A hold whose placement did not finish by its deadline is given back. The order itself may
   * exist (its placement raced another); the hold it adopted is never stale.
   */
  private abandonStaleHolds(nowMs: number): void {
    const stale = this.sql
      .exec<Row>(
        "select * from saga where kind = 'hold' and state in ('pending', 'held') and due_at <= ?",
        nowMs,
      )
      .toArray();
    for (const row of stale) {
      const money = Money.parse(JSON.parse(row.money_json));
      this.mark(row.name, "abandoned");
      this.enqueue(releaseStep(money, Number(row.name.slice("hold:".length))), money, nowMs);
    }
  }

  private insert(step: Step, money: Money, state: RowState, dueAt: number, nowMs: number): void {
    const seq = this.sql
      .exec<{ n: number }>("select coalesce(max(seq), 0) + 1 as n from saga")
      .one().n;
    this.sql.exec(
      "insert into saga (name, seq, kind, step_json, money_json, state, due_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do nothing",
      step.name,
      seq,
      step.kind,
      JSON.stringify(step),
      JSON.stringify({ id: money.id, customerId: money.customerId, pricing: money.pricing }),
      state,
      dueAt,
      nowMs,
    );
  }

  /** Points the saga's timer at the next step or hold deadline due, or clears it. */
  private rearm(): void {
    const next = this.sql
      .exec<{ at: number | null }>(
        "select min(due_at) as at from saga where state = 'pending' or (kind = 'hold' and state = 'held')",
      )
      .one().at;
    if (next === null) this.timers.clear(SAGA_TIMER);
    else this.timers.set(SAGA_TIMER, next);
  }
}

function log(msg: string, step: string, details: unknown): void {
  logLine("warn", msg, { step, details });
}
