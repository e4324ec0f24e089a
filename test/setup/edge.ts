import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/** Secrets for test passes only: long enough to pass the config checks, never used elsewhere. */
export const TEST_SECRETS = {
  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
  OUTBOX_SECRET: "test-outbox-secret-0123456789abcdef0123456789ab",
  PAYMENTS_WEBHOOK_SECRET: "test-payments-webhook-secret-0123456789abcdef",
} as const;

type Services = { databaseUrl: string; dbWsProxy: string; bridgeUrl: string; databaseKind: string };

declare module "vitest" {
  export interface ProvidedContext extends Services {}
}

const SERVICES_READY_TIMEOUT_MS = 60_000;

/**
 * Starts what the edge tests talk to, for real (see services.ts), and hands its addresses to the
 * workerd side, which reaches them over loopback.
 */
export async function setupEdge(
  project: TestProject,
  kind: "pglite" | "postgres",
): Promise<() => Promise<void>> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./services.ts", import.meta.url)), kind],
    {
      env: { ...process.env, OUTBOX_SECRET: TEST_SECRETS.OUTBOX_SECRET },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const services = await new Promise<Services>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("test services did not start in time")),
      SERVICES_READY_TIMEOUT_MS,
    );
    child.once("exit", (code) => reject(new Error(`test services exited with code ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as Services);
    });
  });
  for (const [key, value] of Object.entries(services))
    project.provide(key as keyof Services, value);
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}
