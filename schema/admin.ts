import { z } from "zod";
import { Role, User } from "./auth.ts";
import { LatLng, Position } from "./geo.ts";
import { DriverStage, OrderRestaurant, type OrderStatus } from "./orders.ts";
import { KitchenState } from "./sockets.ts";
import { text } from "./text.ts";

/** Contracts of the admin console: people, places and manual dispatch. */

/** A user as an admin sees them: the account and whether it is disabled. */
export const AdminUser = User.extend({ disabledAt: z.iso.datetime().nullable() });
export type AdminUser = z.infer<typeof AdminUser>;

/**
 * Users by email, a page at a time: `q` matches email or name, `after` is the last email of the
 * previous page (emails are unique, so the order is total and pages never overlap).
 */
export const UserListQuery = z.strictObject({
  q: text({ max: 100, trim: true }).optional(),
  role: Role.optional(),
  after: text({ max: 254 }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const UserList = z.object({ users: z.array(AdminUser), next: z.string().nullable() });
export type UserList = z.infer<typeof UserList>;

export const UserParam = z.object({ id: z.uuid() });

/** Restaurants by slug, a page at a time, each with its kitchen as its actor has it now. */
export const RestaurantAdminQuery = z.strictObject({
  q: text({ max: 100, trim: true }).optional(),
  after: text({ max: 100 }).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(25),
});
export type RestaurantAdminQuery = z.infer<typeof RestaurantAdminQuery>;

export const AdminRestaurant = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  cuisine: z.string(),
  address: z.string(),
  zone: z.string(),
  /** Null when the kitchen's actor could not be asked just now. */
  kitchen: KitchenState.nullable(),
});
export type AdminRestaurant = z.infer<typeof AdminRestaurant>;

export const AdminRestaurantList = z.object({
  restaurants: z.array(AdminRestaurant),
  next: z.string().nullable(),
});
export type AdminRestaurantList = z.infer<typeof AdminRestaurantList>;

/** Idle couriers an admin may hand an order to: its restaurant's zone, nearest first. */
export const CourierChoices = z.object({
  zone: z.string(),
  couriers: z.array(z.object({ driverId: z.uuid(), position: Position, distanceM: z.number() })),
});
export type CourierChoices = z.infer<typeof CourierChoices>;

/** The statuses of an order still on its way to a door: what the admin's city map draws. */
export const ACTIVE_ORDER_STATUSES = [
  "placed",
  "accepted",
  "preparing",
  "ready",
  "picked_up",
] as const satisfies readonly OrderStatus[];

/**
 * The most orders one city map asks for: each is read from its own actor, so this bounds the
 * work of one refresh (and a city busier than this reads as "at least this many", newest first).
 */
export const ACTIVE_ORDERS_MAX = 200;

export const ActiveOrdersQuery = z.strictObject({
  /** One restaurant's active orders only (its kitchen, in a busy city). */
  restaurantId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(ACTIVE_ORDERS_MAX).default(ACTIVE_ORDERS_MAX),
});
export type ActiveOrdersQuery = z.infer<typeof ActiveOrdersQuery>;

/** An order on its way, as the city map draws it: from where, to where, how far along. */
export const ActiveOrder = z.object({
  orderId: z.uuid(),
  status: z.enum(ACTIVE_ORDER_STATUSES),
  driverStage: DriverStage,
  driverId: z.uuid().nullable(),
  restaurant: OrderRestaurant,
  dropoff: LatLng.extend({ text: z.string() }),
  placedAt: z.iso.datetime(),
  readyBy: z.iso.datetime().nullable(),
  /** Where its courier last was, once it has one who has reported a position. */
  courier: Position.nullable(),
});
export type ActiveOrder = z.infer<typeof ActiveOrder>;

export const ActiveOrderList = z.object({
  /** Newest first. */
  orders: z.array(ActiveOrder),
  /** More active orders exist than `limit` allowed: the oldest were left out. */
  truncated: z.boolean(),
});
export type ActiveOrderList = z.infer<typeof ActiveOrderList>;

/**
 * The platform's health as the admin System page shows it, from the metrics the bridge serves to
 * Prometheus (infra/bridge/system-health.ts): counts since the bridge started, gauges as of now.
 */
export const SystemHealth = z.object({
  at: z.iso.datetime(),
  /** "down": the bridge did not answer; everything below is then empty. */
  bridge: z.enum(["up", "down"]),
  requests: z.object({
    total: z.number().int().min(0),
    errors: z.number().int().min(0),
    /** 5xx over all requests; null before any request. */
    errorRatio: z.number().min(0).max(1).nullable(),
  }),
  /** The busiest routes, with their latency percentiles (null when unknown). */
  routes: z.array(
    z.object({
      route: z.string(),
      requests: z.number().int().min(0),
      errors: z.number().int().min(0),
      p50Seconds: z.number().min(0).nullable(),
      p99Seconds: z.number().min(0).nullable(),
    }),
  ),
  outboxes: z.array(
    z.object({
      kind: z.string(),
      pending: z.number().int().min(0),
      oldestAgeSeconds: z.number().min(0),
    }),
  ),
  consumerLag: z.array(z.object({ group: z.string(), lag: z.number().min(0) })),
  dispatch: z.object({
    waiting: z.number().int().min(0),
    oldestWaitingSeconds: z.number().min(0),
  }),
  ledger: z.object({ openHolds: z.number().int().min(0).nullable() }),
});
export type SystemHealth = z.infer<typeof SystemHealth>;
