import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256, transferIdFor, uuidFor } from "./ids.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("deterministic ids", () => {
  it("computes SHA-256 exactly as WebCrypto does, for any input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        expect(hex(sha256(bytes))).toBe(hex(expected));
      }),
      { numRuns: 300 },
    );
  });

  it("knows the FIPS 180-4 test vectors", () => {
    const of = (s: string) => hex(sha256(new TextEncoder().encode(s)));
    expect(of("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(of("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("derives version 8 UUIDs laid out like order ids", async () => {
    expect(uuidFor("x")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(uuidFor("x")).toBe(uuidFor("x"));
    // The layout of orderIdFor (workers/placement.ts): SHA-256, first 16 bytes, v8 bits.
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode("order:c:key-1")),
    );
    digest[6] = (digest[6]! & 0x0f) | 0x80;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    expect(uuidFor("order:c:key-1").replaceAll("-", "")).toBe(hex(digest.subarray(0, 16)));
  });

  it("joins transfer id parts unambiguously", () => {
    expect(transferIdFor("ab", "c")).not.toBe(transferIdFor("a", "bc"));
    expect(transferIdFor("a|b")).not.toBe(transferIdFor("a", "b"));
    expect(transferIdFor("order", "o1", "hold")).toBe(transferIdFor("order", "o1", "hold"));
  });
});
