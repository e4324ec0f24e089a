import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import {
  type AdminAnalytics,
  ANALYTICS_HOURLY_ROWS_MAX,
  type QuoteAccuracy,
  type RestaurantAnalytics,
} from "../schema/analytics.ts";

/**
 * Reports over the analytics facts (schema/db/analytics.ts), computed when asked. The facts are
 * one row per order and per presence change, so a month's window is a single index range, and
 * nothing is pre-aggregated that a replay would have to reproduce.
 */

/** Click-to-door buckets' upper bounds in minutes; the last bucket is open. */
const CLICK_TO_DOOR_BUCKETS_MIN = [20, 30, 45, 60] as const;

export type Window = { fromMs: number; toMs: number };

const iso = (ms: number) => new Date(ms).toISOString();

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

type Scope = SQL;

async function orderFigures(db: Db, window: Window, scope: Scope) {
  const bucketSql = sql.join(
    CLICK_TO_DOOR_BUCKETS_MIN.map(
      (upTo, i) =>
        sql`count(*) filter (where delivered_at is not null and c2d >= ${i === 0 ? 0 : CLICK_TO_DOOR_BUCKETS_MIN[i - 1]! * 60} and c2d < ${upTo * 60})::integer`,
    ),
    sql`, `,
  );
  const last = CLICK_TO_DOOR_BUCKETS_MIN.at(-1)! * 60;
  const result = await db.execute<Record<string, number | string | null>>(sql`
    with o as (
      select *, extract(epoch from (delivered_at - placed_at))::float8 as c2d
      from analytics_orders
      where placed_at >= ${iso(window.fromMs)}::timestamptz
        and placed_at < ${iso(window.toMs)}::timestamptz
        and ${scope}
    )
    select
      count(*)::integer as placed,
      count(accepted_at)::integer as accepted,
      count(rejected_at)::integer as rejected,
      count(delivered_at)::integer as delivered,
      count(cancelled_at)::integer as cancelled,
      percentile_cont(0.5) within group (order by c2d) filter (where delivered_at is not null) as p50,
      percentile_cont(0.9) within group (order by c2d) filter (where delivered_at is not null) as p90,
      avg(c2d) filter (where delivered_at is not null)::float8 as mean,
      json_build_array(${bucketSql},
        count(*) filter (where delivered_at is not null and c2d >= ${last})::integer) as buckets,
      coalesce(sum(total_cents) filter (where delivered_at is not null), 0)::text as gross,
      coalesce(sum(subtotal_cents) filter (where delivered_at is not null), 0)::text as subtotal,
      coalesce(sum(delivery_fee_cents) filter (where delivered_at is not null), 0)::text as delivery_fee,
      coalesce(sum(service_fee_cents) filter (where delivered_at is not null), 0)::text as service_fee,
      coalesce(sum(tip_cents) filter (where delivered_at is not null), 0)::text as tip
    from o
  `);
  const row = result.rows[0]!;
  const n = (key: string) => Number(row[key] ?? 0);
  const maybe = (key: string) => (row[key] === null ? null : Number(row[key]));
  const bucketCounts = (
    typeof row.buckets === "string" ? JSON.parse(row.buckets) : row.buckets
  ) as number[];
  const accepted = n("accepted");
  const rejected = n("rejected");
  return {
    orders: {
      placed: n("placed"),
      accepted,
      rejected,
      delivered: n("delivered"),
      cancelled: n("cancelled"),
      acceptanceRate: ratio(accepted, accepted + rejected),
      rejectionRate: ratio(rejected, n("placed")),
    },
    clickToDoor: {
      count: n("delivered"),
      p50Seconds: maybe("p50"),
      p90Seconds: maybe("p90"),
      meanSeconds: maybe("mean"),
      buckets: bucketCounts.map((count, i) => ({
        upToMinutes: CLICK_TO_DOOR_BUCKETS_MIN[i] ?? null,
        count: Number(count),
      })),
    },
    revenue: {
      grossCents: n("gross"),
      subtotalCents: n("subtotal"),
      deliveryFeeCents: n("delivery_fee"),
      serviceFeeCents: n("service_fee"),
      tipCents: n("tip"),
    },
  };
}

/**
 * The checkout quote against what happened: of the delivered orders that carried a promise, how
 * many arrived by it, and the mean and 90th percentile of their lateness in minutes.
 */
async function quoteFigures(db: Db, window: Window, scope: Scope): Promise<QuoteAccuracy> {
  const result = await db.execute<{
    count: number;
    on_time: number;
    mean: number | null;
    p90: number | null;
  }>(sql`
    with o as (
      select extract(epoch from (delivered_at - promised_by))::float8 / 60 as late
      from analytics_orders
      where placed_at >= ${iso(window.fromMs)}::timestamptz
        and placed_at < ${iso(window.toMs)}::timestamptz
        and delivered_at is not null
        and promised_by is not null
        and ${scope}
    )
    select
      count(*)::integer as count,
      count(*) filter (where late <= 0)::integer as on_time,
      avg(late)::float8 as mean,
      percentile_cont(0.9) within group (order by late) as p90
    from o
  `);
  const row = result.rows[0]!;
  const count = Number(row.count);
  return {
    count,
    onTimeRate: ratio(Number(row.on_time), count),
    latenessMeanMinutes: row.mean === null ? null : Number(row.mean),
    latenessP90Minutes: row.p90 === null ? null : Number(row.p90),
  };
}

/** Orders per UTC hour, grouped by `key` (a column expression, or null for one series). */
async function perHour(db: Db, window: Window, scope: Scope, key: SQL | null) {
  const result = await db.execute<{ hour: string; key: string | null; orders: number }>(sql`
    select
      to_char(date_trunc('hour', placed_at, 'UTC'), 'YYYY-MM-DD"T"HH24":00:00.000Z"') as hour,
      ${key ?? sql`null::text`} as key,
      count(*)::integer as orders
    from analytics_orders
    where placed_at >= ${iso(window.fromMs)}::timestamptz
      and placed_at < ${iso(window.toMs)}::timestamptz
      and ${scope}
    group by 1, 2
    order by 1, 2
    limit ${ANALYTICS_HOURLY_ROWS_MAX + 1}
  `);
  return {
    rows: result.rows.slice(0, ANALYTICS_HOURLY_ROWS_MAX),
    truncated: result.rows.length > ANALYTICS_HOURLY_ROWS_MAX,
  };
}

/**
 * Online time (each online change paired with the driver's next change by seq, clipped to the
 * window; one still open runs to the window's end) against time on a job (assignment to delivery
 * or cancellation, clipped the same way).
 */
async function driverFigures(db: Db, window: Window) {
  const from = sql`${iso(window.fromMs)}::timestamptz`;
  const to = sql`${iso(window.toMs)}::timestamptz`;
  const result = await db.execute<{ drivers: number; online: number; on_job: number }>(sql`
    with spans as (
      select driver_id, at, online,
        lead(at) over (partition by driver_id order by seq) as next_at
      from analytics_driver_presence
      where at < ${to}
    ),
    online as (
      select driver_id,
        sum(extract(epoch from (least(coalesce(next_at, ${to}), ${to}) - greatest(at, ${from}))))
          as seconds
      from spans
      where online and coalesce(next_at, ${to}) > ${from}
      group by driver_id
    ),
    jobs as (
      select coalesce(sum(extract(epoch from (
        least(coalesce(delivered_at, cancelled_at, ${to}), ${to}) - greatest(assigned_at, ${from})
      ))), 0) as seconds
      from analytics_orders
      where assigned_at is not null and driver_id is not null
        and assigned_at < ${to}
        and coalesce(delivered_at, cancelled_at, ${to}) > ${from}
    )
    select
      (select count(*) from online where seconds > 0)::integer as drivers,
      coalesce((select sum(seconds) from online where seconds > 0), 0)::float8 as online,
      (select seconds from jobs)::float8 as on_job
  `);
  const row = result.rows[0]!;
  const online = Number(row.online);
  const onJob = Number(row.on_job);
  return {
    drivers: Number(row.drivers),
    onlineSeconds: online,
    onJobSeconds: onJob,
    utilization: online > 0 ? Math.min(1, onJob / online) : null,
  };
}

/** The platform's figures for a window, optionally one zone's orders only. */
export async function adminReport(
  db: Db,
  window: Window,
  zone: string | null,
): Promise<AdminAnalytics> {
  const scope = zone === null ? sql`true` : sql`zone = ${zone}`;
  const [figures, quoteAccuracy, zones, restaurants, drivers] = await Promise.all([
    orderFigures(db, window, scope),
    quoteFigures(db, window, scope),
    perHour(db, window, scope, sql`zone`),
    perHour(db, window, scope, sql`restaurant_id::text`),
    driverFigures(db, window),
  ]);
  return {
    from: iso(window.fromMs),
    to: iso(window.toMs),
    zone,
    ...figures,
    quoteAccuracy,
    perZoneHour: zones.rows.map((r) => ({ hour: r.hour, zone: r.key, orders: Number(r.orders) })),
    perRestaurantHour: restaurants.rows.map((r) => ({
      hour: r.hour,
      restaurantId: r.key ?? "",
      orders: Number(r.orders),
    })),
    drivers,
    truncated: zones.truncated || restaurants.truncated,
  };
}

/** One restaurant's own figures for a window. */
export async function restaurantReport(
  db: Db,
  window: Window,
  restaurantId: string,
): Promise<RestaurantAnalytics> {
  const scope = sql`restaurant_id = ${restaurantId}::uuid`;
  const [figures, hours] = await Promise.all([
    orderFigures(db, window, scope),
    perHour(db, window, scope, null),
  ]);
  return {
    from: iso(window.fromMs),
    to: iso(window.toMs),
    restaurantId,
    ...figures,
    perHour: hours.rows.map((r) => ({ hour: r.hour, orders: Number(r.orders) })),
    truncated: hours.truncated,
  };
}
