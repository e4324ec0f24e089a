import { Hono } from "hono";
import { ledgerInvariants, voidExpired } from "../../ledger/engine.ts";
import { recordPayout } from "../../ledger/payouts.ts";
import { earnings, earningsOf, ledgerFlows } from "../../ledger/reports.ts";
import { CodedError } from "../../runtime/errors.ts";
import { RestaurantParam } from "../../schema/catalog.ts";
import {
  Earnings,
  EarningsLine,
  EarningsQuery,
  LedgerFlows,
  LedgerFlowsQuery,
  LedgerInvariants,
  OwnEarningsQuery,
  Payout,
  PayoutBody,
  VoidExpiredBody,
  VoidExpiredResult,
} from "../../schema/ledger.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params, query } from "../validate.ts";

/** The ledger as operators see it: what payees are owed, payouts, and the invariants. */
export const ledgerRoutes = new Hono<AppEnv>()
  .use("/admin/ledger/*", requireAuth("admin"))
  .use("/admin/payouts", requireAuth("admin"))
  .get(
    "/admin/ledger/earnings",
    doc(
      "Drivers' earnings or restaurants' payables over a period, per owner",
      "admin",
      { 200: Earnings },
      { errors: [400, 422] },
    ),
    query(EarningsQuery),
    async (c) => {
      const q = c.req.valid("query");
      const page = await earnings(c.var.db(), q);
      return c.json({
        role: q.role,
        from: new Date(q.from).toISOString(),
        to: new Date(q.to).toISOString(),
        ...page,
      } satisfies Earnings);
    },
  )
  .get(
    "/drivers/me/earnings",
    doc(
      "The courier's own earnings over a period: earned, paid out, owed now",
      "drivers",
      { 200: EarningsLine },
      { errors: [400, 422] },
    ),
    requireAuth("driver"),
    query(OwnEarningsQuery),
    async (c) =>
      c.json(await earningsOf(c.var.db(), "driver", c.var.principal.userId, c.req.valid("query"))),
  )
  .get(
    "/restaurants/:id/payables",
    doc(
      "What the platform owes a restaurant over a period (its staff and admins)",
      "restaurants",
      { 200: EarningsLine },
      { errors: [400, 404, 422] },
    ),
    requireAuth("restaurant", "admin"),
    params(RestaurantParam),
    query(OwnEarningsQuery),
    async (c) => {
      const id = c.req.valid("param").id;
      const who = c.var.principal;
      if (who.role !== "admin" && who.restaurantId !== id) {
        throw new CodedError("restaurant.not_found", "no such restaurant");
      }
      return c.json(await earningsOf(c.var.db(), "restaurant", id, c.req.valid("query")));
    },
  )
  .post(
    "/admin/payouts",
    doc(
      "Record a payout to a restaurant or a driver (idempotent by idempotencyKey)",
      "admin",
      { 201: Payout, 200: Payout },
      { errors: [400, 404, 409] },
    ),
    body(PayoutBody),
    async (c) => {
      const { payout, created } = await recordPayout(
        { db: c.var.db(), nowMs: Date.now(), adminId: c.var.principal.userId },
        c.req.valid("json"),
      );
      return c.json(payout, created ? 201 : 200);
    },
  )
  .get(
    "/admin/ledger/flows",
    doc(
      "Money flows per day, currency, transfer code and movement (from ledger.transfers)",
      "admin",
      { 200: LedgerFlows },
      { errors: [400, 422] },
    ),
    query(LedgerFlowsQuery),
    async (c) => c.json(await ledgerFlows(c.var.db(), c.req.valid("query"))),
  )
  .get(
    "/admin/ledger/invariants",
    doc("Per currency, the sums of all debits and credits; accounts beyond their limits", "admin", {
      200: LedgerInvariants,
    }),
    async (c) => c.json(await ledgerInvariants(c.var.db(), Date.now())),
  )
  .post(
    "/admin/ledger/void-expired",
    doc(
      "Void pending transfers past their timeout, releasing their holds (a bounded sweep)",
      "admin",
      { 200: VoidExpiredResult },
      { errors: [400] },
    ),
    body(VoidExpiredBody),
    async (c) =>
      c.json({ voided: await voidExpired(c.var.db(), Date.now(), c.req.valid("json").limit) }),
  );
