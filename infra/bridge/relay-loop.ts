import { describeError } from "../../runtime/redact.ts";
import { backoff, retrying, sleepFor } from "../../runtime/retry.ts";

/**
 * A failed round is retried from half a second, doubling up to 10 s, for as long as the relay
 * runs: what it relays stays in Postgres meanwhile, and a database back from an outage is relayed
 * from within 10 s.
 */
export const RELAY_BACKOFF = backoff("relay", {
  baseMs: 500,
  maxMs: 10_000,
  attemptsMax: Number.POSITIVE_INFINITY,
});

export type RelayLoop = {
  /** One round now; resolves with the number of events relayed. */
  relayOnce(): Promise<number>;
  /** Stops the loop after the round in flight. */
  close(): Promise<void>;
};

/**
 * Runs a relay's rounds in the background until closed: the Postgres outboxes the bridge relays to
 * the bus (the catalog's, catalog-relay.ts; the ledger's feed, ledger-relay.ts) share it. An idle
 * round waits `intervalMs`; a full one (`full(n)`) goes again at once, as more may be waiting; a
 * failed one is retried with the platform's backoff (runtime/retry.ts).
 */
export function startRelayLoop(options: {
  name: string;
  round(): Promise<number>;
  full(relayed: number): boolean;
  intervalMs: number;
  log: (line: Record<string, unknown>) => void;
}): RelayLoop {
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      const relayed = await retrying(options.round, RELAY_BACKOFF, {
        signal: stop.signal,
        onRetry: ({ error, delayMs }) =>
          options.log({
            msg: `${options.name}.failed`,
            error: describeError(error),
            retryInMs: delayMs,
          }),
      }).catch((error: unknown) => {
        // Retries end only when the relay stops; the round in flight then failed, harmlessly.
        options.log({ msg: `${options.name}.stopped`, error: describeError(error) });
        return 0;
      });
      if (relayed > 0) options.log({ msg: `${options.name}.relayed`, count: relayed });
      if (!options.full(relayed)) await sleepFor(options.intervalMs, stop.signal);
    }
  })();
  return {
    relayOnce: options.round,
    async close() {
      stop.abort();
      await loop;
    },
  };
}
