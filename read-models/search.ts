import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import type { searchRestaurants as searchRestaurantsTable } from "../schema/db/search.ts";
import type { SearchableItem } from "../schema/events.ts";
import type { SearchHit, SearchQuery, SearchResults } from "../schema/search.ts";

/**
 * Search over the read model the search indexer keeps (schema/db/search.ts). Matching is full
 * text (prefixes, so "burg" finds "burger") or trigram similarity word by word (so "piza" finds
 * "pizza"); relevance is ts_rank over the weighted document plus the typo-forgiving similarity of
 * the name, the cuisine and the dishes. At a city's scale (thousands of restaurants) a sequential
 * pass over the rows is a few milliseconds; a larger catalog would move the words into a table of
 * their own with a trigram index. Open-now is decided in SQL from each restaurant's hours in its own time
 * zone at the moment of the query.
 */

/** Words used from a query: enough for any real search, and each costs a tsquery term. */
export const QUERY_WORDS_MAX = 8;

/**
 * The trigram similarity (pg_trgm) from which a query word counts as a typo of a word in the
 * name, cuisine or dishes. Words are compared one to one, not the phrase to the text: a dropped
 * letter in a short word ("buger", "nigri") scores 0.44 against the word meant and 0.33 or less
 * against a word that merely starts the same way ("night"), so 0.4 separates them. Below it a
 * similarity is noise and adds nothing to relevance.
 */
export const TYPO_SIMILARITY_MIN = 0.4;

/** Matched dishes shown per hit. */
const MATCHED_DISHES_MAX = 3;

/** ts_rank's weights, for D, C, B, A: descriptions, dish names, cuisine, restaurant name. */
const RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}";

/** The query's words: lower case letters and digits, at most QUERY_WORDS_MAX. */
export function wordsOf(q: string | undefined): string[] {
  return (
    (q ?? "")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, QUERY_WORDS_MAX) ?? []
  );
}

/**
 * A tsquery in which every word must match as a prefix ("burg" -> 'burg':*). Words hold only
 * letters and digits, so nothing in them is tsquery syntax.
 */
export function prefixQueryOf(words: readonly string[]): string {
  return words.map((word) => `${word}:*`).join(" & ");
}

/** Where the previous page stopped: its last sort key and id. */
export type Cursor = { key: number; id: string };

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.key, cursor.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

/** The cursor in a `cursor` parameter, or null when it is not one this API gave out. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/")));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, id] = value;
    if (typeof key !== "number" || !Number.isFinite(key)) return null;
    if (typeof id !== "string" || !/^[0-9a-f-]{36}$/.test(id)) return null;
    return { key, id };
  } catch {
    return null;
  }
}

/** Dishes whose names contain a word of the query, as a hit shows them. */
export function matchedDishes(
  items: readonly SearchableItem[],
  words: readonly string[],
): SearchHit["matchedDishes"] {
  if (words.length === 0) return [];
  return items
    .filter((item) => item.available && words.some((w) => item.name.toLowerCase().includes(w)))
    .slice(0, MATCHED_DISHES_MAX)
    .map((item) => ({ id: item.id, name: item.name, priceCents: item.priceCents }));
}

/** A hit as the query returns it: the row's columns, with the kitchen's state and the scores. */
type Row = Pick<
  typeof searchRestaurantsTable.$inferSelect,
  | "restaurantId"
  | "slug"
  | "name"
  | "description"
  | "cuisine"
  | "priceLevel"
  | "rating"
  | "lat"
  | "lng"
  | "cell"
  | "zone"
  | "dietaryTags"
  | "items"
> & {
  paused: boolean;
  busy: boolean;
  openNow: boolean;
  relevance: number;
  distanceM: number | null;
};

/** One page of search results at `nowMs`. */
/** A coordinate to 1e-9 of a degree, as the distance's SQL reads stored ones. */
function roundTo9(degrees: number): number {
  return Math.round(degrees * 1e9) / 1e9;
}

export async function searchRestaurants(
  db: Db,
  query: SearchQuery,
  cursor: Cursor | null,
  nowMs: number,
): Promise<SearchResults> {
  const words = wordsOf(query.q);
  const point =
    query.lat !== undefined && query.lng !== undefined
      ? { lat: roundTo9(query.lat), lng: roundTo9(query.lng) }
      : null;
  // The route refuses sort=distance without a point before asking.
  if (query.sort === "distance" && !point) throw new Error("sort=distance needs lat and lng");

  const tsquery = sql`to_tsquery('english', ${prefixQueryOf(words)})`;
  // How well the query's words are found in a text, typos forgiven: for each query word its best
  // trigram similarity to a word of the text, and of those the worst, so that every word must be
  // found (as every word must match in the full-text query); 0 below the threshold.
  const wordsJson = JSON.stringify(words);
  const typo = (text: SQL) => sql`(select case when min(best) >= ${TYPO_SIMILARITY_MIN}
      then min(best) else 0 end
    from (
      select coalesce((
        select max(similarity(q.word, t.word))
        from regexp_split_to_table(${text}, '[^[:alnum:]]+') as t(word)
        where t.word <> ''
      ), 0) as best
      from jsonb_array_elements_text(${wordsJson}::jsonb) as q(word)
    ) found)`;
  const relevance: SQL =
    words.length === 0
      ? sql`coalesce(r.rating, 0)::float8 / 1000`
      : sql`(ts_rank(${sql.raw(`'${RANK_WEIGHTS}'`)}, r.document, ${tsquery})
          + 0.5 * ${typo(sql`lower(r.name)`)}
          + 0.2 * ${typo(sql`lower(r.cuisine)`)}
          + 0.2 * ${typo(sql`r.fuzzy_text`)}
          + coalesce(r.rating, 0) / 1000)::float8`;
  // Haversine in metres, the same formula as domain/geo.ts, on positions to 1e-9 of a degree
  // (0.1 mm): PostgreSQL refuses a float8 result that underflows, which the square of a
  // difference like 1e-274 degrees would (a 500 for a query at a pole next to such a position).
  const lat = sql`round(r.lat::numeric, 9)::float8`;
  const lng = sql`round(r.lng::numeric, 9)::float8`;
  const distance: SQL = point
    ? sql`(2 * 6371008.8 * asin(least(1, sqrt(
          power(sin(radians(${lat} - ${point.lat}::float8) / 2), 2)
          + cos(radians(${point.lat}::float8)) * cos(radians(${lat}))
            * power(sin(radians(${lng} - ${point.lng}::float8) / 2), 2)))))::float8`
    : sql`null::float8`;
  // The restaurant's wall clock now; a window closing at or before it opens runs past midnight,
  // exactly as domain/hours.ts reads hours.
  const openNow = sql`exists (
    select 1
    from jsonb_to_recordset(r.opening_hours) as w(day integer, opens text, closes text),
      lateral (select to_timestamp(${nowMs}::float8 / 1000) at time zone r.timezone as local) t,
      lateral (select
        extract(dow from t.local)::integer as dow,
        (extract(hour from t.local) * 60 + extract(minute from t.local))::integer as minute,
        split_part(w.opens, ':', 1)::integer * 60 + split_part(w.opens, ':', 2)::integer as o,
        split_part(w.closes, ':', 1)::integer * 60 + split_part(w.closes, ':', 2)::integer as c
      ) m
    where (m.c > m.o and w.day = m.dow and m.minute >= m.o and m.minute < m.c)
       or (m.c <= m.o and ((w.day = m.dow and m.minute >= m.o)
                        or (w.day = (m.dow + 6) % 7 and m.minute < m.c)))
  )`;

  const filters: SQL[] = [];
  if (words.length > 0) {
    filters.push(sql`(r.document @@ ${tsquery} or ${typo(sql`r.fuzzy_text`)} > 0)`);
  }
  if (query.cuisine) filters.push(sql`lower(r.cuisine) = lower(${query.cuisine})`);
  if (query.dietary && query.dietary.length > 0) {
    filters.push(
      sql`r.dietary_tags @> array(select jsonb_array_elements_text(${JSON.stringify(query.dietary)}::jsonb))`,
    );
  }
  if (query.priceLevel && query.priceLevel.length > 0) {
    filters.push(
      sql`r.price_level in (${sql.join(
        query.priceLevel.map((level: number) => sql`${level}`),
        sql`, `,
      )})`,
    );
  }
  const where = filters.length > 0 ? sql`where ${sql.join(filters, sql` and `)}` : sql``;

  const byDistance = query.sort === "distance";
  const outer: SQL[] = [];
  // Open now means serving now: within its hours and not paused.
  if (query.openNow === true) outer.push(sql`"openNow" and not paused`);
  if (query.openNow === false) outer.push(sql`not ("openNow" and not paused)`);
  if (cursor) {
    outer.push(
      byDistance
        ? sql`("distanceM" > ${cursor.key}::float8 or ("distanceM" = ${cursor.key}::float8 and "restaurantId" > ${cursor.id}::uuid))`
        : sql`(relevance < ${cursor.key}::float8 or (relevance = ${cursor.key}::float8 and "restaurantId" > ${cursor.id}::uuid))`,
    );
  }
  const outerWhere = outer.length > 0 ? sql`where ${sql.join(outer, sql` and `)}` : sql``;
  const order = byDistance
    ? sql`order by "distanceM" asc, "restaurantId" asc`
    : sql`order by relevance desc, "restaurantId" asc`;

  const result = await db.execute<Row>(sql`
    select * from (
      select
        r.restaurant_id as "restaurantId", r.slug, r.name, r.description, r.cuisine,
        r.price_level as "priceLevel", r.rating, r.lat, r.lng, r.cell, r.zone,
        r.dietary_tags as "dietaryTags", r.items,
        coalesce(k.paused, false) as paused, coalesce(k.busy, false) as busy,
        ${openNow} as "openNow",
        ${relevance} as relevance,
        ${distance} as "distanceM"
      from search_restaurants r
      left join search_kitchens k on k.restaurant_id = r.restaurant_id
      ${where}
    ) hit
    ${outerWhere}
    ${order}
    limit ${query.limit + 1}
  `);

  const rows = result.rows.slice(0, query.limit);
  const last = rows.at(-1);
  const nextCursor =
    result.rows.length > query.limit && last
      ? encodeCursor({
          key: Number(byDistance ? last.distanceM : last.relevance),
          id: last.restaurantId,
        })
      : null;
  return {
    results: rows.map((row) => ({
      id: row.restaurantId,
      slug: row.slug,
      name: row.name,
      description: row.description,
      cuisine: row.cuisine,
      priceLevel: Number(row.priceLevel),
      rating: row.rating === null ? null : Number(row.rating),
      location: { lat: Number(row.lat), lng: Number(row.lng) },
      cell: row.cell,
      zone: row.zone,
      dietaryTags: row.dietaryTags,
      openNow: row.openNow,
      paused: row.paused,
      busy: row.busy,
      matchedDishes: matchedDishes(row.items, words),
      relevance: Number(row.relevance),
      ...(row.distanceM === null ? {} : { distanceM: Math.round(Number(row.distanceM)) }),
    })),
    nextCursor,
  };
}
