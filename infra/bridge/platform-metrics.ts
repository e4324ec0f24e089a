import type { Registry } from "prom-client";
import type { Consumer } from "../../read-models/consumer.ts";
import type { Db } from "../../runtime/db.ts";
import { EdgeMetrics } from "./edge-metrics.ts";
import { ledgerGauges, streamMetrics } from "./stream-metrics.ts";

/**
 * Everything the bridge serves on /metrics beyond its own pipeline's metrics (metrics.ts): the
 * edge's measurements it is sent, the business counted from the stream, the ledger's open holds.
 * One function, so the dashboards' test (k8s/observability.test.ts) lists exactly what a bridge
 * exports.
 */
export function platformMetrics(
  registry: Registry,
  db: Db,
  nowMs: () => number,
): { edge: EdgeMetrics; stream: Consumer } {
  const edge = new EdgeMetrics();
  edge.register(registry, nowMs);
  ledgerGauges(registry, db);
  return { edge, stream: streamMetrics(registry, nowMs) };
}
