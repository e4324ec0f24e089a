import type { Scenario, Spec } from "./fixtures.ts";

/**
 * The ledger's behaviour, one scenario per operation and per result code, written with names.
 * model.test.ts runs them on the pure model, ledger.test.ts on the engine in PGlite and in
 * PostgreSQL: the same expectations hold for all three.
 *
 * Accounts: `bank` is an unlimited source (like provider_clearing), `wallet` may never go below
 * zero (a customer wallet), `shop` is an unlimited destination, `points` is in PTS.
 */
const base = {
  bank: { currency: "USD" },
  wallet: { currency: "USD", flag: "debits_must_not_exceed_credits" },
  shop: { currency: "USD" },
  points: { currency: "PTS" },
  pointsBank: { currency: "PTS" },
} satisfies Scenario["accounts"];

const fund = (amount: number, id = "fund"): Spec => ({
  id,
  kind: "posted",
  debit: "bank",
  credit: "wallet",
  amount,
  code: "top_up",
});
const pay = (id: string, amount: number, extra: Partial<Spec> = {}): Spec =>
  ({ id, kind: "posted", debit: "wallet", credit: "shop", amount, ...extra }) as Spec;
const hold = (id: string, amount: number, extra: Partial<Spec> = {}): Spec =>
  ({ id, kind: "pending", debit: "wallet", credit: "shop", amount, ...extra }) as Spec;
const post = (id: string, pending: string, extra: Partial<Spec> = {}): Spec =>
  ({ id, kind: "post_pending", pending, ...extra }) as Spec;
const voidOf = (id: string, pending: string, extra: Partial<Spec> = {}): Spec =>
  ({ id, kind: "void_pending", pending, ...extra }) as Spec;

const MAX_HALF = 2 ** 52;

export const scenarios: Scenario[] = [
  {
    name: "a posted transfer moves money at once (ok)",
    accounts: base,
    steps: [{ batch: [fund(100)], expect: ["ok"] }],
    balances: { bank: [0, 100, 0, 0], wallet: [0, 0, 0, 100] },
  },
  {
    name: "the same transfer submitted twice is applied once (exists)",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [fund(100)], expect: ["exists"] },
      { batch: [fund(100), fund(100)], expect: ["exists", "exists"] },
    ],
    balances: { bank: [0, 100, 0, 0], wallet: [0, 0, 0, 100] },
  },
  {
    name: "a repeat inside one batch is applied once",
    accounts: base,
    steps: [{ batch: [fund(100), fund(100)], expect: ["ok", "exists"] }],
    balances: { wallet: [0, 0, 0, 100] },
  },
  {
    name: "an id reused with another body is a conflict (exists_with_different_fields)",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [fund(101)], expect: ["exists_with_different_fields"] },
      {
        batch: [{ ...fund(100), code: "refund" }],
        expect: ["exists_with_different_fields"],
      },
      {
        batch: [{ ...fund(100), metadata: { note: "again" } }],
        expect: ["exists_with_different_fields"],
      },
      {
        batch: [{ ...fund(100), linked: true }, fund(1, "other")],
        expect: ["exists_with_different_fields", "linked_event_failed"],
      },
    ],
    balances: { wallet: [0, 0, 0, 100] },
  },
  {
    name: "a linked chain applies entirely",
    accounts: base,
    steps: [
      {
        batch: [{ ...fund(100), linked: true }, { ...pay("p1", 60), linked: true }, pay("p2", 40)],
        expect: ["ok", "ok", "ok"],
      },
    ],
    balances: { wallet: [0, 100, 0, 100], shop: [0, 0, 0, 100] },
  },
  {
    name: "a linked chain with one failure applies nothing (linked_event_failed)",
    accounts: base,
    steps: [
      {
        batch: [
          { ...fund(100), linked: true },
          { ...pay("p1", 60), linked: true },
          { ...pay("p2", 60), linked: true },
          pay("p3", 1),
          pay("alone", 1),
        ],
        expect: [
          "linked_event_failed",
          "linked_event_failed",
          "exceeds_credits",
          "linked_event_failed",
          "exceeds_credits",
        ],
      },
      // The chain's ids are free again: nothing of it was stored.
      { batch: [fund(100)], expect: ["ok"] },
    ],
    balances: { bank: [0, 100, 0, 0], wallet: [0, 0, 0, 100], shop: [0, 0, 0, 0] },
  },
  {
    name: "a chain still open at the end of the batch fails (linked_event_chain_open)",
    accounts: base,
    steps: [
      { batch: [{ ...fund(100), linked: true }], expect: ["linked_event_chain_open"] },
      {
        batch: [
          { ...fund(100), linked: true },
          { ...fund(1, "f2"), linked: true },
        ],
        expect: ["linked_event_failed", "linked_event_chain_open"],
      },
      {
        batch: [fund(5, "before"), { ...fund(100), linked: true }],
        expect: ["ok", "linked_event_chain_open"],
      },
    ],
    balances: { wallet: [0, 0, 0, 5] },
  },
  {
    name: "a replayed chain answers exists throughout and changes nothing",
    accounts: base,
    steps: [
      { batch: [{ ...fund(100), linked: true }, pay("p1", 30)], expect: ["ok", "ok"] },
      { batch: [{ ...fund(100), linked: true }, pay("p1", 30)], expect: ["exists", "exists"] },
    ],
    balances: { wallet: [0, 30, 0, 100] },
  },
  {
    name: "money moves between two different accounts (accounts_must_be_different)",
    accounts: base,
    steps: [
      {
        batch: [{ id: "t", kind: "posted", debit: "bank", credit: "bank", amount: 1 }],
        expect: ["accounts_must_be_different"],
      },
    ],
  },
  {
    name: "a transfer moves a positive amount (amount_must_not_be_zero)",
    accounts: base,
    steps: [
      { batch: [fund(0)], expect: ["amount_must_not_be_zero"] },
      { batch: [hold("h", 10, { debit: "bank" })], expect: ["ok"] },
      { batch: [post("p", "h", { amount: 0 })], expect: ["amount_must_not_be_zero"] },
    ],
  },
  {
    name: "both accounts must exist (debit_account_not_found, credit_account_not_found)",
    accounts: base,
    steps: [
      {
        batch: [
          { id: "a", kind: "posted", debit: "ghost", credit: "wallet", amount: 1 },
          { id: "b", kind: "posted", debit: "bank", credit: "ghost", amount: 1 },
          { id: "c", kind: "posted", debit: "ghost", credit: "phantom", amount: 1 },
        ],
        expect: ["debit_account_not_found", "credit_account_not_found", "debit_account_not_found"],
      },
    ],
  },
  {
    name: "money stays in its currency (accounts_must_have_the_same_currency, transfer_must_have_the_same_currency_as_accounts)",
    accounts: base,
    steps: [
      {
        batch: [
          { id: "a", kind: "posted", debit: "bank", credit: "points", amount: 1 },
          { id: "b", kind: "posted", debit: "bank", credit: "wallet", amount: 1, currency: "PTS" },
          { id: "c", kind: "posted", debit: "pointsBank", credit: "points", amount: 7 },
        ],
        expect: [
          "accounts_must_have_the_same_currency",
          "transfer_must_have_the_same_currency_as_accounts",
          "ok",
        ],
      },
    ],
    balances: { points: [0, 0, 0, 7], pointsBank: [0, 7, 0, 0] },
  },
  {
    name: "a wallet never goes below zero, counting its holds (exceeds_credits)",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [pay("p1", 101)], expect: ["exceeds_credits"] },
      { batch: [hold("h1", 60)], expect: ["ok"] },
      { batch: [pay("p2", 41), pay("p3", 40)], expect: ["exceeds_credits", "ok"] },
      { batch: [pay("p4", 1)], expect: ["exceeds_credits"] },
    ],
    balances: { wallet: [60, 40, 0, 100], shop: [0, 0, 60, 40] },
  },
  {
    name: "an account limited by its debits takes no more credits than debits (exceeds_debits)",
    accounts: { ...base, liability: { currency: "USD", flag: "credits_must_not_exceed_debits" } },
    steps: [
      {
        batch: [{ id: "a", kind: "posted", debit: "bank", credit: "liability", amount: 1 }],
        expect: ["exceeds_debits"],
      },
      {
        batch: [
          { id: "b", kind: "posted", debit: "liability", credit: "bank", amount: 50 },
          { id: "c", kind: "pending", debit: "bank", credit: "liability", amount: 30 },
          { id: "d", kind: "posted", debit: "bank", credit: "liability", amount: 21 },
          { id: "e", kind: "posted", debit: "bank", credit: "liability", amount: 20 },
        ],
        expect: ["ok", "ok", "exceeds_debits", "ok"],
      },
    ],
    balances: { liability: [0, 50, 30, 20] },
  },
  {
    name: "balances stay exact numbers (overflows_debits, overflows_credits)",
    accounts: { ...base, big: { currency: "USD" }, other: { currency: "USD" } },
    steps: [
      {
        batch: [
          { id: "a", kind: "posted", debit: "bank", credit: "big", amount: MAX_HALF },
          { id: "b", kind: "posted", debit: "bank", credit: "other", amount: MAX_HALF },
          { id: "c", kind: "posted", debit: "shop", credit: "big", amount: MAX_HALF },
          { id: "d", kind: "pending", debit: "shop", credit: "big", amount: MAX_HALF - 1 },
        ],
        expect: ["ok", "overflows_debits", "overflows_credits", "ok"],
      },
    ],
    balances: { big: [0, 0, MAX_HALF - 1, MAX_HALF], bank: [0, MAX_HALF, 0, 0] },
  },
  {
    name: "a pending transfer reserves, and posting it in full moves the money",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [hold("h", 70, { order: "order-1" })], expect: ["ok"] },
      { batch: [post("p", "h", { code: "order_capture" })], expect: ["ok"] },
    ],
    balances: { wallet: [0, 70, 0, 100], shop: [0, 0, 0, 70] },
    states: { h: "posted", p: "posted" },
  },
  {
    name: "a partial post moves less and releases the rest",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [hold("h", 70)], expect: ["ok"] },
      { batch: [post("p", "h", { amount: 45 })], expect: ["ok"] },
      { batch: [pay("spend", 55)], expect: ["ok"] },
    ],
    balances: { wallet: [0, 100, 0, 100], shop: [0, 0, 0, 100] },
    states: { h: "posted", p: "posted" },
  },
  {
    name: "a void releases the reservation",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      { batch: [hold("h", 100)], expect: ["ok"] },
      { batch: [voidOf("v", "h", { amount: 100, code: "order_release" })], expect: ["ok"] },
      { batch: [pay("spend", 100)], expect: ["ok"] },
    ],
    balances: { wallet: [0, 100, 0, 100] },
    states: { h: "voided", v: "voided" },
  },
  {
    name: "a pending transfer made earlier in the same batch can be posted",
    accounts: base,
    steps: [{ batch: [fund(50), hold("h", 50), post("p", "h")], expect: ["ok", "ok", "ok"] }],
    balances: { wallet: [0, 50, 0, 50] },
  },
  {
    name: "a post or void needs a pending transfer (pending_transfer_not_found, pending_transfer_not_pending)",
    accounts: base,
    steps: [
      { batch: [fund(100)], expect: ["ok"] },
      {
        batch: [post("p", "nothing"), post("q", "fund"), voidOf("v", "fund")],
        expect: [
          "pending_transfer_not_found",
          "pending_transfer_not_pending",
          "pending_transfer_not_pending",
        ],
      },
    ],
  },
  {
    name: "a post or void must agree with its pending transfer (different accounts, currency, amount; exceeds_pending_transfer_amount)",
    accounts: base,
    steps: [
      { batch: [fund(100), hold("h", 60)], expect: ["ok", "ok"] },
      {
        batch: [
          post("a", "h", { debit: "bank" }),
          post("b", "h", { credit: "bank" }),
          post("c", "h", { currency: "PTS" }),
          voidOf("d", "h", { amount: 59 }),
          post("e", "h", { amount: 61 }),
          post("f", "h", { debit: "wallet", credit: "shop", currency: "USD", amount: 60 }),
        ],
        expect: [
          "pending_transfer_has_different_accounts",
          "pending_transfer_has_different_accounts",
          "pending_transfer_has_different_currency",
          "pending_transfer_has_different_amount",
          "exceeds_pending_transfer_amount",
          "ok",
        ],
      },
    ],
    balances: { wallet: [0, 60, 0, 100] },
  },
  {
    name: "a pending transfer is resolved exactly once (already_posted, already_voided)",
    accounts: base,
    steps: [
      { batch: [fund(100), hold("h1", 10), hold("h2", 10)], expect: ["ok", "ok", "ok"] },
      {
        batch: [post("p1", "h1"), voidOf("v1", "h1"), post("p1b", "h1")],
        expect: ["ok", "pending_transfer_already_posted", "pending_transfer_already_posted"],
      },
      { batch: [voidOf("v2", "h2")], expect: ["ok"] },
      {
        batch: [post("p2", "h2"), voidOf("v2b", "h2"), voidOf("v2", "h2")],
        expect: ["pending_transfer_already_voided", "pending_transfer_already_voided", "exists"],
      },
    ],
    balances: { wallet: [0, 10, 0, 100] },
    states: { h1: "posted", h2: "voided", p1: "posted", v2: "voided" },
  },
  {
    name: "a post that fails later in its chain leaves the pending transfer pending",
    accounts: base,
    steps: [
      { batch: [fund(100), hold("h", 100)], expect: ["ok", "ok"] },
      {
        batch: [{ ...post("p", "h"), linked: true }, pay("over", 1)],
        expect: ["linked_event_failed", "exceeds_credits"],
      },
      { batch: [post("p", "h")], expect: ["ok"] },
    ],
    balances: { wallet: [0, 100, 0, 100] },
    states: { h: "posted" },
  },
  {
    name: "an expired hold cannot be posted and its money is released (pending_transfer_expired)",
    accounts: base,
    steps: [
      { batch: [fund(100), hold("h", 100, { timeoutMs: 1_000 })], expect: ["ok", "ok"] },
      { atMs: 999, batch: [pay("early", 1)], expect: ["exceeds_credits"] },
      { atMs: 1_000, batch: [post("p", "h")], expect: ["pending_transfer_expired"] },
      { atMs: 1_000, batch: [voidOf("v", "h")], expect: ["pending_transfer_expired"] },
      { atMs: 1_001, batch: [pay("spend", 100)], expect: ["ok"] },
    ],
    balances: { wallet: [0, 100, 0, 100], shop: [0, 0, 0, 100] },
    states: { h: "voided" },
  },
  {
    name: "a batch touching a wallet voids its expired holds before deciding",
    accounts: base,
    steps: [
      { batch: [fund(100), hold("h", 80, { timeoutMs: 500 })], expect: ["ok", "ok"] },
      { atMs: 600, batch: [pay("spend", 90)], expect: ["ok"] },
    ],
    balances: { wallet: [0, 90, 0, 100], shop: [0, 0, 0, 90] },
    states: { h: "voided" },
  },
  {
    name: "the sweeper voids expired holds, earliest first, up to its limit; sweeping again is harmless",
    accounts: base,
    steps: [
      {
        batch: [
          fund(100),
          hold("h1", 10, { timeoutMs: 3_000 }),
          hold("h2", 10, { timeoutMs: 1_000 }),
          hold("h3", 10, { timeoutMs: 2_000 }),
          hold("h4", 10),
        ],
        expect: ["ok", "ok", "ok", "ok", "ok"],
      },
      { atMs: 999, voidExpired: 10, expectVoided: 0 },
      { atMs: 2_500, voidExpired: 1, expectVoided: 1 },
      { atMs: 2_500, voidExpired: 10, expectVoided: 1 },
      {
        atMs: 2_500,
        batch: [post("p1", "h1"), post("p3", "h3")],
        expect: ["ok", "pending_transfer_expired"],
      },
      {
        atMs: 9_000,
        batch: [fund(1, "late"), hold("h5", 1, { timeoutMs: 1 })],
        expect: ["ok", "ok"],
      },
      { atMs: 9_999, voidExpired: 1, expectVoided: 1 },
      { atMs: 9_999, voidExpired: 1, expectVoided: 0 },
    ],
    balances: { wallet: [10, 10, 0, 101] },
    states: { h1: "posted", h2: "voided", h3: "voided", h4: "pending", h5: "voided" },
  },
];
