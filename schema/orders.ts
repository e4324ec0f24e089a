import { z } from "zod";
import { Role } from "./auth.ts";
import { Latitude, LatLng, Longitude, Position } from "./geo.ts";
import { text } from "./text.ts";

/** Bounds on one cart; they keep an order document, its ticket and its pricing bounded. */
export const ORDER_LINES_MAX = 50;
export const LINE_QUANTITY_MAX = 50;
export const TIP_CENTS_MAX = 50_000;
/** What one loyalty point is worth at checkout, in cents. */
export const POINT_VALUE_CENTS = 1;
/** The most points one checkout redeems: a bound, not a business rule (the subtotal caps it). */
export const POINTS_REDEEM_MAX = 1_000_000;

export const OrderStatus = z.enum([
  "placed",
  /** Stored by earlier builds between accepting and preparing; accepting now starts preparing. */
  "accepted",
  "rejected",
  "preparing",
  "ready",
  "picked_up",
  "delivered",
  "cancelled",
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

/**
 * Where the courier is in the order's journey. It runs beside the kitchen status: a driver is
 * assigned while the food is still being prepared.
 */
export const DriverStage = z.enum([
  "unassigned",
  "assigned",
  "at_restaurant",
  "en_route",
  "at_dropoff",
  "done",
]);
export type DriverStage = z.infer<typeof DriverStage>;

export const CancelReason = z.enum([
  "customer_cancelled",
  "restaurant_timeout",
  "restaurant_cancelled",
  "admin_cancelled",
  "no_driver",
]);
export type CancelReason = z.infer<typeof CancelReason>;

/** Who did something: a role for people, or the platform itself (alarms, dispatch). */
export const Actor = z.object({
  role: z.union([Role, z.literal("system")]),
  userId: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Modifier = z.strictObject({
  groupId: z.uuid(),
  optionIds: z.array(z.uuid()).max(30),
});

export const CartLine = z.strictObject({
  itemId: z.uuid(),
  quantity: z.number().int().min(1).max(LINE_QUANTITY_MAX),
  modifiers: z.array(Modifier).max(10).default([]),
  notes: text({ max: 200 }).optional(),
  /** A client's idea of the price: accepted, never trusted. The server prices from the catalog. */
  unitPriceCents: z.number().int().optional(),
});
export type CartLine = z.infer<typeof CartLine>;

export const DeliveryAddress = z.strictObject({
  lat: Latitude,
  lng: Longitude,
  text: text({ min: 3, max: 300, trim: true }),
  notes: text({ max: 300 }).optional(),
});
export type DeliveryAddress = z.infer<typeof DeliveryAddress>;

export const PlaceOrderBody = z.strictObject({
  restaurantId: z.uuid(),
  items: z.array(CartLine).min(1).max(ORDER_LINES_MAX),
  deliveryAddress: DeliveryAddress,
  tipCents: z.number().int().min(0).max(TIP_CENTS_MAX).default(0),
  /**
   * Loyalty points to spend as a discount, worth POINT_VALUE_CENTS each, at most the subtotal;
   * the wallet must hold them, or the order is refused.
   */
  pointsToRedeem: z.number().int().min(0).max(POINTS_REDEEM_MAX).default(0),
  /** Chosen by the client once per checkout; a retry with the same key returns the same order. */
  idempotencyKey: text({ min: 8, max: 100 }),
  /** A hint for the client's own check; ignored for pricing. */
  expectedTotalCents: z.number().int().optional(),
});
export type PlaceOrderBody = z.infer<typeof PlaceOrderBody>;

export const QuoteBody = PlaceOrderBody.omit({ idempotencyKey: true });
export type QuoteBody = z.infer<typeof QuoteBody>;

export const PricedModifier = z.object({
  groupId: z.uuid(),
  groupName: z.string(),
  optionId: z.uuid(),
  name: z.string(),
  priceCents: z.number().int(),
});
export type PricedModifier = z.infer<typeof PricedModifier>;

export const PricedLine = z.object({
  itemId: z.uuid(),
  name: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  modifiers: z.array(PricedModifier),
  notes: z.string().optional(),
  lineTotalCents: z.number().int(),
});
export type PricedLine = z.infer<typeof PricedLine>;

export const Pricing = z.object({
  currency: z.literal("USD"),
  subtotalCents: z.number().int(),
  deliveryFeeCents: z.number().int(),
  serviceFeeCents: z.number().int(),
  smallOrderFeeCents: z.number().int(),
  tipCents: z.number().int(),
  /** Paid by the platform (promotions), e.g. for the points redeemed. */
  discountCents: z.number().int(),
  /** Loyalty points spent on `discountCents`. */
  pointsRedeemed: z.number().int().min(0).default(0),
  /** What the customer's wallet pays: subtotal + fees + tip - discount. */
  totalCents: z.number().int(),
  distanceM: z.number().int(),
});
export type Pricing = z.infer<typeof Pricing>;

export const Quote = z.object({
  restaurantId: z.uuid(),
  lines: z.array(PricedLine),
  pricing: Pricing,
  prepMinutes: z.number().int(),
  /** Minutes from now to the door, from prep, the zone's supply and the ride. */
  etaMinutes: z.number().int(),
});
export type Quote = z.infer<typeof Quote>;

export const OrderRestaurant = z.object({
  id: z.uuid(),
  name: z.string(),
  location: LatLng,
  address: z.string(),
});
export type OrderRestaurant = z.infer<typeof OrderRestaurant>;

export const TimelineEntry = z.object({
  seq: z.number().int(),
  type: z.string(),
  status: OrderStatus,
  driverStage: DriverStage,
  at: z.iso.datetime(),
  by: Actor,
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const REFUND_REASON_MAX = 200;

/** Money given back after delivery, from what the customer paid, never more. */
export const Refund = z.object({
  id: z.uuid(),
  amountCents: z.number().int().min(1),
  reason: z.string(),
  at: z.iso.datetime(),
  by: z.string(),
});
export type Refund = z.infer<typeof Refund>;

export const RATING_COMMENT_MAX = 500;

/** The customer's verdict on a delivered order: given once, never changed. */
export const Rating = z.object({
  stars: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  at: z.iso.datetime(),
});
export type Rating = z.infer<typeof Rating>;

/** The order as its owner (the OrderActor) holds it, and as every permitted party sees it. */
export const Order = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  customerName: z.string(),
  restaurant: OrderRestaurant,
  lines: z.array(PricedLine),
  pricing: Pricing,
  deliveryAddress: DeliveryAddress,
  status: OrderStatus,
  driverStage: DriverStage,
  driverId: z.uuid().nullable(),
  prepMinutes: z.number().int(),
  acceptBy: z.iso.datetime(),
  readyBy: z.iso.datetime().nullable(),
  /** The delivery time promised at checkout, kept so its accuracy can be measured. */
  promisedBy: z.iso.datetime().nullable(),
  cancelReason: CancelReason.nullable(),
  rejectReason: z.string().nullable(),
  placedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
  timeline: z.array(TimelineEntry),
  refunds: z.array(Refund).default([]),
  /** Null until the customer rates the delivered order; orders stored before ratings parse. */
  rating: Rating.nullable().default(null),
});
export type Order = z.infer<typeof Order>;

/**
 * Where the order's money is, as the ledger saga has it:
 * - `held`: the total is reserved in the wallet (and the points in the points account);
 * - `settled`: delivered, the hold posted and split between restaurant, courier and platform;
 * - `released`: the order ended undelivered and the hold was voided;
 * - `settling` / `releasing`: decided, and the ledger has not confirmed it yet (it is retried).
 */
export const PaymentState = z.enum(["held", "settling", "settled", "releasing", "released"]);
export type PaymentState = z.infer<typeof PaymentState>;

export const OrderPayment = z.object({
  state: PaymentState,
  heldCents: z.number().int(),
  pointsRedeemed: z.number().int(),
  /** Points credited on delivery, once settled. */
  pointsEarned: z.number().int(),
  refundedCents: z.number().int(),
});
export type OrderPayment = z.infer<typeof OrderPayment>;

/** The courier's live position on an order, with the ETAs recomputed from it. */
export const Tracking = z.object({
  driverId: z.uuid(),
  position: Position,
  pickupEta: z.iso.datetime().nullable(),
  dropoffEta: z.iso.datetime(),
});
export type Tracking = z.infer<typeof Tracking>;

/**
 * The order as one party sees it: the order itself, where its courier is, and (for its customer
 * only) the code that proves delivery.
 */
export const OrderView = Order.extend({
  tracking: Tracking.nullable(),
  deliveryCode: z.string().nullable(),
  /** For its customer and admins; null for everyone else. */
  payment: OrderPayment.nullable(),
});
export type OrderView = z.infer<typeof OrderView>;

/** Commands on an order, each named for what it asks. Validated at every edge that takes them. */
/** Why support confirmed a delivery by hand: a sentence for the record, not an essay. */
export const DELIVERY_CONFIRMATION_REASON_MAX = 300;

export const OrderCommand = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("accept"), prepMinutes: z.number().int().min(1).max(180) }),
  z.strictObject({ type: z.literal("reject"), reason: text({ min: 1, max: 200, trim: true }) }),
  z.strictObject({ type: z.literal("mark_ready") }),
  z.strictObject({ type: z.literal("cancel"), reason: text({ max: 200, trim: true }).optional() }),
  z.strictObject({ type: z.literal("assign_driver"), driverId: z.uuid() }),
  z.strictObject({ type: z.literal("unassign_driver"), driverId: z.uuid() }),
  z.strictObject({ type: z.literal("driver_arrived_at_restaurant"), driverId: z.uuid() }),
  z.strictObject({ type: z.literal("pick_up"), driverId: z.uuid() }),
  z.strictObject({ type: z.literal("driver_arrived_at_dropoff"), driverId: z.uuid() }),
  z.strictObject({ type: z.literal("deliver"), driverId: z.uuid() }),
  /**
   * Support confirms the handover the customer's code could not (locked after wrong tries, a
   * phone that died): admins only, after pickup, with the reason on the record.
   */
  z.strictObject({
    type: z.literal("confirm_delivery"),
    reason: text({ min: 1, max: DELIVERY_CONFIRMATION_REASON_MAX, trim: true }),
  }),
  /** The restaurant did not answer in time; only the platform's own alarm issues it. */
  z.strictObject({ type: z.literal("expire") }),
  /** Dispatch found no driver in time; only the platform issues it. */
  z.strictObject({ type: z.literal("give_up_dispatch") }),
  /** Money back after delivery; admins only, never more than was paid. */
  z.strictObject({
    type: z.literal("refund"),
    refundId: z.uuid(),
    amountCents: z.number().int().min(1).max(10_000_000),
    reason: text({ min: 1, max: REFUND_REASON_MAX, trim: true }),
  }),
  /** The customer's stars after delivery; once per order. */
  z.strictObject({
    type: z.literal("rate"),
    stars: z.number().int().min(1).max(5),
    comment: text({ max: RATING_COMMENT_MAX, trim: true }).optional(),
  }),
]);
export type OrderCommand = z.infer<typeof OrderCommand>;
export type OrderCommandType = OrderCommand["type"];

export const AcceptBody = z.strictObject({ prepMinutes: z.number().int().min(1).max(180) });
export const ConfirmDeliveryBody = z.strictObject({
  reason: text({ min: 1, max: DELIVERY_CONFIRMATION_REASON_MAX, trim: true }),
});
export type ConfirmDeliveryBody = z.infer<typeof ConfirmDeliveryBody>;
export const RejectBody = z.strictObject({ reason: text({ min: 1, max: 200, trim: true }) });
export const CancelBody = z.strictObject({ reason: text({ max: 200, trim: true }).optional() });
export const RefundBody = z.strictObject({
  amountCents: z.number().int().min(1).max(10_000_000),
  reason: text({ min: 1, max: REFUND_REASON_MAX, trim: true }),
});
export type RefundBody = z.infer<typeof RefundBody>;
export const RatingBody = z.strictObject({
  stars: z.number().int().min(1).max(5),
  comment: text({ max: RATING_COMMENT_MAX, trim: true }).optional(),
});
export type RatingBody = z.infer<typeof RatingBody>;
/** An admin's manual dispatch: this order to that online, idle courier. */
export const AssignBody = z.strictObject({ driverId: z.uuid() });
export type AssignBody = z.infer<typeof AssignBody>;

export const OrderListQuery = z.strictObject({
  status: OrderStatus.optional(),
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type OrderListQuery = z.infer<typeof OrderListQuery>;

export const OrderHistoryRow = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  restaurantId: z.uuid(),
  restaurantName: z.string(),
  driverId: z.uuid().nullable(),
  status: OrderStatus,
  totalCents: z.number().int(),
  subtotalCents: z.number().int(),
  placedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
});
export type OrderHistoryRow = z.infer<typeof OrderHistoryRow>;

export const OrderParam = z.object({ id: z.uuid() });
export const OrderList = z.object({ orders: z.array(OrderHistoryRow) });
