import { useEffect, useState } from "react";
import type { CartLine } from "../../../schema/orders.ts";

/**
 * The cart: what the customer picked, with names for display only. Prices, fees and totals are
 * never computed here; the cart page asks the server for a quote.
 */
export type Cart = {
  restaurantId: string;
  restaurantName: string;
  lines: (CartLine & { lineId: string; name: string; choices: string[] })[];
};

const CART_KEY = "dizhtime.cart";

type Listener = (cart: Cart | null) => void;
const listeners = new Set<Listener>();

function load(): Cart | null {
  try {
    const raw = localStorage.getItem(CART_KEY);
    return raw ? (JSON.parse(raw) as Cart) : null;
  } catch {
    return null;
  }
}

let current: Cart | null = load();

export function setCart(cart: Cart | null): void {
  current = cart && cart.lines.length > 0 ? cart : null;
  if (current) localStorage.setItem(CART_KEY, JSON.stringify(current));
  else localStorage.removeItem(CART_KEY);
  for (const listener of listeners) listener(current);
}

/** Adds a line; a cart holds one restaurant's food, so another restaurant's starts a new cart. */
export function addLine(restaurantId: string, restaurantName: string, line: Cart["lines"][number]) {
  const base = current?.restaurantId === restaurantId ? current.lines : [];
  setCart({ restaurantId, restaurantName, lines: [...base, line] });
}

export function useCart(): Cart | null {
  const [cart, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return cart;
}

/** The body fields a quote and an order share, from the cart. */
export function cartItems(cart: Cart): CartLine[] {
  return cart.lines.map(({ itemId, quantity, modifiers, notes }) =>
    notes ? { itemId, quantity, modifiers, notes } : { itemId, quantity, modifiers },
  );
}
