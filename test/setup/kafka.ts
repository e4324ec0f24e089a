import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { fetchKafka, kafkaJarsCached, startKafka } from "../../infra/kafka/broker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test broker's bootstrap address; empty when Kafka could not be had (never in CI). */
    kafkaBrokers: string;
  }
}

/**
 * One real Apache Kafka broker (KRaft, one node) for the whole kafka project. Each test file
 * creates its own topics under a prefix of its own (kafka-fixtures.ts), so files never see one
 * another's events. In CI the jars are fetched by .ci/run beforehand and a missing cache or broker
 * fails the run; on a developer's machine without Maven access the Kafka tests are skipped, loudly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = Boolean(process.env.CI);
  let dataDir: string | null = null;
  try {
    if (!kafkaJarsCached()) {
      if (required) throw new Error("the Kafka jars are not cached: .ci/run fetches them first");
      await fetchKafka({ log: (line) => console.log(`[kafka] ${line}`) });
    }
    dataDir = mkdtempSync(path.join(tmpdir(), "dizhtime-kafka-"));
    const broker = await startKafka({ dataDir });
    project.provide("kafkaBrokers", broker.brokers);
    const started = dataDir;
    return async () => {
      await broker.stop();
      rmSync(started, { recursive: true, force: true });
    };
  } catch (error) {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (required) throw error;
    console.warn(
      `\n${"!".repeat(78)}\n! KAFKA TESTS SKIPPED: no broker could be started on this machine.\n! ${String(error).split("\n").slice(0, 6).join("\n! ")}\n! Fix: install Java 17+ and Maven, then \`npm run kafka -- fetch\`. CI never skips.\n${"!".repeat(78)}\n`,
    );
    project.provide("kafkaBrokers", "");
    return async () => {};
  }
}
