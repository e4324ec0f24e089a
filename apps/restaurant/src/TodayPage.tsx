import type { EarningsLine } from "../../../schema/ledger.ts";
import type { KitchenBoard } from "../../../schema/sockets.ts";
import { useTodaySoFar } from "../../ui/clock.ts";
import { Card, ErrorState, Spinner } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiResult } from "../../ui/query.tsx";
import { api } from "./session.ts";

type Figures = { payables: EarningsLine; board: KitchenBoard };

/** Today's figures: what the restaurant earned since local midnight, and the open board. */
export default function TodayPage({ restaurantId }: { restaurantId: string }) {
  const period = useTodaySoFar();
  const query = useApiResult<Figures>(["today", restaurantId, period], async () => {
    const [payables, board] = await Promise.all([
      api.get<EarningsLine>(`/api/restaurants/${restaurantId}/payables?${period}`),
      api.get<KitchenBoard>(`/api/restaurants/${restaurantId}/kitchen`),
    ]);
    if (!payables.ok) return payables;
    if (!board.ok) return board;
    return { ok: true, value: { payables: payables.value, board: board.value } };
  });
  if (query.isPending) return <Spinner label="Adding up today" />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const figures = query.data;
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
