import { type Admin, type IHeaders, Kafka, logLevel } from "kafkajs";
import type { KafkaOptions } from "../../infra/bridge/kafka-bus.ts";
import { ensureTopics } from "../../infra/kafka/topics.ts";

/**
 * Builders for the tests that run on the real broker (the kafka project starts one for all
 * files): topics of one's own under a fresh prefix, the bridge's Kafka options, and a reader that
 * takes a topic back from offset 0 to its end.
 */

/** A member silent this long is dropped: short, so a killed bridge's partitions move on quickly. */
export const TEST_SESSION_TIMEOUT_MS = 3_000;

export type TestKafka = {
  kafka: Kafka;
  admin: Admin;
  prefix: string;
  /** The bridge's Kafka options for this prefix. */
  options(overrides?: Partial<KafkaOptions>): KafkaOptions;
  close(): Promise<void>;
};

/** A Kafka client and every topic under a prefix no other test uses. */
export async function testKafka(brokers: string): Promise<TestKafka> {
  const prefix = `t${crypto.randomUUID().slice(0, 8)}.`;
  const kafka = new Kafka({
    clientId: "dizh-test",
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  // A broker answers "not the leader" for a topic it has just made until its metadata settles,
  // which a test's first produce would take for an outage: wait for every new topic's leaders.
  for (const topic of await ensureTopics(admin, { prefix })) await offsetsOf(admin, topic);
  return {
    kafka,
    admin,
    prefix,
    options: (overrides = {}) => ({
      brokers: [brokers],
      clientId: "dizh-bridge-test",
      topicPrefix: prefix,
      sessionTimeoutMs: TEST_SESSION_TIMEOUT_MS,
      mode: "all",
      ...overrides,
    }),
    close: () => admin.disconnect(),
  };
}

export type ReadMessage = {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
};

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(",") : String(value)]],
    ),
  );
}

/**
 * The topic's offsets. Right after a topic is made, or under load, the broker may answer "not
 * the leader" until its metadata settles: asked again, briefly.
 */
async function offsetsOf(admin: Admin, topic: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Everything in `topic` as of now, from offset 0 to the end of every partition, in partition then
 * offset order. Fails after `timeoutMs` if the end is not reached.
 */
export async function readTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const ends = new Map(
    (await offsetsOf(admin, topic))
      .filter((p) => BigInt(p.high) > BigInt(p.low))
      .map((p) => [p.partition, BigInt(p.high)]),
  );
  if (ends.size === 0) return [];
  const groupId = `reader-${crypto.randomUUID()}`;
  const reader = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const messages: ReadMessage[] = [];
  const done = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic}: not at its end after ${timeoutMs} ms`)),
        timeoutMs,
      );
      reader
        .run({
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            messages.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: headersOf(message.headers),
            });
            if (BigInt(message.offset) + 1n >= end) done.add(partition);
            if (done.size === ends.size) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await reader.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  return messages.sort((a, b) =>
    a.partition !== b.partition
      ? a.partition - b.partition
      : Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}
