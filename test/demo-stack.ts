import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDemoDatabase } from "../infra/demo/seed.ts";
import { freePort } from "../infra/local/processes.ts";
import { type Stack, type StackOptions, startStack } from "../infra/local/stack.ts";

/**
 * PBKDF2 iterations for the demo city's passwords in throwaway stacks: real hashing at 100k would
 * spend most of a test's start-up on the seed's few dozen accounts.
 */
const THROWAWAY_ITERATIONS = 1_000;

export type DemoStack = Stack & {
  stateDir: string;
  /** Every line the stack's processes printed, for a failure's message. */
  logs: string[];
};

/**
 * A throwaway local stack with the demo city, as tests run it: a fresh state dir, free ports, the
 * demo city seeded, and `stop()` that leaves nothing behind. `name` marks the state dir.
 */
export async function startDemoStack(
  name: string,
  options: Omit<StackOptions, "stateDir" | "workerPort" | "bridgePort" | "prepare" | "log"> = {},
): Promise<DemoStack> {
  const stateDir = mkdtempSync(path.join(tmpdir(), `dizhtime-${name}-`));
  const logs: string[] = [];
  let stack: Stack;
  try {
    stack = await startStack({
      ...options,
      stateDir,
      workerPort: await freePort(),
      bridgePort: await freePort(),
      prepare: (database) =>
        seedDemoDatabase(database, { iterations: THROWAWAY_ITERATIONS }).then(() => {}),
      log: (line) => logs.push(line),
    });
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw new Error(
      `the ${name} stack did not start: ${String(error)}\n${logs.slice(-40).join("\n")}`,
    );
  }
  return {
    ...stack,
    stateDir,
    logs,
    async stop() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
