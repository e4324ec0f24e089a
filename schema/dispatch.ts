import { z } from "zod";
import { Failure } from "./errors.ts";
import { Latitude, Longitude, Position } from "./geo.ts";
import { DriverStage, OrderRestaurant, OrderStatus } from "./orders.ts";
import { text } from "./text.ts";

/** Commands carry an id chosen by the client; the answer quotes it, and a repeat is harmless. */
const CommandId = text({ min: 1, max: 64 });

/**
 * One GPS fix as a driver's phone reports it. `at` is the device's clock (ms since the epoch); the
 * actor checks it only moves forward and is not far in the future.
 */
export const GpsFix = z.strictObject({
  lat: Latitude,
  lng: Longitude,
  accuracyM: z.number().min(0).max(10_000),
  at: z.number().int().min(0),
  speedMps: z.number().min(0).max(200).optional(),
  headingDeg: z.number().min(0).max(360).optional(),
});
export type GpsFix = z.infer<typeof GpsFix>;

export const Dropoff = z.object({
  orderId: z.uuid(),
  lat: z.number(),
  lng: z.number(),
  text: z.string(),
  customerName: z.string(),
});
export type Dropoff = z.infer<typeof Dropoff>;

/** An offer of work to one driver: a pickup and its drop-offs, what it pays, until when. */
export const Offer = z.object({
  offerId: z.uuid(),
  zone: z.string(),
  orderIds: z.array(z.uuid()).min(1),
  restaurant: OrderRestaurant,
  dropoffs: z.array(Dropoff).min(1),
  earningsCents: z.number().int(),
  readyBy: z.iso.datetime(),
  pickupEta: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Offer = z.infer<typeof Offer>;

/** A job a driver holds: one order, as the driver needs it. */
export const Job = z.object({
  orderId: z.uuid(),
  /** Who the order is with now: a courier who sees someone else here drops the job. */
  driverId: z.uuid().nullable(),
  restaurant: OrderRestaurant,
  dropoff: Dropoff,
  status: OrderStatus,
  driverStage: DriverStage,
  readyBy: z.iso.datetime().nullable(),
  earningsCents: z.number().int(),
  version: z.number().int(),
});
export type Job = z.infer<typeof Job>;

export const DriverState = z.object({
  driverId: z.uuid(),
  online: z.boolean(),
  position: Position.nullable(),
  jobs: z.array(Job),
  offer: Offer.nullable(),
  /** Fixes refused as implausible since the last good one: shown to admins. */
  flaggedFixes: z.number().int(),
});
export type DriverState = z.infer<typeof DriverState>;

/** What a courier asks of their actor, over the socket or HTTP alike. */
export const DriverCommand = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("go_online"), commandId: CommandId }),
  z.strictObject({ type: z.literal("go_offline"), commandId: CommandId }),
  z.strictObject({ type: z.literal("accept_offer"), commandId: CommandId, offerId: z.uuid() }),
  z.strictObject({
    type: z.literal("decline_offer"),
    commandId: CommandId,
    offerId: z.uuid(),
    reason: text({ max: 200 }).optional(),
  }),
  z.strictObject({
    type: z.literal("arrived_at_restaurant"),
    commandId: CommandId,
    orderId: z.uuid(),
  }),
  z.strictObject({ type: z.literal("pick_up"), commandId: CommandId, orderId: z.uuid() }),
  z.strictObject({
    type: z.literal("arrived_at_dropoff"),
    commandId: CommandId,
    orderId: z.uuid(),
  }),
  z.strictObject({
    type: z.literal("deliver"),
    commandId: CommandId,
    orderId: z.uuid(),
    code: z.string().regex(/^\d{4}$/),
  }),
]);
export type DriverCommand = z.infer<typeof DriverCommand>;

export const DriverClientMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping") }),
  z.strictObject({ type: z.literal("fix"), fix: GpsFix }),
  ...DriverCommand.options,
]);
export type DriverClientMessage = z.infer<typeof DriverClientMessage>;

export const FixBody = z.strictObject({ fix: GpsFix });

export const DriverServerMessage = z.discriminatedUnion("type", [
  /** Sent first on every (re)connect: everything the driver's app needs to draw itself. */
  z.object({ type: z.literal("state"), driver: DriverState }),
  z.object({ type: z.literal("offer"), offer: Offer }),
  z.object({
    type: z.literal("offer_closed"),
    offerId: z.uuid(),
    why: z.enum(["expired", "taken", "withdrawn", "declined", "accepted"]),
  }),
  z.object({ type: z.literal("job"), job: Job }),
  z.object({ type: z.literal("job_removed"), orderId: z.uuid(), why: z.string() }),
  z.object({
    type: z.literal("result"),
    commandId: CommandId,
    ok: z.boolean(),
    error: Failure.optional(),
  }),
  z.object({ type: z.literal("fix_refused"), why: z.string() }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), error: Failure }),
]);
export type DriverServerMessage = z.infer<typeof DriverServerMessage>;

/** What an order asks its zone to find a driver for. */
export const DispatchRequest = z.object({
  orderId: z.uuid(),
  restaurant: OrderRestaurant,
  dropoff: Dropoff,
  placedAt: z.iso.datetime(),
  readyBy: z.iso.datetime(),
  earningsCents: z.number().int(),
});
export type DispatchRequest = z.infer<typeof DispatchRequest>;

/**
 * What an order asks of its zone, sent by its OrderActor on every change: a courier while it
 * waits for one, or nothing more, because a courier has it (the zone then closes an offer that
 * courier held as accepted, or withdraws one held by another) or because it is over.
 */
export const DispatchNeed = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("waiting"), request: DispatchRequest }),
  z.object({ kind: z.literal("assigned"), driverId: z.uuid() }),
  z.object({ kind: z.literal("closed") }),
]);
export type DispatchNeed = z.infer<typeof DispatchNeed>;

/**
 * How an offer came back to its zone without a claim. Only a decline says the courier does not
 * want the order; an offer left to expire or a courier gone offline says nothing about it.
 */
export const OfferAnswer = z.enum(["declined", "expired", "offline"]);
export type OfferAnswer = z.infer<typeof OfferAnswer>;

/** A zone's supply right now: what a quote needs to promise a delivery time. */
export const Supply = z.object({
  zone: z.string(),
  availableDrivers: z.number().int(),
  pendingOrders: z.number().int(),
  nearestDriverMs: z.number().int().nullable(),
});
export type Supply = z.infer<typeof Supply>;
