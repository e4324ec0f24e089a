import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  type ErrorBody,
  type ErrorCode,
  errorStatus,
  type Failure,
  type FailureDetails,
} from "../schema/errors.ts";

/** An expected failure on its way out of a route, carrying its stable code. */
export class ApiError extends Error {
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

  static from(failure: Failure): ApiError {
    return new ApiError(failure.code, failure.message, failure.details);
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code] as ContentfulStatusCode;
  }
}

/** Unwraps a Result from the core, turning a refusal into its coded HTTP error. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Failure }): T {
  if (!result.ok) throw ApiError.from(result.error);
  return result.value;
}

export function errorBody(code: ErrorCode, message: string, details?: FailureDetails): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The one place an error becomes a response. Unexpected errors are logged with the trace. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(errorBody(error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    if (error.status === 400 && /malformed json/i.test(error.message)) {
      return c.json(errorBody("request.malformed_json", "the request body is not valid JSON"), 400);
    }
    if (error.status === 413) return c.json(errorBody("request.too_large", error.message), 413);
    const code: ErrorCode =
      error.status === 401
        ? "auth.unauthenticated"
        : error.status === 404
          ? "not_found"
          : "request.invalid";
    return c.json(
      errorBody(code, error.message || "bad request"),
      error.status === 401 || error.status === 404 ? error.status : 400,
    );
  }
  console.error(
    JSON.stringify({
      msg: "unhandled error",
      path: c.req.path,
      traceparent: c.get("traceparent" as never),
      error: error.stack ?? String(error),
    }),
  );
  return c.json(errorBody("internal", "something went wrong on our side"), 500);
}
