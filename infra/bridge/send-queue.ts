/**
 * Group commit for the Kafka producer: one send at a time, and the publications that arrive while
 * it is in flight wait and then go together as the next send. An idempotent producer may have only
 * one request in flight per broker (kafkajs serializes them anyway), so under load the only way to
 * carry more events per second is more events per request; with one publication at a time this
 * adds nothing, because nothing waits.
 *
 * Each publication settles with the send that carried it: resolved once Kafka acknowledged it,
 * rejected (with every other publication in that send) if the send failed. Publications keep their
 * arrival order inside a send, so two batches of one aggregate stay in order.
 */

export type SendLimits = {
  /** Events per send; a single publication larger than this still goes, alone. */
  eventsMax: number;
  /** Bytes of payload per send; likewise a floor of one publication. */
  bytesMax: number;
};

type Waiting<T> = {
  items: readonly T[];
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
};

/**
 * How many of the waiting publications (sizes in arrival order) the next send takes: at least one,
 * then as many more as fit the limits.
 */
export function nextGroupSize(
  waiting: readonly { events: number; bytes: number }[],
  limits: SendLimits,
): number {
  if (waiting.length === 0) return 0;
  let events = waiting[0]!.events;
  let bytes = waiting[0]!.bytes;
  let taken = 1;
  for (const next of waiting.slice(1)) {
    if (events + next.events > limits.eventsMax || bytes + next.bytes > limits.bytesMax) break;
    events += next.events;
    bytes += next.bytes;
    taken++;
  }
  return taken;
}

export class SendQueue<T> {
  readonly #send: (items: readonly T[]) => Promise<void>;
  readonly #limits: SendLimits;
  readonly #waiting: Waiting<T>[] = [];
  #inFlight: Promise<void> | null = null;

  constructor(send: (items: readonly T[]) => Promise<void>, limits: SendLimits) {
    if (limits.eventsMax < 1) throw new Error("eventsMax must be >= 1");
    if (limits.bytesMax < 1) throw new Error("bytesMax must be >= 1");
    this.#send = send;
    this.#limits = limits;
  }

  /** Queues one publication; resolves once the send that carries it has been acknowledged. */
  enqueue(items: readonly T[], bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ items, bytes, resolve, reject });
      this.#pump();
    });
  }

  /** Publications waiting for a send, not counting the one in flight. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves once nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  #pump(): void {
    if (this.#inFlight || this.#waiting.length === 0) return;
    const sizes = this.#waiting.map((w) => ({ events: w.items.length, bytes: w.bytes }));
    const group = this.#waiting.splice(0, nextGroupSize(sizes, this.#limits));
    this.#inFlight = (async () => {
      try {
        await this.#send(group.flatMap((w) => w.items));
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      } finally {
        this.#inFlight = null;
        this.#pump();
      }
    })();
  }
}
