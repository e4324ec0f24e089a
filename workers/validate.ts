import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import { uniqueSymbol, validator } from "hono-openapi";
import { CodedError } from "../runtime/errors.ts";
import { CONTROL_CHARACTER } from "../schema/text.ts";

/**
 * Validators for each part of a request. They parse with the zod schemas from schema/ (which also
 * feed the OpenAPI document) and refuse with `request.invalid` and the issues, never a bare 400.
 */
function validated<Target extends keyof ValidationTargets, Schema extends StandardSchemaV1>(
  target: Target,
  schema: Schema,
) {
  return validator(target, schema, (result) => {
    if (result.success) {
      const field = controlCharacterAt(result.data);
      if (field !== null) {
        throw new CodedError(
          "request.invalid",
          `${field || "the value"} holds a control character`,
          {
            issues: [{ path: field, message: "control characters are not allowed" }],
          },
        );
      }
    } else {
      const issues = result.error.slice(0, 20).map((issue) => ({
        path: (issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p)).join("."),
        message: issue.message,
      }));
      // Shape first: only a request the document describes is judged by the rules between its
      // fields (zod runs an object's refinements once its fields pass).
      if (result.error.every(isRule)) {
        throw new CodedError("request.unprocessable", issues[0]?.message ?? "not allowed", {
          issues,
        });
      }
      throw new CodedError(
        "request.invalid",
        `the ${target === "json" ? "body" : target} is not valid`,
        { issues },
      );
    }
  });
}

/** An issue raised by a `rule()` refinement (schema/rules.ts): well formed, but not allowed. */
function isRule(issue: StandardSchemaV1.Issue): boolean {
  const raw = issue as StandardSchemaV1.Issue & { code?: string; params?: { rule?: boolean } };
  return raw.code === "custom" && raw.params?.rule === true;
}

/**
 * The dotted path of the first string (or key) holding a control character (C0 controls but tab,
 * line feed and carriage return, and DEL; NUL would be a 500 from PostgreSQL's text), or null.
 */
export function controlCharacterAt(value: unknown, path = ""): string | null {
  if (typeof value === "string") return CONTROL_CHARACTER.test(value) ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (CONTROL_CHARACTER.test(key)) return at;
    const found = controlCharacterAt(item, at);
    if (found !== null) return found;
  }
  return null;
}

/**
 * A JSON body, required: the document marks every body required, so a request without one is
 * refused (the gateway refuses other media types before this runs; without this check, a missing
 * body would be read as {} and pass a schema whose fields are all optional).
 */
export function body<Schema extends StandardSchemaV1>(schema: Schema) {
  const validate = validated("json", schema);
  const required: MiddlewareHandler = async (c, next) => {
    if (!isJson(c.req.header("content-type"))) {
      throw new CodedError("request.invalid", "this operation takes a JSON body", {
        issues: [{ path: "", message: "send a body as application/json" }],
      });
    }
    return validate(c, next);
  };
  // The OpenAPI document is built from what the validator carries (hono-openapi's symbol).
  return Object.assign(required, {
    [uniqueSymbol]: (validate as unknown as Record<symbol, unknown>)[uniqueSymbol],
  }) as unknown as typeof validate;
}
/** Whether a Content-Type names JSON, parameters (charset) aside. */
export function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

export const query = <Schema extends StandardSchemaV1>(schema: Schema) =>
  validated("query", schema);
export const params = <Schema extends StandardSchemaV1>(schema: Schema) =>
  validated("param", schema);
