import { describe, expect, it } from "vitest";
import { readBridgeConfig } from "./config.ts";

const secret = "s".repeat(32);

describe("readBridgeConfig", () => {
  it("reads a complete environment, with defaults for what is optional", () => {
    expect(readBridgeConfig({ DATABASE_URL: "postgres://db/dizh", OUTBOX_SECRET: secret })).toEqual(
      {
        ok: true,
        config: {
          port: 8788,
          hostname: "127.0.0.1",
          databaseUrl: "postgres://db/dizh",
          wsProxy: "",
          secret,
        },
      },
    );
  });

  it("sends mail to an SMTP server when given one, else into a mailbox folder, else not at all", () => {
    const base = { DATABASE_URL: "postgres://db/dizh", OUTBOX_SECRET: secret };
    expect(readBridgeConfig({ ...base, SMTP_URL: "smtps://u:p@mail.example:465" })).toMatchObject({
      ok: true,
      config: {
        mail: {
          smtpUrl: "smtps://u:p@mail.example:465",
          from: "DizhTime <no-reply@dizhtime.local>",
        },
      },
    });
    expect(
      readBridgeConfig({ ...base, MAILBOX_DIR: "/tmp/mail", MAIL_FROM: "a@b.c" }),
    ).toMatchObject({
      ok: true,
      config: { mail: { mailboxDir: "/tmp/mail", from: "a@b.c" } },
    });
    const none = readBridgeConfig(base);
    expect(none.ok && none.config.mail).toBe(undefined);
    expect(readBridgeConfig({ ...base, SMTP_URL: "http://mail.example" })).toEqual({
      ok: false,
      errors: ["SMTP_URL must be an smtp:// or smtps:// URL"],
    });
  });

  it("reads the port and the proxy when given", () => {
    const read = readBridgeConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://db/dizh",
      DB_WS_PROXY: "127.0.0.1:5488",
      OUTBOX_SECRET: secret,
    });
    expect(read).toMatchObject({
      ok: true,
      config: { port: 9000, hostname: "0.0.0.0", wsProxy: "127.0.0.1:5488" },
    });
  });

  it.each([
    ["DATABASE_URL is missing", { OUTBOX_SECRET: secret }, "DATABASE_URL must be set"],
    [
      "DATABASE_URL is empty",
      { DATABASE_URL: "", OUTBOX_SECRET: secret },
      "DATABASE_URL must be set",
    ],
    ["OUTBOX_SECRET is missing", { DATABASE_URL: "postgres://db" }, "OUTBOX_SECRET must be set"],
    [
      "OUTBOX_SECRET is short",
      { DATABASE_URL: "postgres://db", OUTBOX_SECRET: "short" },
      "OUTBOX_SECRET must be at least 32 characters",
    ],
    [
      "PORT is not a number",
      { PORT: "http", DATABASE_URL: "postgres://db", OUTBOX_SECRET: secret },
      "PORT must be a number",
    ],
    [
      "PORT is out of range",
      { PORT: "70000", DATABASE_URL: "postgres://db", OUTBOX_SECRET: secret },
      "PORT must be <= 65535",
    ],
  ])("names the field when %s", (_, env, message) => {
    expect(readBridgeConfig(env)).toEqual({ ok: false, errors: [message] });
  });
});

describe("readBridgeConfig with Kafka", () => {
  const base = { DATABASE_URL: "postgres://db/dizh", OUTBOX_SECRET: secret };

  it("leaves Kafka out without KAFKA_BROKERS: the in-process bus", () => {
    const read = readBridgeConfig(base);

    expect(read.ok && read.config.kafka).toBeUndefined();
  });

  it("reads the brokers, with defaults for the rest", () => {
    expect(readBridgeConfig({ ...base, KAFKA_BROKERS: "k1:9092, k2:9092" })).toMatchObject({
      ok: true,
      config: {
        kafka: {
          brokers: ["k1:9092", "k2:9092"],
          clientId: "dizh-bridge",
          topicPrefix: "",
          sessionTimeoutMs: 10_000,
          mode: "all",
        },
      },
    });
  });

  it("reads a prefix, a session timeout and a mode", () => {
    const read = readBridgeConfig({
      ...base,
      KAFKA_BROKERS: "127.0.0.1:9092",
      KAFKA_TOPIC_PREFIX: "staging.",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      BRIDGE_MODE: "consume",
    });

    expect(read).toMatchObject({
      ok: true,
      config: { kafka: { topicPrefix: "staging.", sessionTimeoutMs: 6000, mode: "consume" } },
    });
  });

  it.each([
    ["a broker without a port", { KAFKA_BROKERS: "kafka" }, "KAFKA_BROKERS must be host:port"],
    [
      "a prefix with a space",
      { KAFKA_BROKERS: "k:9092", KAFKA_TOPIC_PREFIX: "a b" },
      "KAFKA_TOPIC_PREFIX may hold only",
    ],
    [
      "a session under a second",
      { KAFKA_BROKERS: "k:9092", KAFKA_SESSION_TIMEOUT_MS: "10" },
      "KAFKA_SESSION_TIMEOUT_MS must be >= 1000",
    ],
    ["an unknown mode", { KAFKA_BROKERS: "k:9092", BRIDGE_MODE: "both" }, "BRIDGE_MODE must be"],
    [
      "consume-only without Kafka",
      { BRIDGE_MODE: "consume" },
      "BRIDGE_MODE=consume needs KAFKA_BROKERS",
    ],
  ])("refuses %s, naming the field", (_, env, message) => {
    const read = readBridgeConfig({ ...base, ...env });

    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.errors.join("\n")).toContain(message);
  });
});
