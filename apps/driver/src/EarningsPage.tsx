import type { EarningsLine } from "../../../schema/ledger.ts";
import { useTodaySoFar } from "../../ui/clock.ts";
import { Card, ErrorState, Spinner } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { api } from "./session.ts";

/** Today's pay: shares of delivered orders and tips since local midnight, and what is owed. */
export default function EarningsPage() {
  const period = useTodaySoFar();
  const query = useApiQuery<EarningsLine>(api, `/api/drivers/me/earnings?${period}`);
  if (query.isPending) return <Spinner label="Adding up today" />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const line = query.data;
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
