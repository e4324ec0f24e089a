import { beforeEach, describe, expect, it } from "vitest";
import { accountId, pointsOf, walletOf } from "../../ledger/chart.ts";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { SimulatorConfirmation, Statement, TopUp, Wallet } from "../../schema/ledger.ts";
import { api, signUp, unique } from "../../test/edge-fixtures.ts";

let customer: Session;

beforeEach(async () => {
  customer = await signUp();
});

async function topUp(session: Session, amountCents: number, idempotencyKey = `top-up-${unique()}`) {
  return api<TopUp>("/api/wallet/top-ups", {
    token: session.accessToken,
    body: { amountCents, idempotencyKey },
  });
}

async function confirm(intent: TopUp, card = "4242 4242 4242 4242") {
  return api<SimulatorConfirmation | ErrorBody>(intent.confirmUrl!, {
    body: { clientSecret: intent.clientSecret, card },
  });
}

async function wallet(session: Session) {
  return (await api<Wallet>("/api/wallet", { token: session.accessToken })).body;
}

describe("the wallet", () => {
  it("is zero for a new customer, and names its ledger accounts", async () => {
    const reply = await api<Wallet>("/api/wallet", { token: customer.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      money: {
        accountId: accountId(walletOf(customer.user.id)),
        availableCents: 0,
        postedCents: 0,
        heldCents: 0,
      },
      points: {
        accountId: accountId(pointsOf(customer.user.id)),
        availablePoints: 0,
        postedPoints: 0,
        heldPoints: 0,
      },
    });
  });

  it("belongs to customers: others are refused, strangers asked to sign in", async () => {
    const driver = await signUp("driver");
    expect((await api<ErrorBody>("/api/wallet")).body.error.code).toBe("auth.unauthenticated");
    const refused = await api<ErrorBody>("/api/wallet", { token: driver.accessToken });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("auth.forbidden");
  });
});

describe("topping up by card", () => {
  it("credits the wallet once the simulated provider's signed webhook confirms the charge", async () => {
    const started = await topUp(customer, 2_500);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      amountCents: 2_500,
      currency: "USD",
      status: "requires_confirmation",
      provider: "simulated",
      transferId: null,
    });
    expect(await wallet(customer)).toMatchObject({ money: { availableCents: 0 } });

    const confirmed = await confirm(started.body);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "succeeded", webhook: { status: 200 } });
    expect(await wallet(customer)).toMatchObject({
      money: { availableCents: 2_500, postedCents: 2_500, heldCents: 0 },
    });

    const followed = await api<TopUp>(`/api/wallet/top-ups/${started.body.id}`, {
      token: customer.accessToken,
    });
    expect(followed.body).toMatchObject({ status: "succeeded", clientSecret: null });
    expect(followed.body.transferId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers a repeated request with the same top-up, and refuses the key for another amount", async () => {
    const key = `top-up-${unique()}`;
    const first = await topUp(customer, 1_000, key);
    const again = await topUp(customer, 1_000, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const conflict = await api<ErrorBody>("/api/wallet/top-ups", {
      token: customer.accessToken,
      body: { amountCents: 1_001, idempotencyKey: key },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("payment.idempotency_conflict");
  });

  it("refuses a declined card with 402 and moves no money", async () => {
    const started = await topUp(customer, 1_000);
    const declined = await confirm(started.body, "4000000000000002");
    expect(declined.status).toBe(402);
    expect((declined.body as ErrorBody).error).toMatchObject({
      code: "payment.card_declined",
      details: { failureCode: "card_declined", webhookStatus: 200 },
    });
    expect(await wallet(customer)).toMatchObject({ money: { availableCents: 0 } });
    const followed = await api<TopUp>(`/api/wallet/top-ups/${started.body.id}`, {
      token: customer.accessToken,
    });
    expect(followed.body).toMatchObject({ status: "failed", failureCode: "card_declined" });
  });

  it.each([
    ["below the minimum", { amountCents: 499, idempotencyKey: "k" }],
    ["above the maximum", { amountCents: 50_001, idempotencyKey: "k" }],
    ["a fraction of a cent", { amountCents: 1_000.5, idempotencyKey: "k" }],
    ["an unknown field", { amountCents: 1_000, idempotencyKey: "k", currency: "EUR" }],
    ["a key with spaces", { amountCents: 1_000, idempotencyKey: "my key" }],
  ])("refuses a top-up %s", async (_, body) => {
    const reply = await api<ErrorBody>("/api/wallet/top-ups", {
      token: customer.accessToken,
      body,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("request.invalid");
  });

  it("shows a top-up only to the customer who made it", async () => {
    const started = await topUp(customer, 1_000);
    const other = await signUp();
    const reply = await api<ErrorBody>(`/api/wallet/top-ups/${started.body.id}`, {
      token: other.accessToken,
    });
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("payment.intent_not_found");
  });
});

describe("the statement", () => {
  it("pages newest first, each line naming its transfer", async () => {
    for (const amount of [1_000, 2_000, 3_000]) {
      const started = await topUp(customer, amount);
      expect((await confirm(started.body)).status).toBe(200);
    }
    const first = await api<Statement>("/api/wallet/statement?limit=2", {
      token: customer.accessToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.accountId).toBe(accountId(walletOf(customer.user.id)));
    expect(first.body.lines.map((l) => [l.code, l.amount, l.kind, l.state])).toEqual([
      ["top_up", 3_000, "posted", "posted"],
      ["top_up", 2_000, "posted", "posted"],
    ]);
    expect(first.body.nextBefore).toBe(first.body.lines[1]!.seq);
    const second = await api<Statement>(
      `/api/wallet/statement?limit=2&before=${first.body.nextBefore}`,
      { token: customer.accessToken },
    );
    expect(second.body.lines.map((l) => l.amount)).toEqual([1_000]);
    expect(second.body.nextBefore).toBeNull();
    const ids = [...first.body.lines, ...second.body.lines].map((l) => l.transferId);
    expect(new Set(ids).size).toBe(3);
  });

  it("has a points statement too, empty until points move", async () => {
    const reply = await api<Statement>("/api/wallet/statement?currency=PTS", {
      token: customer.accessToken,
    });
    expect(reply.body).toMatchObject({ currency: "PTS", lines: [], nextBefore: null });
  });

  it.each([
    ["a page too big", "limit=101"],
    ["a cursor that is not a number", "before=abc"],
    ["an unknown currency", "currency=EUR"],
  ])("refuses %s", async (_, search) => {
    const reply = await api<ErrorBody>(`/api/wallet/statement?${search}`, {
      token: customer.accessToken,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("request.invalid");
  });
});
