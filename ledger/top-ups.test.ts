import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodedError } from "../runtime/errors.ts";
import { users } from "../schema/db/index.ts";
import type { WebhookEvent } from "../schema/ledger.ts";
import { databaseKinds, startTestDatabase, type TestDatabase } from "../test/ledger/fixtures.ts";
import type { PaymentProvider } from "./card-processor/provider.ts";
import { signWebhook } from "./card-processor/signature.ts";
import { confirmSimulatedIntent, simulatedProvider } from "./card-processor/simulator.ts";
import { accountId, walletOf } from "./chart.ts";
import { balanceOf, lookupAccounts, lookupTransfers } from "./engine.ts";
import { receiveWebhook, startTopUp, topUpTransferId } from "./top-ups.ts";

const SECRET = "payments-test-secret-0123456789abcdef0123456789";

for (const { kind, skip } of databaseKinds) {
  describe.skipIf(skip)(`card top-ups on ${kind}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await startTestDatabase(kind);
    }, 120_000);

    afterAll(async () => {
      await database?.close();
    });

    async function customer(): Promise<string> {
      const [user] = await database.db
        .insert(users)
        .values({
          email: `customer-${crypto.randomUUID()}@test.dizhtime`,
          name: "Test customer",
          role: "customer",
          passwordHash: "x",
          passwordSalt: "x",
          passwordIterations: 1,
        })
        .returning({ id: users.id });
      return user!.id;
    }

    /** The simulator, counting how often the platform asked it for an intent. */
    function countingProvider() {
      const inner = simulatedProvider(database.db);
      const calls = { createIntent: 0 };
      const provider: PaymentProvider = {
        kind: inner.kind,
        confirmUrl: inner.confirmUrl,
        createIntent: (request) => {
          calls.createIntent += 1;
          return inner.createIntent(request);
        },
      };
      return { provider, calls };
    }

    const deps = (provider: PaymentProvider) => ({
      db: database.db,
      provider,
      nowMs: Date.now(),
    });
    const webhookDeps = () => ({ db: database.db, secret: SECRET, nowMs: Date.now() });

    /** Confirms with the simulator, capturing the signed event it delivers. */
    async function confirm(providerIntentId: string, clientSecret: string, card: string) {
      const delivered: Array<{ body: string; signature: string }> = [];
      const result = await confirmSimulatedIntent(
        {
          db: database.db,
          webhookSecret: SECRET,
          nowMs: Date.now(),
          deliver: async (body, signature) => {
            delivered.push({ body, signature });
            await receiveWebhook(webhookDeps(), body, signature);
            return 200;
          },
        },
        providerIntentId,
        { clientSecret, card },
      );
      return { result, delivered };
    }

    async function available(customerId: string) {
      const [wallet] = await lookupAccounts(database.db, [accountId(walletOf(customerId))]);
      return wallet ? balanceOf(wallet).available : 0;
    }

    it("starts a top-up once per idempotency key, asking the provider once", async () => {
      const id = await customer();
      const { provider, calls } = countingProvider();
      const first = await startTopUp(deps(provider), id, {
        amountCents: 2_000,
        idempotencyKey: "k1",
      });
      const again = await startTopUp(deps(provider), id, {
        amountCents: 2_000,
        idempotencyKey: "k1",
      });
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.topUp).toEqual(first.topUp);
      expect(calls.createIntent).toBe(1);
      expect(first.topUp).toMatchObject({
        status: "requires_confirmation",
        amountCents: 2_000,
        provider: "simulated",
        transferId: null,
      });
      expect(first.topUp.clientSecret).toMatch(/^pi_sim_[0-9a-f]+_secret_[0-9a-f]+$/);
      expect(first.topUp.confirmUrl).toBe(
        `/api/payments/simulator/intents/${first.topUp.providerIntentId}/confirm`,
      );
    });

    it("refuses an idempotency key reused for another amount", async () => {
      const id = await customer();
      const { provider } = countingProvider();
      await startTopUp(deps(provider), id, { amountCents: 2_000, idempotencyKey: "k" });
      const refusal = await startTopUp(deps(provider), id, {
        amountCents: 3_000,
        idempotencyKey: "k",
      }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(CodedError);
      expect((refusal as CodedError).code).toBe("payment.idempotency_conflict");
    });

    it("credits the wallet when the signed webhook says the card was charged, once however often it arrives", async () => {
      const id = await customer();
      const { provider } = countingProvider();
      const { topUp } = await startTopUp(deps(provider), id, {
        amountCents: 2_500,
        idempotencyKey: "k",
      });
      const { result, delivered } = await confirm(
        topUp.providerIntentId!,
        topUp.clientSecret!,
        "4242424242424242",
      );
      expect(result).toMatchObject({ status: "succeeded", webhook: { status: 200 } });
      expect(await available(id)).toBe(2_500);

      const { body, signature } = delivered[0]!;
      for (let i = 0; i < 3; i++) {
        expect(await receiveWebhook(webhookDeps(), body, signature)).toEqual({
          received: true,
          outcome: "unchanged",
        });
      }
      expect(await available(id)).toBe(2_500);
      const [transfer] = await lookupTransfers(database.db, [topUpTransferId(topUp.id)]);
      expect(transfer).toMatchObject({
        code: "top_up",
        amount: 2_500,
        creditAccountId: accountId(walletOf(id)),
        metadata: { topUpId: topUp.id, providerIntentId: topUp.providerIntentId },
      });
    });

    it("credits once when the provider delivers the same event many times at once", async () => {
      const id = await customer();
      const { provider } = countingProvider();
      const { topUp } = await startTopUp(deps(provider), id, {
        amountCents: 1_000,
        idempotencyKey: "k",
      });
      const event: WebhookEvent = {
        id: "evt_concurrent",
        type: "payment_intent.succeeded",
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: topUp.providerIntentId!,
            amountCents: 1_000,
            currency: "USD",
            status: "succeeded",
            failureCode: null,
            metadata: { topUpId: topUp.id },
          },
        },
      };
      const body = JSON.stringify(event);
      const signature = await signWebhook(SECRET, body, Date.now());
      const deliveries = kind === "postgres" ? 20 : 5;
      const pools = Array.from({ length: deliveries }, () => database.open());
      try {
        const receipts = await Promise.all(
          pools.map((p) =>
            receiveWebhook({ db: p.db, secret: SECRET, nowMs: Date.now() }, body, signature),
          ),
        );
        expect(receipts.filter((r) => r.outcome === "applied")).toHaveLength(1);
        expect(receipts.filter((r) => r.outcome === "unchanged")).toHaveLength(deliveries - 1);
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
      expect(await available(id)).toBe(1_000);
    });

    it("records a declined card and moves no money, even when the event is replayed", async () => {
      const id = await customer();
      const { provider } = countingProvider();
      const { topUp } = await startTopUp(deps(provider), id, {
        amountCents: 1_500,
        idempotencyKey: "k",
      });
      const { result, delivered } = await confirm(
        topUp.providerIntentId!,
        topUp.clientSecret!,
        "4000000000000002",
      );
      expect(result).toMatchObject({ status: "failed", failureCode: "card_declined" });
      const { body, signature } = delivered[0]!;
      expect((await receiveWebhook(webhookDeps(), body, signature)).outcome).toBe("unchanged");
      expect(await available(id)).toBe(0);
      const again = await startTopUp(deps(provider), id, {
        amountCents: 1_500,
        idempotencyKey: "k",
      });
      expect(again.topUp).toMatchObject({ status: "failed", failureCode: "card_declined" });
    });

    it("refuses a second confirmation and a wrong client secret", async () => {
      const id = await customer();
      const { provider } = countingProvider();
      const { topUp } = await startTopUp(deps(provider), id, {
        amountCents: 1_500,
        idempotencyKey: "k",
      });
      const wrong = await confirm(topUp.providerIntentId!, "pi_sim_x_secret_y", "4242424242424242")
        .then(() => null)
        .catch((e: CodedError) => e.code);
      expect(wrong).toBe("payment.intent_not_found");
      await confirm(topUp.providerIntentId!, topUp.clientSecret!, "4242424242424242");
      const second = await confirm(topUp.providerIntentId!, topUp.clientSecret!, "4242424242424242")
        .then(() => null)
        .catch((e: CodedError) => e.code);
      expect(second).toBe("payment.intent_not_confirmable");
      expect(await available(id)).toBe(1_500);
    });

    it("acknowledges an event for a top-up it does not know, and changes nothing", async () => {
      const event: WebhookEvent = {
        id: "evt_foreign",
        type: "payment_intent.succeeded",
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: "pi_elsewhere",
            amountCents: 100,
            currency: "USD",
            status: "succeeded",
            failureCode: null,
            metadata: { topUpId: crypto.randomUUID() },
          },
        },
      };
      const body = JSON.stringify(event);
      const receipt = await receiveWebhook(
        webhookDeps(),
        body,
        await signWebhook(SECRET, body, Date.now()),
      );
      expect(receipt.outcome).toBe("ignored");
    });

    it("refuses a forged or stale signature before reading the event", async () => {
      const body = JSON.stringify({ anything: true });
      const forged = await signWebhook(
        "another-secret-0123456789abcdef0123456789",
        body,
        Date.now(),
      );
      const stale = await signWebhook(SECRET, body, Date.now() - 10 * 60_000);
      for (const signature of [forged, stale, undefined]) {
        const refusal = await receiveWebhook(webhookDeps(), body, signature).catch((e) => e);
        expect((refusal as CodedError).code).toBe("payment.signature_invalid");
      }
      const valid = await signWebhook(SECRET, body, Date.now());
      const invalid = await receiveWebhook(webhookDeps(), body, valid).catch((e) => e);
      expect((invalid as CodedError).code).toBe("request.invalid");
    });
  });
}
