import { z } from "zod";

/**
 * Every error code the API, the sockets and the actors can answer with, and the HTTP status it
 * carries at the HTTP edge. Codes are stable: clients branch on them, so a code is never renamed,
 * only added.
 */
export const errorStatus = {
  "request.malformed_json": 400,
  "request.invalid": 400,
  "request.unprocessable": 422,
  "request.too_large": 413,
  "request.unsupported_media_type": 415,
  "auth.unauthenticated": 401,
  "auth.token_invalid": 401,
  "auth.token_expired": 401,
  "auth.invalid_credentials": 401,
  "auth.refresh_invalid": 401,
  "auth.forbidden": 403,
  "auth.email_taken": 409,
  "auth.email_unverified": 403,
  "auth.link_invalid": 422,
  "auth.link_expired": 422,
  "auth.ticket_invalid": 401,
  rate_limited: 429,
  not_found: 404,
  method_not_allowed: 405,
  "restaurant.not_found": 404,
  "restaurant.slug_taken": 409,
  "menu.not_found": 404,
  "menu.invalid": 422,
  "order.not_found": 404,
  "order.illegal_transition": 409,
  "order.not_cancellable": 409,
  "order.idempotency_conflict": 409,
  "order.empty": 422,
  "order.restaurant_closed": 422,
  "order.restaurant_paused": 422,
  "order.item_not_found": 422,
  "order.item_unavailable": 422,
  "order.invalid_modifiers": 422,
  "order.out_of_range": 422,
  "order.driver_mismatch": 409,
  "order.not_at_restaurant": 409,
  "order.delivery_code_wrong": 422,
  "order.delivery_code_locked": 409,
  "order.already_rated": 409,
  "user.not_found": 404,
  "offer.not_found": 404,
  "offer.expired": 409,
  "offer.taken": 409,
  "driver.offline": 409,
  "driver.busy": 409,
  "driver.not_found": 404,
  "ticket.not_found": 404,
  "socket.invalid_message": 400,
  internal: 500,
  unavailable: 503,
  "wallet.insufficient_funds": 409,
  "wallet.insufficient_points": 409,
  "order.refund_exceeds_paid": 409,
  "ledger.account_not_found": 404,
  "payment.intent_not_found": 404,
  "payment.idempotency_conflict": 409,
  "payment.intent_not_confirmable": 409,
  "payment.card_declined": 402,
  "payment.signature_invalid": 401,
  "payout.exceeds_owed": 409,
  "payout.idempotency_conflict": 409,
  // Well-formed requests the search cannot answer: 422, so 400 always means "not what the API
  // document describes".
  "search.cursor_invalid": 422,
  "search.point_required": 422,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export const ErrorCodeSchema = z.enum(errorCodes);

/**
 * Machine-readable particulars of a failure: flat values, so a failure crosses RPC, sockets and
 * HTTP unchanged (and RPC's type mapping stays finite).
 */
export const FailureDetails = z.record(
  z.string(),
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.string()),
    z.array(z.object({ path: z.string(), message: z.string() })),
  ]),
);
export type FailureDetails = z.infer<typeof FailureDetails>;

/** An expected failure, carried as a value from the pure core to the edge. */
export const Failure = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: FailureDetails.optional(),
});
export type Failure = z.infer<typeof Failure>;

/** The body of every non-2xx HTTP response. */
export const ErrorBody = z.object({ error: Failure });
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(
  code: ErrorCode,
  message: string,
  details?: FailureDetails,
): { ok: false; error: Failure } {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}
