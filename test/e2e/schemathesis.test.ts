import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DRIVERS, DEMO_PASSWORDS } from "../../infra/demo/city.ts";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { LedgerInvariants } from "../../schema/ledger.ts";
import { type DemoStack, startDemoStack } from "../demo-stack.ts";
import { alwaysOpenDish, Client, DEMO_LOGINS, placeAlwaysOpenOrder } from "./client.ts";

/**
 * Schemathesis (property-based testing from the OpenAPI document) against a stack started for
 * the run, once per principal: no token, a customer, a kitchen, a courier and an admin, every
 * check, the stateful phase included. Each role gets example ids of objects it owns, so the
 * generated requests reach the core logic instead of stopping at "not found". Zero failures is
 * the bar: the document says what the API does, and the API does what the document says.
 * .ci/run installs Schemathesis from PyPI into .cache/schemathesis.
 */
const BIN = path.resolve(".cache/schemathesis/bin/schemathesis");
const missing = existsSync(BIN) ? null : `${BIN} is not installed`;
if (missing && !process.env.CI) {
  console.warn(
    `\n${"!".repeat(78)}\n! SCHEMATHESIS TESTS SKIPPED: ${missing}\n! Fix: python3 -m venv .cache/schemathesis && .cache/schemathesis/bin/pip install schemathesis==4.32.5. CI never skips.\n${"!".repeat(78)}\n`,
  );
}

/** Per operation and phase: enough to find a wrong shape, few enough for two cores. */
const MAX_EXAMPLES = 15;
const SEED = 20_261_207;
/** Tries at signing in while the login's limit says wait (each waits its Retry-After). */
const SIGN_IN_ATTEMPTS_MAX = 20;
/** One role's run on a cold two-core machine, with room to spare. */
const RUN_TIMEOUT_MS = 600_000;

let stack: DemoStack;
let workDir: string;
type Role = "anonymous" | "customer" | "restaurant" | "driver" | "admin";
/** Each role signs in just before its run: a token lives 15 minutes, the runs longer. */
const logins = new Map<Role, { email: string; password: string }>();
const examples = new Map<Role, Record<string, Record<string, string>>>();

beforeAll(async () => {
  if (missing) return;
  workDir = mkdtempSync(path.join(tmpdir(), "dizhtime-schemathesis-"));
  // Each role's whole run comes from one token: the per-user flood limit would answer most of it
  // with 429 (documented, but it hides the logic behind it).
  stack = await startDemoStack("schemathesis", {
    vars: { REQUESTS_PER_PRINCIPAL_PER_MINUTE: "1000000" },
  });
  const customer = new Client(stack.workerUrl);
  await customer.signIn("/api/auth/login", DEMO_LOGINS.customer);
  const driverLogin = { email: DEMO_DRIVERS[0]!.email, password: DEMO_PASSWORDS.driver };
  await customer.topUp(50_000);
  const dish = await alwaysOpenDish(customer);
  const { restaurant } = dish;
  const placed = await placeAlwaysOpenOrder(customer, dish, "schemathesis-example-order");
  expect(placed.status).toBe(201);
  // A user the admin's run may disable and enable without locking out the other roles' runs.
  const bystander = new Client(stack.workerUrl);
  const signedUp = await bystander.signUp(
    { email: "bystander@example.com", password: "a long enough password", name: "Bea Stander" },
    stack.mailboxDir!,
  );

  logins.set("customer", DEMO_LOGINS.customer);
  logins.set("restaurant", DEMO_LOGINS.kitchen);
  logins.set("driver", driverLogin);
  logins.set("admin", DEMO_LOGINS.admin);
  const order = placed.body.id;
  examples.set("customer", {
    "^/api/orders/\\{id\\}": { "path.id": order },
    "^/api/restaurants/\\{id\\}$": { "path.id": restaurant.id },
  });
  examples.set("restaurant", {
    "^/api/orders/\\{id\\}": { "path.id": order },
    "^/api/restaurants/\\{id\\}": { "path.id": restaurant.id },
  });
  examples.set("driver", { "^/api/orders/\\{id\\}": { "path.id": order } });
  examples.set("admin", {
    "^/api/admin/orders/\\{id\\}": { "path.id": order },
    "^/api/admin/users/\\{id\\}": { "path.id": signedUp.user.id },
    "^/api/restaurants/\\{id\\}": { "path.id": restaurant.id },
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(missing !== null && !process.env.CI)(
  "Schemathesis against the API document",
  () => {
    it.each<Role>(["anonymous", "customer", "restaurant", "driver", "admin"])(
      "finds no failure for %s",
      async (role) => {
        expect(missing, "Schemathesis must be installed in CI").toBeNull();
        const run = await schemathesis(role);
        expect(run.code, run.output.slice(-12_000)).toBe(0);
        expect(run.output).toMatch(/Stateful/);
      },
      RUN_TIMEOUT_MS,
    );

    it("leaves the books balanced after every role's run", async () => {
      const admin = await signInPatiently(DEMO_LOGINS.admin);
      const invariants = await admin.call<LedgerInvariants>("/api/admin/ledger/invariants");
      expect(invariants.status).toBe(200);
      expect(invariants.body).toMatchObject({ balanced: true, overdrawnAccounts: 0 });
    });
  },
);

/** The config file of one role's run: the checks' expectations and its example ids. */
function configFor(role: Role): string {
  const lines = [
    `seed = ${SEED}`,
    "",
    // Each run is one principal's: Schemathesis must not sign itself up as someone else.
    "[auth]",
    "auto-signup = false",
    "",
    // A request the document describes may still break a rule it states in words (422), meet a
    // declined card (402) or an object's state (409).
    "[checks.positive_data_acceptance]",
    'expected-statuses = ["2XX", 401, 402, 403, 404, 409, 422, 429]',
    "",
    "[generation]",
    `max-examples = ${MAX_EXAMPLES}`,
  ];
  for (const [pathRegex, parameters] of Object.entries(examples.get(role) ?? {})) {
    lines.push("", "[[operations]]", `include-path-regex = ${JSON.stringify(pathRegex)}`);
    lines.push(
      `parameters = { ${Object.entries(parameters)
        .map(([name, value]) => `${JSON.stringify(name)} = ${JSON.stringify(value)}`)
        .join(", ")} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Signs in as a client should when told to slow down: the runs before have hammered the login
 * from this same address, so its limit may answer 429 with Retry-After, which is waited out.
 */
async function signInPatiently(login: { email: string; password: string }): Promise<Client> {
  const client = new Client(stack.workerUrl);
  for (let attempt = 0; attempt < SIGN_IN_ATTEMPTS_MAX; attempt++) {
    const reply = await client.call<Session & ErrorBody>("/api/auth/login", { body: login });
    if (reply.status === 200) {
      client.session = reply.body;
      return client;
    }
    expect(reply.status, JSON.stringify(reply.body)).toBe(429);
    const seconds = Number(reply.body.error.details?.retryAfterSeconds ?? 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 60) * 1_000));
  }
  throw new Error(`could not sign in as ${login.email} in ${SIGN_IN_ATTEMPTS_MAX} tries`);
}

async function schemathesis(role: Role): Promise<{ code: number | null; output: string }> {
  const config = path.join(workDir, `${role}.toml`);
  writeFileSync(config, configFor(role));
  const login = logins.get(role);
  const token = login ? (await signInPatiently(login)).session!.accessToken : null;
  const args = [
    "--config-file",
    config,
    "run",
    `${stack.workerUrl}/api/docs`,
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing,stateful",
    "--no-color",
    ...(token ? ["--header", `Authorization: Bearer ${token}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], cwd: workDir });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS - 10_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
