import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Consumer } from "../../read-models/consumer.ts";
import { postgresDeadLetters } from "../../read-models/dead-letters.ts";
import { orderHistoryConsumer } from "../../read-models/order-history.ts";
import { type Db, openDb } from "../../runtime/db.ts";
import { orderHistory } from "../../schema/db/orders.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { deliveredOrder, waitUntil } from "../../test/bridge/fixtures.ts";
import { readTopic, type TestKafka, testKafka } from "../../test/bridge/kafka.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";
import { KafkaBus } from "./kafka-bus.ts";
import { createBridgeMetrics } from "./metrics.ts";

/**
 * Two members of one consumer group over order.events (twelve partitions): the second joins while
 * events flow, then the first leaves cleanly while they still flow. Every event must be applied,
 * a clean leave must hand its partitions over exactly where it committed (nothing it applied is
 * applied again, nothing is skipped), offsets are committed only after their events are applied,
 * and once the last member has left the group's committed offsets are at the topic's end.
 */

const brokers = inject("kafkaBrokers");
/** Bounds every wait: a join, a rebalance, a catch-up. */
const GROUP_TIMEOUT_MS = 30_000;
/**
 * Orders, each an actor sending its nine events in four batches, one batch per wave: alone, while
 * the second member joins, with both members, while the first leaves (and after).
 */
const ORDERS = 36;
const WAVES = [
  [0, 2],
  [2, 4],
  [4, 6],
  [6, 9],
] as const;

type Line = Record<string, unknown>;
/** One `apply` that succeeded: by whom, which events, and whether it began after the first left. */
type Application = { member: string; eventIds: string[]; afterLeave: boolean };

let database: LocalDatabase;
let pool: ReturnType<typeof openDb>;
let db: Db;
let kafka: TestKafka;
let producer: KafkaBus;
const members: KafkaBus[] = [];

beforeAll(async () => {
  if (!brokers) return;
  kafka = await testKafka(brokers);
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  pool = openDb(database);
  db = pool.db;
  producer = bus("producer", kafka.options({ mode: "ingest" }), []);
  producer.start();
});

afterAll(async () => {
  await Promise.all(members.map((member) => member.close()));
  await producer?.close();
  await pool?.close();
  await database?.close();
  await kafka?.close();
});

function bus(clientId: string, options: ReturnType<TestKafka["options"]>, lines: Line[]): KafkaBus {
  return new KafkaBus({
    options: { ...options, clientId },
    deadLetters: postgresDeadLetters(db),
    metrics: createBridgeMetrics(),
    log: (line) => lines.push(line),
    nowMs: Date.now,
  });
}

describe.skipIf(!brokers)("a consumer group on Kafka", () => {
  it("applies every event while a member joins and another leaves, and hands partitions over where they were committed", async () => {
    const topic = `${kafka.prefix}order.events`;
    const groupId = `${kafka.prefix}order-history`;
    const orders = Array.from({ length: ORDERS }, () => deliveredOrder());
    const orderIds = orders.map((events) => events[0]!.aggregateId);
    /** Wave k: the k-th outbox batch of every order, each order's actor sending its own. */
    const wave = (k: number, from = 0, to = ORDERS) =>
      orders.slice(from, to).map((events) => events.slice(...WAVES[k]!));
    const publish = (batches: EventEnvelope[][]) =>
      Promise.all(batches.map((batch) => producer.publish(batch)));

    const applications: Application[] = [];
    let left = false;
    const applied = () => new Set(applications.flatMap((a) => a.eventIds));
    const allApplied = (batches: EventEnvelope[][]) => () => {
      const ids = applied();
      return batches.flat().every((event) => ids.has(event.id));
    };
    /** A member of the group: order-history in a consume-only bus, recording what it applied. */
    const member = (name: string) => {
      const lines: Line[] = [];
      const inner = orderHistoryConsumer({ db, deadLetters: postgresDeadLetters(db) });
      const recorded: Consumer = {
        ...inner,
        apply: async (events, ctx) => {
          const afterLeave = left;
          const report = await inner.apply(events, ctx);
          applications.push({ member: name, eventIds: events.map((e) => e.id), afterLeave });
          return report;
        },
      };
      const memberBus = bus(name, kafka.options({ mode: "consume" }), lines);
      memberBus.subscribe(recorded);
      members.push(memberBus);
      return { bus: memberBus, lines };
    };
    /** The partitions of order.events a member was given when it last joined. */
    const assignmentOf = (lines: Line[]): number[] => {
      const joined = lines.filter((line) => line.msg === "consumer.joined").at(-1);
      return (joined?.assignment as Record<string, number[]> | undefined)?.[topic] ?? [];
    };

    // The first member alone takes the first wave, on all twelve partitions.
    const one = member("one");
    one.bus.start();
    const first = wave(0);
    await publish(first);
    await waitUntil(allApplied(first), GROUP_TIMEOUT_MS, "the first member to apply wave 1");
    expect(assignmentOf(one.lines)).toHaveLength(12);

    // The second member joins while the second wave is produced.
    const two = member("two");
    two.bus.start();
    const second = wave(1);
    await publish(second);
    await waitUntil(
      async () => {
        const [group] = (await kafka.admin.describeGroups([groupId])).groups;
        return (
          group?.state === "Stable" &&
          group.members.length === 2 &&
          assignmentOf(one.lines).length > 0 &&
          assignmentOf(one.lines).length < 12 &&
          assignmentOf(two.lines).length > 0
        );
      },
      GROUP_TIMEOUT_MS,
      "the group to settle with both members",
    );
    await waitUntil(allApplied(second), GROUP_TIMEOUT_MS, "the two members to apply wave 2");
    expect([...assignmentOf(one.lines), ...assignmentOf(two.lines)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, p) => p),
    );

    // Settled, the two share the third wave, each on its own partitions.
    const third = wave(2);
    await publish(third);
    await waitUntil(allApplied(third), GROUP_TIMEOUT_MS, "the two members to apply wave 3");
    const thirdIds = new Set(third.flat().map((event) => event.id));
    const sharers = new Set(
      applications.filter((a) => a.eventIds.some((id) => thirdIds.has(id))).map((a) => a.member),
    );
    expect(sharers).toEqual(new Set(["one", "two"]));

    // The first member leaves cleanly while half the last wave is produced; the rest comes after.
    const leaving = assignmentOf(one.lines);
    const [during, after] = [wave(3, 0, ORDERS / 2), wave(3, ORDERS / 2)];
    await Promise.all([
      one.bus.close().then(() => {
        left = true;
      }),
      publish(during),
    ]);
    const atLeave = await kafka.admin.fetchOffsets({ groupId, topics: [topic] });
    const appliedAtLeave = applied();
    await publish(after);
    await waitUntil(allApplied([...during, ...after]), GROUP_TIMEOUT_MS, "the last wave to apply");
    await two.bus.close();

    // The log: every event exactly once, so an event id names one partition and offset.
    const log = await readTopic(kafka.kafka, kafka.admin, topic);
    expect(log).toHaveLength(orders.flat().length);
    const placeOf = new Map(
      log.map((m) => [
        m.headers["event-id"]!,
        { partition: m.partition, offset: BigInt(m.offset) },
      ]),
    );
    expect(new Set(placeOf.keys())).toEqual(new Set(orders.flat().map((e) => e.id)));

    // Nothing lost: every order as its last event leaves it.
    const rows = await db
      .select()
      .from(orderHistory)
      .where(inArray(orderHistory.orderId, orderIds));
    expect(rows).toHaveLength(ORDERS);
    for (const row of rows) expect(row).toMatchObject({ status: "delivered", lastSeq: 9 });

    // Offsets were committed after apply: when the first member had left, every event below the
    // group's committed offset of its partition had been applied.
    const committedAtLeave = new Map(
      atLeave[0]!.partitions.map((p) => [
        p.partition,
        BigInt(p.offset) < 0n ? 0n : BigInt(p.offset),
      ]),
    );
    for (const [id, place] of placeOf) {
      if (place.offset < committedAtLeave.get(place.partition)!) {
        expect(appliedAtLeave.has(id), `event at ${place.partition}:${place.offset}`).toBe(true);
      }
    }

    // The clean leave: on each partition it held last, the first member committed everything it
    // applied before going (its last logged commit, and Kafka agrees), and the second member took
    // over from exactly there, applying none of it again.
    const partitionsOf = (ids: string[]) => ids.map((id) => placeOf.get(id)!);
    const committedByOne = new Map<number, bigint>();
    for (const line of one.lines) {
      if (line.msg !== "consumer.batch") continue;
      const partition = line.partition as number;
      const next = BigInt(line.lastOffset as string) + 1n;
      if (next > (committedByOne.get(partition) ?? 0n)) committedByOne.set(partition, next);
    }
    let takenOver = 0;
    for (const partition of leaving) {
      const committed = committedByOne.get(partition) ?? 0n;
      expect(committedAtLeave.get(partition)).toBeGreaterThanOrEqual(committed);
      const byOne = applications
        .filter((a) => a.member === "one")
        .flatMap((a) => partitionsOf(a.eventIds))
        .filter((place) => place.partition === partition);
      for (const place of byOne) expect(place.offset).toBeLessThan(committed);
      const byTwoAfter = applications
        .filter((a) => a.member === "two" && a.afterLeave)
        .flatMap((a) => partitionsOf(a.eventIds))
        .filter((place) => place.partition === partition);
      for (const place of byTwoAfter) expect(place.offset).toBeGreaterThanOrEqual(committed);
      takenOver += byTwoAfter.length;
    }
    // The second half of the last wave came after the leave, so the second member had work on them.
    expect(takenOver).toBeGreaterThan(0);

    // Both members gone, cleanly: the group's committed offsets are at the end of every partition.
    const ends = await kafka.admin.fetchTopicOffsets(topic);
    const [finalOffsets] = await kafka.admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map(finalOffsets!.partitions.map((p) => [p.partition, p.offset]));
    for (const { partition, high, low } of ends) {
      if (high === low) continue;
      expect(committed.get(partition), `partition ${partition}`).toBe(high);
    }
  });
});
