import { DurableObject } from "cloudflare:workers";
import { type Bucket, type BucketPolicy, giveBack, type Take, take } from "./bucket.ts";

/**
 * One rate-limit key (say `login:ip:203.0.113.7`) per actor: a single-threaded counter, so
 * concurrent requests from one attacker cannot race past the limit. The bucket is kept in
 * storage so an eviction does not hand out a fresh allowance.
 */
export class RateLimiter extends DurableObject<Env> {
  async take(policy: BucketPolicy, cost = 1): Promise<Omit<Take, "bucket">> {
    const stored = this.ctx.storage.kv.get<Bucket>("bucket");
    const result = take(stored, policy, Date.now(), cost);
    this.ctx.storage.kv.put("bucket", result.bucket);
    return {
      allowed: result.allowed,
      retryAfterMs: result.retryAfterMs,
      remaining: result.remaining,
    };
  }

  async giveBack(policy: BucketPolicy, cost = 1): Promise<void> {
    const stored = this.ctx.storage.kv.get<Bucket>("bucket");
    this.ctx.storage.kv.put("bucket", giveBack(stored, policy, Date.now(), cost));
  }
}
