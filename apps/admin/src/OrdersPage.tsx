import { type FormEvent, useEffect, useState } from "react";
import type { CourierChoices } from "../../../schema/admin.ts";
import type { OrderView } from "../../../schema/orders.ts";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Spinner,
  useToast,
} from "../../ui/index.ts";
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
  // `/orders?id=…` (a link from the city map or an alert) opens that order at once.
  const [linked] = useState(() => {
    const id = new URLSearchParams(location.search).get("id") ?? "";
    return UUID.test(id) ? id : "";
  });

  const load = async (id: string) => {
    setLookup({ state: "loading" });
    const result = await api.get<OrderView>(`/api/orders/${id}`);
    setLookup(
      result.ok
        ? { state: "ready", order: result.value }
        : { state: "error", message: result.error.message },
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the id the page opened with.
  useEffect(() => {
    if (linked) void load(linked);
  }, [linked]);
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
          <Field
            label="Order id"
            name="id"
            className="grow"
            autoComplete="off"
            defaultValue={linked}
          />
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
      {order.rating ? (
        <Card aria-label="Rating">
          <h2>Rating</h2>
          <p style={{ margin: 0 }}>
            {order.rating.stars} of 5 stars
            {order.rating.comment ? ` — “${order.rating.comment}”` : ""}
          </p>
        </Card>
      ) : null}
      {["accepted", "preparing", "ready"].includes(order.status) ? (
        <DispatchCard order={order} onChanged={onChanged} />
      ) : null}
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

const UUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/**
 * Manual dispatch: hand a waiting order to a courier the admin picks (the zone's idle couriers,
 * nearest first, or any courier by id), or take it back from the one who has it.
 */
function DispatchCard({
  order,
  onChanged,
}: {
  order: OrderView;
  onChanged(message: string): void;
}) {
  const [choices, setChoices] = useState<CourierChoices | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const waiting = order.driverId === null;

  useEffect(() => {
    if (!waiting) return;
    void api.get<CourierChoices>(`/api/admin/orders/${order.id}/couriers`).then((r) => {
      if (r.ok) setChoices(r.value);
      else setLoadError(r.error.message);
    });
  }, [order.id, waiting]);

  const assign = async (driverId: string) => {
    setBusy(true);
    setError(null);
    const result = await api.post(`/api/admin/orders/${order.id}/assign`, { driverId });
    setBusy(false);
    if (result.ok) onChanged(`Assigned to courier ${driverId.slice(0, 8)}`);
    else setError(`${result.error.message} (${result.error.code})`);
  };
  const byId = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget).get("driverId") ?? "").trim();
    void assign(id);
  };
  const unassign = async () => {
    setBusy(true);
    setError(null);
    const result = await api.post(`/api/admin/orders/${order.id}/unassign`, {});
    setBusy(false);
    if (result.ok) onChanged("Courier taken off the order; dispatch offers it again");
    else setError(result.error.message);
  };

  return (
    <Card aria-label="Dispatch">
      <h2>Dispatch</h2>
      {error ? (
        <p role="alert" style={{ color: "var(--color-danger)" }}>
          {error}
        </p>
      ) : null}
      {!waiting ? (
        <div className="stack">
          <p style={{ margin: 0 }}>
            Courier <code>{order.driverId}</code> has this order ({order.driverStage}).
          </p>
          <Button variant="secondary" busy={busy} onClick={unassign}>
            Take the order back
          </Button>
        </div>
      ) : (
        <div className="stack">
          {loadError ? <ErrorState message={loadError} /> : null}
          {!choices && !loadError ? <Spinner label="Finding idle couriers" /> : null}
          {choices && choices.couriers.length === 0 ? (
            <EmptyState title="No idle courier in this zone" />
          ) : null}
          {choices && choices.couriers.length > 0 ? (
            <ul
              aria-label="Idle couriers nearby"
              style={{ margin: 0, paddingLeft: 0, listStyle: "none" }}
            >
              {choices.couriers.slice(0, 10).map((c) => (
                <li key={c.driverId} className="spread" style={{ paddingBlock: 4 }}>
                  <span>
                    Courier <code>{c.driverId.slice(0, 8)}</code>{" "}
                    <span className="muted">{(c.distanceM / 1000).toFixed(1)} km away</span>
                  </span>
                  <Button size="small" busy={busy} onClick={() => assign(c.driverId)}>
                    Assign
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
          <form className="row" style={{ alignItems: "end" }} onSubmit={byId}>
            <Field
              label="Or a courier by id"
              name="driverId"
              className="grow"
              autoComplete="off"
              required
              pattern={UUID_TEXT}
            />
            <Button type="submit" busy={busy}>
              Assign
            </Button>
          </form>
        </div>
      )}
    </Card>
  );
}
