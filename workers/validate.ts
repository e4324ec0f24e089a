import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import { CodedError } from "../runtime/errors.ts";

/**
 * Validators for each part of a request. They parse with the zod schemas from schema/ (which also
 * feed the OpenAPI document) and refuse with `request.invalid` and the issues, never a bare 400.
 */
function validated<Target extends keyof ValidationTargets, Schema extends StandardSchemaV1>(
  target: Target,
  schema: Schema,
) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      throw new CodedError(
        "request.invalid",
        `the ${target === "json" ? "body" : target} is not valid`,
        {
          issues: result.error.slice(0, 20).map((issue) => ({
            path: (issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p)).join("."),
            message: issue.message,
          })),
        },
      );
    }
  });
}

/** A JSON body (the gateway refuses other media types before this runs). */
export const body = <Schema extends StandardSchemaV1>(schema: Schema) => validated("json", schema);
export const query = <Schema extends StandardSchemaV1>(schema: Schema) =>
  validated("query", schema);
export const params = <Schema extends StandardSchemaV1>(schema: Schema) =>
  validated("param", schema);
