import { SIGNATURE_HEADER, signBody } from "../schema/outbox.ts";
import {
  DURATION_BUCKETS_SECONDS,
  type DurationSums,
  type TelemetryBatch,
} from "../schema/telemetry.ts";

/**
 * An isolate's measurements since its last shipment (schema/telemetry.ts): the gateway's requests
 * by route, the calls to actors by kind and method, the outboxes' depth. Recording is a map
 * update; `take` hands over the sums and starts afresh. Series are bounded, so an isolate that
 * cannot ship (the bridge away) holds a fixed amount, and drops what is past it.
 */

const SERIES_MAX = 1_000;

type Request = TelemetryBatch["requests"][number];
type ActorCall = TelemetryBatch["actorCalls"][number];
type Outbox = TelemetryBatch["outboxes"][number];

function emptySums(): DurationSums {
  return {
    buckets: new Array(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
    sumSeconds: 0,
    count: 0,
  };
}

function observe(sums: DurationSums, seconds: number): void {
  const index = DURATION_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  const bucket = index === -1 ? DURATION_BUCKETS_SECONDS.length : index;
  sums.buckets[bucket] = (sums.buckets[bucket] ?? 0) + 1;
  sums.sumSeconds += Math.max(0, seconds);
  sums.count += 1;
}

export class Telemetry {
  private requests = new Map<string, Request>();
  private actorCalls = new Map<string, ActorCall>();
  private outboxes = new Map<string, Outbox>();
  private lastShippedMs: number;

  constructor(nowMs: number) {
    this.lastShippedMs = nowMs;
  }

  request(route: string, method: Request["method"], status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let series = this.requests.get(key);
    if (!series) {
      if (this.requests.size >= SERIES_MAX) return;
      series = { route, method, status, durations: emptySums() };
      this.requests.set(key, series);
    }
    observe(series.durations, seconds);
  }

  actorCall(kind: ActorCall["kind"], operation: string, ok: boolean, seconds: number): void {
    const outcome = ok ? "ok" : "error";
    const key = `${kind}.${operation} ${outcome}`;
    let series = this.actorCalls.get(key);
    if (!series) {
      if (this.actorCalls.size >= SERIES_MAX) return;
      series = { kind, operation, outcome, durations: emptySums() };
      this.actorCalls.set(key, series);
    }
    observe(series.durations, seconds);
  }

  outbox(kind: Outbox["kind"], actor: string, pending: number, oldestAgeSeconds: number): void {
    if (!this.outboxes.has(actor) && this.outboxes.size >= SERIES_MAX) return;
    this.outboxes.set(actor, { kind, actor, pending, oldestAgeSeconds });
  }

  /** Whether there is anything to ship and the last shipment is at least `everyMs` old. */
  due(nowMs: number, everyMs: number): boolean {
    const any = this.requests.size + this.actorCalls.size + this.outboxes.size > 0;
    return any && nowMs - this.lastShippedMs >= everyMs;
  }

  /** The sums since the last take, and a fresh start. */
  take(source: string, nowMs: number): TelemetryBatch {
    const batch: TelemetryBatch = {
      source,
      requests: [...this.requests.values()],
      actorCalls: [...this.actorCalls.values()],
      outboxes: [...this.outboxes.values()],
    };
    this.requests = new Map();
    this.actorCalls = new Map();
    this.outboxes = new Map();
    this.lastShippedMs = nowMs;
    return batch;
  }

  /** Puts back a batch that could not be shipped, so the next shipment carries it. */
  restore(batch: TelemetryBatch): void {
    for (const r of batch.requests) {
      const key = `${r.method} ${r.route} ${r.status}`;
      const series = this.requests.get(key) ?? { ...r, durations: emptySums() };
      merge(series.durations, r.durations);
      this.requests.set(key, series);
    }
    for (const call of batch.actorCalls) {
      const key = `${call.kind}.${call.operation} ${call.outcome}`;
      const series = this.actorCalls.get(key) ?? { ...call, durations: emptySums() };
      merge(series.durations, call.durations);
      this.actorCalls.set(key, series);
    }
    // A newer report of an outbox wins over the one that could not be shipped.
    for (const outbox of batch.outboxes)
      if (!this.outboxes.has(outbox.actor)) this.outboxes.set(outbox.actor, outbox);
  }
}

function merge(into: DurationSums, from: DurationSums): void {
  for (let i = 0; i < into.buckets.length; i++)
    into.buckets[i] = (into.buckets[i] ?? 0) + (from.buckets[i] ?? 0);
  into.sumSeconds += from.sumSeconds;
  into.count += from.count;
}

/** An isolate ships its sums at most this often (and only when it has some). */
export const TELEMETRY_EVERY_MS = 10_000;
const SHIP_TIMEOUT_MS = 2_000;

/** The isolate's one recorder: the gateway's middleware, the actor stubs and the outboxes share it. */
export const isolateTelemetry = new Telemetry(Date.now());

/**
 * Ships the isolate's sums to the bridge when due (call it with the request's or alarm's
 * waitUntil). A failed shipment puts its sums back for the next; measurements never fail a request.
 */
export async function shipTelemetryIfDue(
  target: { bridgeUrl: string; secret: string; source: string },
  nowMs: number,
  telemetry: Telemetry = isolateTelemetry,
): Promise<void> {
  if (!telemetry.due(nowMs, TELEMETRY_EVERY_MS)) return;
  const batch = telemetry.take(target.source, nowMs);
  const body = JSON.stringify(batch);
  try {
    const response = await fetch(new URL("/v1/telemetry", target.bridgeUrl), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signBody(target.secret, body, nowMs),
      },
      body,
      signal: AbortSignal.timeout(SHIP_TIMEOUT_MS),
    });
    // A refusal (400) would be refused again: those sums are dropped. Anything else waits.
    if (!response.ok && response.status !== 400) telemetry.restore(batch);
    await response.body?.cancel();
  } catch {
    telemetry.restore(batch);
  }
}
