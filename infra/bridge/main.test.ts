import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OutboxAck } from "../../schema/outbox.ts";
import {
  batchBody,
  deliveredOrder,
  rawEvent,
  SECRET,
  signedPost,
  waitUntil,
} from "../../test/bridge/fixtures.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";

const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Bounds every wait on the child process: starting, answering, stopping. */
const PROCESS_TIMEOUT_MS = 15_000;

/** The bridge as its own process, with what it prints collected line by line. */
function runBridge(env: Record<string, string>) {
  const child = spawn(process.execPath, [mainPath], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    out.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    out.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const lines = () =>
    out.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, out, exited, lines };
}

let database: LocalDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
});

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

afterAll(async () => {
  await database?.close();
});

describe("the bridge process", () => {
  it("refuses to start without OUTBOX_SECRET, naming it", async () => {
    const bridge = runBridge({ DATABASE_URL: database.databaseUrl, DB_WS_PROXY: database.wsProxy });
    children.push(bridge.child);

    expect(await bridge.exited).toBe(2);
    expect(bridge.out.stderr).toContain("OUTBOX_SECRET must be set");
  });

  it("applies batches, logs one JSON line per batch, and stops cleanly on SIGTERM", async () => {
    const bridge = runBridge({
      PORT: "0",
      DATABASE_URL: database.databaseUrl,
      DB_WS_PROXY: database.wsProxy,
      OUTBOX_SECRET: SECRET,
    });
    children.push(bridge.child);
    await waitUntil(
      () => bridge.lines().some((line) => line.msg === "bridge.listening"),
      PROCESS_TIMEOUT_MS,
      `the bridge to listen (stderr: ${bridge.out.stderr})`,
    );
    const url = String(bridge.lines().find((line) => line.msg === "bridge.listening")?.url);
    const events = [...deliveredOrder(), rawEvent({ type: "OrderTeleported" })];

    const response = await fetch(`${url}/v1/events`, await signedPost(batchBody(events)));

    expect(response.status).toBe(200);
    expect(OutboxAck.parse(await response.json()).accepted).toHaveLength(events.length);
    const logged = bridge.lines().filter((line) => line.msg === "bridge.batch");
    expect(logged).toEqual([
      expect.objectContaining({
        outcome: "accepted",
        source: "order:test",
        count: events.length,
        deadLettered: 1,
        durationMs: expect.any(Number),
      }),
    ]);

    bridge.child.kill("SIGTERM");
    const exitCode = await Promise.race([
      bridge.exited,
      new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), PROCESS_TIMEOUT_MS)),
    ]);
    expect(exitCode).toBe(0);
    expect(bridge.lines().map((line) => line.msg)).toContain("bridge.stopped");
  });
});
