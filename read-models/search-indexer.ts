import { getTableColumns, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../runtime/db.ts";
import { searchKitchens, searchRestaurants } from "../schema/db/search.ts";
import { type EventEnvelope, RestaurantEventData } from "../schema/events.ts";
import type { Consumer } from "./consumer.ts";
import type { DeadLetterSink } from "./dead-letters.ts";
import { applyProjection, hasNul, PG_INTEGER_MAX, type Read } from "./projection.ts";

/**
 * The search indexer: keeps `search_restaurants` and `search_kitchens` from `restaurant.events`.
 *
 * Two producers share that topic and each numbers its events per restaurant on its own: the
 * catalog (RestaurantUpserted, from catalog_outbox) and the RestaurantActor (pause and busy). So
 * the document keeps the catalog seq it was built from, and pause and busy each keep the actor seq
 * that set them; an event applies only where it is newer than its own kind's seq. Every document
 * is whole, so the newest one alone decides the row: duplicates, replays and reordering change
 * nothing. All of it is decided in SQL, so two bridges racing stay safe.
 */

/** A restaurant's row in the search model, as the table declares it. */
type SearchRestaurantRow = typeof searchRestaurants.$inferInsert;
type SearchKitchenRow = typeof searchKitchens.$inferInsert;

/** A catalog document, flattened into the row it becomes (its seq is the row's documentSeq). */
export type DocumentStep = { kind: "document"; row: SearchRestaurantRow };

/** A kitchen change: pause or busy (the other stays null), numbered by the actor's own seq. */
export type KitchenStep = {
  kind: "kitchen";
  restaurantId: string;
  seq: number;
  paused: boolean | null;
  busy: boolean | null;
};

export type SearchStep = DocumentStep | KitchenStep;

const RestaurantId = z.uuid();

/** Whether the runtime (and so, almost surely, Postgres) knows a time zone name. */
function knownTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Reads one restaurant event into its step, nothing to do, or why it is poison. */
export function searchStepOf(event: EventEnvelope): Read<SearchStep> {
  if (!RestaurantId.safeParse(event.aggregateId).success) {
    return { ok: false, error: `aggregateId "${event.aggregateId}" is not a restaurant id (uuid)` };
  }
  if (event.seq > PG_INTEGER_MAX) {
    return { ok: false, error: `seq ${event.seq} is beyond what the search index holds` };
  }
  const parsed = RestaurantEventData.safeParse({ type: event.type, data: event.data });
  if (!parsed.success) {
    return { ok: false, error: `invalid ${event.type}: ${z.prettifyError(parsed.error)}` };
  }
  const base = { restaurantId: event.aggregateId, seq: event.seq };
  switch (parsed.data.type) {
    case "RestaurantUpserted": {
      const doc = parsed.data.data;
      if (doc.id !== event.aggregateId) {
        return {
          ok: false,
          error: `document ${doc.id} sent under restaurant ${event.aggregateId}`,
        };
      }
      // Postgres text cannot hold NUL, and a statement that fails takes the whole batch with it.
      if (hasNul(doc)) return { ok: false, error: "the document contains a NUL character" };
      // The open-now filter evaluates hours in this zone at query time; an unknown one would fail
      // every search, not just this restaurant's.
      if (!knownTimezone(doc.timezone)) {
        return { ok: false, error: `unknown time zone "${doc.timezone}"` };
      }
      const available = doc.items.filter((item) => item.available);
      return {
        ok: true,
        step: {
          kind: "document",
          row: {
            restaurantId: event.aggregateId,
            slug: doc.slug,
            name: doc.name,
            description: doc.description,
            cuisine: doc.cuisine,
            priceLevel: doc.priceLevel,
            rating: doc.rating,
            lat: doc.location.lat,
            lng: doc.location.lng,
            cell: doc.cell,
            zone: doc.zone,
            timezone: doc.timezone,
            openingHours: doc.openingHours,
            prepMinutes: doc.prepMinutes,
            dietaryTags: [...new Set(available.flatMap((item) => item.dietaryTags))].sort(),
            items: doc.items,
            dishNames: available.map((item) => item.name).join(" \n "),
            dishDescriptions: available.map((item) => item.description).join(" \n "),
            documentSeq: event.seq,
            updatedAt: new Date(event.at),
          },
        },
      };
    }
    case "RestaurantPaused":
      return { ok: true, step: { kind: "kitchen", ...base, paused: true, busy: null } };
    case "RestaurantResumed":
      return { ok: true, step: { kind: "kitchen", ...base, paused: false, busy: null } };
    case "RestaurantBusyChanged":
      return {
        ok: true,
        step: { kind: "kitchen", ...base, paused: null, busy: parsed.data.data.busy },
      };
    case "TicketMissed":
      // Kitchen bookkeeping that search shows nothing of.
      return { ok: true, step: null };
  }
}

/**
 * Folds a batch's kitchen steps into one row per restaurant: for pause and for busy, the value of
 * the highest seq that set it. Postgres refuses to update one row twice in a statement.
 */
export function foldKitchens(steps: readonly KitchenStep[]): Required<SearchKitchenRow>[] {
  const byRestaurant = new Map<string, Required<SearchKitchenRow>>();
  for (const step of steps) {
    const row = byRestaurant.get(step.restaurantId) ?? {
      restaurantId: step.restaurantId,
      paused: false,
      pausedSeq: 0,
      busy: false,
      busySeq: 0,
    };
    if (step.paused !== null && step.seq > row.pausedSeq) {
      row.paused = step.paused;
      row.pausedSeq = step.seq;
    }
    if (step.busy !== null && step.seq > row.busySeq) {
      row.busy = step.busy;
      row.busySeq = step.seq;
    }
    byRestaurant.set(step.restaurantId, row);
  }
  return [...byRestaurant.values()];
}

/** `excluded.<column>` for every column an upsert overwrites: all but the key and generated ones. */
function overwriteFromExcluded(table: typeof searchRestaurants) {
  const columns = Object.entries(getTableColumns(table)).filter(
    ([, column]) => !column.primary && !column.generated,
  );
  return Object.fromEntries(
    columns.map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
  );
}

async function projectDocuments(db: Db, steps: readonly DocumentStep[]): Promise<void> {
  // The newest document of each restaurant alone decides its row; Postgres refuses to update one
  // row twice in a statement.
  const latest = new Map<string, SearchRestaurantRow>();
  for (const { row } of steps) {
    const held = latest.get(row.restaurantId);
    if (!held || held.documentSeq < row.documentSeq) latest.set(row.restaurantId, row);
  }
  if (latest.size === 0) return;
  await db
    .insert(searchRestaurants)
    .values([...latest.values()])
    .onConflictDoUpdate({
      target: searchRestaurants.restaurantId,
      set: overwriteFromExcluded(searchRestaurants),
      setWhere: sql`${searchRestaurants.documentSeq} < excluded.document_seq`,
    });
}

async function projectKitchens(db: Db, steps: readonly KitchenStep[]): Promise<void> {
  const rows = foldKitchens(steps);
  if (rows.length === 0) return;
  await db
    .insert(searchKitchens)
    .values(rows)
    .onConflictDoUpdate({
      target: searchKitchens.restaurantId,
      set: {
        paused: sql`case when excluded.paused_seq > ${searchKitchens.pausedSeq}
          then excluded.paused else ${searchKitchens.paused} end`,
        pausedSeq: sql`greatest(${searchKitchens.pausedSeq}, excluded.paused_seq)`,
        busy: sql`case when excluded.busy_seq > ${searchKitchens.busySeq}
          then excluded.busy else ${searchKitchens.busy} end`,
        busySeq: sql`greatest(${searchKitchens.busySeq}, excluded.busy_seq)`,
      },
    });
}

export type SearchIndexerDeps = { db: Db; deadLetters: DeadLetterSink };

/** The consumer that keeps the search read model from `restaurant.events`. */
export function searchIndexer(deps: SearchIndexerDeps): Consumer {
  return {
    name: "search-indexer",
    topics: ["restaurant.events"],
    apply: (events) =>
      applyProjection(events, {
        read: searchStepOf,
        project: async (steps) => {
          // Documents and kitchens are separate rows and each write is idempotent, so they need
          // no transaction: if the second fails, the retried batch finds the first already done.
          await projectDocuments(
            deps.db,
            steps.filter((s): s is DocumentStep => s.kind === "document"),
          );
          await projectKitchens(
            deps.db,
            steps.filter((s): s is KitchenStep => s.kind === "kitchen"),
          );
        },
        deadLetters: deps.deadLetters,
      }),
  };
}
