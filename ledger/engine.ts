import { asc, eq, inArray, sql } from "drizzle-orm";
import type { NeonQueryResultHKT } from "drizzle-orm/neon-serverless";
import { type PgDatabase, PgTransaction } from "drizzle-orm/pg-core";
import { z } from "zod";
import type * as tables from "../schema/db/index.ts";
import { ledgerAccounts, ledgerTransfers } from "../schema/db/ledger.ts";
import {
  type Account,
  AMOUNT_MAX,
  type Balance,
  type Currency,
  type LedgerInvariants,
  type ParsedTransferInput,
  type StatementLine,
  TRANSFER_BATCH_MAX,
  type Transfer,
  TransferInput,
  type TransferOutcome,
  TransferResult,
  VOID_EXPIRED_LIMIT_MAX,
} from "../schema/ledger.ts";
import { type AccountRef, accountRow } from "./chart.ts";

/**
 * The ledger as the Worker and the actors use it: a thin shell over the engine in Postgres
 * (`ledger_create_transfers`, `ledger_void_expired`). Every write is one statement, so one round
 * trip, and atomic on its own. Every function takes the database or a transaction of it.
 */

/** The database, or a transaction (`db.transaction(tx => ...)`) on it. */
export type Executor = PgDatabase<NeonQueryResultHKT, typeof tables>;

/**
 * How often a batch is retried when Postgres refuses it for a race it cannot decide itself: a
 * deadlock or a transfer id inserted by a concurrent batch with a different body (both only when
 * an id is reused with different fields at the same moment), or a stored transfer that appeared
 * after the batch chose its locks. Each retry sees the other batch's outcome, so two suffice; the
 * third is margin.
 */
const RACE_RETRIES_MAX = 3;
const RETRYABLE = new Set(["40001", "40P01", "23505"]);
/** Built once: building a zod schema costs several times parsing with it (bench/ledger). */
const TransferResults = z.array(TransferResult);

/**
 * Applies a batch of transfers in one round trip and answers one outcome per transfer, in order.
 * Unlinked transfers succeed or fail each on their own; a linked chain all or nothing. Inputs
 * are parsed (a malformed one is a programmer's error and throws); refusals are outcomes.
 * Inside a caller's transaction a race surfaces as an error for the caller to retry; on the
 * database itself it is retried here.
 */
export async function createTransfers(
  db: Executor,
  transfers: readonly TransferInput[],
  nowMs: number,
): Promise<TransferOutcome[]> {
  assert(transfers.length >= 1, "a batch holds at least one transfer");
  assert(
    transfers.length <= TRANSFER_BATCH_MAX,
    `a batch holds at most ${TRANSFER_BATCH_MAX} transfers`,
  );
  assert(Number.isSafeInteger(nowMs) && nowMs > 0, "now is a positive whole number of ms");
  const parsed = transfers.map((t) => TransferInput.parse(t));
  const at = new Date(nowMs).toISOString();

  const single = singlePathOf(parsed);
  const statement = single
    ? sql`select jsonb_build_array(ledger_create_transfer(${single.id}::uuid, ${single.kind},
        ${single.debitAccountId}::uuid, ${single.creditAccountId}::uuid, ${single.amount}::bigint,
        ${single.currency}, ${single.code}, ${single.kind === "pending" ? (single.timeoutMs ?? null) : null}::int,
        ${single.orderId ?? null}::uuid, ${single.metadata ? JSON.stringify(single.metadata) : null}::jsonb,
        ${at}::timestamptz)) as results`
    : sql`select ledger_create_transfers(${JSON.stringify(parsed)}::jsonb, ${at}::timestamptz) as results`;

  const inTransaction = db instanceof PgTransaction;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.execute(statement);
      const results = TransferResults.parse(
        (result.rows[0] as { results: unknown } | undefined)?.results,
      );
      assert(results.length === parsed.length, "one result per transfer");
      return parsed.map((t, i) => ({ id: t.id, result: results[i]! }));
    } catch (error) {
      if (inTransaction || attempt >= RACE_RETRIES_MAX || !RETRYABLE.has(pgCode(error) ?? "")) {
        throw error;
      }
    }
  }
}

/**
 * The transfer a batch of one posted or pending, unlinked transfer holds: the commonest call,
 * which the engine's single path (`ledger_create_transfer`, migration 0006) decides with about
 * half the work of the batch path, to the same answer.
 */
function singlePathOf(
  batch: readonly ParsedTransferInput[],
): Extract<ParsedTransferInput, { kind: "posted" | "pending" }> | null {
  const [only] = batch;
  if (batch.length !== 1 || !only || only.linked) return null;
  return only.kind === "posted" || only.kind === "pending" ? only : null;
}

/**
 * Opens the accounts that do not exist yet, with the chart's currency and flags; existing ones
 * are left exactly as they are. Answers their ids, in the order of the refs.
 */
export async function ensureAccounts(db: Executor, refs: readonly AccountRef[]): Promise<string[]> {
  assert(refs.length <= TRANSFER_BATCH_MAX * 2, "at most two accounts per transfer of a batch");
  const rows = refs.map(accountRow);
  if (rows.length === 0) return [];
  // Sorted, so two callers opening overlapping sets insert in the same order and never deadlock.
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  await db.insert(ledgerAccounts).values(unique).onConflictDoNothing({ target: ledgerAccounts.id });
  return rows.map((r) => r.id);
}

/** The accounts with these ids that exist, in the order asked. */
export async function lookupAccounts(db: Executor, ids: readonly string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(ledgerAccounts)
    .where(inArray(ledgerAccounts.id, [...new Set(ids.map((id) => id.toLowerCase()))]));
  const byId = new Map(rows.map((row) => [row.id, accountView(row)]));
  return ids.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
}

/** The transfers with these ids that exist, in the order asked. */
export async function lookupTransfers(db: Executor, ids: readonly string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(ledgerTransfers)
    .where(inArray(ledgerTransfers.id, [...new Set(ids.map((id) => id.toLowerCase()))]));
  const byId = new Map(rows.map((row) => [row.id, transferView(row)]));
  return ids.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
}

/** An order has a handful of transfers; more than this is a bug worth seeing, not paging. */
const ORDER_TRANSFERS_MAX = 500;

/** Every transfer that names the order, in the order they were made. */
export async function transfersOfOrder(db: Executor, orderId: string): Promise<Transfer[]> {
  const rows = await db
    .select()
    .from(ledgerTransfers)
    .where(eq(ledgerTransfers.orderId, orderId.toLowerCase()))
    .orderBy(asc(ledgerTransfers.seq))
    .limit(ORDER_TRANSFERS_MAX);
  return rows.map(transferView);
}

/**
 * An account's balance from the holder's side (see `Balance`): for a wallet, `available` is what
 * the customer can spend, posted credits minus posted debits minus held (pending) debits.
 */
export function balanceOf(account: Account): Balance {
  const posted = account.creditsPosted - account.debitsPosted;
  return {
    currency: account.currency,
    posted,
    held: account.debitsPending,
    incoming: account.creditsPending,
    available: posted - account.debitsPending,
  };
}

/**
 * A page of an account's statement, newest first: every transfer that debits or credits it, each
 * line naming its transfer. Pages by keyset (`before` = the last seq seen), so a page costs the
 * same however deep it is and lines arriving meanwhile never shift it.
 */
export async function statement(
  db: Executor,
  accountId: string,
  page: { before?: number | undefined; limit: number },
): Promise<{ lines: StatementLine[]; nextBefore: number | null }> {
  assert(Number.isSafeInteger(page.limit) && page.limit >= 1 && page.limit <= 1_000, "page size");
  const id = accountId.toLowerCase();
  const before = page.before ?? AMOUNT_MAX;
  // One index range per side (debit, credit), each already in seq order, merged: cheaper than
  // an OR over both columns, which cannot use either index's order.
  const result = await db.execute(sql`
    select id, seq::text as seq, kind, debit_account_id, credit_account_id, amount::text as amount,
      currency, code, state, pending_id, order_id, created_at
    from (
      (select * from ledger_transfers where debit_account_id = ${id} and seq < ${before}
        order by seq desc limit ${page.limit})
      union all
      (select * from ledger_transfers where credit_account_id = ${id} and seq < ${before}
        order by seq desc limit ${page.limit})
    ) t
    order by t.seq desc
    limit ${page.limit}`);
  const rows = result.rows as Array<{
    id: string;
    seq: string;
    kind: Transfer["kind"];
    debit_account_id: string;
    credit_account_id: string;
    amount: string;
    currency: Currency;
    code: Transfer["code"];
    state: Transfer["state"];
    pending_id: string | null;
    order_id: string | null;
    created_at: Date | string;
  }>;
  const lines = rows.map((row): StatementLine => {
    const credited = row.credit_account_id === id;
    const amount = safeNumber(row.amount);
    return {
      transferId: row.id,
      seq: safeNumber(row.seq),
      kind: row.kind,
      code: row.code,
      counterpartyAccountId: credited ? row.debit_account_id : row.credit_account_id,
      amount: credited ? amount : -amount,
      currency: row.currency,
      state: row.state,
      pendingId: row.pending_id,
      orderId: row.order_id,
      at: new Date(row.created_at).toISOString(),
    };
  });
  return {
    lines,
    nextBefore: lines.length === page.limit ? lines[lines.length - 1]!.seq : null,
  };
}

/**
 * Voids up to `limit` pending transfers whose timeout has passed, releasing what they reserved.
 * Answers how many it voided; run it again while it answers `limit`.
 */
export async function voidExpired(db: Executor, nowMs: number, limit: number): Promise<number> {
  assert(Number.isSafeInteger(nowMs) && nowMs > 0, "now is a positive whole number of ms");
  assert(
    Number.isSafeInteger(limit) && limit >= 1 && limit <= VOID_EXPIRED_LIMIT_MAX,
    `a sweep voids 1 to ${VOID_EXPIRED_LIMIT_MAX} holds`,
  );
  const at = new Date(nowMs).toISOString();
  const result = await db.execute(
    sql`select ledger_void_expired(${at}::timestamptz, ${limit}::int) as voided`,
  );
  const voided = Number((result.rows[0] as { voided: number | string }).voided);
  assert(Number.isSafeInteger(voided) && voided >= 0 && voided <= limit, "voided within limit");
  return voided;
}

/**
 * The ledger's invariants as an operator sees them, in one consistent snapshot: per currency the
 * sums of all debits and all credits (posted and pending) must be equal, and no account flagged
 * "never below zero" may be below zero.
 */
export async function ledgerInvariants(db: Executor, nowMs: number): Promise<LedgerInvariants> {
  const at = new Date(nowMs).toISOString();
  const result = await db.execute(sql`
    select
      (select coalesce(json_agg(c order by c.currency), '[]') from (
        select currency,
          sum(debits_posted)::text as debits_posted, sum(credits_posted)::text as credits_posted,
          sum(debits_pending)::text as debits_pending, sum(credits_pending)::text as credits_pending,
          sum(debits_posted) = sum(credits_posted) and sum(debits_pending) = sum(credits_pending)
            as balanced
        from ledger_accounts group by currency) c) as currencies,
      (select count(*) from ledger_accounts
        where (debits_must_not_exceed_credits and debits_pending + debits_posted > credits_posted)
           or (credits_must_not_exceed_debits and credits_pending + credits_posted > debits_posted)
      )::int as overdrawn,
      (select count(*) from ledger_transfers where state = 'pending' and kind = 'pending')::int
        as open_pending,
      (select count(*) from ledger_transfers where state = 'pending' and expires_at <= ${at}::timestamptz)::int
        as expired_pending`);
  const row = result.rows[0] as {
    currencies: Array<{
      currency: Currency;
      debits_posted: string;
      credits_posted: string;
      debits_pending: string;
      credits_pending: string;
      balanced: boolean;
    }>;
    overdrawn: number;
    open_pending: number;
    expired_pending: number;
  };
  const currencies = row.currencies.map((c) => ({
    currency: c.currency,
    debitsPosted: Number(c.debits_posted),
    creditsPosted: Number(c.credits_posted),
    debitsPending: Number(c.debits_pending),
    creditsPending: Number(c.credits_pending),
    balanced: c.balanced,
  }));
  return {
    currencies,
    overdrawnAccounts: row.overdrawn,
    openPendingTransfers: row.open_pending,
    expiredPendingTransfers: row.expired_pending,
    balanced: currencies.every((c) => c.balanced) && row.overdrawn === 0,
    checkedAt: new Date(nowMs).toISOString(),
  };
}

export function accountView(row: typeof ledgerAccounts.$inferSelect): Account {
  for (const field of [
    row.debitsPending,
    row.debitsPosted,
    row.creditsPending,
    row.creditsPosted,
  ]) {
    assert(Number.isSafeInteger(field) && field >= 0, "balances are safe, non-negative integers");
  }
  return {
    id: row.id,
    code: row.code,
    ownerId: row.ownerId,
    currency: row.currency,
    flags: {
      debitsMustNotExceedCredits: row.debitsMustNotExceedCredits,
      creditsMustNotExceedDebits: row.creditsMustNotExceedDebits,
    },
    debitsPending: row.debitsPending,
    debitsPosted: row.debitsPosted,
    creditsPending: row.creditsPending,
    creditsPosted: row.creditsPosted,
    createdAt: row.createdAt.toISOString(),
  };
}

export function transferView(row: typeof ledgerTransfers.$inferSelect): Transfer {
  assert(Number.isSafeInteger(row.amount) && row.amount > 0, "amounts are safe and positive");
  return {
    id: row.id,
    seq: row.seq,
    kind: row.kind,
    debitAccountId: row.debitAccountId,
    creditAccountId: row.creditAccountId,
    amount: row.amount,
    currency: row.currency,
    code: row.code,
    pendingId: row.pendingId,
    chainId: row.chainId,
    timeoutMs: row.timeoutMs,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    state: row.state,
    resolvedById: row.resolvedById,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    orderId: row.orderId,
    metadata: row.metadata,
  };
}

function safeNumber(text: string | number): number {
  const value = Number(text);
  assert(Number.isSafeInteger(value), `${text} is beyond a safe integer`);
  return value;
}

/** The SQLSTATE of a failed query, through drizzle's wrapper. */
export function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A broken invariant or a caller's bug: stop loudly (TIGER_STYLE). */
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`ledger: ${message}`);
}
