import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALWAYS_OPEN_SLUG, DEMO_PASSWORDS, DEMO_STAFF } from "../../infra/demo/city.ts";
import type { RestaurantSummary, RestaurantWithMenu } from "../../schema/catalog.ts";
import type { Order, OrderHistoryRow } from "../../schema/orders.ts";
import type { OrderServerMessage, RestaurantServerMessage } from "../../schema/sockets.ts";
import { Client, eventually, freePort } from "./client.ts";

/** `npm start` seeds, migrates and boots workerd; on a cold two-core machine that takes a while. */
const START_TIMEOUT_MS = 180_000;

let child: ChildProcess;
let baseUrl: string;
let stateDir: string;
const output: string[] = [];

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "dizhtime-e2e-"));
  const [port, bridgePort] = [await freePort(), await freePort()];
  child = spawn(
    "npm",
    [
      "start",
      "--",
      "--state-dir",
      stateDir,
      "--port",
      String(port),
      "--bridge-port",
      String(bridgePort),
    ],
    {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  createInterface({ input: child.stderr! }).on("line", (line) => output.push(line));
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not come up:\n${output.join("\n")}`)),
      START_TIMEOUT_MS,
    );
    child.once("exit", (code) =>
      reject(new Error(`npm start exited with ${code}:\n${output.join("\n")}`)),
    );
    let api: string | undefined;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output.push(line);
      api ??= /^\s+API\s+(http\S+)\/api$/.exec(line)?.[1];
      if (api && line.includes("Ctrl-C stops everything")) {
        clearTimeout(timer);
        resolve(api);
      }
    });
  });
}, START_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if (child?.pid) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGINT");
    await exited;
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("prints the URLs and the demo logins", () => {
    const text = output.join("\n");
    expect(text).toMatch(/API docs\s+http/);
    expect(text).toContain("admin@dizhtime.test");
    expect(text).toContain(DEMO_PASSWORDS.customer);
  });

  it("serves a customer from sign-up to the kitchen's acceptance, live", async () => {
    const customer = new Client(baseUrl);
    const kitchen = new Client(baseUrl);
    try {
      await customer.signIn("/api/auth/signup", {
        email: `e2e-${Date.now()}@example.com`,
        password: "a long enough password",
        name: "Ezra Tester",
      });
      await customer.topUp(20_000);

      const nearby = await customer.call<{ restaurants: RestaurantSummary[] }>(
        "/api/restaurants?lat=30.2672&lng=-97.7431&radiusM=10000",
      );
      expect(nearby.body.restaurants.length).toBeGreaterThanOrEqual(20);
      const summary = nearby.body.restaurants.find((r) => r.slug === ALWAYS_OPEN_SLUG)!;
      const restaurant = (await customer.call<RestaurantWithMenu>(`/api/restaurants/${summary.id}`))
        .body;
      const item = restaurant.menu
        .flatMap((c) => c.items)
        .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0))!;
      expect(item).toBeDefined();

      const staff = DEMO_STAFF.find((s) => s.restaurantSlug === ALWAYS_OPEN_SLUG)!;
      await kitchen.signIn("/api/auth/login", {
        email: staff.email,
        password: DEMO_PASSWORDS.restaurant,
      });
      const board = kitchen.live<RestaurantServerMessage>("restaurant", summary.id);
      await board.inbox.next((m) => m.type === "board", 15_000);

      const placed = await customer.call<Order>("/api/orders", {
        body: {
          restaurantId: summary.id,
          items: [{ itemId: item.id, quantity: 2, modifiers: [] }],
          deliveryAddress: {
            lat: summary.location.lat + 0.01,
            lng: summary.location.lng,
            text: "1100 Congress Ave, Austin, TX",
          },
          tipCents: 250,
          idempotencyKey: `e2e-${Date.now()}`,
        },
      });
      expect(placed.status).toBe(201);
      const order = placed.body;

      const rung = await board.inbox.next<Extract<RestaurantServerMessage, { type: "ticket.new" }>>(
        (m) => m.type === "ticket.new" && m.ticket.orderId === order.id,
      );
      expect(rung.ticket.lines[0]).toMatchObject({ name: item.name, quantity: 2 });

      const watch = customer.live<OrderServerMessage>("order", order.id);
      await watch.inbox.next((m) => m.type === "snapshot", 15_000);
      board.socket.send(
        JSON.stringify({
          type: "accept",
          commandId: "e2e-accept",
          orderId: order.id,
          prepMinutes: 16,
        }),
      );
      const accepted = await watch.inbox.next<Extract<OrderServerMessage, { type: "updated" }>>(
        (m) => m.type === "updated" && m.event === "OrderAccepted",
      );
      expect([accepted.order.status, accepted.order.prepMinutes]).toEqual(["accepted", 16]);

      const history = await eventually(
        async () => {
          const rows = (await customer.call<{ orders: OrderHistoryRow[] }>("/api/orders")).body
            .orders;
          return rows.find((r) => r.orderId === order.id && r.status === "preparing");
        },
        20_000,
        "the order reaching the order history",
      );
      expect(history.totalCents).toBe(order.pricing.totalCents);
    } finally {
      customer.close();
      kitchen.close();
    }
  });
});
