import type { EventEnvelope, Topic } from "../schema/events.ts";

/**
 * What a read model implements to be fed events. The bridge's buses (infra/bridge/bus.ts, the
 * in-process one and Kafka's) call `apply` and cannot be told apart by a consumer.
 */

/** What a consumer learns about the batch it is given. */
export type ConsumeContext = {
  /** The topic every event in the batch came from. */
  topic: Topic;
};

/** What a consumer reports back once its batch is committed. */
export type ApplyReport = {
  /** Ids of events it set aside in dead letters instead of applying. */
  deadLettered: string[];
  /**
   * Why, by event id. A bus that forwards dead letters (Kafka's `<topic>.dlq`) puts the reason in
   * a header, so whoever reads the dead-letter topic sees it without the database.
   */
  reasons?: Readonly<Record<string, string>>;
};

/**
 * A reader of one or more topics. `apply` resolves only once its effects are committed, and it
 * must be idempotent and tolerate out-of-order delivery: a bus delivers at least once (a batch is
 * redelivered after a crash or a lost acknowledgement) and two batches for one aggregate may be
 * applied concurrently (two bridges, or an actor's retry racing its first attempt). Within one
 * batch, an aggregate's events come in the order they were published.
 */
export type Consumer = {
  /** Unique per bus; it becomes the Kafka consumer group id, so renaming it replays the topic. */
  name: string;
  topics: readonly Topic[];
  apply(events: readonly EventEnvelope[], ctx: ConsumeContext): Promise<ApplyReport>;
};
