import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { freePort } from "../local/processes.ts";

/**
 * A real Apache Kafka on one machine, for tests, benchmarks and `npm start -- --kafka`: the broker
 * jars come from Maven Central (pom.xml beside this file) into a cache, and one KRaft node, broker
 * and controller in one JVM, runs on loopback. Neither Debian nor npm ships a Kafka broker; the
 * JDK is all it needs.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const pomPath = path.join(here, "pom.xml");

/** Maven resolves and copies ~45 MB of jars; a cold cache on a slow mirror takes minutes. */
const FETCH_TIMEOUT_MS = 10 * 60_000;
/** A JVM boot plus the first metadata load: seconds normally, longer on a loaded two-core box. */
const START_TIMEOUT_MS = 60_000;
/** Formatting the store is one short JVM run. */
const FORMAT_TIMEOUT_MS = 60_000;
/** A graceful stop flushes and closes every log; past this the broker is killed. */
const STOP_TIMEOUT_MS = 30_000;
/** How often readiness is asked while the broker boots. */
const READY_POLL_MS = 250;
/**
 * The broker's heap. Kafka's own scripts default to 1 GiB; the tests' traffic is small and the
 * page cache, not the heap, holds the logs.
 */
const HEAP_MB = 512;

/** The Kafka version chosen in pom.xml: the one place it is set. */
export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pomPath, "utf8"));
  if (!match?.[1]) throw new Error(`${pomPath} has no <kafka.version>`);
  return match[1];
}

/**
 * Where the jars of this version live: `<KAFKA_CACHE_DIR or .cache/kafka>/<version>/libs`. A
 * `complete` marker is written after Maven finishes, so a half-copied cache never counts.
 */
export function kafkaCache(env: Record<string, string | undefined> = process.env) {
  const base = env.KAFKA_CACHE_DIR || path.join(root, ".cache", "kafka");
  const dir = path.join(path.resolve(base), kafkaVersion());
  return { dir, libs: path.join(dir, "libs"), marker: path.join(dir, "complete") };
}

export function kafkaJarsCached(env: Record<string, string | undefined> = process.env): boolean {
  return existsSync(kafkaCache(env).marker);
}

/**
 * Copies the broker's jars from Maven Central into the cache, unless they are there already.
 * Resolves with the libs directory. Fails (it never substitutes anything) when Maven cannot fetch
 * them, with Maven's own output in the message.
 */
export async function fetchKafka(
  options: { env?: Record<string, string | undefined>; log?: (line: string) => void } = {},
): Promise<string> {
  const cache = kafkaCache(options.env);
  if (existsSync(cache.marker)) return cache.libs;
  const log = options.log ?? (() => {});
  const staging = `${cache.libs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(cache.dir, { recursive: true });
  log(`fetching Apache Kafka ${kafkaVersion()} jars from Maven Central into ${cache.libs}`);
  const { code, output } = await run(
    "mvn",
    ["-q", "-B", "-f", pomPath, "dependency:copy-dependencies", `-DoutputDirectory=${staging}`],
    FETCH_TIMEOUT_MS,
  );
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `Maven could not fetch the Kafka jars (exit ${code}); nothing was substituted:\n${tail(output)}`,
    );
  }
  rmSync(cache.libs, { recursive: true, force: true });
  renameSync(staging, cache.libs);
  writeFileSync(cache.marker, `${new Date().toISOString()}\n`);
  return cache.libs;
}

/** What stays the same across restarts of one data dir: its ports and its cluster id. */
const BrokerState = z.object({
  port: z.number().int().min(1).max(65_535),
  controllerPort: z.number().int().min(1).max(65_535),
  clusterId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});
type BrokerState = z.infer<typeof BrokerState>;

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's own
 * `random-uuid` prints. One starting with "-" would read as a flag on a command line, so Kafka
 * never makes one; neither does this.
 */
export function clusterIdOf(bytes: Uint8Array): string | null {
  if (bytes.length !== 16) throw new Error("a cluster id is 16 bytes");
  const id = Buffer.from(bytes).toString("base64url");
  return id.startsWith("-") ? null : id;
}

function newClusterId(): string {
  for (;;) {
    const id = clusterIdOf(randomBytes(16));
    if (id) return id;
  }
}

/**
 * The broker's configuration: one node that is both broker and controller, on 127.0.0.1 only,
 * replication 1 (there is nobody to replicate to), and topics created only on purpose.
 */
export function serverProperties(options: {
  dataDir: string;
  port: number;
  controllerPort: number;
}): string {
  const entries: [string, string | number][] = [
    ["process.roles", "broker,controller"],
    ["node.id", 1],
    ["controller.quorum.voters", `1@127.0.0.1:${options.controllerPort}`],
    [
      "listeners",
      `PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    ],
    ["advertised.listeners", `PLAINTEXT://127.0.0.1:${options.port}`],
    ["controller.listener.names", "CONTROLLER"],
    ["inter.broker.listener.name", "PLAINTEXT"],
    ["listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"],
    ["log.dirs", path.join(options.dataDir, "logs")],
    // A topic that appears because someone mistyped its name hides the mistake.
    ["auto.create.topics.enable", "false"],
    ["num.partitions", 1],
    ["default.replication.factor", 1],
    ["min.insync.replicas", 1],
    ["offsets.topic.replication.factor", 1],
    ["transaction.state.log.replication.factor", 1],
    ["transaction.state.log.min.isr", 1],
    ["share.coordinator.state.topic.replication.factor", 1],
    ["share.coordinator.state.topic.min.isr", 1],
    // A handful of groups and producers: the default 50 partitions each only slow the start.
    ["offsets.topic.num.partitions", 5],
    ["transaction.state.log.num.partitions", 5],
    // Tests start consumers and expect them to run at once, not after the default 3 s wait.
    ["group.initial.rebalance.delay.ms", 0],
    // Lets tests use short sessions, so a killed member's partitions move on in seconds.
    ["group.min.session.timeout.ms", 1_000],
    // Small segments keep the disk small and make retention act at a fine grain.
    ["log.segment.bytes", 8 * 1024 * 1024],
    ["log.retention.check.interval.ms", 60_000],
    // Two cores: more threads than that only contend.
    ["num.network.threads", 2],
    ["num.io.threads", 2],
  ];
  return `${entries.map(([key, value]) => `${key}=${value}`).join("\n")}\n`;
}

export type KafkaBroker = {
  /** The bootstrap address, e.g. "127.0.0.1:39092", as KAFKA_BROKERS takes it. */
  brokers: string;
  port: number;
  dataDir: string;
  /** Where the broker's own output goes. */
  logFile: string;
  /** Stops gracefully (logs flushed and closed); kills it if that takes too long. */
  stop(): Promise<void>;
  /** Kills it outright, as a crash would. */
  kill(): Promise<void>;
};

/**
 * Starts one broker on `dataDir`, formatting the store the first time. Starting again on the same
 * directory keeps its topics and offsets, and its ports unless `port` says otherwise, so clients
 * that knew the old address find it again. Resolves once the broker answers Kafka requests.
 */
export async function startKafka(options: {
  dataDir: string;
  port?: number;
  env?: Record<string, string | undefined>;
}): Promise<KafkaBroker> {
  const libs = kafkaCache(options.env).libs;
  if (!kafkaJarsCached(options.env)) {
    throw new Error(`the Kafka jars are not cached in ${libs}: run \`npm run kafka -- fetch\``);
  }
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const propertiesPath = path.join(dataDir, "server.properties");
  const statePath = path.join(dataDir, "broker.json");
  const pidPath = path.join(dataDir, "broker.pid");
  const logFile = path.join(dataDir, "broker.log");

  await stopKafkaAt(dataDir, "SIGKILL");

  const previous = existsSync(statePath)
    ? BrokerState.parse(JSON.parse(readFileSync(statePath, "utf8")))
    : null;
  const state: BrokerState = {
    port: options.port ?? previous?.port ?? (await freePort()),
    controllerPort: previous?.controllerPort ?? (await freePort()),
    clusterId: previous?.clusterId ?? newClusterId(),
  };
  writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
  writeFileSync(propertiesPath, serverProperties({ dataDir, ...state }));

  const classpath = path.join(libs, "*");
  if (!existsSync(path.join(dataDir, "logs", "meta.properties"))) {
    const format = await run(
      java(),
      [
        "-cp",
        classpath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        state.clusterId,
        "-c",
        propertiesPath,
      ],
      FORMAT_TIMEOUT_MS,
    );
    if (format.code !== 0) {
      throw new Error(
        `formatting ${dataDir} failed (exit ${format.code}):\n${tail(format.output)}`,
      );
    }
  }

  const out = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(
      java(),
      [
        `-Xms${HEAP_MB}m`,
        `-Xmx${HEAP_MB}m`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp",
        classpath,
        "kafka.Kafka",
        propertiesPath,
      ],
      { stdio: ["ignore", out, out] },
    );
  } finally {
    closeSync(out);
  }
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  if (child.pid !== undefined) writeFileSync(pidPath, `${child.pid}\n`);

  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: NodeJS.Signals) => {
    if (!gone()) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(pidPath, { force: true });
  };

  const brokers = `127.0.0.1:${state.port}`;
  try {
    await waitUntilServing(brokers, child, spawnError);
  } catch (error) {
    await end("SIGKILL");
    throw new Error(
      `the Kafka broker did not start: ${error instanceof Error ? error.message : String(error)}\n${tail(readLog(logFile))}`,
    );
  }
  return {
    brokers,
    port: state.port,
    dataDir,
    logFile,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}

/** Polls the broker with a real Kafka request (cluster metadata) until it answers. */
async function waitUntilServing(
  brokers: string,
  child: ChildProcess,
  spawnError: Promise<Error>,
): Promise<void> {
  const kafka = new Kafka({
    clientId: "dizh-broker-probe",
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  let failure: Error | null = null;
  void spawnError.then((error) => {
    failure = error;
  });
  for (;;) {
    if (failure) throw failure;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`java exited (${child.exitCode ?? child.signalCode})`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch {
      // Not serving yet.
    } finally {
      // A probe of a broker that is not up yet may fail to close too; the next probe starts anew.
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`no answer within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

/**
 * Stops the broker that runs on `dataDir`, if one does, by the pid file it left: for a broker left
 * behind by a process that died (a crashed test run still holds the data dir's lock), or one
 * started by `npm run kafka -- start` in another terminal. The pid counts only if its command line
 * names this dir's server.properties, so a reused pid is never signalled. Resolves with whether a
 * broker was found, once it is gone.
 */
export async function stopKafkaAt(
  dataDir: string,
  signal: "SIGTERM" | "SIGKILL" = "SIGTERM",
): Promise<boolean> {
  const pidPath = path.join(path.resolve(dataDir), "broker.pid");
  const propertiesPath = path.join(path.resolve(dataDir), "server.properties");
  if (!existsSync(pidPath)) return false;
  const pid = Number(readFileSync(pidPath, "utf8").trim());
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // No such process (or no /proc): nothing of ours is running.
  }
  if (!Number.isInteger(pid) || pid <= 0 || !cmdline.includes(propertiesPath)) {
    rmSync(pidPath, { force: true });
    return false;
  }
  process.kill(pid, signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (existsSync(`/proc/${pid}`)) process.kill(pid, "SIGKILL");
  rmSync(pidPath, { force: true });
  return true;
}

function java(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Runs a command to completion, bounded in time, collecting its output. */
function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${command}: ${error.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The end of a long output, where the reason usually is. */
function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
