import { and, eq } from "drizzle-orm";
import { CodedError } from "../../runtime/errors.ts";
import { paymentSimulatorIntents } from "../../schema/db/ledger.ts";
import type {
  ProviderIntent,
  SimulatorConfirmation,
  SimulatorConfirmBody,
  WebhookEvent,
} from "../../schema/ledger.ts";
import type { Executor } from "../engine.ts";
import type { PaymentProvider } from "./provider.ts";
import { signWebhook } from "./signature.ts";

/**
 * A simulated card processor behind the PaymentProvider interface, for local runs, tests and
 * demos. It keeps its own records (payment_simulator_intents, standing in for the provider's
 * database), takes confirmations with test card numbers as Stripe's test mode does, and reports
 * the outcome with a webhook signed exactly as a real provider would sign it.
 */

/** Stripe's test cards that fail, with the decline code each produces. Any other valid card
 * number succeeds. */
export const DECLINING_CARDS: Readonly<Record<string, string>> = {
  "4000000000000002": "card_declined",
  "4000000000009995": "insufficient_funds",
  "4000000000000069": "expired_card",
};

export function simulatedProvider(db: Executor): PaymentProvider {
  return {
    kind: "simulated",
    async createIntent(request) {
      const id = `pi_sim_${randomToken(12)}`;
      await db
        .insert(paymentSimulatorIntents)
        .values({
          id,
          idempotencyKey: request.idempotencyKey,
          amountCents: request.amountCents,
          currency: request.currency,
          clientSecret: `${id}_secret_${randomToken(12)}`,
          status: "requires_confirmation",
          metadata: request.metadata,
        })
        .onConflictDoNothing({ target: paymentSimulatorIntents.idempotencyKey });
      const [row] = await db
        .select()
        .from(paymentSimulatorIntents)
        .where(eq(paymentSimulatorIntents.idempotencyKey, request.idempotencyKey));
      if (!row || row.amountCents !== request.amountCents) {
        // A real processor refuses an idempotency key reused with other parameters.
        throw new Error("simulator: idempotency key reused with a different amount");
      }
      return { ...intentOf(row), clientSecret: row.clientSecret };
    },
    confirmUrl: (providerIntentId) => `/api/payments/simulator/intents/${providerIntentId}/confirm`,
  };
}

/**
 * The customer's app confirms an intent with a card. The simulator decides (test cards decline,
 * anything else with a valid Luhn check digit succeeds), records the outcome, then signs and
 * delivers the webhook. Confirming twice is refused, as a real processor refuses it.
 */
export async function confirmSimulatedIntent(
  deps: {
    db: Executor;
    webhookSecret: string;
    nowMs: number;
    /** Sends the signed event to the platform's webhook endpoint; answers its HTTP status. */
    deliver(body: string, signature: string): Promise<number>;
  },
  providerIntentId: string,
  confirmation: SimulatorConfirmBody,
): Promise<SimulatorConfirmation> {
  const [row] = await deps.db
    .select()
    .from(paymentSimulatorIntents)
    .where(eq(paymentSimulatorIntents.id, providerIntentId));
  // A wrong client secret answers like an unknown intent: it tells a guesser nothing.
  if (!row || !sameSecret(row.clientSecret, confirmation.clientSecret)) {
    throw new CodedError("payment.intent_not_found", "no such payment intent");
  }
  if (row.status !== "requires_confirmation") {
    throw new CodedError(
      "payment.intent_not_confirmable",
      `this payment is already ${row.status}`,
      {
        status: row.status,
      },
    );
  }
  const failureCode = !luhnValid(confirmation.card)
    ? "incorrect_number"
    : (DECLINING_CARDS[confirmation.card] ?? null);
  const status = failureCode === null ? "succeeded" : "failed";
  const [updated] = await deps.db
    .update(paymentSimulatorIntents)
    .set({ status, failureCode, updatedAt: new Date(deps.nowMs) })
    .where(
      and(
        eq(paymentSimulatorIntents.id, row.id),
        eq(paymentSimulatorIntents.status, "requires_confirmation"),
      ),
    )
    .returning();
  // Two confirmations at once: one decides, the other is refused like a late one.
  if (!updated) {
    throw new CodedError("payment.intent_not_confirmable", "this payment was confirmed already");
  }
  const event: WebhookEvent = {
    id: `evt_sim_${randomToken(12)}`,
    type: status === "succeeded" ? "payment_intent.succeeded" : "payment_intent.payment_failed",
    created: Math.floor(deps.nowMs / 1000),
    data: { object: intentOf(updated) },
  };
  const body = JSON.stringify(event);
  const webhookStatus = await deps.deliver(
    body,
    await signWebhook(deps.webhookSecret, body, deps.nowMs),
  );
  return { providerIntentId: row.id, status, failureCode, webhook: { status: webhookStatus } };
}

function intentOf(row: typeof paymentSimulatorIntents.$inferSelect): ProviderIntent {
  return {
    id: row.id,
    amountCents: row.amountCents,
    currency: row.currency,
    status: row.status,
    failureCode: row.failureCode,
    metadata: row.metadata,
  };
}

/** The check digit every real card number carries (ISO/IEC 7812). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function randomToken(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}
