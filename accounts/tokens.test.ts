import { describe, expect, it } from "vitest";
import { principals } from "../test/builders.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import {
  ACCESS_TOKEN_TTL_MS,
  issueAccessToken,
  issueTicket,
  SOCKET_TICKET_TTL_MS,
  verifyAccessToken,
  verifyTicket,
} from "./tokens.ts";

const secret = "unit-test-secret-0123456789abcdef0123456789";
const now = Date.parse("2026-11-21T12:00:00Z");
const order = { kind: "order" as const, id: "00000000-0000-4000-8000-000000000100" };

describe("access tokens", () => {
  it("carry the principal until they expire", async () => {
    const { token } = await issueAccessToken(principals.staff, secret, now);
    expect(await verifyAccessToken(token, secret, now + ACCESS_TOKEN_TTL_MS - 1000)).toEqual({
      ok: true,
      value: principals.staff,
    });
    const late = await verifyAccessToken(token, secret, now + ACCESS_TOKEN_TTL_MS);
    expect(!late.ok && late.error.code).toBe("auth.token_expired");
  });

  it("are refused under another secret", async () => {
    const { token } = await issueAccessToken(principals.customer, secret, now);
    const result = await verifyAccessToken(token, `${secret}x`, now);
    expect(!result.ok && result.error.code).toBe("auth.token_invalid");
  });
});

describe("socket tickets", () => {
  it("open only the target they name, for one minute, and are not access tokens", async () => {
    const { ticket } = await issueTicket(principals.customer, order, secret, now);
    expect((await verifyTicket(ticket, order, secret, now)).ok).toBe(true);
    expect(
      (
        await verifyTicket(
          ticket,
          { ...order, id: "00000000-0000-4000-8000-000000000101" },
          secret,
          now,
        )
      ).ok,
    ).toBe(false);
    expect((await verifyTicket(ticket, order, secret, now + SOCKET_TICKET_TTL_MS)).ok).toBe(false);
    expect((await verifyAccessToken(ticket, secret, now)).ok).toBe(false);
    const { token } = await issueAccessToken(principals.customer, secret, now);
    expect((await verifyTicket(token, order, secret, now)).ok).toBe(false);
  });
});

describe("passwords", () => {
  it("hash with a salt of their own and verify only the right password", async () => {
    const a = await hashPassword("correct horse battery", 1_000);
    const b = await hashPassword("correct horse battery", 1_000);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
  });

  it("use at least 100k PBKDF2 iterations by default", async () => {
    expect((await hashPassword("x".repeat(12))).iterations).toBeGreaterThanOrEqual(100_000);
  });
});
