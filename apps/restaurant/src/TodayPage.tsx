import { useEffect, useState } from "react";
import type { EarningsLine } from "../../../schema/ledger.ts";
import type { KitchenBoard } from "../../../schema/sockets.ts";
import { Card, ErrorState, Spinner } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { api } from "./session.ts";

type Figures = { payables: EarningsLine; board: KitchenBoard };

/** Today's figures: what the restaurant earned since local midnight, and the open board. */
export default function TodayPage({ restaurantId }: { restaurantId: string }) {
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the load.
  useEffect(() => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    // A minute ahead, so an order settled just now is inside the period.
    const to = new Date(Date.now() + 60_000);
    const period = new URLSearchParams({ from: midnight.toISOString(), to: to.toISOString() });
    void Promise.all([
      api.get<EarningsLine>(`/api/restaurants/${restaurantId}/payables?${period}`),
      api.get<KitchenBoard>(`/api/restaurants/${restaurantId}/kitchen`),
    ]).then(([payables, board]) => {
      if (!payables.ok) setError(payables.error.message);
      else if (!board.ok) setError(board.error.message);
      else setFigures({ payables: payables.value, board: board.value });
    });
  }, [restaurantId, attempt]);

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
  if (!figures) return <Spinner label="Adding up today" />;
  const { payables, board } = figures;
  const rows: [string, string][] = [
    ["Earned today (delivered orders)", formatCents(payables.earnedCents)],
    ["Paid out today", formatCents(payables.paidOutCents)],
    ["Refunds charged back today", formatCents(payables.otherDebitsCents)],
    ["Owed to you now", formatCents(payables.owedCents)],
    ["Open tickets", String(board.tickets.length)],
    ["Waiting for an answer", String(board.tickets.filter((t) => t.status === "placed").length)],
  ];
  return (
    <div className="stack">
      <h1>Today</h1>
      <Card>
        <dl style={{ margin: 0 }} className="stack">
          {rows.map(([label, value]) => (
            <div key={label} className="spread">
              <dt>{label}</dt>
              <dd className="money" style={{ margin: 0, fontWeight: 700 }}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}
