import { z } from "zod";
import { Currency, TransferCode, TransferKind } from "./ledger.ts";
import { CancelReason, DriverStage, OrderStatus } from "./orders.ts";

/** W3C trace context: version-traceid-parentid-flags. */
export const Traceparent = z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

/**
 * Every domain event, whatever produced it. `id` is unique; `seq` increases by one per aggregate,
 * so a consumer keeps the last seq it applied per aggregate and drops duplicates and replays of
 * older events.
 */
export const EventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(60),
  aggregateId: z.string().min(1).max(100),
  seq: z.number().int().min(1),
  at: z.iso.datetime(),
  traceparent: Traceparent,
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/**
 * The order as of an event, carried on every order event so a projection can be rebuilt from any
 * suffix of the stream and never needs a read-back.
 */
export const OrderFacts = z.object({
  status: OrderStatus,
  driverStage: DriverStage,
  customerId: z.uuid(),
  restaurantId: z.uuid(),
  restaurantName: z.string(),
  driverId: z.uuid().nullable(),
  subtotalCents: z.number().int(),
  totalCents: z.number().int(),
  placedAt: z.iso.datetime(),
});
export type OrderFacts = z.infer<typeof OrderFacts>;

const orderEvent = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({
    type: z.literal(type),
    data: z.object({ order: OrderFacts, ...data }),
  });

const DriverRef = { driverId: z.uuid() };

export const OrderEventData = z.discriminatedUnion("type", [
  orderEvent("OrderPlaced", {
    deliveryFeeCents: z.number().int(),
    serviceFeeCents: z.number().int(),
    tipCents: z.number().int(),
    lineCount: z.number().int(),
    dropoff: z.object({ lat: z.number(), lng: z.number() }),
    /**
     * The delivery time promised at checkout and the minutes quoted for it, kept so analytics can
     * measure quote accuracy. Null when the order was placed without a quote; events stored
     * before the promise was carried lack both and read as null.
     */
    promisedBy: z.iso.datetime().nullable().default(null),
    quotedMinutes: z.number().int().min(0).nullable().default(null),
  }),
  orderEvent("OrderAccepted", { prepMinutes: z.number().int(), readyBy: z.iso.datetime() }),
  orderEvent("OrderRejected", { reason: z.string() }),
  /**
   * Sent by earlier builds after OrderAccepted; accepting now starts preparing (OrderAccepted's
   * status says `preparing`). Kept so the topic, which is kept forever, still reads.
   */
  orderEvent("OrderPreparing", {}),
  orderEvent("OrderReady", {}),
  orderEvent("DriverAssigned", DriverRef),
  orderEvent("DriverUnassigned", DriverRef),
  orderEvent("DriverArrivedAtRestaurant", DriverRef),
  orderEvent("OrderPickedUp", DriverRef),
  orderEvent("DriverArrivedAtDropoff", DriverRef),
  orderEvent("OrderDelivered", {
    ...DriverRef,
    /** Set when support confirmed the handover by hand instead of the customer's code. */
    confirmedBy: z.object({ adminId: z.uuid(), reason: z.string() }).optional(),
  }),
  orderEvent("OrderCancelled", { reason: CancelReason, note: z.string().optional() }),
  orderEvent("OrderRefunded", {
    refundId: z.uuid(),
    amountCents: z.number().int(),
    reason: z.string(),
  }),
  orderEvent("OrderRated", {
    stars: z.number().int().min(1).max(5),
    comment: z.string().optional(),
  }),
]);
export type OrderEventData = z.infer<typeof OrderEventData>;
export type OrderEventType = OrderEventData["type"];

/** A catalog item as search sees it: what a diner may type or filter on. */
export const SearchableItem = z.object({
  id: z.uuid(),
  name: z.string().max(200),
  description: z.string().max(1000),
  category: z.string().max(200),
  priceCents: z.number().int().min(0),
  dietaryTags: z.array(z.string().max(40)).max(20),
  available: z.boolean(),
});
export type SearchableItem = z.infer<typeof SearchableItem>;

/**
 * A restaurant's whole searchable document as of one catalog change. The catalog sends the whole
 * document every time (not a diff), so the search index is rebuilt from the newest event alone and
 * a lost, duplicated or reordered older one cannot leave it half-updated.
 */
export const RestaurantDocument = z.object({
  id: z.uuid(),
  slug: z.string().max(100),
  name: z.string().min(1).max(200),
  description: z.string().max(2000),
  cuisine: z.string().min(1).max(100),
  priceLevel: z.number().int().min(1).max(4),
  rating: z.number().nullable(),
  location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  cell: z.string().max(20),
  zone: z.string().max(20),
  timezone: z.string().min(1).max(64),
  openingHours: z
    .array(
      z.object({
        day: z.number().int().min(0).max(6),
        opens: z.string().regex(/^\d\d:\d\d$/),
        closes: z.string().regex(/^\d\d:\d\d$/),
      }),
    )
    .max(50),
  prepMinutes: z.number().int(),
  items: z.array(SearchableItem).max(1000),
});
export type RestaurantDocument = z.infer<typeof RestaurantDocument>;

export const RestaurantEventData = z.discriminatedUnion("type", [
  // From the catalog's Postgres outbox (catalog_outbox), numbered by its own per-restaurant
  // sequence: the RestaurantActor numbers its kitchen events separately, so a consumer keeps one
  // last seq per producer (see read-models/search-indexer.ts).
  z.object({ type: z.literal("RestaurantUpserted"), data: RestaurantDocument }),
  z.object({
    type: z.literal("RestaurantPaused"),
    data: z.object({
      reason: z.enum(["missed_tickets", "staff"]),
      missedTickets: z.number().int(),
    }),
  }),
  z.object({ type: z.literal("RestaurantResumed"), data: z.object({}) }),
  z.object({
    type: z.literal("RestaurantBusyChanged"),
    data: z.object({ busy: z.boolean(), extraPrepMinutes: z.number().int() }),
  }),
  z.object({
    type: z.literal("TicketMissed"),
    data: z.object({ orderId: z.uuid(), consecutive: z.number().int() }),
  }),
]);
export type RestaurantEventData = z.infer<typeof RestaurantEventData>;
export type RestaurantEventType = RestaurantEventData["type"];

const Point = z.object({ lat: z.number(), lng: z.number() });

export const DriverEventData = z.discriminatedUnion("type", [
  z.object({ type: z.literal("DriverWentOnline"), data: z.object({ at: Point.nullable() }) }),
  z.object({ type: z.literal("DriverWentOffline"), data: z.object({}) }),
  z.object({ type: z.literal("DriverFixFlagged"), data: z.object({ why: z.string(), at: Point }) }),
  z.object({
    type: z.literal("OfferAccepted"),
    data: z.object({ offerId: z.uuid(), orderIds: z.array(z.uuid()), won: z.array(z.uuid()) }),
  }),
  /** An admin dispatched an order to this courier by hand, outside any offer. */
  z.object({
    type: z.literal("AssignedByAdmin"),
    data: z.object({ orderId: z.uuid(), adminId: z.uuid().nullable() }),
  }),
  z.object({
    type: z.literal("OfferDeclined"),
    data: z.object({ offerId: z.uuid(), orderIds: z.array(z.uuid()) }),
  }),
  z.object({
    type: z.literal("OfferExpired"),
    data: z.object({ offerId: z.uuid(), orderIds: z.array(z.uuid()) }),
  }),
]);
export type DriverEventData = z.infer<typeof DriverEventData>;

/** Sampled positions for heatmaps: one every so often per online courier, not every fix. */
export const DriverLocationData = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("DriverLocated"),
    data: z.object({ lat: z.number(), lng: z.number(), zone: z.string(), available: z.boolean() }),
  }),
]);

/** What a zone's dispatcher did: offers sent, and orders it could not serve in time. */
export const DispatchEventData = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("OfferSent"),
    data: z.object({
      offerId: z.uuid(),
      driverId: z.uuid(),
      orderIds: z.array(z.uuid()),
      expiresAt: z.iso.datetime(),
    }),
  }),
  z.object({
    type: z.literal("DispatchEscalated"),
    data: z.object({
      orderId: z.uuid(),
      level: z.enum(["widened", "alerted", "abandoned"]),
      waitedMs: z.number().int(),
    }),
  }),
]);
export type DispatchEventData = z.infer<typeof DispatchEventData>;

/**
 * The ledger's feed (`ledger.transfers`, keyed by account id; infra/bridge/ledger-relay.ts): each
 * transfer is two entries, one on each account it touches, and a hold that timed out is two more.
 * `seq` is the ledger position of what the entry records (a transfer's `seq`, or the release's), so
 * one account's entries are numbered in the order the ledger applied them.
 */
const LedgerEntry = z.object({
  transferId: z.uuid(),
  accountId: z.uuid(),
  counterpartyAccountId: z.uuid(),
  side: z.enum(["debit", "credit"]),
  kind: TransferKind,
  amount: z.number().int().positive(),
  currency: Currency,
  code: TransferCode,
  pendingId: z.uuid().nullable(),
  orderId: z.uuid().nullable(),
});
export const LedgerEventData = z.discriminatedUnion("type", [
  /** A transfer the ledger accepted: posted, a hold (pending), or a hold posted or voided. */
  z.object({ type: z.literal("TransferRecorded"), data: LedgerEntry }),
  /** A hold released because its timeout passed; `transferId` is the hold's. */
  z.object({ type: z.literal("HoldExpired"), data: LedgerEntry }),
]);
export type LedgerEventData = z.infer<typeof LedgerEventData>;

export const Topic = z.enum([
  "order.events",
  "driver.events",
  "driver.location",
  "restaurant.events",
  "ledger.transfers",
  "dispatch.events",
]);
export type Topic = z.infer<typeof Topic>;

const orderEventTypes = new Set<string>(OrderEventData.options.map((o) => o.shape.type.value));
const restaurantEventTypes = new Set<string>(
  RestaurantEventData.options.map((o) => o.shape.type.value),
);
const driverEventTypes = new Set<string>(DriverEventData.options.map((o) => o.shape.type.value));
const locationEventTypes = new Set<string>(
  DriverLocationData.options.map((o) => o.shape.type.value),
);
const ledgerEventTypes = new Set<string>(LedgerEventData.options.map((o) => o.shape.type.value));
const dispatchEventTypes = new Set<string>(
  DispatchEventData.options.map((o) => o.shape.type.value),
);

/** The topic an event belongs to, from its type (the table in ARCHITECTURE.md). */
export function topicOf(type: string): Topic | null {
  if (orderEventTypes.has(type)) return "order.events";
  if (restaurantEventTypes.has(type)) return "restaurant.events";
  if (driverEventTypes.has(type)) return "driver.events";
  if (locationEventTypes.has(type)) return "driver.location";
  if (dispatchEventTypes.has(type)) return "dispatch.events";
  if (ledgerEventTypes.has(type)) return "ledger.transfers";
  return null;
}
