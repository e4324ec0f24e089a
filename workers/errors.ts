import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CodedError } from "../runtime/errors.ts";
import { logLine } from "../runtime/log.ts";
import { redactError } from "../runtime/redact.ts";
import {
  type ErrorBody,
  type ErrorCode,
  errorStatus,
  type FailureDetails,
} from "../schema/errors.ts";

export function errorBody(code: ErrorCode, message: string, details?: FailureDetails): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The one place an error becomes a response. Unexpected errors are logged with the trace. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof CodedError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(
      errorBody(error.code, error.message, error.details),
      errorStatus[error.code] as ContentfulStatusCode,
    );
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
  logLine("error", "unhandled error", {
    path: c.req.path,
    traceparent: c.get("traceparent" as never),
    // Never the stack's message or the query's parameters: see runtime/redact.ts.
    error: redactError(error),
  });
  return c.json(errorBody("internal", "something went wrong on our side"), 500);
}
