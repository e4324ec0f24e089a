import { useEffect, useState } from "react";
import type { EarningsLine } from "../../../schema/ledger.ts";
import { Card, ErrorState, Spinner } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { api } from "./session.ts";

/** Today's pay: shares of delivered orders and tips since local midnight, and what is owed. */
export default function EarningsPage() {
  const [line, setLine] = useState<EarningsLine | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the load.
  useEffect(() => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    // A minute ahead, so a delivery settled just now is inside the period.
    const to = new Date(Date.now() + 60_000);
    const period = new URLSearchParams({ from: midnight.toISOString(), to: to.toISOString() });
    void api.get<EarningsLine>(`/api/drivers/me/earnings?${period}`).then((result) => {
      if (result.ok) setLine(result.value);
      else setError(result.error.message);
    });
  }, [attempt]);

  if (error)
    return (
      <ErrorState
        message={error}
        onRetry={() => {
          setError(null);
          setAttempt((n) => n + 1);
        }}
      />
    );
  if (!line) return <Spinner label="Adding up today" />;
  return (
    <div className="stack">
      <h1>Earnings</h1>
      <Card>
        <dl className="stack" style={{ margin: 0 }}>
          <div className="spread">
            <dt>Earned today</dt>
            <dd
              className="money"
              style={{ margin: 0, fontWeight: 700, fontSize: 24 }}
              data-testid="earned"
            >
              {formatCents(line.earnedCents)}
            </dd>
          </div>
          <div className="spread">
            <dt>Paid out today</dt>
            <dd className="money" style={{ margin: 0 }}>
              {formatCents(line.paidOutCents)}
            </dd>
          </div>
          <div className="spread">
            <dt>Owed to you now</dt>
            <dd className="money" style={{ margin: 0 }}>
              {formatCents(line.owedCents)}
            </dd>
          </div>
        </dl>
      </Card>
    </div>
  );
}
