import path from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { fetchKafka, kafkaCache, kafkaVersion, startKafka, stopKafkaAt } from "./broker.ts";
import { ensureTopics } from "./topics.ts";

/**
 * The local Kafka broker, for people:
 *   npm run kafka -- fetch                       copy the jars from Maven Central into the cache
 *   npm run kafka -- start [--data-dir D] [--port P] [--prefix X]
 *                                                run a broker (fetching once), create the topics,
 *                                                print KAFKA_BROKERS, stop on Ctrl-C
 *   npm run kafka -- stop [--data-dir D]         stop a broker started on D elsewhere
 * The data dir defaults to .dizhtime/kafka, the one `npm start -- --kafka` uses.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    "data-dir": { type: "string", default: ".dizhtime/kafka" },
    port: { type: "string" },
    prefix: { type: "string", default: "" },
  },
});

const Args = z.object({
  command: z.enum(["fetch", "start", "stop"], { error: "usage: kafka fetch|start|stop" }),
  dataDir: z.string().min(1, "--data-dir must not be empty"),
  port: z.coerce
    .number()
    .int("--port must be a port number")
    .min(1, "--port must be a port number")
    .max(65_535, "--port must be a port number")
    .optional(),
  prefix: z.string().regex(/^[A-Za-z0-9._-]*$/, "--prefix may hold letters, digits, . _ -"),
});
const parsed = Args.safeParse({
  command: positionals[0],
  dataDir: values["data-dir"],
  port: values.port,
  prefix: values.prefix,
});
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => i.message).join("\n"));
  process.exit(2);
}
const args = parsed.data;
const dataDir = path.resolve(args.dataDir);
const say = (line: string) => console.log(line);

if (args.command === "fetch") {
  const libs = await fetchKafka({ log: say });
  say(`Apache Kafka ${kafkaVersion()} jars are in ${libs}`);
} else if (args.command === "stop") {
  say((await stopKafkaAt(dataDir)) ? "stopped" : `no broker is running on ${dataDir}`);
} else {
  await fetchKafka({ log: say });
  const broker = await startKafka({
    dataDir,
    ...(args.port === undefined ? {} : { port: args.port }),
  });
  const admin = new Kafka({
    clientId: "dizh-kafka-cli",
    brokers: [broker.brokers],
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  const created = await ensureTopics(admin, { prefix: args.prefix });
  await admin.disconnect();
  say(`Apache Kafka ${kafkaVersion()} (KRaft, one node) from ${kafkaCache().libs}
  KAFKA_BROKERS=${broker.brokers}
  data in ${dataDir}, broker log in ${broker.logFile}
  topics created: ${created.length === 0 ? "none (all there)" : created.join(", ")}
Ctrl-C stops it.`);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      say("stopping the broker...");
      await broker.stop();
      process.exit(0);
    });
  }
}
