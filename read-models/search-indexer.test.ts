import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchKitchens, searchRestaurants } from "../schema/db/search.ts";
import type { EventEnvelope } from "../schema/events.ts";
import { deadLetter } from "../test/bridge/fixtures.ts";
import {
  databaseKinds,
  item,
  restaurantDoc,
  restaurantEvent,
  startTestDatabase,
  type TestDatabase,
  upserted,
} from "../test/bridge/search.ts";
import type { Consumer } from "./consumer.ts";
import { postgresDeadLetters } from "./dead-letters.ts";
import { foldKitchens, searchIndexer, searchStepOf } from "./search-indexer.ts";

describe("reading restaurant events", () => {
  it("flattens a document: dietary tags and dish words of available items only", () => {
    const doc = restaurantDoc({
      name: "Leaf",
      items: [
        item("Tofu Bowl", { dietaryTags: ["vegan", "gluten_free"], description: "Crispy tofu" }),
        item("Steak", { dietaryTags: ["gluten_free"], available: false }),
      ],
    });
    const read = searchStepOf(upserted(doc, 1));
    expect(read).toMatchObject({
      ok: true,
      step: {
        kind: "document",
        row: {
          dietaryTags: ["gluten_free", "vegan"],
          dishNames: "Tofu Bowl",
          dishDescriptions: "Crispy tofu",
        },
      },
    });
  });

  it.each([
    [
      "an aggregate id that is not a restaurant id",
      { aggregateId: "kitchen-7" },
      /not a restaurant id/,
    ],
    ["a seq beyond a Postgres integer", { seq: 2 ** 31 }, /beyond/],
    [
      "a document under another restaurant's id",
      { aggregateId: crypto.randomUUID() },
      /sent under/,
    ],
    ["a price level of 9", { data: { priceLevel: 9 } }, /invalid RestaurantUpserted/],
    ["an unknown time zone", { data: { timezone: "Mars/Olympus" } }, /unknown time zone/],
    ["a NUL in a name", { data: { name: "Bad\u0000Name" } }, /NUL/],
  ])("refuses %s", (_, change, error) => {
    const doc = restaurantDoc({ name: "Poison" });
    const event = upserted(doc, 1);
    const poisoned = {
      ...event,
      ...change,
      data: { ...doc, ...((change as { data?: object }).data ?? {}) },
    } as EventEnvelope;
    const read = searchStepOf(poisoned);
    expect(read.ok).toBe(false);
    expect(read.ok ? "" : read.error).toMatch(error);
  });

  it("has nothing to do for a missed ticket", () => {
    const id = crypto.randomUUID();
    const event = restaurantEvent("TicketMissed", id, 3, {
      orderId: crypto.randomUUID(),
      consecutive: 1,
    });
    expect(searchStepOf(event)).toEqual({ ok: true, step: null });
  });

  it("folds pause and busy apart, each to the value of its highest seq", () => {
    const id = crypto.randomUUID();
    const base = { kind: "kitchen" as const, restaurantId: id };
    expect(
      foldKitchens([
        { ...base, seq: 4, paused: null, busy: true },
        { ...base, seq: 2, paused: true, busy: null },
        { ...base, seq: 3, paused: null, busy: false },
        { ...base, seq: 1, paused: false, busy: null },
      ]),
    ).toEqual([{ restaurantId: id, paused: true, pausedSeq: 2, busy: true, busySeq: 4 }]);
  });
});

describe.each(databaseKinds)("the search indexer on $kind", ({ kind, skip }) => {
  let database: TestDatabase;
  let indexer: Consumer;

  beforeAll(async () => {
    if (skip) return;
    database = await startTestDatabase(kind);
    indexer = searchIndexer({ db: database.db, deadLetters: postgresDeadLetters(database.db) });
  });
  afterAll(async () => {
    await database?.close();
  });

  const apply = (events: EventEnvelope[]) => indexer.apply(events, { topic: "restaurant.events" });
  const row = async (id: string) =>
    (
      await database.db
        .select()
        .from(searchRestaurants)
        .where(eq(searchRestaurants.restaurantId, id))
    )[0] ?? null;
  const kitchen = async (id: string) =>
    (
      await database.db.select().from(searchKitchens).where(eq(searchKitchens.restaurantId, id))
    )[0] ?? null;

  it.skipIf(skip)("keeps the newest document, whatever order the documents come in", async () => {
    const v1 = restaurantDoc({ name: "Old Name" });
    const v2 = { ...v1, name: "New Name" };
    const v3 = { ...v1, name: "Newest Name", cuisine: "Thai" };

    await apply([upserted(v1, 1), upserted(v3, 3)]);
    await apply([upserted(v2, 2)]);

    expect(await row(v1.id)).toMatchObject({
      name: "Newest Name",
      cuisine: "Thai",
      documentSeq: 3,
    });
  });

  it.skipIf(skip)("changes nothing when a batch is delivered again", async () => {
    const doc = restaurantDoc({ name: "Twice Told", items: [item("Soup")] });
    const events = [
      upserted(doc, 1),
      restaurantEvent("RestaurantBusyChanged", doc.id, 1, { busy: true, extraPrepMinutes: 10 }),
    ];
    await apply(events);
    const before = { row: await row(doc.id), kitchen: await kitchen(doc.id) };

    const report = await apply(events);

    expect(report.deadLettered).toEqual([]);
    expect({ row: await row(doc.id), kitchen: await kitchen(doc.id) }).toEqual(before);
  });

  it.skipIf(skip)(
    "keeps kitchen state by the actor's own seq, apart from the catalog's",
    async () => {
      const doc = restaurantDoc({ name: "Two Producers" });
      // The catalog is at seq 7 while the actor is at 1..3: neither hides the other.
      await apply([
        upserted(doc, 7),
        restaurantEvent("RestaurantBusyChanged", doc.id, 3, { busy: true, extraPrepMinutes: 5 }),
        restaurantEvent("RestaurantPaused", doc.id, 2, {
          reason: "missed_tickets",
          missedTickets: 3,
        }),
      ]);
      await apply([restaurantEvent("RestaurantResumed", doc.id, 1, {})]);

      expect(await row(doc.id)).toMatchObject({ documentSeq: 7 });
      expect(await kitchen(doc.id)).toMatchObject({ paused: true, pausedSeq: 2, busy: true });

      await apply([restaurantEvent("RestaurantResumed", doc.id, 4, {})]);
      expect(await kitchen(doc.id)).toMatchObject({ paused: false, pausedSeq: 4, busy: true });
    },
  );

  it.skipIf(skip)("sets a poison event aside in dead letters and applies the rest", async () => {
    const good = restaurantDoc({ name: "Good One" });
    const later = restaurantDoc({ name: "Later One" });
    const poison = upserted(restaurantDoc({ name: "Poison" }), 1);
    (poison.data as { priceLevel: number }).priceLevel = 9;

    const report = await apply([upserted(good, 1), poison, upserted(later, 1)]);

    expect(report.deadLettered).toEqual([poison.id]);
    expect(report.reasons?.[poison.id]).toMatch(/invalid RestaurantUpserted/);
    expect(await deadLetter(database.db, poison.id)).toMatchObject({
      type: "RestaurantUpserted",
      error: expect.stringMatching(/invalid RestaurantUpserted/),
    });
    expect(await row(good.id)).not.toBeNull();
    expect(await row(later.id)).not.toBeNull();
  });

  it.skipIf(skip)("sets aside a value Postgres refuses, one event at a time", async () => {
    const good = restaurantDoc({ name: "Fine Place" });
    // A rating of 1e39 passes the schema (a number) but overflows Postgres' real.
    const overflow = restaurantDoc({ name: "Overflow", rating: 1e39 });

    const report = await apply([upserted(good, 1), upserted(overflow, 1)]);

    expect(report.deadLettered).toEqual([expect.any(String)]);
    expect(report.reasons?.[report.deadLettered[0]!]).toMatch(/postgres refused/);
    expect(await row(good.id)).not.toBeNull();
    expect(await row(overflow.id)).toBeNull();
  });
});
