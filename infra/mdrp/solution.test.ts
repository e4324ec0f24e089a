import { describe, expect, it } from "vitest";
import { tinySolution } from "../../test/mdrp/fixtures.ts";
import { formatSolution, parseSolution } from "./solution.ts";

describe("the solution files", () => {
  it("are written in the evaluator's format", () => {
    const text = formatSolution(tinySolution());
    expect(text.assignments).toBe(
      "assignment_time pickup_time courier orders\n2 12 c1 o1 o2\n5 20 c2 o3\n",
    );
    expect(text.orders.split("\n").slice(0, 2)).toEqual([
      "order placement_time ready_time pickup_time dropoff_time courier",
      "o1 0 10 12 21 c1",
    ]);
    expect(text.couriers.split("\n").slice(0, 3)).toEqual([
      "courier departure_time origin destination",
      "c1 2 0 r1",
      "c1 14 r1 o1",
    ]);
  });

  it("read back as they were written, half minutes included", () => {
    const solution = tinySolution();
    solution.orders[0]!.dropoffTime = 21.5;
    expect(parseSolution(formatSolution(solution))).toEqual(solution);
  });

  it("refuse a line that is not in the format", () => {
    const text = formatSolution(tinySolution());
    expect(() => parseSolution({ ...text, orders: `${text.orders}o9 1 2 3\n` })).toThrow(
      /solution_info_orders.txt:5/,
    );
    expect(() => parseSolution({ ...text, couriers: `${text.couriers}c1 soon 0 r1\n` })).toThrow(
      /not a number/,
    );
  });
});
