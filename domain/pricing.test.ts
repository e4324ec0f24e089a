import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MenuItem } from "../schema/catalog.ts";
import type { CartLine } from "../schema/orders.ts";
import { defaultFeePolicy, priceCart } from "./pricing.ts";

const restaurant = { lat: 30.2672, lng: -97.7431 };
const near = { lat: 30.2755, lng: -97.7403 }; // about 950 m away

const burger: MenuItem = {
  id: "10000000-0000-4000-8000-000000000001",
  categoryId: "20000000-0000-4000-8000-000000000001",
  name: "Burger",
  description: "",
  priceCents: 1000,
  dietaryTags: [],
  available: true,
  modifierGroups: [
    {
      id: "30000000-0000-4000-8000-000000000001",
      name: "Size",
      minChoices: 1,
      maxChoices: 1,
      options: [
        {
          id: "40000000-0000-4000-8000-000000000001",
          name: "Single",
          priceCents: 0,
          available: true,
        },
        {
          id: "40000000-0000-4000-8000-000000000002",
          name: "Double",
          priceCents: 350,
          available: true,
        },
        {
          id: "40000000-0000-4000-8000-000000000003",
          name: "Triple",
          priceCents: 600,
          available: false,
        },
      ],
    },
  ],
};
const items = new Map([[burger.id, burger]]);
const line = (optionIds: string[], quantity = 1): CartLine => ({
  itemId: burger.id,
  quantity,
  modifiers: [{ groupId: burger.modifierGroups[0]!.id, optionIds }],
});

describe("pricing a cart", () => {
  it("adds modifiers to the unit price and multiplies by quantity", () => {
    const result = priceCart({
      restaurantLocation: restaurant,
      items,
      lines: [line(["40000000-0000-4000-8000-000000000002"], 2)],
      dropoff: near,
      tipCents: 0,
    });
    expect(result.ok && result.value.lines[0]).toMatchObject({
      unitPriceCents: 1350,
      lineTotalCents: 2700,
    });
  });

  it("charges the base delivery fee within the included distance, and per started km beyond", () => {
    const nearby = priceCart({
      restaurantLocation: restaurant,
      items,
      lines: [line(["40000000-0000-4000-8000-000000000001"])],
      dropoff: near,
      tipCents: 0,
    });
    expect(nearby.ok && nearby.value.pricing.deliveryFeeCents).toBe(
      defaultFeePolicy.deliveryBaseCents,
    );
    const farther = priceCart({
      restaurantLocation: restaurant,
      items,
      lines: [line(["40000000-0000-4000-8000-000000000001"])],
      dropoff: { lat: 30.3, lng: -97.7431 }, // about 3.65 km: two started km beyond the 2 included
      tipCents: 0,
    });
    expect(farther.ok && farther.value.pricing.deliveryFeeCents).toBe(
      defaultFeePolicy.deliveryBaseCents + 2 * defaultFeePolicy.deliveryPerKmCents,
    );
  });

  it("adds a small-order fee below the threshold, and none above it", () => {
    const small = priceCart({
      restaurantLocation: restaurant,
      items,
      lines: [line(["40000000-0000-4000-8000-000000000001"])],
      dropoff: near,
      tipCents: 0,
    });
    expect(small.ok && small.value.pricing.smallOrderFeeCents).toBe(
      defaultFeePolicy.smallOrderFeeCents,
    );
    const large = priceCart({
      restaurantLocation: restaurant,
      items,
      lines: [line(["40000000-0000-4000-8000-000000000001"], 2)],
      dropoff: near,
      tipCents: 0,
    });
    expect(large.ok && large.value.pricing.smallOrderFeeCents).toBe(0);
  });

  it.each([
    [
      "an unavailable option",
      [line(["40000000-0000-4000-8000-000000000003"])],
      "order.item_unavailable",
    ],
    ["too few choices", [line([])], "order.invalid_modifiers"],
    [
      "too many choices",
      [line(["40000000-0000-4000-8000-000000000001", "40000000-0000-4000-8000-000000000002"])],
      "order.invalid_modifiers",
    ],
    [
      "an option from elsewhere",
      [line(["40000000-0000-4000-8000-000000000099"])],
      "order.invalid_modifiers",
    ],
    [
      "a group from elsewhere",
      [
        {
          itemId: burger.id,
          quantity: 1,
          modifiers: [{ groupId: "30000000-0000-4000-8000-000000000009", optionIds: [] }],
        },
      ],
      "order.invalid_modifiers",
    ],
    [
      "an unknown item",
      [{ itemId: "10000000-0000-4000-8000-000000000009", quantity: 1, modifiers: [] }],
      "order.item_not_found",
    ],
  ])("refuses %s", (_, lines, code) => {
    const result = priceCart({
      restaurantLocation: restaurant,
      items,
      lines,
      dropoff: near,
      tipCents: 0,
    });
    expect(!result.ok && result.error.code).toBe(code);
  });

  it("turns points into a discount on the food only, never past the subtotal", () => {
    const priced = (pointsToRedeem: number) => {
      const result = priceCart({
        restaurantLocation: restaurant,
        items,
        lines: [line(["40000000-0000-4000-8000-000000000001"], 2)],
        dropoff: near,
        tipCents: 100,
        pointsToRedeem,
      });
      if (!result.ok) throw new Error(result.error.code);
      return result.value.pricing;
    };
    const full = priced(0);
    expect(priced(300)).toMatchObject({
      discountCents: 300,
      pointsRedeemed: 300,
      totalCents: full.totalCents - 300,
    });
    // Fees and the tip are still paid in money.
    expect(priced(1_000_000)).toMatchObject({
      discountCents: full.subtotalCents,
      pointsRedeemed: full.subtotalCents,
      totalCents: full.totalCents - full.subtotalCents,
    });
  });

  it("always totals its parts, in whole cents, for any cart", () => {
    const optionIds = burger.modifierGroups[0]!.options.filter((o) => o.available).map((o) => o.id);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...optionIds), fc.integer({ min: 1, max: 50 })), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.double({ min: 30.2, max: 30.33, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (picks, tipCents, lat, pointsToRedeem) => {
          const result = priceCart({
            restaurantLocation: restaurant,
            items,
            lines: picks.map(([option, quantity]) => line([option], quantity)),
            dropoff: { lat, lng: -97.7431 },
            tipCents,
            pointsToRedeem,
          });
          if (!result.ok) return;
          const p = result.value.pricing;
          for (const value of Object.values(p))
            if (typeof value === "number") expect(Number.isInteger(value)).toBe(true);
          expect(p.totalCents).toBe(
            p.subtotalCents +
              p.deliveryFeeCents +
              p.serviceFeeCents +
              p.smallOrderFeeCents +
              p.tipCents -
              p.discountCents,
          );
          expect(p.serviceFeeCents).toBeGreaterThanOrEqual(defaultFeePolicy.serviceFeeMinCents);
          expect(p.serviceFeeCents).toBeLessThanOrEqual(defaultFeePolicy.serviceFeeMaxCents);
        },
      ),
    );
  });
});
