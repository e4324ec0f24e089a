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
