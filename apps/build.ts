import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { APPS, type AppName, mountOf } from "../vite.config.ts";

/**
 * `npm run build:apps`: builds every app into dist/apps and prints the JavaScript each one loads
 * before its first paint (its entry and the entry's static imports), gzipped. The customer app is
 * opened on phones over mobile networks, so its initial JavaScript has a budget the build enforces.
 */
export const CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX = 250_000;

const root = fileURLToPath(new URL("..", import.meta.url));

/** What the bundles are made from: a change to any of these makes `--if-changed` rebuild. */
const INPUTS = ["apps", "schema", "vite.config.ts", "package-lock.json"];
const FINGERPRINT_FILE = "dist/apps/.inputs-fingerprint";

/** A digest of the inputs' paths, sizes and modification times: cheap, and enough for a cache. */
export function inputsFingerprint(): string {
  const hash = createHash("sha256");
  const visit = (relative: string) => {
    const absolute = path.join(root, relative);
    const stat = statSync(absolute);
    if (stat.isDirectory()) {
      for (const name of readdirSync(absolute).sort()) visit(path.join(relative, name));
    } else {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(input);
  return hash.digest("hex");
}

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; css?: string[] };

/** The entry chunk and every chunk it imports statically: what the browser fetches up front. */
export function initialFiles(manifest: Record<string, ManifestChunk>): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return [...seen].map((key) => manifest[key]!.file).filter((file) => file.endsWith(".js"));
}

export async function buildApps(
  log: (line: string) => void = console.log,
): Promise<Map<AppName, number>> {
  rmSync(path.join(root, "dist/apps"), { recursive: true, force: true });
  const sizes = new Map<AppName, number>();
  for (const app of APPS) {
    await build({
      configFile: path.join(root, "vite.config.ts"),
      mode: app,
      logLevel: "warn",
    });
    const outDir = path.join(root, mountOf(app).outDir);
    const manifest = JSON.parse(
      readFileSync(path.join(outDir, ".vite/manifest.json"), "utf8"),
    ) as Record<string, ManifestChunk>;
    const bytes = initialFiles(manifest).reduce(
      (sum, file) => sum + gzipSync(readFileSync(path.join(outDir, file))).length,
      0,
    );
    sizes.set(app, bytes);
    log(`  ${app.padEnd(11)} ${(bytes / 1000).toFixed(1).padStart(6)} kB initial JS (gzip)`);
  }
  return sizes;
}

if (import.meta.main) {
  const fingerprint = inputsFingerprint();
  const fingerprintFile = path.join(root, FINGERPRINT_FILE);
  if (
    process.argv.includes("--if-changed") &&
    existsSync(fingerprintFile) &&
    readFileSync(fingerprintFile, "utf8") === fingerprint
  ) {
    console.log("The apps are up to date in dist/apps (npm run build:apps rebuilds them).");
    process.exit(0);
  }
  console.log("Building the apps into dist/apps:");
  const sizes = await buildApps();
  const customer = sizes.get("customer") ?? 0;
  if (customer > CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX) {
    console.error(
      `The customer app loads ${(customer / 1000).toFixed(1)} kB of JS up front (gzip); the budget is ${CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX / 1000} kB.`,
    );
    process.exit(1);
  }
  writeFileSync(fingerprintFile, fingerprint);
}
