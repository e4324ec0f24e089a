import { TERMINAL } from "../../durable-objects/order/machine.ts";
import type { RoundReport, World } from "./world.ts";

/**
 * What must hold after every step of the dispatch simulation. Each check reads the world's
 * truth (the orders' own state, the couriers' own state) and what the step did, never a view
 * that may lag behind a message in flight.
 */

export type Violation = { rule: string; detail: string };

/** Rounds in a row a ready order may go without an offer while an eligible courier idles. */
export const STARVATION_ROUNDS = 2;

export class Checker {
  /** Per order, the rounds in a row it was starved (see `liveness`). */
  private readonly starved = new Map<string, number>();
  /** Per order, the courier it was last given to and by which claim (offer or admin command). */
  private readonly assignedTo = new Map<string, { driverId: string; claim: string }>();
  /** Per order, the money steps its changes called for. */
  private readonly money = new Map<string, string[]>();
  private seen = 0;

  /** Checks the world after one step; the first violation found, or null. */
  check(world: World): Violation | null {
    const fresh = world.happenings.slice(this.seen);
    this.seen = world.happenings.length;
    for (const happening of fresh) {
      if (happening.kind === "assigned") {
        const violation = this.assignment(world, happening);
        if (violation) return violation;
      } else if (happening.kind === "round") {
        const violation = this.liveness(happening.zone, happening.report);
        if (violation) return violation;
      } else {
        this.money.set(happening.orderId, [
          ...(this.money.get(happening.orderId) ?? []),
          happening.step,
        ]);
      }
    }
    return conflictingWork(world, this.assignedTo) ?? moneyOfEndedOrders(world, this.money);
  }

  /** No order is given to a second courier while its first still has it; only online couriers. */
  private assignment(
    world: World,
    happening: { orderId: string; driverId: string; claim: string; courierOnline: boolean },
  ): Violation | null {
    if (!happening.courierOnline) {
      return {
        rule: "assigned-outside-online-window",
        detail: `order ${happening.orderId} went to courier ${happening.driverId}, who is offline`,
      };
    }
    const before = this.assignedTo.get(happening.orderId);
    const order = world.orders.get(happening.orderId)!.order;
    if (before && before.driverId !== happening.driverId) {
      // Legitimate only after an unassignment: the order's timeline says so.
      const unassigned = order.timeline.some((entry) => entry.type === "DriverUnassigned");
      if (!unassigned) {
        return {
          rule: "order-assigned-twice",
          detail: `order ${happening.orderId} went to ${happening.driverId} while ${before.driverId} had it`,
        };
      }
    }
    this.assignedTo.set(happening.orderId, {
      driverId: happening.driverId,
      claim: happening.claim,
    });
    return null;
  }

  /**
   * No starvation: an order whose food is ready, with an idle eligible courier found by the
   * round, gets an offer within `STARVATION_ROUNDS` rounds, unless every such courier was offered
   * other work (then the order waits its turn).
   */
  private liveness(zone: string, report: RoundReport): Violation | null {
    for (const orderId of report.ready) {
      const idle = (report.eligible.get(orderId) ?? []).filter(
        (driverId) => !report.offeredCouriers.has(driverId),
      );
      const starved = !report.offeredOrders.has(orderId) && idle.length > 0;
      const rounds = starved ? (this.starved.get(orderId) ?? 0) + 1 : 0;
      this.starved.set(orderId, rounds);
      if (rounds >= STARVATION_ROUNDS) {
        return {
          rule: "starvation",
          detail:
            `zone ${zone}: order ${orderId} ready, courier ${idle[0]} idle and eligible, ` +
            `no offer for ${rounds} rounds`,
        };
      }
    }
    return null;
  }
}

/**
 * No courier has two conflicting pieces of work, by the orders' own truth: the live orders that
 * name a courier all came from one offer (or one admin assignment), and a courier considering an
 * offer has no job and asks for none.
 */
function conflictingWork(
  world: World,
  assignedTo: ReadonlyMap<string, { driverId: string; claim: string }>,
): Violation | null {
  const claimsOf = new Map<string, Set<string>>();
  for (const { order } of world.orders.values()) {
    if (!order.driverId || TERMINAL.has(order.status)) continue;
    const set = claimsOf.get(order.driverId) ?? new Set<string>();
    set.add(assignedTo.get(order.id)?.claim ?? "unknown");
    claimsOf.set(order.driverId, set);
  }
  for (const [driverId, claims] of claimsOf) {
    if (claims.size > 1) {
      const trips = [...world.orders.values()]
        .filter(({ order }) => order.driverId === driverId && !TERMINAL.has(order.status))
        .map(({ order }) => order.id);
      return {
        rule: "conflicting-jobs",
        detail: `courier ${driverId} has live orders from ${claims.size} assignments: ${trips.join(", ")}`,
      };
    }
  }
  for (const { state } of world.couriers.values()) {
    const asking = state.claims.some((c) => c.result === "pending");
    if (state.offer && (state.jobs.length > 0 || asking)) {
      return {
        rule: "offer-while-busy",
        detail: `courier ${state.driverId} holds offer ${state.offer.offerId} while on a job`,
      };
    }
  }
  return null;
}

/** Every order that ended let go of its money once: a release if it did not deliver. */
function moneyOfEndedOrders(
  world: World,
  steps: ReadonlyMap<string, readonly string[]>,
): Violation | null {
  for (const { order } of world.orders.values()) {
    if (!TERMINAL.has(order.status)) continue;
    const taken = steps.get(order.id) ?? [];
    const expected = order.status === "delivered" ? "settle" : "release";
    if (taken.length !== 1 || taken[0] !== expected) {
      return {
        rule: "ended-without-its-money-step",
        detail: `order ${order.id} ${order.status} with money steps [${taken.join(", ")}]`,
      };
    }
  }
  return null;
}
