import type { Courier, OrderToDispatch, TravelMs } from "../../dispatch/types.ts";

/**
 * Builders for the policy's tests. Positions are points on a line measured in minutes of riding,
 * which shows the policy needs nothing of geometry but a travel time.
 */
export const MINUTE = 60_000;
export const T0 = 1_000 * MINUTE;

export const lineTravel: TravelMs<number> = (from, to) => Math.abs(from - to) * MINUTE;

export function order(partial: Partial<OrderToDispatch<number>> = {}): OrderToDispatch<number> {
  return {
    id: "o1",
    restaurantId: "r1",
    pickup: 0,
    dropoff: 5,
    placedAtMs: T0 - 10 * MINUTE,
    readyAtMs: T0,
    ...partial,
  };
}

export function courier(partial: Partial<Courier<number>> = {}): Courier<number> {
  return { id: "c1", position: 0, freeAtMs: T0, ...partial };
}

/** `n` idle couriers spread along the line from `from`, one minute apart. */
export function fleet(n: number, from = 0): Courier<number>[] {
  return Array.from({ length: n }, (_, i) => courier({ id: `c${i + 1}`, position: from + i }));
}
