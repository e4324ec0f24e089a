import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { ledgerFlows as flowsTable } from "../schema/db/ledger-flows.ts";
import type {
  EarningsLine,
  EarningsQuery,
  LedgerFlows,
  LedgerFlowsQuery,
  PayeeRole,
} from "../schema/ledger.ts";
import { accountId, payeeAccountCode, payeeAccountOf } from "./chart.ts";
import type { Executor } from "./engine.ts";

/**
 * What the platform owes its payees, per owner and period: restaurants' payables and drivers'
 * earnings. Posted transfers only (a hold is not yet earned); a pending post is counted by its
 * post, never by the hold it resolved.
 */
export async function earnings(
  db: Executor,
  query: Pick<EarningsQuery, "role" | "from" | "to" | "after" | "limit"> & {
    /** One payee only: theirs, for their own statement. */
    ownerId?: string;
  },
): Promise<{ lines: EarningsLine[]; nextAfter: string | null }> {
  const code = payeeAccountCode[query.role satisfies PayeeRole];
  const from = new Date(query.from).toISOString();
  const to = new Date(query.to).toISOString();
  const after = query.after ?? "00000000-0000-0000-0000-000000000000";
  const result = await db.execute(sql`
    select a.owner_id, a.id,
      (a.credits_posted - a.debits_posted - a.debits_pending)::text as owed,
      coalesce(c.earned, 0)::text as earned,
      coalesce(d.paid_out, 0)::text as paid_out,
      coalesce(d.other, 0)::text as other
    from ledger_accounts a
    left join lateral (
      select sum(t.amount) as earned from ledger_transfers t
      where t.credit_account_id = a.id and t.kind in ('posted', 'post_pending')
        and t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz
    ) c on true
    left join lateral (
      select sum(t.amount) filter (where t.code = 'payout') as paid_out,
        sum(t.amount) filter (where t.code <> 'payout') as other
      from ledger_transfers t
      where t.debit_account_id = a.id and t.kind in ('posted', 'post_pending')
        and t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz
    ) d on true
    where a.code = ${code} and a.owner_id > ${after}::uuid
      ${query.ownerId ? sql`and a.owner_id = ${query.ownerId}::uuid` : sql``}
    order by a.owner_id
    limit ${query.limit}`);
  const rows = result.rows as Array<{
    owner_id: string;
    id: string;
    owed: string;
    earned: string;
    paid_out: string;
    other: string;
  }>;
  const lines = rows.map((r) => ({
    ownerId: r.owner_id,
    accountId: r.id,
    earnedCents: safe(r.earned),
    paidOutCents: safe(r.paid_out),
    otherDebitsCents: safe(r.other),
    owedCents: safe(r.owed),
  }));
  return {
    lines,
    nextAfter: lines.length === query.limit ? lines[lines.length - 1]!.ownerId : null,
  };
}

function safe(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`ledger: ${text} is beyond a safe integer`);
  return value;
}

/** One payee's figures for a period; zeros when nothing was ever owed to them. */
export async function earningsOf(
  db: Executor,
  role: PayeeRole,
  ownerId: string,
  period: { from: string; to: string },
): Promise<EarningsLine> {
  const { lines } = await earnings(db, { role, ...period, ownerId, limit: 1 });
  return (
    lines[0] ?? {
      ownerId,
      accountId: accountId(payeeAccountOf(role, ownerId)),
      earnedCents: 0,
      paidOutCents: 0,
      otherDebitsCents: 0,
      owedCents: 0,
    }
  );
}

/**
 * Money flows per day, currency, code and movement from the read model the bridge keeps
 * (ledger_flows, fed by ledger.transfers), inclusive of both days.
 */
export async function ledgerFlows(db: Executor, q: LedgerFlowsQuery): Promise<LedgerFlows> {
  const rows = await db
    .select()
    .from(flowsTable)
    .where(
      and(
        gte(flowsTable.day, q.from),
        lte(flowsTable.day, q.to),
        q.currency ? eq(flowsTable.currency, q.currency) : undefined,
      ),
    )
    .orderBy(
      asc(flowsTable.day),
      asc(flowsTable.currency),
      asc(flowsTable.code),
      asc(flowsTable.movement),
    );
  return { from: q.from, to: q.to, flows: rows };
}
