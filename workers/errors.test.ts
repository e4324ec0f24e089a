import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { onError } from "./errors.ts";

afterEach(() => vi.restoreAllMocks());

describe("an unexpected error", () => {
  it("answers 500 and logs where it happened, never the failed query's parameters", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => logged.push(line));
    const app = new Hono().onError(onError);
    app.post("/signup", () => {
      throw new Error(
        'Failed query: insert into "users" ("email", "password_hash", "password_salt", "password_iterations") values ($1, $2, $3, $4)\nparams: eve@example.com,0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0,c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0,600000',
      );
    });
    const reply = await app.request("/signup", { method: "POST" });
    expect(reply.status).toBe(500);
    expect(logged).toHaveLength(1);
    const line = logged[0]!;
    expect(line).toContain("Failed query: insert into");
    for (const secret of ["eve@example.com", "0f1e2d3c4b5a", "c2FsdHNhbHRz", "600000"]) {
      expect(line).not.toContain(secret);
    }
  });
});
