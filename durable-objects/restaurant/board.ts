import { z } from "zod";
import { fail, ok, type Result } from "../../schema/errors.ts";
import type { RestaurantEventData } from "../../schema/events.ts";
import type { Order } from "../../schema/orders.ts";
import { KitchenState, type PauseReason, type Ticket } from "../../schema/sockets.ts";

/**
 * The kitchen's rules, pure: whether a new order may come in and how long it will take, what an
 * unanswered ticket does to the restaurant, busy mode and pausing. The RestaurantActor stores what
 * these return and tells the staff.
 */

/** The kitchen as its actor stores it: its state, and the counter its events are numbered by. */
export const Kitchen = KitchenState.extend({ eventSeq: z.number().int().min(0) });
export type Kitchen = z.infer<typeof Kitchen>;

export type KitchenEvent = RestaurantEventData & { seq: number; at: string };

export type KitchenChange = { kitchen: Kitchen; events: KitchenEvent[]; why: string | null };

/** Busy mode without an explicit figure adds this much to every prep estimate. */
export const BUSY_EXTRA_PREP_MINUTES_DEFAULT = 15;

export function initialKitchen(restaurantId: string): Kitchen {
  return {
    restaurantId,
    paused: false,
    pauseReason: null,
    missedTickets: 0,
    busy: false,
    extraPrepMinutes: 0,
    eventSeq: 0,
  };
}

/** Whether a new order may be taken, and the prep estimate it gets. */
export function admit(kitchen: Kitchen, basePrepMinutes: number): Result<{ prepMinutes: number }> {
  if (kitchen.paused) {
    return fail(
      "order.restaurant_paused",
      kitchen.pauseReason === "missed_tickets"
        ? "this restaurant has paused new orders after missing several"
        : "this restaurant has paused new orders",
    );
  }
  return ok({ prepMinutes: basePrepMinutes + (kitchen.busy ? kitchen.extraPrepMinutes : 0) });
}

/** The ticket the kitchen sees for an order. */
export function ticketOf(order: Order): Ticket {
  return {
    orderId: order.id,
    customerName: order.customerName.split(" ")[0] ?? order.customerName,
    status: order.status,
    driverStage: order.driverStage,
    cancelReason: order.cancelReason,
    rejectReason: order.rejectReason,
    lines: order.lines.map((line) => ({
      name: line.name,
      quantity: line.quantity,
      modifiers: line.modifiers.map((m) => ({ group: m.groupName, option: m.name })),
      ...(line.notes ? { notes: line.notes } : {}),
    })),
    subtotalCents: order.pricing.subtotalCents,
    placedAt: order.placedAt,
    acceptBy: order.acceptBy,
    prepMinutes: order.prepMinutes,
    readyBy: order.readyBy,
    driverId: order.driverId,
    pickupEta: null,
    version: order.version,
  };
}

/**
 * What a ticket's change does to the kitchen. A ticket that timed out unanswered counts against
 * the restaurant; enough of them in a row pause it, because a kitchen that is not looking at its
 * tablet should not keep taking orders it will miss. Any answer (accept or reject) resets the run.
 */
export function onTicketChanged(
  kitchen: Kitchen,
  previous: Ticket | undefined,
  next: Ticket,
  missedTicketsMax: number,
  at: string,
): KitchenChange {
  const wasPlaced = previous === undefined || previous.status === "placed";
  if (!wasPlaced || next.status === "placed") return unchanged(kitchen);

  if (next.status === "cancelled" && next.cancelReason === "restaurant_timeout") {
    const missed = kitchen.missedTickets + 1;
    let state: Kitchen = { ...kitchen, missedTickets: missed };
    const events: KitchenEvent[] = [];
    state = emit(state, events, at, {
      type: "TicketMissed",
      data: { orderId: next.orderId, consecutive: missed },
    });
    if (missed >= missedTicketsMax && !state.paused) {
      state = { ...state, paused: true, pauseReason: "missed_tickets" };
      state = emit(state, events, at, {
        type: "RestaurantPaused",
        data: { reason: "missed_tickets", missedTickets: missed },
      });
      return {
        kitchen: state,
        events,
        why: `Paused: ${missed} orders in a row went unanswered. Resume when you are ready to take orders again.`,
      };
    }
    return {
      kitchen: state,
      events,
      why: `Order ${next.orderId.slice(0, 8)} timed out unanswered (${missed} in a row).`,
    };
  }
  if (next.status === "accepted" || next.status === "rejected" || next.status === "preparing") {
    if (kitchen.missedTickets === 0) return unchanged(kitchen);
    return { kitchen: { ...kitchen, missedTickets: 0 }, events: [], why: null };
  }
  return unchanged(kitchen);
}

export function setBusy(
  kitchen: Kitchen,
  busy: boolean,
  extraPrepMinutes: number | undefined,
  at: string,
): KitchenChange {
  const extra = busy ? (extraPrepMinutes ?? BUSY_EXTRA_PREP_MINUTES_DEFAULT) : 0;
  if (kitchen.busy === busy && kitchen.extraPrepMinutes === extra) return unchanged(kitchen);
  const events: KitchenEvent[] = [];
  const state = emit({ ...kitchen, busy, extraPrepMinutes: extra }, events, at, {
    type: "RestaurantBusyChanged",
    data: { busy, extraPrepMinutes: extra },
  });
  return {
    kitchen: state,
    events,
    why: busy ? `Busy mode on: new orders quote ${extra} extra minutes.` : "Busy mode off.",
  };
}

export function pause(kitchen: Kitchen, reason: PauseReason, at: string): KitchenChange {
  if (kitchen.paused) return unchanged(kitchen);
  const events: KitchenEvent[] = [];
  const state = emit({ ...kitchen, paused: true, pauseReason: reason }, events, at, {
    type: "RestaurantPaused",
    data: { reason, missedTickets: kitchen.missedTickets },
  });
  return { kitchen: state, events, why: "Paused by staff: no new orders until you resume." };
}

export function resume(kitchen: Kitchen, at: string): KitchenChange {
  if (!kitchen.paused) return unchanged(kitchen);
  const events: KitchenEvent[] = [];
  const state = emit(
    { ...kitchen, paused: false, pauseReason: null, missedTickets: 0 },
    events,
    at,
    {
      type: "RestaurantResumed",
      data: {},
    },
  );
  return { kitchen: state, events, why: "Resumed: taking new orders." };
}

export function kitchenState(kitchen: Kitchen): KitchenState {
  const { eventSeq: _, ...state } = kitchen;
  return state;
}

/** Open tickets are the ones the kitchen still has to act on or hand over. */
export function isOpen(ticket: Ticket): boolean {
  return (
    ticket.status === "placed" ||
    ticket.status === "accepted" ||
    ticket.status === "preparing" ||
    ticket.status === "ready"
  );
}

function unchanged(kitchen: Kitchen): KitchenChange {
  return { kitchen, events: [], why: null };
}

function emit(
  kitchen: Kitchen,
  events: KitchenEvent[],
  at: string,
  event: RestaurantEventData,
): Kitchen {
  const seq = kitchen.eventSeq + 1;
  events.push({ ...event, seq, at } as KitchenEvent);
  return { ...kitchen, eventSeq: seq };
}
