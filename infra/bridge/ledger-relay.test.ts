import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTransfers, voidExpired } from "../../ledger/engine.ts";
import type { Consumer } from "../../read-models/consumer.ts";
import { ledgerFlowsConsumer } from "../../read-models/money-flows.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import type { TransferInput } from "../../schema/ledger.ts";
import {
  databaseKinds,
  recordingDeadLetters,
  startTestDatabase,
  type TestDatabase,
} from "../../test/bridge/search.ts";
import type { EventBus } from "./bus.ts";
import { entriesOf, type FeedRow, ledgerRelayRound, roundEnd } from "./ledger-relay.ts";

/**
 * The ledger's feed: every transfer the ledger accepts, and every hold its timeout releases,
 * reaches `ledger.transfers` as one entry per account, exactly once, without a transfer committed
 * late ever being skipped; and the money-flows read model counts each transfer once.
 */

const T0 = Date.parse("2026-12-01T12:00:00.000Z");

/** A transfer as the tests write it: each kind of TransferInput, minus what the helper fills. */
type WithoutIdAndCurrency<T> = T extends unknown ? Omit<T, "id" | "currency"> : never;

/** A bus that keeps what it is given, in order. */
function recordingBus(): EventBus & { events: EventEnvelope[] } {
  const events: EventEnvelope[] = [];
  return {
    events,
    async publish(batch) {
      events.push(...batch);
      return { deadLettered: [] };
    },
    subscribe(_consumer: Consumer) {},
    async close() {},
  };
}

const row = (partial: Partial<FeedRow>): FeedRow => ({
  type: "TransferRecorded",
  transferId: crypto.randomUUID(),
  position: 1,
  xid: 1,
  at: new Date(T0).toISOString(),
  kind: "posted",
  debitAccountId: crypto.randomUUID(),
  creditAccountId: crypto.randomUUID(),
  amount: 100,
  currency: "USD",
  code: "top_up",
  pendingId: null,
  orderId: null,
  ...partial,
});

describe("a feed row's entries", () => {
  it("are one per account, keyed by it, numbered by the ledger position, the same every time", () => {
    const r = row({ position: 42 });
    const [debit, credit] = entriesOf(r);
    expect([debit!.aggregateId, debit!.seq, (debit!.data as { side: string }).side]).toEqual([
      r.debitAccountId,
      42,
      "debit",
    ]);
    expect([credit!.aggregateId, (credit!.data as { side: string }).side]).toEqual([
      r.creditAccountId,
      "credit",
    ]);
    expect((credit!.data as { counterpartyAccountId: string }).counterpartyAccountId).toBe(
      r.debitAccountId,
    );
    expect(entriesOf(r)).toEqual([debit, credit]);
    expect(debit!.id).not.toBe(credit!.id);
  });

  it.each([
    ["everything when it fits", [1, 1, 2, 3], 10, 4, { until: 10, whole: null }],
    ["up to the transaction the limit falls in", [1, 1, 2, 3, 3], 3, 4, { until: 3, whole: null }],
    ["one oversized transaction whole", [5, 5, 5, 5], 9, 2, { until: 6, whole: 5 }],
  ] as const)("a round takes %s", (_, xids, upto, max, expected) => {
    expect(
      roundEnd(
        xids.map((xid) => ({ xid })),
        upto,
        max,
      ),
    ).toEqual(expected);
  });
});

describe.each(databaseKinds)("the ledger feed on $kind", ({ kind, skip }) => {
  let database: TestDatabase;
  let wallet: string;
  let clearing: string;
  let provider: string;
  let promotions: string;

  beforeAll(async () => {
    if (skip) return;
    database = await startTestDatabase(kind);
    [wallet, clearing, provider, promotions] = [1, 2, 3, 4].map(() => crypto.randomUUID()) as [
      string,
      string,
      string,
      string,
    ];
    await database.db.execute(sql`
      insert into ledger_accounts (id, code, currency, debits_must_not_exceed_credits) values
        (${wallet}, 'customer_wallet', 'USD', true),
        (${clearing}, 'orders_clearing', 'USD', false),
        (${provider}, 'provider_clearing', 'USD', false),
        (${promotions}, 'promotions_expense', 'USD', false)
    `);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function drain(bus: EventBus): Promise<number> {
    let relayed = 0;
    for (let round = 0; round < 20; round++) {
      const n = await ledgerRelayRound(database.db, bus);
      if (n === 0) return relayed;
      relayed += n;
    }
    throw new Error("the feed did not drain in 20 rounds");
  }

  async function transfer(input: WithoutIdAndCurrency<TransferInput>, atMs = T0) {
    const id = crypto.randomUUID();
    const [outcome] = await createTransfers(
      database.db,
      [{ id, currency: "USD", ...input } as TransferInput],
      atMs,
    );
    expect(outcome?.result).toBe("ok");
    return id;
  }

  const mine = (events: EventEnvelope[], ids: string[]) =>
    events.filter((e) => ids.includes((e.data as { transferId: string }).transferId));

  it.skipIf(skip)(
    "relays each accepted transfer as a debit and a credit entry, once, in ledger order",
    async () => {
      await drain(recordingBus());
      const topUp = await transfer({
        kind: "posted",
        code: "top_up",
        debitAccountId: provider,
        creditAccountId: wallet,
        amount: 5_000,
      });
      const hold = await transfer({
        kind: "pending",
        code: "order_hold",
        debitAccountId: wallet,
        creditAccountId: clearing,
        amount: 1_929,
      });
      const capture = await transfer({
        kind: "post_pending",
        code: "order_capture",
        debitAccountId: wallet,
        creditAccountId: clearing,
        pendingId: hold,
      });
      const bus = recordingBus();
      await drain(bus);
      const events = mine(bus.events, [topUp, hold, capture]);
      expect(
        events.map((e) => {
          const d = e.data as { transferId: string; side: string; kind: string; amount: number };
          return [e.type, d.transferId, d.side, e.aggregateId, d.kind, d.amount];
        }),
      ).toEqual([
        ["TransferRecorded", topUp, "debit", provider, "posted", 5_000],
        ["TransferRecorded", topUp, "credit", wallet, "posted", 5_000],
        ["TransferRecorded", hold, "debit", wallet, "pending", 1_929],
        ["TransferRecorded", hold, "credit", clearing, "pending", 1_929],
        ["TransferRecorded", capture, "debit", wallet, "post_pending", 1_929],
        ["TransferRecorded", capture, "credit", clearing, "post_pending", 1_929],
      ]);
      // One account's entries are numbered in the order the ledger applied them.
      const walletSeqs = events.filter((e) => e.aggregateId === wallet).map((e) => e.seq);
      expect(walletSeqs).toEqual([...walletSeqs].sort((a, b) => a - b));
      expect(new Set(walletSeqs).size).toBe(walletSeqs.length);

      const again = recordingBus();
      expect(await drain(again)).toBe(0);
    },
  );

  it.skipIf(skip)("relays a hold its timeout released, after the hold", async () => {
    await drain(recordingBus());
    const hold = await transfer({
      kind: "pending",
      code: "order_hold",
      debitAccountId: wallet,
      creditAccountId: clearing,
      amount: 700,
      timeoutMs: 1_000,
    });
    expect(await voidExpired(database.db, T0 + 2_000, 10)).toBeGreaterThanOrEqual(1);
    const bus = recordingBus();
    await drain(bus);
    const events = mine(bus.events, [hold]);
    expect(events.map((e) => [e.type, e.aggregateId])).toEqual([
      ["TransferRecorded", wallet],
      ["TransferRecorded", clearing],
      ["HoldExpired", wallet],
      ["HoldExpired", clearing],
    ]);
    expect(events[2]!.seq).toBeGreaterThan(events[0]!.seq);
    expect(events[2]!.at).toBe(new Date(T0 + 2_000).toISOString());
  });

  // PostgreSQL only: PGlite runs one transaction at a time, so there is no other to commit first.
  const concurrent = kind === "postgres" ? it.skipIf(skip) : () => {};
  concurrent("never skips a transfer whose transaction commits after a later one", async () => {
    await drain(recordingBus());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const inside = new Promise<void>((resolve) => {
      written = resolve;
    });
    const lateId = crypto.randomUUID();
    // A transaction that writes a transfer and stays open.
    const late = database.db.transaction(async (tx) => {
      const [outcome] = await createTransfers(
        tx,
        [
          {
            id: lateId,
            kind: "posted",
            code: "top_up",
            debitAccountId: provider,
            creditAccountId: wallet,
            amount: 11,
            currency: "USD",
          },
        ],
        T0,
      );
      expect(outcome?.result).toBe("ok");
      written();
      await gate;
    });
    await inside;
    // Meanwhile another transfer, on other accounts, commits.
    const early = await transfer({
      kind: "posted",
      code: "promotion",
      debitAccountId: promotions,
      creditAccountId: clearing,
      amount: 13,
    });
    const before = recordingBus();
    await drain(before);
    expect(mine(before.events, [early, lateId])).toEqual([]);

    release();
    await late;
    const after = recordingBus();
    await drain(after);
    const relayed = mine(after.events, [early, lateId]);
    expect(relayed).toHaveLength(4);
    expect(new Set(relayed.map((e) => (e.data as { transferId: string }).transferId))).toEqual(
      new Set([early, lateId]),
    );
  });

  it.skipIf(skip)(
    "feeds the money flows, counting each transfer once however often it comes",
    async () => {
      await database.db.execute(sql`delete from ledger_flows`);
      await database.db.execute(sql`delete from ledger_flow_events`);
      await drain(recordingBus());
      const hold = await transfer(
        {
          kind: "pending",
          code: "order_hold",
          debitAccountId: wallet,
          creditAccountId: clearing,
          amount: 400,
        },
        T0 + 86_400_000,
      );
      await transfer(
        {
          kind: "void_pending",
          code: "order_release",
          debitAccountId: wallet,
          creditAccountId: clearing,
          pendingId: hold,
        },
        T0 + 86_400_000,
      );
      await transfer(
        {
          kind: "posted",
          code: "top_up",
          debitAccountId: provider,
          creditAccountId: wallet,
          amount: 250,
        },
        T0 + 86_400_000,
      );
      const bus = recordingBus();
      await drain(bus);
      const deadLetters = recordingDeadLetters();
      const flows = ledgerFlowsConsumer({ db: database.db, deadLetters });
      const ctx = { topic: "ledger.transfers" as const };
      await flows.apply(bus.events, ctx);
      // Again, and again reversed: nothing more is counted.
      await flows.apply(bus.events, ctx);
      await flows.apply([...bus.events].reverse(), ctx);
      const poison = { ...bus.events[0]!, id: crypto.randomUUID(), data: { transferId: "nope" } };
      const report = await flows.apply([poison], ctx);
      expect(report.deadLettered).toEqual([poison.id]);

      const day = new Date(T0 + 86_400_000).toISOString().slice(0, 10);
      const rows = await database.db.execute<{
        code: string;
        movement: string;
        transfers: number;
        amount: string | number;
      }>(sql`
      select code, movement, transfers, amount from ledger_flows
      where day = ${day} order by code, movement
    `);
      expect(rows.rows.map((r) => [r.code, r.movement, r.transfers, Number(r.amount)])).toEqual([
        ["order_hold", "held", 1, 400],
        ["order_release", "released", 1, 400],
        ["top_up", "moved", 1, 250],
      ]);
    },
  );
});
