import { Hono } from "hono";
import { decodeCursor, searchRestaurants } from "../../read-models/search.ts";
import { CodedError } from "../../runtime/errors.ts";
import { SearchQuery, SearchResults } from "../../schema/search.ts";
import type { AppEnv } from "../app-env.ts";
import { doc } from "../openapi.ts";
import { query } from "../validate.ts";

/** Restaurant search: public, read from the search index the bridge keeps. */
export const searchRoutes = new Hono<AppEnv>().get(
  "/search",
  doc(
    "Search restaurants and dishes: typo tolerant, filtered, by relevance or distance",
    "catalog",
    { 200: SearchResults },
    { auth: false, errors: [400, 422] },
  ),
  query(SearchQuery),
  async (c) => {
    const search = c.req.valid("query");
    if (search.sort === "distance" && search.lat === undefined) {
      throw new CodedError("search.point_required", "sort=distance needs lat and lng");
    }
    const cursor = search.cursor === undefined ? null : decodeCursor(search.cursor);
    if (search.cursor !== undefined && !cursor) {
      throw new CodedError(
        "search.cursor_invalid",
        "cursor must be a nextCursor this API returned",
      );
    }
    c.header("cache-control", "no-cache");
    return c.json(await searchRestaurants(c.var.db(), search, cursor, Date.now()));
  },
);
