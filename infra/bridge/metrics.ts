import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Consumer } from "../../read-models/consumer.ts";

/**
 * The bridge's Prometheus metrics, served on /metrics. Rates (events produced or applied per
 * second) are `rate()` over the counters; latencies are histograms; consumer lag is read from
 * Kafka's own offsets when scraped. One registry per bridge, so two bridges in one test process
 * never count into each other.
 */

/** A scrape must not hang on an unreachable Kafka: lag is left out past this. */
export const LAG_SCRAPE_TIMEOUT_MS = 2_000;

/**
 * Latency buckets from 1 ms to 30 s: a Kafka acknowledgement takes milliseconds, a batch applied to
 * Postgres tens of them, and anything near the outbox sender's 10 s timeout is an incident.
 */
const LATENCY_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The lag of one partition for one consumer group. */
export type LagSample = { group: string; topic: string; partition: number; lag: number };

export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;

export function createBridgeMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: "dizh_bridge_" });
  let lagSource: (() => Promise<LagSample[]>) | null = null;
  /** The lag read of the scrape in progress; the error counter waits for it to count its outcome. */
  let lagRead: Promise<void> = Promise.resolve();

  const readLag = async () => {
    consumerLag.reset();
    if (!lagSource) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), LAG_SCRAPE_TIMEOUT_MS);
    });
    // A failed read is counted (lagScrapeErrors), like one that took too long.
    const samples = await Promise.race([lagSource().catch(() => null), timeout]);
    clearTimeout(timer);
    if (samples === null) {
      lagScrapeErrors.inc();
      return;
    }
    for (const s of samples) {
      consumerLag.set({ group: s.group, topic: s.topic, partition: String(s.partition) }, s.lag);
    }
  };
  const consumerLag = new Gauge({
    name: "dizh_bridge_consumer_lag",
    help: "Messages a consumer group has yet to commit, per partition (high watermark - committed offset)",
    labelNames: ["group", "topic", "partition"] as const,
    registers,
    async collect() {
      lagRead = readLag();
      await lagRead;
    },
  });
  const lagScrapeErrors = new Counter({
    name: "dizh_bridge_consumer_lag_scrape_errors_total",
    help: "Scrapes that could not read consumer offsets from Kafka in time",
    registers,
    async collect() {
      await lagRead;
    },
  });

  return {
    registry,
    /** Events Kafka acknowledged, by (logical) topic. */
    eventsProduced: new Counter({
      name: "dizh_bridge_events_produced_total",
      help: "Events produced to Kafka and acknowledged by all in-sync replicas",
      labelNames: ["topic"] as const,
      registers,
    }),
    produceSeconds: new Histogram({
      name: "dizh_bridge_produce_seconds",
      help: "Time for one send to Kafka to be acknowledged (one send carries one or more batches)",
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    produceErrors: new Counter({
      name: "dizh_bridge_produce_errors_total",
      help: "Sends to Kafka that failed (their batches were answered 503 and will be resent)",
      registers,
    }),
    eventsConsumed: new Counter({
      name: "dizh_bridge_events_consumed_total",
      help: "Events handed to a consumer, including redeliveries",
      labelNames: ["consumer", "topic"] as const,
      registers,
    }),
    eventsApplied: new Counter({
      name: "dizh_bridge_events_applied_total",
      help: "Events a consumer committed (duplicates it ignored included)",
      labelNames: ["consumer", "topic"] as const,
      registers,
    }),
    applyErrors: new Counter({
      name: "dizh_bridge_apply_errors_total",
      help: "Failed attempts to apply a batch (retried; not the same as dead letters)",
      labelNames: ["consumer", "topic"] as const,
      registers,
    }),
    applySeconds: new Histogram({
      name: "dizh_bridge_apply_seconds",
      help: "Time for a consumer to apply one batch",
      labelNames: ["consumer"] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    eventDelaySeconds: new Histogram({
      name: "dizh_bridge_event_delay_seconds",
      help: "From the moment an event happened (its `at`) to its apply: the end-to-end delay",
      labelNames: ["consumer"] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    deadLetters: new Counter({
      name: "dizh_bridge_dead_letters_total",
      help: 'Events set aside as dead letters, by consumer ("bridge" for events no topic takes)',
      labelNames: ["consumer", "topic"] as const,
      registers,
    }),
    deadLettersProduced: new Counter({
      name: "dizh_bridge_dead_letters_produced_total",
      help: "Dead letters produced to a <topic>.dlq topic",
      labelNames: ["topic"] as const,
      registers,
    }),
    unreadableMessages: new Counter({
      name: "dizh_bridge_unreadable_messages_total",
      help: "Kafka messages that were not an event envelope (sent to the dead-letter topic)",
      labelNames: ["topic"] as const,
      registers,
    }),
    batchSeconds: new Histogram({
      name: "dizh_bridge_http_batch_seconds",
      help: "Time to answer one POST /v1/events, by outcome",
      labelNames: ["outcome"] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    consumerLag,
    /** Where lag comes from (the Kafka bus); without one the gauge stays empty. */
    setLagSource(source: () => Promise<LagSample[]>): void {
      lagSource = source;
    },
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * The same consumer, counted: what it was given, what it applied and set aside, its failures and
 * how long each batch took. Works under either bus, since it only wraps `apply`.
 */
export function measured(consumer: Consumer, metrics: BridgeMetrics, nowMs: () => number) {
  const measuredConsumer: Consumer = {
    name: consumer.name,
    topics: consumer.topics,
    async apply(events, ctx) {
      const labels = { consumer: consumer.name, topic: ctx.topic };
      metrics.eventsConsumed.inc(labels, events.length);
      const startedMs = nowMs();
      try {
        const report = await consumer.apply(events, ctx);
        const doneMs = nowMs();
        metrics.applySeconds.observe({ consumer: consumer.name }, (doneMs - startedMs) / 1000);
        const setAside = new Set(report.deadLettered);
        metrics.deadLetters.inc(labels, setAside.size);
        metrics.eventsApplied.inc(labels, events.length - report.deadLettered.length);
        for (const event of events) {
          if (setAside.has(event.id)) continue;
          const atMs = Date.parse(event.at);
          if (Number.isFinite(atMs) && doneMs >= atMs) {
            metrics.eventDelaySeconds.observe({ consumer: consumer.name }, (doneMs - atMs) / 1000);
          }
        }
        return report;
      } catch (error) {
        metrics.applyErrors.inc(labels);
        throw error;
      }
    },
  };
  return measuredConsumer;
}
