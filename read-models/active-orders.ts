import { and, desc, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import {
  ACTIVE_ORDER_STATUSES,
  type ActiveOrder,
  type ActiveOrderList,
  type ActiveOrdersQuery,
} from "../schema/admin.ts";
import { orderHistory } from "../schema/db/index.ts";
import type { Result } from "../schema/errors.ts";
import type { OrderView } from "../schema/orders.ts";

/**
 * How far back an active order is looked for. An order ends within the hour: the kitchen answers
 * in minutes, dispatch gives up after 20 and a ride takes less than an hour. A row older than this
 * that the read model still calls active missed its ending (a replay gap, a wiped local stack),
 * so it is not worth a call to its actor; the window also keeps the scan to recent rows.
 */
export const ACTIVE_ORDER_AGE_MS_MAX = 6 * 60 * 60_000;

const ACTIVE: ReadonlySet<string> = new Set(ACTIVE_ORDER_STATUSES);

function isActive(status: string): status is ActiveOrder["status"] {
  return ACTIVE.has(status);
}

/**
 * The orders on their way now, newest first, for the admin's city map. Which orders: the
 * order-history read model (one query, rather than asking every actor in the city). Where and how far
 * along: each order's own actor, the owner of its live state, because the read model trails it
 * by the bridge's lag and holds no drop-off point. An order its actor says has ended (or cannot
 * answer for just now) is left out rather than drawn from stale facts.
 */
export async function listActiveOrders(
  db: Db,
  query: ActiveOrdersQuery,
  nowMs: number,
  viewOf: (orderId: string) => Promise<Result<OrderView>>,
): Promise<ActiveOrderList> {
  const rows = await db
    .select({ orderId: orderHistory.orderId })
    .from(orderHistory)
    .where(
      and(
        inArray(orderHistory.status, [...ACTIVE_ORDER_STATUSES]),
        gte(orderHistory.placedAt, new Date(nowMs - ACTIVE_ORDER_AGE_MS_MAX)),
        query.restaurantId ? eq(orderHistory.restaurantId, query.restaurantId) : undefined,
      ),
    )
    .orderBy(desc(orderHistory.placedAt))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const views = await Promise.allSettled(page.map((row) => viewOf(row.orderId)));
  const orders: ActiveOrder[] = [];
  for (const settled of views) {
    if (settled.status !== "fulfilled" || !settled.value.ok) continue;
    const order = settled.value.value;
    if (!isActive(order.status)) continue;
    orders.push({
      orderId: order.id,
      status: order.status,
      driverStage: order.driverStage,
      driverId: order.driverId,
      restaurant: order.restaurant,
      dropoff: {
        lat: order.deliveryAddress.lat,
        lng: order.deliveryAddress.lng,
        text: order.deliveryAddress.text,
      },
      placedAt: order.placedAt,
      readyBy: order.readyBy,
      courier: order.tracking?.position ?? null,
    });
  }
  return { orders, truncated: rows.length > query.limit };
}
