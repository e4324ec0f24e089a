import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type {
  AccountCode,
  Currency,
  PaymentIntentStatus,
  PaymentProviderKind,
  TransferCode,
  TransferKind,
  TransferMetadata,
  TransferState,
} from "../ledger.ts";
import { users } from "./accounts.ts";

/** The largest balance or amount: JS numbers stay exact up to 2^53 - 1. */
const SAFE = sql.raw("9007199254740991");

/**
 * Double-entry accounts, TigerBeetle's way: four running balances instead of one, so a reserved
 * (pending) amount is visible apart from a settled (posted) one. Never deleted. The checks are
 * the ledger's last line of defence: the engine never writes a row that breaks them, and if it
 * ever tried, the database refuses the whole batch.
 */
export const ledgerAccounts = pgTable(
  "ledger_accounts",
  {
    /** Deterministic: derived from (code, owner, currency), so anyone can name it. */
    id: uuid("id").primaryKey(),
    code: text("code").$type<AccountCode>().notNull(),
    /** The customer, restaurant or driver it belongs to; null for the platform's own accounts. */
    ownerId: uuid("owner_id"),
    currency: text("currency").$type<Currency>().notNull(),
    debitsMustNotExceedCredits: boolean("debits_must_not_exceed_credits").notNull().default(false),
    creditsMustNotExceedDebits: boolean("credits_must_not_exceed_debits").notNull().default(false),
    debitsPending: bigint("debits_pending", { mode: "number" }).notNull().default(0),
    debitsPosted: bigint("debits_posted", { mode: "number" }).notNull().default(0),
    creditsPending: bigint("credits_pending", { mode: "number" }).notNull().default(0),
    creditsPosted: bigint("credits_posted", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ledger_accounts_code_owner").on(t.code, t.ownerId),
    check(
      "ledger_accounts_balances_non_negative",
      sql`${t.debitsPending} >= 0 and ${t.debitsPosted} >= 0 and ${t.creditsPending} >= 0 and ${t.creditsPosted} >= 0`,
    ),
    check(
      "ledger_accounts_balances_safe",
      sql`${t.debitsPending} + ${t.debitsPosted} <= ${SAFE} and ${t.creditsPending} + ${t.creditsPosted} <= ${SAFE}`,
    ),
    check(
      "ledger_accounts_one_limit_flag",
      sql`not (${t.debitsMustNotExceedCredits} and ${t.creditsMustNotExceedDebits})`,
    ),
    check(
      "ledger_accounts_debits_within_credits",
      sql`not ${t.debitsMustNotExceedCredits} or ${t.debitsPending} + ${t.debitsPosted} <= ${t.creditsPosted}`,
    ),
    check(
      "ledger_accounts_credits_within_debits",
      sql`not ${t.creditsMustNotExceedDebits} or ${t.creditsPending} + ${t.creditsPosted} <= ${t.debitsPosted}`,
    ),
  ],
);

/**
 * Transfers: never deleted, never edited, except that a pending transfer records once how it was
 * resolved (state, resolved_by_id, resolved_at). The id is the caller's idempotency key;
 * `request_hash` is the SHA-256 of the body it was submitted with, so a replay can be told from a
 * conflicting reuse of the id. Rows are written only by the engine (ledger_create_transfers).
 */
export const ledgerTransfers = pgTable(
  "ledger_transfers",
  {
    id: uuid("id").primaryKey(),
    /** Insertion order: the statement cursor, and the tie-break of everything sorted by time. */
    seq: bigint("seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<TransferKind>().notNull(),
    debitAccountId: uuid("debit_account_id")
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: uuid("credit_account_id")
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    code: text("code").$type<TransferCode>().notNull(),
    pendingId: uuid("pending_id"),
    /** The id of the first transfer of its linked chain, when it was part of one. */
    chainId: uuid("chain_id"),
    timeoutMs: integer("timeout_ms"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    state: text("state").$type<TransferState>().notNull(),
    resolvedById: uuid("resolved_by_id"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    orderId: uuid("order_id"),
    metadata: jsonb("metadata").$type<TransferMetadata>(),
    requestHash: text("request_hash").notNull(),
    /**
     * The id of the transaction that wrote the row, for the ledger's event feed
     * (infra/bridge/ledger-relay.ts): a row is relayed once every transaction that could still
     * commit a row before it has ended, which the feed tells by comparing these ids with the
     * oldest transaction still running.
     */
    createdXid: bigint("created_xid", { mode: "number" })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    /**
     * Set when the hold is voided because it timed out (by the trigger in migration 0005): the
     * transaction that voided it and the ledger position of that release, drawn from `seq`'s own
     * sequence while the accounts are locked, so it orders with the transfers on them.
     */
    expiredXid: bigint("expired_xid", { mode: "number" }),
    expiredSeq: bigint("expired_seq", { mode: "number" }),
  },
  (t) => [
    index("ledger_transfers_debit").on(t.debitAccountId, t.seq),
    index("ledger_transfers_credit").on(t.creditAccountId, t.seq),
    index("ledger_transfers_order").on(t.orderId).where(sql`${t.orderId} is not null`),
    /** The sweeper's and the engine's view of holds that may have timed out. */
    index("ledger_transfers_pending_expiry")
      .on(t.expiresAt)
      .where(sql`${t.state} = 'pending' and ${t.expiresAt} is not null`),
    /** A pending transfer is resolved at most once, whatever the engine does. */
    uniqueIndex("ledger_transfers_resolves_once")
      .on(t.pendingId)
      .where(sql`${t.pendingId} is not null`),
    /**
     * The event feed reads what each round of ended transactions wrote: ranges of transaction ids,
     * which grow with insertion order, so a BRIN index serves them at almost no cost per insert
     * (a btree here cost every transfer one more index write on the money path).
     */
    index("ledger_transfers_created_xid").using("brin", t.createdXid),
    index("ledger_transfers_expired_xid").on(t.expiredXid).where(sql`${t.expiredXid} is not null`),
    /** Period reports scan by time; rows arrive in time order, so a BRIN index is tiny. */
    index("ledger_transfers_created").using("brin", t.createdAt),
    check("ledger_transfers_amount_positive", sql`${t.amount} > 0 and ${t.amount} <= ${SAFE}`),
    check("ledger_transfers_accounts_different", sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check(
      "ledger_transfers_kind",
      sql`${t.kind} in ('posted', 'pending', 'post_pending', 'void_pending')`,
    ),
    check(
      "ledger_transfers_pending_id",
      sql`(${t.kind} in ('post_pending', 'void_pending')) = (${t.pendingId} is not null)`,
    ),
    check(
      "ledger_transfers_timeout",
      sql`(${t.timeoutMs} is null or ${t.kind} = 'pending') and (${t.timeoutMs} is null) = (${t.expiresAt} is null)`,
    ),
    check(
      "ledger_transfers_state",
      sql`case ${t.kind}
        when 'posted' then ${t.state} = 'posted'
        when 'post_pending' then ${t.state} = 'posted'
        when 'void_pending' then ${t.state} = 'voided'
        else ${t.state} in ('pending', 'posted', 'voided') end`,
    ),
    check(
      "ledger_transfers_resolution",
      sql`(${t.kind} = 'pending' and ${t.state} <> 'pending') = (${t.resolvedAt} is not null)
        and (${t.resolvedById} is null or ${t.resolvedAt} is not null)`,
    ),
  ],
);

/**
 * Our side of a card top-up: saved before the provider is asked (TigerBeetle's reliable
 * submission), its id derived from the customer and their idempotency key, so a retry finds it.
 */
export const paymentIntents = pgTable(
  "payment_intents",
  {
    id: uuid("id").primaryKey(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => users.id),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    currency: text("currency").$type<"USD">().notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    provider: text("provider").$type<PaymentProviderKind>().notNull(),
    providerIntentId: text("provider_intent_id").unique(),
    clientSecret: text("client_secret"),
    status: text("status").$type<PaymentIntentStatus>().notNull(),
    failureCode: text("failure_code"),
    /** The ledger transfer that credited the wallet: derived from this intent's id. */
    transferId: uuid("transfer_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("payment_intents_customer").on(t.customerId, t.createdAt),
    check("payment_intents_amount", sql`${t.amountCents} > 0`),
    check(
      "payment_intents_status",
      sql`${t.status} in ('created', 'requires_confirmation', 'succeeded', 'failed')`,
    ),
  ],
);

/**
 * The simulated card processor's own records, standing in for the provider's database. Only the
 * simulator reads or writes them; the rest of the platform knows the provider through its
 * interface and its signed webhooks alone.
 */
export const paymentSimulatorIntents = pgTable("payment_simulator_intents", {
  id: text("id").primaryKey(),
  /** The merchant's idempotency key (our top-up id): creating twice answers the first intent. */
  idempotencyKey: text("idempotency_key").notNull().unique(),
  amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
  currency: text("currency").$type<"USD">().notNull(),
  clientSecret: text("client_secret").notNull(),
  status: text("status").$type<"requires_confirmation" | "succeeded" | "failed">().notNull(),
  failureCode: text("failure_code"),
  metadata: jsonb("metadata").$type<{ topUpId: string }>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Where the ledger's event feed has got to (one row): every transaction with an id below
 * `horizon` has been relayed. The relay moves it forward only after the bus has the events.
 */
export const ledgerFeedCursor = pgTable(
  "ledger_feed_cursor",
  {
    id: integer("id").primaryKey().default(1),
    horizon: bigint("horizon", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("ledger_feed_cursor_one_row", sql`${t.id} = 1`)],
);
