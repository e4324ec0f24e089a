import { describe, expect, it } from "vitest";
import type { Consumer } from "../../read-models/consumer.ts";
import type { DeadLetter } from "../../read-models/dead-letters.ts";
import type { EventEnvelope, Topic } from "../../schema/events.ts";
import { orderEvent, rawEvent } from "../../test/bridge/fixtures.ts";
import { InProcessBus, routeByTopic } from "./bus.ts";

/** A consumer that records what it was given, and answers as told. */
function recorder(
  name: string,
  topics: Topic[],
  answer: (events: readonly EventEnvelope[]) => Promise<string[]> = async () => [],
) {
  const calls: { topic: Topic; ids: string[] }[] = [];
  const consumer: Consumer = {
    name,
    topics,
    async apply(events, ctx) {
      calls.push({ topic: ctx.topic, ids: events.map((e) => e.id) });
      return { deadLettered: await answer(events) };
    },
  };
  return { consumer, calls };
}

function makeBus() {
  const letters: DeadLetter[] = [];
  const bus = new InProcessBus({
    deadLetters: async (batch) => {
      letters.push(...batch);
    },
  });
  return { bus, letters };
}

/** A promise and the hands that settle it, to hold a consumer mid-apply. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback already queued run; enough for a settled promise to be seen. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const orderA = "00000000-0000-4000-8000-00000000000a";
const orderB = "00000000-0000-4000-8000-00000000000b";
const restaurant = "00000000-0000-4000-8000-000000000010";

describe("routeByTopic", () => {
  it("splits a batch by topic and keeps each aggregate's events in arrival order", () => {
    const a2 = orderEvent("OrderAccepted", { orderId: orderA, seq: 2 });
    const paused = rawEvent({ type: "RestaurantPaused", aggregateId: restaurant });
    const b1 = orderEvent("OrderPlaced", { orderId: orderB, seq: 1 });
    const a1 = orderEvent("OrderPlaced", { orderId: orderA, seq: 1 });
    const unknown = rawEvent({ type: "OrderTeleported" });

    const routed = routeByTopic([a2, paused, b1, a1, unknown]);

    expect(routed.byTopic.get("order.events")).toEqual([a2, b1, a1]);
    expect(routed.byTopic.get("restaurant.events")).toEqual([paused]);
    expect(routed.unroutable).toEqual([unknown]);
  });
});

describe("InProcessBus", () => {
  it("hands each consumer the events of the topics it reads, and no others", async () => {
    const { bus } = makeBus();
    const orders = recorder("orders", ["order.events"]);
    const kitchens = recorder("kitchens", ["restaurant.events"]);
    const both = recorder("both", ["order.events", "restaurant.events"]);
    for (const r of [orders, kitchens, both]) bus.subscribe(r.consumer);
    const placed = orderEvent("OrderPlaced", { orderId: orderA, seq: 1 });
    const paused = rawEvent({ type: "RestaurantPaused", aggregateId: restaurant });

    await bus.publish([placed, paused]);

    expect(orders.calls).toEqual([{ topic: "order.events", ids: [placed.id] }]);
    expect(kitchens.calls).toEqual([{ topic: "restaurant.events", ids: [paused.id] }]);
    expect(both.calls).toEqual([
      { topic: "order.events", ids: [placed.id] },
      { topic: "restaurant.events", ids: [paused.id] },
    ]);
  });

  it("does not call a consumer whose topics the batch does not touch", async () => {
    const { bus } = makeBus();
    const kitchens = recorder("kitchens", ["restaurant.events"]);
    bus.subscribe(kitchens.consumer);

    await bus.publish([orderEvent("OrderPlaced", { orderId: orderA, seq: 1 })]);

    expect(kitchens.calls).toEqual([]);
  });

  it("sets events of unknown type aside in dead letters and reports them", async () => {
    const { bus, letters } = makeBus();
    const orders = recorder("orders", ["order.events"]);
    bus.subscribe(orders.consumer);
    const unknown = rawEvent({ type: "OrderTeleported" });
    const placed = orderEvent("OrderPlaced", { orderId: orderA, seq: 1 });

    const receipt = await bus.publish([unknown, placed]);

    expect(receipt.deadLettered).toEqual([unknown.id]);
    expect(letters).toMatchObject([
      {
        eventId: unknown.id,
        type: "OrderTeleported",
        error: 'unknown event type "OrderTeleported"',
      },
    ]);
    expect(orders.calls).toEqual([{ topic: "order.events", ids: [placed.id] }]);
  });

  it("reports the dead letters its consumers set aside", async () => {
    const { bus } = makeBus();
    bus.subscribe(recorder("orders", ["order.events"], async (events) => [events[0]!.id]).consumer);
    const placed = orderEvent("OrderPlaced", { orderId: orderA, seq: 1 });

    expect(await bus.publish([placed])).toEqual({ deadLettered: [placed.id] });
  });

  it("resolves only after every consumer has committed", async () => {
    const { bus } = makeBus();
    const slow = deferred<string[]>();
    bus.subscribe(recorder("fast", ["order.events"]).consumer);
    bus.subscribe(recorder("slow", ["order.events"], () => slow.promise).consumer);
    let resolved = false;

    const publishing = bus
      .publish([orderEvent("OrderPlaced", { orderId: orderA, seq: 1 })])
      .then(() => {
        resolved = true;
      });
    await drainMicrotasks();
    expect(resolved).toBe(false);

    slow.resolve([]);
    await publishing;
    expect(resolved).toBe(true);
  });

  it("fails the publication when a consumer fails, but only once the others have settled", async () => {
    const { bus } = makeBus();
    const slow = deferred<string[]>();
    bus.subscribe(
      recorder("broken", ["order.events"], async () => {
        throw new Error("database is down");
      }).consumer,
    );
    bus.subscribe(recorder("slow", ["order.events"], () => slow.promise).consumer);
    let outcome: unknown = "pending";

    const publishing = bus
      .publish([orderEvent("OrderPlaced", { orderId: orderA, seq: 1 })])
      .catch((error: unknown) => {
        outcome = error;
      });
    await drainMicrotasks();
    expect(outcome).toBe("pending");

    slow.resolve([]);
    await publishing;
    expect(outcome).toEqual(new Error("database is down"));
  });

  it("fails the publication when dead letters cannot be written", async () => {
    const bus = new InProcessBus({
      deadLetters: async () => {
        throw new Error("dead_letters is unreachable");
      },
    });

    await expect(bus.publish([rawEvent({ type: "OrderTeleported" })])).rejects.toThrow(
      "dead_letters is unreachable",
    );
  });

  it("accepts a batch no consumer reads", async () => {
    const { bus } = makeBus();

    await expect(
      bus.publish([rawEvent({ type: "RestaurantResumed", aggregateId: restaurant })]),
    ).resolves.toEqual({ deadLettered: [] });
  });

  it("refuses a second consumer with a name already taken", () => {
    const { bus } = makeBus();
    bus.subscribe(recorder("orders", ["order.events"]).consumer);

    expect(() => bus.subscribe(recorder("orders", ["restaurant.events"]).consumer)).toThrow(
      /already subscribed/,
    );
  });

  it("refuses to publish once closed", async () => {
    const { bus } = makeBus();
    await bus.close();

    await expect(
      bus.publish([orderEvent("OrderPlaced", { orderId: orderA, seq: 1 })]),
    ).rejects.toThrow(/closed/);
  });
});
