import { eq } from "drizzle-orm";
import type { Db } from "../../runtime/db.ts";
import { deadLetters, orderHistory } from "../../schema/db/orders.ts";
import type {
  EventEnvelope,
  OrderEventData,
  OrderEventType,
  OrderFacts,
} from "../../schema/events.ts";
import { SIGNATURE_HEADER, signBody } from "../../schema/outbox.ts";

/**
 * Builders for the bridge's tests: events as an OrderActor would emit them, a whole order's
 * lifecycle, signed requests, and reads of what the bridge wrote.
 */

export const SECRET = "bridge-test-secret-0123456789abcdef0123456789";

/** A fixed moment, so rows and failures print the same every run. */
export const T0 = Date.parse("2026-11-21T12:00:00.000Z");

export const people = {
  customer: "00000000-0000-4000-8000-000000000001",
  restaurant: "00000000-0000-4000-8000-000000000010",
  driver: "00000000-0000-4000-8000-000000000020",
} as const;

/** The moment of an order's event number `seq`: one minute apart. */
export function atSeq(seq: number): string {
  return new Date(T0 + seq * 60_000).toISOString();
}

function facts(partial: Partial<OrderFacts> = {}): OrderFacts {
  return {
    status: "placed",
    driverStage: "unassigned",
    customerId: people.customer,
    restaurantId: people.restaurant,
    restaurantName: "Torchy's Test Kitchen",
    driverId: null,
    subtotalCents: 1300,
    totalCents: 1929,
    placedAt: atSeq(1),
    ...partial,
  };
}

type DataOf<T extends OrderEventType> = Extract<OrderEventData, { type: T }>["data"];

/** The type-specific part of each order event, without the facts. */
const extras: { [T in OrderEventType]: Omit<DataOf<T>, "order"> } = {
  OrderPlaced: {
    deliveryFeeCents: 299,
    serviceFeeCents: 130,
    tipCents: 200,
    lineCount: 1,
    dropoff: { lat: 30.28, lng: -97.74 },
    // Placed at seq 1 and quoted ten minutes: promised for seq 11.
    promisedBy: atSeq(11),
    quotedMinutes: 10,
  },
  OrderAccepted: { prepMinutes: 15, readyBy: atSeq(17) },
  OrderRejected: { reason: "kitchen closing" },
  OrderPreparing: {},
  OrderReady: {},
  DriverAssigned: { driverId: people.driver },
  DriverUnassigned: { driverId: people.driver },
  DriverArrivedAtRestaurant: { driverId: people.driver },
  OrderPickedUp: { driverId: people.driver },
  DriverArrivedAtDropoff: { driverId: people.driver },
  OrderDelivered: { driverId: people.driver },
  OrderCancelled: { reason: "customer_cancelled" },
  OrderRefunded: {
    refundId: "00000000-0000-4000-8000-00000000f001",
    amountCents: 500,
    reason: "cold food",
  },
  OrderRated: { stars: 4, comment: "warm and quick" },
};

/** An order event, valid unless told otherwise; `order` overrides the facts, `data` the rest. */
export function orderEvent<T extends OrderEventType>(
  type: T,
  partial: {
    orderId: string;
    seq: number;
    at?: string;
    order?: Partial<OrderFacts>;
    data?: Partial<Omit<DataOf<T>, "order">>;
  },
): EventEnvelope {
  return {
    id: crypto.randomUUID(),
    type,
    aggregateId: partial.orderId,
    seq: partial.seq,
    at: partial.at ?? atSeq(partial.seq),
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    data: { order: facts(partial.order), ...extras[type], ...partial.data },
  };
}

/** Any envelope, for events that are deliberately not order events (or not valid ones). */
export function rawEvent(partial: Partial<EventEnvelope> & { type: string }): EventEnvelope {
  return {
    id: crypto.randomUUID(),
    aggregateId: crypto.randomUUID(),
    seq: 1,
    at: atSeq(1),
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    data: {},
    ...partial,
  };
}

/**
 * A delivered order, event by event, with the facts each event would carry. It includes the
 * OrderPreparing that earlier builds sent after OrderAccepted: the topics keep those forever, so
 * every consumer must still read them.
 */
export function deliveredOrder(orderId: string = crypto.randomUUID()): EventEnvelope[] {
  const driver = { driverId: people.driver };
  const steps = [
    ["OrderPlaced", { status: "placed" }],
    ["OrderAccepted", { status: "accepted" }],
    ["OrderPreparing", { status: "preparing" }],
    ["DriverAssigned", { status: "preparing", driverStage: "assigned", ...driver }],
    ["OrderReady", { status: "ready", driverStage: "assigned", ...driver }],
    ["DriverArrivedAtRestaurant", { status: "ready", driverStage: "at_restaurant", ...driver }],
    ["OrderPickedUp", { status: "picked_up", driverStage: "en_route", ...driver }],
    ["DriverArrivedAtDropoff", { status: "picked_up", driverStage: "at_dropoff", ...driver }],
    ["OrderDelivered", { status: "delivered", driverStage: "done", ...driver }],
  ] as const satisfies readonly (readonly [OrderEventType, Partial<OrderFacts>])[];
  return steps.map(([type, order], i) => orderEvent(type, { orderId, seq: i + 1, order }));
}

/** A signed POST /v1/events, as an actor's outbox sends it. */
export async function signedPost(
  body: string,
  options: { secret?: string; nowMs?: number; signature?: string | null } = {},
): Promise<RequestInit> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature =
    options.signature === undefined
      ? await signBody(options.secret ?? SECRET, body, options.nowMs ?? Date.now())
      : options.signature;
  if (signature !== null) headers[SIGNATURE_HEADER] = signature;
  return { method: "POST", headers, body };
}

export function batchBody(events: EventEnvelope[], source = "order:test"): string {
  return JSON.stringify({ source, events });
}

export async function historyRow(db: Db, orderId: string) {
  const rows = await db.select().from(orderHistory).where(eq(orderHistory.orderId, orderId));
  return rows[0] ?? null;
}

export async function deadLetter(db: Db, eventId: string) {
  const rows = await db.select().from(deadLetters).where(eq(deadLetters.eventId, eventId));
  return rows[0] ?? null;
}

/** Waits for `condition` to hold, polling without sleeping blind, and fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
