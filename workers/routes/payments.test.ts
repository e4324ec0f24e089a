import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, signWebhook } from "../../ledger/card-processor/signature.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { TopUp, Wallet, WebhookEvent, WebhookReceipt } from "../../schema/ledger.ts";
import { api, signUp, unique } from "../../test/edge-fixtures.ts";

/** The event the provider sends when a top-up's card was charged. */
function succeeded(intent: TopUp): WebhookEvent {
  return {
    id: `evt_test_${unique()}`,
    type: "payment_intent.succeeded",
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: intent.providerIntentId!,
        amountCents: intent.amountCents,
        currency: "USD",
        status: "succeeded",
        failureCode: null,
        metadata: { topUpId: intent.id },
      },
    },
  };
}

async function deliver(body: string, signature: string | undefined) {
  return api<WebhookReceipt | ErrorBody>("/api/payments/webhook", {
    body,
    headers: signature === undefined ? {} : { [SIGNATURE_HEADER]: signature },
  });
}

async function startedTopUp(amountCents = 1_200) {
  const customer = await signUp();
  const reply = await api<TopUp>("/api/wallet/top-ups", {
    token: customer.accessToken,
    body: { amountCents, idempotencyKey: `top-up-${unique()}` },
  });
  expect(reply.status).toBe(201);
  return { customer, intent: reply.body };
}

describe("the payment webhook", () => {
  it("credits the wallet for a signed event, and a replay changes nothing", async () => {
    const { customer, intent } = await startedTopUp(1_200);
    const body = JSON.stringify(succeeded(intent));
    const signature = await signWebhook(env.PAYMENTS_WEBHOOK_SECRET, body, Date.now());
    const first = await deliver(body, signature);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, outcome: "applied" });
    for (let i = 0; i < 2; i++) {
      const replay = await deliver(body, signature);
      expect(replay.body).toEqual({ received: true, outcome: "unchanged" });
    }
    const wallet = await api<Wallet>("/api/wallet", { token: customer.accessToken });
    expect(wallet.body.money.availableCents).toBe(1_200);
  });

  it.each([
    ["no signature", async () => undefined, "missing"],
    [
      "a signature made with another secret",
      async (body: string) =>
        signWebhook("not-the-webhook-secret-0123456789abcdef", body, Date.now()),
      "mismatch",
    ],
    [
      "a signature ten minutes old",
      async (body: string) =>
        signWebhook(env.PAYMENTS_WEBHOOK_SECRET, body, Date.now() - 10 * 60_000),
      "expired",
    ],
    [
      "a signature of another body",
      async (body: string) =>
        signWebhook(env.PAYMENTS_WEBHOOK_SECRET, body.replace("1200", "9999"), Date.now()),
      "mismatch",
    ],
    ["a garbled header", async () => "t=now,v1=abc", "malformed"],
  ])("refuses an event with %s and moves no money", async (_, sign, reason) => {
    const { customer, intent } = await startedTopUp(1_200);
    const body = JSON.stringify(succeeded(intent));
    const reply = await deliver(body, await sign(body));
    // The signature is the webhook's credential: a wrong one is an authentication failure.
    expect(reply.status).toBe(401);
    expect((reply.body as ErrorBody).error).toMatchObject({
      code: "payment.signature_invalid",
      details: { reason },
    });
    const wallet = await api<Wallet>("/api/wallet", { token: customer.accessToken });
    expect(wallet.body.money.availableCents).toBe(0);
  });

  it("refuses a validly signed body that is not an event", async () => {
    const body = JSON.stringify({ type: "charge.refunded" });
    const reply = await deliver(
      body,
      await signWebhook(env.PAYMENTS_WEBHOOK_SECRET, body, Date.now()),
    );
    expect(reply.status).toBe(400);
    expect((reply.body as ErrorBody).error.code).toBe("request.invalid");
  });
});

describe("the simulated provider's confirmation", () => {
  it("refuses a wrong client secret as if the intent did not exist", async () => {
    const { intent } = await startedTopUp();
    const reply = await api<ErrorBody>(intent.confirmUrl!, {
      body: { clientSecret: `${intent.clientSecret}x`, card: "4242424242424242" },
    });
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("payment.intent_not_found");
  });

  it("refuses to confirm twice", async () => {
    const { intent } = await startedTopUp();
    const body = { clientSecret: intent.clientSecret, card: "4242424242424242" };
    expect((await api(intent.confirmUrl!, { body })).status).toBe(200);
    const again = await api<ErrorBody>(intent.confirmUrl!, { body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("payment.intent_not_confirmable");
  });

  it("declines a card number that fails its check digit", async () => {
    const { intent } = await startedTopUp();
    const reply = await api<ErrorBody>(intent.confirmUrl!, {
      body: { clientSecret: intent.clientSecret, card: "4242424242424241" },
    });
    expect(reply.status).toBe(402);
    expect(reply.body.error.details).toMatchObject({ failureCode: "incorrect_number" });
  });

  it("refuses a malformed intent id or card", async () => {
    const bad = await api<ErrorBody>("/api/payments/simulator/intents/nope/confirm", {
      body: { clientSecret: "x", card: "4242424242424242" },
    });
    expect(bad.status).toBe(400);
    const { intent } = await startedTopUp();
    const letters = await api<ErrorBody>(intent.confirmUrl!, {
      body: { clientSecret: intent.clientSecret, card: "4242-abcd" },
    });
    expect(letters.status).toBe(400);
  });
});
