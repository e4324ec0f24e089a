import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_ADMIN,
  DEMO_DRIVERS,
  DEMO_PASSWORDS,
  PEOPLE_LEFT_FOR_HUMANS,
} from "../../infra/demo/city.ts";
import type { DriverState } from "../../schema/dispatch.ts";
import type { Earnings } from "../../schema/ledger.ts";
import type { OrderView } from "../../schema/orders.ts";
import { Client, eventually } from "./client.ts";
import { type NpmStart, npmStart } from "./npm-start.ts";

/** `npm start` builds the apps, seeds, migrates and boots workerd; cold, on two cores. */
const START_TIMEOUT_MS = 240_000;
/**
 * The city must come alive, an order go from placement to the door, within this. At night in
 * Austin only the six all-night kitchens are open, so orders gather there while couriers may idle
 * kilometres away: two minutes of driving, on top of the kitchen and the offer, on two cores.
 */
const ALIVE_TIMEOUT_MS = 180_000;
const SIM_DRIVERS = 8;

let stack: NpmStart;
const startedAt = new Date();

// Tests start stacks without the sim unless asked: this one asks, fast-forwarded, at a high rate.
beforeAll(async () => {
  stack = await npmStart(
    ["--sim", "--sim-fast", "--sim-rate", "15", "--sim-drivers", String(SIM_DRIVERS)],
    START_TIMEOUT_MS,
  );
}, START_TIMEOUT_MS + 10_000);

afterAll(() => stack?.stop());

/** The sim's JSON-lines log, as `npm start` writes it into the state dir. */
function simEvents(): Array<{ event: string; orderId?: string; driver?: string }> {
  const file = path.join(stack.stateDir, "sim.log");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

/** Signs in, waiting out the login limit the sim's own cast shares (one address for all). */
async function signedIn(email: string, password: string): Promise<Client> {
  const client = new Client(stack.baseUrl);
  await eventually(
    () =>
      client.signIn("/api/auth/login", { email, password }).then(
        () => true,
        () => new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
      ),
    60_000,
    `signing in ${email}`,
  );
  return client;
}

describe("the demo city simulator under npm start", () => {
  it("says it runs", () => {
    expect(stack.output.join("\n")).toMatch(
      /Demo city: 8 simulated couriers and 15 orders a minute/,
    );
  });

  it(
    "brings the city alive: couriers online, an order placed and delivered, money moved",
    async () => {
      const delivered = await eventually(
        async () => simEvents().find((e) => e.event === "order_delivered") ?? null,
        ALIVE_TIMEOUT_MS,
        "a simulated order delivered",
      );
      const events = simEvents();
      expect(events.filter((e) => e.event === "order_placed").length).toBeGreaterThanOrEqual(1);
      expect(events.filter((e) => e.event === "unhandled_error")).toEqual([]);

      // Couriers online, as their own accounts see it.
      const courier = DEMO_DRIVERS[PEOPLE_LEFT_FOR_HUMANS]!;
      const driver = await signedIn(courier.email, DEMO_PASSWORDS.driver);
      const me = await driver.call<DriverState>("/api/drivers/me");
      expect(me.status).toBe(200);
      expect(me.body.online).toBe(true);
      expect(me.body.position).not.toBeNull();

      // The order, as an admin sees it: delivered, and the customer's hold settled.
      const admin = await signedIn(DEMO_ADMIN.email, DEMO_PASSWORDS.admin);
      const order = await eventually(
        async () => {
          const reply = await admin.call<OrderView>(`/api/orders/${delivered.orderId}`);
          return reply.body.status === "delivered" && reply.body.payment?.state === "settled"
            ? reply.body
            : null;
        },
        20_000,
        "the delivered order settled",
      );
      expect(order.timeline.map((t) => t.type)).toContain("OrderDelivered");

      // The couriers' earnings moved in the ledger.
      const earnings = await eventually(
        async () => {
          const query = new URLSearchParams({
            role: "driver",
            from: new Date(startedAt.getTime() - 60_000).toISOString(),
            to: new Date(Date.now() + 60_000).toISOString(),
          });
          const reply = await admin.call<Earnings>(`/api/admin/ledger/earnings?${query}`);
          const earned = reply.body.lines?.reduce((sum, l) => sum + l.earnedCents, 0) ?? 0;
          return earned > 0 ? earned : null;
        },
        20_000,
        "driver earnings in the ledger",
      );
      expect(earnings).toBeGreaterThan(0);
      driver.close();
      admin.close();
    },
    ALIVE_TIMEOUT_MS + 60_000,
  );
});
