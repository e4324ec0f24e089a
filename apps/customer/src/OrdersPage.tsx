import { useState } from "react";
import type { OrderHistoryRow, OrderView } from "../../../schema/orders.ts";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Link,
  Spinner,
  useRouter,
  useToast,
} from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { setCart } from "./cart.ts";
import { api } from "./session.ts";
import { statusLabel, statusTone } from "./status.ts";

/** Past and current orders, newest first; any of them can be ordered again. */
export default function OrdersPage() {
  const query = useApiQuery<{ orders: OrderHistoryRow[] }>(api, "/api/orders?limit=50");
  const [reordering, setReordering] = useState<string | null>(null);
  const router = useRouter();
  const toast = useToast();

  const reorder = async (orderId: string) => {
    setReordering(orderId);
    const result = await api.get<OrderView>(`/api/orders/${orderId}`);
    setReordering(null);
    if (!result.ok) {
      toast.show(result.error.message, "error");
      return;
    }
    const order = result.value;
    setCart({
      restaurantId: order.restaurant.id,
      restaurantName: order.restaurant.name,
      lines: order.lines.map((line) => {
        const groups = new Map<string, string[]>();
        for (const m of line.modifiers)
          groups.set(m.groupId, [...(groups.get(m.groupId) ?? []), m.optionId]);
        return {
          lineId: crypto.randomUUID(),
          itemId: line.itemId,
          quantity: line.quantity,
          modifiers: [...groups].map(([groupId, optionIds]) => ({ groupId, optionIds })),
          name: line.name,
          choices: line.modifiers.map((m) => m.name),
          ...(line.notes ? { notes: line.notes } : {}),
        };
      }),
    });
    router.navigate("/cart");
  };

  if (query.isPending) return <Spinner label="Loading your orders" />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const orders = query.data.orders;
  return (
    <div className="stack">
      <h1>Your orders</h1>
      {orders.length === 0 ? (
        <EmptyState title="No orders yet">
          <Link to="/">Find something to eat</Link>
        </EmptyState>
      ) : null}
      <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {orders.map((order) => (
          <Card as="li" key={order.orderId}>
            <div className="spread">
              <Link to={`/orders/${order.orderId}`}>
                <strong>{order.restaurantName}</strong>
              </Link>
              <Badge tone={statusTone(order.status)}>{statusLabel(order.status)}</Badge>
            </div>
            <div className="spread">
              <span className="muted">{new Date(order.placedAt).toLocaleString()}</span>
              <span className="money">{formatCents(order.totalCents)}</span>
            </div>
            <div className="row" style={{ marginTop: 8 }}>
              <Button
                size="small"
                variant="secondary"
                busy={reordering === order.orderId}
                onClick={() => reorder(order.orderId)}
              >
                Order again
              </Button>
              {order.status === "delivered" ? (
                <Link to={`/orders/${order.orderId}`}>Rate or see your rating</Link>
              ) : null}
            </div>
          </Card>
        ))}
      </ul>
    </div>
  );
}
