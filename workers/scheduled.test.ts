import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountId, platform, walletOf } from "../ledger/chart.ts";
import { createTransfers, ensureAccounts, lookupTransfers } from "../ledger/engine.ts";
import type { Wallet } from "../schema/ledger.ts";
import { api, database, fundedCustomer } from "../test/edge-fixtures.ts";
import worker from "./index.ts";

/** A hold on the customer's wallet, as an order's would be, with a short timeout. */
async function hold(customerId: string, cents: number, timeoutMs: number, atMs: number) {
  const { db, close } = database();
  try {
    await ensureAccounts(db, [walletOf(customerId), platform("orders_clearing")]);
    const id = crypto.randomUUID();
    const [outcome] = await createTransfers(
      db,
      [
        {
          id,
          kind: "pending",
          code: "order_hold",
          debitAccountId: accountId(walletOf(customerId)),
          creditAccountId: accountId(platform("orders_clearing")),
          amount: cents,
          currency: "USD",
          timeoutMs,
        },
      ],
      atMs,
    );
    expect(outcome?.result).toBe("ok");
    return id;
  } finally {
    await close();
  }
}

async function stateOf(transferId: string) {
  const { db, close } = database();
  try {
    return (await lookupTransfers(db, [transferId]))[0]?.state;
  } finally {
    await close();
  }
}

async function runCron(scheduledTime: number) {
  const controller = createScheduledController({ scheduledTime, cron: "* * * * *" });
  await worker.scheduled(controller, env);
}

describe("the Worker's cron", () => {
  it("releases a hold past its timeout, with nothing else touching the wallet", async () => {
    const customer = await fundedCustomer(10_000);
    const t0 = Date.now();
    const id = await hold(customer.user.id, 2_500, 60_000, t0);
    const held = await api<Wallet>("/api/wallet", { token: customer.accessToken });
    expect([held.body.money.heldCents, held.body.money.availableCents]).toEqual([2_500, 7_500]);

    // Before the timeout the sweep leaves the hold alone: it is the scheduled time that counts.
    await runCron(t0 + 59_000);
    expect(await stateOf(id)).toBe("pending");

    await runCron(t0 + 61_000);
    expect(await stateOf(id)).toBe("voided");
    const released = await api<Wallet>("/api/wallet", { token: customer.accessToken });
    expect([released.body.money.heldCents, released.body.money.availableCents]).toEqual([
      0, 10_000,
    ]);

    // A second run finds nothing more to do and changes nothing.
    await runCron(t0 + 120_000);
    expect(await stateOf(id)).toBe("voided");
  });
});
