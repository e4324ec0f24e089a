import {
  AMOUNT_MAX,
  type Currency,
  type ParsedTransferInput,
  TRANSFER_BATCH_MAX,
  type TransferCode,
  type TransferKind,
  type TransferMetadata,
  type TransferResult,
  type TransferState,
} from "../../schema/ledger.ts";

/**
 * The ledger's rules as a pure, in-memory state machine: the executable specification of the SQL
 * engine (`ledger_create_transfers` in schema/migrations/0002_ledger_engine.sql). Both apply a
 * batch with the same checks in the same order and answer the same codes; property tests run
 * random batches through both and require identical results, balances and transfer states.
 *
 * A batch: every account it touches is considered, expired holds between those accounts are
 * voided, then each transfer is decided in order. A linked chain (transfers with `linked`, up to
 * and including the first without) applies entirely or not at all.
 */

export type ModelAccount = Readonly<{
  id: string;
  currency: Currency;
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  debitsPending: number;
  debitsPosted: number;
  creditsPending: number;
  creditsPosted: number;
}>;

export type ModelTransfer = Readonly<{
  id: string;
  /** Creation order, as the database's identity column gives it. */
  seq: number;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  currency: Currency;
  code: TransferCode;
  pendingId: string | null;
  chainId: string | null;
  timeoutMs: number | null;
  expiresAtMs: number | null;
  state: TransferState;
  resolvedById: string | null;
  resolvedAtMs: number | null;
  createdAtMs: number;
  orderId: string | null;
  metadata: TransferMetadata | null;
  /** The request as submitted, canonical: equal keys mean the same request. */
  requestKey: string;
}>;

export type LedgerState = Readonly<{
  accounts: ReadonlyMap<string, ModelAccount>;
  transfers: ReadonlyMap<string, ModelTransfer>;
  seq: number;
}>;

export function emptyLedger(): LedgerState {
  return { accounts: new Map(), transfers: new Map(), seq: 0 };
}

/** Opens accounts with zero balances; one that exists is kept as it is (insert, do nothing). */
export function openAccounts(
  state: LedgerState,
  accounts: ReadonlyArray<
    Omit<ModelAccount, "debitsPending" | "debitsPosted" | "creditsPending" | "creditsPosted">
  >,
): LedgerState {
  const next = new Map(state.accounts);
  for (const account of accounts) {
    if (!next.has(account.id)) {
      next.set(account.id, {
        ...account,
        debitsPending: 0,
        debitsPosted: 0,
        creditsPending: 0,
        creditsPosted: 0,
      });
    }
  }
  return { ...state, accounts: next };
}

/**
 * The request as submitted, every field but the id, absent ones as null: a replay must ask for
 * the very same thing. (The engine hashes the same fields, normalized the same way.)
 */
export function requestKey(input: ParsedTransferInput): string {
  const metadata = input.metadata
    ? Object.entries(input.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : null;
  return JSON.stringify([
    input.kind,
    input.debitAccountId ?? null,
    input.creditAccountId ?? null,
    input.amount ?? null,
    input.currency ?? null,
    input.code,
    "pendingId" in input ? input.pendingId : null,
    "timeoutMs" in input ? (input.timeoutMs ?? null) : null,
    input.linked ?? false,
    input.orderId ?? null,
    metadata,
  ]);
}

type Working = {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
  seq: number;
};

/** Applies a batch. Answers one result per transfer, in order, and the ledger after it. */
export function createTransfers(
  state: LedgerState,
  batch: readonly ParsedTransferInput[],
  nowMs: number,
): { state: LedgerState; results: TransferResult[] } {
  assert(batch.length >= 1, "a batch holds at least one transfer");
  assert(batch.length <= TRANSFER_BATCH_MAX, `a batch holds at most ${TRANSFER_BATCH_MAX}`);
  assert(Number.isSafeInteger(nowMs), "now is a whole number of milliseconds");

  let w: Working = {
    accounts: new Map(state.accounts),
    transfers: new Map(state.transfers),
    seq: state.seq,
  };
  voidExpiredBetween(w, touchedAccounts(state, batch), nowMs);

  const results: TransferResult[] = [];
  let chainStart: number | null = null;
  let chainBroken = false;
  let snapshot: Working | null = null;
  for (let i = 0; i < batch.length; i++) {
    const input = batch[i]!;
    let result: TransferResult | null = null;
    if (input.linked) {
      if (chainStart === null) {
        chainStart = i;
        snapshot = {
          accounts: new Map(w.accounts),
          transfers: new Map(w.transfers),
          seq: w.seq,
        };
      }
      if (i === batch.length - 1) result = "linked_event_chain_open";
    }
    if (result === null && chainBroken) result = "linked_event_failed";
    if (result === null) {
      result = decide(w, input, chainStart === null ? null : batch[chainStart]!.id, nowMs);
    }
    // `exists` is success inside a chain: a replayed chain answers `exists` throughout.
    if (result !== "ok" && result !== "exists" && chainStart !== null && !chainBroken) {
      chainBroken = true;
      w = snapshot!;
      for (let j = chainStart; j < i; j++) results[j] = "linked_event_failed";
    }
    results[i] = result;
    if (chainStart !== null && (!input.linked || result === "linked_event_chain_open")) {
      chainStart = null;
      chainBroken = false;
      snapshot = null;
    }
  }

  assertBalancedChange(state, w);
  return { state: { accounts: w.accounts, transfers: w.transfers, seq: w.seq }, results };
}

/**
 * The accounts a batch touches: those it names, and those of every stored transfer it names (by
 * id, or as the pending transfer to resolve). The engine locks exactly these.
 */
function touchedAccounts(state: LedgerState, batch: readonly ParsedTransferInput[]): Set<string> {
  const touched = new Set<string>();
  for (const input of batch) {
    if (input.debitAccountId) touched.add(input.debitAccountId);
    if (input.creditAccountId) touched.add(input.creditAccountId);
    for (const id of [input.id, "pendingId" in input ? input.pendingId : undefined]) {
      const stored = id === undefined ? undefined : state.transfers.get(id);
      if (stored) {
        touched.add(stored.debitAccountId);
        touched.add(stored.creditAccountId);
      }
    }
  }
  return touched;
}

/** Voids every expired hold whose two accounts are both touched by the batch. */
function voidExpiredBetween(w: Working, touched: ReadonlySet<string>, nowMs: number): void {
  for (const t of [...w.transfers.values()]) {
    if (
      t.state === "pending" &&
      t.expiresAtMs !== null &&
      t.expiresAtMs <= nowMs &&
      touched.has(t.debitAccountId) &&
      touched.has(t.creditAccountId)
    ) {
      release(w, t, nowMs);
    }
  }
}

function release(w: Working, t: ModelTransfer, nowMs: number): void {
  const debit = w.accounts.get(t.debitAccountId)!;
  const credit = w.accounts.get(t.creditAccountId)!;
  w.accounts.set(debit.id, { ...debit, debitsPending: debit.debitsPending - t.amount });
  w.accounts.set(credit.id, { ...credit, creditsPending: credit.creditsPending - t.amount });
  w.transfers.set(t.id, { ...t, state: "voided", resolvedAtMs: nowMs });
  assert(debit.debitsPending - t.amount >= 0, "an expired hold released more than it held");
  assert(credit.creditsPending - t.amount >= 0, "an expired hold released more than it held");
}

/** Decides one transfer and, when it is `ok`, applies it to the working ledger. */
function decide(
  w: Working,
  input: ParsedTransferInput,
  chainId: string | null,
  nowMs: number,
): TransferResult {
  if (
    input.debitAccountId !== undefined &&
    input.creditAccountId !== undefined &&
    input.debitAccountId === input.creditAccountId
  ) {
    return "accounts_must_be_different";
  }
  if (input.amount === 0) return "amount_must_not_be_zero";

  const stored = w.transfers.get(input.id);
  if (stored) {
    return stored.requestKey === requestKey(input) ? "exists" : "exists_with_different_fields";
  }

  const common = {
    id: input.id,
    seq: w.seq + 1,
    code: input.code,
    chainId,
    createdAtMs: nowMs,
    metadata: input.metadata ?? null,
    requestKey: requestKey(input),
    resolvedById: null,
    resolvedAtMs: null,
  };

  if (input.kind === "posted" || input.kind === "pending") {
    const debit = w.accounts.get(input.debitAccountId);
    if (!debit) return "debit_account_not_found";
    const credit = w.accounts.get(input.creditAccountId);
    if (!credit) return "credit_account_not_found";
    if (debit.currency !== credit.currency) return "accounts_must_have_the_same_currency";
    if (input.currency !== debit.currency)
      return "transfer_must_have_the_same_currency_as_accounts";
    const amount = input.amount;
    if (debit.debitsPending + debit.debitsPosted + amount > AMOUNT_MAX) return "overflows_debits";
    if (credit.creditsPending + credit.creditsPosted + amount > AMOUNT_MAX) {
      return "overflows_credits";
    }
    if (
      debit.debitsMustNotExceedCredits &&
      debit.debitsPending + debit.debitsPosted + amount > debit.creditsPosted
    ) {
      return "exceeds_credits";
    }
    if (
      credit.creditsMustNotExceedDebits &&
      credit.creditsPending + credit.creditsPosted + amount > credit.debitsPosted
    ) {
      return "exceeds_debits";
    }
    const posted = input.kind === "posted";
    w.accounts.set(
      debit.id,
      posted
        ? { ...debit, debitsPosted: debit.debitsPosted + amount }
        : { ...debit, debitsPending: debit.debitsPending + amount },
    );
    w.accounts.set(
      credit.id,
      posted
        ? { ...credit, creditsPosted: credit.creditsPosted + amount }
        : { ...credit, creditsPending: credit.creditsPending + amount },
    );
    const timeoutMs = input.kind === "pending" ? (input.timeoutMs ?? null) : null;
    w.transfers.set(input.id, {
      ...common,
      kind: input.kind,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount,
      currency: input.currency,
      pendingId: null,
      timeoutMs,
      expiresAtMs: timeoutMs === null ? null : nowMs + timeoutMs,
      state: posted ? "posted" : "pending",
      orderId: input.orderId ?? null,
    });
    w.seq += 1;
    return "ok";
  }

  const pending = w.transfers.get(input.pendingId);
  if (!pending) return "pending_transfer_not_found";
  if (pending.kind !== "pending") return "pending_transfer_not_pending";
  if (
    (input.debitAccountId !== undefined && input.debitAccountId !== pending.debitAccountId) ||
    (input.creditAccountId !== undefined && input.creditAccountId !== pending.creditAccountId)
  ) {
    return "pending_transfer_has_different_accounts";
  }
  if (input.currency !== undefined && input.currency !== pending.currency) {
    return "pending_transfer_has_different_currency";
  }
  if (
    input.kind === "post_pending" &&
    input.amount !== undefined &&
    input.amount > pending.amount
  ) {
    return "exceeds_pending_transfer_amount";
  }
  if (
    input.kind === "void_pending" &&
    input.amount !== undefined &&
    input.amount !== pending.amount
  ) {
    return "pending_transfer_has_different_amount";
  }
  if (pending.state === "posted") return "pending_transfer_already_posted";
  if (pending.state === "voided") {
    return pending.resolvedById === null
      ? "pending_transfer_expired"
      : "pending_transfer_already_voided";
  }
  if (pending.expiresAtMs !== null && pending.expiresAtMs <= nowMs) {
    return "pending_transfer_expired";
  }

  const debit = w.accounts.get(pending.debitAccountId)!;
  const credit = w.accounts.get(pending.creditAccountId)!;
  const post = input.kind === "post_pending";
  const amount = post ? (input.amount ?? pending.amount) : pending.amount;
  w.accounts.set(debit.id, {
    ...debit,
    debitsPending: debit.debitsPending - pending.amount,
    debitsPosted: debit.debitsPosted + (post ? amount : 0),
  });
  w.accounts.set(credit.id, {
    ...credit,
    creditsPending: credit.creditsPending - pending.amount,
    creditsPosted: credit.creditsPosted + (post ? amount : 0),
  });
  assert(debit.debitsPending - pending.amount >= 0, "a resolution released more than was held");
  assert(credit.creditsPending - pending.amount >= 0, "a resolution released more than was held");
  w.transfers.set(pending.id, {
    ...pending,
    state: post ? "posted" : "voided",
    resolvedById: input.id,
    resolvedAtMs: nowMs,
  });
  w.transfers.set(input.id, {
    ...common,
    kind: input.kind,
    debitAccountId: pending.debitAccountId,
    creditAccountId: pending.creditAccountId,
    amount,
    currency: pending.currency,
    pendingId: pending.id,
    timeoutMs: null,
    expiresAtMs: null,
    state: post ? "posted" : "voided",
    orderId: input.orderId ?? pending.orderId,
  });
  w.seq += 1;
  return "ok";
}

/**
 * Voids up to `limit` expired holds, the earliest deadline first (then creation order), as
 * `ledger_void_expired` does.
 */
export function voidExpired(
  state: LedgerState,
  nowMs: number,
  limit: number,
): { state: LedgerState; voided: number } {
  assert(Number.isSafeInteger(nowMs), "now is a whole number of milliseconds");
  assert(Number.isSafeInteger(limit) && limit >= 1, "a sweep voids at least one hold");
  const expired = [...state.transfers.values()]
    .filter((t) => t.state === "pending" && t.expiresAtMs !== null && t.expiresAtMs <= nowMs)
    .sort((a, b) => a.expiresAtMs! - b.expiresAtMs! || a.seq - b.seq)
    .slice(0, limit);
  const w: Working = {
    accounts: new Map(state.accounts),
    transfers: new Map(state.transfers),
    seq: state.seq,
  };
  for (const t of expired) release(w, t, nowMs);
  assertBalancedChange(state, w);
  return {
    state: { accounts: w.accounts, transfers: w.transfers, seq: w.seq },
    voided: expired.length,
  };
}

/** Per currency, every change adds as much to debits as to credits, posted and pending alike. */
function assertBalancedChange(before: LedgerState, after: Working): void {
  const delta = new Map<string, [number, number, number, number]>();
  for (const account of after.accounts.values()) {
    const prior = before.accounts.get(account.id);
    const d = delta.get(account.currency) ?? [0, 0, 0, 0];
    d[0] += account.debitsPending - (prior?.debitsPending ?? 0);
    d[1] += account.debitsPosted - (prior?.debitsPosted ?? 0);
    d[2] += account.creditsPending - (prior?.creditsPending ?? 0);
    d[3] += account.creditsPosted - (prior?.creditsPosted ?? 0);
    delta.set(account.currency, d);
  }
  for (const [currency, [dp, dpo, cp, cpo]] of delta) {
    assert(dp === cp, `${currency}: pending debits and credits moved apart`);
    assert(dpo === cpo, `${currency}: posted debits and credits moved apart`);
  }
}

/**
 * The invariants that hold at every moment, as violations (an empty list when all hold): per
 * currency the sums of debits and credits are equal (posted and pending); no flagged account is
 * beyond its limit; balances are what the transfers add up to; every pending transfer is resolved
 * at most once and consistently with its resolution.
 */
export function violations(state: LedgerState): string[] {
  const found: string[] = [];
  const totals = new Map<string, [number, number, number, number]>();
  for (const a of state.accounts.values()) {
    const t = totals.get(a.currency) ?? [0, 0, 0, 0];
    t[0] += a.debitsPending;
    t[1] += a.debitsPosted;
    t[2] += a.creditsPending;
    t[3] += a.creditsPosted;
    totals.set(a.currency, t);
    if (a.debitsMustNotExceedCredits && a.debitsPending + a.debitsPosted > a.creditsPosted) {
      found.push(`${a.id} has more debits than credits`);
    }
    if (a.creditsMustNotExceedDebits && a.creditsPending + a.creditsPosted > a.debitsPosted) {
      found.push(`${a.id} has more credits than debits`);
    }
    if (Math.min(a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted) < 0) {
      found.push(`${a.id} has a negative balance field`);
    }
  }
  for (const [currency, [dp, dpo, cp, cpo]] of totals) {
    if (dp !== cp) found.push(`${currency}: pending debits ${dp} != pending credits ${cp}`);
    if (dpo !== cpo) found.push(`${currency}: posted debits ${dpo} != posted credits ${cpo}`);
  }
  found.push(...foldViolations(state.accounts, state.transfers.values()));
  return found;
}

/**
 * Balances recomputed from the transfers must equal the stored balances, and each pending transfer
 * is resolved by at most one post or void, which names it back. Shared by the model's invariants
 * and the database tests, which read the same shapes from Postgres.
 */
export function foldViolations(
  accounts: ReadonlyMap<string, ModelAccount>,
  transfers: Iterable<
    Pick<
      ModelTransfer,
      | "id"
      | "kind"
      | "debitAccountId"
      | "creditAccountId"
      | "amount"
      | "state"
      | "pendingId"
      | "resolvedById"
    >
  >,
): string[] {
  const found: string[] = [];
  const fold = new Map<string, [number, number, number, number]>();
  const add = (id: string, field: 0 | 1 | 2 | 3, amount: number) => {
    const f = fold.get(id) ?? [0, 0, 0, 0];
    f[field] += amount;
    fold.set(id, f);
  };
  const resolutions = new Map<string, string[]>();
  const all = [...transfers];
  const byId = new Map(all.map((t) => [t.id, t]));
  for (const t of all) {
    if (t.kind === "posted" || t.kind === "post_pending") {
      add(t.debitAccountId, 1, t.amount);
      add(t.creditAccountId, 3, t.amount);
    }
    if (t.kind === "pending" && t.state === "pending") {
      add(t.debitAccountId, 0, t.amount);
      add(t.creditAccountId, 2, t.amount);
    }
    if (t.pendingId !== null) {
      resolutions.set(t.pendingId, [...(resolutions.get(t.pendingId) ?? []), t.id]);
    }
  }
  for (const [pendingId, by] of resolutions) {
    const pending = byId.get(pendingId);
    if (by.length > 1) found.push(`pending ${pendingId} resolved ${by.length} times`);
    if (pending && pending.resolvedById !== by[0]) {
      found.push(
        `pending ${pendingId} names ${pending.resolvedById} as its resolution, not ${by[0]}`,
      );
    }
    if (pending?.state === "pending") found.push(`pending ${pendingId} resolved but still pending`);
  }
  for (const a of accounts.values()) {
    const [dp, dpo, cp, cpo] = fold.get(a.id) ?? [0, 0, 0, 0];
    if (
      dp !== a.debitsPending ||
      dpo !== a.debitsPosted ||
      cp !== a.creditsPending ||
      cpo !== a.creditsPosted
    ) {
      found.push(
        `${a.id}: balances ${[a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted]} but transfers add up to ${[dp, dpo, cp, cpo]}`,
      );
    }
  }
  return found;
}

/** A broken invariant: stop loudly (TIGER_STYLE). */
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`ledger model: ${message}`);
}
