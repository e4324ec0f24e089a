import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import { ErrorBody } from "../schema/errors.ts";

/**
 * Describes one route for the OpenAPI document, from the same zod schemas the route validates
 * with. `ok` maps a success status to its body schema (null for no body).
 */
export function doc(
  summary: string,
  tag: string,
  ok: Record<number, StandardSchemaV1 | null>,
  options: { auth?: boolean; errors?: number[] } = {},
) {
  const responses: NonNullable<DescribeRouteOptions["responses"]> = {};
  for (const [status, schema] of Object.entries(ok)) {
    responses[status] = schema
      ? { description: "OK", content: { "application/json": { schema: resolver(schema) } } }
      : { description: "OK, no body" };
  }
  const errors = [...(options.auth === false ? [] : [401, 403]), ...(options.errors ?? [])];
  for (const status of errors) {
    responses[String(status)] = {
      description: "Error",
      content: { "application/json": { schema: resolver(ErrorBody) } },
    };
  }
  return describeRoute({
    summary,
    tags: [tag],
    ...(options.auth === false ? {} : { security: [{ bearer: [] }] }),
    responses,
  });
}
