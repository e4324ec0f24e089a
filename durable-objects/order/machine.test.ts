import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Actor, Order, OrderCommand } from "../../schema/orders.ts";
import { ids, placeInput, principals, T0 } from "../../test/builders.ts";
import { canView, decide, place, TERMINAL } from "./machine.ts";

const customer: Actor = { role: "customer", userId: ids.customer };
const staff: Actor = { role: "restaurant", userId: ids.staff };
const admin: Actor = { role: "admin", userId: ids.admin };
const system: Actor = { role: "system" };
const driver: Actor = { role: "driver", userId: ids.driver };

function placed(): Order {
  return place(placeInput(), T0).order;
}

/** Runs commands in order, failing the test on the first refusal. */
function run(order: Order, steps: Array<[OrderCommand, Actor]>): Order {
  let current = order;
  for (const [command, by] of steps) {
    const decision = decide(current, command, by, T0 + current.version * 1000);
    if (!decision.ok)
      throw new Error(`${command.type}: ${decision.error.code} ${decision.error.message}`);
    current = decision.order;
  }
  return current;
}

const toReady: Array<[OrderCommand, Actor]> = [
  [{ type: "accept", prepMinutes: 12 }, staff],
  [{ type: "mark_ready" }, staff],
];

const toDelivered: Array<[OrderCommand, Actor]> = [
  ...toReady,
  [{ type: "assign_driver", driverId: ids.driver }, system],
  [{ type: "driver_arrived_at_restaurant", driverId: ids.driver }, driver],
  [{ type: "pick_up", driverId: ids.driver }, driver],
  [{ type: "driver_arrived_at_dropoff", driverId: ids.driver }, driver],
  [{ type: "deliver", driverId: ids.driver }, driver],
];

describe("placing an order", () => {
  it("starts placed, unassigned, with one timeline entry and one OrderPlaced event", () => {
    const { order, events } = place(placeInput(), T0);
    expect(order.status).toBe("placed");
    expect(order.driverStage).toBe("unassigned");
    expect(order.version).toBe(1);
    expect(order.timeline).toHaveLength(1);
    expect(events.map((e) => [e.type, e.seq])).toEqual([["OrderPlaced", 1]]);
    expect(order.acceptBy).toBe(new Date(T0 + 180_000).toISOString());
  });

  it("promises delivery the quoted minutes after placing, and says so in OrderPlaced", () => {
    const { order, events } = place(placeInput({ quotedMinutes: 27 }), T0);
    expect(order.promisedBy).toBe(new Date(T0 + 27 * 60_000).toISOString());
    expect(events[0]?.data).toMatchObject({ promisedBy: order.promisedBy, quotedMinutes: 27 });

    const unquoted = place(placeInput(), T0);
    expect(unquoted.order.promisedBy).toBeNull();
    expect(unquoted.events[0]?.data).toMatchObject({ promisedBy: null, quotedMinutes: null });
  });
});

describe("the happy path", () => {
  it("walks placed -> preparing (accepting starts it) -> ready -> picked_up -> delivered", () => {
    const order = run(placed(), toDelivered);
    expect(order.status).toBe("delivered");
    expect(order.driverStage).toBe("done");
    expect(order.timeline.map((t) => t.type)).toEqual([
      "OrderPlaced",
      "OrderAccepted",
      "OrderReady",
      "DriverAssigned",
      "DriverArrivedAtRestaurant",
      "OrderPickedUp",
      "DriverArrivedAtDropoff",
      "OrderDelivered",
    ]);
    expect(order.version).toBe(8);
  });

  it("sets readyBy from the prep minutes the kitchen gave", () => {
    const decision = decide(placed(), { type: "accept", prepMinutes: 20 }, staff, T0 + 5000);
    expect(decision.ok && decision.order.readyBy).toBe(
      new Date(T0 + 5000 + 20 * 60_000).toISOString(),
    );
  });

  it("accepts and starts preparing in one transition, with one event", () => {
    const decision = decide(placed(), { type: "accept", prepMinutes: 20 }, staff, T0 + 5000);
    expect(decision.ok && decision.order.status).toBe("preparing");
    expect(decision.ok && decision.events.map((e) => [e.type, e.data.order.status])).toEqual([
      ["OrderAccepted", "preparing"],
    ]);
  });

  it("goes on from `accepted`, as an order stored before that step was merged", () => {
    const accepted: Order = {
      ...run(placed(), [[{ type: "accept", prepMinutes: 12 }, staff]]),
      status: "accepted",
    };
    const ready = decide(accepted, { type: "mark_ready" }, staff, T0 + 60_000);
    expect(ready.ok && ready.order.status).toBe("ready");
  });
});

describe("refusals", () => {
  it.each<[string, Array<[OrderCommand, Actor]>, OrderCommand, Actor, string]>([
    ["a customer accepting", [], { type: "accept", prepMinutes: 10 }, customer, "auth.forbidden"],
    [
      "marking ready before preparing",
      [],
      { type: "mark_ready" },
      staff,
      "order.illegal_transition",
    ],
    [
      "accepting twice",
      [[{ type: "accept", prepMinutes: 5 }, staff]],
      { type: "accept", prepMinutes: 5 },
      staff,
      "order.illegal_transition",
    ],
    [
      "a customer cancelling once accepted",
      [[{ type: "accept", prepMinutes: 5 }, staff]],
      { type: "cancel" },
      customer,
      "order.not_cancellable",
    ],
    [
      "the restaurant cancelling after pickup",
      toDelivered.slice(0, 5),
      { type: "cancel" },
      staff,
      "order.not_cancellable",
    ],
    [
      "picking up before ready",
      [
        [{ type: "accept", prepMinutes: 5 }, staff],
        [{ type: "assign_driver", driverId: ids.driver }, system],
        [{ type: "driver_arrived_at_restaurant", driverId: ids.driver }, driver],
      ],
      { type: "pick_up", driverId: ids.driver },
      driver,
      "order.illegal_transition",
    ],
    [
      "another driver picking up",
      toDelivered.slice(0, 4),
      { type: "pick_up", driverId: ids.otherDriver },
      { role: "driver", userId: ids.otherDriver },
      "order.driver_mismatch",
    ],
    [
      "a driver acting for someone else",
      toDelivered.slice(0, 4),
      { type: "pick_up", driverId: ids.driver },
      { role: "driver", userId: ids.otherDriver },
      "order.driver_mismatch",
    ],
    [
      "assigning a second driver",
      toDelivered.slice(0, 3),
      { type: "assign_driver", driverId: ids.otherDriver },
      system,
      "order.illegal_transition",
    ],
    [
      "expiring an accepted order",
      [[{ type: "accept", prepMinutes: 5 }, staff]],
      { type: "expire" },
      system,
      "order.illegal_transition",
    ],
    ["a person issuing the timeout", [], { type: "expire" }, admin, "auth.forbidden"],
    [
      "cancelling a delivered order",
      toDelivered,
      { type: "cancel" },
      admin,
      "order.illegal_transition",
    ],
  ])("refuses %s", (_, before, command, by, code) => {
    const order = run(placed(), before);
    const decision = decide(order, command, by, T0 + 99_000);
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.error.code).toBe(code);
  });
});

describe("cancellation", () => {
  it.each<[string, Array<[OrderCommand, Actor]>, OrderCommand, Actor, string]>([
    [
      "the customer before acceptance",
      [],
      { type: "cancel", reason: "changed my mind" },
      customer,
      "customer_cancelled",
    ],
    ["the restaurant timing out", [], { type: "expire" }, system, "restaurant_timeout"],
    [
      "the restaurant after accepting",
      [[{ type: "accept", prepMinutes: 5 }, staff]],
      { type: "cancel", reason: "out of buns" },
      staff,
      "restaurant_cancelled",
    ],
    [
      "an admin after pickup",
      toDelivered.slice(0, 6),
      { type: "cancel" },
      admin,
      "admin_cancelled",
    ],
    ["dispatch giving up", toReady, { type: "give_up_dispatch" }, system, "no_driver"],
  ])("records %s with its reason", (_, before, command, by, reason) => {
    const decision = decide(run(placed(), before), command, by, T0 + 99_000);
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.order.status).toBe("cancelled");
    expect(decision.order.cancelReason).toBe(reason);
    expect(decision.events[0]?.type).toBe("OrderCancelled");
  });

  it("records a rejection with the kitchen's reason", () => {
    const decision = decide(placed(), { type: "reject", reason: "closing early" }, staff, T0 + 1);
    expect(decision.ok && [decision.order.status, decision.order.rejectReason]).toEqual([
      "rejected",
      "closing early",
    ]);
  });
});

describe("who may see an order", () => {
  const order = run(placed(), toDelivered.slice(0, 3));
  it.each([
    ["its customer", principals.customer, true],
    ["another customer", principals.otherCustomer, false],
    ["its restaurant's staff", principals.staff, true],
    ["another restaurant's staff", principals.otherStaff, false],
    ["its driver", principals.driver, true],
    ["another driver", principals.otherDriver, false],
    ["an admin", principals.admin, true],
  ] as const)("%s: %s", (_, who, expected) => {
    expect(canView(order, who)).toBe(expected);
  });
});

describe("under any sequence of commands", () => {
  const actors = [
    customer,
    staff,
    admin,
    system,
    driver,
    { role: "driver", userId: ids.otherDriver } as Actor,
  ];
  const commandArb: fc.Arbitrary<OrderCommand> = fc.oneof(
    fc.record({
      type: fc.constant("accept" as const),
      prepMinutes: fc.integer({ min: 1, max: 180 }),
    }),
    fc.record({ type: fc.constant("reject" as const), reason: fc.constant("busy") }),
    fc.constant({ type: "mark_ready" as const }),
    fc.constant({ type: "cancel" as const }),
    fc.constant({ type: "expire" as const }),
    fc.constant({ type: "give_up_dispatch" as const }),
    ...(
      [
        "assign_driver",
        "unassign_driver",
        "driver_arrived_at_restaurant",
        "pick_up",
        "driver_arrived_at_dropoff",
        "deliver",
      ] as const
    ).map((type) =>
      fc.record({
        type: fc.constant(type),
        driverId: fc.constantFrom(ids.driver, ids.otherDriver),
      }),
    ),
  ) as fc.Arbitrary<OrderCommand>;

  it("never reaches an illegal state, and the timeline only grows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(commandArb, fc.constantFrom(...actors)), { maxLength: 40 }),
        (steps) => {
          let order = placed();
          let nowMs = T0;
          for (const [command, by] of steps) {
            nowMs += 1000;
            const before = order;
            const decision = decide(order, command, by, nowMs);
            if (!decision.ok) continue;
            order = decision.order;
            expect(order.timeline.slice(0, before.timeline.length)).toEqual(before.timeline);
            expect(order.timeline).toHaveLength(before.timeline.length + decision.events.length);
            expect(order.version).toBe(order.timeline.at(-1)?.seq);
            expect(TERMINAL.has(before.status)).toBe(false);
            assertCoherent(order);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** The invariants that tie the kitchen status, the driver stage and the driver id together. */
function assertCoherent(order: Order): void {
  expect(order.driverId === null).toBe(order.driverStage === "unassigned");
  if (order.status === "picked_up") expect(["en_route", "at_dropoff"]).toContain(order.driverStage);
  if (order.status === "delivered") expect(order.driverStage).toBe("done");
  if (["en_route", "at_dropoff", "done"].includes(order.driverStage)) {
    expect(["picked_up", "delivered", "cancelled"]).toContain(order.status);
  }
  if (order.status === "cancelled") expect(order.cancelReason).not.toBeNull();
  if (order.status === "rejected") expect(order.rejectReason).not.toBeNull();
  if (["accepted", "preparing", "ready", "picked_up", "delivered"].includes(order.status)) {
    expect(order.readyBy).not.toBeNull();
  }
}

describe("refunds", () => {
  const refund = (amountCents: number): OrderCommand => ({
    type: "refund",
    refundId: crypto.randomUUID(),
    amountCents,
    reason: "cold food",
  });

  it("gives back at most what was paid, in parts, each on the timeline", () => {
    const delivered = run(placed(), toDelivered);
    const total = delivered.pricing.totalCents;
    const first = decide(delivered, refund(500), admin, T0 + 60_000);
    if (!first.ok) throw new Error(first.error.code);
    expect(first.order.refunds).toMatchObject([{ amountCents: 500, reason: "cold food" }]);
    expect(first.order.status).toBe("delivered");
    expect(first.events.map((e) => e.type)).toEqual(["OrderRefunded"]);
    const rest = decide(first.order, refund(total - 500), admin, T0 + 61_000);
    if (!rest.ok) throw new Error(rest.error.code);
    const more = decide(rest.order, refund(1), admin, T0 + 62_000);
    expect(!more.ok && more.error.code).toBe("order.refund_exceeds_paid");
  });

  it("is for admins, and for delivered orders only", () => {
    const delivered = run(placed(), toDelivered);
    const byCustomer = decide(delivered, refund(100), customer, T0);
    expect(!byCustomer.ok && byCustomer.error.code).toBe("auth.forbidden");
    const early = decide(placed(), refund(100), admin, T0);
    expect(!early.ok && early.error.code).toBe("order.illegal_transition");
  });
});

describe("rating", () => {
  const rate = (stars: number, comment?: string): OrderCommand => ({
    type: "rate",
    stars,
    ...(comment ? { comment } : {}),
  });

  it("keeps the customer's stars and comment on the order, with an OrderRated event", () => {
    const delivered = run(placed(), toDelivered);
    expect(delivered.rating).toBeNull();
    const rated = decide(delivered, rate(4, "warm and quick"), customer, T0 + 60_000);
    if (!rated.ok) throw new Error(rated.error.code);
    expect(rated.order.rating).toEqual({
      stars: 4,
      comment: "warm and quick",
      at: new Date(T0 + 60_000).toISOString(),
    });
    expect(rated.order.status).toBe("delivered");
    expect(rated.order.timeline.at(-1)).toMatchObject({ type: "OrderRated", by: customer });
    expect(rated.events).toMatchObject([
      { type: "OrderRated", data: { stars: 4, comment: "warm and quick" } },
    ]);
  });

  it("is given once: a second rating is refused and changes nothing", () => {
    const rated = run(run(placed(), toDelivered), [[rate(5), customer]]);
    const again = decide(rated, rate(1), customer, T0 + 90_000);
    expect(!again.ok && again.error.code).toBe("order.already_rated");
    expect(rated.rating?.stars).toBe(5);
    expect(rated.rating?.comment).toBeNull();
  });

  it("is for the order's own customer, and for delivered orders only", () => {
    const delivered = run(placed(), toDelivered);
    for (const who of [admin, staff, driver, system]) {
      const refused = decide(delivered, rate(5), who, T0);
      expect(!refused.ok && refused.error.code).toBe("auth.forbidden");
    }
    const stranger = decide(delivered, rate(5), { role: "customer", userId: ids.admin }, T0);
    expect(!stranger.ok && stranger.error.code).toBe("auth.forbidden");
    for (const early of [placed(), run(placed(), toReady)]) {
      const refused = decide(early, rate(5), customer, T0);
      expect(!refused.ok && refused.error.code).toBe("order.illegal_transition");
    }
    const cancelled = run(placed(), [[{ type: "cancel" }, customer]]);
    const late = decide(cancelled, rate(5), customer, T0);
    expect(!late.ok && late.error.code).toBe("order.illegal_transition");
  });
});
