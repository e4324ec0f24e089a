import { useEffect, useState } from "react";
import type { DeliveryAddress } from "../../../schema/orders.ts";

/**
 * Where the customer wants their food, on the map: the point "near me" located, or a spot they
 * picked on the map. Kept across visits (like the cart) so discovery and checkout agree.
 */
export type DeliveryPoint = { lat: number; lng: number; source: "located" | "picked" };

/** Downtown Austin, where the demo city is, until the customer shares a location. */
export const DEFAULT_ADDRESS: DeliveryAddress = {
  lat: 30.2672,
  lng: -97.7431,
  text: "1100 Congress Ave, Austin, TX",
};

const POINT_KEY = "dizhtime.deliveryPoint";

type Listener = (point: DeliveryPoint | null) => void;
const listeners = new Set<Listener>();

function load(): DeliveryPoint | null {
  try {
    const raw = localStorage.getItem(POINT_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<DeliveryPoint>) : null;
    if (
      parsed &&
      typeof parsed.lat === "number" &&
      typeof parsed.lng === "number" &&
      (parsed.source === "located" || parsed.source === "picked")
    ) {
      return { lat: parsed.lat, lng: parsed.lng, source: parsed.source };
    }
    return null;
  } catch {
    return null;
  }
}

let current: DeliveryPoint | null = load();

export function setDeliveryPoint(point: DeliveryPoint | null): void {
  current = point;
  if (point) localStorage.setItem(POINT_KEY, JSON.stringify(point));
  else localStorage.removeItem(POINT_KEY);
  for (const listener of listeners) listener(point);
}

export function useDeliveryPoint(): DeliveryPoint | null {
  const [point, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return point;
}

/**
 * The delivery address a checkout sends: the customer's point with the words they typed for the
 * courier (or, with none, the point itself in words); without a point, downtown Austin, and
 * `fallback` says so, for the page to tell the customer.
 */
export function checkoutAddress(
  point: DeliveryPoint | null,
  text: string,
): { address: DeliveryAddress; fallback: boolean } {
  const words = text.trim();
  if (!point) {
    return { address: { ...DEFAULT_ADDRESS, text: words || DEFAULT_ADDRESS.text }, fallback: true };
  }
  const where = `${point.source === "located" ? "My location" : "Pinned spot"} (${point.lat.toFixed(5)}, ${point.lng.toFixed(5)})`;
  return {
    address: { lat: point.lat, lng: point.lng, text: words.length >= 3 ? words : where },
    fallback: false,
  };
}

/**
 * Asks the device where it is. Resolves with the point, or with the reason it could not tell,
 * in words a customer can act on (the browser's own messages are often empty).
 */
export function locate(
  timeoutMs = 10_000,
): Promise<{ ok: true; point: DeliveryPoint } | { ok: false; message: string }> {
  if (!navigator.geolocation) {
    return Promise.resolve({ ok: false, message: "This browser cannot share a location." });
  }
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          ok: true,
          point: {
            lat: position.coords.latitude,
            lng: position.coords.longitude,
            source: "located",
          },
        }),
      (error) =>
        resolve({
          ok: false,
          message:
            error.code === error.PERMISSION_DENIED
              ? "Location is blocked for this site; allow it in the browser's settings."
              : error.code === error.TIMEOUT
                ? "Finding your location took too long."
                : "Your location is unavailable right now.",
        }),
      { timeout: timeoutMs },
    );
  });
}
