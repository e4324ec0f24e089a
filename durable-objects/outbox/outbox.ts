import type { EventEnvelope } from "../../schema/events.ts";
import type { Timers } from "../timers.ts";
import { type DrainPolicy, defaultDrainPolicy, drainOutbox } from "./drain.ts";
import { bridgeSender } from "./sender.ts";
import { SqliteOutbox } from "./store.ts";

export const OUTBOX_TIMER = "outbox";

/** An event as an actor's pure core emits it, before the shell gives it an id and a trace. */
export type Recordable = { type: string; seq: number; at: string; data: unknown };

/**
 * An actor's outbox: `record` inside the transaction that changes state, and the actor's alarm
 * calls `flush` when the outbox timer is due.
 */
export class ActorOutbox {
  readonly store: SqliteOutbox;
  private readonly timers: Timers;
  private readonly options: {
    source: string;
    bridgeUrl: string;
    secret: string;
    policy?: DrainPolicy;
  };

  constructor(
    sql: SqlStorage,
    timers: Timers,
    options: { source: string; bridgeUrl: string; secret: string; policy?: DrainPolicy },
  ) {
    this.store = new SqliteOutbox(sql);
    this.timers = timers;
    this.options = options;
  }

  /** Appends events and asks for a flush; call inside the state change's transaction. */
  record(
    aggregateId: string,
    events: readonly Recordable[],
    traceparent: string,
    nowMs: number,
  ): EventEnvelope[] {
    const envelopes = events.map((event) => ({
      id: crypto.randomUUID(),
      type: event.type,
      aggregateId,
      seq: event.seq,
      at: event.at,
      traceparent,
      data: event.data,
    }));
    this.store.append(envelopes);
    if (envelopes.length > 0) this.timers.setNoLaterThan(OUTBOX_TIMER, nowMs);
    return envelopes;
  }

  /**
   * Drains what it can. `nowMs` is the actor's clock, for scheduling retries; signatures carry the
   * wall clock, because freshness is judged by the bridge's own clock.
   */
  async flush(nowMs: () => number): Promise<void> {
    const outcome = await drainOutbox(
      this.store,
      {
        send: bridgeSender({ ...this.options, nowMs: Date.now }),
        nowMs,
        random: Math.random,
      },
      this.options.policy ?? defaultDrainPolicy,
    );
    if (outcome.state === "more") this.timers.set(OUTBOX_TIMER, nowMs());
    if (outcome.state === "retry") {
      this.timers.set(OUTBOX_TIMER, outcome.retryAtMs);
      console.warn(
        JSON.stringify({
          msg: "outbox flush failed",
          source: this.options.source,
          error: outcome.error,
        }),
      );
    }
  }
}
