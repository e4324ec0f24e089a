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

/** Sums with no observation yet. */
export function emptySums(): DurationSums {
  return {
    buckets: new Array(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
    sumSeconds: 0,
    count: 0,
  };
}

/** Adds `from` into `into`, bucket by bucket (another isolate's sums, or a shipment put back). */
export function addSums(into: DurationSums, from: DurationSums): void {
  for (let i = 0; i < into.buckets.length; i++)
    into.buckets[i] = (into.buckets[i] ?? 0) + (from.buckets[i] ?? 0);
  into.sumSeconds += from.sumSeconds;
  into.count += from.count;
}

function observe(sums: DurationSums, seconds: number): void {
  const index = DURATION_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  const bucket = index === -1 ? DURATION_BUCKETS_SECONDS.length : index;
  sums.buckets[bucket] = (sums.buckets[bucket] ?? 0) + 1;
  sums.sumSeconds += Math.max(0, seconds);
  sums.count += 1;
}

/** Duration sums by labels, keyed by `keyOf`; a new series past SERIES_MAX is dropped. */
class SeriesSums<L extends object> {
  private series = new Map<string, L & { durations: DurationSums }>();
  private readonly keyOf: (labels: L) => string;

  constructor(keyOf: (labels: L) => string) {
    this.keyOf = keyOf;
  }

  get size(): number {
    return this.series.size;
  }

  observe(labels: L, seconds: number): void {
    const sums = this.sumsOf(labels);
    if (sums) observe(sums, seconds);
  }

  add(labels: L, from: DurationSums): void {
    const sums = this.sumsOf(labels);
    if (sums) addSums(sums, from);
  }

  take(): (L & { durations: DurationSums })[] {
    const all = [...this.series.values()];
    this.series = new Map();
    return all;
  }

  private sumsOf(labels: L): DurationSums | null {
    const key = this.keyOf(labels);
    const known = this.series.get(key);
    if (known) return known.durations;
    if (this.series.size >= SERIES_MAX) return null;
    const entry = { ...labels, durations: emptySums() };
    this.series.set(key, entry);
    return entry.durations;
  }
}

type RequestLabels = Omit<Request, "durations">;
type ActorCallLabels = Omit<ActorCall, "durations">;

export class Telemetry {
  private readonly requests = new SeriesSums<RequestLabels>(
    (r) => `${r.method} ${r.route} ${r.status}`,
  );
  private readonly actorCalls = new SeriesSums<ActorCallLabels>(
    (c) => `${c.kind}.${c.operation} ${c.outcome}`,
  );
  private outboxes = new Map<string, Outbox>();
  private lastShippedMs: number;

  constructor(nowMs: number) {
    this.lastShippedMs = nowMs;
  }

  request(route: string, method: Request["method"], status: number, seconds: number): void {
    this.requests.observe({ route, method, status }, seconds);
  }

  actorCall(kind: ActorCall["kind"], operation: string, ok: boolean, seconds: number): void {
    this.actorCalls.observe({ kind, operation, outcome: ok ? "ok" : "error" }, seconds);
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
      requests: this.requests.take(),
      actorCalls: this.actorCalls.take(),
      outboxes: [...this.outboxes.values()],
    };
    this.outboxes = new Map();
    this.lastShippedMs = nowMs;
    return batch;
  }

  /** Puts back a batch that could not be shipped, so the next shipment carries it. */
  restore(batch: TelemetryBatch): void {
    for (const { durations, ...labels } of batch.requests) this.requests.add(labels, durations);
    for (const { durations, ...labels } of batch.actorCalls) this.actorCalls.add(labels, durations);
    // A newer report of an outbox wins over the one that could not be shipped.
    for (const outbox of batch.outboxes)
      if (!this.outboxes.has(outbox.actor)) this.outboxes.set(outbox.actor, outbox);
  }
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
