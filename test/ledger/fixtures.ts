import fc from "fast-check";
import {
  createTransfers,
  lookupAccounts,
  lookupTransfers,
  voidExpired,
} from "../../ledger/engine.ts";
import type { Db } from "../../runtime/db.ts";
import { ledgerAccounts, ledgerTransfers } from "../../schema/db/ledger.ts";
import {
  type Currency,
  type ParsedTransferInput,
  type TransferCode,
  TransferInput,
  type TransferMetadata,
  type TransferResult,
} from "../../schema/ledger.ts";
import { startTestDatabase as startDatabaseOf, type TestDatabase } from "../databases.ts";
import * as model from "./model.ts";

/**
 * Builders for the ledger's tests: databases (PGlite, and a PostgreSQL of their own), one
 * `Engine` interface over both the pure model and the real engine, and scenarios written with
 * names instead of UUIDs.
 */

/** A fixed moment, so failures print the same every run. */
export const T0 = Date.parse("2026-11-21T12:00:00.000Z");

export { databaseKinds, postgresUrl, type TestDatabase } from "../databases.ts";

/** A database for one test file (test/databases.ts), named for these tests on PostgreSQL. */
export function startTestDatabase(kind: "pglite" | "postgres"): Promise<TestDatabase> {
  return startDatabaseOf(kind, "ledger");
}

// ---------------------------------------------------------------------------------------------
// One interface over the model and the engine

export type AccountSpec = {
  id: string;
  currency: Currency;
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
};

export type TransferView = Pick<
  model.ModelTransfer,
  | "id"
  | "kind"
  | "debitAccountId"
  | "creditAccountId"
  | "amount"
  | "currency"
  | "code"
  | "pendingId"
  | "chainId"
  | "state"
  | "resolvedById"
  | "resolvedAtMs"
  | "expiresAtMs"
  | "createdAtMs"
  | "orderId"
>;

export interface Engine {
  openAccounts(accounts: AccountSpec[]): Promise<void>;
  createTransfers(batch: TransferInput[], nowMs: number): Promise<TransferResult[]>;
  voidExpired(nowMs: number, limit: number): Promise<number>;
  accounts(ids: string[]): Promise<Map<string, model.ModelAccount>>;
  transfers(ids: string[]): Promise<Map<string, TransferView>>;
}

export function modelEngine(): Engine & { state(): model.LedgerState } {
  let state = model.emptyLedger();
  return {
    state: () => state,
    openAccounts: async (accounts) => {
      state = model.openAccounts(state, accounts);
    },
    createTransfers: async (batch, nowMs) => {
      const applied = model.createTransfers(
        state,
        batch.map((t) => TransferInput.parse(t) as ParsedTransferInput),
        nowMs,
      );
      state = applied.state;
      return applied.results;
    },
    voidExpired: async (nowMs, limit) => {
      const swept = model.voidExpired(state, nowMs, limit);
      state = swept.state;
      return swept.voided;
    },
    accounts: async (ids) =>
      new Map(ids.flatMap((id) => (state.accounts.has(id) ? [[id, state.accounts.get(id)!]] : []))),
    transfers: async (ids) =>
      new Map(
        ids.flatMap((id) => {
          const t = state.transfers.get(id);
          return t ? [[id, viewOf(t)]] : [];
        }),
      ),
  };
}

function viewOf(t: TransferView): TransferView {
  return {
    id: t.id,
    kind: t.kind,
    debitAccountId: t.debitAccountId,
    creditAccountId: t.creditAccountId,
    amount: t.amount,
    currency: t.currency,
    code: t.code,
    pendingId: t.pendingId,
    chainId: t.chainId,
    state: t.state,
    resolvedById: t.resolvedById,
    resolvedAtMs: t.resolvedAtMs,
    expiresAtMs: t.expiresAtMs,
    createdAtMs: t.createdAtMs,
    orderId: t.orderId,
  };
}

export function databaseEngine(db: Db): Engine {
  return {
    openAccounts: async (accounts) => {
      if (accounts.length === 0) return;
      await db
        .insert(ledgerAccounts)
        .values(accounts.map((a) => ({ ...a, code: "customer_wallet" as const, ownerId: null })))
        .onConflictDoNothing();
    },
    createTransfers: async (batch, nowMs) =>
      (await createTransfers(db, batch, nowMs)).map((o) => o.result),
    voidExpired: (nowMs, limit) => voidExpired(db, nowMs, limit),
    accounts: async (ids) => {
      const found = await lookupAccounts(db, ids);
      return new Map(
        found.map((a) => [
          a.id,
          {
            id: a.id,
            currency: a.currency,
            debitsMustNotExceedCredits: a.flags.debitsMustNotExceedCredits,
            creditsMustNotExceedDebits: a.flags.creditsMustNotExceedDebits,
            debitsPending: a.debitsPending,
            debitsPosted: a.debitsPosted,
            creditsPending: a.creditsPending,
            creditsPosted: a.creditsPosted,
          },
        ]),
      );
    },
    transfers: async (ids) => {
      const found = await lookupTransfers(db, ids);
      return new Map(
        found.map((t) => [
          t.id,
          viewOf({
            ...t,
            resolvedAtMs: t.resolvedAt === null ? null : Date.parse(t.resolvedAt),
            expiresAtMs: t.expiresAt === null ? null : Date.parse(t.expiresAt),
            createdAtMs: Date.parse(t.createdAt),
          }),
        ]),
      );
    },
  };
}

/** Every stored account and transfer among `accountIds`, for the fold check of the invariants. */
export async function storedLedger(db: Db, accountIds?: string[]) {
  const accounts = await db.select().from(ledgerAccounts);
  const transfers = await db.select().from(ledgerTransfers);
  const keep = accountIds ? new Set(accountIds) : null;
  return {
    accounts: new Map(
      accounts
        .filter((a) => !keep || keep.has(a.id))
        .map((a) => [
          a.id,
          {
            id: a.id,
            currency: a.currency,
            debitsMustNotExceedCredits: a.debitsMustNotExceedCredits,
            creditsMustNotExceedDebits: a.creditsMustNotExceedDebits,
            debitsPending: a.debitsPending,
            debitsPosted: a.debitsPosted,
            creditsPending: a.creditsPending,
            creditsPosted: a.creditsPosted,
          } satisfies model.ModelAccount,
        ]),
    ),
    transfers: transfers.filter(
      (t) => !keep || keep.has(t.debitAccountId) || keep.has(t.creditAccountId),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios: ledgers written with names, resolved to fresh UUIDs on every run

export type Flag = "debits_must_not_exceed_credits" | "credits_must_not_exceed_debits";

export type Spec =
  | {
      id: string;
      kind: "posted" | "pending";
      debit: string;
      credit: string;
      amount: number;
      currency?: Currency;
      code?: TransferCode;
      timeoutMs?: number;
      linked?: boolean;
      order?: string;
      metadata?: TransferMetadata;
    }
  | {
      id: string;
      kind: "post_pending" | "void_pending";
      pending: string;
      amount?: number;
      debit?: string;
      credit?: string;
      currency?: Currency;
      code?: TransferCode;
      linked?: boolean;
      order?: string;
      metadata?: TransferMetadata;
    };

export type Step =
  | { atMs?: number; batch: Spec[]; expect: TransferResult[] }
  | { atMs?: number; voidExpired: number; expectVoided: number };

export type Scenario = {
  name: string;
  accounts: Record<string, { currency: Currency; flag?: Flag }>;
  steps: Step[];
  /** Balances after the last step: [debits pending, debits posted, credits pending, credits posted]. */
  balances?: Record<string, [number, number, number, number]>;
  /** Transfer states after the last step. */
  states?: Record<string, "pending" | "posted" | "voided">;
};

/** Names to UUIDs, fresh per run, so runs sharing a database never meet. */
export function namer(): (name: string) => string {
  const ids = new Map<string, string>();
  return (name) => {
    let id = ids.get(name);
    if (!id) {
      id = crypto.randomUUID();
      ids.set(name, id);
    }
    return id;
  };
}

export function accountSpecs(
  accounts: Scenario["accounts"],
  idOf: (name: string) => string,
): AccountSpec[] {
  return Object.entries(accounts).map(([name, a]) => ({
    id: idOf(name),
    currency: a.currency,
    debitsMustNotExceedCredits: a.flag === "debits_must_not_exceed_credits",
    creditsMustNotExceedDebits: a.flag === "credits_must_not_exceed_debits",
  }));
}

export function inputOf(
  spec: Spec,
  idOf: (name: string) => string,
  currencyOf: (account: string) => Currency,
): TransferInput {
  const common = {
    id: idOf(spec.id),
    code: spec.code ?? "adjustment",
    ...(spec.linked === undefined ? {} : { linked: spec.linked }),
    ...(spec.order === undefined ? {} : { orderId: idOf(spec.order) }),
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
  };
  if ("pending" in spec) {
    return {
      ...common,
      kind: spec.kind,
      pendingId: idOf(spec.pending),
      ...(spec.amount === undefined ? {} : { amount: spec.amount }),
      ...(spec.debit === undefined ? {} : { debitAccountId: idOf(spec.debit) }),
      ...(spec.credit === undefined ? {} : { creditAccountId: idOf(spec.credit) }),
      ...(spec.currency === undefined ? {} : { currency: spec.currency }),
    };
  }
  return {
    ...common,
    kind: spec.kind,
    debitAccountId: idOf(spec.debit),
    creditAccountId: idOf(spec.credit),
    amount: spec.amount,
    currency: spec.currency ?? currencyOf(spec.debit),
    ...(spec.kind === "pending" && spec.timeoutMs !== undefined
      ? { timeoutMs: spec.timeoutMs }
      : {}),
  } as TransferInput;
}

/**
 * Runs a scenario on an engine and answers what each step answered and the balances and states
 * after it, by name, for the test to compare with the scenario's expectations.
 */
export async function runScenario(engine: Engine, scenario: Scenario) {
  const idOf = namer();
  const specs = accountSpecs(scenario.accounts, idOf);
  await engine.openAccounts(specs);
  const currencyOf = (name: string) => scenario.accounts[name]?.currency ?? "USD";
  const answers: Array<TransferResult[] | number> = [];
  for (const step of scenario.steps) {
    const at = T0 + (step.atMs ?? 0);
    if ("batch" in step) {
      answers.push(
        await engine.createTransfers(
          step.batch.map((s) => inputOf(s, idOf, currencyOf)),
          at,
        ),
      );
    } else {
      answers.push(await engine.voidExpired(at, step.voidExpired));
    }
  }
  const accounts = await engine.accounts(specs.map((a) => a.id));
  const balances: Record<string, [number, number, number, number]> = {};
  for (const name of Object.keys(scenario.accounts)) {
    const a = accounts.get(idOf(name))!;
    balances[name] = [a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted];
  }
  const transferNames = [
    ...new Set(scenario.steps.flatMap((s) => ("batch" in s ? s.batch.map((t) => t.id) : []))),
  ];
  const stored = await engine.transfers(transferNames.map(idOf));
  const states: Record<string, string> = {};
  for (const name of transferNames) {
    const t = stored.get(idOf(name));
    if (t) states[name] = t.state;
  }
  return { answers, balances, states, idOf };
}

/** What a scenario expects each step to answer. */
export function expectedAnswers(scenario: Scenario): Array<TransferResult[] | number> {
  return scenario.steps.map((s) => ("batch" in s ? s.expect : s.expectVoided));
}

// ---------------------------------------------------------------------------------------------
// Random runs for the property tests

/**
 * A small world where everything can happen: unlimited sources in both currencies, two wallets
 * and a points account that may not go below zero, an unlimited sink, an account limited by its
 * debits, and an account that does not exist. Few transfer ids, so ids are reused (exists,
 * conflicts) and pending ids often name something.
 */
export const world = {
  src: { currency: "USD" },
  srcPts: { currency: "PTS" },
  w1: { currency: "USD", flag: "debits_must_not_exceed_credits" },
  w2: { currency: "USD", flag: "debits_must_not_exceed_credits" },
  pts: { currency: "PTS", flag: "debits_must_not_exceed_credits" },
  sink: { currency: "USD" },
  lim: { currency: "USD", flag: "credits_must_not_exceed_debits" },
} satisfies Scenario["accounts"];
const worldAccounts = Object.keys(world) as Array<keyof typeof world>;
const TRANSFER_NAMES = Array.from({ length: 16 }, (_, i) => `t${i}`);

/** Every run starts with money in the limited accounts, so the limits are reached from both sides. */
export const FUNDING: Spec[] = [
  { id: "fund-w1", kind: "posted", debit: "src", credit: "w1", amount: 400, code: "top_up" },
  { id: "fund-w2", kind: "posted", debit: "src", credit: "w2", amount: 400, code: "top_up" },
  {
    id: "fund-pts",
    kind: "posted",
    debit: "srcPts",
    credit: "pts",
    amount: 300,
    code: "points_earn",
  },
  { id: "fund-lim", kind: "posted", debit: "lim", credit: "sink", amount: 300 },
];

export type RandomStep = { atMs: number; batch: Spec[] } | { atMs: number; voidExpired: number };

export function randomRun(): fc.Arbitrary<RandomStep[]> {
  const account = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...worldAccounts) },
    { weight: 1, arbitrary: fc.constant("ghost") },
  );
  const amount = fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 150 }) },
  );
  const currency = fc.option(fc.constantFrom<Currency>("USD", "PTS"), { nil: undefined, freq: 6 });
  const linked = fc.option(fc.constant(true), { nil: undefined, freq: 3 });
  const code = fc.constantFrom<TransferCode>("adjustment", "order_hold", "refund");
  const id = fc.constantFrom(...TRANSFER_NAMES);
  const move: fc.Arbitrary<Spec> = fc.record({
    id,
    kind: fc.constantFrom<"posted" | "pending">("posted", "pending"),
    debit: account,
    credit: account,
    amount,
    currency,
    code,
    timeoutMs: fc.option(fc.constantFrom(300, 1_000, 2_500), { nil: undefined, freq: 2 }),
    linked,
  });
  const resolve: fc.Arbitrary<Spec> = fc.record({
    id,
    kind: fc.constantFrom<"post_pending" | "void_pending">("post_pending", "void_pending"),
    pending: id,
    amount: fc.option(amount, { nil: undefined, freq: 2 }),
    debit: fc.option(account, { nil: undefined, freq: 6 }),
    credit: fc.option(account, { nil: undefined, freq: 6 }),
    currency,
    code,
    linked,
  });
  const step = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        advanceMs: fc.integer({ min: 0, max: 1_500 }),
        batch: fc.array(
          fc.oneof({ weight: 3, arbitrary: move }, { weight: 2, arbitrary: resolve }),
          {
            minLength: 1,
            maxLength: 7,
          },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        advanceMs: fc.integer({ min: 0, max: 1_500 }),
        voidExpired: fc.integer({ min: 1, max: 3 }),
      }),
    },
  );
  return fc.array(step, { minLength: 1, maxLength: 10 }).map((steps) => {
    let at = 0;
    const run: RandomStep[] = [{ atMs: 0, batch: FUNDING }];
    for (const s of steps) {
      at += s.advanceMs;
      run.push(
        "batch" in s ? { atMs: at, batch: s.batch } : { atMs: at, voidExpired: s.voidExpired },
      );
    }
    return run;
  });
}

/** A random run's longest span of simulated time: 10 steps of 1.5 s, plus the longest timeout. */
export const RANDOM_RUN_SPAN_MS = 60_000;

/**
 * Runs random steps on an engine from `t0`, answering, after each step, what it answered and the
 * world's balances and transfers as they stand (by name).
 */
export async function runRandomSteps(
  engine: Engine,
  steps: RandomStep[],
  t0: number,
  idOf: (name: string) => string,
): Promise<Array<{ answer: TransferResult[] | number; accounts: unknown; transfers: unknown }>> {
  await engine.openAccounts(accountSpecs(world, idOf));
  const currencyOf = (name: string) =>
    (world as Record<string, { currency: Currency }>)[name]?.currency ?? "USD";
  const trace = [];
  const transferIds = [...TRANSFER_NAMES, ...FUNDING.map((f) => f.id)].map(idOf);
  const accountIds = worldAccounts.map(idOf);
  for (const step of steps) {
    const at = t0 + step.atMs;
    const answer =
      "batch" in step
        ? await engine.createTransfers(
            step.batch.map((s) => inputOf(s, idOf, currencyOf)),
            at,
          )
        : await engine.voidExpired(at, step.voidExpired);
    const accounts = await engine.accounts(accountIds);
    const transfers = await engine.transfers(transferIds);
    trace.push({
      answer,
      accounts: accountIds.map((id) => accounts.get(id) ?? null),
      transfers: transferIds.map((id) => transfers.get(id) ?? null),
    });
  }
  return trace;
}

/**
 * Submits every batch of a run twice in a row, as a client retrying after a lost answer would,
 * and answers what went wrong: the second submission must answer `exists` wherever the first
 * applied (or had applied before), and when the first applied everything, change nothing at all.
 */
export async function doubleSubmissionViolations(
  engine: Engine,
  steps: RandomStep[],
  t0: number,
  idOf: (name: string) => string,
): Promise<string[]> {
  await engine.openAccounts(accountSpecs(world, idOf));
  const currencyOf = (name: string) =>
    (world as Record<string, { currency: Currency }>)[name]?.currency ?? "USD";
  const accountIds = worldAccounts.map(idOf);
  const transferIds = [...TRANSFER_NAMES, ...FUNDING.map((f) => f.id)].map(idOf);
  const found: string[] = [];
  for (const [index, step] of steps.entries()) {
    const at = t0 + step.atMs;
    if (!("batch" in step)) {
      await engine.voidExpired(at, step.voidExpired);
      continue;
    }
    const batch = step.batch.map((s) => inputOf(s, idOf, currencyOf));
    const first = await engine.createTransfers(batch, at);
    const accounts = await engine.accounts(accountIds);
    const transfers = await engine.transfers(transferIds);
    const second = await engine.createTransfers(batch, at);
    first.forEach((result, i) => {
      if ((result === "ok" || result === "exists") && second[i] !== "exists") {
        found.push(`step ${index} transfer ${i}: ${result}, then ${second[i]}`);
      }
    });
    const accountsAfter = await engine.accounts(accountIds);
    const transfersAfter = await engine.transfers(transferIds);
    if (first.every((r) => r === "ok" || r === "exists")) {
      if (JSON.stringify([...accountsAfter]) !== JSON.stringify([...accounts])) {
        found.push(`step ${index}: the second submission changed balances`);
      }
      if (JSON.stringify([...transfersAfter]) !== JSON.stringify([...transfers])) {
        found.push(`step ${index}: the second submission changed transfers`);
      }
      continue;
    }
    // Some were refused the first time. A refused transfer is not stored (TigerBeetle's rule
    // before 0.16), so the second submission decides it afresh and may apply it now that the rest
    // of the batch has moved money. Still nothing is applied twice: the second submission adds
    // exactly the transfers it answers "ok", and the books balance per currency.
    const added = transfersAfter.size - transfers.size;
    const applied = second.filter((r) => r === "ok").length;
    if (added !== applied) {
      found.push(
        `step ${index}: the second submission stored ${added} transfers, answered ok ${applied}`,
      );
    }
    const unbalanced = unbalancedCurrencies(accountsAfter.values());
    if (unbalanced.length > 0) {
      found.push(
        `step ${index}: after the second submission ${unbalanced.join(", ")} do not balance`,
      );
    }
  }
  return found;
}

/** Currencies whose debits and credits (posted, and pending) differ across these accounts. */
function unbalancedCurrencies(accounts: Iterable<model.ModelAccount>): Currency[] {
  const sums = new Map<Currency, { dp: number; cp: number; dpo: number; cpo: number }>();
  for (const a of accounts) {
    const sum = sums.get(a.currency) ?? { dp: 0, cp: 0, dpo: 0, cpo: 0 };
    sum.dp += a.debitsPending;
    sum.cp += a.creditsPending;
    sum.dpo += a.debitsPosted;
    sum.cpo += a.creditsPosted;
    sums.set(a.currency, sum);
  }
  return [...sums]
    .filter(([, sum]) => sum.dp !== sum.cp || sum.dpo !== sum.cpo)
    .map(([currency]) => currency);
}
