import type { AdminAnalytics } from "../../../schema/analytics.ts";
import { Card, ErrorState, Figures, Spinner } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { api } from "./session.ts";

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);
const minutes = (seconds: number | null) =>
  seconds === null ? "—" : `${Math.round(seconds / 60)} min`;

/** The last day across the platform, from the analytics rollups the bridge keeps. */
export default function AnalyticsPage() {
  const query = useApiQuery<AdminAnalytics>(api, "/api/admin/analytics");
  if (query.isPending) return <Spinner label="Loading the last day" />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const report = query.data;
  const hours = new Map<string, number>();
  for (const row of report.perZoneHour)
    hours.set(row.hour, (hours.get(row.hour) ?? 0) + row.orders);
  const series = [...hours].sort(([a], [b]) => a.localeCompare(b));
  const peak = Math.max(1, ...series.map(([, n]) => n));
  const figures: [string, string][] = [
    ["Orders placed", String(report.orders.placed)],
    ["Delivered", String(report.orders.delivered)],
    ["Cancelled", String(report.orders.cancelled)],
    ["Acceptance rate", percent(report.orders.acceptanceRate)],
    ["Click to door, median", minutes(report.clickToDoor.p50Seconds)],
    ["Click to door, 90th percentile", minutes(report.clickToDoor.p90Seconds)],
    ["Gross (delivered)", formatCents(report.revenue.grossCents)],
    ["Tips", formatCents(report.revenue.tipCents)],
    ["Courier utilization", percent(report.drivers.utilization)],
  ];
  return (
    <div className="stack">
      <h1>Analytics</h1>
      <p className="muted">
        {new Date(report.from).toLocaleString()} – {new Date(report.to).toLocaleString()}
      </p>
      <Figures figures={figures} />
      <Card aria-label="Orders per hour">
        <h2>Orders per hour</h2>
        {series.length === 0 ? <p className="muted">No orders in this window.</p> : null}
        <table style={{ width: "100%", borderCollapse: "collapse" }}>
          <tbody>
            {series.map(([hour, count]) => (
              <tr key={hour}>
                <th scope="row" style={{ textAlign: "left", fontWeight: 400, width: 90 }}>
                  {new Date(hour).toLocaleTimeString([], { hour: "numeric" })}
                </th>
                <td>
                  <div
                    aria-hidden="true"
                    style={{
                      background: "var(--color-brand)",
                      height: 14,
                      borderRadius: 4,
                      width: `${(count / peak) * 100}%`,
                    }}
                  />
                </td>
                <td style={{ width: 40, textAlign: "right" }}>{count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
