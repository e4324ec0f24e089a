import { Hono } from "hono";
import { peer } from "../../durable-objects/peers.ts";
import { unwrap } from "../../runtime/errors.ts";
import { DriverCommand, DriverState, FixBody } from "../../schema/dispatch.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body } from "../validate.ts";

export const driverRoutes = new Hono<AppEnv>()
  .use("/drivers/me/*", requireAuth("driver"))
  .use("/drivers/me", requireAuth("driver"))
  .get(
    "/drivers/me",
    doc("The courier's state: online, position, offer, jobs", "drivers", { 200: DriverState }),
    async (c) =>
      c.json(
        unwrap(
          await peer(c.env, "gateway", "DriverActor", c.var.principal.userId).view(c.var.principal),
        ),
      ),
  )
  .post(
    "/drivers/me/fixes",
    doc(
      "Report a GPS fix (the socket is the usual way)",
      "drivers",
      { 204: null },
      { errors: [400, 422] },
    ),
    body(FixBody),
    async (c) => {
      unwrap(
        await peer(c.env, "gateway", "DriverActor", c.var.principal.userId).fix(
          c.var.principal,
          c.req.valid("json").fix,
        ),
      );
      return c.body(null, 204);
    },
  )
  .post(
    "/drivers/me/commands",
    doc(
      "Go online/offline, answer an offer, or take a step on a job",
      "drivers",
      { 200: DriverState },
      { errors: [400, 404, 409, 422] },
    ),
    body(DriverCommand),
    async (c) => {
      const actor = peer(c.env, "gateway", "DriverActor", c.var.principal.userId);
      unwrap(await actor.driverCommand(c.var.principal, c.req.valid("json")));
      return c.json(unwrap(await actor.view(c.var.principal)));
    },
  );
