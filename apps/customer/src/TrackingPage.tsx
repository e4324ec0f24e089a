import { latLngToCell } from "h3-js";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { CELL_RESOLUTION } from "../../../schema/geo.ts";
import type { OrderStatus, OrderView, Tracking } from "../../../schema/orders.ts";
import { OrderServerMessage } from "../../../schema/sockets.ts";
import {
  Badge,
  Button,
  Card,
  ConnectionBadge,
  ErrorState,
  Spinner,
  useToast,
} from "../../ui/index.ts";
import { useLive } from "../../ui/live.ts";
import type { MapMarker } from "../../ui/MapView.tsx";
import { formatCents } from "../../ui/money.ts";
import { RatingCard } from "./RatingCard.tsx";
import { api } from "./session.ts";
import { statusLabel, statusTone } from "./status.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

/** The happy path an order walks; rejected and cancelled end it early. */
const STEPS: OrderStatus[] = ["placed", "accepted", "preparing", "ready", "picked_up", "delivered"];

const DRIVER_STAGE: Record<OrderView["driverStage"], string> = {
  unassigned: "Looking for a courier",
  assigned: "A courier is heading to the restaurant",
  at_restaurant: "Your courier is at the restaurant",
  en_route: "Your courier is on the way",
  at_dropoff: "Your courier is at your door",
  done: "Delivered",
};

function parse(data: unknown): OrderServerMessage | null {
  const parsed = OrderServerMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/**
 * One order, live: the OrderActor's snapshot on every (re)connect, then its updates and the
 * courier's fixes. Nothing here polls; a dropped socket reconnects and resyncs by itself.
 */
export default function TrackingPage({ id }: { id: string }) {
  const [order, setOrder] = useState<OrderView | null>(null);
  const [tracking, setTracking] = useState<Tracking | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const toast = useToast();
  const target = useMemo(() => ({ kind: "order" as const, id }), [id]);

  const live = useLive(api, target, parse, (message) => {
    if (message.type === "snapshot" || message.type === "updated") {
      setOrder((current) =>
        current && current.version > message.order.version ? current : message.order,
      );
      if (message.order.tracking) setTracking(message.order.tracking);
      setFailure(null);
    } else if (message.type === "tracking") {
      setTracking(message.tracking);
    } else if (message.type === "error") {
      setFailure(message.error.message);
    }
  });

  // The socket may take a moment; the order over HTTP paints the page meanwhile.
  useEffect(() => {
    void api.get<OrderView>(`/api/orders/${id}`).then((result) => {
      if (result.ok) setOrder((current) => current ?? result.value);
      else setFailure(result.error.message);
    });
  }, [id]);

  if (!order) {
    return failure ? <ErrorState message={failure} /> : <Spinner label="Loading your order" />;
  }

  const cancel = async () => {
    setCancelling(true);
    const result = await api.post(`/api/orders/${id}/cancel`, {});
    setCancelling(false);
    if (!result.ok) toast.show(result.error.message, "error");
  };

  const ended = order.status === "rejected" || order.status === "cancelled";
  const markers: MapMarker[] = [
    {
      id: "restaurant",
      position: order.restaurant.location,
      label: order.restaurant.name,
      glyph: "R",
      color: "#c2410c",
    },
    {
      id: "home",
      position: order.deliveryAddress,
      label: `Home: ${order.deliveryAddress.text}`,
      glyph: "H",
      color: "#1d4ed8",
    },
  ];
  if (tracking && !ended && order.status !== "delivered") {
    markers.push({
      id: "driver",
      position: tracking.position,
      label: "Your courier",
      glyph: "D",
      color: "#15803d",
      moving: true,
    });
  }

  return (
    <div className="stack">
      <div className="spread">
        <h1 style={{ margin: 0 }}>{order.restaurant.name}</h1>
        <ConnectionBadge state={live.state} />
      </div>
      <div className="row">
        <span data-testid="order-status" data-status={order.status}>
          <Badge tone={statusTone(order.status)}>{statusLabel(order.status)}</Badge>
        </span>
        {!ended && order.status !== "delivered" ? (
          <span className="muted">{DRIVER_STAGE[order.driverStage]}</span>
        ) : null}
      </div>
      {ended ? (
        <Card>
          <p role="alert" style={{ margin: 0 }}>
            {order.status === "rejected"
              ? `The restaurant could not take this order${order.rejectReason ? `: ${order.rejectReason}` : "."}`
              : "This order was cancelled."}{" "}
            Your wallet was not charged.
          </p>
        </Card>
      ) : null}
      {!ended && order.status !== "delivered" ? <Eta order={order} tracking={tracking} /> : null}
      {order.status === "delivered" ? (
        <RatingCard
          order={order}
          onRated={(rated) =>
            setOrder((current) => (current && current.version > rated.version ? current : rated))
          }
        />
      ) : null}
      {order.deliveryCode && !ended && order.status !== "delivered" ? (
        <Card aria-label="Delivery code">
          <div className="spread">
            <span>Give your courier this code</span>
            <strong style={{ fontSize: 28, letterSpacing: 6 }} data-testid="delivery-code">
              {order.deliveryCode}
            </strong>
          </div>
        </Card>
      ) : null}
      <Suspense fallback={<Spinner label="Loading the map" />}>
        <MapView
          markers={markers}
          hexagons={[
            {
              cell: latLngToCell(
                order.deliveryAddress.lat,
                order.deliveryAddress.lng,
                CELL_RESOLUTION,
              ),
              color: "#1d4ed8",
              opacity: 0.15,
              label: "Your block",
            },
          ]}
          description={`The restaurant at ${order.restaurant.address} and your home at ${order.deliveryAddress.text}${tracking ? ", with your courier between them" : ""}.`}
        />
      </Suspense>
      {/* The courier's last fix as data: what the marker glides to, for tools that follow it. */}
      <span
        hidden
        data-testid="courier-fix"
        data-lat={tracking?.position.lat}
        data-lng={tracking?.position.lng}
      />
      <Timeline order={order} />
      <Card aria-label="Receipt">
        <div className="spread">
          <span>Total paid from your wallet</span>
          <strong className="money">{formatCents(order.pricing.totalCents)}</strong>
        </div>
        {order.pricing.pointsRedeemed > 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            Including {order.pricing.pointsRedeemed} points.
          </p>
        ) : null}
      </Card>
      {order.status === "placed" ? (
        <Button variant="secondary" onClick={cancel} busy={cancelling}>
          Cancel order
        </Button>
      ) : null}
    </div>
  );
}

/** Minutes to the door, counting down each second from the latest ETA the server sent. */
function Eta({ order, tracking }: { order: OrderView; tracking: Tracking | null }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const eta = tracking?.dropoffEta ?? order.promisedBy;
  if (!eta) return null;
  const leftMs = Math.max(0, Date.parse(eta) - now);
  const minutes = Math.floor(leftMs / 60_000);
  const seconds = Math.floor((leftMs % 60_000) / 1_000);
  return (
    <Card aria-label="Arrival">
      <div className="spread">
        <span>Arriving in</span>
        <strong style={{ fontSize: 24 }} className="money" data-testid="eta">
          <span aria-hidden="true">
            {minutes}:{String(seconds).padStart(2, "0")}
          </span>
          <span className="sr-only">about {Math.max(1, Math.ceil(leftMs / 60_000))} minutes</span>
        </strong>
      </div>
      <p className="muted" style={{ margin: 0 }}>
        By {new Date(eta).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}
      </p>
    </Card>
  );
}

function Timeline({ order }: { order: OrderView }) {
  const reached = new Map<OrderStatus, string>();
  for (const entry of order.timeline)
    if (!reached.has(entry.status)) reached.set(entry.status, entry.at);
  const currentIndex = STEPS.indexOf(order.status);
  return (
    <Card aria-label="Progress">
      <h2>Progress</h2>
      <ol className="stack" style={{ margin: 0, paddingLeft: 20 }} data-testid="timeline">
        {STEPS.map((step, index) => {
          const done = currentIndex >= index;
          const at = reached.get(step);
          return (
            <li
              key={step}
              data-step={step}
              data-done={done}
              aria-current={step === order.status ? "step" : undefined}
              style={{
                color: done ? "inherit" : "var(--color-muted)",
                fontWeight: step === order.status ? 700 : 400,
              }}
            >
              {statusLabel(step)}
              {at ? (
                <span className="muted">
                  {" "}
                  · {new Date(at).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
