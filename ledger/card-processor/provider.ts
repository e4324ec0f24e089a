import type { PaymentProviderKind, ProviderIntent } from "../../schema/ledger.ts";

/**
 * A card processor as the platform sees it, shaped like Stripe's PaymentIntents:
 *
 *   1. the server creates an intent for an amount, with its own idempotency key and metadata;
 *   2. the customer's app confirms it with the provider directly, using the intent's client
 *      secret (card details never touch our servers);
 *   3. the provider tells the server how it went with a signed webhook, and only that webhook
 *      moves money in the ledger.
 *
 * Today the only implementation is the simulator (simulator.ts); a real processor is one more
 * implementation of this interface and one more PAYMENTS_PROVIDER value.
 */
export interface PaymentProvider {
  readonly kind: PaymentProviderKind;
  /**
   * Creates the intent, or answers the one already created for this idempotency key (a retry
   * after a lost answer must not create a second charge).
   */
  createIntent(request: {
    idempotencyKey: string;
    amountCents: number;
    currency: "USD";
    metadata: { topUpId: string };
  }): Promise<ProviderIntent & { clientSecret: string }>;
  /** Where the customer's app confirms the intent, when the provider is reached through us. */
  confirmUrl(providerIntentId: string): string | null;
}
