import type { Consumer } from "../../read-models/consumer.ts";
import {
  type DeadLetter,
  type DeadLetterSink,
  deadLetterOf,
} from "../../read-models/dead-letters.ts";
import { type EventEnvelope, type Topic, topicOf } from "../../schema/events.ts";

/**
 * The seam between receiving events and applying them: the in-process bus (the embedded
 * default) applies them at once; the Kafka bus (kafka-bus.ts) produces them to topics (keyed by
 * aggregate id) and runs the same consumers from consumer groups. Consumers are written against
 * this file only, so they cannot tell which bus feeds them.
 */

/** What publishing learnt on the way: the events set aside in dead letters. */
export type PublishReceipt = {
  /**
   * Ids of events recorded in dead letters during publication: always the unroutable ones; with
   * the in-process bus also those its consumers set aside (a Kafka bus learns those later, in the
   * consumer, and reports them there).
   */
  deadLettered: string[];
};

export interface EventBus {
  /**
   * Makes the events durable downstream and resolves only then; a rejection means none may be
   * treated as delivered (the sender retries the whole batch, which is safe because every consumer
   * is idempotent).
   */
  publish(events: readonly EventEnvelope[]): Promise<PublishReceipt>;
  /** Registers a consumer; throws if its name is taken. */
  subscribe(consumer: Consumer): void;
  /** Stops accepting publications and releases what the bus holds (producers, consumers). */
  close(): Promise<void>;
}

export type Routed = {
  /** Each topic's events, in publication order, so per-aggregate order is kept. */
  byTopic: Map<Topic, EventEnvelope[]>;
  /** Events whose type belongs to no topic: nobody could ever read them. */
  unroutable: EventEnvelope[];
};

/** Splits a batch by topic (the table in ARCHITECTURE.md), keeping arrival order in each topic. */
export function routeByTopic(events: readonly EventEnvelope[]): Routed {
  const byTopic = new Map<Topic, EventEnvelope[]>();
  const unroutable: EventEnvelope[] = [];
  for (const event of events) {
    const topic = topicOf(event.type);
    if (topic === null) {
      unroutable.push(event);
      continue;
    }
    const list = byTopic.get(topic);
    if (list) list.push(event);
    else byTopic.set(topic, [event]);
  }
  return { byTopic, unroutable };
}

/** The dead letters for events no topic takes. */
export function unroutableLetters(events: readonly EventEnvelope[]): DeadLetter[] {
  return events.map((event) => deadLetterOf(event, `unknown event type "${event.type}"`));
}

/**
 * The embedded bus: publishing runs every consumer of the batch's topics right away, in this
 * process, and resolves once all of them have committed. There is no log in between, so "durable
 * downstream" means "applied by every consumer"; a topic nobody reads has nothing to keep (the
 * Kafka bus keeps it for consumers that come later).
 *
 * Consumers run concurrently with one another, each over its topics one after another. If any
 * fails, the publication fails after all have settled, so nothing is still writing when the
 * sender is told to retry.
 */
export class InProcessBus implements EventBus {
  readonly #consumers = new Map<string, Consumer>();
  readonly #deadLetters: DeadLetterSink;
  #closed = false;

  constructor(deps: { deadLetters: DeadLetterSink }) {
    this.#deadLetters = deps.deadLetters;
  }

  subscribe(consumer: Consumer): void {
    if (this.#consumers.has(consumer.name)) {
      throw new Error(`a consumer named "${consumer.name}" is already subscribed`);
    }
    this.#consumers.set(consumer.name, consumer);
  }

  async publish(events: readonly EventEnvelope[]): Promise<PublishReceipt> {
    if (this.#closed) throw new Error("the bus is closed");
    const { byTopic, unroutable } = routeByTopic(events);

    const work: Promise<string[]>[] = [];
    if (unroutable.length > 0) {
      const letters = unroutableLetters(unroutable);
      work.push(this.#deadLetters(letters).then(() => letters.map((l) => l.eventId)));
    }
    for (const consumer of this.#consumers.values()) {
      const batches = consumer.topics.flatMap((topic) => {
        const batch = byTopic.get(topic);
        return batch ? [{ topic, batch }] : [];
      });
      if (batches.length > 0) work.push(runConsumer(consumer, batches));
    }

    const settled = await Promise.allSettled(work);
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
    if (failures.length > 0) {
      throw failures.length === 1
        ? failures[0]
        : new AggregateError(failures, "several consumers failed to apply the batch");
    }
    // Two consumers may both set one event aside: it is still one dead letter.
    return {
      deadLettered: [...new Set(settled.flatMap((s) => (s.status === "fulfilled" ? s.value : [])))],
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

async function runConsumer(
  consumer: Consumer,
  batches: { topic: Topic; batch: EventEnvelope[] }[],
): Promise<string[]> {
  const deadLettered: string[] = [];
  for (const { topic, batch } of batches) {
    const report = await consumer.apply(batch, { topic });
    deadLettered.push(...report.deadLettered);
  }
  return deadLettered;
}
