import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../runtime/db.ts";
import { deadLetters, orderHistory } from "../../schema/db/index.ts";
import { type DemoStack, startDemoStack } from "../demo-stack.ts";
import { alwaysOpenDish, Client, DEMO_LOGINS, eventually, placeAlwaysOpenOrder } from "./client.ts";

let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack("outbox");
});

afterAll(async () => {
  await stack?.stop();
});

async function historyOf(orderId: string) {
  const { db, close } = openDb(stack.database);
  try {
    const [row] = await db.select().from(orderHistory).where(eq(orderHistory.orderId, orderId));
    return row ?? null;
  } finally {
    await close();
  }
}

describe("the outbox when the bridge is down", () => {
  it("holds every event until the bridge returns, then each reaches the order history once", async () => {
    const customer = new Client(stack.workerUrl);
    const staff = new Client(stack.workerUrl);
    const admin = new Client(stack.workerUrl);
    await customer.signUp(
      {
        email: `outbox-${Date.now()}@example.com`,
        password: "a long enough password",
        name: "Olive Outbox",
      },
      stack.mailboxDir!,
    );
    await customer.topUp(20_000);
    await staff.signIn("/api/auth/login", DEMO_LOGINS.kitchen);
    await admin.signIn("/api/auth/login", DEMO_LOGINS.admin);

    const dish = await alwaysOpenDish(customer);
    const place = async (key: string) => (await placeAlwaysOpenOrder(customer, dish, key)).body;

    const first = await place(`outbox-a-${Date.now()}`);
    await eventually(
      async () => (await historyOf(first.id))?.status === "placed" || null,
      20_000,
      "the first order in history",
    );

    await stack.stopBridge();
    await staff.call(`/api/orders/${first.id}/accept`, { body: { prepMinutes: 10 } });
    await staff.call(`/api/orders/${first.id}/ready`, { method: "POST" });
    const second = await place(`outbox-b-${Date.now()}`);

    const held = await eventually(
      async () => {
        const pending = (
          await admin.call<{ events: Array<{ type: string; attempts: number }> }>(
            `/api/admin/outbox/order/${first.id}`,
          )
        ).body.events;
        return pending.length === 2 && pending.every((e) => e.attempts >= 1) ? pending : null;
      },
      20_000,
      "a failed flush of the held events",
    );
    expect(held.map((e) => e.type)).toEqual(["OrderAccepted", "OrderReady"]);
    expect((await historyOf(first.id))?.status).toBe("placed");
    expect(await historyOf(second.id)).toBeNull();

    await stack.startBridge();
    const caughtUp = await eventually(
      async () => {
        const row = await historyOf(first.id);
        return row?.status === "ready" ? row : null;
      },
      60_000,
      "the held events reaching history after the bridge returned",
    );
    expect(caughtUp.lastSeq).toBe(3);
    expect(caughtUp.acceptedAt).not.toBeNull();
    expect(caughtUp.readyAt).not.toBeNull();
    await eventually(
      async () => (await historyOf(second.id))?.status === "placed" || null,
      30_000,
      "the second order in history",
    );
    await eventually(
      async () => {
        const pending = (
          await admin.call<{ events: unknown[] }>(`/api/admin/outbox/order/${first.id}`)
        ).body.events;
        return pending.length === 0 || null;
      },
      30_000,
      "the outbox emptied once the bridge confirmed",
    );

    const { db, close } = openDb(stack.database);
    const letters = await db
      .select()
      .from(deadLetters)
      .where(eq(deadLetters.aggregateId, first.id));
    await close();
    expect(letters).toEqual([]);
  });
});
