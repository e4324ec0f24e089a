import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { issueTicket, verifyTicket } from "../../accounts/tokens.ts";
import { peer } from "../../durable-objects/peers.ts";
import { PRINCIPAL_HEADER } from "../../durable-objects/sockets.ts";
import { CodedError, unwrap } from "../../runtime/errors.ts";
import { LiveTarget, type Principal, SocketTicket, SocketTicketBody } from "../../schema/auth.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params } from "../validate.ts";

/** Whether `who` may watch `target`: asked of the actor that owns it, the one source of truth. */
async function mayWatch(env: Env, who: Principal, target: LiveTarget): Promise<boolean> {
  switch (target.kind) {
    case "order":
      return (await peer(env, "gateway", "OrderActor", target.id).view(who)).ok;
    case "restaurant":
      return who.role === "admin" || (who.role === "restaurant" && who.restaurantId === target.id);
    case "driver":
      return (await peer(env, "gateway", "DriverActor", target.id).view(who)).ok;
    case "zone":
      return who.role === "admin";
  }
}

function stubFor(env: Env, target: LiveTarget): { fetch(request: Request): Promise<Response> } {
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

const notFoundCode = {
  order: "order.not_found",
  restaurant: "restaurant.not_found",
  driver: "driver.not_found",
  zone: "not_found",
} as const;

export const liveRoutes = new Hono<AppEnv>()
  .post(
    "/live/tickets",
    doc(
      "A one-minute ticket to open one live socket",
      "live",
      { 200: SocketTicket },
      { errors: [400, 404] },
    ),
    requireAuth(),
    body(SocketTicketBody),
    async (c) => {
      const { target } = c.req.valid("json");
      if (!(await mayWatch(c.env, c.var.principal, target))) {
        throw new CodedError(notFoundCode[target.kind], `no such ${target.kind}`);
      }
      const { ticket, expiresAt } = await issueTicket(
        c.var.principal,
        target,
        c.var.config.jwtSecret,
        Date.now(),
      );
      return c.json({
        ticket,
        expiresAt,
        url: `/api/live/${target.kind}/${target.id}?ticket=${encodeURIComponent(ticket)}`,
      });
    },
  )
  // A WebSocket upgrade, which OpenAPI cannot describe: the document tells of it in words.
  .get("/live/:kind/:id", describeRoute({ hide: true }), params(LiveTarget), async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.json(
        { error: { code: "request.invalid", message: "this endpoint takes a WebSocket upgrade" } },
        426,
      );
    }
    const target = c.req.valid("param");
    const ticket = c.req.query("ticket");
    if (!ticket)
      throw new CodedError(
        "auth.unauthenticated",
        "open sockets with ?ticket= from POST /api/live/tickets",
      );
    const who = unwrap(await verifyTicket(ticket, target, c.var.config.jwtSecret, Date.now()));
    const headers = new Headers(c.req.raw.headers);
    headers.set(PRINCIPAL_HEADER, JSON.stringify(who));
    return stubFor(c.env, target).fetch(new Request(c.req.raw, { headers }));
  });
