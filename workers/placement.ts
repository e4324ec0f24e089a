import { readRestaurant } from "../catalog/queries.ts";
import { zoneOf } from "../domain/cells.ts";
import { quoteMinutes } from "../domain/eta.ts";
import { isOpenAt } from "../domain/hours.ts";
import { priceCart } from "../domain/pricing.ts";
import { peer } from "../durable-objects/peers.ts";
import type { Db } from "../runtime/db.ts";
import { CodedError, unwrap } from "../runtime/errors.ts";
import type { Principal } from "../schema/auth.ts";
import type { Result } from "../schema/errors.ts";
import type { Order, PlaceOrderBody, Quote, QuoteBody } from "../schema/orders.ts";

type Deps = { db: Db; env: Env; principal: Principal; traceparent: string; nowMs: number };

/** The placement limit: taken only for a request that is not a retry, given back if it was one. */
export type PlacementLimit = { take: () => Promise<void>; giveBack: () => Promise<void> };

/**
 * Prices a cart from the catalog and checks the restaurant is open. Shared by the quote (the cart
 * page) and by placement, so the customer is charged exactly what they were shown.
 */
async function priceFromCatalog(deps: { db: Db; nowMs: number }, cart: QuoteBody) {
  const read = await readRestaurant(deps.db, cart.restaurantId);
  if (!read) throw new CodedError("restaurant.not_found", "no such restaurant");
  const { restaurant } = read;
  if (!isOpenAt(restaurant.openingHours, restaurant.timezone, deps.nowMs)) {
    throw new CodedError("order.restaurant_closed", `${restaurant.name} is closed right now`);
  }
  const priced = unwrap(
    priceCart({
      restaurantLocation: { lat: restaurant.lat, lng: restaurant.lng },
      items: new Map(read.items.map((item) => [item.id, item])),
      lines: cart.items,
      dropoff: cart.deliveryAddress,
      tipCents: cart.tipCents,
      pointsToRedeem: cart.pointsToRedeem,
    }),
  );
  return { restaurant, priced };
}

/**
 * The price of a cart and when it would arrive, without placing anything. The delivery estimate
 * comes from the kitchen's prep (busy mode included), the zone's courier supply right now, and
 * the ride: the same figures placement promises, so the promise can be measured later.
 */
export async function quote(
  deps: { db: Db; env: Env; nowMs: number },
  cart: QuoteBody,
): Promise<Quote> {
  const { restaurant, priced } = await priceFromCatalog(deps, cart);
  return quoteFor(deps.env, restaurant, priced, cart.deliveryAddress);
}

async function quoteFor(
  env: Env,
  restaurant: { id: string; name: string; lat: number; lng: number; prepMinutes: number },
  priced: { lines: Quote["lines"]; pricing: Quote["pricing"] },
  dropoff: { lat: number; lng: number },
): Promise<Quote> {
  const location = { lat: restaurant.lat, lng: restaurant.lng };
  const [kitchen, supply] = await Promise.all([
    peer(env, "gateway", "RestaurantActor", restaurant.id).kitchenState(),
    peer(env, "gateway", "ZoneActor", zoneOf(location)).supply(location),
  ]);
  if (kitchen.paused)
    throw new CodedError("order.restaurant_paused", `${restaurant.name} has paused new orders`);
  const prepMinutes = restaurant.prepMinutes + (kitchen.busy ? kitchen.extraPrepMinutes : 0);
  return {
    restaurantId: restaurant.id,
    lines: priced.lines,
    pricing: priced.pricing,
    prepMinutes,
    etaMinutes: quoteMinutes({ ...supply, prepMinutes, restaurant: location, dropoff }),
  };
}

/**
 * Places an order: the same idempotency key from the same customer always names the same order
 * (its id is derived from both), so a retry after a lost response finds the order it created.
 */
export async function placeOrder(
  deps: Deps & { limit: PlacementLimit },
  body: PlaceOrderBody,
): Promise<{ order: Order; created: boolean }> {
  const orderId = await orderIdFor(deps.principal.userId, body.idempotencyKey);
  const requestHash = await hashRequest(body);
  const actor = peer(deps.env, "gateway", "OrderActor", orderId);
  const prior = await actor.replay(requestHash);
  if (prior) return { order: unwrap(prior), created: false };
  await deps.limit.take();
  const placed = await placeNew(deps, body, actor, orderId, requestHash);
  // A retry sent before the first attempt finished: the actor answered it with that order.
  if (placed.ok && !placed.value.created) await deps.limit.giveBack();
  return unwrap(placed);
}

async function placeNew(
  deps: Deps,
  body: PlaceOrderBody,
  actor: ReturnType<Env["OrderActor"]["getByName"]>,
  orderId: string,
  requestHash: string,
): Promise<Result<{ order: Order; created: boolean }>> {
  const { restaurant, priced } = await priceFromCatalog(deps, body);
  // The kitchen's actor decides admission again when the order actor asks it; this promise is
  // what the customer saw at checkout.
  const promise = await quoteFor(deps.env, restaurant, priced, body.deliveryAddress);
  return actor.place({
    orderId,
    requestHash,
    customer: { id: deps.principal.userId, name: deps.principal.name ?? "Customer" },
    restaurant: {
      id: restaurant.id,
      name: restaurant.name,
      location: { lat: restaurant.lat, lng: restaurant.lng },
      address: restaurant.address,
    },
    basePrepMinutes: restaurant.prepMinutes,
    lines: priced.lines,
    pricing: priced.pricing,
    deliveryAddress: body.deliveryAddress,
    // The actor counts the promise from the moment it places the order, on its own clock.
    quotedMinutes: promise.etaMinutes,
    traceparent: deps.traceparent,
  });
}

/** A UUID (version 8, RFC 9562 "custom") derived from the customer and their idempotency key. */
export async function orderIdFor(customerId: string, idempotencyKey: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(`order:${customerId}:${idempotencyKey}`),
    ),
  );
  digest[6] = (digest[6]! & 0x0f) | 0x80;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The request as it was asked, hints aside: a retry must ask for the very same thing. */
async function hashRequest(body: PlaceOrderBody): Promise<string> {
  const { expectedTotalCents: _hint, ...rest } = body;
  const canonical = JSON.stringify({
    ...rest,
    items: rest.items.map(({ unitPriceCents: _price, ...line }) => line),
  });
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
