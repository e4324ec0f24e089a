import { z } from "zod";
import type { BridgeMode, KafkaOptions } from "./kafka-bus.ts";

/**
 * The bridge process's configuration, read from its environment and checked once at start, with
 * a message naming each field that is wrong (as partyserver checks its options).
 */
const BridgeEnv = z.object({
  PORT: z.coerce
    .number({ error: "PORT must be a number" })
    .int("PORT must be an integer")
    .min(0, "PORT must be >= 0")
    .max(65_535, "PORT must be <= 65535")
    .default(8788),
  HOST: z.string().min(1, "HOST must not be empty").default("127.0.0.1"),
  DATABASE_URL: z.string({ error: "DATABASE_URL must be set" }).min(1, "DATABASE_URL must be set"),
  DB_WS_PROXY: z.string().default(""),
  // The same rule as the edge's: an HMAC key shorter than its hash invites guessing.
  OUTBOX_SECRET: z
    .string({ error: "OUTBOX_SECRET must be set" })
    .min(32, "OUTBOX_SECRET must be at least 32 characters"),
  // Kafka, when set: host:port,host:port. Without it the bridge runs the in-process bus.
  KAFKA_BROKERS: z
    .string()
    .transform((value) => value.split(",").map((broker) => broker.trim()))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "KAFKA_BROKERS must be host:port[,host:port...]"),
      ),
    )
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default("dizh-bridge"),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, "KAFKA_TOPIC_PREFIX may hold only letters, digits, '.', '_', '-'")
    .default(""),
  // A member silent this long is dropped and its partitions move on. Kafka's own default (45 s)
  // leaves a crashed bridge's partitions idle for most of a minute; much shorter risks dropping a
  // member in a long GC pause.
  KAFKA_SESSION_TIMEOUT_MS: z.coerce
    .number({ error: "KAFKA_SESSION_TIMEOUT_MS must be a number" })
    .int("KAFKA_SESSION_TIMEOUT_MS must be an integer")
    .min(1_000, "KAFKA_SESSION_TIMEOUT_MS must be >= 1000")
    .max(300_000, "KAFKA_SESSION_TIMEOUT_MS must be <= 300000")
    .default(10_000),
  // all: take batches and run the consumers; ingest: take batches only; consume: consumers only
  // (Kubernetes scales the two apart).
  // Mail: an SMTP server (smtp:// or smtps://, credentials in the URL), or else a folder the mail
  // is written to as .eml files (the local stack's); with neither, mail waits in its outbox.
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL" })
    .optional(),
  MAILBOX_DIR: z.string().optional(),
  MAIL_FROM: z
    .string()
    .min(3, "MAIL_FROM must be an address")
    .default("DizhTime <no-reply@dizhtime.local>"),
  BRIDGE_MODE: z
    .enum(["all", "ingest", "consume"], { error: "BRIDGE_MODE must be all, ingest or consume" })
    .default("all"),
});

export type BridgeConfig = {
  port: number;
  hostname: string;
  databaseUrl: string;
  wsProxy: string;
  secret: string;
  /** Present only with KAFKA_BROKERS. */
  kafka?: KafkaOptions;
  /** Present with SMTP_URL or MAILBOX_DIR. */
  mail?: MailConfig;
};

export type MailConfig = { from: string } & ({ smtpUrl: string } | { mailboxDir: string });

export type ConfigResult = { ok: true; config: BridgeConfig } | { ok: false; errors: string[] };

/** Reads the configuration from environment variables (unset and empty are alike: unset). */
export function readBridgeConfig(env: Record<string, string | undefined>): ConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = BridgeEnv.safeParse(present);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
  const e = parsed.data;
  const mode: BridgeMode = e.BRIDGE_MODE;
  if (!e.KAFKA_BROKERS && mode !== "all") {
    return { ok: false, errors: [`BRIDGE_MODE=${mode} needs KAFKA_BROKERS`] };
  }
  const config: BridgeConfig = {
    port: e.PORT,
    hostname: e.HOST,
    databaseUrl: e.DATABASE_URL,
    wsProxy: e.DB_WS_PROXY,
    secret: e.OUTBOX_SECRET,
  };
  if (e.SMTP_URL) config.mail = { from: e.MAIL_FROM, smtpUrl: e.SMTP_URL };
  else if (e.MAILBOX_DIR) config.mail = { from: e.MAIL_FROM, mailboxDir: e.MAILBOX_DIR };
  if (e.KAFKA_BROKERS) {
    config.kafka = {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
      mode,
    };
  }
  return { ok: true, config };
}
