import { type Context, Hono } from "hono";
import { findRestaurant } from "../../catalog/queries.ts";
import { adminReport, restaurantReport, type Window } from "../../read-models/analytics-report.ts";
import { CodedError } from "../../runtime/errors.ts";
import {
  AdminAnalytics,
  AdminAnalyticsQuery,
  ANALYTICS_DEFAULT_RANGE_MS,
  ANALYTICS_RANGE_MS_MAX,
  RestaurantAnalytics,
  RestaurantAnalyticsQuery,
} from "../../schema/analytics.ts";
import { RestaurantParam } from "../../schema/catalog.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { params, query } from "../validate.ts";

/** The window a report covers: `to` defaults to now and `from` to a day before `to`. */
export function windowOf(range: { from?: string; to?: string }, nowMs: number): Window {
  const toMs = range.to === undefined ? nowMs : Date.parse(range.to);
  const fromMs =
    range.from === undefined ? toMs - ANALYTICS_DEFAULT_RANGE_MS : Date.parse(range.from);
  if (fromMs >= toMs) throw new CodedError("request.unprocessable", "from must be before to");
  if (toMs - fromMs > ANALYTICS_RANGE_MS_MAX) {
    throw new CodedError(
      "request.unprocessable",
      `a report covers at most ${ANALYTICS_RANGE_MS_MAX / 86_400_000} days`,
    );
  }
  return { fromMs, toMs };
}

/**
 * A restaurant's figures are its own staff's (and admins'); anyone else is told it does not
 * exist, as the catalog routes do, so ids cannot be probed.
 */
async function ownRestaurant(c: Context<AppEnv>, id: string): Promise<void> {
  const who = c.var.principal;
  const mine = who.role === "admin" || (who.role === "restaurant" && who.restaurantId === id);
  if (!mine || !(await findRestaurant(c.var.db(), id))) {
    throw new CodedError("restaurant.not_found", "no such restaurant");
  }
}

export const analyticsRoutes = new Hono<AppEnv>()
  .get(
    "/admin/analytics",
    doc(
      "Platform figures: orders per hour per zone and restaurant, click-to-door, acceptance, drivers, revenue",
      "analytics",
      { 200: AdminAnalytics },
      { errors: [400, 422] },
    ),
    requireAuth("admin"),
    query(AdminAnalyticsQuery),
    async (c) => {
      const q = c.req.valid("query");
      const window = windowOf(q, Date.now());
      return c.json(await adminReport(c.var.db(), window, q.zone ?? null));
    },
  )
  .get(
    "/restaurants/:id/analytics",
    doc(
      "A restaurant's own figures: orders per hour, click-to-door, acceptance, revenue",
      "analytics",
      { 200: RestaurantAnalytics },
      { errors: [400, 404, 422] },
    ),
    requireAuth("restaurant", "admin"),
    params(RestaurantParam),
    query(RestaurantAnalyticsQuery),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      const window = windowOf(c.req.valid("query"), Date.now());
      return c.json(await restaurantReport(c.var.db(), window, id));
    },
  );
