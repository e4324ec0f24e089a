import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The layering rules of `.dependency-cruiser.cjs` (run by `npm run lint`), applied to small
 * trees laid out like the repository, so each rule is seen to refuse the import it names.
 */

const root = path.resolve(import.meta.dirname, "..");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The violations `npm run lint` would report for a tree of these files, as "rule: from -> to". */
async function violationsOf(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "dizhtime-layers-"));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const options = await extractDepcruiseOptions(path.join(root, ".dependency-cruiser.cjs"));
  const cwd = process.cwd();
  // dependency-cruiser names modules relative to the working directory, which the rules match.
  process.chdir(dir);
  try {
    const { output } = await cruise(["."], { ...options, outputType: "json" });
    const result = (typeof output === "string" ? JSON.parse(output) : output) as ICruiseResult;
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

const exported = "export const value = 1;\n";

describe("the layering rules", () => {
  it("refuses an actor importing the gateway, naming the rule", async () => {
    expect(
      await violationsOf({
        "workers/app.ts": exported,
        "durable-objects/order/actor.ts":
          'import { value } from "../../workers/app.ts";\nexport { value };\n',
      }),
    ).toEqual(["actors-stay-below-the-gateway: durable-objects/order/actor.ts -> workers/app.ts"]);
  });

  it("refuses schema importing anything of ours, and a pure home reaching for I/O", async () => {
    const violations = await violationsOf({
      "runtime/db.ts": exported,
      "schema/orders.ts": 'import { value } from "../runtime/db.ts";\nexport { value };\n',
      "domain/eta.ts": 'import { value } from "../runtime/db.ts";\nexport { value };\n',
    });
    expect(violations.sort()).toEqual([
      "domain-is-pure: domain/eta.ts -> runtime/db.ts",
      "schema-imports-nothing-of-ours: schema/orders.ts -> runtime/db.ts",
    ]);
  });

  it("refuses production code importing test support, but lets a test import it", async () => {
    const violations = await violationsOf({
      "test/builders.ts": exported,
      "ledger/engine.ts": 'import { value } from "../test/builders.ts";\nexport { value };\n',
      "ledger/engine.test.ts": 'import { value } from "../test/builders.ts";\nexport { value };\n',
    });
    expect(violations).toEqual([
      "production-never-imports-tests: ledger/engine.ts -> test/builders.ts",
    ]);
  });

  it("refuses infra importing the simulator, and imports that run in a circle", async () => {
    const violations = await violationsOf({
      "sim/config.ts": exported,
      "infra/local/start.ts": 'import { value } from "../../sim/config.ts";\nexport { value };\n',
      "catalog/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
      "catalog/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    });
    expect(violations.sort()).toEqual([
      "infra-starts-its-peers-as-processes: infra/local/start.ts -> sim/config.ts",
      "no-circular: catalog/a.ts -> catalog/b.ts",
    ]);
  });

  it("lets each layer import the ones below it", async () => {
    expect(
      await violationsOf({
        "schema/orders.ts": exported,
        "domain/eta.ts": 'import { value } from "../schema/orders.ts";\nexport { value };\n',
        "ledger/engine.ts": 'import { value } from "../domain/eta.ts";\nexport { value };\n',
        "durable-objects/order/actor.ts":
          'import { value } from "../../ledger/engine.ts";\nexport { value };\n',
        "workers/app.ts":
          'import { value } from "../durable-objects/order/actor.ts";\nexport { value };\n',
      }),
    ).toEqual([]);
  });
});
