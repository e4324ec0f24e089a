import { sql } from "drizzle-orm";
import { z } from "zod";
import { type EventEnvelope, RestaurantEventData } from "../../schema/events.ts";
import type { Db } from "../../workers/db.ts";
import type { Consumer } from "./bus.ts";
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

export type DocumentStep = {
  kind: "document";
  restaurant_id: string;
  seq: number;
  at: string;
  slug: string;
  name: string;
  description: string;
  cuisine: string;
  price_level: number;
  rating: number | null;
  lat: number;
  lng: number;
  cell: string;
  zone: string;
  timezone: string;
  opening_hours: unknown;
  prep_minutes: number;
  dietary_tags: string[];
  items: unknown;
  dish_names: string;
  dish_descriptions: string;
};

export type KitchenStep = {
  kind: "kitchen";
  restaurant_id: string;
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
  const base = { restaurant_id: event.aggregateId, seq: event.seq };
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
          ...base,
          at: event.at,
          slug: doc.slug,
          name: doc.name,
          description: doc.description,
          cuisine: doc.cuisine,
          price_level: doc.priceLevel,
          rating: doc.rating,
          lat: doc.location.lat,
          lng: doc.location.lng,
          cell: doc.cell,
          zone: doc.zone,
          timezone: doc.timezone,
          opening_hours: doc.openingHours,
          prep_minutes: doc.prepMinutes,
          dietary_tags: [...new Set(available.flatMap((item) => item.dietaryTags))].sort(),
          items: doc.items,
          dish_names: available.map((item) => item.name).join(" \n "),
          dish_descriptions: available.map((item) => item.description).join(" \n "),
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
 * Folds a batch's kitchen steps into one per restaurant: for pause and for busy, the value of the
 * highest seq that set it. Postgres refuses to update one row twice in a statement.
 */
export function foldKitchens(steps: readonly KitchenStep[]) {
  const byRestaurant = new Map<
    string,
    { restaurant_id: string; paused: boolean; paused_seq: number; busy: boolean; busy_seq: number }
  >();
  for (const step of steps) {
    const row = byRestaurant.get(step.restaurant_id) ?? {
      restaurant_id: step.restaurant_id,
      paused: false,
      paused_seq: 0,
      busy: false,
      busy_seq: 0,
    };
    if (step.paused !== null && step.seq > row.paused_seq) {
      row.paused = step.paused;
      row.paused_seq = step.seq;
    }
    if (step.busy !== null && step.seq > row.busy_seq) {
      row.busy = step.busy;
      row.busy_seq = step.seq;
    }
    byRestaurant.set(step.restaurant_id, row);
  }
  return [...byRestaurant.values()];
}

async function projectDocuments(db: Db, steps: readonly DocumentStep[]): Promise<void> {
  if (steps.length === 0) return;
  await db.execute(sql`
    with doc as (
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as d(
        restaurant_id uuid, seq integer, at timestamptz, slug text, name text, description text,
        cuisine text, price_level smallint, rating real, lat double precision,
        lng double precision, cell text, zone text, timezone text, opening_hours jsonb,
        prep_minutes integer, dietary_tags jsonb, items jsonb, dish_names text,
        dish_descriptions text
      )
    ),
    latest as (
      select distinct on (restaurant_id) * from doc order by restaurant_id, seq desc
    )
    insert into search_restaurants (
      restaurant_id, slug, name, description, cuisine, price_level, rating, lat, lng, cell, zone,
      timezone, opening_hours, prep_minutes, dietary_tags, items, dish_names, dish_descriptions,
      document_seq, updated_at
    )
    select
      restaurant_id, slug, name, description, cuisine, price_level, rating, lat, lng, cell, zone,
      timezone, opening_hours, prep_minutes,
      array(select jsonb_array_elements_text(latest.dietary_tags)), items, dish_names,
      dish_descriptions, seq, at
    from latest
    on conflict (restaurant_id) do update set
      slug = excluded.slug,
      name = excluded.name,
      description = excluded.description,
      cuisine = excluded.cuisine,
      price_level = excluded.price_level,
      rating = excluded.rating,
      lat = excluded.lat,
      lng = excluded.lng,
      cell = excluded.cell,
      zone = excluded.zone,
      timezone = excluded.timezone,
      opening_hours = excluded.opening_hours,
      prep_minutes = excluded.prep_minutes,
      dietary_tags = excluded.dietary_tags,
      items = excluded.items,
      dish_names = excluded.dish_names,
      dish_descriptions = excluded.dish_descriptions,
      document_seq = excluded.document_seq,
      updated_at = excluded.updated_at
    where search_restaurants.document_seq < excluded.document_seq
  `);
}

async function projectKitchens(db: Db, steps: readonly KitchenStep[]): Promise<void> {
  const rows = foldKitchens(steps);
  if (rows.length === 0) return;
  await db.execute(sql`
    insert into search_kitchens (restaurant_id, paused, paused_seq, busy, busy_seq)
    select restaurant_id, paused, paused_seq, busy, busy_seq
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as k(
      restaurant_id uuid, paused boolean, paused_seq integer, busy boolean, busy_seq integer
    )
    on conflict (restaurant_id) do update set
      paused = case when excluded.paused_seq > search_kitchens.paused_seq
        then excluded.paused else search_kitchens.paused end,
      paused_seq = greatest(search_kitchens.paused_seq, excluded.paused_seq),
      busy = case when excluded.busy_seq > search_kitchens.busy_seq
        then excluded.busy else search_kitchens.busy end,
      busy_seq = greatest(search_kitchens.busy_seq, excluded.busy_seq)
  `);
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
