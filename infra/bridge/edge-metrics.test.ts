import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { TelemetryBatch } from "../../schema/telemetry.ts";
import { EdgeMetrics, OUTBOX_REPORT_TTL_MS } from "./edge-metrics.ts";

const sums = (counts: number[], sumSeconds: number) => {
  const buckets = new Array(12).fill(0);
  counts.forEach((n, i) => {
    buckets[i] = n;
  });
  return { buckets, sumSeconds, count: counts.reduce((a, b) => a + b, 0) };
};

const batch = (over: Partial<TelemetryBatch>): TelemetryBatch => ({
  source: "gateway",
  requests: [],
  actorCalls: [],
  outboxes: [],
  ...over,
});

async function scrape(metrics: EdgeMetrics, nowMs: number): Promise<string> {
  const registry = new Registry();
  metrics.register(registry, () => nowMs);
  return registry.metrics();
}

describe("the edge's metrics at the bridge", () => {
  it("adds up what every isolate shipped, as counters and cumulative histograms", async () => {
    const m = new EdgeMetrics();
    const request = { route: "/api/orders/:id", method: "GET" as const, status: 200 };
    m.ingest(batch({ requests: [{ ...request, durations: sums([1, 2], 0.03) }] }), 0);
    m.ingest(
      batch({ requests: [{ ...request, durations: sums([0, 0, 0, 0, 0, 0, 0, 0, 1], 2) }] }),
      0,
    );
    m.ingest(
      batch({
        actorCalls: [
          { kind: "OrderActor", operation: "view", outcome: "error", durations: sums([1], 0.001) },
        ],
      }),
      0,
    );
    const text = await scrape(m, 0);
    expect(text).toContain(
      'dizh_http_requests_total{route="/api/orders/:id",method="GET",code="200"} 4',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_bucket{route="/api/orders/:id",method="GET",le="0.005"} 1',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_bucket{route="/api/orders/:id",method="GET",le="0.01"} 3',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_bucket{route="/api/orders/:id",method="GET",le="1"} 3',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_bucket{route="/api/orders/:id",method="GET",le="2.5"} 4',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_bucket{route="/api/orders/:id",method="GET",le="+Inf"} 4',
    );
    expect(text).toContain(
      'dizh_http_request_duration_seconds_count{route="/api/orders/:id",method="GET"} 4',
    );
    expect(text).toContain(
      'dizh_actor_calls_total{kind="OrderActor",operation="view",outcome="error"} 1',
    );
    expect(text).toContain("# TYPE dizh_http_request_duration_seconds histogram");
  });

  it("sums outbox depth per kind, ages the oldest report, and forgets actors that stopped reporting", async () => {
    const m = new EdgeMetrics();
    m.ingest(
      batch({
        outboxes: [
          { kind: "OrderActor", actor: "order:a", pending: 3, oldestAgeSeconds: 10 },
          { kind: "OrderActor", actor: "order:b", pending: 2, oldestAgeSeconds: 40 },
          { kind: "DriverActor", actor: "driver:c", pending: 0, oldestAgeSeconds: 0 },
        ],
      }),
      0,
    );
    const now = await scrape(m, 5_000);
    expect(now).toContain('dizh_outbox_pending_events{kind="OrderActor"} 5');
    expect(now).toContain('dizh_outbox_oldest_event_age_seconds{kind="OrderActor"} 45');
    expect(now).toContain('dizh_outbox_pending_events{kind="DriverActor"} 0');
    const later = await scrape(m, OUTBOX_REPORT_TTL_MS + 1);
    expect(later).not.toContain("dizh_outbox_pending_events{");
  });
});
