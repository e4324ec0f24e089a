import { z } from "zod";
import { rule } from "./rules.ts";

/**
 * The ledger's contracts: currencies, the chart's account codes, why money moves (transfer codes),
 * what the engine answers (result codes), transfers as submitted and as stored, and the wallet,
 * payment and payout bodies. Modelled on TigerBeetle's accounts and two-phase transfers.
 */

/** Currencies and their minor unit: USD in cents, PTS (loyalty points) in whole points. */
export const Currency = z.enum(["USD", "PTS"]);
export type Currency = z.infer<typeof Currency>;

/**
 * Every account in the chart. Per-owner accounts carry the owner's id (a customer, a restaurant,
 * a driver); the platform's singletons carry none.
 */
export const AccountCode = z.enum([
  /** A customer's prepaid money (USD); may never go below zero. */
  "customer_wallet",
  /** A customer's loyalty points (PTS); may never go below zero. */
  "customer_points",
  /** What the platform owes a restaurant for its orders (USD); paid out to zero, never below. */
  "restaurant_payable",
  /** What the platform owes a driver for deliveries and tips (USD); paid out, never below zero. */
  "driver_earnings",
  /** Commission and fees the platform keeps (USD). */
  "platform_revenue",
  /** Money in: the card processor's settlements (USD); its debit balance is what it owes us. */
  "provider_clearing",
  /** Money out: everything paid to restaurants and drivers (USD). */
  "payouts",
  /** Where an order's hold lands before it is split at delivery (USD); never split more than held. */
  "orders_clearing",
  /** The platform's liability for the points customers hold (PTS). */
  "points_liability",
  /** Discounts the platform pays for (USD). */
  "promotions_expense",
]);
export type AccountCode = z.infer<typeof AccountCode>;

/** Why money moved. Stored on every transfer; statements and reports group by it. */
export const TransferCode = z.enum([
  "top_up",
  "order_hold",
  "order_capture",
  "order_release",
  "restaurant_share",
  "driver_share",
  "platform_fee",
  "promotion",
  "refund",
  "points_hold",
  "points_earn",
  "points_redeem",
  "points_release",
  /** Points earned by an order, taken back in proportion to a refund of it. */
  "points_reverse",
  "payout",
  "adjustment",
]);
export type TransferCode = z.infer<typeof TransferCode>;

/**
 * What the engine answers for each transfer of a batch, in TigerBeetle's words where they apply.
 * The order of the checks is part of the contract (the pure model and the SQL engine agree on it):
 * validation, then `exists`, then accounts or the pending transfer, then balances.
 */
export const transferResults = {
  ok: "applied",
  exists: "a transfer with this id and this very body was applied before; nothing changed",
  exists_with_different_fields:
    "a transfer with this id exists with a different body: ids are idempotency keys, never reused",
  linked_event_failed: "another transfer of its linked chain failed, so none of the chain applied",
  linked_event_chain_open: "the last transfer of the batch is linked: the chain never closes",
  accounts_must_be_different: "a transfer moves money between two different accounts",
  amount_must_not_be_zero: "a transfer moves a positive amount",
  debit_account_not_found: "no account has the debit account id",
  credit_account_not_found: "no account has the credit account id",
  accounts_must_have_the_same_currency: "the debit and credit accounts hold different currencies",
  transfer_must_have_the_same_currency_as_accounts:
    "the transfer's currency is not the currency of its accounts",
  pending_transfer_not_found: "no transfer has the pending id",
  pending_transfer_not_pending: "the transfer named by the pending id is not a pending transfer",
  pending_transfer_has_different_accounts:
    "the post or void names accounts other than the pending transfer's",
  pending_transfer_has_different_currency:
    "the post or void names a currency other than the pending transfer's",
  pending_transfer_has_different_amount: "a void names an amount other than the pending amount",
  exceeds_pending_transfer_amount: "a post names more than the pending transfer reserved",
  pending_transfer_already_posted: "the pending transfer was posted already",
  pending_transfer_already_voided: "the pending transfer was voided already",
  pending_transfer_expired: "the pending transfer timed out and its reservation was released",
  overflows_debits: "the debit account's debits would pass the largest safe amount",
  overflows_credits: "the credit account's credits would pass the largest safe amount",
  exceeds_credits:
    "the debit account may not have more debits than credits: pending + posted debits + amount > posted credits",
  exceeds_debits:
    "the credit account may not have more credits than debits: pending + posted credits + amount > posted debits",
} as const;
export type TransferResult = keyof typeof transferResults;
export const TransferResult = z.enum(
  Object.keys(transferResults) as [TransferResult, ...TransferResult[]],
);

/** Results that leave the ledger as the caller wants it: applied now, or applied before. */
export const SUCCESSFUL_RESULTS: ReadonlySet<TransferResult> = new Set(["ok", "exists"]);

/**
 * How a transfer moves money:
 * - `posted`: at once;
 * - `pending`: reserves the amount (pending debits and credits) until posted, voided or expired;
 * - `post_pending`: completes a pending transfer, for its full amount or less (the rest is
 *   released);
 * - `void_pending`: releases a pending transfer.
 */
export const TransferKind = z.enum(["posted", "pending", "post_pending", "void_pending"]);
export type TransferKind = z.infer<typeof TransferKind>;

export const TransferState = z.enum(["pending", "posted", "voided"]);
export type TransferState = z.infer<typeof TransferState>;

/** The largest amount of anything: balances stay exact as JS numbers (2^53 - 1). */
export const AMOUNT_MAX = Number.MAX_SAFE_INTEGER;

/**
 * The most transfers one call applies. A batch holds its accounts' locks until it commits, so a
 * bigger one stalls every payment sharing an account with it for longer; 1,000 transfers are also
 * about 400 KB of JSON, one WebSocket message. (TigerBeetle's own limit is 8,190 per request.)
 * Mirrored by `batch_max` in the engine's SQL.
 */
export const TRANSFER_BATCH_MAX = 1_000;

/**
 * The longest a pending transfer may reserve funds: card networks drop authorisations after about
 * a week, and an order hold outliving that is a bug, not a business case.
 */
export const PENDING_TIMEOUT_MS_MAX = 7 * 24 * 3_600_000;

/** Metadata is small and flat, so it hashes the same in the engine and in the model. */
const METADATA_KEYS_MAX = 16;
export const TransferMetadata = z
  .record(
    z.string().min(1).max(40),
    z.union([z.string().max(200), z.number().int().min(-AMOUNT_MAX).max(AMOUNT_MAX), z.boolean()]),
  )
  .refine((m) => Object.keys(m).length <= METADATA_KEYS_MAX, {
    message: `metadata holds at most ${METADATA_KEYS_MAX} keys`,
  });
export type TransferMetadata = z.infer<typeof TransferMetadata>;

const Id = z.uuid().toLowerCase();
const Amount = z.number().int().min(0).max(AMOUNT_MAX);

/** What every transfer carries, whatever its kind. */
const common = {
  /** Chosen by the caller and deterministic (e.g. derived from an order id and a step): the
   * idempotency key. The same id with the same body answers `exists`. */
  id: Id,
  code: TransferCode,
  /** Linked to the next transfer of the batch: a chain applies entirely or not at all. */
  linked: z.boolean().optional(),
  orderId: Id.optional(),
  metadata: TransferMetadata.optional(),
};

/** A transfer as submitted to the engine. Strict: a field that does not belong is refused. */
export const TransferInput = z.discriminatedUnion("kind", [
  z.strictObject({
    ...common,
    kind: z.literal("posted"),
    debitAccountId: Id,
    creditAccountId: Id,
    amount: Amount,
    currency: Currency,
  }),
  z.strictObject({
    ...common,
    kind: z.literal("pending"),
    debitAccountId: Id,
    creditAccountId: Id,
    amount: Amount,
    currency: Currency,
    /** Without one the reservation lasts until posted or voided. */
    timeoutMs: z.number().int().min(1).max(PENDING_TIMEOUT_MS_MAX).optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal("post_pending"),
    pendingId: Id,
    /** Omitted: the full pending amount. Less: a partial post; the rest is released. */
    amount: Amount.optional(),
    /** Optional; when given they must be the pending transfer's. */
    debitAccountId: Id.optional(),
    creditAccountId: Id.optional(),
    currency: Currency.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal("void_pending"),
    pendingId: Id,
    /** Optional; when given it must be the pending amount. */
    amount: Amount.optional(),
    debitAccountId: Id.optional(),
    creditAccountId: Id.optional(),
    currency: Currency.optional(),
  }),
]);
export type TransferInput = z.input<typeof TransferInput>;
export type ParsedTransferInput = z.output<typeof TransferInput>;

/** The engine's answer for one transfer of a batch, in the batch's order. */
export const TransferOutcome = z.object({ id: z.uuid(), result: TransferResult });
export type TransferOutcome = z.infer<typeof TransferOutcome>;

export const AccountFlags = z.object({
  debitsMustNotExceedCredits: z.boolean(),
  creditsMustNotExceedDebits: z.boolean(),
});
export type AccountFlags = z.infer<typeof AccountFlags>;

/** An account as stored, balances in minor units of its currency. */
export const Account = z.object({
  id: z.uuid(),
  code: AccountCode,
  ownerId: z.uuid().nullable(),
  currency: Currency,
  flags: AccountFlags,
  debitsPending: z.number().int(),
  debitsPosted: z.number().int(),
  creditsPending: z.number().int(),
  creditsPosted: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Account = z.infer<typeof Account>;

/**
 * An account's balance from the holder's side: positive when credits exceed debits (a wallet, a
 * payable); debit-normal accounts (clearing, expense) read negative.
 */
export const Balance = z.object({
  currency: Currency,
  /** Posted credits minus posted debits. */
  posted: z.number().int(),
  /** Reserved by pending debits (an order hold): not spendable, not yet gone. */
  held: z.number().int(),
  /** On its way in by pending credits. */
  incoming: z.number().int(),
  /** What can be spent now: posted minus held. */
  available: z.number().int(),
});
export type Balance = z.infer<typeof Balance>;

/** A transfer as stored. */
export const Transfer = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  kind: TransferKind,
  debitAccountId: z.uuid(),
  creditAccountId: z.uuid(),
  amount: z.number().int(),
  currency: Currency,
  code: TransferCode,
  pendingId: z.uuid().nullable(),
  chainId: z.uuid().nullable(),
  timeoutMs: z.number().int().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  state: TransferState,
  /** For a pending transfer: the post or void that resolved it (null when it expired). */
  resolvedById: z.uuid().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  orderId: z.uuid().nullable(),
  metadata: TransferMetadata.nullable(),
});
export type Transfer = z.infer<typeof Transfer>;

/** One line of an account's statement, traceable to its transfer. */
export const StatementLine = z.object({
  transferId: z.uuid(),
  /** The cursor: statements page backwards with `before` = the last line's seq. */
  seq: z.number().int(),
  kind: TransferKind,
  code: TransferCode,
  counterpartyAccountId: z.uuid(),
  /** Minor units of the account's currency: positive when this account was credited. */
  amount: z.number().int(),
  currency: Currency,
  state: TransferState,
  pendingId: z.uuid().nullable(),
  orderId: z.uuid().nullable(),
  at: z.iso.datetime(),
});
export type StatementLine = z.infer<typeof StatementLine>;

/** Per currency, sums over every account; `balanced` is the double-entry invariant. */
export const CurrencyTotals = z.object({
  currency: Currency,
  debitsPosted: z.number().int(),
  creditsPosted: z.number().int(),
  debitsPending: z.number().int(),
  creditsPending: z.number().int(),
  balanced: z.boolean(),
});
export type CurrencyTotals = z.infer<typeof CurrencyTotals>;

export const LedgerInvariants = z.object({
  currencies: z.array(CurrencyTotals),
  /** Accounts whose flag forbids going below zero and that are below zero: always 0. */
  overdrawnAccounts: z.number().int(),
  openPendingTransfers: z.number().int(),
  /** Pending transfers past their timeout that no batch or sweep has voided yet. */
  expiredPendingTransfers: z.number().int(),
  balanced: z.boolean(),
  checkedAt: z.iso.datetime(),
});
export type LedgerInvariants = z.infer<typeof LedgerInvariants>;

// ---------------------------------------------------------------------------------------------
// Wallet API

export const WalletMoney = z.object({
  accountId: z.uuid(),
  availableCents: z.number().int(),
  postedCents: z.number().int(),
  heldCents: z.number().int(),
});
export const WalletPoints = z.object({
  accountId: z.uuid(),
  availablePoints: z.number().int(),
  postedPoints: z.number().int(),
  heldPoints: z.number().int(),
});
export const Wallet = z.object({ money: WalletMoney, points: WalletPoints });
export type Wallet = z.infer<typeof Wallet>;

/** A page of a statement is bounded: enough for a phone screen, small enough for one query. */
export const STATEMENT_PAGE_MAX = 100;

export const StatementQuery = z.strictObject({
  currency: Currency.default("USD"),
  before: z.coerce.number().int().min(1).max(AMOUNT_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(STATEMENT_PAGE_MAX).default(20),
});
export type StatementQuery = z.infer<typeof StatementQuery>;

export const Statement = z.object({
  accountId: z.uuid(),
  currency: Currency,
  lines: z.array(StatementLine),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});
export type Statement = z.infer<typeof Statement>;

/** Below $5 card fees eat the top-up; above $500 a stolen card does too much harm before review. */
export const TOP_UP_CENTS_MIN = 500;
export const TOP_UP_CENTS_MAX = 50_000;

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only");

export const TopUpBody = z.strictObject({
  amountCents: z.number().int().min(TOP_UP_CENTS_MIN).max(TOP_UP_CENTS_MAX),
  idempotencyKey: IdempotencyKey,
});
export type TopUpBody = z.infer<typeof TopUpBody>;

export const PaymentIntentStatus = z.enum([
  "created",
  "requires_confirmation",
  "succeeded",
  "failed",
]);
export type PaymentIntentStatus = z.infer<typeof PaymentIntentStatus>;

export const PaymentProviderKind = z.enum(["simulated"]);
export type PaymentProviderKind = z.infer<typeof PaymentProviderKind>;

/** A top-up as the customer sees it, with what their app needs to confirm it with the provider. */
export const TopUp = z.object({
  id: z.uuid(),
  amountCents: z.number().int(),
  currency: z.literal("USD"),
  status: PaymentIntentStatus,
  provider: PaymentProviderKind,
  providerIntentId: z.string().nullable(),
  /** Handed to the provider's client library (or the simulator) to confirm the payment. */
  clientSecret: z.string().nullable(),
  /** Where the simulated provider takes the confirmation; null with a real provider. */
  confirmUrl: z.string().nullable(),
  transferId: z.uuid().nullable(),
  failureCode: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type TopUp = z.infer<typeof TopUp>;

export const TopUpParam = z.strictObject({ id: z.uuid() });

// ---------------------------------------------------------------------------------------------
// Payment provider (shaped like a card processor) and its webhook

export const ProviderIntentParam = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^pi_[A-Za-z0-9_]+$/),
});

export const SimulatorConfirmBody = z.strictObject({
  clientSecret: z.string().min(1).max(200),
  /** A test card number: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. */
  card: z
    .string()
    .regex(/^[ -]*(?:[0-9][ -]*){12,19}$/, "a card number is 12 to 19 digits")
    .transform((s) => s.replace(/[ -]/g, "")),
});
export type SimulatorConfirmBody = z.infer<typeof SimulatorConfirmBody>;

export const SimulatorConfirmation = z.object({
  providerIntentId: z.string(),
  status: z.enum(["succeeded", "failed"]),
  failureCode: z.string().nullable(),
  /** What our webhook endpoint answered the provider. */
  webhook: z.object({ status: z.number().int() }),
});
export type SimulatorConfirmation = z.infer<typeof SimulatorConfirmation>;

/** The provider's view of a payment intent, as its webhook events carry it. */
export const ProviderIntent = z.object({
  id: z.string().min(1).max(64),
  amountCents: z.number().int().min(1).max(AMOUNT_MAX),
  currency: z.literal("USD"),
  status: z.enum(["requires_confirmation", "succeeded", "failed"]),
  failureCode: z.string().max(64).nullable(),
  /** Ours, set when the intent was created: which top-up this is. */
  metadata: z.object({ topUpId: z.uuid() }),
});
export type ProviderIntent = z.infer<typeof ProviderIntent>;

export const WebhookEvent = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(["payment_intent.succeeded", "payment_intent.payment_failed"]),
  /** Unix seconds. */
  created: z.number().int(),
  data: z.object({ object: ProviderIntent }),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookReceipt = z.object({
  received: z.literal(true),
  /** What the event changed: `applied` the first time, `unchanged` on a replay. */
  outcome: z.enum(["applied", "unchanged", "ignored"]),
});
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

// ---------------------------------------------------------------------------------------------
// Admin: earnings, payouts, invariants

export const PayeeRole = z.enum(["driver", "restaurant"]);
export type PayeeRole = z.infer<typeof PayeeRole>;

/** A report spans at most a year: longer ones are exports, not API calls. */
export const EARNINGS_PERIOD_MS_MAX = 366 * 24 * 3_600_000;
export const EARNINGS_PAGE_MAX = 500;

export const EarningsQuery = z
  .strictObject({
    role: PayeeRole,
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    /** Owners sort by id; pass the last owner id of a page for the next. */
    after: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(EARNINGS_PAGE_MAX).default(100),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), rule("to must be after from"))
  .refine(
    (q) => Date.parse(q.to) - Date.parse(q.from) <= EARNINGS_PERIOD_MS_MAX,
    rule("a report spans at most 366 days"),
  );
export type EarningsQuery = z.infer<typeof EarningsQuery>;

/** A payee's own statement: one period, their figures only. */
export const OwnEarningsQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), rule("to must be after from"))
  .refine(
    (q) => Date.parse(q.to) - Date.parse(q.from) <= EARNINGS_PERIOD_MS_MAX,
    rule("a report spans at most 366 days"),
  );
export type OwnEarningsQuery = z.infer<typeof OwnEarningsQuery>;

export const EarningsLine = z.object({
  ownerId: z.uuid(),
  accountId: z.uuid(),
  /** Posted credits in the period: shares of delivered orders (and tips, for drivers). */
  earnedCents: z.number().int(),
  /** Posted debits in the period with code `payout`. */
  paidOutCents: z.number().int(),
  /** Other posted debits in the period (refunds charged back). */
  otherDebitsCents: z.number().int(),
  /** Owed now, whatever the period: posted credits minus posted and pending debits. */
  owedCents: z.number().int(),
});
export type EarningsLine = z.infer<typeof EarningsLine>;

export const Earnings = z.object({
  role: PayeeRole,
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  lines: z.array(EarningsLine),
  nextAfter: z.uuid().nullable(),
});
export type Earnings = z.infer<typeof Earnings>;

/** One payout moves at most $100,000: more is a wire with a second pair of eyes, not a click. */
export const PAYOUT_CENTS_MAX = 10_000_000;

export const PayoutBody = z.strictObject({
  accountOwnerId: z.uuid(),
  role: PayeeRole,
  amountCents: z.number().int().min(1).max(PAYOUT_CENTS_MAX),
  idempotencyKey: IdempotencyKey,
});
export type PayoutBody = z.infer<typeof PayoutBody>;

export const Payout = z.object({
  transferId: z.uuid(),
  accountId: z.uuid(),
  amountCents: z.number().int(),
  owedCents: z.number().int(),
});
export type Payout = z.infer<typeof Payout>;

/** A sweep voids at most this many expired holds: one bounded statement, rerun for more. */
export const VOID_EXPIRED_LIMIT_MAX = 10_000;

export const VoidExpiredBody = z.strictObject({
  limit: z.number().int().min(1).max(VOID_EXPIRED_LIMIT_MAX).default(1_000),
});
export const VoidExpiredResult = z.object({ voided: z.number().int() });

// Money flows (the analytics read model of ledger.transfers)

/** Days per flows query: a quarter, so one answer stays a few hundred rows. */
export const FLOWS_DAYS_MAX = 92;

export const LedgerFlowsQuery = z
  .strictObject({
    from: z.iso.date(),
    to: z.iso.date(),
    currency: Currency.optional(),
  })
  .refine((q) => q.to >= q.from, rule("to must not be before from"))
  .refine(
    (q) => Date.parse(q.to) - Date.parse(q.from) < FLOWS_DAYS_MAX * 86_400_000,
    rule(`at most ${FLOWS_DAYS_MAX} days`),
  );
export type LedgerFlowsQuery = z.infer<typeof LedgerFlowsQuery>;

export const LedgerFlow = z.object({
  day: z.iso.date(),
  currency: Currency,
  code: TransferCode,
  /** moved (posted), held (pending), released (voided by a caller), expired (timed out). */
  movement: z.enum(["moved", "held", "released", "expired"]),
  transfers: z.number().int(),
  amount: z.number().int(),
});
export const LedgerFlows = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  flows: z.array(LedgerFlow),
});
export type LedgerFlows = z.infer<typeof LedgerFlows>;
