import path from "node:path";
import { describe, expect, it } from "vitest";
import { clusterIdOf, kafkaCache, kafkaVersion, serverProperties } from "./broker.ts";

function parse(properties: string): Record<string, string> {
  return Object.fromEntries(
    properties
      .trim()
      .split("\n")
      .map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

describe("serverProperties", () => {
  const props = parse(serverProperties({ dataDir: "/data/k", port: 19092, controllerPort: 19093 }));

  it("runs one KRaft node, broker and controller, on loopback only", () => {
    expect(props).toMatchObject({
      "process.roles": "broker,controller",
      "node.id": "1",
      "controller.quorum.voters": "1@127.0.0.1:19093",
      listeners: "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
      "advertised.listeners": "PLAINTEXT://127.0.0.1:19092",
      "log.dirs": path.join("/data/k", "logs"),
    });
  });

  it("replicates once, with one in-sync replica, and creates no topic by itself", () => {
    expect(props).toMatchObject({
      "default.replication.factor": "1",
      "min.insync.replicas": "1",
      "offsets.topic.replication.factor": "1",
      "transaction.state.log.replication.factor": "1",
      "transaction.state.log.min.isr": "1",
      "auto.create.topics.enable": "false",
    });
  });
});

describe("clusterIdOf", () => {
  it("is 16 bytes in URL-safe base64 without padding", () => {
    expect(clusterIdOf(new Uint8Array(16).fill(255))).toBe("_____________________w");
    expect(clusterIdOf(new Uint8Array(16))).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("refuses one that would read as a flag on a command line", () => {
    expect(clusterIdOf(new Uint8Array([0xfb, ...new Uint8Array(15)]))).toBeNull();
  });
});

describe("the jar cache", () => {
  it("is chosen in pom.xml, a Kafka 4.x", () => {
    expect(kafkaVersion()).toMatch(/^4\.\d+\.\d+$/);
  });

  it("lives under KAFKA_CACHE_DIR when set, one directory per version", () => {
    const cache = kafkaCache({ KAFKA_CACHE_DIR: "/tmp/jars" });

    expect(cache.libs).toBe(path.join("/tmp/jars", kafkaVersion(), "libs"));
  });
});
