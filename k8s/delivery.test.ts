import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { must, run, toolsCache, toolsCached } from "./tools.ts";

/**
 * The delivery workflow (.github/workflows/delivery.yml), checked offline: actionlint (with
 * shellcheck on its scripts) finds nothing, and its shape holds what the pipeline promises: the
 * tests are .ci/run's, the image is built only after them, and deploys run only for release tags,
 * behind the protected `production` environment. Skipped without the tools here; CI fails then
 * (manifests.test.ts says so).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKFLOW = ".github/workflows/delivery.yml";
const tools = toolsCache();
const LINT_TIMEOUT_MS = 60_000;

type Job = {
  needs?: string | string[];
  if?: string;
  environment?: string;
  steps: { run?: string; uses?: string }[];
};
let workflow: { jobs: Record<string, Job> };
const needs = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());

/** Every job a job waits for, directly or through others. */
function upstream(name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (job: string) => {
    for (const before of needs(workflow.jobs[job]!)) {
      if (!seen.has(before)) {
        seen.add(before);
        visit(before);
      }
    }
  };
  visit(name);
  return seen;
}

function actionlint(file: string) {
  return run(tools.bin("actionlint"), ["-no-color", "-oneline", file], {
    timeoutMs: LINT_TIMEOUT_MS,
    cwd: root,
  });
}

describe.skipIf(!toolsCached())("the delivery workflow", () => {
  beforeAll(async () => {
    // Read as YAML by yq (the k8s tools' YAML reader), the way GitHub reads it.
    const json = await must(
      `yq ${WORKFLOW}`,
      run(tools.bin("yq"), ["-o=json", ".", WORKFLOW], { timeoutMs: LINT_TIMEOUT_MS, cwd: root }),
    );
    workflow = JSON.parse(json);
  });

  it("lints clean with actionlint", async () => {
    const result = await actionlint(WORKFLOW);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("would be refused with a job that waits for one that is not there", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dizh-workflow-"));
    try {
      const broken = path.join(dir, "broken.yml");
      writeFileSync(
        broken,
        readFileSync(path.join(root, WORKFLOW), "utf8").replace("needs: test", "needs: tests"),
      );
      const result = await actionlint(broken);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('job "image" needs job "tests" which does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("tests with .ci/run, the one description of a test run", () => {
    const scripts = workflow.jobs.test!.steps.map((step) => step.run ?? "").join("\n");
    expect(scripts).toContain("bash .ci/run");
  });

  it("builds the image only after the tests pass, and deploys only release tags behind production's protection", () => {
    expect(upstream("image")).toContain("test");
    for (const name of ["deploy-core", "deploy-edge"]) {
      const job = workflow.jobs[name]!;
      expect([...upstream(name)], name).toEqual(expect.arrayContaining(["test", "image"]));
      expect(job.environment, name).toBe("production");
      expect(job.if, name).toBe("startsWith(github.ref, 'refs/tags/v')");
    }
    // The core (and its migrations) first: the edge's new code may need both.
    expect(upstream("deploy-edge")).toContain("deploy-core");
  });
});
