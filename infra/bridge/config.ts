import { z } from "zod";

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
});

export type BridgeConfig = {
  port: number;
  hostname: string;
  databaseUrl: string;
  wsProxy: string;
  secret: string;
};

export type ConfigResult = { ok: true; config: BridgeConfig } | { ok: false; errors: string[] };

/** Reads the configuration from environment variables (unset and empty are alike: unset). */
export function readBridgeConfig(env: Record<string, string | undefined>): ConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = BridgeEnv.safeParse(present);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
  const e = parsed.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      hostname: e.HOST,
      databaseUrl: e.DATABASE_URL,
      wsProxy: e.DB_WS_PROXY,
      secret: e.OUTBOX_SECRET,
    },
  };
}
