import { z } from "zod";
import { H3Cell, Latitude, LatitudeParam, LatLng, Longitude, LongitudeParam } from "./geo.ts";
import { rule } from "./rules.ts";
import { text } from "./text.ts";

export const DietaryTag = z.enum([
  "vegetarian",
  "vegan",
  "gluten_free",
  "dairy_free",
  "nut_free",
  "halal",
  "kosher",
  "spicy",
]);
export type DietaryTag = z.infer<typeof DietaryTag>;

/** Minutes from local midnight, "HH:MM". */
const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/);

/**
 * One opening window on one weekday (0 = Sunday), in the restaurant's own time zone. A window
 * whose close is not after its open runs past midnight into the next day.
 */
export const OpeningWindow = z.strictObject({
  day: z.number().int().min(0).max(6),
  opens: ClockTime,
  closes: ClockTime,
});
export type OpeningWindow = z.infer<typeof OpeningWindow>;

/** Upper bounds on what one menu may hold; they keep a menu document and a cart bounded. */
export const MENU_ITEMS_MAX = 500;
export const MODIFIER_GROUPS_PER_ITEM_MAX = 10;
export const OPTIONS_PER_GROUP_MAX = 30;

const Money = z.number().int().min(0).max(1_000_000);

export const ModifierOption = z.object({
  id: z.uuid(),
  name: z.string(),
  priceCents: Money,
  available: z.boolean(),
});
export type ModifierOption = z.infer<typeof ModifierOption>;

export const ModifierGroup = z.object({
  id: z.uuid(),
  name: z.string(),
  minChoices: z.number().int().min(0),
  maxChoices: z.number().int().min(1),
  options: z.array(ModifierOption),
});
export type ModifierGroup = z.infer<typeof ModifierGroup>;

export const MenuItem = z.object({
  id: z.uuid(),
  categoryId: z.uuid(),
  name: z.string(),
  description: z.string(),
  priceCents: Money,
  dietaryTags: z.array(DietaryTag),
  available: z.boolean(),
  modifierGroups: z.array(ModifierGroup),
});
export type MenuItem = z.infer<typeof MenuItem>;

export const MenuCategory = z.object({
  id: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  items: z.array(MenuItem),
});
export type MenuCategory = z.infer<typeof MenuCategory>;

export const RestaurantSummary = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  cuisine: z.string(),
  priceLevel: z.number().int().min(1).max(4),
  rating: z.number().nullable(),
  location: LatLng,
  address: z.string(),
  cell: H3Cell,
  zone: H3Cell,
  timezone: z.string(),
  openingHours: z.array(OpeningWindow),
  prepMinutes: z.number().int(),
  openNow: z.boolean(),
  distanceM: z.number().int().optional(),
});
export type RestaurantSummary = z.infer<typeof RestaurantSummary>;

export const RestaurantWithMenu = RestaurantSummary.extend({
  phone: z.string().nullable(),
  menu: z.array(MenuCategory),
});
export type RestaurantWithMenu = z.infer<typeof RestaurantWithMenu>;

export const NearbyQuery = z.strictObject({
  lat: LatitudeParam,
  lng: LongitudeParam,
  radiusM: z.coerce.number().int().min(100).max(20_000).default(5_000),
  cuisine: text({ max: 40 }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type NearbyQuery = z.infer<typeof NearbyQuery>;

const Slug = z
  .string()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);

const IanaZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, rule("unknown IANA time zone"));

export const CreateRestaurantBody = z.strictObject({
  slug: Slug,
  name: text({ min: 1, max: 100, trim: true }),
  description: text({ max: 1000 }).default(""),
  cuisine: text({ min: 1, max: 40, trim: true }),
  priceLevel: z.number().int().min(1).max(4).default(2),
  location: z.strictObject({ lat: Latitude, lng: Longitude }),
  address: text({ min: 1, max: 300, trim: true }),
  phone: text({ max: 30 }).optional(),
  timezone: IanaZone,
  openingHours: z.array(OpeningWindow).max(50),
  prepMinutes: z.number().int().min(1).max(180),
});
export type CreateRestaurantBody = z.infer<typeof CreateRestaurantBody>;

export const UpdateRestaurantBody = CreateRestaurantBody.omit({ slug: true }).partial();
export type UpdateRestaurantBody = z.infer<typeof UpdateRestaurantBody>;

export const CategoryBody = z.strictObject({
  name: text({ min: 1, max: 80, trim: true }),
  position: z.number().int().min(0).max(1000).default(0),
});
export type CategoryBody = z.infer<typeof CategoryBody>;

const OptionBody = z.strictObject({
  name: text({ min: 1, max: 80, trim: true }),
  priceCents: Money.default(0),
  available: z.boolean().default(true),
});

const GroupBody = z
  .strictObject({
    name: text({ min: 1, max: 80, trim: true }),
    minChoices: z.number().int().min(0).max(OPTIONS_PER_GROUP_MAX),
    maxChoices: z.number().int().min(1).max(OPTIONS_PER_GROUP_MAX),
    options: z.array(OptionBody).min(1).max(OPTIONS_PER_GROUP_MAX),
  })
  .refine(
    (group) => group.minChoices <= group.maxChoices,
    rule("minChoices must not exceed maxChoices", ["minChoices"]),
  )
  .refine(
    (group) => group.minChoices <= group.options.length,
    rule("minChoices must not exceed the number of options", ["minChoices"]),
  );

export const ItemBody = z.strictObject({
  categoryId: z.uuid(),
  name: text({ min: 1, max: 120, trim: true }),
  description: text({ max: 500 }).default(""),
  priceCents: Money,
  dietaryTags: z.array(DietaryTag).max(8).default([]),
  available: z.boolean().default(true),
  position: z.number().int().min(0).max(1000).default(0),
  modifierGroups: z.array(GroupBody).max(MODIFIER_GROUPS_PER_ITEM_MAX).default([]),
});
export type ItemBody = z.infer<typeof ItemBody>;

export const UpdateItemBody = z
  .strictObject({
    categoryId: z.uuid(),
    name: text({ min: 1, max: 120, trim: true }),
    description: text({ max: 500 }),
    priceCents: Money,
    dietaryTags: z.array(DietaryTag).max(8),
    available: z.boolean(),
    position: z.number().int().min(0).max(1000),
    modifierGroups: z.array(GroupBody).max(MODIFIER_GROUPS_PER_ITEM_MAX),
  })
  .partial();
export type UpdateItemBody = z.infer<typeof UpdateItemBody>;

export const OptionAvailabilityBody = z.strictObject({ available: z.boolean() });

export const RestaurantParam = z.object({ id: z.uuid() });
export const CategoryParam = RestaurantParam.extend({ categoryId: z.uuid() });
export const ItemParam = RestaurantParam.extend({ itemId: z.uuid() });
export const OptionParam = RestaurantParam.extend({ optionId: z.uuid() });

/** The answer to a create: the new row's id. */
export const Created = z.object({ id: z.uuid() });

export const RestaurantList = z.object({ restaurants: z.array(RestaurantSummary) });
