import type {
  Batch,
  EachBatchPayload,
  IHeaders,
  Kafka,
  Consumer as KafkaConsumer,
  KafkaMessage,
} from "kafkajs";
import { z } from "zod";
import type { ApplyReport, Consumer } from "../../read-models/consumer.ts";
import { describeError } from "../../runtime/redact.ts";
import { backoff, backoffDelayMs, retrying, sleepFor } from "../../runtime/retry.ts";
import { traceIdsOf } from "../../runtime/trace.ts";
import { EventEnvelope, type Topic } from "../../schema/events.ts";
import { deadLetterTopicOf, physicalName, RECORD_BATCH_BYTES_MAX } from "../kafka/topics.ts";
import type { BridgeMetrics } from "./metrics.ts";

/**
 * Runs a `Consumer` (the same one the in-process bus calls) as a member of a Kafka consumer group
 * named after it. Delivery is at least once: a chunk of a fetched batch is applied, its dead
 * letters are produced to `<topic>.dlq`, and only then is its offset committed; a crash anywhere
 * before the commit means the chunk comes again, which the consumer's idempotent apply turns into
 * no change. So the effect is exactly once.
 *
 * What the consumer cannot apply it sets aside itself (dead_letters) and reports; those events are
 * also produced to the dead-letter topic with the reason in a header, and the partition goes on.
 * What fails for reasons outside the event (the database is down) is retried in place with
 * backoff, holding the partition, because skipping would lose the event; a rebalance or a stop
 * interrupts the wait, leaving the chunk uncommitted for whoever owns the partition next.
 */

/**
 * A chunk is applied as one statement and then committed. 500 events of a few KB make a statement
 * of a megabyte or two, and committing every 500 keeps a long catch-up's progress when it stops.
 */
export const APPLY_EVENTS_MAX = 500;

/**
 * Partitions of one group member applied at once. Consumers tolerate concurrent batches (two
 * bridges do that anyway), and different partitions never share an aggregate; three keeps the
 * database busy while one batch waits for the network, without hogging its pool of four.
 */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 3;

/**
 * A failed apply is retried in place from 200 ms, doubling up to 5 s (a database back from an
 * outage is noticed within that), for as long as the partition is this member's: skipping would
 * lose the event.
 */
export const APPLY_BACKOFF = backoff("consumer.apply", {
  baseMs: 200,
  maxMs: 5_000,
  attemptsMax: Number.POSITIVE_INFINITY,
});

/**
 * A fetch with nothing to return waits at most this long on the broker. It is also how long a
 * stop may wait for an idle long poll; data that arrives meanwhile is returned at once.
 */
export const FETCH_WAIT_MS_MAX = 1_000;

/**
 * A group member that crashed for good (kafkajs gave up, or could not connect) is started again
 * after this, doubling up to the cap: a broker back from an outage is used within seconds, and an
 * attempt every few seconds while it is away costs nothing.
 */
export const RESTART_BACKOFF = backoff("consumer.restart", {
  baseMs: 1_000,
  maxMs: 5_000,
  attemptsMax: Number.POSITIVE_INFINITY,
});

/** Heartbeats are sent at a third of the session timeout (Kafka's advice), at most every 3 s. */
function heartbeatIntervalOf(sessionTimeoutMs: number): number {
  return Math.min(3_000, Math.floor(sessionTimeoutMs / 3));
}

/** The header names a produced event carries (kafka-bus.ts) and a dead letter adds. */
export const HEADERS = {
  type: "type",
  traceparent: "traceparent",
  eventId: "event-id",
  error: "error",
  consumer: "dlq-consumer",
  sourceTopic: "dlq-topic",
  sourcePartition: "dlq-partition",
  sourceOffset: "dlq-offset",
} as const;

export type Decoded =
  | { ok: true; event: EventEnvelope; message: KafkaMessage }
  | { ok: false; error: string; message: KafkaMessage };

/** A Kafka message read as an event envelope, or why it is not one. */
export function decodeMessage(message: KafkaMessage): Decoded {
  if (message.value === null) return { ok: false, error: "the message has no value", message };
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString("utf8"));
  } catch {
    return { ok: false, error: "the message value is not JSON", message };
  }
  const parsed = EventEnvelope.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: `not an event envelope: ${z.prettifyError(parsed.error)}`,
      message,
    };
  }
  return { ok: true, event: parsed.data, message };
}

/** What goes to a dead-letter topic: the message as it was, plus where it came from and why. */
export type DeadLetterRecord = {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
};

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(",") : value.toString();
  }
  return out;
}

export function deadLetterRecordOf(options: {
  message: KafkaMessage;
  error: string;
  consumer: string;
  topic: Topic;
  physicalTopic: string;
  partition: number;
  prefix: string;
}): DeadLetterRecord {
  return {
    topic: physicalName(deadLetterTopicOf(options.topic), options.prefix),
    key: options.message.key,
    value: options.message.value,
    headers: {
      ...headersOf(options.message.headers),
      [HEADERS.error]: options.error,
      [HEADERS.consumer]: options.consumer,
      [HEADERS.sourceTopic]: options.physicalTopic,
      [HEADERS.sourcePartition]: String(options.partition),
      [HEADERS.sourceOffset]: options.message.offset,
    },
  };
}

/** The dead letters of one applied chunk: the unreadable messages and what the consumer set aside. */
export function deadLettersOf(
  chunk: readonly Decoded[],
  report: ApplyReport,
  context: {
    consumer: string;
    topic: Topic;
    physicalTopic: string;
    partition: number;
    prefix: string;
  },
): DeadLetterRecord[] {
  const setAside = new Set(report.deadLettered);
  const records: DeadLetterRecord[] = [];
  const seen = new Set<string>();
  for (const decoded of chunk) {
    let error: string;
    if (!decoded.ok) {
      error = decoded.error;
    } else {
      const id = decoded.event.id;
      // The same event twice in a chunk (a resent batch) is one dead letter.
      if (!setAside.has(id) || seen.has(id)) continue;
      seen.add(id);
      error = report.reasons?.[id] ?? `set aside by ${context.consumer}`;
    }
    records.push(deadLetterRecordOf({ message: decoded.message, error, ...context }));
  }
  return records;
}

/** Kafka offsets are int64 strings; the committed offset is the next one to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export type BatchHandlerDeps = {
  consumer: Consumer;
  topic: Topic;
  prefix: string;
  sendDeadLetters(records: readonly DeadLetterRecord[]): Promise<void>;
  log(line: Record<string, unknown>): void;
  /** Waits, or returns early once the runner is stopping. */
  wait(ms: number): Promise<void>;
  /** In [0, 1): the retries' jitter; Math.random unless a test fixes it. */
  random?: () => number;
  nowMs(): number;
  metrics?: Pick<BridgeMetrics, "deadLettersProduced" | "unreadableMessages">;
  chunkMax?: number;
};

export type BatchPayload = Pick<
  EachBatchPayload,
  "resolveOffset" | "heartbeat" | "commitOffsetsIfNecessary" | "isRunning" | "isStale"
> & { batch: Pick<Batch, "topic" | "partition" | "messages"> };

const STOPPED = Symbol("stopped");

/**
 * Retries `work` with backoff until it succeeds, or returns STOPPED once the partition is no
 * longer ours to work on (stopping, or taken away by a rebalance). A rebalance seen by the
 * heartbeat throws out of here, which is what kafkajs wants to rejoin.
 */
async function persist<T>(
  what: string,
  work: () => Promise<T>,
  deps: BatchHandlerDeps,
  payload: BatchPayload,
): Promise<T | typeof STOPPED> {
  const gone = () => !payload.isRunning() || payload.isStale();
  let stopped = false;
  try {
    return await retrying(
      async (attempt) => {
        if (attempt > 1) {
          if (gone()) {
            stopped = true;
            throw STOPPED;
          }
          await payload.heartbeat();
        }
        return work();
      },
      APPLY_BACKOFF,
      {
        retryIf: (error) => error !== STOPPED && !gone(),
        onRetry: ({ attempt, delayMs, error }) =>
          deps.log({
            msg: "consumer.retry",
            consumer: deps.consumer.name,
            what,
            topic: deps.topic,
            partition: payload.batch.partition,
            attempt,
            delayMs,
            error: describeError(error),
          }),
        sleep: deps.wait,
        random: deps.random,
      },
    );
  } catch (error) {
    if (stopped || gone()) return STOPPED;
    throw error;
  }
}

/**
 * One fetched batch of one partition: chunk by chunk, apply, produce the dead letters, commit.
 * Returns early, leaving the rest uncommitted, when the runner stops or the partition moves.
 */
export async function handleBatch(deps: BatchHandlerDeps, payload: BatchPayload): Promise<void> {
  const { batch } = payload;
  const chunkMax = deps.chunkMax ?? APPLY_EVENTS_MAX;
  const decoded = batch.messages.map(decodeMessage);
  const context = {
    consumer: deps.consumer.name,
    topic: deps.topic,
    physicalTopic: batch.topic,
    partition: batch.partition,
    prefix: deps.prefix,
  };
  for (let start = 0; start < decoded.length; start += chunkMax) {
    if (!payload.isRunning() || payload.isStale()) return;
    const startedMs = deps.nowMs();
    const chunk = decoded.slice(start, start + chunkMax);
    const events = chunk.flatMap((d) => (d.ok ? [d.event] : []));
    const report =
      events.length === 0
        ? { deadLettered: [] }
        : await persist(
            "apply",
            () => deps.consumer.apply(events, { topic: deps.topic }),
            deps,
            payload,
          );
    if (report === STOPPED) return;

    const letters = deadLettersOf(chunk, report, context);
    if (letters.length > 0) {
      const sent = await persist(
        "dead letters",
        () => deps.sendDeadLetters(letters),
        deps,
        payload,
      );
      if (sent === STOPPED) return;
      deps.metrics?.deadLettersProduced.inc({ topic: deps.topic }, letters.length);
    }
    const unreadable = chunk.length - events.length;
    if (unreadable > 0) deps.metrics?.unreadableMessages.inc({ topic: deps.topic }, unreadable);

    const last = chunk.at(-1)!.message.offset;
    payload.resolveOffset(last);
    await payload.commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition: batch.partition, offset: nextOffset(last) }],
        },
      ],
    });
    deps.log({
      msg: "consumer.batch",
      consumer: deps.consumer.name,
      topic: deps.topic,
      partition: batch.partition,
      firstOffset: chunk[0]!.message.offset,
      lastOffset: last,
      count: chunk.length,
      deadLettered: letters.length,
      unreadable,
      durationMs: deps.nowMs() - startedMs,
      traceIds: traceIdsOf(events),
    });
    await payload.heartbeat();
  }
}

export type RunnerOptions = {
  kafka: Kafka;
  consumer: Consumer;
  /** Prefix of topic names and of the group id (see topics.ts). */
  prefix: string;
  sessionTimeoutMs: number;
  sendDeadLetters(records: readonly DeadLetterRecord[]): Promise<void>;
  log(line: Record<string, unknown>): void;
  nowMs(): number;
  metrics?: BridgeMetrics;
};

/**
 * One consumer's group membership, kept alive: started in the background (Kafka may not be up
 * yet), restarted with backoff if kafkajs gives up, and stopped cleanly: the batch in flight is
 * finished and committed before the member leaves the group, so its partitions move on at once.
 */
export class ConsumerRunner {
  readonly groupId: string;
  /** The topics on the broker (prefixed), and the logical topic each one is. */
  readonly topics: ReadonlyMap<string, Topic>;
  readonly #options: RunnerOptions;
  #loop: Promise<void> | null = null;
  #stopping: AbortController | null = null;
  #member: KafkaConsumer | null = null;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.groupId = physicalName(options.consumer.name, options.prefix);
    this.topics = new Map(options.consumer.topics.map((t) => [physicalName(t, options.prefix), t]));
  }

  get name(): string {
    return this.#options.consumer.name;
  }

  /** Joins the group in the background; see `stop`. Starting a running runner does nothing. */
  start(): void {
    if (this.#loop) return;
    const stopping = new AbortController();
    this.#stopping = stopping;
    this.#loop = this.#supervise(stopping.signal);
  }

  /** Finishes the batch in flight, commits it, leaves the group. */
  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#stopping?.abort();
    await this.#member?.disconnect().catch((error: unknown) => {
      this.#options.log({
        msg: "consumer.stop_failed",
        consumer: this.name,
        error: describeError(error),
      });
    });
    await this.#loop;
    this.#loop = null;
    this.#member = null;
  }

  async #supervise(signal: AbortSignal): Promise<void> {
    const { log } = this.#options;
    for (let attempt = 0; !signal.aborted; attempt++) {
      const member = this.#newMember(signal);
      this.#member = member;
      const crashed = new Promise<void>((resolve) => {
        member.on(member.events.CRASH, ({ payload }) => {
          log({
            msg: "consumer.crash",
            consumer: this.name,
            restart: payload.restart,
            error: describeError(payload.error),
          });
          // kafkajs restarts by itself after a retriable crash; otherwise this loop does.
          if (!payload.restart) resolve();
        });
      });
      const stopped = new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      try {
        await member.connect();
        await member.subscribe({ topics: [...this.topics.keys()], fromBeginning: true });
        await member.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
          eachBatch: (payload) => this.#handle(payload, signal),
        });
        attempt = 0;
        await Promise.race([crashed, stopped]);
      } catch (error) {
        log({ msg: "consumer.start_failed", consumer: this.name, error: describeError(error) });
      }
      if (signal.aborted) return;
      await member.disconnect().catch((error: unknown) => {
        log({
          msg: "consumer.disconnect_failed",
          consumer: this.name,
          error: describeError(error),
        });
      });
      const delayMs = backoffDelayMs(attempt + 1, RESTART_BACKOFF, Math.random());
      log({ msg: "consumer.restarting", consumer: this.name, delayMs });
      await sleepFor(delayMs, signal);
    }
  }

  #newMember(signal: AbortSignal): KafkaConsumer {
    const { kafka, sessionTimeoutMs, log } = this.#options;
    const member = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalOf(sessionTimeoutMs),
      maxBytesPerPartition: RECORD_BATCH_BYTES_MAX,
      maxWaitTimeInMs: FETCH_WAIT_MS_MAX,
      allowAutoTopicCreation: false,
      // kafkajs restarts a member after a retriable crash (the broker went away) once the retry
      // time has passed; a cap of 5 s means a broker back from an outage is used within seconds.
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        retries: 5,
        restartOnFailure: async () => !signal.aborted,
      },
    });
    member.on(member.events.GROUP_JOIN, ({ payload }) => {
      log({
        msg: "consumer.joined",
        consumer: this.name,
        group: payload.groupId,
        leader: payload.isLeader,
        assignment: payload.memberAssignment,
      });
    });
    return member;
  }

  #handle(payload: EachBatchPayload, signal: AbortSignal): Promise<void> {
    const topic = this.topics.get(payload.batch.topic);
    if (!topic)
      throw new Error(`${this.name} got a batch of unexpected topic ${payload.batch.topic}`);
    const { consumer, prefix, sendDeadLetters, log, nowMs, metrics } = this.#options;
    return handleBatch(
      {
        consumer,
        topic,
        prefix,
        sendDeadLetters,
        log,
        nowMs,
        wait: (ms) => sleepFor(ms, signal),
        ...(metrics ? { metrics } : {}),
      },
      payload,
    );
  }
}
