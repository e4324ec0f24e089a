import { setTimeout as sleep } from "node:timers/promises";

/** After a failed round a relay waits this long, doubling up to the cap. */
export const RELAY_RETRY_DELAY_MS_MIN = 500;
export const RELAY_RETRY_DELAY_MS_MAX = 10_000;

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
 * failed one backs off exponentially, capped, and the next round retries.
 */
export function startRelayLoop(options: {
  name: string;
  round(): Promise<number>;
  full(relayed: number): boolean;
  intervalMs: number;
  log: (line: Record<string, unknown>) => void;
}): RelayLoop {
  const stop = new AbortController();
  let failures = 0;
  const loop = (async () => {
    while (!stop.signal.aborted) {
      let waitMs = options.intervalMs;
      try {
        const relayed = await options.round();
        failures = 0;
        if (relayed > 0) options.log({ msg: `${options.name}.relayed`, count: relayed });
        if (options.full(relayed)) waitMs = 0;
      } catch (error) {
        failures += 1;
        waitMs = Math.min(
          RELAY_RETRY_DELAY_MS_MAX,
          RELAY_RETRY_DELAY_MS_MIN * 2 ** Math.min(failures - 1, 10),
        );
        options.log({ msg: `${options.name}.failed`, error: String(error), retryInMs: waitMs });
      }
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: stop.signal }).catch(() => {});
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
