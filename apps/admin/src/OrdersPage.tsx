import { type FormEvent, useState } from "react";
import type { OrderView } from "../../../schema/orders.ts";
import { Badge, Button, Card, ErrorState, Field, Spinner, useToast } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { api } from "./session.ts";

type Lookup =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; order: OrderView };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Order lookup: the whole order with its timeline and money, and refunds after delivery. */
export default function OrdersPage() {
  const [lookup, setLookup] = useState<Lookup>({ state: "idle" });
  const toast = useToast();

  const load = async (id: string) => {
    setLookup({ state: "loading" });
    const result = await api.get<OrderView>(`/api/orders/${id}`);
    setLookup(
      result.ok
        ? { state: "ready", order: result.value }
        : { state: "error", message: result.error.message },
    );
  };
  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget).get("id") ?? "").trim();
    if (!UUID.test(id)) {
      setLookup({ state: "error", message: "An order id looks like 0b6c…-…: 36 characters." });
      return;
    }
    void load(id);
  };

  return (
    <div className="stack">
      <h1>Orders</h1>
      <search>
        <form className="row" style={{ alignItems: "end" }} onSubmit={find}>
          <Field label="Order id" name="id" className="grow" autoComplete="off" />
          <Button type="submit">Look up</Button>
        </form>
      </search>
      {lookup.state === "loading" ? <Spinner label="Looking up the order" /> : null}
      {lookup.state === "error" ? <ErrorState message={lookup.message} /> : null}
      {lookup.state === "ready" ? (
        <OrderDetail
          order={lookup.order}
          onChanged={(message) => {
            toast.show(message);
            void load(lookup.order.id);
          }}
        />
      ) : null}
    </div>
  );
}

function OrderDetail({ order, onChanged }: { order: OrderView; onChanged(message: string): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refunded = order.refunds.reduce((sum, r) => sum + r.amountCents, 0);

  const refund = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amountCents = Math.round(Number(form.get("amount")) * 100);
    if (!Number.isFinite(amountCents) || amountCents < 1) {
      setError("Enter an amount in dollars.");
      return;
    }
    setBusy(true);
    setError(null);
    const result = await api.post(`/api/orders/${order.id}/refunds`, {
      amountCents,
      reason: String(form.get("reason") ?? ""),
    });
    setBusy(false);
    if (result.ok) onChanged(`Refunded ${formatCents(amountCents)}`);
    else setError(result.error.message);
  };
  const cancel = async () => {
    const result = await api.post(`/api/orders/${order.id}/cancel`, {
      reason: "cancelled by an admin",
    });
    if (result.ok) onChanged("Order cancelled");
    else setError(result.error.message);
  };

  return (
    <div className="stack">
      <Card aria-label="Order">
        <div className="spread">
          <h2 style={{ margin: 0 }}>
            {order.restaurant.name} → {order.customerName}
          </h2>
          <Badge tone="info">
            {order.status} · {order.driverStage}
          </Badge>
        </div>
        <p className="muted">
          Placed {new Date(order.placedAt).toLocaleString()} · courier{" "}
          {order.driverId ?? "none yet"}
        </p>
        <ul style={{ paddingLeft: 18 }}>
          {order.lines.map((line) => (
            <li key={`${line.itemId}-${line.lineTotalCents}`}>
              {line.quantity} × {line.name} — {formatCents(line.lineTotalCents)}
            </li>
          ))}
        </ul>
        <p style={{ margin: 0 }}>
          Total {formatCents(order.pricing.totalCents)}
          {order.payment ? ` · payment ${order.payment.state}` : ""}
          {refunded ? ` · refunded ${formatCents(refunded)}` : ""}
        </p>
      </Card>
      <Card aria-label="Timeline">
        <h2>Timeline</h2>
        <ol style={{ margin: 0, paddingLeft: 20 }}>
          {order.timeline.map((entry) => (
            <li key={entry.seq}>
              <strong>{entry.type}</strong> → {entry.status} / {entry.driverStage}{" "}
              <span className="muted">
                {new Date(entry.at).toLocaleTimeString()} by {entry.by.role}
                {entry.note ? ` — ${entry.note}` : ""}
              </span>
            </li>
          ))}
        </ol>
      </Card>
      {order.status === "delivered" ? (
        <Card aria-label="Refund">
          <form className="stack" onSubmit={refund}>
            <h2>Refund</h2>
            <Field label="Amount ($)" name="amount" inputMode="decimal" required />
            <Field label="Reason" name="reason" required maxLength={200} error={error} />
            <Button type="submit" busy={busy}>
              Refund to the customer's wallet
            </Button>
          </form>
        </Card>
      ) : null}
      {["placed", "accepted", "preparing", "ready"].includes(order.status) ? (
        <Card aria-label="Cancel">
          {error ? (
            <p role="alert" style={{ color: "var(--color-danger)" }}>
              {error}
            </p>
          ) : null}
          <Button variant="danger" onClick={cancel}>
            Cancel this order
          </Button>
        </Card>
      ) : null}
    </div>
  );
}
