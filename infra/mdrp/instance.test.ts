import path from "node:path";
import { describe, expect, it } from "vitest";
import { tinyInstance } from "../../test/mdrp/fixtures.ts";
import { parseInstance, readInstance, travelMinutes } from "./instance.ts";

// Copies of ../shared/data/mdrp, so that a clone tests on its own.
const SAMPLE = path.resolve(import.meta.dirname, "../../test/data/mdrp/0o100t100s1p100");

const files = {
  restaurants: "restaurant\tx\ty\nr1\t0\t0\n",
  orders: "order\tx\ty\tplacement_time\trestaurant\tready_time\no1\t0\t500\t0\tr1\t10\n",
  couriers: "courier\tx\ty\ton_time\toff_time\nc1\t0\t0\t0\t60\n",
  parameters:
    "meters_per_minute\tpickup service minutes\tdropoff service minutes\ttarget click-to-door\t" +
    "maximum click-to-door\tpay per order\tguaranteed pay per hour\n320\t4\t4\t40\t90\t10\t15\n",
};

describe("an MDRP instance", () => {
  it("reads a published sample, its counts agreeing with its characteristics file", () => {
    const instance = readInstance(SAMPLE);
    expect(instance.name).toBe("0o100t100s1p100");
    expect(instance.orders).toHaveLength(505);
    expect(instance.restaurants).toHaveLength(116);
    expect(instance.couriers).toHaveLength(113);
    expect(instance.parameters).toEqual({
      metersPerMinute: 320,
      pickupServiceMinutes: 4,
      dropoffServiceMinutes: 4,
      targetClickToDoorMinutes: 40,
      maxClickToDoorMinutes: 90,
      payPerOrder: 10,
      guaranteedPayPerHour: 15,
    });
    expect(instance.orderById.get("o1")).toEqual({
      id: "o1",
      x: 9131,
      y: 7497,
      placementTime: 743,
      restaurantId: "r1",
      readyTime: 753,
    });
  });

  it("times travel in whole minutes, rounded up", () => {
    expect(travelMinutes({ x: 0, y: 0 }, { x: 300, y: 400 }, 100)).toBe(5);
    expect(travelMinutes({ x: 0, y: 0 }, { x: 0, y: 501 }, 100)).toBe(6);
    expect(travelMinutes({ x: 7, y: 7 }, { x: 7, y: 7 }, 100)).toBe(0);
  });

  it.each([
    [
      "a field that is not a number",
      { couriers: "courier\tx\ty\ton_time\toff_time\nc1\t0\tzero\t0\t60\n" },
      /couriers.txt:2: y/,
    ],
    [
      "a row short of fields",
      { restaurants: "restaurant\tx\ty\nr1\t0\n" },
      /restaurants.txt:2: 2 fields/,
    ],
    [
      "an unknown restaurant",
      { orders: files.orders.replace("\tr1\t", "\tr9\t") },
      /unknown restaurant r9/,
    ],
    [
      "food ready before the order is placed",
      { orders: files.orders.replace("\t0\tr1\t10", "\t20\tr1\t10") },
      /ready before it is placed/,
    ],
    [
      "a duplicate id",
      { restaurants: "restaurant\tx\ty\nr1\t0\t0\nr1\t1\t1\n" },
      /duplicate id r1/,
    ],
    [
      "a shift ending before it starts",
      { couriers: "courier\tx\ty\ton_time\toff_time\nc1\t0\t0\t60\t60\n" },
      /goes off before/,
    ],
    [
      "counts that disagree with the characteristics",
      { characteristics: "number of orders: 2\n" },
      /says 2 orders/,
    ],
  ])("refuses %s, naming the file and line", (_, change, message) => {
    expect(() => parseInstance("bad", { ...files, ...change })).toThrow(message);
  });

  it("builds the tiny test instance", () => {
    expect(tinyInstance().couriers.map((c) => c.id)).toEqual(["c1", "c2"]);
  });
});
