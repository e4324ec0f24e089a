import { z } from "zod";
import { DietaryTag } from "./catalog.ts";
import { H3Cell, LatitudeParam, LatLng, LongitudeParam } from "./geo.ts";
import { rule } from "./rules.ts";
import { text } from "./text.ts";

/** A search phrase longer than this is not a search; it also bounds the trigram work per row. */
export const SEARCH_QUERY_CHARS_MAX = 100;
/** Results per page; a phone shows a dozen, a page of 50 is plenty for any client. */
export const SEARCH_LIMIT_MAX = 50;

/**
 * "a,b,c" in a query string: the listed values, each once, spaces around them allowed. The
 * pattern is the whole rule, so the document states exactly what is taken.
 */
function listOf<const Values extends readonly string[]>(values: Values) {
  const one = `(?:${values.join("|")})`;
  return z
    .string()
    .max(200)
    .regex(
      new RegExp(`^ *(?:${one} *)?(?:, *(?:${one} *)?)*$`),
      `a comma list of ${values.join(", ")}`,
    )
    .transform((value) => [
      ...new Set(
        value
          .split(",")
          .map((part) => part.trim())
          .filter((part): part is Values[number] => part.length > 0),
      ),
    ]);
}

export const SearchSort = z.enum(["relevance", "distance"]);
export type SearchSort = z.infer<typeof SearchSort>;

/**
 * GET /api/search. A point (lat and lng together) adds each hit's distance and allows
 * sort=distance; without `q` every restaurant passing the filters is listed.
 */
export const SearchQuery = z
  .strictObject({
    q: text({ max: SEARCH_QUERY_CHARS_MAX, trim: true }).optional(),
    lat: LatitudeParam.optional(),
    lng: LongitudeParam.optional(),
    cuisine: text({ min: 1, max: 40, trim: true }).optional(),
    /** Every tag listed must be served: "vegan,gluten_free". */
    dietary: listOf(DietaryTag.options).optional(),
    /** Any of the levels listed: "1,2". */
    priceLevel: listOf(["1", "2", "3", "4"])
      .transform((levels) => levels.map(Number))
      .optional(),
    openNow: z
      .enum(["true", "false"])
      .transform((value) => value === "true")
      .optional(),
    sort: SearchSort.default("relevance"),
    limit: z.coerce.number().int().min(1).max(SEARCH_LIMIT_MAX).default(20),
    /** The `nextCursor` of the previous page, as given. */
    cursor: text({ min: 1, max: 200 }).optional(),
  })
  .refine(
    (query) => (query.lat === undefined) === (query.lng === undefined),
    rule("give lat and lng together", ["lng"]),
  );
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  cuisine: z.string(),
  priceLevel: z.number().int().min(1).max(4),
  rating: z.number().nullable(),
  location: LatLng,
  cell: H3Cell,
  zone: H3Cell,
  dietaryTags: z.array(z.string()),
  /** Open by its hours at the moment of the query, in its own time zone. */
  openNow: z.boolean(),
  /** The kitchen paused orders (missed tickets or by hand): listed, but not taking orders. */
  paused: z.boolean(),
  busy: z.boolean(),
  /** Available dishes whose names match the query, at most a few. */
  matchedDishes: z.array(z.object({ id: z.uuid(), name: z.string(), priceCents: z.number() })),
  relevance: z.number(),
  distanceM: z.number().int().optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResults = z.object({
  results: z.array(SearchHit),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
export type SearchResults = z.infer<typeof SearchResults>;
