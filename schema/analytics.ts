import { z } from "zod";
import { H3Cell } from "./geo.ts";

/**
 * The longest window one report covers. A month of hourly rows per zone and per restaurant stays
 * a few thousand rows, and the facts it scans stay within one index range.
 */
export const ANALYTICS_RANGE_MS_MAX = 31 * 24 * 60 * 60 * 1000;
/** A report without `from` covers the day before `to`. */
export const ANALYTICS_DEFAULT_RANGE_MS = 24 * 60 * 60 * 1000;
/** Hourly rows returned per series at most; `truncated` says when more existed. */
export const ANALYTICS_HOURLY_ROWS_MAX = 5_000;

const Range = {
  /** Start of the window, inclusive (orders placed from then). Default: a day before `to`. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** End of the window, exclusive. Default: now. */
  to: z.iso.datetime({ offset: true }).optional(),
};

export const AdminAnalyticsQuery = z.strictObject({ ...Range, zone: H3Cell.optional() });
export type AdminAnalyticsQuery = z.infer<typeof AdminAnalyticsQuery>;

export const RestaurantAnalyticsQuery = z.strictObject(Range);
export type RestaurantAnalyticsQuery = z.infer<typeof RestaurantAnalyticsQuery>;

const Rate = z.number().min(0).max(1).nullable();

export const OrderCounts = z.object({
  placed: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  delivered: z.number().int(),
  cancelled: z.number().int(),
  /** Accepted among those the kitchen answered (accepted or rejected); null when none. */
  acceptanceRate: Rate,
  /** Rejected among those placed; null when none were placed. */
  rejectionRate: Rate,
});

export const ClickToDoor = z.object({
  /** Delivered orders measured: from placing to delivery. */
  count: z.number().int(),
  p50Seconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
  meanSeconds: z.number().nullable(),
  /** Delivered orders by minutes taken: [upper bound in minutes (null: no bound), count]. */
  buckets: z.array(z.object({ upToMinutes: z.number().int().nullable(), count: z.number().int() })),
});

/** Money of delivered orders, in minor units. */
export const Revenue = z.object({
  grossCents: z.number().int(),
  subtotalCents: z.number().int(),
  deliveryFeeCents: z.number().int(),
  serviceFeeCents: z.number().int(),
  tipCents: z.number().int(),
});

/**
 * How well the checkout quote held: delivered orders against the time promised when they were
 * placed. Lateness is delivery minus promise, in minutes: positive is late, negative early.
 */
export const QuoteAccuracy = z.object({
  /** Delivered orders that carried a promise: the ones measured. */
  count: z.number().int(),
  /** Share of those delivered by their promised time; null when none were measured. */
  onTimeRate: Rate,
  latenessMeanMinutes: z.number().nullable(),
  latenessP90Minutes: z.number().nullable(),
});
export type QuoteAccuracy = z.infer<typeof QuoteAccuracy>;

export const HourCount = z.object({ hour: z.iso.datetime(), orders: z.number().int() });

export const DriverUtilization = z.object({
  drivers: z.number().int(),
  onlineSeconds: z.number(),
  /** Time between assignment and delivery (or cancellation) of the orders they carried. */
  onJobSeconds: z.number(),
  /** On-job over online time, at most 1 (batched orders overlap); null when nobody was online. */
  utilization: Rate,
});

const Window = { from: z.iso.datetime(), to: z.iso.datetime() };

export const AdminAnalytics = z.object({
  ...Window,
  zone: H3Cell.nullable(),
  orders: OrderCounts,
  clickToDoor: ClickToDoor,
  quoteAccuracy: QuoteAccuracy,
  revenue: Revenue,
  perZoneHour: z.array(HourCount.extend({ zone: z.string().nullable() })),
  perRestaurantHour: z.array(HourCount.extend({ restaurantId: z.uuid() })),
  /** Platform-wide: drivers are not bound to a zone. */
  drivers: DriverUtilization,
  truncated: z.boolean(),
});
export type AdminAnalytics = z.infer<typeof AdminAnalytics>;

export const RestaurantAnalytics = z.object({
  ...Window,
  restaurantId: z.uuid(),
  orders: OrderCounts,
  clickToDoor: ClickToDoor,
  revenue: Revenue,
  perHour: z.array(HourCount),
  truncated: z.boolean(),
});
export type RestaurantAnalytics = z.infer<typeof RestaurantAnalytics>;
