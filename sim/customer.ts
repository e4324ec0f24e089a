import { distanceM } from "../domain/geo.ts";
import { chance, intBetween, type Random, sample } from "../domain/random.ts";
import type { MenuCategory, MenuItem, RestaurantSummary } from "../schema/catalog.ts";
import type { LatLng } from "../schema/geo.ts";
import type { CartLine } from "../schema/orders.ts";

export type CustomerPolicy = {
  /** Customers order from somewhere they could walk to in a pinch: delivery stays short. */
  restaurantRadiusM: number;
  /** 1-3 different dishes per order, as most delivery baskets are. */
  itemsPerOrder: { min: number; max: number };
  /** A wallet under this is topped up before ordering (the demo wallets start at $200). */
  topUpBelowCents: number;
  topUpCents: number;
  /** The tip, when there is one, in cents. */
  tipCents: { min: number; max: number };
};

export const defaultCustomerPolicy: CustomerPolicy = {
  restaurantRadiusM: 3_000,
  itemsPerOrder: { min: 1, max: 3 },
  topUpBelowCents: 5_000,
  topUpCents: 20_000,
  tipCents: { min: 0, max: 500 },
};

type Place = Pick<RestaurantSummary, "id" | "location" | "openNow">;

/**
 * A restaurant near `home` that is open now, nearer ones likelier (weight 1 / (d + 300 m), so the
 * corner place is a favourite but not the only one). With nothing open within reach, the nearest
 * open one: someone on the edge of town still eats. Null when nothing at all is open.
 */
export function pickRestaurant<R extends Place>(
  rng: Random,
  restaurants: readonly R[],
  home: LatLng,
  policy: CustomerPolicy,
): R | null {
  const open = restaurants
    .filter((r) => r.openNow)
    .map((r) => ({ r, d: distanceM(home, r.location) }))
    .sort((a, b) => a.d - b.d);
  const near = open.filter((x) => x.d <= policy.restaurantRadiusM);
  if (near.length === 0) return open[0]?.r ?? null;
  const weights = near.map((x) => 1 / (x.d + 300));
  let roll = rng.next() * weights.reduce((sum, w) => sum + w, 0);
  for (const [i, x] of near.entries()) {
    roll -= weights[i]!;
    if (roll <= 0) return x.r;
  }
  return near.at(-1)!.r;
}

/** Whether an item can be ordered at all: on sale, and every required choice has enough options. */
function orderable(item: MenuItem): boolean {
  return (
    item.available &&
    item.modifierGroups.every((g) => g.options.filter((o) => o.available).length >= g.minChoices)
  );
}

/**
 * A basket: 1-3 different available dishes, usually one of each, with modifiers chosen the way the
 * menu allows: at least each group's minimum and at most its maximum, from available options only.
 * Null when the menu has nothing orderable.
 */
export function pickCart(
  rng: Random,
  menu: readonly MenuCategory[],
  policy: CustomerPolicy,
): CartLine[] | null {
  const items = menu.flatMap((c) => c.items).filter(orderable);
  if (items.length === 0) return null;
  const count = intBetween(rng, policy.itemsPerOrder.min, policy.itemsPerOrder.max);
  return sample(rng, items, count).map((item) => ({
    itemId: item.id,
    quantity: chance(rng, 0.2) ? 2 : 1,
    modifiers: item.modifierGroups.flatMap((group) => {
      const options = group.options.filter((o) => o.available);
      const most = Math.min(group.maxChoices, options.length);
      // Most people take what is required and perhaps one extra.
      const wanted = Math.min(most, group.minChoices + (chance(rng, 0.3) ? 1 : 0));
      if (wanted === 0) return [];
      return [{ groupId: group.id, optionIds: sample(rng, options, wanted).map((o) => o.id) }];
    }),
  }));
}

export function tipCents(rng: Random, policy: CustomerPolicy): number {
  return chance(rng, 0.7) ? intBetween(rng, policy.tipCents.min, policy.tipCents.max) : 0;
}
