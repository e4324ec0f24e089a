import { describe, expect, it } from "vitest";
import { AccountCode } from "../schema/ledger.ts";
import { accountId, accountRow, chart, payeeAccountOf, platform, walletOf } from "./chart.ts";

describe("the chart of accounts", () => {
  it("names every account code of the schema, with its currency", () => {
    expect(Object.keys(chart).sort()).toEqual([...AccountCode.options].sort());
    expect(chart.customer_points.currency).toBe("PTS");
    expect(chart.points_liability.currency).toBe("PTS");
    expect(chart.customer_wallet.currency).toBe("USD");
  });

  it("keeps wallets, points, payables, earnings and the orders' clearing from going below zero", () => {
    const limited = Object.entries(chart)
      .filter(([, e]) => e.flags.debitsMustNotExceedCredits)
      .map(([code]) => code)
      .sort();
    expect(limited).toEqual([
      "customer_points",
      "customer_wallet",
      "driver_earnings",
      "orders_clearing",
      "restaurant_payable",
    ]);
  });

  it("derives the same id for the same account anywhere, and different ids for different ones", () => {
    const customer = crypto.randomUUID();
    expect(accountId(walletOf(customer))).toBe(accountId(walletOf(customer.toUpperCase())));
    expect(accountId(walletOf(customer))).not.toBe(
      accountId({ code: "customer_points", ownerId: customer }),
    );
    expect(accountId(walletOf(customer))).not.toBe(accountId(walletOf(crypto.randomUUID())));
    expect(accountId(platform("payouts"))).toBe(accountId({ code: "payouts", ownerId: null }));
    expect(accountId(payeeAccountOf("driver", customer))).toBe(
      accountId({ code: "driver_earnings", ownerId: customer }),
    );
  });

  it("refuses an owner on a platform account and a missing owner on a personal one", () => {
    expect(() => accountId({ code: "payouts", ownerId: crypto.randomUUID() })).toThrow(/platform/);
    expect(() => accountId({ code: "customer_wallet" })).toThrow(/ownerId/);
  });

  it("opens accounts with the chart's flags", () => {
    const row = accountRow(walletOf(crypto.randomUUID()));
    expect(row).toMatchObject({
      code: "customer_wallet",
      currency: "USD",
      debitsMustNotExceedCredits: true,
      creditsMustNotExceedDebits: false,
    });
  });
});
