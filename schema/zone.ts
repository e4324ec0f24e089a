import { z } from "zod";
import { Dropoff } from "./dispatch.ts";
import { Failure } from "./errors.ts";
import { Position } from "./geo.ts";
import { OrderRestaurant } from "./orders.ts";

/**
 * A zone as the admin's live map shows it: its online couriers, idle (offered work) or busy (on
 * a job), and the orders waiting for one.
 */
export const ZoneSnapshot = z.object({
  zone: z.string(),
  at: z.iso.datetime(),
  drivers: z.array(
    z.object({
      driverId: z.uuid(),
      position: Position,
      state: z.enum(["idle", "busy"]).default("idle"),
    }),
  ),
  orders: z.array(
    z.object({
      orderId: z.uuid(),
      restaurant: OrderRestaurant,
      dropoff: Dropoff,
      readyBy: z.iso.datetime(),
      offeredTo: z.uuid().nullable(),
      waitingSince: z.iso.datetime(),
      escalation: z.enum(["none", "widened", "alerted"]),
    }),
  ),
});
export type ZoneSnapshot = z.infer<typeof ZoneSnapshot>;

/**
 * An order no courier has taken in the zone's alert time: pushed to the admins watching the zone
 * the moment it happens (not at the next snapshot), so someone can dispatch it by hand before
 * dispatch gives up on it.
 */
export const DispatchAlert = z.object({
  orderId: z.uuid(),
  restaurant: OrderRestaurant,
  waitingSince: z.iso.datetime(),
  waitedMs: z.number().int(),
});
export type DispatchAlert = z.infer<typeof DispatchAlert>;

export const ZoneClientMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping") }),
  z.strictObject({ type: z.literal("resync") }),
]);
export type ZoneClientMessage = z.infer<typeof ZoneClientMessage>;

export const ZoneServerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("zone"), zone: ZoneSnapshot }),
  z.object({ type: z.literal("alert"), alert: DispatchAlert }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), error: Failure }),
]);
export type ZoneServerMessage = z.infer<typeof ZoneServerMessage>;
