import { describe, expect, it } from "vitest";
import { MINUTE, order, T0 } from "../test/dispatch/fixtures.ts";
import { defaultForecast, expectedOrders } from "./forecast.ts";

/** `n` orders of `restaurantId` placed evenly over the `spanMinutes` before `T0`. */
function arrivals(restaurantId: string, n: number, spanMinutes = 60, prepMinutes = 12) {
  return Array.from({ length: n }, (_, i) => {
    const placedAtMs = T0 - ((i + 1) * spanMinutes * MINUTE) / (n + 1);
    return order({
      id: `${restaurantId}-${i}`,
      restaurantId,
      pickup: 3,
      dropoff: i,
      placedAtMs,
      readyAtMs: placedAtMs + prepMinutes * MINUTE,
    });
  });
}

describe("the demand forecast", () => {
  it("expects a busy restaurant's next order, ready after its usual preparation time", () => {
    // Twelve an hour: two expected in the next ten minutes, capped at one sure order.
    const [expected, ...rest] = expectedOrders(arrivals("busy", 12), T0);
    expect(rest).toEqual([]);
    expect(expected).toMatchObject({
      restaurantId: "busy",
      pickup: 3,
      readyAtMs: T0 + 12 * MINUTE,
      weight: 1,
    });
    // Going where its latest customer lives: the order placed last.
    expect(expected!.dropoff).toBe(0);
  });

  it("weighs an order by how likely it is, and expects none below an even chance", () => {
    // Four an hour: 0.67 expected in ten minutes. Two an hour: 0.33, not planned for.
    const [likely, ...rest] = expectedOrders([...arrivals("four", 4), ...arrivals("two", 2)], T0);
    expect(rest).toEqual([]);
    expect(likely!.restaurantId).toBe("four");
    expect(likely!.weight).toBeCloseTo(4 / 6, 10);
  });

  it("counts only the last hour, and never an order placed after now", () => {
    const old = arrivals("r", 12).map((o) => ({
      ...o,
      placedAtMs: o.placedAtMs - defaultForecast.historyMs,
    }));
    const future = arrivals("r", 12).map((o) => ({ ...o, placedAtMs: o.placedAtMs + 61 * MINUTE }));
    expect(expectedOrders([...old, ...future], T0)).toEqual([]);
  });
});
