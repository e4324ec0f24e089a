import { Hono } from "hono";
import { CreatedUser, CreateStaffBody, LiveTarget } from "../../schema/auth.ts";
import { PendingEvents } from "../../schema/outbox.ts";
import type { AppEnv } from "../app-env.ts";
import { createStaff } from "../auth/accounts.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params } from "../validate.ts";

export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/*", requireAuth("admin"))
  .post(
    "/admin/users",
    doc(
      "Create a restaurant staff or admin account",
      "admin",
      { 201: CreatedUser },
      { errors: [400, 404, 409] },
    ),
    body(CreateStaffBody),
    async (c) => c.json({ user: await createStaff(c.var.db(), c.req.valid("json")) }, 201),
  )
  .get(
    "/admin/outbox/:kind/:id",
    doc(
      "Events an actor holds that the bridge has not confirmed yet",
      "admin",
      { 200: PendingEvents },
      { errors: [400] },
    ),
    params(LiveTarget),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      const stub =
        kind === "order" ? c.env.OrderActor.getByName(id) : c.env.RestaurantActor.getByName(id);
      return c.json({ events: await stub.pendingEvents() });
    },
  );
