import type { AccountCode, AccountFlags, Currency, PayeeRole } from "../schema/ledger.ts";
import { uuidFor } from "./ids.ts";

/**
 * The chart of accounts: every account code, its currency, who owns one, and the flags that keep
 * it honest. Money in comes through `provider_clearing`, money out goes to `payouts`; everything
 * else moves between these accounts and never leaves the ledger.
 */
type ChartEntry = Readonly<{
  currency: Currency;
  /** Per-owner accounts have one per customer, restaurant or driver; the rest are singletons. */
  owner: "customer" | "restaurant" | "driver" | "platform";
  flags: AccountFlags;
}>;

const NO_LIMIT: AccountFlags = {
  debitsMustNotExceedCredits: false,
  creditsMustNotExceedDebits: false,
};
/** The account may not go below zero: debits (posted and reserved) never pass posted credits. */
const NEVER_BELOW_ZERO: AccountFlags = {
  debitsMustNotExceedCredits: true,
  creditsMustNotExceedDebits: false,
};

export const chart = {
  customer_wallet: { currency: "USD", owner: "customer", flags: NEVER_BELOW_ZERO },
  customer_points: { currency: "PTS", owner: "customer", flags: NEVER_BELOW_ZERO },
  // Payables are paid out only down to zero: a payout of more than is owed is refused by the
  // ledger itself. The flip side: a refund charged to a restaurant or driver who has been paid
  // out in full is refused too, and must be charged to platform_revenue instead.
  restaurant_payable: { currency: "USD", owner: "restaurant", flags: NEVER_BELOW_ZERO },
  driver_earnings: { currency: "USD", owner: "driver", flags: NEVER_BELOW_ZERO },
  platform_revenue: { currency: "USD", owner: "platform", flags: NO_LIMIT },
  provider_clearing: { currency: "USD", owner: "platform", flags: NO_LIMIT },
  payouts: { currency: "USD", owner: "platform", flags: NO_LIMIT },
  // An order's split at delivery can never hand out more than its holds and promotions brought
  // in: the split's debits must be covered by posted credits (post the hold first in the batch).
  orders_clearing: { currency: "USD", owner: "platform", flags: NEVER_BELOW_ZERO },
  points_liability: { currency: "PTS", owner: "platform", flags: NO_LIMIT },
  promotions_expense: { currency: "USD", owner: "platform", flags: NO_LIMIT },
} as const satisfies Readonly<Record<AccountCode, ChartEntry>>;

export type OwnedAccountCode = {
  [C in AccountCode]: (typeof chart)[C]["owner"] extends "platform" ? never : C;
}[AccountCode];

/** Names an account: a per-owner code with its owner's id, or a platform code alone. */
export type AccountRef = Readonly<{ code: AccountCode; ownerId?: string | null }>;

/** The account's id, derived from (code, owner or "platform", currency): no lookup needed. */
export function accountId(ref: AccountRef): string {
  const entry = chart[ref.code];
  const ownerId = ref.ownerId ?? null;
  if (entry.owner === "platform" && ownerId !== null) {
    throw new Error(`${ref.code} is a platform account and has no owner`);
  }
  if (entry.owner !== "platform" && ownerId === null) {
    throw new Error(`${ref.code} belongs to a ${entry.owner}: give its ownerId`);
  }
  return uuidFor(
    `ledger-account:${ref.code}:${ownerId?.toLowerCase() ?? "platform"}:${entry.currency}`,
  );
}

/** The row `ensureAccounts` inserts for a ref: id, code, owner, currency and the chart's flags. */
export function accountRow(ref: AccountRef) {
  const entry = chart[ref.code];
  return {
    id: accountId(ref),
    code: ref.code,
    ownerId: ref.ownerId?.toLowerCase() ?? null,
    currency: entry.currency,
    debitsMustNotExceedCredits: entry.flags.debitsMustNotExceedCredits,
    creditsMustNotExceedDebits: entry.flags.creditsMustNotExceedDebits,
  };
}

export const walletOf = (customerId: string): AccountRef => ({
  code: "customer_wallet",
  ownerId: customerId,
});
export const pointsOf = (customerId: string): AccountRef => ({
  code: "customer_points",
  ownerId: customerId,
});
export const payableOf = (restaurantId: string): AccountRef => ({
  code: "restaurant_payable",
  ownerId: restaurantId,
});
export const earningsOf = (driverId: string): AccountRef => ({
  code: "driver_earnings",
  ownerId: driverId,
});
export const platform = (code: Exclude<AccountCode, OwnedAccountCode>): AccountRef => ({ code });

/** What the platform owes a payee of the role: a restaurant's payable, a driver's earnings. */
export function payeeAccountOf(role: PayeeRole, ownerId: string): AccountRef {
  return role === "driver" ? earningsOf(ownerId) : payableOf(ownerId);
}

export const payeeAccountCode = {
  driver: "driver_earnings",
  restaurant: "restaurant_payable",
} as const;
