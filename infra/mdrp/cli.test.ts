import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SAMPLE = path.resolve(import.meta.dirname, "../../test/data/mdrp/0o100t100s1p100");
const CLI = path.resolve(import.meta.dirname, "cli.ts");
const root = mkdtempSync(path.join(tmpdir(), "dizhtime-mdrp-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the sample with one file rewritten by `edit`. */
function broken(name: string, file: string, edit: (text: string) => string): string {
  const dir = path.join(root, name);
  cpSync(SAMPLE, dir, { recursive: true });
  const target = path.join(dir, file);
  writeFileSync(target, edit(readFileSync(target, "utf8")));
  return dir;
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, lines: result.stderr.trim().split("\n") };
}

describe("npm run mdrp, given bad input", () => {
  it.each([
    [
      "counts that disagree",
      broken("counts", "instance_characteristics.txt", (t) =>
        t.replace(/number of orders:\s*\d+/, "number of orders: 7"),
      ),
      /counts\/instance_characteristics\.txt: says 7 orders, the data has 505/,
    ],
    [
      "an unknown restaurant",
      broken("restaurant", "orders.txt", (t) => {
        const [header, first, ...rest] = t.split("\n");
        const cells = first!.split("\t");
        cells[4] = "nowhere";
        return [header, cells.join("\t"), ...rest].join("\n");
      }),
      /restaurant\/orders\.txt: \S+ names unknown restaurant nowhere/,
    ],
    [
      "a bad number",
      broken("number", "couriers.txt", (t) => {
        const [header, first, ...rest] = t.split("\n");
        const cells = first!.split("\t");
        cells[3] = "soon";
        return [header, cells.join("\t"), ...rest].join("\n");
      }),
      /number\/couriers\.txt:2: on_time/,
    ],
  ])("answers %s in one line naming the file and field, exit code 2", (_, dir, message) => {
    const result = run(dir, path.join(root, "out"));
    expect(result.status).toBe(2);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("answers a missing folder and a bad option the same way", () => {
    const missing = run(path.join(root, "absent"), path.join(root, "out"));
    expect(missing.status).toBe(2);
    expect(missing.lines).toHaveLength(1);
    expect(missing.lines[0]).toMatch(/absent.*cannot be read \(ENOENT\)/);
    const option = run(SAMPLE, path.join(root, "out"), "--rounds", "3");
    expect(option.status).toBe(2);
    expect(option.lines).toHaveLength(1);
  });
});
