import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { openDb } from "../runtime/db.ts";
import { ledgerTransfers } from "../schema/db/ledger.ts";
import type { TransferInput, TransferResult } from "../schema/ledger.ts";
import {
  accountSpecs,
  databaseEngine,
  FUNDING,
  inputOf,
  namer,
  postgresUrl,
  randomRun,
  startTestDatabase,
  storedLedger,
  T0,
  type TestDatabase,
  world,
} from "../test/ledger/fixtures.ts";
import { foldViolations } from "../test/ledger/model.ts";
import { payableOf, platform, walletOf } from "./chart.ts";
import {
  balanceOf,
  createTransfers,
  ensureAccounts,
  ledgerInvariants,
  lookupAccounts,
  lookupTransfers,
  voidExpired,
} from "./engine.ts";

/**
 * The ledger under real concurrency: PostgreSQL only (PGlite runs one transaction at a time), with
 * many connections through the Neon driver and the WebSocket proxy, as the Worker reaches it.
 */
describe.skipIf(!postgresUrl)("the ledger under concurrency on postgres", () => {
  let database: TestDatabase;
  const pools: Array<ReturnType<typeof openDb>> = [];

  /** `n` pools of one busy connection each, connected before the test starts racing them. */
  async function connections(n: number) {
    while (pools.length < n) pools.push(database.open());
    await Promise.all(pools.slice(0, n).map((p) => p.db.execute(sql`select 1`)));
    return pools.slice(0, n).map((p) => p.db);
  }

  beforeAll(async () => {
    database = await startTestDatabase("postgres");
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await database?.close();
  });

  async function fundedWallet(cents: number) {
    const customer = crypto.randomUUID();
    const [wallet, clearing, shop] = await ensureAccounts(database.db, [
      walletOf(customer),
      platform("provider_clearing"),
      { code: "restaurant_payable", ownerId: crypto.randomUUID() },
    ]);
    const [funded] = await createTransfers(
      database.db,
      [
        {
          id: crypto.randomUUID(),
          kind: "posted",
          debitAccountId: clearing!,
          creditAccountId: wallet!,
          amount: cents,
          currency: "USD",
          code: "top_up",
        },
      ],
      T0,
    );
    expect(funded?.result).toBe("ok");
    return { wallet: wallet!, shop: shop! };
  }

  const payment = (wallet: string, shop: string, amount: number): TransferInput => ({
    id: crypto.randomUUID(),
    kind: "posted",
    debitAccountId: wallet,
    creditAccountId: shop,
    amount,
    currency: "USD",
    code: "order_capture",
  });

  it("never overdraws a wallet nor loses a cent under 50 concurrent payments on 50 connections", async () => {
    const dbs = await connections(50);
    const { wallet, shop } = await fundedWallet(1_000);
    const payments = dbs.map(() => payment(wallet, shop, 30));
    const results = await Promise.all(
      payments.map((p, i) => createTransfers(dbs[i]!, [p], T0 + 1)),
    );
    const answers = results.map((r) => r[0]!.result);
    // 1,000 cents pay for 33 payments of 30; the 34th would overdraw.
    expect(answers.filter((a) => a === "ok")).toHaveLength(33);
    expect(answers.filter((a) => a === "exceeds_credits")).toHaveLength(17);
    const [w, s] = await lookupAccounts(database.db, [wallet, shop]);
    expect(balanceOf(w!).available).toBe(10);
    expect(s!.creditsPosted).toBe(990);
    const paid = await lookupTransfers(
      database.db,
      payments.map((p) => p.id),
    );
    expect(paid.map((t) => t.id).sort()).toEqual(
      payments
        .filter((_, i) => answers[i] === "ok")
        .map((p) => p.id)
        .sort(),
    );
  });

  it("applies each of 50 payments once when every one is submitted twice at the same moment", async () => {
    const dbs = await connections(50);
    const { wallet, shop } = await fundedWallet(500);
    const payments = Array.from({ length: 25 }, () => payment(wallet, shop, 30));
    const results = await Promise.all(
      dbs.map((db, i) => createTransfers(db, [payments[i % 25]!], T0 + 1)),
    );
    const byPayment = new Map<string, TransferResult[]>();
    results.forEach((r, i) => {
      const id = payments[i % 25]!.id;
      byPayment.set(id, [...(byPayment.get(id) ?? []), r[0]!.result]);
    });
    let applied = 0;
    for (const answers of byPayment.values()) {
      const sorted = [...answers].sort();
      if (sorted.includes("ok")) {
        applied += 1;
        expect(sorted).toEqual(["exists", "ok"]);
      } else {
        expect(sorted).toEqual(["exceeds_credits", "exceeds_credits"]);
      }
    }
    // 500 cents pay for 16 payments of 30.
    expect(applied).toBe(16);
    const [w] = await lookupAccounts(database.db, [wallet]);
    expect(balanceOf(w!).available).toBe(20);
  });

  it("applies each hold, delivery chain and void once when every one is submitted twice at the same moment", async () => {
    const dbs = await connections(40);
    const { wallet } = await fundedWallet(2_000);
    const [orders, payable, revenue] = await ensureAccounts(database.db, [
      platform("orders_clearing"),
      payableOf(crypto.randomUUID()),
      platform("platform_revenue"),
    ]);
    // The platform's accounts are shared with other tests of this file: compare with before.
    const [ordersBefore, revenueBefore] = await lookupAccounts(database.db, [orders!, revenue!]);
    const ORDERS = 20;
    /** Each batch twice, on two connections at once; answers both submissions' results. */
    const twice = async (batches: TransferInput[][], at: number) => {
      const answers = await Promise.all(
        [...batches, ...batches].map((b, i) => createTransfers(dbs[i]!, b, at)),
      );
      return batches.map((_, i) => [
        answers[i]!.map((o) => o.result),
        answers[i + batches.length]!.map((o) => o.result),
      ]);
    };
    const holds: TransferInput[][] = Array.from({ length: ORDERS }, () => [
      {
        id: crypto.randomUUID(),
        kind: "pending",
        debitAccountId: wallet,
        creditAccountId: orders!,
        amount: 100,
        currency: "USD",
        code: "order_hold",
        timeoutMs: 3_600_000,
      },
    ]);
    for (const pair of await twice(holds, T0 + 1)) {
      expect(pair.flat().sort()).toEqual(["exists", "ok"]);
    }
    const [held] = await lookupAccounts(database.db, [wallet]);
    expect(balanceOf(held!)).toMatchObject({ held: 2_000, available: 0 });

    // Even orders are delivered (the capture and its split, one linked chain), odd ones voided.
    const resolutions: TransferInput[][] = holds.map(([hold], i) =>
      i % 2 === 0
        ? [
            {
              id: crypto.randomUUID(),
              kind: "post_pending",
              pendingId: hold!.id,
              code: "order_capture",
              linked: true,
            },
            {
              id: crypto.randomUUID(),
              kind: "posted",
              debitAccountId: orders!,
              creditAccountId: payable!,
              amount: 80,
              currency: "USD",
              code: "restaurant_share",
              linked: true,
            },
            {
              id: crypto.randomUUID(),
              kind: "posted",
              debitAccountId: orders!,
              creditAccountId: revenue!,
              amount: 20,
              currency: "USD",
              code: "platform_fee",
            },
          ]
        : [
            {
              id: crypto.randomUUID(),
              kind: "void_pending",
              pendingId: hold!.id,
              code: "order_release",
            },
          ],
    );
    for (const [i, [first, second]] of (await twice(resolutions, T0 + 2)).entries()) {
      const size = resolutions[i]!.length;
      // One submission applies the whole batch, the other finds every transfer of it applied.
      expect([first, second]).toContainEqual(Array(size).fill("ok"));
      expect([first, second]).toContainEqual(Array(size).fill("exists"));
    }
    const [w, o, p, r] = await lookupAccounts(database.db, [wallet, orders!, payable!, revenue!]);
    expect(balanceOf(w!)).toMatchObject({ posted: 1_000, held: 0, available: 1_000 });
    expect(balanceOf(o!)).toEqual(balanceOf(ordersBefore!));
    expect(p!.creditsPosted).toBe(800);
    expect(r!.creditsPosted - revenueBefore!.creditsPosted).toBe(200);
    const { accounts, transfers } = await storedLedger(database.db, [
      wallet,
      orders!,
      payable!,
      revenue!,
    ]);
    expect(foldViolations(accounts, transfers)).toEqual([]);
    expect((await ledgerInvariants(database.db, T0 + 2)).balanced).toBe(true);
  });

  it("holds, then resolves each hold exactly once when a post and a void race for it", async () => {
    const dbs = await connections(50);
    const { wallet, shop } = await fundedWallet(2_500);
    const holds: TransferInput[] = Array.from({ length: 50 }, () => ({
      id: crypto.randomUUID(),
      kind: "pending",
      debitAccountId: wallet,
      creditAccountId: shop,
      amount: 60,
      currency: "USD",
      code: "order_hold",
    }));
    const held = await Promise.all(holds.map((h, i) => createTransfers(dbs[i]!, [h], T0 + 1)));
    const heldIds = holds.filter((_, i) => held[i]![0]!.result === "ok").map((h) => h.id);
    // 2,500 cents reserve 41 holds of 60.
    expect(heldIds).toHaveLength(41);

    const races = await Promise.all(
      heldIds.flatMap((pendingId, i) => [
        createTransfers(
          dbs[(2 * i) % 50]!,
          [{ id: crypto.randomUUID(), kind: "post_pending", pendingId, code: "order_capture" }],
          T0 + 2,
        ),
        createTransfers(
          dbs[(2 * i + 1) % 50]!,
          [{ id: crypto.randomUUID(), kind: "void_pending", pendingId, code: "order_release" }],
          T0 + 2,
        ),
      ]),
    );
    let posted = 0;
    for (let i = 0; i < heldIds.length; i++) {
      const [post, voiding] = [races[2 * i]![0]!.result, races[2 * i + 1]![0]!.result];
      expect([post, voiding].filter((r) => r === "ok")).toHaveLength(1);
      expect([post, voiding]).toContainEqual(
        post === "ok" ? "pending_transfer_already_posted" : "pending_transfer_already_voided",
      );
      if (post === "ok") posted += 1;
    }
    const [w] = await lookupAccounts(database.db, [wallet]);
    expect(w!.debitsPending).toBe(0);
    expect(w!.debitsPosted).toBe(posted * 60);
    const { accounts, transfers } = await storedLedger(database.db, [wallet, shop]);
    expect(foldViolations(accounts, transfers)).toEqual([]);
  });

  it("never deadlocks: batches locking the same accounts from opposite ends all complete", async () => {
    const dbs = await connections(16);
    const customers = Array.from({ length: 12 }, () => crypto.randomUUID());
    const accounts = await ensureAccounts(database.db, [
      ...customers.map(walletOf),
      platform("provider_clearing"),
    ]);
    const clearing = accounts.at(-1)!;
    const wallets = accounts.slice(0, -1);
    const batchOf = (order: string[]): TransferInput[] =>
      order.map((w) => ({
        id: crypto.randomUUID(),
        kind: "posted",
        debitAccountId: clearing,
        creditAccountId: w,
        amount: 1,
        currency: "USD",
        code: "top_up",
      }));
    // Straight to the engine, without the shell's retry, so a deadlock would surface here.
    const results = await Promise.all(
      dbs.map((db, i) => {
        const order = i % 2 === 0 ? wallets : [...wallets].reverse();
        return db.execute(
          sql`select ledger_create_transfers(${JSON.stringify(batchOf(order))}::jsonb, ${new Date(T0).toISOString()}::timestamptz) as r`,
        );
      }),
    );
    for (const r of results) {
      expect((r.rows[0] as { r: string[] }).r.every((x) => x === "ok")).toBe(true);
    }
    const found = await lookupAccounts(database.db, wallets);
    expect(found.every((a) => a.creditsPosted === 16)).toBe(true);
  });

  it("keeps every invariant after every batch and every round of random concurrent batches", async () => {
    const dbs = await connections(8);
    let day = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(randomRun(), { minLength: 8, maxLength: 8 }), {
          minLength: 1,
          maxLength: 3,
        }),
        async (rounds) => {
          day += 1;
          const t0 = T0 - day * 86_400_000;
          const idOf = namer();
          const engine = databaseEngine(database.db);
          await engine.openAccounts(accountSpecs(world, idOf));
          const currencyOf = (name: string) =>
            (world as Record<string, { currency: "USD" | "PTS" }>)[name]?.currency ?? "USD";
          await createTransfers(
            database.db,
            FUNDING.map((s) => inputOf(s, idOf, currencyOf)),
            t0,
          );
          const accountIds = Object.keys(world).map(idOf);
          for (const round of rounds) {
            // Each of the 8 connections plays one random run's steps in order; the 8 interleave.
            const outcomes = await Promise.all(
              round.map(async (steps, c) => {
                const applied: Array<{ input: TransferInput; result: TransferResult }> = [];
                for (const step of steps.slice(1)) {
                  const at = t0 + step.atMs;
                  if ("batch" in step) {
                    const batch = step.batch.map((s) => inputOf(s, idOf, currencyOf));
                    const results = await createTransfers(dbs[c]!, batch, at);
                    for (const [i, r] of results.entries()) {
                      applied.push({ input: batch[i]!, result: r.result });
                    }
                  } else {
                    await voidExpired(dbs[c]!, at, step.voidExpired);
                  }
                  // After each batch, while the other connections' batches are still running:
                  // one statement, so one snapshot of everything committed so far.
                  const now = await ledgerInvariants(dbs[c]!, at);
                  expect(now.currencies.every((x) => x.balanced)).toBe(true);
                  expect(now.overdrawnAccounts).toBe(0);
                }
                return applied;
              }),
            );
            const { accounts, transfers } = await storedLedger(database.db, accountIds);
            expect(foldViolations(accounts, transfers)).toEqual([]);
            for (const a of accounts.values()) {
              if (a.debitsMustNotExceedCredits) {
                expect(a.debitsPending + a.debitsPosted).toBeLessThanOrEqual(a.creditsPosted);
              }
              if (a.creditsMustNotExceedDebits) {
                expect(a.creditsPending + a.creditsPosted).toBeLessThanOrEqual(a.debitsPosted);
              }
            }
            const stored = new Set(transfers.map((t) => t.id));
            for (const { input, result } of outcomes.flat()) {
              if (result === "ok" || result === "exists") expect(stored.has(input.id)).toBe(true);
            }
            const invariants = await ledgerInvariants(database.db, t0);
            expect(invariants.balanced).toBe(true);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 300_000);

  it("leaves nothing of a batch whose connection is killed in the middle of writing it", async () => {
    const [victim, blocker, operator] = await connections(3);
    const { wallet, shop } = await fundedWallet(10_000);
    const [a, b] = await ensureAccounts(database.db, [
      walletOf(crypto.randomUUID()),
      platform("provider_clearing"),
    ]);
    const batch = Array.from({ length: 200 }, () => payment(wallet, shop, 1));
    const blocked = batch.at(-1)!.id;
    const before = await lookupAccounts(database.db, [wallet, shop]);

    // Another transaction holds, uncommitted, a row with the id of the batch's last transfer (on
    // other accounts, so the batch takes its locks and decides everything): the batch then waits
    // in the middle of inserting its transfers, after it has updated its balances.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blocking = blocker!
      .transaction(async (tx) => {
        await tx.insert(ledgerTransfers).values({
          id: blocked,
          kind: "posted",
          debitAccountId: b!,
          creditAccountId: a!,
          amount: 1,
          currency: "USD",
          code: "adjustment",
          state: "posted",
          createdAt: new Date(T0),
          requestHash: "blocker",
        });
        await held;
        tx.rollback();
      })
      .catch(() => {});
    await waitFor(async () => {
      const r = await operator!.execute(
        sql`select count(*)::int as n from ledger_transfers where id = ${blocked}`,
      );
      // Invisible to others until committed, but the insert has run once the blocker's pid
      // shows the transaction idle.
      const idle = await operator!.execute(
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and state = 'idle in transaction'`,
      );
      return (r.rows[0] as { n: number }).n === 0 && (idle.rows[0] as { n: number }).n >= 1;
    });

    const running = createTransfers(victim!, batch, T0 + 5).then(
      () => "completed",
      (error: unknown) => `failed: ${String(error)}`,
    );
    const pid = await waitFor(async () => {
      const r = await operator!.execute(
        sql`select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'
              and query like '%ledger_create_transfers%'`,
      );
      return (r.rows[0] as { pid: number } | undefined)?.pid;
    });
    // Mid-write: the balances are already updated inside the victim's transaction.
    const locks = await operator!.execute(
      sql`select count(*)::int as n from pg_locks where pid = ${pid} and mode = 'RowExclusiveLock'`,
    );
    expect((locks.rows[0] as { n: number }).n).toBeGreaterThan(0);
    await operator!.execute(sql`select pg_terminate_backend(${pid}::int)`);
    expect(await running).toMatch(/^failed/);
    release();
    await blocking;

    expect(
      await lookupTransfers(
        database.db,
        batch.map((t) => t.id),
      ),
    ).toEqual([]);
    expect(await lookupAccounts(database.db, [wallet, shop])).toEqual(before);
    const invariants = await ledgerInvariants(database.db, T0);
    expect(invariants.balanced).toBe(true);

    // The same batch submitted again, on a fresh connection, applies in full.
    const [fresh] = await connections(4).then((d) => d.slice(3));
    const again = await createTransfers(fresh!, batch, T0 + 6);
    expect(again.every((o) => o.result === "ok")).toBe(true);
  }, 60_000);
});

/** Polls until `probe` answers something truthy; bounded in attempts and in time. */
async function waitFor<T>(probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (let attempt = 0; attempt < 500 && Date.now() < deadline; attempt++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("waited 10 s for a condition that never came");
}
