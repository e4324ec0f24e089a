import { describe, expect, it } from "vitest";
import { describeError, redactError, redactMessage } from "./redact.ts";

const HASH = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e";
const SALT = "c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdA";

describe("what of an error reaches a log", () => {
  it("never the parameters of a failed query", () => {
    const error = new Error(
      `Failed query: insert into "users" ("email", "password_hash", "password_salt") values ($1, $2, $3)\nparams: eve@example.com,${HASH},${SALT},600000`,
    );
    const [logged] = redactError(error);
    expect(logged!.message).toBe(
      'Failed query: insert into "users" ("email", "password_hash", "password_salt") values ($1, $2, $3)',
    );
    const text = JSON.stringify(redactError(error));
    for (const secret of ["eve@example.com", HASH, SALT, "600000"])
      expect(text).not.toContain(secret);
  });

  it("never the values PostgreSQL quotes, nor anything that looks like an email, a hash or a card", () => {
    const cause = Object.assign(
      new Error(
        'duplicate key value violates unique constraint "users_email_unique" Key (email)=(eve@example.com)',
      ),
      { code: "23505" },
    );
    const error = new Error("Failed query: select 1", { cause });
    const line = describeError(error);
    expect(line).toContain("23505");
    expect(line).not.toContain("eve@example.com");
    expect(redactMessage(`card 4242 4242 4242 4242 token ${SALT}`)).toBe(
      "card [number] token [token]",
    );
  });

  it("keeps the stack's frames, never its first line (the message again)", () => {
    const error = new Error(`login failed for eve@example.com`);
    const [logged] = redactError(error);
    expect(logged!.frames!.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).not.toContain("eve@example.com");
  });
});
