import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { SystemHealth } from "../../schema/admin.ts";

/** The routes the System page lists: the busiest. */
const ROUTES_SHOWN = 8;

type Metric = MetricObjectWithValues<MetricValue<string>>;
type Value = MetricValue<string> & { metricName?: string };

/**
 * The admin's System page, read from the bridge's own registry (the series Prometheus scrapes):
 * the same numbers the dashboards and alerts use, for the embedded stack that has no Prometheus.
 * Pure: a registry's JSON in, the page's figures out.
 */
export function systemHealth(metrics: readonly Metric[], nowMs: number): SystemHealth {
  const byName = new Map(metrics.map((m) => [m.name, m.values as Value[]]));
  const values = (name: string) => byName.get(name) ?? [];

  const routes = new Map<string, { requests: number; errors: number }>();
  for (const v of values("dizh_http_requests_total")) {
    const route = String(v.labels.route ?? "");
    const entry = routes.get(route) ?? { requests: 0, errors: 0 };
    entry.requests += v.value;
    if (String(v.labels.code ?? "").startsWith("5")) entry.errors += v.value;
    routes.set(route, entry);
  }
  const buckets = new Map<string, Map<number, number>>();
  for (const v of values("dizh_http_request_duration_seconds")) {
    if (v.metricName !== "dizh_http_request_duration_seconds_bucket") continue;
    const route = String(v.labels.route ?? "");
    const le = v.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels.le);
    const perRoute = buckets.get(route) ?? new Map<number, number>();
    perRoute.set(le, (perRoute.get(le) ?? 0) + v.value);
    buckets.set(route, perRoute);
  }
  let total = 0;
  let errors = 0;
  for (const r of routes.values()) {
    total += r.requests;
    errors += r.errors;
  }

  const outboxes = new Map<string, { pending: number; oldestAgeSeconds: number }>();
  for (const v of values("dizh_outbox_pending_events"))
    outboxes.set(String(v.labels.kind), { pending: v.value, oldestAgeSeconds: 0 });
  for (const v of values("dizh_outbox_oldest_event_age_seconds")) {
    const entry = outboxes.get(String(v.labels.kind)) ?? { pending: 0, oldestAgeSeconds: 0 };
    entry.oldestAgeSeconds = v.value;
    outboxes.set(String(v.labels.kind), entry);
  }
  const lag = new Map<string, number>();
  for (const v of values("dizh_bridge_consumer_lag"))
    lag.set(String(v.labels.group), (lag.get(String(v.labels.group)) ?? 0) + v.value);
  const single = (name: string) => values(name)[0]?.value ?? null;
  const holds = single("dizh_ledger_open_holds");

  return {
    at: new Date(nowMs).toISOString(),
    bridge: "up",
    requests: { total, errors, errorRatio: total === 0 ? null : errors / total },
    routes: [...routes]
      .sort(([, a], [, b]) => b.requests - a.requests)
      .slice(0, ROUTES_SHOWN)
      .map(([route, r]) => ({
        route,
        ...r,
        p50Seconds: quantile(0.5, buckets.get(route)),
        p99Seconds: quantile(0.99, buckets.get(route)),
      })),
    outboxes: [...outboxes].map(([kind, o]) => ({
      kind,
      pending: Math.round(o.pending),
      oldestAgeSeconds: o.oldestAgeSeconds,
    })),
    consumerLag: [...lag].map(([group, n]) => ({ group, lag: n })),
    dispatch: {
      waiting: Math.round(single("dizh_dispatch_orders_waiting") ?? 0),
      oldestWaitingSeconds: single("dizh_dispatch_oldest_waiting_seconds") ?? 0,
    },
    ledger: {
      openHolds: holds === null ? null : Math.round(holds),
    },
  };
}

/**
 * A quantile from cumulative buckets, as Prometheus's histogram_quantile estimates it: linear
 * within the bucket it falls in; the highest finite bound when it falls past every bound.
 */
export function quantile(q: number, cumulative: Map<number, number> | undefined): number | null {
  if (!cumulative) return null;
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const count = cumulative.get(Number.POSITIVE_INFINITY) ?? 0;
  if (count === 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const upTo = cumulative.get(bound) ?? 0;
    if (upTo >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = upTo - lowerCount;
      return inBucket === 0
        ? bound
        : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = upTo;
  }
  return lowerBound;
}
