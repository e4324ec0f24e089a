import { describe, expect, it } from "vitest";
import { DURATION_BUCKETS_SECONDS } from "../schema/telemetry.ts";
import { Telemetry } from "./telemetry.ts";

describe("an isolate's telemetry", () => {
  it("sums requests per route, method and status into duration buckets", () => {
    const t = new Telemetry(0);
    t.request("/api/orders/:id", "GET", 200, 0.004);
    t.request("/api/orders/:id", "GET", 200, 0.3);
    t.request("/api/orders/:id", "GET", 200, 42);
    t.request("/api/orders/:id", "GET", 404, 0.01);
    const batch = t.take("gateway", 1_000);
    expect(batch.requests).toHaveLength(2);
    const ok = batch.requests.find((r) => r.status === 200)!;
    expect(ok.durations.count).toBe(3);
    expect(ok.durations.sumSeconds).toBeCloseTo(42.304);
    expect(ok.durations.buckets[0]).toBe(1); // <= 5 ms
    expect(ok.durations.buckets[DURATION_BUCKETS_SECONDS.indexOf(0.5)]).toBe(1);
    expect(ok.durations.buckets.at(-1)).toBe(1); // above every bound
  });

  it("ships only when it has something and the last shipment is old enough, then starts afresh", () => {
    const t = new Telemetry(0);
    expect(t.due(60_000, 10_000)).toBe(false);
    t.actorCall("OrderActor", "view", true, 0.02);
    expect(t.due(5_000, 10_000)).toBe(false);
    expect(t.due(10_000, 10_000)).toBe(true);
    expect(t.take("gateway", 10_000).actorCalls).toHaveLength(1);
    expect(t.due(30_000, 10_000)).toBe(false);
  });

  it("puts back a shipment that failed, adding to what came since", () => {
    const t = new Telemetry(0);
    t.request("/api/health", "GET", 200, 0.001);
    t.actorCall("ZoneActor", "supply", false, 1.5);
    t.outbox("OrderActor", "order:1", 3, 12);
    const failed = t.take("gateway", 10_000);
    t.request("/api/health", "GET", 200, 0.002);
    t.outbox("OrderActor", "order:1", 0, 0);
    t.restore(failed);
    const next = t.take("gateway", 20_000);
    expect(next.requests[0]?.durations.count).toBe(2);
    expect(next.actorCalls[0]).toMatchObject({ kind: "ZoneActor", outcome: "error" });
    // The newer report of the outbox stands.
    expect(next.outboxes).toEqual([
      { kind: "OrderActor", actor: "order:1", pending: 0, oldestAgeSeconds: 0 },
    ]);
  });

  it("holds a bounded number of series, whatever it is fed", () => {
    const t = new Telemetry(0);
    for (let i = 0; i < 5_000; i++) t.request(`/r/${i}`, "GET", 200, 0.01);
    expect(t.take("gateway", 1).requests.length).toBe(1_000);
  });
});
