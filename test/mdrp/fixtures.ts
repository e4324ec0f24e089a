import { type Instance, parseInstance } from "../../infra/mdrp/instance.ts";
import type { Solution } from "../../infra/mdrp/solution.ts";

/**
 * A tiny MDRP instance small enough to solve by hand, and its hand-made feasible solution, for
 * the replay's tests. 100 metres per minute, services of 4 minutes (2 either side of the instant).
 *
 *   r1 (0,0): o1 -> (0,500) placed 0 ready 10; o2 -> (0,1000) placed 2 ready 12
 *   r2 (1000,0): o3 -> (1500,0) placed 5 ready 20
 *   c1 on at (0,-300) 0..60; c2 on at (1000,300) 0..30
 */
export function tinyInstance(courierRows = "c1\t0\t-300\t0\t60\nc2\t1000\t300\t0\t30"): Instance {
  return parseInstance("tiny", {
    restaurants: "restaurant\tx\ty\nr1\t0\t0\nr2\t1000\t0\n",
    orders:
      "order\tx\ty\tplacement_time\trestaurant\tready_time\n" +
      "o1\t0\t500\t0\tr1\t10\no2\t0\t1000\t2\tr1\t12\no3\t1500\t0\t5\tr2\t20\n",
    couriers: `courier\tx\ty\ton_time\toff_time\n${courierRows}\n`,
    parameters:
      "meters_per_minute\tpickup service minutes\tdropoff service minutes\ttarget click-to-door\t" +
      "maximum click-to-door\tpay per order\tguaranteed pay per hour\n100\t4\t4\t40\t90\t10\t15\n",
  });
}

/**
 * c1, told at 2, rides 3 minutes to r1 (arrives 5), picks up o1+o2 at 12 (ready), leaves at 14,
 * drops o1 at 14+5+2 = 21, leaves 23, drops o2 at 23+5+2 = 30, done at 32.
 * c2, told at 5, rides 3 minutes to r2 (arrives 8), picks up o3 at 20, leaves 22, drops at 29.
 */
export function tinySolution(): Solution {
  return {
    assignments: [
      { assignmentTime: 2, pickupTime: 12, courierId: "c1", orderIds: ["o1", "o2"] },
      { assignmentTime: 5, pickupTime: 20, courierId: "c2", orderIds: ["o3"] },
    ],
    orders: [
      {
        orderId: "o1",
        placementTime: 0,
        readyTime: 10,
        pickupTime: 12,
        dropoffTime: 21,
        courierId: "c1",
      },
      {
        orderId: "o2",
        placementTime: 2,
        readyTime: 12,
        pickupTime: 12,
        dropoffTime: 30,
        courierId: "c1",
      },
      {
        orderId: "o3",
        placementTime: 5,
        readyTime: 20,
        pickupTime: 20,
        dropoffTime: 29,
        courierId: "c2",
      },
    ],
    moves: [
      { courierId: "c1", departureTime: 2, origin: "0", destination: "r1" },
      { courierId: "c1", departureTime: 14, origin: "r1", destination: "o1" },
      { courierId: "c1", departureTime: 23, origin: "o1", destination: "o2" },
      { courierId: "c2", departureTime: 5, origin: "0", destination: "r2" },
      { courierId: "c2", departureTime: 22, origin: "r2", destination: "o3" },
    ],
  };
}
