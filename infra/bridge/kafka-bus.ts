import {
  type Admin,
  type IHeaders,
  Kafka,
  type LogEntry,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
  type RetryOptions,
} from "kafkajs";
import type { Consumer } from "../../read-models/consumer.ts";
import type { DeadLetterSink } from "../../read-models/dead-letters.ts";
import { describeError } from "../../runtime/redact.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { physicalName } from "../kafka/topics.ts";
import { type EventBus, type PublishReceipt, routeByTopic, unroutableLetters } from "./bus.ts";
import { ConsumerRunner, type DeadLetterRecord, HEADERS } from "./consumer-runner.ts";
import type { BridgeMetrics, LagSample } from "./metrics.ts";
import { SendQueue } from "./send-queue.ts";

/**
 * The Kafka bus: `publish` produces each event to its topic, keyed by aggregate id, and resolves
 * only once every in-sync replica has it (so the bridge acknowledges a batch to an actor only
 * after Kafka acknowledged it); `subscribe` runs the consumer as a consumer group member
 * (consumer-runner.ts). Consumers do not change between this bus and the in-process one.
 */

/** all: take batches and run consumers; ingest: batches only; consume: consumers only. */
export type BridgeMode = "all" | "ingest" | "consume";

export type KafkaOptions = {
  /** Bootstrap brokers, host:port. */
  brokers: string[];
  clientId: string;
  /** Put before every topic name and group id (topics.ts). */
  topicPrefix: string;
  sessionTimeoutMs: number;
  mode: BridgeMode;
};

/**
 * How long the partition leader may wait for the in-sync replicas to acknowledge. It sits under
 * the app's 8 s PUBLISH_TIMEOUT_MS, so Kafka answers (or refuses) before the actor is told 503.
 */
export const PRODUCE_ACK_TIMEOUT_MS = 5_000;

/**
 * A request with no answer is given up after this: longer than the acknowledgement timeout above,
 * so a slow-but-alive broker answers first.
 */
const REQUEST_TIMEOUT_MS = PRODUCE_ACK_TIMEOUT_MS + 1_000;

/** A broker that does not accept a connection in this long is treated as down. */
const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * kafkajs retries a failed send inside `send`, and reconnecting to a broker inside that again
 * (with the client's settings, not the producer's), so the attempts multiply. Two quick retries at
 * each level ride out a leader moving and report a broker that is down in under a second (its
 * defaults took 17 s here), well within the app's publish timeout: the actor hears 503 at once and
 * keeps its outbox, and the sends queued behind this one are not held up.
 */
const CLIENT_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 2 };

/**
 * Sends carry at most this many events: ten full outbox batches. More would only lengthen the
 * wait of the first batch in the group.
 */
export const SEND_EVENTS_MAX = 1_000;
/**
 * Payload per send. Every partition's share of one send is one record batch, which the topics
 * accept up to RECORD_BATCH_BYTES_MAX (2 MiB); 1 MiB of payload leaves room for keys and headers.
 */
export const SEND_BYTES_MAX = 1024 * 1024;

/** One record on its way to Kafka. */
type Outgoing = {
  topic: string;
  /** The logical topic, for the metrics; null for dead letters (counted where they are made). */
  counted: string | null;
  message: Message;
  bytes: number;
};

export type KafkaBusDeps = {
  options: KafkaOptions;
  deadLetters: DeadLetterSink;
  metrics: BridgeMetrics;
  log(line: Record<string, unknown>): void;
  nowMs(): number;
};

/** The message an event becomes: its envelope as JSON, keyed by its aggregate. */
export function messageOf(event: EventEnvelope): Message {
  const headers: IHeaders = {
    [HEADERS.type]: event.type,
    [HEADERS.traceparent]: event.traceparent,
    [HEADERS.eventId]: event.id,
  };
  return { key: event.aggregateId, value: JSON.stringify(event), headers };
}

/**
 * kafkajs warns that limited retries may break an idempotent producer's guarantees: true for a
 * producer that goes on after a failed send, which this bus never does (see #send).
 */
const ANSWERED_WARNING = "Limiting retries for the idempotent producer";

function kafkaLogger(log: (line: Record<string, unknown>) => void) {
  return () =>
    ({ namespace, label, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
      if (message.startsWith(ANSWERED_WARNING)) return;
      log({ msg: "kafka.client", level: label.toLowerCase(), namespace, message, ...rest });
    };
}

export class KafkaBus implements EventBus {
  readonly #deps: KafkaBusDeps;
  readonly #kafka: Kafka;
  readonly #runners = new Map<string, ConsumerRunner>();
  readonly #queue: SendQueue<Outgoing>;
  #producer: Promise<Producer> | null = null;
  #admin: Promise<Admin> | null = null;
  #closed = false;
  #started = false;

  constructor(deps: KafkaBusDeps) {
    if (deps.options.brokers.length === 0) throw new Error("kafka.brokers must not be empty");
    this.#deps = deps;
    this.#kafka = new Kafka({
      clientId: deps.options.clientId,
      brokers: deps.options.brokers,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      retry: CLIENT_RETRY,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogger(deps.log),
    });
    this.#queue = new SendQueue((records) => this.#send(records), {
      eventsMax: SEND_EVENTS_MAX,
      bytesMax: SEND_BYTES_MAX,
    });
    deps.metrics.setLagSource(() => this.consumerLag());
  }

  get mode(): BridgeMode {
    return this.#deps.options.mode;
  }

  subscribe(consumer: Consumer): void {
    if (this.#runners.has(consumer.name)) {
      throw new Error(`a consumer named "${consumer.name}" is already subscribed`);
    }
    const { options, log, nowMs, metrics } = this.#deps;
    const runner = new ConsumerRunner({
      kafka: this.#kafka,
      consumer,
      prefix: options.topicPrefix,
      sessionTimeoutMs: options.sessionTimeoutMs,
      sendDeadLetters: (records) => this.#produceDeadLetters(records),
      log,
      nowMs,
      metrics,
    });
    this.#runners.set(consumer.name, runner);
    if (this.#started) runner.start();
  }

  /**
   * Starts the consumers' group memberships and connects the producer, all in the background:
   * the bridge serves (and says it is not ready) while Kafka is still unreachable.
   */
  start(): void {
    this.#started = true;
    for (const runner of this.#runners.values()) runner.start();
    // Kafka may not be up yet: the first publish connects again (and says why it cannot).
    if (this.mode !== "consume")
      this.#connectedProducer().catch(this.#noted("kafka.connect_failed"));
  }

  async publish(events: readonly EventEnvelope[]): Promise<PublishReceipt> {
    if (this.#closed) throw new Error("the bus is closed");
    if (this.mode === "consume") throw new Error("this bridge only consumes (BRIDGE_MODE=consume)");
    const { byTopic, unroutable } = routeByTopic(events);
    const prefix = this.#deps.options.topicPrefix;

    const records: Outgoing[] = [];
    let bytes = 0;
    for (const [topic, list] of byTopic) {
      for (const event of list) {
        const message = messageOf(event);
        const size = Buffer.byteLength(message.value as string);
        bytes += size;
        records.push({ topic: physicalName(topic, prefix), counted: topic, message, bytes: size });
      }
    }

    const work: Promise<unknown>[] = [];
    if (records.length > 0) work.push(this.#queue.enqueue(records, bytes));
    if (unroutable.length > 0) {
      const letters = unroutableLetters(unroutable);
      work.push(
        this.#deps.deadLetters(letters).then(() => {
          this.#deps.metrics.deadLetters.inc({ consumer: "bridge", topic: "none" }, letters.length);
        }),
      );
    }
    const settled = await Promise.allSettled(work);
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
    if (failures.length > 0) {
      throw failures.length === 1
        ? failures[0]
        : new AggregateError(failures, "the batch could not be made durable");
    }
    return { deadLettered: unroutable.map((event) => event.id) };
  }

  /**
   * Resolves when Kafka answers: the producer connected (unless this bridge only consumes) and
   * the cluster's metadata read.
   */
  async ready(): Promise<void> {
    if (this.mode !== "consume") await this.#connectedProducer();
    const admin = await this.#connectedAdmin();
    try {
      await admin.describeCluster();
    } catch (error) {
      this.#retireAdmin();
      throw error;
    }
  }

  /**
   * Replays a consumer's topics from offset 0: the member leaves its group, the group's offsets are
   * reset to the earliest, and it joins again. Its consumer is idempotent, so replaying over an
   * existing read model changes nothing, and replaying into an emptied one rebuilds it. Kafka
   * allows the reset only while no member of the group is running, so every other bridge running
   * this consumer must be stopped first.
   */
  async replayFromStart(consumerName: string): Promise<void> {
    const runner = this.#runners.get(consumerName);
    if (!runner) throw new Error(`no consumer named "${consumerName}"`);
    await runner.stop();
    const admin = await this.#connectedAdmin();
    for (const topic of runner.topics.keys()) {
      await admin.resetOffsets({ groupId: runner.groupId, topic, earliest: true });
    }
    this.#deps.log({ msg: "consumer.replay", consumer: consumerName, group: runner.groupId });
    runner.start();
  }

  /** Each consumer group's lag per partition: the high watermark minus its committed offset. */
  async consumerLag(): Promise<LagSample[]> {
    if (this.#runners.size === 0) return [];
    const admin = await this.#connectedAdmin();
    const ends = new Map<string, Map<number, { high: bigint; low: bigint }>>();
    const samples: LagSample[] = [];
    try {
      for (const runner of this.#runners.values()) {
        const topics = [...runner.topics.keys()];
        const committed = await admin.fetchOffsets({ groupId: runner.groupId, topics });
        for (const { topic, partitions } of committed) {
          let end = ends.get(topic);
          if (!end) {
            end = new Map(
              (await admin.fetchTopicOffsets(topic)).map((p) => [
                p.partition,
                { high: BigInt(p.high), low: BigInt(p.low) },
              ]),
            );
            ends.set(topic, end);
          }
          for (const { partition, offset } of partitions) {
            const bounds = end.get(partition);
            if (!bounds) continue;
            // No commit yet (-1): everything still in the log is ahead of the group.
            const from = BigInt(offset) < 0n ? bounds.low : BigInt(offset);
            const lag = bounds.high > from ? bounds.high - from : 0n;
            samples.push({ group: runner.groupId, topic, partition, lag: Number(lag) });
          }
        }
      }
    } catch (error) {
      this.#retireAdmin();
      throw error;
    }
    return samples;
  }

  /**
   * Stops taking publications, lets the consumers finish and commit their batches in flight and
   * leave their groups, waits for sends in flight, and disconnects.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#runners.values()].map((runner) => runner.stop()));
    await this.#queue.idle();
    const producer = this.#producer;
    const admin = this.#admin;
    this.#producer = null;
    this.#admin = null;
    await Promise.all([
      producer?.then((p) => p.disconnect()).catch(this.#noted("kafka.disconnect_failed")),
      admin?.then((a) => a.disconnect()).catch(this.#noted("kafka.disconnect_failed")),
    ]);
  }

  #produceDeadLetters(records: readonly DeadLetterRecord[]): Promise<void> {
    const outgoing = records.map((record) => {
      const bytes = record.value?.length ?? 0;
      const message: Message = { key: record.key, value: record.value, headers: record.headers };
      return { topic: record.topic, counted: null, message, bytes };
    });
    return this.#queue.enqueue(
      outgoing,
      outgoing.reduce((sum, r) => sum + r.bytes, 0),
    );
  }

  async #send(records: readonly Outgoing[]): Promise<void> {
    const producer = this.#connectedProducer();
    const connected = await producer;
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic);
      if (list) list.push(record.message);
      else byTopic.set(record.topic, [record.message]);
    }
    const { metrics, nowMs } = this.#deps;
    const startedMs = nowMs();
    try {
      await connected.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: -1,
        timeout: PRODUCE_ACK_TIMEOUT_MS,
      });
    } catch (error) {
      metrics.produceErrors.inc();
      // A send that failed may still have been written, and kafkajs rolls its sequence numbers
      // back, so the next send would reuse them: Kafka would take it for a duplicate of the
      // written one and drop it without a word. A new producer (a new producer id) starts its
      // sequences afresh, which rules that out.
      this.#retireProducer(producer);
      throw error;
    } finally {
      metrics.produceSeconds.observe((nowMs() - startedMs) / 1000);
    }
    const counts = new Map<string, number>();
    for (const { counted } of records) {
      if (counted !== null) counts.set(counted, (counts.get(counted) ?? 0) + 1);
    }
    for (const [topic, count] of counts) metrics.eventsProduced.inc({ topic }, count);
  }

  /** The producer, connected: idempotent, one request in flight, never creating topics. */
  #connectedProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connecting = producer.connect().then(
        () => producer,
        async (error: unknown) => {
          if (this.#producer === connecting) this.#producer = null;
          await producer.disconnect().catch(this.#noted("kafka.disconnect_failed"));
          throw error;
        },
      );
      this.#producer = connecting;
    }
    return this.#producer;
  }

  #retireProducer(producer: Promise<Producer>): void {
    if (this.#producer !== producer) return;
    this.#producer = null;
    producer.then((p) => p.disconnect()).catch(this.#noted("kafka.disconnect_failed"));
  }

  #connectedAdmin(): Promise<Admin> {
    if (!this.#admin) {
      // Few, quick retries: readiness probes and scrapes must answer within their own timeouts.
      const admin = this.#kafka.admin({
        retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 },
      });
      const connecting = admin.connect().then(
        () => admin,
        async (error: unknown) => {
          if (this.#admin === connecting) this.#admin = null;
          await admin.disconnect().catch(this.#noted("kafka.disconnect_failed"));
          throw error;
        },
      );
      this.#admin = connecting;
    }
    return this.#admin;
  }

  #retireAdmin(): void {
    const admin = this.#admin;
    this.#admin = null;
    admin?.then((a) => a.disconnect()).catch(this.#noted("kafka.disconnect_failed"));
  }

  /** For an error that changes nothing (a client being closed anyway): logged, not thrown. */
  #noted(msg: string): (error: unknown) => void {
    return (error) => this.#deps.log({ msg, error: describeError(error) });
  }
}
