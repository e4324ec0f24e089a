import { describe, expect, it } from "vitest";
import { headersFile, pageHeaders, tileSource } from "./page-headers.ts";
import { DEFAULT_TILE_URL } from "./ui/tiles.ts";

describe("the apps' page headers", () => {
  it("let a page load its own scripts only, and images from its tile server", () => {
    const csp = pageHeaders(DEFAULT_TILE_URL)["Content-Security-Policy"]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("img-src 'self' data: blob: https://tile.openstreetmap.org");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("turn a template's subdomain placeholder into a wildcard", () => {
    expect(tileSource("https://{s}.tile.example.org/{z}/{x}/{y}.png")).toBe(
      "https://*.tile.example.org",
    );
    expect(() => tileSource("/tiles/{z}/{x}/{y}.png")).toThrow(/no http/);
  });

  it("are written for every path in the asset server's _headers format", () => {
    expect(headersFile({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff" })).toBe(
      "/*\n  X-Frame-Options: DENY\n  X-Content-Type-Options: nosniff\n",
    );
  });
});
