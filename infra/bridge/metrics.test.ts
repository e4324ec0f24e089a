import { describe, expect, it } from "vitest";
import type { Consumer } from "../../read-models/consumer.ts";
import { deliveredOrder } from "../../test/bridge/fixtures.ts";
import { createBridgeMetrics, measured } from "./metrics.ts";

async function sampleOf(metrics: ReturnType<typeof createBridgeMetrics>, line: RegExp) {
  const { body } = await metrics.render();
  return Number(line.exec(body)?.[1] ?? Number.NaN);
}

describe("measured", () => {
  it("counts what a consumer was given, applied and set aside, and how long it took", async () => {
    const metrics = createBridgeMetrics();
    const events = deliveredOrder();
    const inner: Consumer = {
      name: "orders",
      topics: ["order.events"],
      apply: async () => ({ deadLettered: [events[0]!.id] }),
    };

    const report = await measured(inner, metrics, () => Date.parse(events[8]!.at) + 1_000).apply(
      events,
      { topic: "order.events" },
    );

    expect(report).toEqual({ deadLettered: [events[0]!.id] });
    const labels = 'consumer="orders",topic="order.events"';
    expect(await sampleOf(metrics, new RegExp(`events_consumed_total\\{${labels}\\} (\\d+)`))).toBe(
      9,
    );
    expect(await sampleOf(metrics, new RegExp(`events_applied_total\\{${labels}\\} (\\d+)`))).toBe(
      8,
    );
    expect(await sampleOf(metrics, new RegExp(`dead_letters_total\\{${labels}\\} (\\d+)`))).toBe(1);
    expect(await sampleOf(metrics, /apply_seconds_count\{consumer="orders"\} (\d+)/)).toBe(1);
    expect(await sampleOf(metrics, /event_delay_seconds_count\{consumer="orders"\} (\d+)/)).toBe(8);
  });

  it("counts a failed apply as an error and lets it through", async () => {
    const metrics = createBridgeMetrics();
    const inner: Consumer = {
      name: "orders",
      topics: ["order.events"],
      apply: async () => {
        throw new Error("database is down");
      },
    };

    await expect(
      measured(inner, metrics, Date.now).apply(deliveredOrder(), { topic: "order.events" }),
    ).rejects.toThrow("database is down");
    expect(
      await sampleOf(metrics, /apply_errors_total\{consumer="orders",topic="order.events"\} (\d+)/),
    ).toBe(1);
  });
});

describe("consumer lag", () => {
  it("is read from the lag source at scrape time", async () => {
    const metrics = createBridgeMetrics();
    metrics.setLagSource(async () => [
      { group: "g", topic: "order.events", partition: 3, lag: 42 },
    ]);

    expect(
      await sampleOf(
        metrics,
        /dizh_bridge_consumer_lag\{group="g",topic="order.events",partition="3"\} (\d+)/,
      ),
    ).toBe(42);
  });

  it("is left out, and counted, when Kafka cannot say", async () => {
    const metrics = createBridgeMetrics();
    metrics.setLagSource(async () => {
      throw new Error("broker down");
    });

    const { body } = await metrics.render();

    expect(body).not.toMatch(/^dizh_bridge_consumer_lag\{/m);
    expect(body).toMatch(/^dizh_bridge_consumer_lag_scrape_errors_total 1$/m);
  });
});
