import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALWAYS_OPEN_SLUG, DEMO_PASSWORDS, DEMO_STAFF } from "../../infra/demo/city.ts";
import type { RestaurantSummary, RestaurantWithMenu } from "../../schema/catalog.ts";
import type { Order, OrderHistoryRow } from "../../schema/orders.ts";
import type { OrderServerMessage, RestaurantServerMessage } from "../../schema/sockets.ts";
import { Client, eventually } from "./client.ts";
import { type NpmStart, npmStart } from "./npm-start.ts";

/** `npm start` seeds, migrates and boots workerd; on a cold two-core machine that takes a while. */
const START_TIMEOUT_MS = 180_000;

let stack: NpmStart;
/** What the journey below handled that must never reach a log. */
const secrets: string[] = [];

beforeAll(async () => {
  stack = await npmStart([], START_TIMEOUT_MS);
}, START_TIMEOUT_MS + 10_000);

afterAll(() => stack?.stop());

describe("npm start", () => {
  it("prints the URLs and the demo logins", () => {
    const text = stack.output.join("\n");
    expect(text).toMatch(/API docs\s+http/);
    expect(text).toContain("admin@dizhtime.test");
    expect(text).toContain(DEMO_PASSWORDS.customer);
  });

  it("serves the apps' pages, deep links included, with their security headers", async () => {
    for (const page of ["/", "/restaurant/", "/driver/", "/admin/orders", "/orders/anything"]) {
      const response = await fetch(`${stack.baseUrl}${page}`);
      expect(response.status, page).toBe(200);
      expect(response.headers.get("content-security-policy"), page).toContain("script-src 'self'");
      expect(response.headers.get("x-frame-options"), page).toBe("DENY");
      expect(response.headers.get("x-content-type-options"), page).toBe("nosniff");
    }
  });

  it("serves a customer from sign-up to the kitchen's acceptance, live", async () => {
    const customer = new Client(stack.baseUrl);
    const kitchen = new Client(stack.baseUrl);
    try {
      const email = `e2e-${Date.now()}@example.com`;
      const session = await customer.signUp(
        { email, password: "a long enough password", name: "Ezra Tester" },
        stack.mailboxDir,
      );
      secrets.push(email, "a long enough password", session.accessToken, session.refreshToken);
      await customer.topUp(20_000);
      secrets.push("4242 4242 4242 4242", "4242424242424242");

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
      // Accepting starts preparing, in one step.
      expect([accepted.order.status, accepted.order.prepMinutes]).toEqual(["preparing", 16]);

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

  it("logs nothing secret or personal from the whole journey, in the bridge's and the Worker's lines", () => {
    const logged = stack.output.filter((line) => /^\[(bridge|worker)\]/.test(line));
    expect(logged.length).toBeGreaterThan(0);
    const local = JSON.parse(
      readFileSync(path.join(stack.stateDir, "secrets.json"), "utf8"),
    ) as Record<string, string>;
    const needles = [...secrets, ...Object.values(local)];
    expect(needles.length).toBeGreaterThan(6);
    for (const needle of needles)
      expect(
        logged.filter((line) => line.includes(needle)),
        "a secret in the logs",
      ).toEqual([]);
    // No token of any session, and no address of anyone, whoever it belongs to.
    const jwt = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./;
    const address = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/;
    expect(logged.filter((line) => jwt.test(line) || address.test(line))).toEqual([]);
    // The bridge's lines are structured, with the edge's field names.
    const bridgeLine = logged.find((line) => line.startsWith("[bridge] {"));
    expect(JSON.parse(bridgeLine!.slice("[bridge] ".length))).toMatchObject({
      level: expect.any(String),
      time: expect.any(String),
      service: "dizh-bridge",
      msg: expect.any(String),
    });
  });
});
