import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "./client.ts";

/** `npm start` as a newcomer runs it, in a child process of its own, on free ports. */
export type NpmStart = {
  /** The API's origin, as `npm start` printed it. */
  baseUrl: string;
  stateDir: string;
  /** Where the stack's mail lands, as .eml files (no SMTP server is configured). */
  mailboxDir: string;
  /** Everything it printed so far, stdout and stderr, a line each. */
  output: string[];
  /** Ctrl-C, as a person would press it; resolves once everything has exited. */
  stop(): Promise<void>;
};

/**
 * Starts `npm start -- <flags>` in a fresh state dir and resolves when it says the stack is up
 * (the "Ctrl-C stops everything" line after the API URL). Fails with its output if it exits or
 * is not up within `startTimeoutMs`.
 */
export async function npmStart(flags: string[], startTimeoutMs: number): Promise<NpmStart> {
  const stateDir = mkdtempSync(path.join(tmpdir(), "dizhtime-e2e-"));
  const [port, bridgePort] = [await freePort(), await freePort()];
  const output: string[] = [];
  // The embedded defaults, as a newcomer runs it: never the test run's own PostgreSQL, which the
  // edge pass fills with restaurants of its own at the same downtown spot.
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.KAFKA_BROKERS;
  const child: ChildProcess = spawn(
    "npm",
    [
      "start",
      "--",
      ...["--state-dir", stateDir, "--port", String(port), "--bridge-port", String(bridgePort)],
      ...flags,
    ],
    {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so stopping it reaches workerd, the bridge and the sim too.
      detached: true,
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGINT");
      await exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
  };
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start did not come up:\n${output.join("\n")}`)),
        startTimeoutMs,
      );
      child.once("exit", (code) =>
        reject(new Error(`npm start exited with ${code}:\n${output.join("\n")}`)),
      );
      let api: string | undefined;
      createInterface({ input: child.stdout! }).on("line", (line) => {
        output.push(line);
        api ??= /^\s+API\s+(http\S+)\/api$/.exec(line)?.[1];
        if (api && line.includes("Ctrl-C stops everything")) {
          clearTimeout(timer);
          resolve(api);
        }
      });
    });
    return { baseUrl, stateDir, mailboxDir: path.join(stateDir, "mail"), output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
