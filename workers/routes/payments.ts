import { Hono } from "hono";
import { SIGNATURE_HEADER } from "../../ledger/card-processor/signature.ts";
import { confirmSimulatedIntent } from "../../ledger/card-processor/simulator.ts";
import { receiveWebhook } from "../../ledger/top-ups.ts";
import { CodedError } from "../../runtime/errors.ts";
import { errorStatus } from "../../schema/errors.ts";
import {
  ProviderIntentParam,
  SimulatorConfirmation,
  SimulatorConfirmBody,
  WebhookReceipt,
} from "../../schema/ledger.ts";
import type { AppEnv } from "../app-env.ts";
import { doc } from "../openapi.ts";
import { body, params } from "../validate.ts";

/**
 * The payment provider's side of the API: its webhook, and the simulated provider's confirmation
 * endpoint. Neither takes a bearer token: the webhook is authenticated by its signature, the
 * confirmation by the intent's client secret.
 */
export const paymentRoutes = new Hono<AppEnv>()
  .post(
    "/payments/webhook",
    doc(
      "The payment provider's signed events (payment succeeded / failed)",
      "payments",
      { 200: WebhookReceipt },
      { auth: false, security: "webhookSignature", errors: [400, 401] },
    ),
    async (c) => {
      // The signature covers the raw bytes, so the body is read as text, never re-serialized.
      const receipt = await receiveWebhook(
        { db: c.var.db(), secret: c.var.config.paymentsWebhookSecret, nowMs: Date.now() },
        await c.req.text(),
        c.req.header(SIGNATURE_HEADER),
      );
      return c.json(receipt);
    },
  )
  .post(
    "/payments/simulator/intents/:id/confirm",
    doc(
      "SIMULATOR ONLY: confirm a payment intent with a test card, as a provider's client library would; the simulator then sends its signed webhook",
      "payments",
      { 200: SimulatorConfirmation },
      { auth: false, errors: [400, 402, 404, 409] },
    ),
    params(ProviderIntentParam),
    body(SimulatorConfirmBody),
    async (c) => {
      if (c.var.config.paymentsProvider !== "simulated") {
        throw new CodedError("not_found", "the payment simulator is off");
      }
      const db = c.var.db();
      const secret = c.var.config.paymentsWebhookSecret;
      const result = await confirmSimulatedIntent(
        {
          db,
          webhookSecret: secret,
          nowMs: Date.now(),
          // The simulator hands its event to the same verification and handler as the webhook
          // endpoint above (a real provider would POST it there).
          deliver: async (event, signature) => {
            try {
              await receiveWebhook({ db, secret, nowMs: Date.now() }, event, signature);
              return 200;
            } catch (error) {
              if (error instanceof CodedError) return errorStatus[error.code];
              throw error;
            }
          },
        },
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      if (result.status === "failed") {
        throw new CodedError(
          "payment.card_declined",
          `the card was declined (${result.failureCode})`,
          {
            failureCode: result.failureCode,
            webhookStatus: result.webhook.status,
          },
        );
      }
      return c.json(result);
    },
  );
