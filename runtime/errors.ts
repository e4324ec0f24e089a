import type { ErrorCode, Failure, FailureDetails } from "../schema/errors.ts";

/**
 * An expected failure thrown out of the shared homes (catalog, accounts, ledger) and the routes,
 * carrying its stable code. The gateway's one `onError` turns it into `{ error: { code, ... } }`
 * with the status `schema/errors.ts` gives the code; anything else thrown is a bug (500).
 */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly details: FailureDetails | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details?: FailureDetails,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  static from(failure: Failure): CodedError {
    return new CodedError(failure.code, failure.message, failure.details);
  }
}

/** Unwraps a Result from a core, throwing a refusal as its coded error. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Failure }): T {
  if (!result.ok) throw CodedError.from(result.error);
  return result.value;
}
