import { Hono } from "hono";
import { providerOf } from "../../ledger/card-processor/providers.ts";
import { accountId, pointsOf, walletOf } from "../../ledger/chart.ts";
import { balanceOf, lookupAccounts, statement } from "../../ledger/engine.ts";
import { findTopUp, startTopUp } from "../../ledger/top-ups.ts";
import { CodedError } from "../../runtime/errors.ts";
import {
  type Account,
  Statement,
  StatementQuery,
  TopUp,
  TopUpBody,
  TopUpParam,
  Wallet,
} from "../../schema/ledger.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params, query } from "../validate.ts";

/**
 * The signed-in customer's wallet: money (USD) and loyalty points, a statement traceable to the
 * ledger's transfers, and card top-ups. A customer who never had money has a wallet of zeros: the
 * accounts are opened on the first transfer to them.
 */
export const walletRoutes = new Hono<AppEnv>()
  .use("/wallet", requireAuth("customer"))
  .use("/wallet/*", requireAuth("customer"))
  .get(
    "/wallet",
    doc("My wallet: money and points, available and held", "wallet", { 200: Wallet }),
    async (c) => {
      const customerId = c.var.principal.userId;
      const moneyId = accountId(walletOf(customerId));
      const pointsId = accountId(pointsOf(customerId));
      const found = new Map(
        (await lookupAccounts(c.var.db(), [moneyId, pointsId])).map((a) => [a.id, a]),
      );
      const money = balanceOrZero(found.get(moneyId));
      const points = balanceOrZero(found.get(pointsId));
      return c.json({
        money: {
          accountId: moneyId,
          availableCents: money.available,
          postedCents: money.posted,
          heldCents: money.held,
        },
        points: {
          accountId: pointsId,
          availablePoints: points.available,
          postedPoints: points.posted,
          heldPoints: points.held,
        },
      } satisfies Wallet);
    },
  )
  .get(
    "/wallet/statement",
    doc(
      "My wallet's statement, newest first, one line per transfer (keyset pages)",
      "wallet",
      { 200: Statement },
      { errors: [400] },
    ),
    query(StatementQuery),
    async (c) => {
      const { currency, before, limit } = c.req.valid("query");
      const customerId = c.var.principal.userId;
      const id = accountId(currency === "USD" ? walletOf(customerId) : pointsOf(customerId));
      const page = await statement(c.var.db(), id, { before, limit });
      return c.json({ accountId: id, currency, ...page } satisfies Statement);
    },
  )
  .post(
    "/wallet/top-ups",
    doc(
      "Top up my wallet by card (idempotent by idempotencyKey); confirm it with the provider",
      "wallet",
      { 201: TopUp, 200: TopUp },
      { errors: [400, 409], location: true },
    ),
    body(TopUpBody),
    async (c) => {
      const db = c.var.db();
      const { topUp, created } = await startTopUp(
        { db, provider: providerOf(c.var.config, db), nowMs: Date.now() },
        c.var.principal.userId,
        c.req.valid("json"),
      );
      c.header("location", `/api/wallet/top-ups/${topUp.id}`);
      return c.json(topUp, created ? 201 : 200);
    },
  )
  .get(
    "/wallet/top-ups/:id",
    doc(
      "One of my top-ups, to follow its status",
      "wallet",
      { 200: TopUp },
      { errors: [400, 404] },
    ),
    params(TopUpParam),
    async (c) => {
      const db = c.var.db();
      const topUp = await findTopUp(
        db,
        providerOf(c.var.config, db),
        c.var.principal.userId,
        c.req.valid("param").id,
      );
      if (!topUp) throw new CodedError("payment.intent_not_found", "no such top-up");
      return c.json(topUp);
    },
  );

function balanceOrZero(account: Account | undefined) {
  return account
    ? balanceOf(account)
    : { currency: "USD" as const, posted: 0, held: 0, incoming: 0, available: 0 };
}
