import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { peer } from "../../durable-objects/peers.ts";
import { uuidFor } from "../../ledger/ids.ts";
import { unwrap } from "../../runtime/errors.ts";
import { orderHistory } from "../../schema/db/index.ts";
import {
  AcceptBody,
  CancelBody,
  Order,
  type OrderCommand,
  type OrderHistoryRow,
  OrderList,
  OrderListQuery,
  OrderParam,
  PlaceOrderBody,
  Quote,
  QuoteBody,
  RatingBody,
  RefundBody,
  RejectBody,
} from "../../schema/orders.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { placeOrder, quote } from "../placement.ts";
import { giveBack, limits, rateLimit } from "../rate-limit.ts";
import { body, params, query } from "../validate.ts";

/** Commands may carry `Idempotency-Key`; a repeat answers what the first call answered. */
function commandIdOf(c: Context<AppEnv>): string | null {
  const key = c.req.header("idempotency-key");
  return key && key.length <= 64 ? key : null;
}

/**
 * Kitchen commands go straight to the order, which owns the state they change; the order then
 * brings its restaurant's board up to date by one push, exactly as for a tablet's socket.
 */
async function kitchenCommand(c: Context<AppEnv>, orderId: string, command: OrderCommand) {
  return c.json(
    unwrap(
      await peer(c.env, "gateway", "OrderActor", orderId).command(
        c.var.principal,
        command,
        commandIdOf(c),
        c.var.traceparent,
      ),
    ),
  );
}

export const orderRoutes = new Hono<AppEnv>()
  .post(
    "/orders/quote",
    doc(
      "Price a cart exactly as checkout will",
      "orders",
      { 200: Quote },
      { errors: [400, 404, 422] },
    ),
    requireAuth("customer"),
    body(QuoteBody),
    async (c) =>
      c.json(await quote({ db: c.var.db(), env: c.env, nowMs: Date.now() }, c.req.valid("json"))),
  )
  .post(
    "/orders",
    doc(
      "Place an order (idempotent by idempotencyKey)",
      "orders",
      { 201: Order, 200: Order },
      { errors: [400, 404, 409, 422, 429], location: true },
    ),
    requireAuth("customer"),
    body(PlaceOrderBody),
    async (c) => {
      const key = `orders:customer:${c.var.principal.userId}`;
      const { order, created } = await placeOrder(
        {
          db: c.var.db(),
          env: c.env,
          principal: c.var.principal,
          traceparent: c.var.traceparent,
          nowMs: Date.now(),
          limit: {
            take: () => rateLimit(c, key, limits.placeOrderPerCustomer),
            giveBack: () => giveBack(c, key, limits.placeOrderPerCustomer),
          },
        },
        c.req.valid("json"),
      );
      c.header("location", `/api/orders/${order.id}`);
      return c.json(order, created ? 201 : 200);
    },
  )
  .get(
    "/orders",
    doc(
      "My orders (customers), my kitchen's (staff), my jobs (drivers), all (admins)",
      "orders",
      { 200: OrderList },
      { errors: [400] },
    ),
    requireAuth(),
    query(OrderListQuery),
    async (c) => {
      const who = c.var.principal;
      const { status, before, limit } = c.req.valid("query");
      const scope: SQL | undefined =
        who.role === "customer"
          ? eq(orderHistory.customerId, who.userId)
          : who.role === "restaurant"
            ? eq(orderHistory.restaurantId, who.restaurantId ?? "")
            : who.role === "driver"
              ? eq(orderHistory.driverId, who.userId)
              : undefined;
      const rows = await c.var
        .db()
        .select()
        .from(orderHistory)
        .where(
          and(
            scope,
            status ? eq(orderHistory.status, status) : undefined,
            before ? lt(orderHistory.placedAt, new Date(before)) : undefined,
          ),
        )
        .orderBy(desc(orderHistory.placedAt))
        .limit(limit);
      return c.json({
        orders: rows.map((row) => ({
          orderId: row.orderId,
          customerId: row.customerId,
          restaurantId: row.restaurantId,
          restaurantName: row.restaurantName,
          driverId: row.driverId,
          status: row.status as OrderHistoryRow["status"],
          totalCents: row.totalCents,
          subtotalCents: row.subtotalCents,
          placedAt: row.placedAt.toISOString(),
          updatedAt: row.updatedAt.toISOString(),
          deliveredAt: row.deliveredAt?.toISOString() ?? null,
          cancelledAt: row.cancelledAt?.toISOString() ?? null,
        })),
      });
    },
  )
  .get(
    // Only an id's shape, so GET /orders/quote (a POST route) answers 405, not "bad id".
    "/orders/:id{[0-9a-fA-F-]{36}}",
    doc("One order with its timeline", "orders", { 200: Order }, { errors: [400, 404] }),
    requireAuth(),
    params(OrderParam),
    async (c) =>
      c.json(
        unwrap(
          await peer(c.env, "gateway", "OrderActor", c.req.valid("param").id).view(c.var.principal),
        ),
      ),
  )
  .post(
    "/orders/:id/cancel",
    doc(
      "Cancel: customers before acceptance, kitchens before pickup, admins before delivery",
      "orders",
      { 200: Order },
      { errors: [400, 404, 409] },
    ),
    requireAuth("customer", "restaurant", "admin"),
    params(OrderParam),
    body(CancelBody),
    async (c) => {
      const { reason } = c.req.valid("json");
      const result = await peer(c.env, "gateway", "OrderActor", c.req.valid("param").id).command(
        c.var.principal,
        { type: "cancel", ...(reason ? { reason } : {}) },
        commandIdOf(c),
        c.var.traceparent,
      );
      return c.json(unwrap(result));
    },
  )
  .post(
    "/orders/:id/refunds",
    doc(
      "Refund a delivered order, in full or in part, never more than was paid (admins)",
      "orders",
      { 200: Order },
      { errors: [400, 404, 409] },
    ),
    requireAuth("admin"),
    params(OrderParam),
    body(RefundBody),
    async (c) => {
      const orderId = c.req.valid("param").id;
      const commandId = commandIdOf(c);
      const { amountCents, reason } = c.req.valid("json");
      // The refund's id (its ledger transfers' too) follows from the command's, so a retried
      // request cannot refund twice.
      const refundId = commandId
        ? uuidFor(`refund:${orderId}:${c.var.principal.userId}:${commandId}`)
        : crypto.randomUUID();
      const result = await peer(c.env, "gateway", "OrderActor", orderId).command(
        c.var.principal,
        { type: "refund", refundId, amountCents, reason },
        commandId,
        c.var.traceparent,
      );
      return c.json(unwrap(result));
    },
  )
  .post(
    "/orders/:id/rating",
    doc(
      "Rate a delivered order, once: 1 to 5 stars and an optional comment (its customer)",
      "orders",
      { 200: Order },
      { errors: [400, 404, 409] },
    ),
    requireAuth("customer"),
    params(OrderParam),
    body(RatingBody),
    async (c) => {
      const { stars, comment } = c.req.valid("json");
      const result = await peer(c.env, "gateway", "OrderActor", c.req.valid("param").id).command(
        c.var.principal,
        { type: "rate", stars, ...(comment ? { comment } : {}) },
        commandIdOf(c),
        c.var.traceparent,
      );
      return c.json(unwrap(result));
    },
  )
  .post(
    "/orders/:id/accept",
    doc(
      "Kitchen accepts with its prep minutes (and starts preparing)",
      "kitchen",
      { 200: Order },
      { errors: [400, 404, 409] },
    ),
    requireAuth("restaurant", "admin"),
    params(OrderParam),
    body(AcceptBody),
    async (c) => {
      const orderId = c.req.valid("param").id;
      return kitchenCommand(c, orderId, {
        type: "accept",
        prepMinutes: c.req.valid("json").prepMinutes,
      });
    },
  )
  .post(
    "/orders/:id/reject",
    doc("Kitchen rejects with a reason", "kitchen", { 200: Order }, { errors: [400, 404, 409] }),
    requireAuth("restaurant", "admin"),
    params(OrderParam),
    body(RejectBody),
    async (c) => {
      const orderId = c.req.valid("param").id;
      return kitchenCommand(c, orderId, { type: "reject", reason: c.req.valid("json").reason });
    },
  )
  .post(
    "/orders/:id/ready",
    doc(
      "Kitchen marks the food ready for pickup",
      "kitchen",
      { 200: Order },
      { errors: [400, 404, 409] },
    ),
    requireAuth("restaurant", "admin"),
    params(OrderParam),
    async (c) => {
      const orderId = c.req.valid("param").id;
      return kitchenCommand(c, orderId, { type: "mark_ready" });
    },
  );
