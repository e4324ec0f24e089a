import type { Admin, ITopicConfig } from "kafkajs";
import type { Topic } from "../../schema/events.ts";

/**
 * The Kafka topics: the table in ARCHITECTURE.md with the numbers a broker needs. Every event is
 * keyed by its aggregate id, so one order's (driver's, restaurant's...) events share a partition
 * and stay in order. Every topic has a twin `<topic>.dlq` where consumers put the events they
 * cannot apply, with the error in a header, so the partition behind them keeps flowing.
 *
 * Whoever stands a broker up creates them (`ensureTopics`): the local broker script, the tests,
 * `npm start -- --kafka`, and in Kubernetes the manifests generated from this table. The bridge
 * itself never creates a topic (the brokers run with auto-creation off), so a typo in a topic name
 * fails loudly instead of creating a stray topic.
 */

/** Kafka's value for "keep forever". */
const RETENTION_FOREVER = -1;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One outbox batch is at most 1 MiB (the bridge's EVENT_BODY_BYTES_MAX) and may belong to one
 * aggregate, so it can land whole in one partition as one record batch; Kafka's default limit
 * (1 MiB including overhead) would refuse it. 2 MiB covers the body plus keys and headers.
 */
export const RECORD_BATCH_BYTES_MAX = 2 * 1024 * 1024;

export type TopicSpec = {
  /** What the key is: always the event's aggregateId. */
  key: string;
  partitions: number;
  retentionMs: number;
  /** Why these numbers. */
  why: string;
};

/**
 * Partitions cap how many consumer instances share a topic, and cannot be added later without
 * moving keys to other partitions (an aggregate's order breaks across the change), so they are
 * sized for the expected peak, not for today.
 */
export const TOPICS: Readonly<Record<Topic, TopicSpec>> = {
  "order.events": {
    key: "order id",
    partitions: 12,
    retentionMs: RETENTION_FOREVER,
    why: "the stream most read models follow; kept forever because order history, search and analytics are rebuilt by replaying it from offset 0",
  },
  "driver.events": {
    key: "driver id",
    partitions: 6,
    retentionMs: RETENTION_FOREVER,
    why: "a few events per shift per driver; kept forever so analytics can be rebuilt",
  },
  "driver.location": {
    key: "driver id",
    partitions: 12,
    retentionMs: 7 * DAY_MS,
    why: "the bulk of all traffic (a sample every few seconds per online driver) and stale within minutes; heatmaps keep their rollups in Postgres, so a week is enough to rebuild recent heat",
  },
  "restaurant.events": {
    key: "restaurant id",
    partitions: 6,
    retentionMs: RETENTION_FOREVER,
    why: "kitchen state changes; kept forever so the search index and analytics can be rebuilt",
  },
  "ledger.transfers": {
    key: "account id",
    partitions: 6,
    retentionMs: RETENTION_FOREVER,
    why: "money movements: never expired, they are the audit trail analytics replays",
  },
  "dispatch.events": {
    key: "zone id",
    partitions: 6,
    retentionMs: RETENTION_FOREVER,
    why: "offers and escalations, a few per order; kept forever to replay the matching policy's history",
  },
};

/**
 * Dead letters are rare and read by people: one partition keeps them in one total order, and they
 * are kept until someone has dealt with them.
 */
export const DEAD_LETTER_TOPIC: Omit<TopicSpec, "key"> = {
  partitions: 1,
  retentionMs: RETENTION_FOREVER,
  why: "rare, read by operators in arrival order, and kept until replayed or discarded",
};

/** Where a consumer of `topic` puts what it cannot apply. */
export function deadLetterTopicOf(topic: Topic): `${Topic}.dlq` {
  return `${topic}.dlq`;
}

/**
 * The name a topic has on a broker: with a prefix, several environments (or test files) share one
 * cluster without seeing each other's events. Consumer group ids take the same prefix.
 */
export function physicalName(name: string, prefix = ""): string {
  return `${prefix}${name}`;
}

/** Replication for a cluster: 1 on the single local broker, 3 with min ISR 2 in production. */
export type ClusterProfile = { replicationFactor: number; minInsyncReplicas: number };

export const LOCAL_CLUSTER: ClusterProfile = { replicationFactor: 1, minInsyncReplicas: 1 };

/** Every topic this platform uses, as kafkajs creates them. */
export function topicConfigs(profile: ClusterProfile, prefix = ""): ITopicConfig[] {
  if (profile.replicationFactor < 1) throw new Error("replicationFactor must be >= 1");
  if (profile.minInsyncReplicas < 1 || profile.minInsyncReplicas > profile.replicationFactor) {
    throw new Error("minInsyncReplicas must be between 1 and replicationFactor");
  }
  const config = (retentionMs: number) => [
    { name: "retention.ms", value: String(retentionMs) },
    { name: "min.insync.replicas", value: String(profile.minInsyncReplicas) },
    { name: "max.message.bytes", value: String(RECORD_BATCH_BYTES_MAX) },
    // An event log, not a table: compaction would keep only each aggregate's last event.
    { name: "cleanup.policy", value: "delete" },
  ];
  return (Object.entries(TOPICS) as [Topic, TopicSpec][]).flatMap(([topic, spec]) => [
    {
      topic: physicalName(topic, prefix),
      numPartitions: spec.partitions,
      replicationFactor: profile.replicationFactor,
      configEntries: config(spec.retentionMs),
    },
    {
      topic: physicalName(deadLetterTopicOf(topic), prefix),
      numPartitions: DEAD_LETTER_TOPIC.partitions,
      replicationFactor: profile.replicationFactor,
      configEntries: config(DEAD_LETTER_TOPIC.retentionMs),
    },
  ]);
}

/**
 * Creates the topics that are missing (existing ones are left as they are: changing partitions
 * would move keys) and waits for their leaders. Returns the names it created.
 */
export async function ensureTopics(
  admin: Pick<Admin, "listTopics" | "createTopics">,
  options: { profile?: ClusterProfile; prefix?: string } = {},
): Promise<string[]> {
  const wanted = topicConfigs(options.profile ?? LOCAL_CLUSTER, options.prefix);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((t) => t.topic);
}
