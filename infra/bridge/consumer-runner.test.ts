import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { ApplyReport, Consumer } from "../../read-models/consumer.ts";
import { backoffDelayMs } from "../../runtime/retry.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { deliveredOrder, rawEvent } from "../../test/bridge/fixtures.ts";
import {
  APPLY_BACKOFF,
  type BatchPayload,
  type DeadLetterRecord,
  decodeMessage,
  handleBatch,
  nextOffset,
} from "./consumer-runner.ts";
import { messageOf } from "./kafka-bus.ts";

/** A Kafka message as the broker would hand it back, at `offset`. */
function fetched(event: EventEnvelope | string, offset: number): KafkaMessage {
  const message =
    typeof event === "string"
      ? { key: "k", value: event, headers: {} }
      : (messageOf(event) as { key: string; value: string; headers: Record<string, string> });
  return {
    key: Buffer.from(message.key),
    value: Buffer.from(message.value),
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([name, value]) => [name, Buffer.from(value)]),
    ),
    offset: String(offset),
    timestamp: "0",
    attributes: 0,
  };
}

/** Everything the handler touches, recorded: applies, dead letters, offsets, commits. */
function harness(
  answer: (events: readonly EventEnvelope[], attempt: number) => Promise<ApplyReport>,
  options: { chunkMax?: number; running?: () => boolean } = {},
) {
  const calls: string[] = [];
  const applied: string[][] = [];
  const letters: DeadLetterRecord[] = [];
  let attempts = 0;
  const consumer: Consumer = {
    name: "recorder",
    topics: ["order.events"],
    async apply(events) {
      calls.push(`apply ${events.length}`);
      applied.push(events.map((e) => e.id));
      return answer(events, attempts++);
    },
  };
  const deps = {
    consumer,
    topic: "order.events" as const,
    prefix: "t.",
    sendDeadLetters: async (records: readonly DeadLetterRecord[]) => {
      calls.push(`dead letters ${records.length}`);
      letters.push(...records);
    },
    log: () => {},
    wait: async (ms: number) => {
      calls.push(`wait ${ms}`);
    },
    random: () => 0.5,
    nowMs: () => 0,
    ...(options.chunkMax ? { chunkMax: options.chunkMax } : {}),
  };
  const payload = (messages: KafkaMessage[]): BatchPayload => ({
    batch: { topic: "t.order.events", partition: 4, messages },
    resolveOffset: (offset) => calls.push(`resolve ${offset}`),
    heartbeat: async () => {},
    commitOffsetsIfNecessary: async (offsets) => {
      const partition = offsets?.topics[0]?.partitions[0];
      calls.push(`commit ${partition?.offset}`);
    },
    isRunning: options.running ?? (() => true),
    isStale: () => false,
  });
  return { deps, payload, calls, applied, letters };
}

const ok = async (): Promise<ApplyReport> => ({ deadLettered: [] });

describe("handleBatch", () => {
  it("applies, then commits the offset after the last message", async () => {
    const events = deliveredOrder();
    const h = harness(ok);

    await handleBatch(h.deps, h.payload(events.map((e, i) => fetched(e, 10 + i))));

    expect(h.applied).toEqual([events.map((e) => e.id)]);
    expect(h.calls).toEqual(["apply 9", "resolve 18", "commit 19"]);
  });

  it("commits chunk by chunk, so a long catch-up keeps its progress", async () => {
    const events = deliveredOrder();
    const h = harness(ok, { chunkMax: 4 });

    await handleBatch(h.deps, h.payload(events.map((e, i) => fetched(e, i))));

    expect(h.calls).toEqual([
      "apply 4",
      "resolve 3",
      "commit 4",
      "apply 4",
      "resolve 7",
      "commit 8",
      "apply 1",
      "resolve 8",
      "commit 9",
    ]);
  });

  it("produces what the consumer set aside to <topic>.dlq, with its reason, before committing", async () => {
    const [placed, accepted] = deliveredOrder();
    const h = harness(async () => ({
      deadLettered: [accepted!.id],
      reasons: { [accepted!.id]: "invalid OrderAccepted: nope" },
    }));

    await handleBatch(h.deps, h.payload([fetched(placed!, 0), fetched(accepted!, 1)]));

    expect(h.calls).toEqual(["apply 2", "dead letters 1", "resolve 1", "commit 2"]);
    expect(h.letters).toEqual([
      {
        topic: "t.order.events.dlq",
        key: Buffer.from(accepted!.aggregateId),
        value: Buffer.from(JSON.stringify(accepted)),
        headers: {
          type: "OrderAccepted",
          traceparent: accepted!.traceparent,
          "event-id": accepted!.id,
          error: "invalid OrderAccepted: nope",
          "dlq-consumer": "recorder",
          "dlq-topic": "t.order.events",
          "dlq-partition": "4",
          "dlq-offset": "1",
        },
      },
    ]);
  });

  it("sends a message that is no event envelope to the dead-letter topic without applying it", async () => {
    const [placed] = deliveredOrder();
    const h = harness(ok);

    await handleBatch(h.deps, h.payload([fetched("not json", 0), fetched(placed!, 1)]));

    expect(h.applied).toEqual([[placed!.id]]);
    expect(h.letters).toMatchObject([{ headers: { error: "the message value is not JSON" } }]);
    expect(h.calls.at(-1)).toBe("commit 2");
  });

  it("retries a failed apply with backoff, committing nothing until it succeeds", async () => {
    const [placed] = deliveredOrder();
    const h = harness(async (_, attempt) => {
      if (attempt < 2) throw new Error("database is down");
      return { deadLettered: [] };
    });

    await handleBatch(h.deps, h.payload([fetched(placed!, 7)]));

    expect(h.calls).toEqual([
      "apply 1",
      `wait ${backoffDelayMs(1, APPLY_BACKOFF, 0.5)}`,
      "apply 1",
      `wait ${backoffDelayMs(2, APPLY_BACKOFF, 0.5)}`,
      "apply 1",
      "resolve 7",
      "commit 8",
    ]);
  });

  it("gives up a failing batch uncommitted when the runner stops, for the next owner", async () => {
    const [placed] = deliveredOrder();
    let running = true;
    const h = harness(
      async () => {
        running = false;
        throw new Error("database is down");
      },
      { running: () => running },
    );

    await handleBatch(h.deps, h.payload([fetched(placed!, 0)]));

    expect(h.calls).toEqual(["apply 1"]);
  });

  it("stops between chunks once the runner is stopping, committing what it applied", async () => {
    const events = deliveredOrder();
    let chunks = 0;
    const h = harness(
      async () => {
        chunks++;
        return { deadLettered: [] };
      },
      { chunkMax: 3, running: () => chunks < 1 },
    );

    await handleBatch(h.deps, h.payload(events.map((e, i) => fetched(e, i))));

    expect(h.calls).toEqual(["apply 3", "resolve 2", "commit 3"]);
  });
});

describe("decodeMessage", () => {
  it("reads an envelope back as it was produced", () => {
    const event = rawEvent({ type: "RestaurantPaused", data: { reason: "staff" } });

    expect(decodeMessage(fetched(event, 0))).toMatchObject({ ok: true, event });
  });

  it("says why a message is not an envelope", () => {
    const decoded = decodeMessage(fetched(JSON.stringify({ id: "x" }), 0));

    expect(decoded).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not an event envelope/),
    });
  });
});

describe("offsets", () => {
  it("commits the offset after the last one, beyond 2^53 too", () => {
    expect(nextOffset("41")).toBe("42");
    expect(nextOffset("9007199254740993")).toBe("9007199254740994");
  });
});
