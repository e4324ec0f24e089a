import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { createBridgeMetrics } from "../infra/bridge/metrics.ts";
import { platformMetrics } from "../infra/bridge/platform-metrics.ts";
import type { Db } from "../runtime/db.ts";
import { must, run, toolsCache, toolsCached } from "./tools.ts";

/**
 * The observability stack's inputs, checked offline: promtool checks the alert rules and runs
 * their unit tests, and every query in the rules and the Grafana dashboards names only metrics a
 * bridge exports (its own, the edge's it is sent, the stream's) or a recording rule.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, "k8s", "observability");
const tools = toolsCache();
const PROMTOOL_TIMEOUT_MS = 60_000;

type Dashboard = {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
};
const dashboards: Dashboard[] = readdirSync(path.join(dir, "dashboards"))
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(path.join(dir, "dashboards", file), "utf8")));

/** The metric names a PromQL expression reads; throws on an expression that does not parse. */
function metricsOf(expr: string): string[] {
  const names: string[] = [];
  let broken = false;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) broken = true;
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector")
        names.push(expr.slice(node.from, node.to));
    },
  });
  if (broken) throw new Error(`not PromQL: ${expr}`);
  return names;
}

/** What a bridge exports: every series name its registry can produce. */
function exportedNames(): Set<string> {
  const metrics = createBridgeMetrics();
  platformMetrics(metrics.registry, {} as Db, Date.now);
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    // prom-client's own metrics and the edge's custom ones both say what they are.
    const type = String((metric as unknown as { type?: unknown }).type ?? "");
    names.add(metric.name);
    if (type === "histogram")
      for (const s of ["_bucket", "_sum", "_count"]) names.add(`${metric.name}${s}`);
  }
  return names;
}

/** The rule file's expressions and recorded names, read as JSON by yq. */
async function rules(): Promise<{ record?: string; alert?: string; expr: string }[]> {
  const json = await must(
    "yq alerts.rules.yaml",
    run(tools.bin("yq"), ["-o=json", ".", path.join(dir, "alerts.rules.yaml")], {
      timeoutMs: PROMTOOL_TIMEOUT_MS,
    }),
  );
  return (
    JSON.parse(json) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] }
  ).groups.flatMap((g) => g.rules);
}

describe.skipIf(!toolsCached())("alert rules and dashboards", () => {
  it("pass promtool's check and their unit tests", async () => {
    const check = await run(tools.bin("promtool"), ["check", "rules", "alerts.rules.yaml"], {
      timeoutMs: PROMTOOL_TIMEOUT_MS,
      cwd: dir,
    });
    expect(check.output).toContain("SUCCESS");
    expect(check.code).toBe(0);
    const tests = await run(tools.bin("promtool"), ["test", "rules", "alerts.test.yaml"], {
      timeoutMs: PROMTOOL_TIMEOUT_MS,
      cwd: dir,
    });
    expect(tests.output).toContain("SUCCESS");
    expect(tests.code).toBe(0);
  });

  it("alert on what the issue names: errors, p99 over 1 s, consumer lag, outbox age, orders waiting", async () => {
    const alerts = (await rules()).filter((r) => r.alert).map((r) => r.alert);
    expect(alerts).toEqual(
      expect.arrayContaining([
        "DizhHighErrorRate",
        "DizhSlowRoute",
        "DizhConsumerLag",
        "DizhOutboxBacklog",
        "DizhOrdersWaitingTooLong",
      ]),
    );
  });

  it("query only metrics the code exports, or the rules record", async () => {
    const all = await rules();
    const known = new Set([
      ...exportedNames(),
      ...all.flatMap((r) => (r.record ? [r.record] : [])),
    ]);
    const unknown: string[] = [];
    for (const rule of all)
      for (const name of metricsOf(rule.expr))
        if (!known.has(name)) unknown.push(`${rule.alert ?? rule.record}: ${name}`);
    for (const dashboard of dashboards)
      for (const panel of dashboard.panels)
        for (const target of panel.targets)
          for (const name of metricsOf(target.expr))
            if (!known.has(name)) unknown.push(`${dashboard.uid} "${panel.title}": ${name}`);
    expect(unknown).toEqual([]);
    // Every panel queries something: an empty one would pass the check above vacuously.
    for (const dashboard of dashboards)
      for (const panel of dashboard.panels)
        expect(panel.targets.length, panel.title).toBeGreaterThan(0);
  });

  it("exports metrics promtool finds well formed (prom-client's own process defaults aside)", async () => {
    const metrics = createBridgeMetrics();
    const platform = platformMetrics(
      metrics.registry,
      { execute: async () => ({ rows: [{ n: 2 }] }) } as unknown as Db,
      Date.now,
    );
    const sums = { buckets: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], sumSeconds: 0.001, count: 1 };
    platform.edge.ingest(
      {
        source: "gateway",
        requests: [{ route: "/api/health", method: "GET", status: 200, durations: sums }],
        actorCalls: [{ kind: "OrderActor", operation: "view", outcome: "ok", durations: sums }],
        outboxes: [{ kind: "OrderActor", actor: "order:1", pending: 1, oldestAgeSeconds: 3 }],
      },
      Date.now(),
    );
    const scrape = (await metrics.render()).body;
    const lint = await run(tools.bin("promtool"), ["check", "metrics"], {
      timeoutMs: PROMTOOL_TIMEOUT_MS,
      input: scrape,
    });
    const problems = lint.output
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("dizh_bridge_nodejs_"));
    expect(problems).toEqual([]);
    expect(scrape).toContain(
      'dizh_http_requests_total{route="/api/health",method="GET",code="200"} 1',
    );
    expect(scrape).toContain("dizh_ledger_open_holds 2");
  });

  it("would catch a dashboard query of a metric nobody exports", () => {
    expect(metricsOf('sum(rate(dizh_orders_teleported_total{city="austin"}[5m]))')).toEqual([
      "dizh_orders_teleported_total",
    ]);
    expect(exportedNames().has("dizh_orders_teleported_total")).toBe(false);
    expect(exportedNames().has("dizh_http_request_duration_seconds_bucket")).toBe(true);
    expect(() => metricsOf("sum(rate(")).toThrow(/not PromQL/);
  });
});
