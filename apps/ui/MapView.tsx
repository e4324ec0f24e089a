import { cellToBoundary } from "h3-js";
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useId, useRef, useState } from "react";
import { Badge } from "./controls.tsx";
import { glide, type Point } from "./motion.ts";
import { DEFAULT_TILE_URL } from "./tiles.ts";

/** OpenStreetMap's standard tiles unless VITE_TILE_URL names another template at build time. */
export const TILE_URL: string = import.meta.env.VITE_TILE_URL || DEFAULT_TILE_URL;
const TILE_ATTRIBUTION = "© OpenStreetMap contributors";
/** A marker glides to its new fix over about the interval between fixes (~1 s). */
const GLIDE_MS = 1_000;

export type MapMarker = {
  id: string;
  position: Point;
  label: string;
  /** A short glyph drawn in the pin ("R", "D", "🏠"). */
  glyph: string;
  color: string;
  /** Moves smoothly between positions instead of jumping (the courier). */
  moving?: boolean;
};

export type MapHexagon = { cell: string; color: string; opacity: number; label?: string };

/** A line through points, e.g. the courier's route to the pickup and on to the door. */
export type MapLine = { id: string; points: Point[]; color: string; dashed?: boolean };

type Props = {
  markers: MapMarker[];
  hexagons?: MapHexagon[];
  lines?: MapLine[];
  /** A text summary of the map for screen readers (the map itself is pictures). */
  description: string;
  height?: number;
  tileUrl?: string;
  /** A fixed first view (a whole city); without it the map fits its first markers. */
  view?: { center: Point; zoom: number };
  /** Called with the point clicked, for maps where the person places a pin. */
  onPick?: (point: Point) => void;
};

/**
 * A Leaflet map over a configurable tile server. Markers and H3 hexagons are drawn as vectors on
 * a plain background, so with no tiles (offline, blocked, a server down) the map still shows
 * where everything is; a badge says the tiles are missing.
 */
export default function MapView({
  markers,
  hexagons = [],
  lines = [],
  description,
  height,
  tileUrl,
  view,
  onPick,
}: Props) {
  const container = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef(new Map<string, L.Marker>());
  const hexLayer = useRef<L.LayerGroup | null>(null);
  const lineLayer = useRef<L.LayerGroup | null>(null);
  const fitted = useRef(false);
  const [tilesFailed, setTilesFailed] = useState(false);
  // Where the map starts; later changes to `view` are not followed (the person may have panned).
  const firstView = useRef(view);
  const pick = useRef(onPick);
  pick.current = onPick;
  const captionId = useId();

  useEffect(() => {
    if (!container.current) return;
    const created = L.map(container.current, { zoomControl: true, attributionControl: true });
    const start = firstView.current;
    created.setView(
      [start?.center.lat ?? 30.2672, start?.center.lng ?? -97.7431],
      start?.zoom ?? 13,
    );
    fitted.current = start !== undefined;
    const tiles = L.tileLayer(tileUrl ?? TILE_URL, {
      attribution: TILE_ATTRIBUTION,
      maxZoom: 19,
    });
    tiles.on("tileerror", () => setTilesFailed(true));
    tiles.on("tileload", () => setTilesFailed(false));
    tiles.addTo(created);
    created.on("click", (event: L.LeafletMouseEvent) =>
      pick.current?.({ lat: event.latlng.lat, lng: event.latlng.lng }),
    );
    hexLayer.current = L.layerGroup().addTo(created);
    lineLayer.current = L.layerGroup().addTo(created);
    map.current = created;
    const markerLayers = layers.current;
    return () => {
      created.remove();
      map.current = null;
      markerLayers.clear();
      fitted.current = false;
    };
  }, [tileUrl]);

  useEffect(() => {
    const group = hexLayer.current;
    if (!group) return;
    group.clearLayers();
    for (const hex of hexagons) {
      const polygon = L.polygon(cellToBoundary(hex.cell) as [number, number][], {
        color: hex.color,
        weight: 1,
        fillColor: hex.color,
        fillOpacity: hex.opacity,
      });
      if (hex.label) polygon.bindTooltip(hex.label);
      group.addLayer(polygon);
    }
  }, [hexagons]);

  useEffect(() => {
    const group = lineLayer.current;
    if (!group) return;
    group.clearLayers();
    for (const line of lines) {
      group.addLayer(
        L.polyline(
          line.points.map((p) => [p.lat, p.lng] as [number, number]),
          {
            color: line.color,
            weight: 4,
            opacity: 0.8,
            ...(line.dashed ? { dashArray: "6 8" } : {}),
          },
        ),
      );
    }
  }, [lines]);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    const seen = new Set<string>();
    const animations: number[] = [];
    for (const marker of markers) {
      seen.add(marker.id);
      const existing = layers.current.get(marker.id);
      if (!existing) {
        const created = L.marker([marker.position.lat, marker.position.lng], {
          icon: pinIcon(marker),
          title: marker.label,
          alt: marker.label,
          keyboard: true,
        }).addTo(current);
        created.bindTooltip(marker.label);
        layers.current.set(marker.id, created);
        continue;
      }
      const from = existing.getLatLng();
      if (from.lat === marker.position.lat && from.lng === marker.position.lng) continue;
      if (!marker.moving || matchMedia("(prefers-reduced-motion: reduce)").matches) {
        existing.setLatLng([marker.position.lat, marker.position.lng]);
        continue;
      }
      const start = performance.now();
      const to = marker.position;
      const step = (now: number) => {
        const at = glide(from, to, now - start, GLIDE_MS);
        existing.setLatLng([at.lat, at.lng]);
        if (now - start < GLIDE_MS) animations.push(requestAnimationFrame(step));
      };
      animations.push(requestAnimationFrame(step));
    }
    for (const [id, layer] of layers.current) {
      if (!seen.has(id)) {
        layer.remove();
        layers.current.delete(id);
      }
    }
    if (!fitted.current && markers.length > 0) {
      fitted.current = true;
      const bounds = L.latLngBounds(markers.map((m) => [m.position.lat, m.position.lng]));
      current.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
    }
    return () => {
      for (const frame of animations) cancelAnimationFrame(frame);
    };
  }, [markers]);

  return (
    <figure className="ui-map" style={height ? { height } : undefined} data-testid="map">
      {/* A region, not an image: its markers and zoom buttons take the keyboard focus. */}
      <section
        ref={container}
        style={{ height: "100%" }}
        aria-roledescription="map"
        aria-label="Map"
        aria-describedby={captionId}
      />
      {tilesFailed ? (
        <span className="ui-map-note">
          <Badge tone="warning">Map tiles unavailable</Badge>
        </span>
      ) : null}
      <figcaption className="sr-only" id={captionId}>
        {description}
      </figcaption>
    </figure>
  );
}

function pinIcon(marker: MapMarker): L.DivIcon {
  const element = document.createElement("div");
  element.className = "ui-pin";
  element.style.background = marker.color;
  element.style.width = "30px";
  element.style.height = "30px";
  element.textContent = marker.glyph;
  return L.divIcon({ html: element, className: "", iconSize: [30, 30], iconAnchor: [15, 15] });
}
