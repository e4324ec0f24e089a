import type { Stack } from "../../../infra/local/stack.ts";
import type { Order } from "../../../schema/orders.ts";

import {
  counts,
  fail,
  type Kitchen,
  ORDERS_MS_MAX,
  ORDERS_PER_CUSTOMER,
  orders,
  type PlacedOrder,
  REQUEST_TIMEOUT_MS,
  settings,
} from "./world.ts";

/** Customers place orders and their kitchens accept at once with 1 minute of prep. */
export async function placeOrders(s: Stack, setup: { kitchens: Kitchen[]; customers: string[] }) {
  let next = 0;
  const deadline = performance.now() + ORDERS_MS_MAX;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (next < settings.orders && performance.now() < deadline) {
        const n = next++;
        try {
          await placeAndAccept(s, setup, n);
        } catch (error) {
          fail(`order: ${String(error)}`);
        }
      }
    }),
  );
}

export async function placeAndAccept(
  s: Stack,
  setup: { kitchens: Kitchen[]; customers: string[] },
  n: number,
): Promise<void> {
  const kitchen = setup.kitchens[n % setup.kitchens.length]!;
  const customerToken = setup.customers[Math.floor(n / ORDERS_PER_CUSTOMER)]!;
  const placed = await fetch(`${s.workerUrl}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      restaurantId: kitchen.id,
      items: [{ itemId: kitchen.itemId, quantity: 1, modifiers: [] }],
      deliveryAddress: {
        lat: kitchen.location.lat + 0.004,
        lng: kitchen.location.lng,
        text: "bench address",
      },
      idempotencyKey: `bench-dispatch-${n}-${Date.now()}`,
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await placed.json()) as Order | { error: { code: string } };
  if (placed.status !== 201 || !("id" in body)) {
    fail(`place: ${placed.status} ${"error" in body ? body.error.code : ""}`);
    return;
  }
  counts.ordersPlaced++;
  const order: PlacedOrder = {
    id: body.id,
    customerToken,
    acceptSentAt: null,
    acceptedAt: null,
    offerAt: null,
    driverId: null,
  };
  orders.set(order.id, order);
  order.acceptSentAt = performance.now();
  const accepted = await fetch(`${s.workerUrl}/api/orders/${order.id}/accept`, {
    method: "POST",
    headers: { authorization: `Bearer ${kitchen.staffToken}`, "content-type": "application/json" },
    body: JSON.stringify({ prepMinutes: 1 }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await accepted.arrayBuffer();
  if (accepted.status !== 200) {
    fail(`accept: ${accepted.status}`);
    return;
  }
  order.acceptedAt = performance.now();
  counts.ordersAccepted++;
}
