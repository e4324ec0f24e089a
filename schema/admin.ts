import { z } from "zod";
import { Role, User } from "./auth.ts";
import { Position } from "./geo.ts";
import { KitchenState } from "./sockets.ts";

/** Contracts of the admin console: people, places and manual dispatch. */

/** A user as an admin sees them: the account and whether it is disabled. */
export const AdminUser = User.extend({ disabledAt: z.iso.datetime().nullable() });
export type AdminUser = z.infer<typeof AdminUser>;

/**
 * Users by email, a page at a time: `q` matches email or name, `after` is the last email of the
 * previous page (emails are unique, so the order is total and pages never overlap).
 */
export const UserListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  role: Role.optional(),
  after: z.string().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const UserList = z.object({ users: z.array(AdminUser), next: z.string().nullable() });
export type UserList = z.infer<typeof UserList>;

export const UserParam = z.object({ id: z.uuid() });

/** Restaurants by slug, a page at a time, each with its kitchen as its actor has it now. */
export const RestaurantAdminQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  after: z.string().max(100).optional(),
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
