import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../schema/events.ts";
import { LIVE_WINDOW_MS, streamMetrics } from "./stream-metrics.ts";

const T0 = Date.parse("2026-12-07T12:00:00Z");
const ORDER = "6f1b2c3d-0000-4000-8000-000000000001";

function orderEvent(
  type: string,
  atMs: number,
  facts: { status: string; driverId: string | null },
  extra: Record<string, unknown> = {},
): EventEnvelope {
  return {
    id: crypto.randomUUID(),
    type,
    aggregateId: ORDER,
    seq: 1,
    at: new Date(atMs).toISOString(),
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    data: {
      order: {
        status: facts.status,
        driverStage: facts.driverId ? "assigned" : "unassigned",
        customerId: crypto.randomUUID(),
        restaurantId: crypto.randomUUID(),
        restaurantName: "Diner",
        driverId: facts.driverId,
        subtotalCents: 1_500,
        totalCents: 2_199,
        placedAt: new Date(T0).toISOString(),
      },
      ...extra,
    },
  } as EventEnvelope;
}

async function value(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
  return (
    values.find((v) => v.metricName === undefined || v.metricName === `${name}_count`)?.value ??
    Number.NaN
  );
}

describe("the platform's business, counted from the stream", () => {
  it("counts orders and their value, watches them wait for a courier, and times the wait", async () => {
    const registry = new Registry();
    let now = T0 + 30_000;
    const consumer = streamMetrics(registry, () => now);
    const driverId = crypto.randomUUID();
    await consumer.apply(
      [
        orderEvent(
          "OrderPlaced",
          T0,
          { status: "placed", driverId: null },
          {
            deliveryFeeCents: 299,
            serviceFeeCents: 100,
            tipCents: 300,
            lineCount: 1,
            dropoff: { lat: 30.27, lng: -97.74 },
          },
        ),
      ],
      { topic: "order.events" },
    );
    expect(await value(registry, "dizh_orders_placed_total")).toBe(1);
    expect(await value(registry, "dizh_orders_gross_value_cents_total")).toBe(2_199);
    expect(await value(registry, "dizh_dispatch_orders_waiting")).toBe(1);
    expect(await value(registry, "dizh_dispatch_oldest_waiting_seconds")).toBe(30);

    now = T0 + 95_000;
    await consumer.apply(
      [orderEvent("DriverAssigned", T0 + 90_000, { status: "preparing", driverId }, { driverId })],
      { topic: "order.events" },
    );
    expect(await value(registry, "dizh_dispatch_orders_waiting")).toBe(0);
    const assign = await registry.getSingleMetric("dizh_dispatch_time_to_assign_seconds")?.get();
    const sums = (assign?.values ?? []) as { metricName?: string; value: number }[];
    expect(
      sums.find((v) => v.metricName === "dizh_dispatch_time_to_assign_seconds_sum")?.value,
    ).toBe(90);
  });

  it("does not count history again when the topic is replayed", async () => {
    const registry = new Registry();
    const consumer = streamMetrics(registry, () => T0 + LIVE_WINDOW_MS + 1);
    await consumer.apply(
      [orderEvent("OrderDelivered", T0, { status: "delivered", driverId: crypto.randomUUID() })],
      { topic: "order.events" },
    );
    expect(await value(registry, "dizh_orders_delivered_total")).toBe(0);
  });

  it("counts a ledger transfer once, though each side of it is an event", async () => {
    const registry = new Registry();
    const consumer = streamMetrics(registry, () => T0);
    const entry = (side: string) =>
      ({
        id: crypto.randomUUID(),
        type: "TransferRecorded",
        aggregateId: crypto.randomUUID(),
        seq: 1,
        at: new Date(T0).toISOString(),
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        data: { side, kind: "pending" },
      }) as EventEnvelope;
    await consumer.apply([entry("debit"), entry("credit")], { topic: "ledger.transfers" });
    const transfers = await registry.getSingleMetric("dizh_ledger_transfers_total")?.get();
    expect(transfers?.values).toEqual([
      expect.objectContaining({ labels: { kind: "pending" }, value: 1 }),
    ]);
  });
});
