import type { PlacementRequest } from "../durable-objects/order/actor.ts";
import type { PlaceInput } from "../durable-objects/order/machine.ts";
import type { Principal } from "../schema/auth.ts";

/** Fixed ids, so failures print the same thing every run. */
export const ids = {
  customer: "00000000-0000-4000-8000-000000000001",
  otherCustomer: "00000000-0000-4000-8000-000000000002",
  restaurant: "00000000-0000-4000-8000-000000000010",
  otherRestaurant: "00000000-0000-4000-8000-000000000011",
  driver: "00000000-0000-4000-8000-000000000020",
  otherDriver: "00000000-0000-4000-8000-000000000021",
  admin: "00000000-0000-4000-8000-000000000030",
  staff: "00000000-0000-4000-8000-000000000040",
  order: "00000000-0000-4000-8000-000000000100",
  item: "00000000-0000-4000-8000-000000000200",
} as const;

export const T0 = Date.parse("2026-11-21T12:00:00.000Z");

export function placeInput(partial: Partial<PlaceInput> = {}): PlaceInput {
  return {
    id: ids.order,
    customer: { id: ids.customer, name: "Ada" },
    restaurant: {
      id: ids.restaurant,
      name: "Torchy's Test Kitchen",
      location: { lat: 30.2672, lng: -97.7431 },
      address: "1 Congress Ave",
    },
    lines: [
      {
        itemId: ids.item,
        name: "Green Chile Queso",
        quantity: 2,
        unitPriceCents: 650,
        modifiers: [],
        lineTotalCents: 1300,
      },
    ],
    pricing: {
      currency: "USD",
      subtotalCents: 1300,
      deliveryFeeCents: 299,
      serviceFeeCents: 130,
      smallOrderFeeCents: 0,
      tipCents: 200,
      discountCents: 0,
      pointsRedeemed: 0,
      totalCents: 1929,
      distanceM: 1800,
    },
    deliveryAddress: { lat: 30.28, lng: -97.74, text: "500 W 5th St, Austin" },
    prepMinutes: 15,
    acceptTimeoutMs: 180_000,
    ...partial,
  };
}

export const principals = {
  customer: { userId: ids.customer, role: "customer" },
  otherCustomer: { userId: ids.otherCustomer, role: "customer" },
  staff: { userId: ids.staff, role: "restaurant", restaurantId: ids.restaurant },
  otherStaff: {
    userId: "00000000-0000-4000-8000-000000000041",
    role: "restaurant",
    restaurantId: ids.otherRestaurant,
  },
  driver: { userId: ids.driver, role: "driver" },
  otherDriver: { userId: ids.otherDriver, role: "driver" },
  admin: { userId: ids.admin, role: "admin" },
} satisfies Record<string, Principal>;

/** A placement as the gateway would hand it to an OrderActor, with fresh ids unless given. */
export function placement(partial: Partial<PlacementRequest> = {}): PlacementRequest {
  const input = placeInput();
  return {
    orderId: crypto.randomUUID(),
    requestHash: "hash-1",
    customer: input.customer,
    restaurant: { ...input.restaurant, id: crypto.randomUUID() },
    basePrepMinutes: 15,
    lines: input.lines,
    pricing: input.pricing,
    deliveryAddress: input.deliveryAddress,
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ...partial,
  };
}
