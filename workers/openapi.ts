import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import { ErrorBody } from "../schema/errors.ts";
import { textPattern } from "../schema/text.ts";

/**
 * Describes one route for the OpenAPI document, from the same zod schemas the route validates
 * with. `ok` maps a success status to its body schema (null for no body); `errors` lists the
 * statuses the route's own logic answers with. The ones every route of its kind can answer (a
 * malformed request, a missing token, a flood) are added to the whole document by
 * `completeDocument`.
 */
export function doc(
  summary: string,
  tag: string,
  ok: Record<number, StandardSchemaV1 | null>,
  options: {
    /** false for a route anyone may call (or one with its own credential: `security`). */
    auth?: boolean;
    /** The security scheme of a route with `auth: false` that still needs a credential. */
    security?: string;
    errors?: number[];
    /** A 201 names the new object's path in Location. */
    location?: boolean;
  } = {},
) {
  const responses: NonNullable<DescribeRouteOptions["responses"]> = {};
  for (const [status, schema] of Object.entries(ok)) {
    responses[status] = schema
      ? { description: "OK", content: { "application/json": { schema: resolver(schema) } } }
      : { description: "OK, no body" };
    if (status === "201" && options.location) {
      responses[status].headers = {
        location: { description: "The new object's path", schema: { type: "string" } },
      };
    }
  }
  const errors = [...(options.auth === false ? [] : [401, 403]), ...(options.errors ?? [])];
  for (const status of errors) responses[String(status)] = errorResponse(status);
  const scheme = options.auth === false ? options.security : "bearer";
  return describeRoute({
    summary,
    tags: [tag],
    ...(scheme ? { security: [{ [scheme]: [] }] } : {}),
    responses,
  });
}

/** The parts of an OpenAPI 3.1 document this completes; the rest passes through. */
type Json = Record<string, unknown>;
type Operation = {
  parameters?: { schema?: unknown }[];
  requestBody?: { content?: unknown };
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Document = { paths?: Record<string, Partial<Record<string, Operation>>> };

const STATUS_TEXT: Record<number, string> = {
  400: "Not what this document describes (request.invalid names each field), or malformed JSON",
  401: "No token, or one that is invalid, expired or of an ended session",
  402: "The card was declined",
  403: "The token's role may not do this",
  404: "No such object, or not one this principal may see",
  409: "The object's state does not allow it now",
  413: "The body is larger than the API takes",
  415: "The body is not application/json",
  422: "Well formed, but breaks a rule of the object or between fields",
  429: "Too many requests: wait for Retry-After seconds",
};

const { $schema: _, ...ERROR_JSON } = z.toJSONSchema(ErrorBody, { io: "output" }) as Json;

function errorResponse(status: number): { description: string } & Json {
  return {
    description: STATUS_TEXT[status] ?? "Error",
    content: { "application/json": { schema: structuredClone(ERROR_JSON) } },
    ...(status === 429
      ? { headers: { "retry-after": { schema: { type: "integer", minimum: 1 } } } }
      : {}),
  };
}

/** The control-character rule every validator applies to every string (workers/validate.ts). */
const PLAIN_TEXT = textPattern(0).source;

/**
 * What the gateway answers for any operation of a kind, whatever its handler does, added to
 * every operation so the document lists every status a client can get, each with the one error
 * body: 400 for anything taking input, 413 and 415 for a body, 401 and 429 for a token (the
 * per-user limit applies before the role is checked). Strings with no pattern of their own get
 * the control-character rule the validators apply to all of them.
 */
export function completeDocument<D extends object>(document: D): D {
  for (const item of Object.values((document as Document).paths ?? {})) {
    for (const method of ["get", "put", "post", "patch", "delete"] as const) {
      const operation = item?.[method];
      if (operation) completeOperation(operation);
    }
  }
  return document;
}

function completeOperation(operation: Operation) {
  const responses = operation.responses ?? {};
  operation.responses = responses;
  const statuses = new Set<number>();
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) statuses.add(400);
  if (operation.requestBody) {
    statuses.add(413);
    statuses.add(415);
  }
  const schemes = (operation.security ?? []).flatMap((requirement) =>
    Object.keys(requirement as Json),
  );
  if (schemes.length > 0) statuses.add(401);
  if (schemes.includes("bearer")) statuses.add(429);
  for (const status of statuses) responses[String(status)] ??= errorResponse(status);
  // hono-openapi's default 400 is another library's shape; ours is the one error body.
  for (const status of Object.keys(responses)) {
    if (Number(status) >= 400) responses[status] = errorResponse(Number(status));
  }
  for (const parameter of operation.parameters ?? []) constrainStrings(parameter.schema);
  constrainStrings(operation.requestBody?.content);
}

/** Adds the control-character pattern to each string schema of a request that has none. */
function constrainStrings(node: unknown) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) constrainStrings(item);
    return;
  }
  const schema = node as Json;
  // A format the server checks with its own pattern (zod's email) is stated by the pattern alone:
  // readers' email formats differ from it at the edges, and the pattern is the rule applied.
  if (schema.format === "email" && schema.pattern !== undefined) delete schema.format;
  if (
    schema.type === "string" &&
    schema.pattern === undefined &&
    schema.enum === undefined &&
    schema.const === undefined &&
    schema.format === undefined
  ) {
    schema.pattern = PLAIN_TEXT;
  }
  for (const value of Object.values(schema)) constrainStrings(value);
}
