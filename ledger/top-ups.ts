import { and, eq, ne } from "drizzle-orm";
import { CodedError } from "../runtime/errors.ts";
import { paymentIntents } from "../schema/db/ledger.ts";
import {
  type TopUp,
  type TopUpBody,
  type WebhookEvent,
  WebhookEvent as WebhookEventSchema,
  type WebhookReceipt,
} from "../schema/ledger.ts";
import type { PaymentProvider } from "./card-processor/provider.ts";
import { verifyWebhook } from "./card-processor/signature.ts";
import { platform, walletOf } from "./chart.ts";
import { createTransfers, type Executor, ensureAccounts } from "./engine.ts";
import { transferIdFor, uuidFor } from "./ids.ts";

/**
 * Wallet top-ups by card: create an intent, let the customer confirm it with the provider, and
 * credit the wallet when (and only when) the provider's signed webhook says the money came in.
 * The wallet's credit is a ledger transfer whose id is derived from the top-up's id, so however
 * often the provider delivers the event, the wallet is credited once.
 */

/** The top-up's id: the same customer and idempotency key always name the same top-up. */
export function topUpIdFor(customerId: string, idempotencyKey: string): string {
  return uuidFor(`top-up:${customerId.toLowerCase()}:${idempotencyKey}`);
}

/** The ledger transfer that credits the wallet for a top-up. */
export function topUpTransferId(topUpId: string): string {
  return transferIdFor("top-up", topUpId);
}

/**
 * Starts a top-up, or answers the one this idempotency key started. Our record is saved before
 * the provider is asked (TigerBeetle's reliable submission): a crash in between leaves a
 * `created` row that the retry completes, never a charge we do not know about.
 */
export async function startTopUp(
  deps: { db: Executor; provider: PaymentProvider; nowMs: number },
  customerId: string,
  body: TopUpBody,
): Promise<{ topUp: TopUp; created: boolean }> {
  const id = topUpIdFor(customerId, body.idempotencyKey);
  const inserted = await deps.db
    .insert(paymentIntents)
    .values({
      id,
      customerId,
      amountCents: body.amountCents,
      currency: "USD",
      idempotencyKey: body.idempotencyKey,
      provider: deps.provider.kind,
      status: "created",
      createdAt: new Date(deps.nowMs),
      updatedAt: new Date(deps.nowMs),
    })
    .onConflictDoNothing({ target: paymentIntents.id })
    .returning({ id: paymentIntents.id });
  let [row] = await deps.db.select().from(paymentIntents).where(eq(paymentIntents.id, id));
  if (!row) throw new Error("payments: a top-up vanished after it was saved");
  if (row.amountCents !== body.amountCents) {
    throw new CodedError(
      "payment.idempotency_conflict",
      "this idempotency key started a top-up of another amount",
      { amountCents: row.amountCents },
    );
  }
  if (row.status === "created") {
    const intent = await deps.provider.createIntent({
      idempotencyKey: id,
      amountCents: body.amountCents,
      currency: "USD",
      metadata: { topUpId: id },
    });
    const [updated] = await deps.db
      .update(paymentIntents)
      .set({
        providerIntentId: intent.id,
        clientSecret: intent.clientSecret,
        status: "requires_confirmation",
        updatedAt: new Date(deps.nowMs),
      })
      .where(and(eq(paymentIntents.id, id), eq(paymentIntents.status, "created")))
      .returning();
    // A concurrent retry may have completed it first: read what it wrote.
    [row] = updated
      ? [updated]
      : await deps.db.select().from(paymentIntents).where(eq(paymentIntents.id, id));
  }
  return { topUp: topUpView(row!, deps.provider), created: inserted.length === 1 };
}

/** A top-up of this customer, or null (another customer's is as good as missing). */
export async function findTopUp(
  db: Executor,
  provider: PaymentProvider,
  customerId: string,
  id: string,
): Promise<TopUp | null> {
  const [row] = await db
    .select()
    .from(paymentIntents)
    .where(and(eq(paymentIntents.id, id), eq(paymentIntents.customerId, customerId)));
  return row ? topUpView(row, provider) : null;
}

/**
 * The webhook endpoint's work: verify the signature over the raw body, parse the event, apply it.
 * Answers what the event changed. Refusals are coded errors; the provider retries on anything
 * but 2xx, which is safe since applying an event twice changes nothing.
 */
export async function receiveWebhook(
  deps: { db: Executor; secret: string; nowMs: number },
  rawBody: string,
  signature: string | null | undefined,
): Promise<WebhookReceipt> {
  const check = await verifyWebhook(deps.secret, rawBody, signature, deps.nowMs);
  if (!check.valid) {
    throw new CodedError("payment.signature_invalid", `the webhook signature is ${check.reason}`, {
      reason: check.reason,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new CodedError("request.malformed_json", "the event is not valid JSON");
  }
  const parsed = WebhookEventSchema.safeParse(json);
  if (!parsed.success) {
    throw new CodedError("request.invalid", "the event is not a payment event we know", {
      issues: parsed.error.issues.slice(0, 20).map((i) => ({
        path: i.path.join("."),
        message: i.message,
      })),
    });
  }
  return { received: true, outcome: await applyPaymentEvent(deps.db, parsed.data, deps.nowMs) };
}

/**
 * Applies a verified event to our records and the ledger. A success credits the wallet from
 * provider_clearing (money in), once: the transfer's id is derived from the top-up's.
 */
export async function applyPaymentEvent(
  db: Executor,
  event: WebhookEvent,
  nowMs: number,
): Promise<WebhookReceipt["outcome"]> {
  const intent = event.data.object;
  const [row] = await db
    .select()
    .from(paymentIntents)
    .where(eq(paymentIntents.id, intent.metadata.topUpId));
  // Not ours (another environment sharing the provider account): acknowledge and move on, or
  // the provider would retry it for days.
  if (!row) return "ignored";
  // The event is signed, so a disagreement is a bug on one side, not an attack: stop loudly
  // rather than credit an amount nobody asked for.
  assert(row.providerIntentId === null || row.providerIntentId === intent.id, "intent ids agree");
  assert(row.amountCents === intent.amountCents, "the provider's amount is the top-up's");
  assert(row.currency === intent.currency, "the provider's currency is the top-up's");

  if (event.type === "payment_intent.payment_failed") {
    const failed = await db
      .update(paymentIntents)
      .set({ status: "failed", failureCode: intent.failureCode, updatedAt: new Date(nowMs) })
      .where(
        and(
          eq(paymentIntents.id, row.id),
          ne(paymentIntents.status, "failed"),
          ne(paymentIntents.status, "succeeded"),
        ),
      )
      .returning({ id: paymentIntents.id });
    return failed.length === 1 ? "applied" : "unchanged";
  }

  const [wallet, clearing] = await ensureAccounts(db, [
    walletOf(row.customerId),
    platform("provider_clearing"),
  ]);
  const transferId = topUpTransferId(row.id);
  const [outcome] = await createTransfers(
    db,
    [
      {
        id: transferId,
        kind: "posted",
        debitAccountId: clearing!,
        creditAccountId: wallet!,
        amount: row.amountCents,
        currency: "USD",
        code: "top_up",
        metadata: { topUpId: row.id, providerIntentId: intent.id },
      },
    ],
    nowMs,
  );
  assert(
    outcome?.result === "ok" || outcome?.result === "exists",
    `crediting a top-up answered ${outcome?.result}`,
  );
  await db
    .update(paymentIntents)
    .set({
      status: "succeeded",
      failureCode: null,
      transferId,
      providerIntentId: intent.id,
      updatedAt: new Date(nowMs),
    })
    .where(and(eq(paymentIntents.id, row.id), ne(paymentIntents.status, "succeeded")));
  return outcome.result === "ok" ? "applied" : "unchanged";
}

function topUpView(row: typeof paymentIntents.$inferSelect, provider: PaymentProvider): TopUp {
  return {
    id: row.id,
    amountCents: row.amountCents,
    currency: "USD",
    status: row.status,
    provider: row.provider,
    providerIntentId: row.providerIntentId,
    clientSecret: row.status === "requires_confirmation" ? row.clientSecret : null,
    confirmUrl:
      row.status === "requires_confirmation" && row.providerIntentId
        ? provider.confirmUrl(row.providerIntentId)
        : null,
    transferId: row.transferId,
    failureCode: row.failureCode,
    createdAt: row.createdAt.toISOString(),
  };
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`payments: ${message}`);
}
