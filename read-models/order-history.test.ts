import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalDatabase } from "../infra/local/database.ts";
import { type Db, openDb } from "../runtime/db.ts";
import type { EventEnvelope } from "../schema/events.ts";
import {
  atSeq,
  deadLetter,
  deliveredOrder,
  historyRow,
  orderEvent,
  people,
  rawEvent,
} from "../test/bridge/fixtures.ts";
import { startTestDatabase } from "../test/bridge/search.ts";
import { postgresDeadLetters } from "./dead-letters.ts";
import { historyStepOf, orderHistoryConsumer } from "./order-history.ts";

let database: LocalDatabase;
let pool: ReturnType<typeof openDb>;
let db: Db;

beforeAll(async () => {
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  pool = openDb(database);
  db = pool.db;
});

afterAll(async () => {
  await pool?.close();
  await database?.close();
});

function consumer() {
  return orderHistoryConsumer({ db, deadLetters: postgresDeadLetters(db) });
}

function apply(events: EventEnvelope[]) {
  return consumer().apply(events, { topic: "order.events" });
}

describe("historyStepOf", () => {
  it("stamps only the milestone the event marks", () => {
    const result = historyStepOf(
      orderEvent("OrderReady", {
        orderId: crypto.randomUUID(),
        seq: 5,
        order: { status: "ready" },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      step: { seq: 5, status: "ready", ready_at: atSeq(5), accepted_at: null, delivered_at: null },
    });
  });

  it.each([
    ["an aggregate id that is not an order id", { aggregateId: "order-7" }, /not an order id/],
    ["a seq beyond a Postgres integer", { seq: 2 ** 31 }, /beyond/],
    ["data that is not an OrderAccepted", { data: { order: {} } }, /invalid OrderAccepted/],
  ])("refuses %s", (_, override, error) => {
    const event = {
      ...orderEvent("OrderAccepted", { orderId: crypto.randomUUID(), seq: 2 }),
      ...override,
    };
    expect(historyStepOf(event)).toMatchObject({ ok: false, error: expect.stringMatching(error) });
  });

  it("refuses a restaurant name Postgres could not store", () => {
    const event = orderEvent("OrderPlaced", {
      orderId: crypto.randomUUID(),
      seq: 1,
      order: { restaurantName: "Bad\u0000Name" },
    });
    expect(historyStepOf(event)).toMatchObject({ ok: false, error: expect.stringMatching(/NUL/) });
  });
});

describe("the order-history projection", () => {
  it("projects a delivered order's whole lifecycle to one row with every milestone", async () => {
    const events = deliveredOrder();
    const orderId = events[0]!.aggregateId;

    const report = await apply(events);

    expect(report.deadLettered).toEqual([]);
    const row = await historyRow(db, orderId);
    expect(row).toMatchObject({
      orderId,
      customerId: people.customer,
      restaurantId: people.restaurant,
      restaurantName: "Torchy's Test Kitchen",
      driverId: people.driver,
      status: "delivered",
      subtotalCents: 1300,
      totalCents: 1929,
      placedAt: new Date(atSeq(1)),
      acceptedAt: new Date(atSeq(2)),
      readyAt: new Date(atSeq(5)),
      pickedUpAt: new Date(atSeq(7)),
      deliveredAt: new Date(atSeq(9)),
      cancelledAt: null,
      cancelReason: null,
      updatedAt: new Date(atSeq(9)),
      lastSeq: 9,
    });
  });

  it("gives the same row when the lifecycle arrives one event per batch", async () => {
    const events = deliveredOrder();
    const orderId = events[0]!.aggregateId;
    for (const event of events) await apply([event]);

    const oneByOne = await historyRow(db, orderId);
    const together = deliveredOrder();
    await apply(together);
    const inOneBatch = await historyRow(db, together[0]!.aggregateId);

    expect({ ...oneByOne, orderId: "x" }).toEqual({ ...inOneBatch, orderId: "x" });
  });

  it("changes nothing when the same batch is applied twice", async () => {
    const events = deliveredOrder();
    const orderId = events[0]!.aggregateId;
    await apply(events);
    const first = await historyRow(db, orderId);

    const report = await apply(events);

    expect(report.deadLettered).toEqual([]);
    expect(await historyRow(db, orderId)).toEqual(first);
  });

  it("changes nothing, not even a missing milestone, when an older event follows a newer one", async () => {
    const orderId = crypto.randomUUID();
    await apply([orderEvent("OrderPlaced", { orderId, seq: 1 })]);
    await apply([orderEvent("OrderReady", { orderId, seq: 5, order: { status: "ready" } })]);

    await apply([orderEvent("OrderAccepted", { orderId, seq: 2, order: { status: "accepted" } })]);

    expect(await historyRow(db, orderId)).toMatchObject({
      status: "ready",
      lastSeq: 5,
      readyAt: new Date(atSeq(5)),
      acceptedAt: null,
      updatedAt: new Date(atSeq(5)),
    });
  });

  it("ignores the older events of a batch that also brings newer ones", async () => {
    const orderId = crypto.randomUUID();
    await apply([orderEvent("OrderPlaced", { orderId, seq: 1 })]);
    await apply([
      orderEvent("OrderPreparing", { orderId, seq: 5, order: { status: "preparing" } }),
    ]);

    await apply([
      orderEvent("OrderAccepted", { orderId, seq: 2, order: { status: "accepted" } }),
      orderEvent("OrderReady", { orderId, seq: 6, order: { status: "ready" } }),
    ]);

    expect(await historyRow(db, orderId)).toMatchObject({
      status: "ready",
      acceptedAt: null,
      readyAt: new Date(atSeq(6)),
      lastSeq: 6,
    });
  });

  it("ends on the newest event when overlapping batches for one order are applied at once", async () => {
    const events = deliveredOrder();
    const orderId = events[0]!.aggregateId;

    await Promise.all([
      apply(events.slice(0, 3)),
      apply(events),
      apply(events.slice(2, 6)),
      apply(events.slice(0, 1)),
    ]);

    expect(await historyRow(db, orderId)).toMatchObject({
      status: "delivered",
      acceptedAt: new Date(atSeq(2)),
      deliveredAt: new Date(atSeq(9)),
      lastSeq: 9,
    });
  });

  it("takes the newest facts and every milestone when a batch arrives out of order", async () => {
    const [placed, accepted, preparing, assigned, ready] = deliveredOrder();
    const orderId = placed!.aggregateId;

    await apply([ready!, placed!, assigned!, accepted!, preparing!]);

    expect(await historyRow(db, orderId)).toMatchObject({
      status: "ready",
      driverId: people.driver,
      acceptedAt: new Date(atSeq(2)),
      readyAt: new Date(atSeq(5)),
      lastSeq: 5,
      updatedAt: new Date(atSeq(5)),
    });
  });

  it("keeps the first moment of a milestone when a later event marks it again", async () => {
    const orderId = crypto.randomUUID();
    await apply([
      orderEvent("OrderPlaced", { orderId, seq: 1 }),
      orderEvent("OrderReady", { orderId, seq: 2, order: { status: "ready" } }),
    ]);

    await apply([orderEvent("OrderReady", { orderId, seq: 3, order: { status: "ready" } })]);

    expect(await historyRow(db, orderId)).toMatchObject({
      readyAt: new Date(atSeq(2)),
      lastSeq: 3,
    });
  });

  it("records when and why an order was cancelled", async () => {
    const orderId = crypto.randomUUID();
    await apply([
      orderEvent("OrderPlaced", { orderId, seq: 1 }),
      orderEvent("OrderCancelled", {
        orderId,
        seq: 2,
        order: { status: "cancelled" },
        data: { reason: "restaurant_timeout" },
      }),
    ]);

    expect(await historyRow(db, orderId)).toMatchObject({
      status: "cancelled",
      cancelledAt: new Date(atSeq(2)),
      cancelReason: "restaurant_timeout",
    });
  });

  it("shows a rejected order as rejected", async () => {
    const orderId = crypto.randomUUID();
    await apply([
      orderEvent("OrderPlaced", { orderId, seq: 1 }),
      orderEvent("OrderRejected", { orderId, seq: 2, order: { status: "rejected" } }),
    ]);

    expect(await historyRow(db, orderId)).toMatchObject({ status: "rejected", lastSeq: 2 });
  });

  it("projects several orders from one batch, each on its own row", async () => {
    const first = deliveredOrder();
    const second = deliveredOrder().slice(0, 3);

    await apply([...first.slice(0, 4), ...second, ...first.slice(4)]);

    expect(await historyRow(db, first[0]!.aggregateId)).toMatchObject({
      status: "delivered",
      lastSeq: 9,
    });
    expect(await historyRow(db, second[0]!.aggregateId)).toMatchObject({
      status: "preparing",
      lastSeq: 3,
    });
  });

  it("sets a poison event aside in dead letters and still applies the events after it", async () => {
    const orderId = crypto.randomUUID();
    const placed = orderEvent("OrderPlaced", { orderId, seq: 1 });
    const poison = {
      ...orderEvent("OrderAccepted", { orderId, seq: 2 }),
      data: { prepMinutes: "soon" },
    };
    const ready = orderEvent("OrderReady", { orderId, seq: 3, order: { status: "ready" } });

    const report = await apply([placed, poison, ready]);

    expect(report.deadLettered).toEqual([poison.id]);
    expect(await deadLetter(db, poison.id)).toMatchObject({
      type: "OrderAccepted",
      aggregateId: orderId,
      seq: 2,
      error: expect.stringMatching(/invalid OrderAccepted/),
    });
    expect(JSON.parse((await deadLetter(db, poison.id))!.event)).toEqual(poison);
    expect(await historyRow(db, orderId)).toMatchObject({ status: "ready", lastSeq: 3 });
  });

  it("sets aside an event whose values pass the schema but not Postgres, and applies the rest", async () => {
    const orderId = crypto.randomUUID();
    const placed = orderEvent("OrderPlaced", { orderId, seq: 1 });
    // Year 0 is a valid ISO date to the schema; Postgres has no year 0 and refuses the value.
    const yearZero = orderEvent("OrderAccepted", {
      orderId,
      seq: 2,
      at: "0000-01-01T00:00:00.000Z",
      order: { status: "accepted" },
    });
    const ready = orderEvent("OrderReady", { orderId, seq: 3, order: { status: "ready" } });

    const report = await apply([placed, yearZero, ready]);

    expect(report.deadLettered).toEqual([yearZero.id]);
    expect(await deadLetter(db, yearZero.id)).toMatchObject({
      error: expect.stringMatching(/postgres refused/),
    });
    expect(await historyRow(db, orderId)).toMatchObject({
      status: "ready",
      acceptedAt: null,
      lastSeq: 3,
    });
  });

  it("records a poison event once, however often its batch is delivered", async () => {
    const poison = rawEvent({ type: "OrderPlaced", data: { nonsense: true } });

    await apply([poison]);
    const first = await deadLetter(db, poison.id);
    const again = await apply([poison, poison]);

    expect(again.deadLettered).toEqual([poison.id, poison.id]);
    expect(await deadLetter(db, poison.id)).toEqual(first);
  });
});
