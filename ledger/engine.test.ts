import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerTransfers } from "../schema/db/ledger.ts";
import type { TransferInput } from "../schema/ledger.ts";
import {
  databaseEngine,
  databaseKinds,
  doubleSubmissionViolations,
  expectedAnswers,
  modelEngine,
  namer,
  RANDOM_RUN_SPAN_MS,
  randomRun,
  runRandomSteps,
  runScenario,
  startTestDatabase,
  storedLedger,
  T0,
  type TestDatabase,
} from "../test/ledger/fixtures.ts";
import { foldViolations } from "../test/ledger/model.ts";
import { scenarios } from "../test/ledger/scenarios.ts";
import { accountId, payableOf, platform, pointsOf, walletOf } from "./chart.ts";
import {
  balanceOf,
  createTransfers,
  ensureAccounts,
  ledgerInvariants,
  lookupAccounts,
  lookupTransfers,
  pgCode,
  statement,
  transfersOfOrder,
} from "./engine.ts";
import { transferIdFor } from "./ids.ts";

/**
 * The engine in Postgres, held to the same scenarios as the model and to the model itself on
 * random runs, on PGlite and on real PostgreSQL. Concurrency is in concurrency.test.ts.
 */
for (const { kind, skip } of databaseKinds) {
  describe.skipIf(skip)(`the ledger engine on ${kind}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await startTestDatabase(kind);
    }, 120_000);

    afterAll(async () => {
      await database?.close();
    });

    describe("scenarios", () => {
      it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_, scenario) => {
        const run = await runScenario(databaseEngine(database.db), scenario);
        expect(run.answers).toEqual(expectedAnswers(scenario));
        expect(run.balances).toMatchObject(scenario.balances ?? {});
        expect(run.states).toMatchObject(scenario.states ?? {});
        const modelRun = await runScenario(modelEngine(), scenario);
        expect(run.balances).toEqual(modelRun.balances);
        expect(run.states).toEqual(modelRun.states);
      });
    });

    it("agrees with the model on random runs: every answer, balance and transfer after every step", async () => {
      // Each run lives in its own day, earlier than the last, so the sweeper of one run never
      // reaches the holds another run left behind in this database.
      let day = 0;
      await fc.assert(
        fc.asyncProperty(randomRun(), async (steps) => {
          day += 1;
          const t0 = T0 - day * 86_400_000;
          expect(RANDOM_RUN_SPAN_MS).toBeLessThan(86_400_000);
          const idOf = namer();
          const expected = await runRandomSteps(modelEngine(), steps, t0, idOf);
          const actual = await runRandomSteps(databaseEngine(database.db), steps, t0, idOf);
          expect(actual).toEqual(expected);
        }),
        { numRuns: kind === "postgres" ? 60 : 30 },
      );
      const { accounts, transfers } = await storedLedger(database.db);
      expect(foldViolations(accounts, transfers)).toEqual([]);
      const invariants = await ledgerInvariants(database.db, T0);
      expect(invariants.balanced).toBe(true);
      expect(invariants.overdrawnAccounts).toBe(0);
    }, 240_000);

    it("takes every batch submitted twice in a row harmlessly", async () => {
      let day = 0;
      await fc.assert(
        fc.asyncProperty(randomRun(), async (steps) => {
          day += 1;
          const t0 = T0 + 400 * 86_400_000 + day * 86_400_000;
          expect(
            await doubleSubmissionViolations(databaseEngine(database.db), steps, t0, namer()),
          ).toEqual([]);
        }),
        { numRuns: 15 },
      );
    }, 240_000);

    it("answers exists for the same transfer sent alone and then in a batch, and the other way", async () => {
      const customer = crypto.randomUUID();
      const [wallet, clearing] = await ensureAccounts(database.db, [
        walletOf(customer),
        platform("provider_clearing"),
      ]);
      const topUp = (amount: number) => ({
        id: crypto.randomUUID(),
        kind: "posted" as const,
        code: "top_up" as const,
        debitAccountId: clearing!,
        creditAccountId: wallet!,
        amount,
        currency: "USD" as const,
        metadata: { source: "test" },
      });
      const alone = topUp(700);
      const inBatch = topUp(300);
      // Alone (the engine's single path), then again inside a batch (the batch path).
      expect((await createTransfers(database.db, [alone], T0)).map((o) => o.result)).toEqual([
        "ok",
      ]);
      expect(
        (await createTransfers(database.db, [inBatch, alone], T0)).map((o) => o.result),
      ).toEqual(["ok", "exists"]);
      // In a batch first, then alone; and alone with a field changed is a conflict.
      expect((await createTransfers(database.db, [inBatch], T0)).map((o) => o.result)).toEqual([
        "exists",
      ]);
      expect(
        (await createTransfers(database.db, [{ ...alone, amount: 701 }], T0)).map((o) => o.result),
      ).toEqual(["exists_with_different_fields"]);
      const [after] = await lookupAccounts(database.db, [wallet!]);
      expect(after!.creditsPosted).toBe(1_000);
    });

    describe("accounts", () => {
      it("opens chart accounts with the chart's currency and flags, once however often asked", async () => {
        const customer = crypto.randomUUID();
        const refs = [walletOf(customer), pointsOf(customer), platform("platform_revenue")];
        const ids = await ensureAccounts(database.db, refs);
        expect(ids).toEqual(refs.map(accountId));
        await Promise.all([ensureAccounts(database.db, refs), ensureAccounts(database.db, refs)]);
        const [wallet, points, revenue] = await lookupAccounts(database.db, ids);
        expect(wallet).toMatchObject({
          code: "customer_wallet",
          ownerId: customer,
          currency: "USD",
          flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false },
          debitsPosted: 0,
          creditsPosted: 0,
        });
        expect(points).toMatchObject({ code: "customer_points", currency: "PTS" });
        expect(revenue).toMatchObject({
          code: "platform_revenue",
          ownerId: null,
          flags: { debitsMustNotExceedCredits: false },
        });
      });

      it("keeps an existing account's balances when it is ensured again", async () => {
        const customer = crypto.randomUUID();
        const [wallet, clearing] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
        ]);
        const results = await createTransfers(
          database.db,
          [
            {
              id: crypto.randomUUID(),
              kind: "posted",
              debitAccountId: clearing!,
              creditAccountId: wallet!,
              amount: 2_500,
              currency: "USD",
              code: "top_up",
            },
          ],
          T0,
        );
        expect(results[0]?.result).toBe("ok");
        await ensureAccounts(database.db, [walletOf(customer)]);
        const [account] = await lookupAccounts(database.db, [wallet!]);
        expect(balanceOf(account!)).toEqual({
          currency: "USD",
          posted: 2_500,
          held: 0,
          incoming: 0,
          available: 2_500,
        });
      });

      it("answers only the accounts and transfers that exist, in the order asked", async () => {
        const customer = crypto.randomUUID();
        const [wallet] = await ensureAccounts(database.db, [walletOf(customer)]);
        const missing = crypto.randomUUID();
        expect((await lookupAccounts(database.db, [missing, wallet!])).map((a) => a.id)).toEqual([
          wallet,
        ]);
        expect(await lookupTransfers(database.db, [missing])).toEqual([]);
        expect(await lookupAccounts(database.db, [])).toEqual([]);
      });
    });

    describe("an order's money", () => {
      it("holds at placement, splits at delivery in one linked batch, and names the order on every transfer", async () => {
        const customer = crypto.randomUUID();
        const restaurant = crypto.randomUUID();
        const orderId = crypto.randomUUID();
        const [wallet, clearing, orders, payable, revenue] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
          platform("orders_clearing"),
          payableOf(restaurant),
          platform("platform_revenue"),
        ]);
        const step = (name: string) => transferIdFor("order", orderId, name);
        await createTransfers(
          database.db,
          [
            {
              id: step("top-up"),
              kind: "posted",
              debitAccountId: clearing!,
              creditAccountId: wallet!,
              amount: 5_000,
              currency: "USD",
              code: "top_up",
            },
          ],
          T0,
        );
        const placed = await createTransfers(
          database.db,
          [
            {
              id: step("hold"),
              kind: "pending",
              debitAccountId: wallet!,
              creditAccountId: orders!,
              amount: 3_000,
              currency: "USD",
              code: "order_hold",
              orderId,
              timeoutMs: 3 * 3_600_000,
            },
          ],
          T0 + 1_000,
        );
        expect(placed.map((o) => o.result)).toEqual(["ok"]);
        const delivery: TransferInput[] = [
          {
            id: step("capture"),
            kind: "post_pending",
            pendingId: step("hold"),
            code: "order_capture",
            linked: true,
          },
          {
            id: step("restaurant"),
            kind: "posted",
            debitAccountId: orders!,
            creditAccountId: payable!,
            amount: 2_400,
            currency: "USD",
            code: "restaurant_share",
            orderId,
            linked: true,
          },
          {
            id: step("platform"),
            kind: "posted",
            debitAccountId: orders!,
            creditAccountId: revenue!,
            amount: 600,
            currency: "USD",
            code: "platform_fee",
            orderId,
          },
        ];
        const delivered = await createTransfers(database.db, delivery, T0 + 60_000);
        expect(delivered.map((o) => o.result)).toEqual(["ok", "ok", "ok"]);
        const again = await createTransfers(database.db, delivery, T0 + 120_000);
        expect(again.map((o) => o.result)).toEqual(["exists", "exists", "exists"]);

        const transfers = await transfersOfOrder(database.db, orderId);
        expect(transfers.map((t) => [t.code, t.state, t.amount])).toEqual([
          ["order_hold", "posted", 3_000],
          ["order_capture", "posted", 3_000],
          ["restaurant_share", "posted", 2_400],
          ["platform_fee", "posted", 600],
        ]);
        expect(transfers[0]!.resolvedById).toBe(step("capture"));
        expect(transfers[1]!.chainId).toBe(step("capture"));
        const [w, o] = await lookupAccounts(database.db, [wallet!, orders!]);
        expect(balanceOf(w!).available).toBe(2_000);
        expect(balanceOf(o!).posted).toBe(0);
      });

      it("refuses a split larger than the hold, because orders_clearing never goes below zero", async () => {
        const customer = crypto.randomUUID();
        const orderId = crypto.randomUUID();
        const [wallet, clearing, orders, revenue] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
          platform("orders_clearing"),
          platform("platform_revenue"),
        ]);
        const step = (name: string) => transferIdFor("order", orderId, name);
        const results = await createTransfers(
          database.db,
          [
            {
              id: step("top-up"),
              kind: "posted",
              debitAccountId: clearing!,
              creditAccountId: wallet!,
              amount: 100,
              currency: "USD",
              code: "top_up",
            },
            {
              id: step("hold"),
              kind: "pending",
              debitAccountId: wallet!,
              creditAccountId: orders!,
              amount: 100,
              currency: "USD",
              code: "order_hold",
            },
            {
              id: step("capture"),
              kind: "post_pending",
              pendingId: step("hold"),
              code: "order_capture",
              linked: true,
            },
            {
              id: step("fee"),
              kind: "posted",
              debitAccountId: orders!,
              creditAccountId: revenue!,
              amount: 101,
              currency: "USD",
              code: "platform_fee",
            },
          ],
          T0,
        );
        expect(results.map((r) => r.result)).toEqual([
          "ok",
          "ok",
          "linked_event_failed",
          "exceeds_credits",
        ]);
      });
    });

    describe("statements", () => {
      it("pages an account's lines newest first, each traceable to its transfer, summing to the balance", async () => {
        const customer = crypto.randomUUID();
        const [wallet, clearing, revenue] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
          platform("platform_revenue"),
        ]);
        const batch: TransferInput[] = [];
        for (let i = 0; i < 25; i++) {
          batch.push(
            i % 3 === 2
              ? {
                  id: crypto.randomUUID(),
                  kind: "posted",
                  debitAccountId: wallet!,
                  creditAccountId: revenue!,
                  amount: 10,
                  currency: "USD",
                  code: "platform_fee",
                }
              : {
                  id: crypto.randomUUID(),
                  kind: "posted",
                  debitAccountId: clearing!,
                  creditAccountId: wallet!,
                  amount: 100 + i,
                  currency: "USD",
                  code: "top_up",
                },
          );
        }
        expect(
          (await createTransfers(database.db, batch, T0)).every((o) => o.result === "ok"),
        ).toBe(true);

        const lines = [];
        let before: number | undefined;
        const pages: number[] = [];
        for (let page = 0; page < 10; page++) {
          const result = await statement(database.db, wallet!, { before, limit: 10 });
          pages.push(result.lines.length);
          lines.push(...result.lines);
          if (result.nextBefore === null) break;
          before = result.nextBefore;
        }
        expect(pages).toEqual([10, 10, 5]);
        expect(lines.map((l) => l.transferId)).toEqual(batch.map((t) => t.id).reverse());
        const seqs = lines.map((l) => l.seq);
        expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
        expect(lines[0]).toMatchObject({
          kind: "posted",
          code: "top_up",
          counterpartyAccountId: clearing,
          amount: 124,
          state: "posted",
          at: new Date(T0).toISOString(),
        });
        expect(lines.find((l) => l.code === "platform_fee")).toMatchObject({
          amount: -10,
          counterpartyAccountId: revenue,
        });
        const [account] = await lookupAccounts(database.db, [wallet!]);
        expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(balanceOf(account!).posted);
        const stored = await lookupTransfers(
          database.db,
          lines.map((l) => l.transferId),
        );
        expect(stored).toHaveLength(25);
      });
    });

    describe("guards", () => {
      const some = (): TransferInput => ({
        id: crypto.randomUUID(),
        kind: "posted",
        debitAccountId: crypto.randomUUID(),
        creditAccountId: crypto.randomUUID(),
        amount: 1,
        currency: "USD",
        code: "adjustment",
      });

      it.each([
        ["an empty batch", () => [], /at least one/],
        ["a batch over the limit", () => Array.from({ length: 1_001 }, some), /at most 1000/],
        ["a negative amount", () => [{ ...some(), amount: -1 }], /too_small|>=0/],
        ["an id that is not a UUID", () => [{ ...some(), id: "order-7" }], /uuid/i],
        ["a timeout on a posted transfer", () => [{ ...some(), timeoutMs: 5 }], /unrecognized/i],
      ])("refuses %s before it reaches the database", async (_, batch, error) => {
        await expect(createTransfers(database.db, batch() as TransferInput[], T0)).rejects.toThrow(
          error,
        );
      });

      it("asserts in the engine too, for callers that bypass the shell", async () => {
        const batch = JSON.stringify([{ ...some(), amount: -1 }]);
        const failure = await database.db
          .execute(sql`select ledger_create_transfers(${batch}::jsonb, now())`)
          .catch((e: unknown) => e);
        expect(pgCode(failure)).toBe("P0004");
      });

      it("lets the database refuse a wallet below zero even when written around the engine", async () => {
        const [wallet] = await ensureAccounts(database.db, [walletOf(crypto.randomUUID())]);
        const failure = await database.db
          .execute(sql`update ledger_accounts set debits_posted = 1 where id = ${wallet}`)
          .catch((e: unknown) => e);
        expect(pgCode(failure)).toBe("23514");
      });

      it("lets the database refuse a second resolution of one pending transfer", async () => {
        const customer = crypto.randomUUID();
        const [wallet, clearing, orders] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
          platform("orders_clearing"),
        ]);
        const hold = crypto.randomUUID();
        await createTransfers(
          database.db,
          [
            {
              id: crypto.randomUUID(),
              kind: "posted",
              debitAccountId: clearing!,
              creditAccountId: wallet!,
              amount: 10,
              currency: "USD",
              code: "top_up",
            },
            {
              id: hold,
              kind: "pending",
              debitAccountId: wallet!,
              creditAccountId: orders!,
              amount: 10,
              currency: "USD",
              code: "order_hold",
            },
            {
              id: crypto.randomUUID(),
              kind: "void_pending",
              pendingId: hold,
              code: "order_release",
            },
          ],
          T0,
        );
        const failure = await database.db
          .insert(ledgerTransfers)
          .values({
            id: crypto.randomUUID(),
            kind: "post_pending",
            debitAccountId: wallet!,
            creditAccountId: orders!,
            amount: 10,
            currency: "USD",
            code: "order_capture",
            pendingId: hold,
            state: "posted",
            createdAt: new Date(T0),
            requestHash: "x",
          })
          .catch((e: unknown) => e);
        expect(pgCode(failure)).toBe("23505");
      });

      it("applies inside a caller's transaction, and not at all when it rolls back", async () => {
        const customer = crypto.randomUUID();
        const [wallet, clearing] = await ensureAccounts(database.db, [
          walletOf(customer),
          platform("provider_clearing"),
        ]);
        const id = crypto.randomUUID();
        const input: TransferInput = {
          id,
          kind: "posted",
          debitAccountId: clearing!,
          creditAccountId: wallet!,
          amount: 10,
          currency: "USD",
          code: "top_up",
        };
        await database.db
          .transaction(async (tx) => {
            expect((await createTransfers(tx, [input], T0))[0]?.result).toBe("ok");
            expect((await lookupTransfers(tx, [id])).length).toBe(1);
            tx.rollback();
          })
          .catch(() => {});
        expect(await lookupTransfers(database.db, [id])).toEqual([]);
        await database.db.transaction(async (tx) => {
          expect((await createTransfers(tx, [input], T0))[0]?.result).toBe("ok");
        });
        expect((await lookupTransfers(database.db, [id])).length).toBe(1);
      });
    });
  });
}
