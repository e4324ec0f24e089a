import { CodedError } from "../runtime/errors.ts";
import type { Payout, PayoutBody } from "../schema/ledger.ts";
import { accountId, payeeAccountOf, platform } from "./chart.ts";
import {
  balanceOf,
  createTransfers,
  type Executor,
  ensureAccounts,
  lookupAccounts,
} from "./engine.ts";
import { transferIdFor } from "./ids.ts";

/**
 * An admin records a payout: what the platform owes a restaurant or a driver moves to `payouts`
 * (money out). The payable may never go below zero (its chart flag), so paying more than is owed
 * is refused by the ledger itself, even when two admins pay at once. Idempotent: the transfer id
 * is derived from the payee and the admin's idempotency key.
 */
export async function recordPayout(
  deps: { db: Executor; nowMs: number; adminId: string },
  body: PayoutBody,
): Promise<{ payout: Payout; created: boolean }> {
  const payee = accountId(payeeAccountOf(body.role, body.accountOwnerId));
  const [account] = await lookupAccounts(deps.db, [payee]);
  if (!account) {
    throw new CodedError(
      "ledger.account_not_found",
      `this ${body.role} has never been owed anything`,
    );
  }
  const [payouts] = await ensureAccounts(deps.db, [platform("payouts")]);
  const transferId = transferIdFor("payout", body.role, body.accountOwnerId, body.idempotencyKey);
  const [outcome] = await createTransfers(
    deps.db,
    [
      {
        id: transferId,
        kind: "posted",
        debitAccountId: payee,
        creditAccountId: payouts!,
        amount: body.amountCents,
        currency: "USD",
        code: "payout",
        metadata: { recordedBy: deps.adminId },
      },
    ],
    deps.nowMs,
  );
  const [after] = await lookupAccounts(deps.db, [payee]);
  const owedCents = balanceOf(after!).available;
  switch (outcome?.result) {
    case "ok":
    case "exists":
      return {
        payout: { transferId, accountId: payee, amountCents: body.amountCents, owedCents },
        created: outcome.result === "ok",
      };
    case "exists_with_different_fields":
      throw new CodedError(
        "payout.idempotency_conflict",
        "this idempotency key recorded a different payout",
      );
    case "exceeds_credits":
      throw new CodedError("payout.exceeds_owed", `only ${owedCents} cents are owed`, {
        owedCents,
      });
    default:
      throw new Error(`ledger: a payout answered ${outcome?.result}`);
  }
}
