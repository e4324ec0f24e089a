import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, loadEnv } from "vite";
import { APPS, type AppName, mountOf } from "../vite.config.ts";
import { headersFile, pageHeaders } from "./page-headers.ts";
import { DEFAULT_TILE_URL } from "./ui/tiles.ts";

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
/** The environment variables Vite compiles into the bundles (vite.config.ts's envPrefix). */
const ENV_PREFIX = "VITE_";

/**
 * The environment each app is built with, as Vite reads it: the `VITE_` variables of the process
 * and of the `.env` files for the app's mode (e.g. VITE_TILE_URL, the map's tile server). They are
 * compiled into the bundles, so they are inputs as much as the source is.
 */
export function buildEnvironment(): Record<AppName, Record<string, string>> {
  return Object.fromEntries(APPS.map((app) => [app, loadEnv(app, root, ENV_PREFIX)])) as Record<
    AppName,
    Record<string, string>
  >;
}

/**
 * A digest of the inputs' paths, sizes and modification times (cheap, and enough for a cache) and
 * of the environment the apps are built with.
 */
export function inputsFingerprint(): string {
  const hash = createHash("sha256");
  const environment = buildEnvironment();
  for (const app of APPS) {
    for (const [name, value] of Object.entries(environment[app]).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      hash.update(`env\0${app}\0${name}\0${value}\n`);
    }
  }
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

/** The gzipped size of the JavaScript a built app loads up front, from its Vite manifest. */
export function initialJsGzipBytes(outDir: string): number {
  const manifest = JSON.parse(
    readFileSync(path.join(outDir, ".vite/manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  return initialFiles(manifest).reduce(
    (sum, file) => sum + gzipSync(readFileSync(path.join(outDir, file))).length,
    0,
  );
}

/** Why the customer app's initial JavaScript is over its budget, or null when it fits. */
export function budgetProblem(
  bytes: number,
  maxBytes: number = CUSTOMER_INITIAL_JS_GZIP_BYTES_MAX,
): string | null {
  if (bytes <= maxBytes) return null;
  return `The customer app loads ${(bytes / 1000).toFixed(1)} kB of JS up front (gzip); the budget is ${maxBytes / 1000} kB.`;
}

/**
 * Builds one app into its folder under dist/apps, or into `outDir` (a test's scratch folder, so
 * a build there leaves the served apps alone); answers its initial JavaScript, gzipped.
 */
export async function buildApp(app: AppName, outDir?: string): Promise<number> {
  const out = outDir ?? path.join(root, mountOf(app).outDir);
  await build({
    configFile: path.join(root, "vite.config.ts"),
    mode: app,
    logLevel: "warn",
    ...(outDir ? { build: { outDir } } : {}),
  });
  return initialJsGzipBytes(out);
}

/** The tile template the apps are built with (they share one; the customer app's is read). */
function tileUrl(): string {
  const environment = buildEnvironment();
  const tiles = new Set(APPS.map((app) => environment[app].VITE_TILE_URL || DEFAULT_TILE_URL));
  if (tiles.size > 1)
    throw new Error(`the apps are built with different tile servers: ${[...tiles]}`);
  return [...tiles][0]!;
}

export async function buildApps(
  log: (line: string) => void = console.log,
): Promise<Map<AppName, number>> {
  rmSync(path.join(root, "dist/apps"), { recursive: true, force: true });
  const sizes = new Map<AppName, number>();
  for (const app of APPS) {
    const bytes = await buildApp(app);
    sizes.set(app, bytes);
    log(`  ${app.padEnd(11)} ${(bytes / 1000).toFixed(1).padStart(6)} kB initial JS (gzip)`);
  }
  writeFileSync(path.join(root, "dist/apps/_headers"), headersFile(pageHeaders(tileUrl())));
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
  const problem = budgetProblem(sizes.get("customer") ?? 0);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  writeFileSync(fingerprintFile, fingerprint);
}
