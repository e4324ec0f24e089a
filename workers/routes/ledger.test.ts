import { beforeAll, describe, expect, it } from "vitest";
import { accountId, payableOf, platform } from "../../ledger/chart.ts";
import { createTransfers, ensureAccounts } from "../../ledger/engine.ts";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { Earnings, LedgerFlows, LedgerInvariants, Payout } from "../../schema/ledger.ts";
import { api, database, kitchen, signUp, staffSession, unique } from "../../test/edge-fixtures.ts";

let admin: Session;

beforeAll(async () => {
  admin = await staffSession("admin");
});

/**
 * A restaurant owed `cents`, as the order saga would leave it: shares posted to its payable.
 * (Credited from promotions_expense here, which has no limit, to keep the test to the payable.)
 */
async function owedRestaurant(
  cents: number,
  at = Date.now(),
  restaurantId: string = crypto.randomUUID(),
): Promise<string> {
  const { db, close } = database();
  try {
    const [payable, source] = await ensureAccounts(db, [
      payableOf(restaurantId),
      platform("promotions_expense"),
    ]);
    const [outcome] = await createTransfers(
      db,
      [
        {
          id: crypto.randomUUID(),
          kind: "posted",
          debitAccountId: source!,
          creditAccountId: payable!,
          amount: cents,
          currency: "USD",
          code: "restaurant_share",
        },
      ],
      at,
    );
    expect(outcome?.result).toBe("ok");
  } finally {
    await close();
  }
  return restaurantId;
}

function payout(
  accountOwnerId: string,
  amountCents: number,
  idempotencyKey = `payout-${unique()}`,
) {
  return api<Payout | ErrorBody>("/api/admin/payouts", {
    token: admin.accessToken,
    body: { accountOwnerId, role: "restaurant", amountCents, idempotencyKey },
  });
}

describe("payouts", () => {
  it("moves what a restaurant is owed to payouts, once per idempotency key", async () => {
    const restaurantId = await owedRestaurant(5_000);
    const key = `payout-${unique()}`;
    const first = await payout(restaurantId, 3_000, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      accountId: accountId(payableOf(restaurantId)),
      amountCents: 3_000,
      owedCents: 2_000,
    });
    const again = await payout(restaurantId, 3_000, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const conflict = await payout(restaurantId, 1_000, key);
    expect(conflict.status).toBe(409);
    expect((conflict.body as ErrorBody).error.code).toBe("payout.idempotency_conflict");
  });

  it("never pays out more than is owed, even when payouts race", async () => {
    const restaurantId = await owedRestaurant(2_000);
    const over = await payout(restaurantId, 2_001);
    expect(over.status).toBe(409);
    expect((over.body as ErrorBody).error).toMatchObject({
      code: "payout.exceeds_owed",
      details: { owedCents: 2_000 },
    });
    const replies = await Promise.all(Array.from({ length: 6 }, () => payout(restaurantId, 700)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(2);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(4);
  });

  it("refuses a payee the ledger has never owed anything, and non-admins", async () => {
    const unknown = await payout(crypto.randomUUID(), 100);
    expect(unknown.status).toBe(404);
    expect((unknown.body as ErrorBody).error.code).toBe("ledger.account_not_found");
    const customer = await signUp();
    const refused = await api<ErrorBody>("/api/admin/payouts", {
      token: customer.accessToken,
      body: {
        accountOwnerId: crypto.randomUUID(),
        role: "driver",
        amountCents: 1,
        idempotencyKey: "k",
      },
    });
    expect(refused.status).toBe(403);
  });
});

describe("earnings per period", () => {
  it("reports what each restaurant earned and was paid in the period, and what it is owed now", async () => {
    const restaurantId = await owedRestaurant(4_000, Date.parse("2026-03-10T12:00:00Z"));
    expect((await payout(restaurantId, 1_500)).status).toBe(201);

    const lineIn = async (from: string, to: string) => {
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const search = new URLSearchParams({ role: "restaurant", from, to, limit: "500" });
        if (after) search.set("after", after);
        const reply = await api<Earnings>(`/api/admin/ledger/earnings?${search}`, {
          token: admin.accessToken,
        });
        expect(reply.status).toBe(200);
        const line = reply.body.lines.find((l) => l.ownerId === restaurantId);
        if (line) return line;
        after = reply.body.nextAfter;
        if (!after) break;
      }
      throw new Error("the restaurant is missing from the report");
    };
    expect(await lineIn("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).toMatchObject({
      earnedCents: 4_000,
      paidOutCents: 0,
      owedCents: 2_500,
    });
    const now = Date.now();
    expect(
      await lineIn(
        new Date(now - 3_600_000).toISOString(),
        new Date(now + 3_600_000).toISOString(),
      ),
    ).toMatchObject({ earnedCents: 0, paidOutCents: 1_500, owedCents: 2_500 });
  });

  // 400: not what the document describes; 422: described, but against a rule between fields.
  it.each([
    [
      "a period that ends before it starts",
      "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z",
      422,
      "request.unprocessable",
    ],
    [
      "a period over a year",
      "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
      422,
      "request.unprocessable",
    ],
    [
      "an unknown role",
      "role=customer&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
      400,
      "request.invalid",
    ],
  ])("refuses %s", async (_, search, status, code) => {
    const reply = await api<ErrorBody>(
      `/api/admin/ledger/earnings?${search.startsWith("role") ? search : `role=driver&${search}`}`,
      { token: admin.accessToken },
    );
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
  });
});

describe("the invariants", () => {
  it("shows every currency balanced and no account beyond its limit", async () => {
    await owedRestaurant(100);
    const reply = await api<LedgerInvariants>("/api/admin/ledger/invariants", {
      token: admin.accessToken,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.balanced).toBe(true);
    expect(reply.body.overdrawnAccounts).toBe(0);
    const usd = reply.body.currencies.find((c) => c.currency === "USD")!;
    expect(usd.debitsPosted).toBe(usd.creditsPosted);
    expect(usd.debitsPosted).toBeGreaterThan(0);
  });

  it("sweeps expired holds on request, harmlessly when there are none", async () => {
    const reply = await api<{ voided: number }>("/api/admin/ledger/void-expired", {
      token: admin.accessToken,
      body: { limit: 10 },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.voided).toBeGreaterThanOrEqual(0);
  });

  it("is for admins only", async () => {
    const customer = await signUp();
    const reply = await api<ErrorBody>("/api/admin/ledger/invariants", {
      token: customer.accessToken,
    });
    expect(reply.status).toBe(403);
  });
});

describe("a payee's own statement", () => {
  const period = () => {
    const now = Date.now();
    return `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
  };

  it("shows a restaurant's staff what it is owed, and nobody else's", async () => {
    const k = await kitchen();
    const restaurantId = await owedRestaurant(4_200, Date.now(), k.restaurantId);
    const staff = k.staff;
    const mine = await api(`/api/restaurants/${restaurantId}/payables?${period()}`, {
      token: staff.accessToken,
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      ownerId: restaurantId,
      earnedCents: 4_200,
      owedCents: 4_200,
    });

    const other = await owedRestaurant(100);
    const theirs = await api<ErrorBody>(`/api/restaurants/${other}/payables?${period()}`, {
      token: staff.accessToken,
    });
    expect(theirs.status).toBe(404);
    const customer = await signUp();
    const refused = await api<ErrorBody>(`/api/restaurants/${other}/payables?${period()}`, {
      token: customer.accessToken,
    });
    expect(refused.status).toBe(403);
  });

  it("shows a courier their own earnings, zero before their first delivery", async () => {
    const driver = await signUp("driver");
    const reply = await api(`/api/drivers/me/earnings?${period()}`, { token: driver.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ownerId: driver.user.id, earnedCents: 0, owedCents: 0 });
    const backwards = await api<ErrorBody>(
      `/api/drivers/me/earnings?from=${new Date().toISOString()}&to=${new Date(0).toISOString()}`,
      { token: driver.accessToken },
    );
    expect(backwards.status).toBe(422);
  });
});

describe("money flows", () => {
  it("shows what moved per day and code once the bridge has relayed the ledger's feed", async () => {
    // A day of its own, far ahead, so no other test's money lands on it.
    const day = new Date(Date.UTC(2040, 0, 1) + Math.floor(Math.random() * 3_000) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const at = Date.parse(`${day}T10:00:00.000Z`);
    await owedRestaurant(1_234, at);
    await owedRestaurant(766, at);
    const path = `/api/admin/ledger/flows?from=${day}&to=${day}`;
    await expect
      .poll(async () => (await api<LedgerFlows>(path, { token: admin.accessToken })).body.flows, {
        timeout: 20_000,
      })
      .toEqual([
        {
          day,
          currency: "USD",
          code: "restaurant_share",
          movement: "moved",
          transfers: 2,
          amount: 2_000,
        },
      ]);

    const backwards = await api<ErrorBody>(`/api/admin/ledger/flows?from=${day}&to=2039-12-31`, {
      token: admin.accessToken,
    });
    expect([backwards.status, backwards.body.error.code]).toEqual([422, "request.unprocessable"]);
    const customer = await signUp();
    const refused = await api<ErrorBody>(path, { token: customer.accessToken });
    expect(refused.status).toBe(403);
  });
});
