import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIGNATURE_TOLERANCE_MS, signWebhook, verifyWebhook } from "./signature.ts";
import { luhnValid } from "./simulator.ts";

const SECRET = "payments-test-secret-0123456789abcdef0123456789";
const NOW = Date.parse("2026-11-21T12:00:00.000Z");

describe("webhook signatures", () => {
  it("verifies what was signed, for any body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 500 }), async (body) => {
        const header = await signWebhook(SECRET, body, NOW);
        expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(await verifyWebhook(SECRET, body, header, NOW)).toEqual({ valid: true });
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ["a tampered body", async () => [await signWebhook(SECRET, '{"a":1}', NOW), '{"a":2}']],
    ["another secret", async () => [await signWebhook(`${SECRET}x`, "{}", NOW), "{}"]],
  ])("refuses %s as a mismatch", async (_, make) => {
    const [header, body] = await make();
    expect(await verifyWebhook(SECRET, body!, header, NOW)).toEqual({
      valid: false,
      reason: "mismatch",
    });
  });

  it("refuses a signature from outside the tolerance, in the past or the future", async () => {
    const old = await signWebhook(SECRET, "{}", NOW - SIGNATURE_TOLERANCE_MS - 1_000);
    const future = await signWebhook(SECRET, "{}", NOW + SIGNATURE_TOLERANCE_MS + 1_000);
    const edge = await signWebhook(SECRET, "{}", NOW - SIGNATURE_TOLERANCE_MS + 1_000);
    expect(await verifyWebhook(SECRET, "{}", old, NOW)).toMatchObject({ reason: "expired" });
    expect(await verifyWebhook(SECRET, "{}", future, NOW)).toMatchObject({ reason: "expired" });
    expect(await verifyWebhook(SECRET, "{}", edge, NOW)).toEqual({ valid: true });
  });

  it.each([
    ["no header", undefined, "missing"],
    ["an empty header", "", "missing"],
    ["no timestamp", `v1=${"a".repeat(64)}`, "malformed"],
    ["no signature", "t=1795000000", "malformed"],
    ["a short signature", "t=1795000000,v1=abc", "malformed"],
    ["an oversized header", `t=1,${"v1=x,".repeat(300)}`, "malformed"],
  ])("refuses %s", async (_, header, reason) => {
    expect(await verifyWebhook(SECRET, "{}", header, NOW)).toEqual({ valid: false, reason });
  });

  it("accepts any one valid signature among several, as while a secret is rolled", async () => {
    const signed = await signWebhook(SECRET, "{}", NOW);
    const [t, v1] = signed.split(",");
    const header = `${t},v1=${"0".repeat(64)},${v1}`;
    expect(await verifyWebhook(SECRET, "{}", header, NOW)).toEqual({ valid: true });
  });
});

describe("test card numbers", () => {
  it.each([
    ["4242424242424242", true],
    ["4000000000000002", true],
    ["4242424242424241", false],
    ["1234567812345678", false],
  ])("%s passes the Luhn check: %s", (card, valid) => {
    expect(luhnValid(card)).toBe(valid);
  });
});
