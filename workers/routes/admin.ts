import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { listRestaurants, listUsers, setUserDisabled } from "../../accounts/directory.ts";
import { createStaff } from "../../accounts/users.ts";
import { isZone, zoneOf } from "../../domain/cells.ts";
import { distanceM } from "../../domain/geo.ts";
import { peer } from "../../durable-objects/peers.ts";
import { listActiveOrders } from "../../read-models/active-orders.ts";
import type { Db } from "../../runtime/db.ts";
import { CodedError, unwrap } from "../../runtime/errors.ts";
import {
  ActiveOrderList,
  ActiveOrdersQuery,
  AdminRestaurantList,
  AdminUser,
  CourierChoices,
  RestaurantAdminQuery,
  SystemHealth,
  UserList,
  UserListQuery,
  UserParam,
} from "../../schema/admin.ts";
import { ActorPathParams, CreatedUser, CreateStaffBody, LiveTarget } from "../../schema/auth.ts";
import { restaurants, users } from "../../schema/db/index.ts";
import { AssignBody, ConfirmDeliveryBody, OrderParam, OrderView } from "../../schema/orders.ts";
import { PendingEvents, ReleasedEvents } from "../../schema/outbox.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params, query } from "../validate.ts";

export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/*", requireAuth("admin"))
  .post(
    "/admin/users",
    doc(
      "Create a restaurant staff or admin account",
      "admin",
      { 201: CreatedUser },
      { errors: [400, 404, 409, 422] },
    ),
    body(CreateStaffBody),
    async (c) =>
      c.json({ user: await createStaff(c.var.db(), c.req.valid("json"), Date.now()) }, 201),
  )
  .get(
    "/admin/system",
    doc(
      "The platform's live health (requests, errors, p99s, outboxes, consumer lag, dispatch), from the metrics the bridge serves to Prometheus",
      "admin",
      { 200: SystemHealth },
    ),
    async (c) => c.json(await readSystemHealth(c.var.config.bridgeUrl, Date.now())),
  )
  .get(
    "/admin/users",
    doc(
      "Users by email, searchable, a page at a time",
      "admin",
      { 200: UserList },
      { errors: [400] },
    ),
    query(UserListQuery),
    async (c) => c.json(await listUsers(c.var.db(), c.req.valid("query"))),
  )
  .post(
    "/admin/users/:id/disable",
    doc(
      "Disable an account: its login and refresh are refused, its sessions revoked",
      "admin",
      { 200: AdminUser },
      { errors: [400, 404, 422] },
    ),
    params(UserParam),
    async (c) =>
      c.json(
        await setUserDisabled(
          c.var.db(),
          c.req.valid("param").id,
          true,
          c.var.principal.userId,
          Date.now(),
        ),
      ),
  )
  .post(
    "/admin/users/:id/enable",
    doc("Enable a disabled account again", "admin", { 200: AdminUser }, { errors: [400, 404] }),
    params(UserParam),
    async (c) =>
      c.json(
        await setUserDisabled(
          c.var.db(),
          c.req.valid("param").id,
          false,
          c.var.principal.userId,
          Date.now(),
        ),
      ),
  )
  .get(
    "/admin/restaurants",
    doc(
      "Restaurants by slug with their kitchens' state (pause and busy), a page at a time",
      "admin",
      { 200: AdminRestaurantList },
      { errors: [400] },
    ),
    query(RestaurantAdminQuery),
    async (c) =>
      c.json(
        await listRestaurants(c.var.db(), c.req.valid("query"), (id) =>
          peer(c.env, "gateway", "RestaurantActor", id).kitchenState(),
        ),
      ),
  )
  .get(
    "/admin/orders/active",
    doc(
      "Orders on their way now (placed to picked up), newest first, with restaurant, drop-off and courier positions, for the city map",
      "admin",
      { 200: ActiveOrderList },
      { errors: [400] },
    ),
    query(ActiveOrdersQuery),
    async (c) => {
      const who = c.var.principal;
      return c.json(
        await listActiveOrders(c.var.db(), c.req.valid("query"), Date.now(), (orderId) =>
          peer(c.env, "gateway", "OrderActor", orderId).view(who),
        ),
      );
    },
  )
  .get(
    "/admin/orders/:id/couriers",
    doc(
      "Idle couriers in the order's restaurant zone, nearest first, for manual dispatch",
      "admin",
      { 200: CourierChoices },
      { errors: [400, 404] },
    ),
    params(OrderParam),
    async (c) => {
      const order = unwrap(
        await peer(c.env, "gateway", "OrderActor", c.req.valid("param").id).view(c.var.principal),
      );
      const at = order.restaurant.location;
      const zone = zoneOf(at);
      const snapshot = await peer(c.env, "gateway", "ZoneActor", zone).view();
      const couriers = snapshot.drivers
        .filter((d) => d.state !== "busy")
        .map((d) => ({
          driverId: d.driverId,
          position: d.position,
          distanceM: Math.round(distanceM(d.position, at)),
        }))
        .sort((a, b) => a.distanceM - b.distanceM);
      return c.json({ zone, couriers });
    },
  )
  .post(
    "/admin/orders/:id/assign",
    doc(
      "Manual dispatch: give the order to an online, idle courier",
      "admin",
      { 200: OrderView },
      { errors: [400, 404, 409] },
    ),
    params(OrderParam),
    body(AssignBody),
    async (c) => {
      const orderId = c.req.valid("param").id;
      const who = c.var.principal;
      // Through the courier's actor, as an accepted offer goes: it checks the courier can take
      // the job, asks the order's compare-and-set, and keeps the job it won.
      unwrap(
        await peer(c.env, "gateway", "DriverActor", c.req.valid("json").driverId).assignByAdmin(
          who,
          orderId,
          c.req.header("idempotency-key")?.slice(0, 64) ?? crypto.randomUUID(),
        ),
      );
      return c.json(unwrap(await peer(c.env, "gateway", "OrderActor", orderId).view(who)));
    },
  )
  .post(
    "/admin/orders/:id/unassign",
    doc(
      "Take the order back from its courier; dispatch offers it again",
      "admin",
      { 200: OrderView },
      { errors: [400, 404, 409] },
    ),
    params(OrderParam),
    async (c) => {
      const order = peer(c.env, "gateway", "OrderActor", c.req.valid("param").id);
      const who = c.var.principal;
      const current = unwrap(await order.view(who));
      if (current.driverId === null) {
        throw new CodedError("order.illegal_transition", "this order has no courier to take back", {
          status: current.status,
          driverStage: current.driverStage,
          command: "unassign_driver",
        });
      }
      return c.json(
        unwrap(
          await order.command(
            who,
            { type: "unassign_driver", driverId: current.driverId },
            null,
            c.var.traceparent,
          ),
        ),
      );
    },
  )
  .post(
    "/admin/orders/:id/confirm-delivery",
    doc(
      "Confirm a picked-up order delivered by hand, with the reason (when the customer's code is locked after wrong tries, or cannot be had); the money settles as for a delivery by code",
      "admin",
      { 200: OrderView },
      { errors: [400, 404, 409] },
    ),
    params(OrderParam),
    body(ConfirmDeliveryBody),
    async (c) => {
      const order = peer(c.env, "gateway", "OrderActor", c.req.valid("param").id);
      const { reason } = c.req.valid("json");
      return c.json(
        unwrap(
          await order.command(
            c.var.principal,
            { type: "confirm_delivery", reason },
            null,
            c.var.traceparent,
          ),
        ),
      );
    },
  )
  .get(
    "/admin/outbox/:kind/:id",
    doc(
      "An actor's outbox: events the bridge has not confirmed yet, and those it refused for good (parked)",
      "admin",
      { 200: PendingEvents },
      { errors: [400, 404] },
    ),
    params(ActorPathParams),
    async (c) => {
      const target = actorNamed(c.req.valid("param"));
      await mustExist(c.var.db(), target);
      return c.json(await outboxOf(c.env, target).outboxReport());
    },
  )
  .post(
    "/admin/outbox/:kind/:id/release",
    doc(
      "Put an actor's parked events back in its outbox for another try",
      "admin",
      { 200: ReleasedEvents },
      { errors: [400, 404] },
    ),
    params(ActorPathParams),
    async (c) => {
      const target = actorNamed(c.req.valid("param"));
      await mustExist(c.var.db(), target);
      return c.json({ released: await outboxOf(c.env, target).releaseParked() });
    },
  );

/** The actor a path names, or 404 for a pair that names none (an order by a zone's cell). */
function actorNamed(params: ActorPathParams): LiveTarget {
  const target = LiveTarget.safeParse(params);
  if (!target.success) throw new CodedError("not_found", `no ${params.kind} ${params.id}`);
  return target.data;
}

/**
 * Refuses with 404 an outbox whose owner does not exist, asked of the database, so a read never
 * wakes (and so creates) an actor for an id that names nothing. An order exists only in its actor,
 * so an order id is taken as given.
 */
async function mustExist(db: Db, target: LiveTarget): Promise<void> {
  let found = true;
  if (target.kind === "zone") found = isZone(target.id);
  if (target.kind === "restaurant") {
    const rows = await db
      .select({ id: restaurants.id })
      .from(restaurants)
      .where(eq(restaurants.id, target.id));
    found = rows.length > 0;
  }
  if (target.kind === "driver") {
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, target.id), eq(users.role, "driver")));
    found = rows.length > 0;
  }
  if (!found) throw new CodedError("not_found", `no such ${target.kind}`);
}

/** The actor that owns an outbox, by kind. */
function outboxOf(env: Env, target: LiveTarget) {
  switch (target.kind) {
    case "order":
      return peer(env, "gateway", "OrderActor", target.id);
    case "restaurant":
      return peer(env, "gateway", "RestaurantActor", target.id);
    case "driver":
      return peer(env, "gateway", "DriverActor", target.id);
    case "zone":
      return peer(env, "gateway", "ZoneActor", target.id);
  }
}

/** The bridge gets this long to answer; the page then says it is down rather than hang. */
const SYSTEM_TIMEOUT_MS = 3_000;

/** The bridge's figures, or "down" with nothing else when it does not answer well. */
async function readSystemHealth(bridgeUrl: string, nowMs: number): Promise<SystemHealth> {
  try {
    const response = await fetch(new URL("/v1/system", bridgeUrl), {
      signal: AbortSignal.timeout(SYSTEM_TIMEOUT_MS),
    });
    const parsed = SystemHealth.safeParse(response.ok ? await response.json() : null);
    if (parsed.success) return parsed.data;
  } catch {
    // Unreachable or too slow: said below.
  }
  return {
    at: new Date(nowMs).toISOString(),
    bridge: "down",
    requests: { total: 0, errors: 0, errorRatio: null },
    routes: [],
    outboxes: [],
    consumerLag: [],
    dispatch: { waiting: 0, oldestWaitingSeconds: 0 },
    ledger: { openHolds: null },
  };
}
