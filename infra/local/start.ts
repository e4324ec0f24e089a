import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { SIM_DRIVERS_MAX } from "../demo/city.ts";
import { type SeedSummary, seedDemoDatabase } from "../demo/seed.ts";
import { startStack } from "./stack.ts";

/**
 * `npm start`: the whole platform locally, no configuration. Flags:
 *   --port 8787 --bridge-port 8788 --state-dir .dizhtime --reset (start from an empty city)
 *   --kafka (the bridge on a local Apache Kafka, as KAFKA_BROKERS=local does)
 *   --no-sim (no demo city simulator), --sim-rate <orders per minute>, --sim-drivers <n>,
 *   --sim-fast (the simulator fast-forwarded, for tests). Stacks started by tests (VITEST set)
 *   run without the simulator unless given --sim: their assertions count exact orders.
 * With DATABASE_URL set, PostgreSQL (or Neon) is used instead of the embedded PGlite; with
 * KAFKA_BROKERS set, the bridge produces to those brokers and consumes from them.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8787" },
    "bridge-port": { type: "string", default: "8788" },
    "state-dir": { type: "string", default: ".dizhtime" },
    reset: { type: "boolean", default: false },
    kafka: { type: "boolean", default: false },
    sim: { type: "boolean", default: !process.env.VITEST },
    "sim-rate": { type: "string", default: "3" },
    "sim-drivers": { type: "string", default: "12" },
    "sim-fast": { type: "boolean", default: false },
  },
  allowNegative: true,
});

const Flags = z.object({
  port: z.coerce
    .number()
    .int()
    .min(1, "--port must be a port number")
    .max(65535, "--port must be a port number"),
  "bridge-port": z.coerce.number().int().min(1, "--bridge-port must be a port number").max(65535),
  "state-dir": z.string().min(1, "--state-dir must not be empty"),
  reset: z.boolean(),
  kafka: z.boolean(),
  sim: z.boolean(),
  "sim-rate": z.coerce.number().positive("--sim-rate must be > 0 orders per minute"),
  "sim-drivers": z.coerce
    .number()
    .int()
    .min(1, "--sim-drivers must be at least 1")
    .max(SIM_DRIVERS_MAX, `--sim-drivers must be at most ${SIM_DRIVERS_MAX}`),
  "sim-fast": z.boolean(),
});
const parsed = Flags.safeParse(values);
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => i.message).join("\n"));
  process.exit(2);
}
const flags = parsed.data;
const stateDir = path.resolve(flags["state-dir"]);
if (flags.reset) rmSync(stateDir, { recursive: true, force: true });

// The Worker serves the apps from dist/apps; build them first (skipped when nothing changed).
const built = spawnSync(
  process.execPath,
  [path.resolve(import.meta.dirname, "../../apps/build.ts"), "--if-changed"],
  {
    stdio: "inherit",
  },
);
if (built.status !== 0) {
  console.error("Building the apps failed; see above.");
  process.exit(1);
}

console.log("Starting DizhTime: database, bridge, Worker and actors...");
let summary: SeedSummary | undefined;
const stack = await startStack({
  stateDir,
  workerPort: flags.port,
  bridgePort: flags["bridge-port"],
  databaseUrl: process.env.DATABASE_URL,
  kafkaBrokers: flags.kafka ? "local" : process.env.KAFKA_BROKERS,
  smtpUrl: process.env.SMTP_URL,
  prepare: async (database) => {
    summary = await seedDemoDatabase(database);
  },
});

const url = stack.workerUrl;
console.log(`
DizhTime is running (${stack.database.kind}${stack.database.kind === "pglite" ? `, data in ${stateDir}` : ""}).

  Customer app   ${url}/
  Restaurant app ${url}/restaurant/
  Courier app    ${url}/driver/
  Admin app      ${url}/admin/
  API            ${url}/api
  API docs       ${url}/api/docs
  Bridge         ${stack.bridgeUrl}/healthz (metrics on /metrics)
  Events         ${stack.kafkaBrokers ? `Kafka at ${stack.kafkaBrokers}` : "in-process bus (--kafka for Apache Kafka)"}
  Mail           ${stack.mailboxDir ? `${stack.mailboxDir} (each message an .eml file; SMTP_URL for a mail server)` : "the SMTP server in SMTP_URL"}

Demo logins (every account of a role shares its password):`);
const logins = summary?.logins ?? [];
const shown = [
  ...logins.filter((l) => l.role === "admin"),
  ...logins.filter((l) => l.role === "customer").slice(0, 2),
  ...logins.filter((l) => l.role === "driver").slice(0, 2),
  ...logins.filter((l) => l.role === "restaurant").slice(0, 2),
];
for (const login of shown) {
  console.log(
    `  ${login.role.padEnd(10)} ${login.email.padEnd(42)} ${login.password}${login.restaurant ? `  (${login.restaurant})` : ""}`,
  );
}
const counts = ["customer", "driver", "restaurant"].map(
  (role) =>
    `${logins.filter((l) => l.role === role).length} ${role === "restaurant" ? "staff" : `${role}s`}`,
);
console.log(`  ...and more: ${counts.join(", ")} in all (infra/demo/city.ts lists them).`);

// The demo city: a client of the API like any app, in its own process, so nothing it does can
// take the stack down. Its JSON-lines log goes to a file; the terminal stays readable.
let sim: ChildProcess | null = null;
if (flags.sim) {
  const simLog = path.join(stateDir, "sim.log");
  // A fresh log each start, so it never outgrows one session.
  const logFd = openSync(simLog, "w");
  sim = spawn(
    process.execPath,
    [
      path.resolve(import.meta.dirname, "../../sim/main.ts"),
      "--base-url",
      url,
      "--rate",
      String(flags["sim-rate"]),
      "--drivers",
      String(flags["sim-drivers"]),
      ...(flags["sim-fast"] ? ["--fast"] : []),
    ],
    { stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  sim.once("exit", (code, signal) => {
    if (!stopping)
      console.log(`The demo city simulator stopped (${signal ?? code}); see ${simLog}.`);
    sim = null;
  });
  console.log(
    `\nDemo city: ${flags["sim-drivers"]} simulated couriers and ${flags["sim-rate"]} orders a minute (log: ${simLog}); --no-sim turns it off.`,
  );
} else {
  console.log("\nDemo city simulator: off (--sim turns it on).");
}
console.log("\nCtrl-C stops everything.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping...");
    await stopSim();
    await stack.stop();
    process.exit(0);
  });
}

/** Asks the simulator to stop (its couriers sign off first) and waits, at most a few seconds. */
async function stopSim(): Promise<void> {
  const child = sim;
  if (!child) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
