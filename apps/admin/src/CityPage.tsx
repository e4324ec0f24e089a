import { gridDisk } from "h3-js";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import type { RestaurantSummary } from "../../../schema/catalog.ts";
import { ZoneServerMessage, type ZoneSnapshot } from "../../../schema/zone.ts";
import { Badge, Card, ConnectionBadge, EmptyState, ErrorState, Spinner } from "../../ui/index.ts";
import { type SocketState, useLive } from "../../ui/live.ts";
import type { MapHexagon, MapMarker } from "../../ui/MapView.tsx";
import { api } from "./session.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

/** The city the demo runs in; the zones watched are those of its restaurants and their ring. */
const CITY = { lat: 30.2672, lng: -97.7431 };
const CITY_RADIUS_M = 20_000;
/** At most this many zone sockets from one dashboard: a city's worth, bounded. */
const ZONES_MAX = 40;

function parse(data: unknown): ZoneServerMessage | null {
  const parsed = ZoneServerMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** Couriers free for an offer (the zone also lists those on a job, for the map). */
export function idleOf(zone: ZoneSnapshot | undefined): number {
  return zone ? zone.drivers.filter((d) => d.state !== "busy").length : 0;
}

/** Load shading: orders waiting per idle courier, 0 (calm, pale) to 1 (short of couriers). */
export function loadOf(zone: ZoneSnapshot | undefined): number {
  if (!zone) return 0;
  const waiting = zone.orders.length;
  if (waiting === 0) return 0;
  return Math.min(1, waiting / (idleOf(zone) + 1));
}

/**
 * The live city: one socket per zone (the ZoneActor streams its idle couriers and waiting
 * orders), drawn as hexagons shaded by load with the couriers and orders on top.
 */
export function CityPage() {
  const [zones, setZones] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [snapshots, setSnapshots] = useState(new Map<string, ZoneSnapshot>());
  const [states, setStates] = useState(new Map<string, SocketState>());

  useEffect(() => {
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
  }, []);

  const onSnapshot = useCallback((zone: ZoneSnapshot) => {
    setSnapshots((current) => new Map(current).set(zone.zone, zone));
  }, []);
  const onState = useCallback((zone: string, state: SocketState) => {
    setStates((current) =>
      current.get(zone) === state ? current : new Map(current).set(zone, state),
    );
  }, []);

  const all = useMemo(() => [...snapshots.values()], [snapshots]);
  const hexagons = useMemo<MapHexagon[]>(
    () =>
      (zones ?? []).map((cell) => {
        const load = loadOf(snapshots.get(cell));
        return {
          cell,
          color: load > 0.66 ? "#b91c1c" : load > 0.33 ? "#a16207" : "#1d4ed8",
          opacity: 0.08 + load * 0.4,
          label: `Zone ${cell}: ${idleOf(snapshots.get(cell))} idle couriers, ${(snapshots.get(cell)?.drivers.length ?? 0) - idleOf(snapshots.get(cell))} on a job, ${snapshots.get(cell)?.orders.length ?? 0} orders waiting`,
        };
      }),
    [zones, snapshots],
  );
  const markers = useMemo<MapMarker[]>(
    () => [
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
      ...all.flatMap((z) =>
        z.orders.map((o) => ({
          id: `order-${o.orderId}`,
          position: o.restaurant.location,
          label: `Order ${o.orderId.slice(0, 8)} at ${o.restaurant.name}, waiting for a courier`,
          glyph: "O",
          color: o.offeredTo ? "#a16207" : "#c2410c",
        })),
      ),
    ],
    [all],
  );

  if (error) return <ErrorState message={error} />;
  if (!zones) return <Spinner label="Finding the city's zones" />;
  const connected = [...states.values()].filter((s) => s === "connected").length;
  const idle = all.reduce((n, z) => n + idleOf(z), 0);
  const onJob = all.reduce((n, z) => n + z.drivers.length, 0) - idle;
  const waiting = all.reduce((n, z) => n + z.orders.length, 0);
  return (
    <div className="stack">
      <div className="spread">
        <h1 style={{ margin: 0 }}>The city, live</h1>
        <ConnectionBadge
          state={
            connected === zones.length ? "connected" : connected > 0 ? "reconnecting" : "connecting"
          }
        />
      </div>
      {zones.map((zone) => (
        <ZoneFeed key={zone} zone={zone} onSnapshot={onSnapshot} onState={onState} />
      ))}
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
          description={`${zones.length} zones; ${idle} idle couriers, ${onJob} on a job, and ${waiting} orders waiting for a courier.`}
        />
      </Suspense>
      <Card aria-label="Waiting orders">
        <h2>Waiting for a courier</h2>
        {waiting === 0 ? <EmptyState title="No order is waiting" /> : null}
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {all.flatMap((z) =>
            z.orders.map((o) => (
              <li key={o.orderId}>
                {o.restaurant.name} → {o.dropoff.text}: waiting since{" "}
                {new Date(o.waitingSince).toLocaleTimeString()}
                {o.offeredTo ? " (offered)" : ""}
                {o.escalation !== "none" ? <Badge tone="danger">{o.escalation}</Badge> : null}
              </li>
            )),
          )}
        </ul>
      </Card>
    </div>
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
