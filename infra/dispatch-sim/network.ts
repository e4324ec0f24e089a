import { between, chance, type Random } from "../../domain/random.ts";

/**
 * The simulated network between actors: every call between them is a message delivered after a
 * random delay, so messages overtake one another; some are delivered twice. A request whose
 * caller restarts before the answer comes loses its answer, as an awaited call does when its
 * isolate is evicted. Everything is drawn from the run's seed, so a run replays exactly.
 */

export type Address =
  | { kind: "zone"; id: string }
  | { kind: "courier"; id: string }
  | { kind: "order"; id: string };

export type Envelope<M> = {
  seq: number;
  to: Address;
  deliverAtMs: number;
  /** The node that awaits this as an answer (lost if that node restarts), if it is one. */
  answerTo?: Address;
  /** The caller's incarnation when it asked: an answer to an older one is dropped. */
  incarnation?: number;
  message: M;
};

export type Faults = {
  /** Delivery delay, uniform in [min, max] ms. */
  delayMinMs: number;
  delayMaxMs: number;
  /** Chance a message is delivered twice (the copy with its own delay). */
  duplicate: number;
};

export const calmNetwork: Faults = { delayMinMs: 5, delayMaxMs: 50, duplicate: 0 };

export class Network<M> {
  private queue: Envelope<M>[] = [];
  private seq = 0;
  faults: Faults;
  private readonly rng: Random;

  constructor(rng: Random, faults: Faults) {
    this.rng = rng;
    this.faults = faults;
  }

  send(
    to: Address,
    message: M,
    nowMs: number,
    answer?: { to: Address; incarnation: number },
  ): void {
    const copies = chance(this.rng, this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.queue.push({
        seq: this.seq++,
        to,
        deliverAtMs:
          nowMs + Math.round(between(this.rng, this.faults.delayMinMs, this.faults.delayMaxMs)),
        ...(answer ? { answerTo: answer.to, incarnation: answer.incarnation } : {}),
        message,
      });
    }
  }

  /** When the next message is due, or null when none is in flight. */
  nextDueMs(): number | null {
    let due: number | null = null;
    for (const e of this.queue) if (due === null || e.deliverAtMs < due) due = e.deliverAtMs;
    return due;
  }

  /** One message due by `nowMs`, picked at random among those due (so due ones reorder too). */
  take(nowMs: number): Envelope<M> | null {
    const due: number[] = [];
    this.queue.forEach((e, i) => {
      if (e.deliverAtMs <= nowMs) due.push(i);
    });
    if (due.length === 0) return null;
    const i = due[Math.floor(this.rng.next() * due.length)]!;
    return this.queue.splice(i, 1)[0]!;
  }

  get inFlight(): number {
    return this.queue.length;
  }
}
