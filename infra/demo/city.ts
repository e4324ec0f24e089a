import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Role } from "../../schema/auth.ts";
import {
  type DemoCategory,
  DemoCityFile,
  type DemoCustomer,
  type DemoDriver,
  type DemoItem,
  type DemoRestaurant,
} from "../../schema/demo-city.ts";

/**
 * The demo city that `npm start` seeds: Austin, Texas, read from `city.json` beside this file and
 * checked against `schema/demo-city.ts` once, at load, so a bad edit to the data fails naming the
 * field. Every name in it is invented; any likeness to a real business is an accident. Addresses
 * are real-looking streets with approximate coordinates, and phone numbers use the 555-01xx block
 * reserved for fiction.
 */

export type { DemoCategory, DemoCustomer, DemoDriver, DemoItem, DemoRestaurant };
export type DemoUser = { email: string; name: string; phone: string; role: Role };
export type DemoStaff = DemoUser & { role: "restaurant"; restaurantSlug: string };

const FILE = new URL("./city.json", import.meta.url);

function load(): DemoCityFile {
  const parsed = DemoCityFile.safeParse(JSON.parse(readFileSync(FILE, "utf8")));
  if (!parsed.success) {
    throw new Error(
      `infra/demo/city.json is not a valid demo city:\n${z.prettifyError(parsed.error)}`,
    );
  }
  const city = parsed.data;
  const slugs = new Set(city.restaurants.map((r) => r.slug));
  if (slugs.size !== city.restaurants.length) {
    throw new Error("infra/demo/city.json: restaurant slugs must be unique");
  }
  if (!slugs.has(city.alwaysOpenSlug)) {
    throw new Error(
      `infra/demo/city.json: alwaysOpenSlug names no restaurant (${city.alwaysOpenSlug})`,
    );
  }
  return city;
}

const data = load();

export const DEMO_CITY = data.city;
/**
 * One shared password per role, so the logins `npm start` prints are easy to type. They are
 * demo credentials for a local machine and must never reach a deployed database.
 */
export const DEMO_PASSWORDS = data.passwords;
/** A restaurant open around the clock: a demo order can always be placed there. */
export const ALWAYS_OPEN_SLUG = data.alwaysOpenSlug;
export const DEMO_RESTAURANTS: readonly DemoRestaurant[] = data.restaurants;
export const DEMO_ADMIN: DemoUser = data.admin;
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = data.customers;
/** Drivers spread over the city, so a demo order anywhere finds one within a few kilometres. */
export const DEMO_DRIVERS: readonly DemoDriver[] = data.drivers;

/** One staff account per restaurant, signing in to that restaurant's ticket board. */
export const DEMO_STAFF: readonly DemoStaff[] = DEMO_RESTAURANTS.map((restaurant) => ({
  email: `staff+${restaurant.slug}@dizhtime.test`,
  name: `${restaurant.name} Staff`,
  phone: restaurant.phone,
  role: "restaurant",
  restaurantSlug: restaurant.slug,
}));

/** Every demo account: the admin, customers, drivers, then restaurant staff. */
export const DEMO_USERS: readonly (DemoUser & { restaurantSlug?: string })[] = [
  DEMO_ADMIN,
  ...DEMO_CUSTOMERS,
  ...DEMO_DRIVERS,
  ...DEMO_STAFF,
];

/**
 * The first demo customers and couriers are left to people: `npm start` prints their logins and
 * the simulator never drives them.
 */
export const PEOPLE_LEFT_FOR_HUMANS = 2;
/** The most couriers the simulator runs: every demo driver but those left to people. */
export const SIM_DRIVERS_MAX = DEMO_DRIVERS.length - PEOPLE_LEFT_FOR_HUMANS;
