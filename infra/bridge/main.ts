import pino from "pino";
import { describeError } from "../../runtime/redact.ts";
import { readBridgeConfig } from "./config.ts";
import { bridgeLogger, lineLogger } from "./logger.ts";
import { startBridge } from "./server.ts";

/**
 * The bridge as a process: `node infra/bridge/main.ts`, configured by environment (PORT, HOST,
 * DATABASE_URL, DB_WS_PROXY, OUTBOX_SECRET; for Kafka KAFKA_BROKERS and the optional
 * KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID, KAFKA_SESSION_TIMEOUT_MS, BRIDGE_MODE; for mail SMTP_URL or
 * MAILBOX_DIR, and MAIL_FROM). Logs are pino's JSON lines (logger.ts)
 * on stdout: one per batch received, one per batch a consumer applied, each with the trace ids of
 * its events, and the Kafka client's warnings.
 */

/** A shutdown that takes longer than this is cut short; Kubernetes' own grace period is 30 s. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

// Written synchronously: the process exits right after its last line (stop(), below).
const log = lineLogger(bridgeLogger(pino.destination({ dest: 1, sync: true })));

const read = readBridgeConfig(process.env);
if (!read.ok) {
  process.stderr.write(`bridge: invalid configuration: ${read.errors.join("; ")}\n`);
  process.exit(2);
}
const { config } = read;

const bridge = await startBridge({
  port: config.port,
  hostname: config.hostname,
  databaseUrl: config.databaseUrl,
  wsProxy: config.wsProxy,
  secret: config.secret,
  kafka: config.kafka,
  mail: config.mail,
  onBatch: (entry) => log({ msg: "bridge.batch", ...entry }),
  log,
}).catch((error: unknown) => {
  process.stderr.write(`bridge: could not start: ${describeError(error)}\n`);
  process.exit(1);
});
log({
  msg: "bridge.listening",
  url: bridge.url,
  port: bridge.port,
  bus: config.kafka ? "kafka" : "in-process",
  ...(config.kafka ? { brokers: config.kafka.brokers, mode: config.kafka.mode } : {}),
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log({ msg: "bridge.stopping", signal });
  const timer = setTimeout(() => {
    log({ msg: "bridge.stop_timeout", timeoutMs: SHUTDOWN_TIMEOUT_MS });
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  let code = 0;
  try {
    await bridge.close();
    log({ msg: "bridge.stopped" });
  } catch (error) {
    log({ msg: "bridge.stop_failed", error: describeError(error) });
    code = 1;
  }
  clearTimeout(timer);
  // Everything that matters is finished: requests answered, the pool ended. Exit rather than wait
  // for the event loop to empty: the Neon driver leaves a WebSocket open after pool.end() (seen
  // through the local proxy), which would keep the process alive until it is killed.
  process.exit(code);
}

process.once("SIGTERM", () => void stop("SIGTERM"));
process.once("SIGINT", () => void stop("SIGINT"));
