import type { Principal } from "../../schema/auth.ts";
import { type Failure, fail } from "../../schema/errors.ts";
import type { OrderEventData, OrderFacts } from "../../schema/events.ts";
import type {
  Actor,
  CancelReason,
  DeliveryAddress,
  DriverStage,
  Order,
  OrderCommand,
  OrderCommandType,
  OrderRestaurant,
  OrderStatus,
  PricedLine,
  Pricing,
} from "../../schema/orders.ts";

/**
 * The order state machine: a pure function of (order, command, who, now). The OrderActor is its
 * thin shell: it stores what this returns and sends the events on. Nothing here reads a clock,
 * a socket or storage, so the same rules run in the actor, in tests and in offline replays.
 */

/** An event as the machine emits it; the shell wraps it in the envelope (id, trace) to send. */
export type Emitted = OrderEventData & { seq: number; at: string };

export type Decision =
  | { ok: true; order: Order; events: Emitted[] }
  | { ok: false; error: Failure };

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(["rejected", "delivered", "cancelled"]);

type Who = Actor["role"];

/**
 * The transition table. Each command names who may issue it and the states it may be issued
 * in; anything else is refused with a code. Driver commands also check the stage of the
 * courier's journey, which runs beside the kitchen status.
 */
type Rule = {
  by: readonly Who[];
  from: readonly OrderStatus[];
  stages?: readonly DriverStage[];
  to?: OrderStatus;
  toStage?: DriverStage;
};

/**
 * The kitchen has the food. `accepted` is only ever read: orders accepted before accepting and
 * starting became one step (below) may still be stored in it, and go on from it like `preparing`.
 */
const kitchenOpen = ["accepted", "preparing", "ready"] as const;

export const transitions: Record<OrderCommandType, Rule> = {
  // In a kitchen, saying yes to a ticket and firing it are the same act: one transition.
  accept: { by: ["restaurant", "admin"], from: ["placed"], to: "preparing" },
  reject: { by: ["restaurant", "admin"], from: ["placed"], to: "rejected" },
  mark_ready: { by: ["restaurant", "admin"], from: ["accepted", "preparing"], to: "ready" },
  cancel: {
    by: ["customer", "restaurant", "admin"],
    from: ["placed", ...kitchenOpen, "picked_up"],
    to: "cancelled",
  },
  expire: { by: ["system"], from: ["placed"], to: "cancelled" },
  give_up_dispatch: {
    by: ["system", "admin"],
    from: kitchenOpen,
    stages: ["unassigned"],
    to: "cancelled",
  },
  assign_driver: {
    by: ["system", "admin"],
    from: kitchenOpen,
    stages: ["unassigned"],
    toStage: "assigned",
  },
  unassign_driver: {
    by: ["system", "admin", "driver"],
    from: kitchenOpen,
    stages: ["assigned", "at_restaurant"],
    toStage: "unassigned",
  },
  driver_arrived_at_restaurant: {
    by: ["driver", "system"],
    from: kitchenOpen,
    stages: ["assigned"],
    toStage: "at_restaurant",
  },
  pick_up: {
    by: ["driver"],
    from: ["ready"],
    stages: ["at_restaurant"],
    to: "picked_up",
    toStage: "en_route",
  },
  driver_arrived_at_dropoff: {
    by: ["driver", "system"],
    from: ["picked_up"],
    stages: ["en_route"],
    toStage: "at_dropoff",
  },
  deliver: {
    by: ["driver"],
    from: ["picked_up"],
    stages: ["en_route", "at_dropoff"],
    to: "delivered",
    toStage: "done",
  },
  // Support's handover by hand, when the customer's code cannot be had: the reason is recorded.
  confirm_delivery: {
    by: ["admin"],
    from: ["picked_up"],
    stages: ["en_route", "at_dropoff"],
    to: "delivered",
    toStage: "done",
  },
  // The one command on a finished order: money back after delivery.
  refund: { by: ["admin"], from: ["delivered"] },
  // The customer's stars, once, after the food has arrived.
  rate: { by: ["customer"], from: ["delivered"] },
};

/** Commands that act on an order after it ended (the others are refused once it is over). */
const AFTER_THE_END: ReadonlySet<OrderCommandType> = new Set(["refund", "rate"]);

/**
 * Who may cancel when, beyond the table: a customer only before the kitchen has accepted; the
 * restaurant only while the food is still theirs; an admin at any time before delivery.
 */
const cancelWindow: Record<"customer" | "restaurant" | "admin", readonly OrderStatus[]> = {
  customer: ["placed"],
  restaurant: kitchenOpen,
  admin: ["placed", ...kitchenOpen, "picked_up"],
};

export type PlaceInput = {
  id: string;
  customer: { id: string; name: string };
  restaurant: OrderRestaurant;
  lines: PricedLine[];
  pricing: Pricing;
  deliveryAddress: DeliveryAddress;
  prepMinutes: number;
  acceptTimeoutMs: number;
  /**
   * The minutes to the door quoted at checkout, if one was quoted. The promise is counted from
   * the moment of placing, on the actor's clock, so `promisedBy - placedAt` is exactly the quote.
   */
  quotedMinutes?: number | null;
};

/** The order as it is born: placed, with its first timeline entry and its OrderPlaced event. */
export function place(input: PlaceInput, nowMs: number): { order: Order; events: Emitted[] } {
  const at = iso(nowMs);
  const quotedMinutes = input.quotedMinutes ?? null;
  const order: Order = {
    id: input.id,
    customerId: input.customer.id,
    customerName: input.customer.name,
    restaurant: input.restaurant,
    lines: input.lines,
    pricing: input.pricing,
    deliveryAddress: input.deliveryAddress,
    status: "placed",
    driverStage: "unassigned",
    driverId: null,
    prepMinutes: input.prepMinutes,
    acceptBy: iso(nowMs + input.acceptTimeoutMs),
    readyBy: null,
    promisedBy: quotedMinutes === null ? null : iso(nowMs + quotedMinutes * 60_000),
    cancelReason: null,
    rejectReason: null,
    placedAt: at,
    updatedAt: at,
    version: 0,
    timeline: [],
    refunds: [],
    rating: null,
  };
  return record(order, { role: "customer", userId: input.customer.id }, nowMs, {
    type: "OrderPlaced",
    data: {
      order: factsOf(order),
      deliveryFeeCents: input.pricing.deliveryFeeCents,
      serviceFeeCents: input.pricing.serviceFeeCents,
      tipCents: input.pricing.tipCents,
      lineCount: input.lines.length,
      dropoff: { lat: input.deliveryAddress.lat, lng: input.deliveryAddress.lng },
      promisedBy: order.promisedBy,
      quotedMinutes,
    },
  });
}

/**
 * A courier's claim on the order (an accepted offer, or an admin's assignment), the compare-and-set
 * at the heart of dispatch: the first claim wins. Asking again for the courier who has it answers
 * yes again ("held"); any other is told it is taken, as is the same claim asked again once the
 * order has left its courier (`answeredBefore`). An admin is told why an order that is over
 * cannot be given anyone. "assign" means: decide `assign_driver` for this courier next, and read
 * a refusal of it with `claimRefusal`.
 */
export function claimOf(
  order: Order,
  driverId: string,
  by: Actor,
  answeredBefore = false,
): "held" | "assign" | Failure {
  const over = TERMINAL.has(order.status) || order.status === "picked_up";
  if (by.role === "admin" && over) {
    return fail(
      "order.illegal_transition",
      `cannot assign a courier to an order that is ${order.status}`,
      { status: order.status, driverStage: order.driverStage, command: "assign_driver" },
    ).error;
  }
  if (order.driverId === driverId) return "held";
  if (order.driverId !== null || order.driverStage !== "unassigned") {
    return fail("offer.taken", "another courier has this order").error;
  }
  // A claim is answered once. Asked again (a retry that crossed its answer) after it won and the
  // order left this courier, say taken back by an admin, or after it was refused and the order
  // came free, it must not win the order: the courier has moved on.
  if (answeredBefore) return fail("offer.taken", "this claim was answered before").error;
  return "assign";
}

/** A refused `assign_driver` as the claiming courier hears it: an order past needing one is taken. */
export function claimRefusal(error: Failure, by: Actor): Failure {
  return error.code === "order.illegal_transition" && by.role !== "admin"
    ? fail("offer.taken", "this order no longer needs a courier").error
    : error;
}

/** Decides one command. Never throws for an expected refusal: it answers with a coded failure. */
export function decide(order: Order, command: OrderCommand, by: Actor, nowMs: number): Decision {
  const rule = transitions[command.type];
  if (!rule.by.includes(by.role)) {
    return fail("auth.forbidden", `a ${by.role} may not ${command.type.replaceAll("_", " ")}`);
  }
  if (TERMINAL.has(order.status) && !AFTER_THE_END.has(command.type)) {
    return illegal(order, command.type);
  }
  if (command.type === "cancel" && by.role !== "system") {
    const window = cancelWindow[by.role as keyof typeof cancelWindow];
    if (!window.includes(order.status)) {
      return fail(
        "order.not_cancellable",
        `a ${by.role} may not cancel an order that is ${order.status}`,
        {
          status: order.status,
        },
      );
    }
  }
  if (!rule.from.includes(order.status)) return illegal(order, command.type);
  if (rule.stages && !rule.stages.includes(order.driverStage)) return illegal(order, command.type);

  if (command.type === "rate") {
    if (by.userId !== order.customerId) {
      return fail("auth.forbidden", "only the order's customer may rate it");
    }
    if (order.rating !== null) {
      return fail("order.already_rated", "this order has already been rated", {
        stars: order.rating.stars,
      });
    }
  }
  if ("driverId" in command && command.type !== "assign_driver") {
    if (order.driverId !== command.driverId) {
      return fail("order.driver_mismatch", "this order is not assigned to that driver");
    }
  }
  if (by.role === "driver" && "driverId" in command && by.userId !== command.driverId) {
    return fail("order.driver_mismatch", "a driver may act only for themself");
  }

  const next: Order = {
    ...order,
    status: rule.to ?? order.status,
    driverStage: rule.toStage ?? order.driverStage,
  };
  switch (command.type) {
    case "accept": {
      next.prepMinutes = command.prepMinutes;
      next.readyBy = iso(nowMs + command.prepMinutes * 60_000);
      return decided(next, by, nowMs, {
        type: "OrderAccepted",
        data: { order: factsOf(next), prepMinutes: command.prepMinutes, readyBy: next.readyBy },
      });
    }
    case "reject":
      next.rejectReason = command.reason;
      return decided(next, by, nowMs, {
        type: "OrderRejected",
        data: { order: factsOf(next), reason: command.reason },
      });
    case "mark_ready":
      return decided(next, by, nowMs, { type: "OrderReady", data: { order: factsOf(next) } });
    case "cancel":
    case "expire":
    case "give_up_dispatch": {
      const reason = cancelReasonOf(command.type, by.role);
      next.cancelReason = reason;
      const note = command.type === "cancel" ? command.reason : undefined;
      return decided(
        next,
        by,
        nowMs,
        {
          type: "OrderCancelled",
          data: { order: factsOf(next), reason, ...(note ? { note } : {}) },
        },
        note,
      );
    }
    case "assign_driver":
      next.driverId = command.driverId;
      return decided(next, by, nowMs, {
        type: "DriverAssigned",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "unassign_driver":
      next.driverId = null;
      return decided(next, by, nowMs, {
        type: "DriverUnassigned",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "driver_arrived_at_restaurant":
      return decided(next, by, nowMs, {
        type: "DriverArrivedAtRestaurant",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "pick_up":
      return decided(next, by, nowMs, {
        type: "OrderPickedUp",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "driver_arrived_at_dropoff":
      return decided(next, by, nowMs, {
        type: "DriverArrivedAtDropoff",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "deliver":
      return decided(next, by, nowMs, {
        type: "OrderDelivered",
        data: { order: factsOf(next), driverId: command.driverId },
      });
    case "confirm_delivery": {
      // A picked-up order always has its courier, and an admin is always someone.
      if (order.driverId === null || by.userId === undefined) {
        return fail("order.illegal_transition", "only a courier's handover can be confirmed");
      }
      return decided(
        next,
        by,
        nowMs,
        {
          type: "OrderDelivered",
          data: {
            order: factsOf(next),
            driverId: order.driverId,
            confirmedBy: { adminId: by.userId, reason: command.reason },
          },
        },
        command.reason,
      );
    }
    case "refund": {
      const refundable = refundableCents(order);
      if (command.amountCents > refundable) {
        return fail(
          "order.refund_exceeds_paid",
          `at most ${refundable} cents of this order can still be refunded`,
          { refundableCents: refundable },
        );
      }
      next.refunds = [
        ...order.refunds,
        {
          id: command.refundId,
          amountCents: command.amountCents,
          reason: command.reason,
          at: iso(nowMs),
          by: by.userId ?? by.role,
        },
      ];
      return decided(
        next,
        by,
        nowMs,
        {
          type: "OrderRefunded",
          data: {
            order: factsOf(next),
            refundId: command.refundId,
            amountCents: command.amountCents,
            reason: command.reason,
          },
        },
        command.reason,
      );
    }
    case "rate": {
      const comment = command.comment ? command.comment : null;
      next.rating = { stars: command.stars, comment, at: iso(nowMs) };
      return decided(next, by, nowMs, {
        type: "OrderRated",
        data: { order: factsOf(next), stars: command.stars, ...(comment ? { comment } : {}) },
      });
    }
  }
}

/** What the customer paid and has not had back: the most a refund may still return. */
export function refundableCents(order: Order): number {
  return order.pricing.totalCents - order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
}

function cancelReasonOf(type: "cancel" | "expire" | "give_up_dispatch", role: Who): CancelReason {
  if (type === "expire") return "restaurant_timeout";
  if (type === "give_up_dispatch") return "no_driver";
  if (role === "customer") return "customer_cancelled";
  if (role === "restaurant") return "restaurant_cancelled";
  return "admin_cancelled";
}

/**
 * Who may see an order at all. Anyone else is told it does not exist, never that it is someone
 * else's.
 */
export function canView(
  order: Pick<Order, "customerId" | "restaurant" | "driverId">,
  who: Principal,
): boolean {
  switch (who.role) {
    case "admin":
      return true;
    case "customer":
      return order.customerId === who.userId;
    case "restaurant":
      return who.restaurantId !== undefined && order.restaurant.id === who.restaurantId;
    case "driver":
      return order.driverId === who.userId;
  }
}

export function factsOf(order: Order): OrderFacts {
  return {
    status: order.status,
    driverStage: order.driverStage,
    customerId: order.customerId,
    restaurantId: order.restaurant.id,
    restaurantName: order.restaurant.name,
    driverId: order.driverId,
    subtotalCents: order.pricing.subtotalCents,
    totalCents: order.pricing.totalCents,
    placedAt: order.placedAt,
  };
}

function illegal(order: Order, type: OrderCommandType): { ok: false; error: Failure } {
  return fail(
    "order.illegal_transition",
    `cannot ${type.replaceAll("_", " ")} an order that is ${order.status} (driver ${order.driverStage})`,
    { status: order.status, driverStage: order.driverStage, command: type },
  );
}

function decided(
  order: Order,
  by: Actor,
  nowMs: number,
  event: OrderEventData,
  note?: string,
): Decision {
  return { ok: true, ...record(order, by, nowMs, event, note) };
}

/** Appends the event to the timeline and bumps the version: the one place both change. */
function record(
  order: Order,
  by: Actor,
  nowMs: number,
  event: OrderEventData,
  note?: string,
): { order: Order; events: Emitted[] } {
  const at = iso(nowMs);
  const seq = order.version + 1;
  const next: Order = {
    ...order,
    version: seq,
    updatedAt: at,
    timeline: [
      ...order.timeline,
      {
        seq,
        type: event.type,
        status: order.status,
        driverStage: order.driverStage,
        at,
        by,
        ...(note ? { note } : {}),
      },
    ],
  };
  return { order: next, events: [{ ...event, seq, at } as Emitted] };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
