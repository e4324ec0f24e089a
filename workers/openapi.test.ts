import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ErrorBody } from "../schema/errors.ts";
import { textPattern } from "../schema/text.ts";
import { api } from "../test/edge-fixtures.ts";
import { completeDocument } from "./openapi.ts";

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  parameters?: unknown[];
  responses: Record<string, { content?: { "application/json"?: { schema?: unknown } } }>;
};

describe("completing the API document", () => {
  const completed = () =>
    completeDocument({
      paths: {
        "/things": {
          post: {
            security: [{ bearer: [] }],
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      name: { type: "string", maxLength: 10 },
                      kind: { type: "string", enum: ["a", "b"] },
                      id: { type: "string", format: "uuid", pattern: "^[0-9a-f-]{36}$" },
                      email: { type: "string", format: "email", pattern: "^.+@.+$" },
                    },
                  },
                },
              },
            },
            responses: { "201": {}, "400": { description: "someone else's error shape" } },
          },
        },
        "/open": { get: { responses: { "200": {} } } },
      },
    }) as unknown as { paths: Record<string, Record<string, Operation>> };

  it("lists what the gateway answers for any operation of its kind", () => {
    const document = completed();
    expect(Object.keys(document.paths["/things"]!.post!.responses).sort()).toEqual(
      ["201", "400", "401", "413", "415", "429"].sort(),
    );
    expect(Object.keys(document.paths["/open"]!.get!.responses)).toEqual(["200"]);
  });

  it("gives every error the one error body", () => {
    const responses = completed().paths["/things"]!.post!.responses;
    const { $schema: _, ...errorSchema } = z.toJSONSchema(ErrorBody);
    for (const status of ["400", "401", "413", "415", "429"]) {
      expect(responses[status]!.content!["application/json"]!.schema).toEqual(errorSchema);
    }
  });

  it("states the control-character rule on plain strings, leaving enums and formats be", () => {
    const body = completed().paths["/things"]!.post!.requestBody as {
      content: { "application/json": { schema: { properties: Record<string, object> } } };
    };
    const fields = body.content["application/json"].schema.properties;
    expect(fields.name).toMatchObject({ pattern: textPattern(0).source });
    expect(fields.kind).not.toHaveProperty("pattern");
    expect(fields.id).toMatchObject({ pattern: "^[0-9a-f-]{36}$" });
    // Zod's email pattern is the rule applied; readers' email formats differ at the edges.
    expect(fields.email).not.toHaveProperty("format");
  });
});

describe("the served API document", () => {
  it("describes every error the same way and every token-guarded status", async () => {
    const reply = await api<{ paths: Record<string, Record<string, Operation>> }>("/api/docs");
    expect(reply.status).toBe(200);
    const operations = Object.values(reply.body.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(50);
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) {
          expect(response.content?.["application/json"]?.schema).toMatchObject({
            required: ["error"],
          });
        }
      }
      if (operation.security?.some((requirement) => "bearer" in requirement)) {
        expect(operation.responses).toHaveProperty("401");
        expect(operation.responses).toHaveProperty("429");
      }
      if (operation.requestBody) {
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(["400", "413", "415"]),
        );
      }
    }
  });
});
