/**
 * Retry with backoff, once for the whole platform: exponential, capped, with jitter so that what
 * failed together does not come back in the same instant, and with an attempts cap. Two shapes
 * share one formula:
 * - an actor cannot sleep, so it asks `backoffDelayMs` when to set its timer for the next try;
 * - a loop (the bridge's consumers and relays, the simulator) runs its work through `retrying`.
 *
 * Both take their randomness, and `retrying` its sleep, from the caller, because time is injected
 * on this platform (tests move it instead of waiting). That is also why no retry library is used
 * here: cockatiel and p-retry sleep on timers of their own.
 */

export type Backoff = {
  /** The first retry waits about this long (between half and all of it). */
  baseMs: number;
  /** No wait is longer than this: after an outage, work resumes within it. */
  maxMs: number;
  /** Tries in all, the first included; `Infinity` for work that must never be given up. */
  attemptsMax: number;
};

/** Checks a backoff when it is declared, naming the field that is wrong. */
export function backoff(name: string, value: Backoff): Backoff {
  if (!(value.baseMs > 0)) throw new Error(`${name}.baseMs must be > 0`);
  if (!(value.maxMs >= value.baseMs)) throw new Error(`${name}.maxMs must be >= baseMs`);
  if (!(value.attemptsMax >= 1)) throw new Error(`${name}.attemptsMax must be >= 1`);
  return value;
}

/**
 * How long to wait after `failures` failed tries (1 after the first) before the next: "equal
 * jitter", half the capped exponential delay plus a random share of the other half (`random` in
 * [0, 1)). Half is kept so a retry never comes at once; the random half spreads a crowd out.
 */
export function backoffDelayMs(failures: number, policy: Backoff, random: number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(capped / 2 + (capped / 2) * random);
}

/** Whether `failures` failed tries have used up the attempts. */
export function exhausted(failures: number, policy: Backoff): boolean {
  return failures >= policy.attemptsMax;
}

export type RetryOptions = {
  /** Stops the waiting and the trying: the promise rejects with the last error. */
  signal?: AbortSignal;
  /** Errors worth another try; others end the work at once. Every error, by default. */
  retryIf?: (error: unknown) => boolean;
  /** Told of each failure that will be retried, with the wait before the next try. */
  onRetry?: (failure: { attempt: number; delayMs: number; error: unknown }) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
};

/**
 * Runs `work` (given its attempt, from 1) until it succeeds, retrying failures with the backoff.
 * Rejects with the last error once the attempts are used up, an error `retryIf` refuses, or the
 * signal aborts.
 */
export async function retrying<T>(
  work: (attempt: number) => Promise<T>,
  policy: Backoff,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const retry = options.retryIf?.(error) ?? true;
      if (!retry || options.signal?.aborted || exhausted(attempt, policy)) throw error;
      const delayMs = backoffDelayMs(attempt, policy, random());
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
