import type { Context } from "hono";
import type { BucketPolicy } from "../durable-objects/rate-limiter/bucket.ts";
import { CodedError } from "../runtime/errors.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Limits, each with its reason. Login is limited per address (credential stuffing from one host)
 * and per account (slow guessing from many hosts); placement per customer (a stuck retry loop or
 * a script should not flood a kitchen).
 */
export const limits = {
  loginPerIp: { capacity: 20, refillPerMinute: 10 },
  loginPerEmail: { capacity: 5, refillPerMinute: 1 },
  signUpPerIp: { capacity: 10, refillPerMinute: 2 },
  placeOrderPerCustomer: { capacity: 10, refillPerMinute: 4 },
} satisfies Record<string, BucketPolicy>;

export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

/** Takes one token for `key` or refuses with 429 and Retry-After. */
export async function rateLimit(
  c: Context<AppEnv>,
  key: string,
  policy: BucketPolicy,
): Promise<void> {
  const verdict = await c.env.RateLimiter.getByName(key).take(policy);
  if (!verdict.allowed) {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new CodedError(
      "rate_limited",
      `too many requests; try again in ${seconds} s`,
      { retryAfterSeconds: seconds },
      {
        "retry-after": String(seconds),
      },
    );
  }
}

/** Returns the token `rateLimit` took for a request that turned out not to count. */
export async function giveBack(
  c: Context<AppEnv>,
  key: string,
  policy: BucketPolicy,
): Promise<void> {
  await c.env.RateLimiter.getByName(key).giveBack(policy);
}
