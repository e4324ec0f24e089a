import type { SystemHealth } from "../../../schema/admin.ts";
import { Badge, Card, ErrorState, Figures, Spinner } from "../../ui/index.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { api } from "./session.ts";

/** The figures refresh this often: live enough to watch an incident, light on the bridge. */
const REFRESH_MS = 5_000;

const seconds = (s: number | null) =>
  s === null ? "—" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
const percent = (ratio: number | null) => (ratio === null ? "—" : `${(ratio * 100).toFixed(2)}%`);

/**
 * The platform's live health from the metrics the bridge serves to Prometheus: what the
 * dashboards and alerts (k8s/observability/) show in production, for the embedded stack too.
 */
export default function SystemPage() {
  const query = useApiQuery<SystemHealth>(api, "/api/admin/system", {
    refetchIntervalMs: REFRESH_MS,
  });
  if (query.isPending) return <Spinner label="Reading the platform's health" />;
  if (query.isError)
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  const health = query.data;
  const figures: [string, string][] = [
    ["Requests", String(health.requests.total)],
    ["Error rate (5xx)", percent(health.requests.errorRatio)],
    ["Orders waiting for a courier", String(health.dispatch.waiting)],
    ["Longest wait", seconds(health.dispatch.oldestWaitingSeconds)],
    ["Open holds", health.ledger.openHolds === null ? "—" : String(health.ledger.openHolds)],
  ];
  return (
    <div className="stack">
      <h1>System</h1>
      <p className="muted">
        Bridge{" "}
        <Badge tone={health.bridge === "up" ? "success" : "danger"}>
          {health.bridge === "up" ? "up" : "not answering"}
        </Badge>{" "}
        · as of {new Date(health.at).toLocaleTimeString()} · counts since the bridge started
      </p>
      <Figures figures={figures} />
      <Card aria-label="Busiest routes">
        <h2>Busiest routes</h2>
        <Table
          head={["Route", "Requests", "5xx", "p50", "p99"]}
          rows={health.routes.map((r) => [
            r.route,
            String(r.requests),
            String(r.errors),
            seconds(r.p50Seconds),
            seconds(r.p99Seconds),
          ])}
          empty="No requests measured yet."
        />
      </Card>
      <Card aria-label="Outboxes">
        <h2>Outboxes</h2>
        <Table
          head={["Actor kind", "Waiting events", "Oldest"]}
          rows={health.outboxes.map((o) => [
            o.kind,
            String(o.pending),
            seconds(o.oldestAgeSeconds),
          ])}
          empty="Every outbox is empty."
        />
      </Card>
      <Card aria-label="Consumer lag">
        <h2>Consumer lag</h2>
        <Table
          head={["Consumer group", "Events behind"]}
          rows={health.consumerLag.map((l) => [l.group, String(l.lag)])}
          empty="No lag to show (the in-process bus has none; Kafka's is read when scraped)."
        />
      </Card>
    </div>
  );
}

function Table({ head, rows, empty }: { head: string[]; rows: string[][]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table style={{ width: "100%", borderCollapse: "collapse" }}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col" style={{ textAlign: "left" }}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row[0]}>
            {row.map((cell, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed by the header
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
