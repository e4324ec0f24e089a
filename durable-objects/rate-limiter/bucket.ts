/**
 * A token bucket, pure: `capacity` requests at once, refilled at `refillPerMinute`. The clock is
 * passed in, so tests step time exactly.
 */
export type BucketPolicy = { capacity: number; refillPerMinute: number };
export type Bucket = { tokens: number; updatedAtMs: number };

export type Take = { allowed: boolean; bucket: Bucket; retryAfterMs: number; remaining: number };

export function take(
  bucket: Bucket | undefined,
  policy: BucketPolicy,
  nowMs: number,
  cost = 1,
): Take {
  const tokens = refilled(bucket, policy, nowMs);
  if (tokens >= cost) {
    const next = { tokens: tokens - cost, updatedAtMs: nowMs };
    return { allowed: true, bucket: next, retryAfterMs: 0, remaining: Math.floor(next.tokens) };
  }
  const retryAfterMs = Math.ceil(((cost - tokens) * 60_000) / policy.refillPerMinute);
  return { allowed: false, bucket: { tokens, updatedAtMs: nowMs }, retryAfterMs, remaining: 0 };
}

/**
 * Gives back `cost` tokens taken for a request that turned out not to count (a retry of one
 * already counted), never past the capacity.
 */
export function giveBack(
  bucket: Bucket | undefined,
  policy: BucketPolicy,
  nowMs: number,
  cost = 1,
): Bucket {
  return {
    tokens: Math.min(policy.capacity, refilled(bucket, policy, nowMs) + cost),
    updatedAtMs: nowMs,
  };
}

/** The tokens a bucket holds at `nowMs` (a new bucket is full); time never runs backwards. */
function refilled(bucket: Bucket | undefined, policy: BucketPolicy, nowMs: number): number {
  const start = bucket ?? { tokens: policy.capacity, updatedAtMs: nowMs };
  const elapsedMs = Math.max(0, nowMs - start.updatedAtMs);
  return Math.min(policy.capacity, start.tokens + (elapsedMs * policy.refillPerMinute) / 60_000);
}
