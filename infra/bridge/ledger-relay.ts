import { sql } from "drizzle-orm";
import { uuidFor } from "../../ledger/ids.ts";
import type { Db } from "../../runtime/db.ts";
import { type EventEnvelope, LedgerEventData } from "../../schema/events.ts";
import type { Currency, TransferCode, TransferKind } from "../../schema/ledger.ts";
import type { EventBus } from "./bus.ts";
import { type RelayLoop, startRelayLoop } from "./relay-loop.ts";

/**
 * The ledger's event feed: every transfer the ledger accepted, and every hold released by its
 * timeout, relayed from Postgres to `ledger.transfers` as two entries each, one per account
 * (keyed by account id). The ledger's own tables are the outbox: nothing more is written on the
 * money path than the id of the writing transaction (a column default) and, for a timed-out hold,
 * a stamp by trigger (migration 0005).
 *
 * Which rows are safe to relay: a row's `seq` is taken when it is inserted, not when it commits, so
 * "everything after the last seq relayed" would skip a row whose transaction commits late. The
 * feed goes by transaction instead: `pg_snapshot_xmin` is the oldest transaction still running, so
 * every transaction below it has ended and everything it wrote is visible and final. A round
 * relays what the transactions in [cursor, xmin) wrote, in ledger order (seq), then moves the
 * cursor to xmin once the bus has it. A transaction left open holds the feed back until it ends,
 * never loses anything.
 *
 * Delivery is at least once (a relay that dies between the publish and the cursor update repeats
 * its round, with the same event ids), and per account in ledger order except across rounds when
 * a transaction that got its id earlier commits later: each entry's `seq` is its ledger position,
 * and consumers count an entry once by its id (ledger-flows.ts), whatever the order.
 */

/**
 * Rows (each two events) per round, at least a batch's worth (TRANSFER_BATCH_MAX): a round ends on
 * a transaction boundary, so one transaction larger than this is still relayed whole.
 */
export const LEDGER_RELAY_ROWS_MAX = 1_000;

/** An idle relay looks again after this: money shows in analytics within about a second. */
export const LEDGER_RELAY_INTERVAL_MS = 1_000;

/** One row of the feed: a transfer as recorded, or a hold as released by its timeout. */
export type FeedRow = {
  type: "TransferRecorded" | "HoldExpired";
  transferId: string;
  position: number;
  xid: number;
  at: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  currency: Currency;
  code: TransferCode;
  pendingId: string | null;
  orderId: string | null;
};

/** A deterministic W3C traceparent for a feed event, so a repeated round repeats it exactly. */
function traceparentOf(eventId: string): string {
  const hex = eventId.replaceAll("-", "");
  return `00-${hex}-${hex.slice(0, 16)}-01`;
}

/** The two entries of one feed row, debit side first, each keyed by its own account. */
export function entriesOf(row: FeedRow): EventEnvelope[] {
  return (["debit", "credit"] as const).map((side) => {
    const id = uuidFor(`ledger-entry:${row.type}:${row.transferId}:${side}`);
    const [accountId, counterpartyAccountId] =
      side === "debit"
        ? [row.debitAccountId, row.creditAccountId]
        : [row.creditAccountId, row.debitAccountId];
    const data = LedgerEventData.parse({
      type: row.type,
      data: {
        transferId: row.transferId,
        accountId,
        counterpartyAccountId,
        side,
        kind: row.kind,
        amount: row.amount,
        currency: row.currency,
        code: row.code,
        pendingId: row.pendingId,
        orderId: row.orderId,
      },
    }).data;
    return {
      id,
      type: row.type,
      aggregateId: accountId,
      seq: row.position,
      at: row.at,
      traceparent: traceparentOf(id),
      data,
    };
  });
}

/**
 * Where a round ends: all of [from, upto) if it fits in `max` rows, else before the transaction
 * of the first row beyond `max` (rows come sorted by transaction id). One transaction with more
 * rows than `max` is taken whole (`whole` names it: the caller reads the rest of it).
 */
export function roundEnd(
  rows: readonly Pick<FeedRow, "xid">[],
  upto: number,
  max: number,
): { until: number; whole: number | null } {
  if (rows.length <= max) return { until: upto, whole: null };
  const cut = rows[max]!.xid;
  if (rows[0]!.xid === cut) return { until: cut + 1, whole: cut };
  return { until: cut, whole: null };
}

type Raw = Omit<FeedRow, "position" | "xid" | "amount" | "at"> & {
  position: string | number;
  xid: string | number;
  amount: string | number;
  at: string | Date;
};

function feedRowOf(raw: Raw): FeedRow {
  return {
    ...raw,
    position: Number(raw.position),
    xid: Number(raw.xid),
    amount: Number(raw.amount),
    at: new Date(raw.at).toISOString(),
  };
}

/** The feed rows the transactions in [from, until) wrote, by transaction then ledger order. */
async function feedRows(
  db: Db,
  range: { from: number; until: number; limit: number | null },
): Promise<FeedRow[]> {
  const columns = sql`t.id as "transferId", t.kind, t.debit_account_id as "debitAccountId",
    t.credit_account_id as "creditAccountId", t.amount, t.currency, t.code,
    t.pending_id as "pendingId", t.order_id as "orderId"`;
  const limit = range.limit === null ? sql`` : sql`limit ${range.limit}`;
  const result = await db.execute<Raw>(sql`
    select * from (
      select 'TransferRecorded' as type, ${columns}, t.seq as position, t.created_xid as xid,
        t.created_at as at
      from ledger_transfers t
      where t.created_xid >= ${range.from} and t.created_xid < ${range.until}
      union all
      select 'HoldExpired' as type, ${columns}, t.expired_seq as position, t.expired_xid as xid,
        t.resolved_at as at
      from ledger_transfers t
      where t.expired_xid >= ${range.from} and t.expired_xid < ${range.until}
    ) feed
    order by xid, position
    ${limit}
  `);
  return result.rows.map(feedRowOf);
}

/**
 * One round: reads what the ended transactions since the cursor wrote, publishes it in ledger
 * order, and moves the cursor once the bus has it. Resolves with the number of events relayed.
 */
export async function ledgerRelayRound(
  db: Db,
  bus: EventBus,
  rowsMax: number = LEDGER_RELAY_ROWS_MAX,
): Promise<number> {
  const bounds = await db.execute<{ from: string | number; upto: string | number }>(sql`
    select c.horizon as "from", pg_snapshot_xmin(pg_current_snapshot())::text::bigint as upto
    from ledger_feed_cursor c where c.id = 1
  `);
  const bound = bounds.rows[0];
  if (!bound) throw new Error("ledger_feed_cursor has no row: is migration 0005 applied?");
  const from = Number(bound.from);
  const upto = Number(bound.upto);
  if (upto <= from) return 0;

  let rows = await feedRows(db, { from, until: upto, limit: rowsMax + 1 });
  const end = roundEnd(rows, upto, rowsMax);
  rows =
    end.whole !== null
      ? await feedRows(db, { from: end.whole, until: end.whole + 1, limit: null })
      : rows.filter((row) => row.xid < end.until);
  const events = rows.sort((a, b) => a.position - b.position).flatMap(entriesOf);
  if (events.length > 0) await bus.publish(events);
  // Only the relay that read from this cursor moves it: a second relay racing on the same rows
  // published the same events (same ids), which the consumers count once.
  await db.execute(sql`
    update ledger_feed_cursor set horizon = ${end.until}, updated_at = now()
    where id = 1 and horizon = ${from}
  `);
  return events.length;
}

export type LedgerRelayOptions = {
  db: Db;
  bus: EventBus;
  log?: (line: Record<string, unknown>) => void;
  intervalMs?: number;
};

/** Starts relaying the ledger's feed in the background until `close()`. */
export function startLedgerRelay(options: LedgerRelayOptions): RelayLoop {
  return startRelayLoop({
    name: "ledger_relay",
    round: () => ledgerRelayRound(options.db, options.bus),
    // Two events per row: a round that took a full load of rows may have left more behind.
    full: (relayed) => relayed >= 2 * LEDGER_RELAY_ROWS_MAX,
    intervalMs: options.intervalMs ?? LEDGER_RELAY_INTERVAL_MS,
    log: options.log ?? (() => {}),
  });
}
