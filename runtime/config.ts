import { z } from "zod";

/**
 * The edge's configuration, read from the Worker's bindings and checked once, with a message
 * naming the field that is wrong (as partyserver checks its options).
 */
const EdgeConfigSchema = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL must be set"),
  DB_WS_PROXY: z.string().default(""),
  BRIDGE_URL: z.url("BRIDGE_URL must be a URL"),
  // Where people reach the apps: the origin of the links we mail. Unset, the request's own origin
  // (on Cloudflare, the route's hostname: a client cannot choose it).
  PUBLIC_URL: z
    .url("PUBLIC_URL must be a URL")
    .transform((url) => new URL(url).origin)
    .optional(),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters"),
  OUTBOX_SECRET: z.string().min(32, "OUTBOX_SECRET must be at least 32 characters"),
  PAYMENTS_PROVIDER: z.enum(["simulated"], "PAYMENTS_PROVIDER must be simulated"),
  PAYMENTS_WEBHOOK_SECRET: z
    .string()
    .min(32, "PAYMENTS_WEBHOOK_SECRET must be at least 32 characters"),
  ORDER_ACCEPT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(5_000, "ORDER_ACCEPT_TIMEOUT_MS must be >= 5000")
    .max(3_600_000, "ORDER_ACCEPT_TIMEOUT_MS must be <= 3600000"),
  RESTAURANT_MISSED_TICKETS_MAX: z.coerce
    .number()
    .int()
    .min(1, "RESTAURANT_MISSED_TICKETS_MAX must be >= 1")
    .max(100, "RESTAURANT_MISSED_TICKETS_MAX must be <= 100"),
  PLATFORM_COMMISSION_BPS: z.coerce
    .number()
    .int()
    .min(0, "PLATFORM_COMMISSION_BPS must be >= 0")
    .max(5_000, "PLATFORM_COMMISSION_BPS must be <= 5000"),
  LOYALTY_POINTS_PER_DOLLAR: z.coerce
    .number()
    .int()
    .min(0, "LOYALTY_POINTS_PER_DOLLAR must be >= 0")
    .max(100, "LOYALTY_POINTS_PER_DOLLAR must be <= 100"),
  REQUESTS_PER_PRINCIPAL_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1, "REQUESTS_PER_PRINCIPAL_PER_MINUTE must be >= 1")
    .max(1_000_000, "REQUESTS_PER_PRINCIPAL_PER_MINUTE must be <= 1000000")
    .default(300),
});

export type EdgeConfig = {
  databaseUrl: string;
  dbWsProxy: string;
  bridgeUrl: string;
  /** The apps' origin for mailed links, when set (otherwise the request's). */
  publicOrigin?: string;
  jwtSecret: string;
  outboxSecret: string;
  paymentsProvider: "simulated";
  paymentsWebhookSecret: string;
  orderAcceptTimeoutMs: number;
  restaurantMissedTicketsMax: number;
  /** How an order's money is split and rewarded (ledger/order-money.ts). */
  money: { commissionBps: number; pointsPerDollar: number };
  /** Each signed-in customer's or courier's steady rate after a burst (workers/rate-limit.ts). */
  requestsPerPrincipalPerMinute: number;
};

const cache = new WeakMap<object, EdgeConfig>();

export function readConfig(env: Env): EdgeConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = EdgeConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  const c = parsed.data;
  const config: EdgeConfig = {
    databaseUrl: c.DATABASE_URL,
    dbWsProxy: c.DB_WS_PROXY,
    bridgeUrl: c.BRIDGE_URL,
    ...(c.PUBLIC_URL ? { publicOrigin: c.PUBLIC_URL } : {}),
    jwtSecret: c.JWT_SECRET,
    outboxSecret: c.OUTBOX_SECRET,
    paymentsProvider: c.PAYMENTS_PROVIDER,
    paymentsWebhookSecret: c.PAYMENTS_WEBHOOK_SECRET,
    orderAcceptTimeoutMs: c.ORDER_ACCEPT_TIMEOUT_MS,
    restaurantMissedTicketsMax: c.RESTAURANT_MISSED_TICKETS_MAX,
    money: {
      commissionBps: c.PLATFORM_COMMISSION_BPS,
      pointsPerDollar: c.LOYALTY_POINTS_PER_DOLLAR,
    },
    requestsPerPrincipalPerMinute: c.REQUESTS_PER_PRINCIPAL_PER_MINUTE,
  };
  cache.set(env, config);
  return config;
}
