import { z } from "zod";
import { CreateRestaurantBody, ItemBody } from "./catalog.ts";
import { LatLng } from "./geo.ts";

/**
 * The demo city `npm start` seeds (infra/demo/city.json): checked field by field when it is
 * loaded, with the same bodies the API validates, so a bad edit to the data names its path.
 */

/** A menu item as the item body takes it, less the ids and positions the seed assigns. */
export const DemoItem = ItemBody.omit({ categoryId: true, position: true });
export type DemoItem = z.input<typeof DemoItem>;

export const DemoCategory = z.strictObject({
  name: z.string().min(1),
  items: z.array(DemoItem).min(1),
});
export type DemoCategory = z.input<typeof DemoCategory>;

/** A restaurant as the create-restaurant body takes it, with its phone, rating and menu. */
export const DemoRestaurant = CreateRestaurantBody.extend({
  phone: z.string().min(1).max(30),
  rating: z.number().min(1).max(5),
  menu: z.array(DemoCategory).min(1),
});
export type DemoRestaurant = z.input<typeof DemoRestaurant>;

const Person = { email: z.email(), name: z.string().min(1), phone: z.string().min(1) };

export const DemoAdmin = z.strictObject({ ...Person, role: z.literal("admin") });
/** A customer with a home address, where the order simulation delivers to. */
export const DemoCustomer = z.strictObject({
  ...Person,
  role: z.literal("customer"),
  home: LatLng,
  address: z.string().min(1),
});
export type DemoCustomer = z.infer<typeof DemoCustomer>;
/** A driver with the place their shift starts from in the simulation. */
export const DemoDriver = z.strictObject({
  ...Person,
  role: z.literal("driver"),
  home: LatLng,
  vehicle: z.enum(["bicycle", "scooter", "car"]),
});
export type DemoDriver = z.infer<typeof DemoDriver>;

export const DemoCityFile = z.strictObject({
  city: z.strictObject({
    name: z.string(),
    region: z.string(),
    country: z.string().length(2),
    timezone: z.string(),
    currency: z.string().length(3),
    center: LatLng,
    /** Every demo restaurant, customer and driver lies inside this box. */
    bounds: z.strictObject({
      latMin: z.number(),
      latMax: z.number(),
      lngMin: z.number(),
      lngMax: z.number(),
    }),
  }),
  /** One shared password per role: demo credentials for a local machine only. */
  passwords: z.strictObject({
    admin: z.string().min(12),
    customer: z.string().min(12),
    restaurant: z.string().min(12),
    driver: z.string().min(12),
  }),
  /** A restaurant open around the clock, so a demo order can always be placed. */
  alwaysOpenSlug: z.string().min(1),
  admin: DemoAdmin,
  customers: z.array(DemoCustomer).min(3),
  drivers: z.array(DemoDriver).min(3),
  restaurants: z.array(DemoRestaurant).min(1),
});
export type DemoCityFile = z.infer<typeof DemoCityFile>;
