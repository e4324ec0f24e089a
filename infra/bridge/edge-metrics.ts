import type { Registry } from "prom-client";
import { addSums, emptySums } from "../../runtime/telemetry.ts";
import {
  DURATION_BUCKETS_SECONDS,
  type DurationSums,
  type TelemetryBatch,
} from "../../schema/telemetry.ts";

/**
 * The edge's measurements (schema/telemetry.ts), summed across every isolate that shipped them
 * and served with the bridge's own metrics: rate, errors and duration per route and per actor kind,
 * and the actors' outbox depth and age. Counters only grow, as Prometheus expects; an outbox
 * report stands until a newer one or OUTBOX_REPORT_TTL_MS, so an actor that stopped reporting
 * (its outbox drained, or the actor gone) stops counting.
 */

/** An actor with pending events reports at each flush attempt, well within this. */
export const OUTBOX_REPORT_TTL_MS = 5 * 60_000;
/** Bounds what an edge (or a forger with the secret) can make the bridge hold. */
const SERIES_MAX = 5_000;

type Sample = { labels: Record<string, string>; value: number; metricName?: string };

/** A histogram's samples as Prometheus writes them: cumulative buckets, then sum and count. */
function histogramSamples(name: string, labels: Record<string, string>, h: DurationSums): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  DURATION_BUCKETS_SECONDS.forEach((bound, i) => {
    cumulative += h.buckets[i] ?? 0;
    samples.push({
      metricName: `${name}_bucket`,
      labels: { ...labels, le: String(bound) },
      value: cumulative,
    });
  });
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: h.count });
  samples.push({ metricName: `${name}_sum`, labels, value: h.sumSeconds });
  samples.push({ metricName: `${name}_count`, labels, value: h.count });
  return samples;
}

export class EdgeMetrics {
  private readonly requestCounts = new Map<
    string,
    { labels: Record<string, string>; value: number }
  >();
  private readonly requestDurations = new Map<
    string,
    { labels: Record<string, string>; h: DurationSums }
  >();
  private readonly callCounts = new Map<
    string,
    { labels: Record<string, string>; value: number }
  >();
  private readonly callDurations = new Map<
    string,
    { labels: Record<string, string>; h: DurationSums }
  >();
  private readonly outboxes = new Map<
    string,
    { kind: string; pending: number; ageSeconds: number; atMs: number }
  >();

  ingest(batch: TelemetryBatch, nowMs: number): void {
    for (const r of batch.requests) {
      count(
        this.requestCounts,
        { route: r.route, method: r.method, code: String(r.status) },
        r.durations.count,
      );
      observe(this.requestDurations, { route: r.route, method: r.method }, r.durations);
    }
    for (const call of batch.actorCalls) {
      count(
        this.callCounts,
        { kind: call.kind, operation: call.operation, outcome: call.outcome },
        call.durations.count,
      );
      observe(this.callDurations, { kind: call.kind, operation: call.operation }, call.durations);
    }
    for (const o of batch.outboxes) {
      if (!this.outboxes.has(o.actor) && this.outboxes.size >= SERIES_MAX) continue;
      this.outboxes.set(o.actor, {
        kind: o.kind,
        pending: o.pending,
        ageSeconds: o.oldestAgeSeconds,
        atMs: nowMs,
      });
    }
  }

  /** Serves the edge's metrics from `registry`, beside the bridge's own. */
  register(registry: Registry, nowMs: () => number): void {
    const metric = (
      name: string,
      help: string,
      type: "counter" | "histogram" | "gauge",
      values: () => Sample[],
    ) =>
      registry.registerMetric({
        name,
        help,
        type,
        get: async () => ({ name, help, type, values: values(), aggregator: "sum" }),
        reset: () => {},
      } as unknown as Parameters<Registry["registerMetric"]>[0]);
    metric(
      "dizh_http_requests_total",
      "Requests the gateway answered, by route pattern, method and status",
      "counter",
      () => [...this.requestCounts.values()].map((s) => ({ labels: s.labels, value: s.value })),
    );
    metric(
      "dizh_http_request_duration_seconds",
      "Time the gateway took to answer, by route pattern and method",
      "histogram",
      () =>
        [...this.requestDurations.values()].flatMap((s) =>
          histogramSamples("dizh_http_request_duration_seconds", s.labels, s.h),
        ),
    );
    metric(
      "dizh_actor_calls_total",
      "Calls to actors (from the gateway and other actors), by kind, method and outcome",
      "counter",
      () => [...this.callCounts.values()].map((s) => ({ labels: s.labels, value: s.value })),
    );
    metric(
      "dizh_actor_call_duration_seconds",
      "Time an actor call took, caller to answer, by kind and method",
      "histogram",
      () =>
        [...this.callDurations.values()].flatMap((s) =>
          histogramSamples("dizh_actor_call_duration_seconds", s.labels, s.h),
        ),
    );
    metric(
      "dizh_outbox_pending_events",
      "Events waiting in actors' outboxes for the bridge, by actor kind",
      "gauge",
      () => this.outboxByKind(nowMs()).map(([kind, v]) => ({ labels: { kind }, value: v.pending })),
    );
    metric(
      "dizh_outbox_oldest_event_age_seconds",
      "Age of the oldest event waiting in any outbox, by actor kind",
      "gauge",
      () =>
        this.outboxByKind(nowMs()).map(([kind, v]) => ({ labels: { kind }, value: v.ageSeconds })),
    );
  }

  private outboxByKind(nowMs: number): [string, { pending: number; ageSeconds: number }][] {
    const byKind = new Map<string, { pending: number; ageSeconds: number }>();
    for (const [actor, report] of this.outboxes) {
      if (nowMs - report.atMs > OUTBOX_REPORT_TTL_MS) {
        this.outboxes.delete(actor);
        continue;
      }
      const sum = byKind.get(report.kind) ?? { pending: 0, ageSeconds: 0 };
      sum.pending += report.pending;
      if (report.pending > 0)
        sum.ageSeconds = Math.max(sum.ageSeconds, report.ageSeconds + (nowMs - report.atMs) / 1000);
      byKind.set(report.kind, sum);
    }
    return [...byKind.entries()];
  }
}

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(labels);
}

function count(
  map: Map<string, { labels: Record<string, string>; value: number }>,
  labels: Record<string, string>,
  n: number,
): void {
  const key = keyOf(labels);
  const series = map.get(key);
  if (series) series.value += n;
  else if (map.size < SERIES_MAX) map.set(key, { labels, value: n });
}

function observe(
  map: Map<string, { labels: Record<string, string>; h: DurationSums }>,
  labels: Record<string, string>,
  sums: DurationSums,
): void {
  const key = keyOf(labels);
  let series = map.get(key);
  if (!series) {
    if (map.size >= SERIES_MAX) return;
    series = { labels, h: emptySums() };
    map.set(key, series);
  }
  addSums(series.h, sums);
}
