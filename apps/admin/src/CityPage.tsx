import { gridDisk } from "h3-js";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import type { ActiveOrder, ActiveOrderList } from "../../../schema/admin.ts";
import type { RestaurantSummary } from "../../../schema/catalog.ts";
import { ZoneServerMessage, type ZoneSnapshot } from "../../../schema/zone.ts";
import {
  Badge,
  Card,
  ConnectionBadge,
  EmptyState,
  ErrorState,
  Link,
  Spinner,
  useNow,
} from "../../ui/index.ts";
import { type SocketState, useLive } from "../../ui/live.ts";
import type { MapHexagon, MapLine, MapMarker } from "../../ui/MapView.tsx";
import {
  type DispatchAlert,
  dispatchAlerts,
  idleOf,
  loadOf,
  ORDER_PHASES,
  PHASE_STYLE,
  phaseCounts,
  phaseOf,
} from "./city.ts";
import { api } from "./session.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

/** The city the demo runs in; the zones watched are those of its restaurants and their ring. */
const CITY = { lat: 30.2672, lng: -97.7431 };
const CITY_RADIUS_M = 20_000;
/** At most this many zone sockets from one dashboard: a city's worth, bounded. */
const ZONES_MAX = 40;
/**
 * The active orders are read again this often. Each refresh asks every active order's actor, so
 * it is not a socket per order; a few seconds is live enough for a map of a whole city, while
 * couriers and waiting orders move live on the zones' sockets.
 */
const ACTIVE_ORDERS_REFRESH_MS = 5_000;

const NO_ORDERS: ActiveOrder[] = [];

function parse(data: unknown): ZoneServerMessage | null {
  const parsed = ZoneServerMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

type Active =
  | { state: "loading" }
  | { state: "ready"; list: ActiveOrderList; at: number; problem: string | null }
  | { state: "error"; message: string };

/** The orders on their way, read every few seconds; a failed read keeps the last good list. */
function useActiveOrders(): Active {
  const [active, setActive] = useState<Active>({ state: "loading" });
  useEffect(() => {
    let live = true;
    const read = async () => {
      const result = await api.get<ActiveOrderList>("/api/admin/orders/active");
      if (!live) return;
      setActive((current) => {
        if (result.ok) return { state: "ready", list: result.value, at: Date.now(), problem: null };
        if (current.state === "ready") return { ...current, problem: result.error.message };
        return { state: "error", message: result.error.message };
      });
    };
    void read();
    const timer = setInterval(read, ACTIVE_ORDERS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return active;
}

/**
 * The live city: one socket per zone (the ZoneActor streams its couriers, the orders waiting
 * for one and their escalations), drawn as hexagons shaded by load with the couriers on top, and
 * every active order, from placed to picked up, with its restaurant and its door.
 */
export function CityPage() {
  const [zones, setZones] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [snapshots, setSnapshots] = useState(new Map<string, ZoneSnapshot>());
  const [states, setStates] = useState(new Map<string, SocketState>());
  const active = useActiveOrders();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the load.
  useEffect(() => {
    setError(null);
    const params = new URLSearchParams({
      lat: String(CITY.lat),
      lng: String(CITY.lng),
      radiusM: String(CITY_RADIUS_M),
      limit: "100",
    });
    void api.get<{ restaurants: RestaurantSummary[] }>(`/api/restaurants?${params}`).then((r) => {
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      const cells = new Set<string>();
      for (const restaurant of r.value.restaurants) {
        for (const cell of gridDisk(restaurant.zone, 1)) cells.add(cell);
      }
      setZones([...cells].sort().slice(0, ZONES_MAX));
    });
  }, [attempt]);

  const onSnapshot = useCallback((zone: ZoneSnapshot) => {
    setSnapshots((current) => new Map(current).set(zone.zone, zone));
  }, []);
  const onState = useCallback((zone: string, state: SocketState) => {
    setStates((current) =>
      current.get(zone) === state ? current : new Map(current).set(zone, state),
    );
  }, []);

  const all = useMemo(() => [...snapshots.values()], [snapshots]);
  const orders = active.state === "ready" ? active.list.orders : NO_ORDERS;
  const alerts = useMemo(() => dispatchAlerts(all), [all]);
  const hexagons = useMemo<MapHexagon[]>(
    () =>
      (zones ?? []).map((cell) => {
        const snapshot = snapshots.get(cell);
        const load = loadOf(snapshot);
        const idle = idleOf(snapshot);
        return {
          cell,
          color: load > 0.66 ? "#b91c1c" : load > 0.33 ? "#a16207" : "#1d4ed8",
          opacity: 0.08 + load * 0.4,
          label: `Zone ${cell}: ${idle} idle couriers, ${(snapshot?.drivers.length ?? 0) - idle} on a job, ${snapshot?.orders.length ?? 0} orders waiting`,
        };
      }),
    [zones, snapshots],
  );
  const markers = useMemo<MapMarker[]>(() => {
    const restaurants = new Map(orders.map((o) => [o.restaurant.id, o.restaurant]));
    return [
      ...all.flatMap((z) =>
        z.drivers.map((d) => ({
          id: `driver-${d.driverId}`,
          position: d.position,
          label: `${d.state === "busy" ? "Courier on a job" : "Idle courier"} ${d.driverId.slice(0, 8)}`,
          glyph: d.state === "busy" ? "B" : "D",
          color: d.state === "busy" ? "#7c3aed" : "#15803d",
          moving: true,
        })),
      ),
      ...[...restaurants.values()].map((r) => ({
        id: `restaurant-${r.id}`,
        position: r.location,
        label: `${r.name}, ${r.address}`,
        glyph: "R",
        color: "#c2410c",
      })),
      ...orders.map((o) => {
        const style = PHASE_STYLE[phaseOf(o)];
        return {
          id: `order-${o.orderId}`,
          position: o.dropoff,
          label: `Order ${o.orderId.slice(0, 8)}: ${style.label}, ${o.restaurant.name} to ${o.dropoff.text}`,
          glyph: style.glyph,
          color: style.color,
        };
      }),
    ];
  }, [all, orders]);
  const lines = useMemo<MapLine[]>(
    () =>
      orders.map((o) => ({
        id: `order-${o.orderId}`,
        points: [o.restaurant.location, o.dropoff],
        color: PHASE_STYLE[phaseOf(o)].color,
        dashed: o.status !== "picked_up",
      })),
    [orders],
  );

  if (error) return <ErrorState message={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!zones) return <Spinner label="Finding the city's zones" />;
  const connected = [...states.values()].filter((s) => s === "connected").length;
  const anyOffline = [...states.values()].some((s) => s === "offline");
  const idle = all.reduce((n, z) => n + idleOf(z), 0);
  const onJob = all.reduce((n, z) => n + z.drivers.length, 0) - idle;
  const waiting = all.reduce((n, z) => n + z.orders.length, 0);
  const counts = phaseCounts(orders);
  return (
    <div className="stack">
      <div className="spread">
        <h1 style={{ margin: 0 }}>The city, live</h1>
        <ConnectionBadge
          state={
            anyOffline
              ? "offline"
              : connected === zones.length
                ? "connected"
                : connected > 0
                  ? "reconnecting"
                  : "connecting"
          }
        />
      </div>
      {zones.map((zone) => (
        <ZoneFeed key={zone} zone={zone} onSnapshot={onSnapshot} onState={onState} />
      ))}
      <AlertsCard alerts={alerts} />
      <div className="row">
        <Badge tone="success">
          {idle} idle {idle === 1 ? "courier" : "couriers"}
        </Badge>
        <Badge tone="info">
          {onJob} {onJob === 1 ? "courier" : "couriers"} on a job
        </Badge>
        <Badge tone="warning">
          {waiting} {waiting === 1 ? "order" : "orders"} waiting for a courier
        </Badge>
        <Badge>
          {connected}/{zones.length} zones live
        </Badge>
      </div>
      <Suspense fallback={<Spinner label="Loading the map" />}>
        <MapView
          height={520}
          view={{ center: CITY, zoom: 12 }}
          markers={markers}
          hexagons={hexagons}
          lines={lines}
          description={`${zones.length} zones; ${idle} idle couriers, ${onJob} on a job; ${orders.length} active orders: ${ORDER_PHASES.map((p) => `${counts[p]} ${PHASE_STYLE[p].label.toLowerCase()}`).join(", ")}.`}
        />
      </Suspense>
      <ActiveOrdersCard active={active} counts={counts} />
    </div>
  );
}

/** Alerts listed one by one; past this many the card says how many more (the worst come first). */
const ALERTS_SHOWN_MAX = 8;

/** The zones' escalations: orders nobody has taken, in plain sight above the map. */
function AlertsCard({ alerts }: { alerts: DispatchAlert[] }) {
  const now = useNow(15_000);
  const alerted = alerts.filter((a) => a.level === "alerted").length;
  return (
    <Card aria-label="Dispatch alerts" data-testid="dispatch-alerts" highlight={alerted > 0}>
      <div className="spread">
        <h2 style={{ margin: 0 }}>Dispatch alerts</h2>
        {alerts.length > 0 ? (
          <Badge tone={alerted > 0 ? "danger" : "warning"}>
            {alerts.length} {alerts.length === 1 ? "order" : "orders"} without a courier
          </Badge>
        ) : (
          <Badge tone="success">None</Badge>
        )}
      </div>
      {/* Announced as they appear: an alert is a call for a person to act. */}
      <div role="log" aria-live="assertive" aria-relevant="additions">
        {alerts.length === 0 ? (
          <p className="muted" style={{ margin: "8px 0 0" }}>
            Every waiting order is within dispatch's normal search.
          </p>
        ) : (
          <ul style={{ margin: "8px 0 0", paddingLeft: 18 }}>
            {alerts.slice(0, ALERTS_SHOWN_MAX).map((a) => (
              <li key={a.orderId} data-level={a.level}>
                <Badge tone={a.level === "alerted" ? "danger" : "warning"}>
                  {a.level === "alerted" ? "No courier found" : "Search widened"}
                </Badge>{" "}
                {a.restaurantName} to {a.dropoffText}, waiting{" "}
                {Math.max(0, Math.round((now - Date.parse(a.waitingSince)) / 60_000))} min
                {a.offered ? " (offered now)" : ""} ·{" "}
                <Link to={`/orders?id=${a.orderId}`}>
                  Dispatch order {a.orderId.slice(0, 8)} by hand
                </Link>
              </li>
            ))}
            {alerts.length > ALERTS_SHOWN_MAX ? (
              <li>and {alerts.length - ALERTS_SHOWN_MAX} more</li>
            ) : null}
          </ul>
        )}
      </div>
    </Card>
  );
}

function ActiveOrdersCard({
  active,
  counts,
}: {
  active: Active;
  counts: ReturnType<typeof phaseCounts>;
}) {
  if (active.state === "loading") return <Spinner label="Reading the active orders" />;
  if (active.state === "error") {
    return <ErrorState title="The active orders could not be read" message={active.message} />;
  }
  const { orders, truncated } = active.list;
  return (
    <Card aria-label="Active orders" data-testid="active-orders">
      <div className="spread">
        <h2 style={{ margin: 0 }}>Active orders</h2>
        <span className="muted">
          {orders.length}
          {truncated ? "+" : ""} · updated {new Date(active.at).toLocaleTimeString()}
        </span>
      </div>
      {active.problem ? (
        <p role="alert" style={{ color: "var(--color-danger)" }}>
          Could not refresh: {active.problem} Showing the last list read.
        </p>
      ) : null}
      <ul className="row" aria-label="Orders by phase" style={{ listStyle: "none", padding: 0 }}>
        {ORDER_PHASES.map((phase) => (
          <li key={phase} data-phase={phase}>
            <span className="ui-legend" style={{ background: PHASE_STYLE[phase].color }}>
              {PHASE_STYLE[phase].glyph}
            </span>{" "}
            {PHASE_STYLE[phase].label}: <strong>{counts[phase]}</strong>
          </li>
        ))}
      </ul>
      {orders.length === 0 ? (
        <EmptyState title="No order is on its way" />
      ) : (
        <table style={{ width: "100%" }}>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Phase</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Placed</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <OrderRow key={o.orderId} order={o} />
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function OrderRow({ order }: { order: ActiveOrder }) {
  const phase = phaseOf(order);
  return (
    <tr data-testid="active-order" data-order={order.orderId} data-phase={phase}>
      <td>
        <Link to={`/orders?id=${order.orderId}`}>{order.orderId.slice(0, 8)}</Link>
      </td>
      <td>{PHASE_STYLE[phase].label}</td>
      <td>{order.restaurant.name}</td>
      <td>{order.dropoff.text}</td>
      <td style={{ whiteSpace: "nowrap" }}>
        {new Date(order.placedAt).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}
      </td>
    </tr>
  );
}

/** One zone's socket; renders nothing, reports snapshots and its connection state up. */
function ZoneFeed({
  zone,
  onSnapshot,
  onState,
}: {
  zone: string;
  onSnapshot(zone: ZoneSnapshot): void;
  onState(zone: string, state: SocketState): void;
}) {
  const target = useMemo(() => ({ kind: "zone" as const, id: zone }), [zone]);
  const live = useLive(api, target, parse, (message) => {
    if (message.type === "zone") onSnapshot(message.zone);
  });
  useEffect(() => onState(zone, live.state), [zone, live.state, onState]);
  return null;
}
