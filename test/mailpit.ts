import { type ChildProcess, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnLogged, stopProcess, waitFor } from "../infra/local/processes.ts";
import { type ReceivedMail, received } from "./mailbox.ts";

/**
 * Mailpit: a real SMTP server with an HTTP API to read what it received, for the mailer's tests.
 * Built once by the machine's Go from the Go module proxy into `.cache/mailpit` (`.ci/run` does
 * it; people run `node test/mailpit.ts fetch`); tests only start the binary.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
export const MAILPIT = { module: "github.com/axllent/mailpit", version: "v1.33.1" } as const;
export const MAILPIT_BIN = path.join(root, ".cache", "mailpit", "mailpit");
const READY_TIMEOUT_MS = 20_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

export const mailpitMissing = !existsSync(MAILPIT_BIN);

export type Mailpit = {
  smtpUrl: string;
  /** Everything received, oldest first, decoded. */
  messages(): Promise<(ReceivedMail & { messageId: string })[]>;
  stop(): Promise<void>;
};

/** Starts Mailpit on the given loopback ports (its store in memory: gone when it stops). */
export async function startMailpit(ports: { smtp: number; http: number }): Promise<Mailpit> {
  const api = `http://127.0.0.1:${ports.http}`;
  const child: ChildProcess = spawnLogged(
    MAILPIT_BIN,
    [
      "--smtp",
      `127.0.0.1:${ports.smtp}`,
      "--listen",
      `127.0.0.1:${ports.http}`,
      "--disable-version-check",
    ],
    {},
    () => {},
  );
  await waitFor(`${api}/livez`, READY_TIMEOUT_MS, child);
  return {
    smtpUrl: `smtp://127.0.0.1:${ports.smtp}`,
    async messages() {
      const list = (await (await fetch(`${api}/api/v1/messages?limit=500`)).json()) as {
        messages: { ID: string; MessageID: string }[];
      };
      const full = await Promise.all(
        list.messages.map(async ({ ID }) => {
          const m = (await (await fetch(`${api}/api/v1/message/${ID}`)).json()) as {
            ID: string;
            MessageID: string;
            To: { Address: string }[];
            Subject: string;
            Text: string;
          };
          return {
            ...received(m.ID, m.To[0]?.Address ?? "", m.Subject, m.Text),
            messageId: m.MessageID,
          };
        }),
      );
      return full.reverse();
    },
    stop: () => stopProcess(child),
  };
}

/** Builds Mailpit into .cache/mailpit with the machine's Go. */
function fetchMailpit(): void {
  const go = ["go", "/usr/local/go/bin/go"].find(
    (candidate) => spawnSync(candidate, ["version"]).status === 0,
  );
  if (!go) throw new Error("Go is needed to build Mailpit (https://go.dev/dl/)");
  const result = spawnSync(go, ["install", `${MAILPIT.module}@${MAILPIT.version}`], {
    env: { ...process.env, GOBIN: path.dirname(MAILPIT_BIN), GOFLAGS: "-mod=mod" },
    stdio: "inherit",
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.status !== 0) throw new Error(`go install ${MAILPIT.module} failed`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== "fetch") {
    process.stderr.write("usage: node test/mailpit.ts fetch\n");
    process.exit(2);
  }
  if (existsSync(MAILPIT_BIN)) process.stdout.write(`mailpit: ${MAILPIT_BIN} is there already\n`);
  else fetchMailpit();
}
