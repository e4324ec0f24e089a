import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  budgetProblem,
  buildApp,
  buildEnvironment,
  CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX,
  initialFiles,
  inputsFingerprint,
} from "./build.ts";

/** A real Vite build of the customer app on two shared cores. */
const BUILD_TIMEOUT_MS = 180_000;
const TEST_TILES = "https://tiles.dizhtime.invalid/{z}/{x}/{y}.png";

const tileUrlBefore = process.env.VITE_TILE_URL;
afterEach(() => {
  if (tileUrlBefore === undefined) delete process.env.VITE_TILE_URL;
  else process.env.VITE_TILE_URL = tileUrlBefore;
});

describe("the apps' build", () => {
  it(
    "keeps the customer app's first JavaScript within its gzipped budget, by the check that can fail",
    async () => {
      // Built into a scratch folder, so the apps a running stack serves from dist/apps stay put.
      const outDir = mkdtempSync(path.join(tmpdir(), "dizhtime-build-"));
      process.env.VITE_TILE_URL = TEST_TILES;
      try {
        const bytes = await buildApp("customer", outDir);
        // Something real was measured: React alone is tens of kB gzipped.
        expect(bytes).toBeGreaterThan(20_000);
        expect(bytes).toBeLessThanOrEqual(CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX);
        expect(budgetProblem(bytes)).toBeNull();
        // The same check refuses the same bundle against a budget a byte short of it.
        expect(budgetProblem(bytes, bytes - 1)).toMatch(/loads [\d.]+ kB of JS up front/);

        // The tile template the build ran with is in the bundle (in the lazily loaded map).
        const assets = path.join(outDir, "assets");
        const bundled = readdirSync(assets)
          .filter((file) => file.endsWith(".js"))
          .some((file) => readFileSync(path.join(assets, file), "utf8").includes(TEST_TILES));
        expect(bundled).toBe(true);
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    },
    BUILD_TIMEOUT_MS,
  );

  it("rebuilds with --if-changed when the tile URL it builds with changes", () => {
    delete process.env.VITE_TILE_URL;
    const without = inputsFingerprint();
    expect(inputsFingerprint()).toBe(without);
    process.env.VITE_TILE_URL = TEST_TILES;
    expect(buildEnvironment().customer.VITE_TILE_URL).toBe(TEST_TILES);
    const withTiles = inputsFingerprint();
    expect(withTiles).not.toBe(without);
    process.env.VITE_TILE_URL = `${TEST_TILES}?v=2`;
    expect(inputsFingerprint()).not.toBe(withTiles);
  });

  it("counts the entry and what it imports statically, never the lazily loaded chunks", () => {
    const manifest = {
      "index.html": { file: "assets/index.js", isEntry: true, imports: ["_react.js"], css: [] },
      "_react.js": { file: "assets/react.js", imports: ["_scheduler.js"] },
      "_scheduler.js": { file: "assets/scheduler.js" },
      "MapView.tsx": { file: "assets/map.js", imports: ["_react.js"] },
      "style.css": { file: "assets/style.css" },
    };
    expect(initialFiles(manifest).sort()).toEqual([
      "assets/index.js",
      "assets/react.js",
      "assets/scheduler.js",
    ]);
  });
});
