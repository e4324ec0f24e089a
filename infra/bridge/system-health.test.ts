import { describe, expect, it } from "vitest";
import type { Db } from "../../runtime/db.ts";
import { createBridgeMetrics } from "./metrics.ts";
import { platformMetrics } from "./platform-metrics.ts";
import { quantile, systemHealth } from "./system-health.ts";

describe("the System page's figures", () => {
  it("estimate a quantile within its bucket, as histogram_quantile does", () => {
    const buckets = new Map([
      [0.1, 50],
      [1, 90],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(quantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(quantile(0.7, buckets)).toBeCloseTo(0.1 + 0.9 * (20 / 40));
    // Past every finite bound: the highest one, as Prometheus answers.
    expect(quantile(0.99, buckets)).toBe(1);
    expect(quantile(0.5, new Map([[Number.POSITIVE_INFINITY, 0]]))).toBeNull();
  });

  it("add up routes, errors and outboxes from the bridge's own registry", async () => {
    const metrics = createBridgeMetrics();
    const platform = platformMetrics(
      metrics.registry,
      { execute: async () => ({ rows: [{ n: 4 }] }) } as unknown as Db,
      () => 1_000,
    );
    const sums = (fast: number, slow: number) => {
      const buckets = new Array(12).fill(0);
      buckets[0] = fast;
      buckets[8] = slow;
      return { buckets, sumSeconds: fast * 0.004 + slow * 2, count: fast + slow };
    };
    platform.edge.ingest(
      {
        source: "gateway",
        requests: [
          { route: "/api/orders", method: "POST", status: 201, durations: sums(90, 8) },
          { route: "/api/orders", method: "POST", status: 500, durations: sums(0, 2) },
          { route: "/api/health", method: "GET", status: 200, durations: sums(10, 0) },
        ],
        actorCalls: [],
        outboxes: [{ kind: "OrderActor", actor: "order:1", pending: 7, oldestAgeSeconds: 30 }],
      },
      1_000,
    );
    const health = systemHealth(await metrics.registry.getMetricsAsJSON(), 1_000);
    expect(health.requests).toEqual({ total: 110, errors: 2, errorRatio: 2 / 110 });
    expect(health.routes[0]).toMatchObject({ route: "/api/orders", requests: 100, errors: 2 });
    expect(health.routes[0]?.p50Seconds).toBeLessThanOrEqual(0.005);
    expect(health.routes[0]?.p99Seconds).toBeGreaterThan(1);
    expect(health.outboxes).toEqual([{ kind: "OrderActor", pending: 7, oldestAgeSeconds: 30 }]);
    expect(health.ledger.openHolds).toBe(4);
  });
});
