import { logLine } from "../../runtime/log.ts";
import { isolateTelemetry, shipTelemetryIfDue } from "../../runtime/telemetry.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import type { PendingEvents } from "../../schema/outbox.ts";
import type { TelemetryBatch } from "../../schema/telemetry.ts";
import type { Timers } from "../timers.ts";
import { type DrainPolicy, defaultDrainPolicy, drainOutbox } from "./drain.ts";
import { bridgeSender } from "./sender.ts";
import { SqliteOutbox } from "./store.ts";

export const OUTBOX_TIMER = "outbox";

/** Rows an admin's view lists, of the waiting and of the parked each. */
const REPORT_ROWS_MAX = 1_000;

/** An event as an actor's pure core emits it, before the shell gives it an id and a trace. */
export type Recordable = { type: string; seq: number; at: string; data: unknown };

export type OutboxOptions = {
  /** `<kind>:<id>`, as batches name their sender. */
  source: string;
  bridgeUrl: string;
  secret: string;
  /** The actor's clock, for retry times and when an event was parked. */
  clock: () => number;
  policy?: DrainPolicy;
};

/**
 * An actor's outbox: `record` inside the transaction that changes state, and the actor's alarm
 * calls `flush` when the outbox timer is due. Admins read it with `report` and put parked events
 * back with `release`.
 */
export class ActorOutbox {
  readonly store: SqliteOutbox;
  private readonly timers: Timers;
  private readonly options: OutboxOptions;

  constructor(sql: SqlStorage, timers: Timers, options: OutboxOptions) {
    this.store = new SqliteOutbox(sql, options.clock);
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
   * Drains what it can. Retries are timed on the actor's clock; signatures carry the wall clock,
   * because freshness is judged by the bridge's own clock.
   */
  async flush(): Promise<void> {
    const { clock } = this.options;
    const outcome = await drainOutbox(
      this.store,
      {
        send: bridgeSender({ ...this.options, nowMs: Date.now }),
        nowMs: clock,
        random: Math.random,
      },
      this.options.policy ?? defaultDrainPolicy,
    );
    if (outcome.parked.length > 0) {
      logLine(
        "error",
        "outbox parked events the bridge refused for good; an admin may release them",
        {
          source: this.options.source,
          eventIds: outcome.parked,
        },
      );
    }
    if (outcome.state === "more") this.timers.set(OUTBOX_TIMER, clock());
    if (outcome.state === "retry") {
      this.timers.set(OUTBOX_TIMER, outcome.retryAtMs);
      logLine("warn", "outbox flush failed", { source: this.options.source, error: outcome.error });
    }
    this.measure();
  }

  /**
   * The outbox's depth and the age of its oldest event, into the isolate's telemetry, shipped to
   * the bridge (with the rest of the isolate's sums) when due: what operators alert on when the
   * bridge falls behind.
   */
  private measure(): void {
    const { pending, oldestAt } = this.store.depth();
    const nowMs = Date.now();
    const ageSeconds = oldestAt === null ? 0 : Math.max(0, (nowMs - Date.parse(oldestAt)) / 1000);
    isolateTelemetry.outbox(kindOf(this.options.source), this.options.source, pending, ageSeconds);
    // Not awaited: a slow or absent bridge must never hold up the actor's alarm. A shipment lost
    // with an evicted actor is a few seconds of measurements, never an event.
    void shipTelemetryIfDue(
      {
        bridgeUrl: this.options.bridgeUrl,
        secret: this.options.secret,
        source: this.options.source,
      },
      nowMs,
    );
  }

  report(): PendingEvents {
    return { events: this.store.list(REPORT_ROWS_MAX), parked: this.store.parked(REPORT_ROWS_MAX) };
  }

  /** Puts parked events back for another try, flushed at once. Answers how many. */
  release(): number {
    const released = this.store.release();
    if (released > 0) this.timers.set(OUTBOX_TIMER, this.options.clock());
    return released;
  }
}

const KINDS: Record<string, TelemetryBatch["outboxes"][number]["kind"]> = {
  order: "OrderActor",
  restaurant: "RestaurantActor",
  driver: "DriverActor",
  zone: "ZoneActor",
};

function kindOf(source: string): TelemetryBatch["outboxes"][number]["kind"] {
  return KINDS[source.split(":")[0] ?? ""] ?? "OrderActor";
}
