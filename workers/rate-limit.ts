import type { Context } from "hono";
import { type Bucket, type BucketPolicy, take } from "../durable-objects/rate-limiter/bucket.ts";
import { CodedError } from "../runtime/errors.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Limits, each with its reason. Login is limited per address (credential stuffing from one host)
 * and per account (slow guessing from many hosts); placement per customer (a stuck retry loop or
 * a script should not flood a kitchen).
 */
export const limits = {
  loginPerIp: { capacity: 20, refillPerMinute: 10 },
  // Wrong passwords for one account from one address: the guesser is slowed, the owner elsewhere
  // is not (a right password gives its token back).
  loginPerEmailFromIp: { capacity: 5, refillPerMinute: 1 },
  // Wrong passwords for one account from anywhere: only a guesser spread over many addresses
  // empties it, and then the account is worth slowing for everyone.
  loginPerEmail: { capacity: 50, refillPerMinute: 10 },
  signUpPerIp: { capacity: 10, refillPerMinute: 2 },
  // Signup and verification mail to one address: a few, then one every ten minutes.
  mailPerAddress: { capacity: 3, refillPerMinute: 0.1 },
  placeOrderPerCustomer: { capacity: 10, refillPerMinute: 4 },
} satisfies Record<string, BucketPolicy>;

/**
 * Per signed-in user, every authenticated request: kept in the isolate's memory, not an actor,
 * because it runs on every request and must cost nothing. An isolate sees a user's requests
 * unless the platform spreads them, so the limit is per isolate: it stops a flood from one
 * token, which is what it is for; the actor-backed limits above guard what must be exact.
 */
const principalBuckets = new Map<string, Bucket>();
const PRINCIPAL_BUCKETS_MAX = 10_000;

/**
 * An app polls a few times a second at most; a burst of a hundred covers a page's first load.
 * The steady rate after it is REQUESTS_PER_PRINCIPAL_PER_MINUTE (runtime/config.ts).
 */
const PRINCIPAL_BURST = 100;

export function limitPrincipal(userId: string, nowMs: number, perMinute: number): void {
  const policy = { capacity: PRINCIPAL_BURST, refillPerMinute: perMinute };
  const verdict = take(principalBuckets.get(userId), policy, nowMs);
  if (principalBuckets.size >= PRINCIPAL_BUCKETS_MAX && !principalBuckets.has(userId)) {
    principalBuckets.clear();
  }
  principalBuckets.set(userId, verdict.bucket);
  if (!verdict.allowed) throw tooMany(verdict.retryAfterMs);
}

function tooMany(retryAfterMs: number): CodedError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new CodedError(
    "rate_limited",
    `too many requests; try again in ${seconds} s`,
    { retryAfterSeconds: seconds },
    { "retry-after": String(seconds) },
  );
}

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
  if (!verdict.allowed) throw tooMany(verdict.retryAfterMs);
}

/** Returns the token `rateLimit` took for a request that turned out not to count. */
export async function giveBack(
  c: Context<AppEnv>,
  key: string,
  policy: BucketPolicy,
): Promise<void> {
  await c.env.RateLimiter.getByName(key).giveBack(policy);
}
