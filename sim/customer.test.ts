import { describe, expect, it } from "vitest";
import { seeded } from "../domain/random.ts";
import type { MenuCategory, MenuItem, ModifierGroup } from "../schema/catalog.ts";
import { pickCart, pickRestaurant, defaultCustomerPolicy as policy } from "./customer.ts";
import { shiftM } from "./geo.ts";

const home = { lat: 30.2752, lng: -97.7404 };
let ids = 0;
const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`;

function group(
  partial: Partial<Omit<ModifierGroup, "options">> & {
    options?: number;
    unavailable?: number;
  } = {},
): ModifierGroup {
  const { options = 4, unavailable = 0, ...rest } = partial;
  return {
    id: id(),
    name: "Choices",
    minChoices: 0,
    maxChoices: 2,
    options: Array.from({ length: options }, (_, i) => ({
      id: id(),
      name: `Option ${i}`,
      priceCents: 50,
      available: i >= unavailable,
    })),
    ...rest,
  };
}

function item(partial: Partial<MenuItem> = {}): MenuItem {
  return {
    id: id(),
    categoryId: "00000000-0000-4000-8000-00000000ca7e",
    name: "Dish",
    description: "",
    priceCents: 1_000,
    dietaryTags: [],
    available: true,
    modifierGroups: [],
    ...partial,
  };
}

const menu = (items: MenuItem[]): MenuCategory[] => [
  { id: "00000000-0000-4000-8000-00000000ca7e", name: "Mains", position: 0, items },
];

describe("a simulated customer choosing a restaurant", () => {
  const near = { id: "near", location: shiftM(home, 300, 0), openNow: true };
  const far = { id: "far", location: shiftM(home, 2_500, 0), openNow: true };
  const closed = { id: "closed", location: home, openNow: false };
  const away = { id: "away", location: shiftM(home, 9_000, 0), openNow: true };

  it("picks only open places within reach, nearer ones more often", () => {
    const rng = seeded(1);
    const picks = Array.from(
      { length: 2_000 },
      () => pickRestaurant(rng, [near, far, closed, away], home, policy)!.id,
    );
    expect(new Set(picks)).toEqual(new Set(["near", "far"]));
    expect(picks.filter((p) => p === "near").length).toBeGreaterThan(
      picks.filter((p) => p === "far").length * 3,
    );
  });

  it("falls back to the nearest open place when nothing is within reach", () => {
    const farther = { id: "farther", location: shiftM(home, 12_000, 0), openNow: true };
    expect(pickRestaurant(seeded(1), [closed, farther, away], home, policy)?.id).toBe("away");
  });

  it("finds nothing when nothing is open", () => {
    expect(pickRestaurant(seeded(1), [closed], home, policy)).toBeNull();
  });
});

describe("a simulated customer's basket", () => {
  it("holds 1-3 different available dishes", () => {
    const rng = seeded(2);
    const off = item({ available: false });
    const dishes = [item(), item(), item(), item(), off];
    for (let i = 0; i < 300; i++) {
      const cart = pickCart(rng, menu(dishes), policy)!;
      expect(cart.length).toBeGreaterThanOrEqual(1);
      expect(cart.length).toBeLessThanOrEqual(3);
      expect(new Set(cart.map((l) => l.itemId)).size).toBe(cart.length);
      expect(cart.map((l) => l.itemId)).not.toContain(off.id);
    }
  });

  it.each([
    { min: 0, max: 1 },
    { min: 1, max: 1 },
    { min: 2, max: 3 },
    { min: 1, max: 4 },
  ])("chooses between $min and $max modifiers in a group, all available", ({ min, max }) => {
    const rng = seeded(min * 10 + max);
    const g = group({ minChoices: min, maxChoices: max, options: 5, unavailable: 1 });
    for (let i = 0; i < 200; i++) {
      const [line] = pickCart(rng, menu([item({ modifierGroups: [g] })]), policy)!;
      const chosen = line!.modifiers.find((m) => m.groupId === g.id)?.optionIds ?? [];
      expect(chosen.length).toBeGreaterThanOrEqual(min);
      expect(chosen.length).toBeLessThanOrEqual(max);
      expect(new Set(chosen).size).toBe(chosen.length);
      expect(chosen).not.toContain(g.options[0]!.id);
    }
  });

  it("skips a dish whose required choice has run out, and gives up on a menu with nothing left", () => {
    const stuck = item({ modifierGroups: [group({ minChoices: 2, options: 2, unavailable: 1 })] });
    expect(pickCart(seeded(3), menu([stuck]), policy)).toBeNull();
    const fine = item();
    expect(pickCart(seeded(3), menu([stuck, fine]), policy)!.map((l) => l.itemId)).toEqual([
      fine.id,
    ]);
  });
});
