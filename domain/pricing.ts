import type { MenuItem } from "../schema/catalog.ts";
import { fail, ok, type Result } from "../schema/errors.ts";
import type { LatLng } from "../schema/geo.ts";
import {
  type CartLine,
  POINT_VALUE_CENTS,
  type PricedLine,
  type PricedModifier,
  type Pricing,
} from "../schema/orders.ts";
import { distanceM } from "./geo.ts";

/**
 * How the platform charges for delivery. Amounts in cents, rates in basis points, so every
 * computation is integer arithmetic and two runs never disagree by a rounding.
 */
export type FeePolicy = {
  deliveryBaseCents: number;
  /** Charged per started kilometre beyond the included distance. */
  deliveryPerKmCents: number;
  deliveryIncludedM: number;
  deliveryFeeMaxCents: number;
  serviceFeeBps: number;
  serviceFeeMinCents: number;
  serviceFeeMaxCents: number;
  smallOrderThresholdCents: number;
  smallOrderFeeCents: number;
  /** Beyond this the food arrives cold: the order is refused. */
  deliveryRadiusMaxM: number;
};

export const defaultFeePolicy: FeePolicy = {
  deliveryBaseCents: 199,
  deliveryPerKmCents: 60,
  deliveryIncludedM: 2_000,
  deliveryFeeMaxCents: 899,
  serviceFeeBps: 1_000,
  serviceFeeMinCents: 99,
  serviceFeeMaxCents: 499,
  smallOrderThresholdCents: 1_200,
  smallOrderFeeCents: 200,
  deliveryRadiusMaxM: 12_000,
};

export type PricingInput = {
  restaurantLocation: LatLng;
  /** The restaurant's live, non-archived items by id. */
  items: ReadonlyMap<string, MenuItem>;
  lines: readonly CartLine[];
  dropoff: LatLng;
  tipCents: number;
  /** Loyalty points the customer wants to spend; the discount never passes the subtotal. */
  pointsToRedeem?: number;
};

/**
 * Prices a cart from the catalog alone: a client's prices are never read. Refuses, with a code
 * naming the line, items that do not exist or are unavailable and modifier choices that break
 * their group's rules.
 */
export function priceCart(
  input: PricingInput,
  policy: FeePolicy = defaultFeePolicy,
): Result<{ lines: PricedLine[]; pricing: Pricing }> {
  const distance = Math.round(distanceM(input.restaurantLocation, input.dropoff));
  if (distance > policy.deliveryRadiusMaxM) {
    return fail("order.out_of_range", "the delivery address is too far from the restaurant", {
      distanceM: distance,
      maxM: policy.deliveryRadiusMaxM,
    });
  }
  const lines: PricedLine[] = [];
  for (const [index, line] of input.lines.entries()) {
    const priced = priceLine(line, input.items.get(line.itemId), index);
    if (!priced.ok) return priced;
    lines.push(priced.value);
  }
  const subtotalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  if (subtotalCents <= 0) return fail("order.empty", "the cart has nothing to pay for");

  const extraKm = Math.max(0, Math.ceil((distance - policy.deliveryIncludedM) / 1000));
  const deliveryFeeCents = Math.min(
    policy.deliveryFeeMaxCents,
    policy.deliveryBaseCents + extraKm * policy.deliveryPerKmCents,
  );
  const serviceFeeCents = clamp(
    roundDiv(subtotalCents * policy.serviceFeeBps, 10_000),
    policy.serviceFeeMinCents,
    policy.serviceFeeMaxCents,
  );
  const smallOrderFeeCents =
    subtotalCents < policy.smallOrderThresholdCents ? policy.smallOrderFeeCents : 0;
  // Fees and tip are always paid in money: points buy food only.
  const pointsRedeemed = Math.min(
    input.pointsToRedeem ?? 0,
    Math.floor(subtotalCents / POINT_VALUE_CENTS),
  );
  const discountCents = pointsRedeemed * POINT_VALUE_CENTS;
  const pricing: Pricing = {
    currency: "USD",
    subtotalCents,
    deliveryFeeCents,
    serviceFeeCents,
    smallOrderFeeCents,
    tipCents: input.tipCents,
    discountCents,
    pointsRedeemed,
    totalCents:
      subtotalCents +
      deliveryFeeCents +
      serviceFeeCents +
      smallOrderFeeCents +
      input.tipCents -
      discountCents,
    distanceM: distance,
  };
  return ok({ lines, pricing });
}

function priceLine(line: CartLine, item: MenuItem | undefined, index: number): Result<PricedLine> {
  const at = { line: index, itemId: line.itemId };
  if (!item) return fail("order.item_not_found", "an item in the cart is not on this menu", at);
  if (!item.available) {
    return fail("order.item_unavailable", `${item.name} is not available right now`, at);
  }
  const chosen = new Map<string, readonly string[]>();
  for (const modifier of line.modifiers) {
    if (chosen.has(modifier.groupId)) {
      return fail("order.invalid_modifiers", "a modifier group is listed twice", {
        ...at,
        groupId: modifier.groupId,
      });
    }
    chosen.set(modifier.groupId, modifier.optionIds);
  }
  const modifiers: PricedModifier[] = [];
  for (const group of item.modifierGroups) {
    const optionIds = chosen.get(group.id) ?? [];
    chosen.delete(group.id);
    if (new Set(optionIds).size !== optionIds.length) {
      return fail("order.invalid_modifiers", `an option is chosen twice in ${group.name}`, {
        ...at,
        groupId: group.id,
      });
    }
    if (optionIds.length < group.minChoices || optionIds.length > group.maxChoices) {
      return fail(
        "order.invalid_modifiers",
        `${group.name} needs between ${group.minChoices} and ${group.maxChoices} choices`,
        { ...at, groupId: group.id, chosen: optionIds.length },
      );
    }
    for (const optionId of optionIds) {
      const option = group.options.find((o) => o.id === optionId);
      if (!option) {
        return fail("order.invalid_modifiers", `an option is not part of ${group.name}`, {
          ...at,
          groupId: group.id,
          optionId,
        });
      }
      if (!option.available) {
        return fail("order.item_unavailable", `${option.name} is not available right now`, {
          ...at,
          optionId,
        });
      }
      modifiers.push({
        groupId: group.id,
        groupName: group.name,
        optionId,
        name: option.name,
        priceCents: option.priceCents,
      });
    }
  }
  if (chosen.size > 0) {
    return fail("order.invalid_modifiers", "a modifier group does not belong to this item", {
      ...at,
      groupIds: [...chosen.keys()],
    });
  }
  const unitPriceCents = item.priceCents + modifiers.reduce((sum, m) => sum + m.priceCents, 0);
  return ok({
    itemId: item.id,
    name: item.name,
    quantity: line.quantity,
    unitPriceCents,
    modifiers,
    ...(line.notes ? { notes: line.notes } : {}),
    lineTotalCents: unitPriceCents * line.quantity,
  });
}

/** Integer division rounding half up: 12.5 cents is 13. */
function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((numerator + Math.floor(denominator / 2)) / denominator);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
