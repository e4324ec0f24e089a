import { z } from "zod";
import { Failure } from "./errors.ts";
import { CancelReason, DriverStage, OrderStatus, OrderView, Tracking } from "./orders.ts";
import { text } from "./text.ts";

/** A socket frame larger than this is refused before parsing. */
export const SOCKET_FRAME_BYTES_MAX = 16 * 1024;

/** Commands carry an id chosen by the client; the answer quotes it, and a repeat is harmless. */
const CommandId = text({ min: 1, max: 64 });

// ---- OrderActor -------------------------------------------------------------------------------

export const OrderClientMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping") }),
  z.strictObject({ type: z.literal("resync") }),
]);
export type OrderClientMessage = z.infer<typeof OrderClientMessage>;

export const OrderServerMessage = z.discriminatedUnion("type", [
  /** Sent first on every (re)connect, and on `resync`: the whole order as of `order.version`. */
  z.object({ type: z.literal("snapshot"), order: OrderView }),
  /** Sent on every change; `order.version` grows by at least one each time. */
  z.object({ type: z.literal("updated"), event: z.string(), order: OrderView }),
  /** The courier moved: where they are and the ETAs from there (at most about once a second). */
  z.object({ type: z.literal("tracking"), tracking: Tracking }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), error: Failure }),
]);
export type OrderServerMessage = z.infer<typeof OrderServerMessage>;

// ---- RestaurantActor --------------------------------------------------------------------------

export const TicketLine = z.object({
  name: z.string(),
  quantity: z.number().int(),
  modifiers: z.array(z.object({ group: z.string(), option: z.string() })),
  notes: z.string().optional(),
});
export type TicketLine = z.infer<typeof TicketLine>;

/** A kitchen ticket: what the staff need to cook and hand over one order. */
export const Ticket = z.object({
  orderId: z.uuid(),
  customerName: z.string(),
  status: OrderStatus,
  driverStage: DriverStage,
  cancelReason: CancelReason.nullable(),
  rejectReason: z.string().nullable(),
  lines: z.array(TicketLine),
  subtotalCents: z.number().int(),
  placedAt: z.iso.datetime(),
  acceptBy: z.iso.datetime(),
  prepMinutes: z.number().int(),
  readyBy: z.iso.datetime().nullable(),
  driverId: z.uuid().nullable(),
  /** When the courier is expected at the counter, refreshed as they move. */
  pickupEta: z.iso.datetime().nullable(),
  version: z.number().int(),
});
export type Ticket = z.infer<typeof Ticket>;

export const PauseReason = z.enum(["missed_tickets", "staff"]);
export type PauseReason = z.infer<typeof PauseReason>;

export const KitchenState = z.object({
  restaurantId: z.uuid(),
  paused: z.boolean(),
  pauseReason: PauseReason.nullable(),
  missedTickets: z.number().int(),
  busy: z.boolean(),
  extraPrepMinutes: z.number().int(),
});
export type KitchenState = z.infer<typeof KitchenState>;

/** Kitchen changes over HTTP: busy mode (with its extra minutes) and pause. */
export const KitchenChangeBody = z
  .strictObject({
    busy: z.boolean(),
    extraPrepMinutes: z.number().int().min(0).max(120),
    paused: z.boolean(),
  })
  .partial();
export type KitchenChangeBody = z.infer<typeof KitchenChangeBody>;

export const KitchenBoard = z.object({ kitchen: KitchenState, tickets: z.array(Ticket) });
export type KitchenBoard = z.infer<typeof KitchenBoard>;

export const RestaurantClientMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping") }),
  z.strictObject({
    type: z.literal("accept"),
    commandId: CommandId,
    orderId: z.uuid(),
    prepMinutes: z.number().int().min(1).max(180),
  }),
  z.strictObject({
    type: z.literal("reject"),
    commandId: CommandId,
    orderId: z.uuid(),
    reason: text({ min: 1, max: 200, trim: true }),
  }),
  z.strictObject({ type: z.literal("mark_ready"), commandId: CommandId, orderId: z.uuid() }),
  z.strictObject({
    type: z.literal("set_busy"),
    commandId: CommandId,
    busy: z.boolean(),
    extraPrepMinutes: z.number().int().min(0).max(120).optional(),
  }),
  z.strictObject({ type: z.literal("pause"), commandId: CommandId }),
  z.strictObject({ type: z.literal("resume"), commandId: CommandId }),
]);
export type RestaurantClientMessage = z.infer<typeof RestaurantClientMessage>;

export const RestaurantServerMessage = z.discriminatedUnion("type", [
  /** Sent first on every (re)connect: the kitchen state and every open ticket. */
  z.object({ type: z.literal("board"), kitchen: KitchenState, tickets: z.array(Ticket) }),
  z.object({ type: z.literal("ticket.new"), ticket: Ticket }),
  z.object({ type: z.literal("ticket.updated"), ticket: Ticket }),
  z.object({ type: z.literal("kitchen"), kitchen: KitchenState, why: z.string() }),
  z.object({
    type: z.literal("result"),
    commandId: CommandId,
    ok: z.boolean(),
    error: Failure.optional(),
  }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), error: Failure }),
]);
export type RestaurantServerMessage = z.infer<typeof RestaurantServerMessage>;
