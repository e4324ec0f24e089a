import { describe, expect, it } from "vitest";
import { Topic } from "../../schema/events.ts";
import {
  deadLetterTopicOf,
  ensureTopics,
  LOCAL_CLUSTER,
  RECORD_BATCH_BYTES_MAX,
  TOPICS,
  topicConfigs,
} from "./topics.ts";

describe("the topic table", () => {
  it("has partitions, retention and a reason for every topic the schema knows", () => {
    expect(Object.keys(TOPICS).sort()).toEqual([...Topic.options].sort());
    for (const spec of Object.values(TOPICS)) {
      expect(spec.partitions).toBeGreaterThan(0);
      expect(spec.retentionMs === -1 || spec.retentionMs > 0).toBe(true);
      expect(spec.why.length).toBeGreaterThan(20);
    }
  });

  it("keeps the streams read models are rebuilt from forever", () => {
    for (const topic of [
      "order.events",
      "restaurant.events",
      "driver.events",
      "ledger.transfers",
    ] as const) {
      expect(TOPICS[topic].retentionMs).toBe(-1);
    }
  });

  it("names each dead-letter topic after its topic", () => {
    expect(deadLetterTopicOf("order.events")).toBe("order.events.dlq");
  });
});

describe("topicConfigs", () => {
  it("makes every topic and its dead-letter twin, under the prefix", () => {
    const configs = topicConfigs(LOCAL_CLUSTER, "staging.");

    expect(configs).toHaveLength(Topic.options.length * 2);
    expect(configs.map((c) => c.topic)).toContain("staging.order.events");
    expect(configs.map((c) => c.topic)).toContain("staging.order.events.dlq");
    const orders = configs.find((c) => c.topic === "staging.order.events")!;
    expect(orders).toMatchObject({ numPartitions: 12, replicationFactor: 1 });
    expect(orders.configEntries).toEqual(
      expect.arrayContaining([
        { name: "retention.ms", value: "-1" },
        { name: "min.insync.replicas", value: "1" },
        { name: "max.message.bytes", value: String(RECORD_BATCH_BYTES_MAX) },
        { name: "cleanup.policy", value: "delete" },
      ]),
    );
  });

  it("takes a production profile's replication", () => {
    const [first] = topicConfigs({ replicationFactor: 3, minInsyncReplicas: 2 });

    expect(first).toMatchObject({ replicationFactor: 3 });
    expect(first!.configEntries).toContainEqual({ name: "min.insync.replicas", value: "2" });
  });

  it.each([
    [{ replicationFactor: 0, minInsyncReplicas: 1 }, /replicationFactor/],
    [{ replicationFactor: 1, minInsyncReplicas: 2 }, /minInsyncReplicas/],
  ])("refuses an impossible profile %o", (profile, message) => {
    expect(() => topicConfigs(profile)).toThrow(message);
  });
});

describe("ensureTopics", () => {
  it("creates only the topics that are missing", async () => {
    const created: string[][] = [];
    const admin = {
      listTopics: async () => ["order.events", "order.events.dlq", "someone.elses"],
      createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
        created.push(topics.map((t) => t.topic));
        return true;
      },
    };

    const names = await ensureTopics(admin);

    expect(names).not.toContain("order.events");
    expect(names).toContain("driver.events.dlq");
    expect(names).toHaveLength(Topic.options.length * 2 - 2);
    expect(created).toEqual([names]);
  });

  it("does nothing when every topic is there", async () => {
    const all = topicConfigs(LOCAL_CLUSTER).map((t) => t.topic);
    let calls = 0;
    const admin = {
      listTopics: async () => all,
      createTopics: async () => {
        calls++;
        return true;
      },
    };

    expect(await ensureTopics(admin)).toEqual([]);
    expect(calls).toBe(0);
  });
});
