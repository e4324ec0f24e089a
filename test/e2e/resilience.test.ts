import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN_SLUG,
  DEMO_DRIVERS,
  DEMO_PASSWORDS,
  DEMO_STAFF,
} from "../../infra/demo/city.ts";
import type { Session } from "../../schema/auth.ts";
import type { DriverState } from "../../schema/dispatch.ts";
import type { Order } from "../../schema/orders.ts";
import { type DemoStack, startDemoStack } from "../demo-stack.ts";
import { browserMissing, launchChromium, SCREENSHOTS } from "./browser.ts";
import { alwaysOpenDish, Client, placeAlwaysOpenOrder } from "./client.ts";

/**
 * Issue 6's resilience acceptance, in a browser: the local stack restarts in the middle of an
 * order, and the customer's tracking page and the kitchen's board say they are reconnecting,
 * reconnect by themselves, and show the order's new state, all without a reload. And the other
 * way round: the stack stays up while pages lose their network, the order moves on meanwhile, and
 * the pages show what they missed once they are back online.
 */

/** Building the apps and booting workerd, cold, on two cores. */
const START_TIMEOUT_MS = 240_000;
/** How long a page may take to show what a live socket brought it. */
const LIVE_TIMEOUT_MS = 20_000;
/** The apps back off to at most 5 s between tries; a restarted workerd is up within this. */
const RECONNECT_TIMEOUT_MS = 60_000;
const root = path.resolve(import.meta.dirname, "../..");

let stack: DemoStack;
let browser: Browser;

/** Marks the page, so a later check proves it was never reloaded or navigated away from. */
async function markLoaded(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { dizhMark: boolean }).dizhMark = true;
  });
}

async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { dizhMark?: boolean }).dizhMark === true);
}

/** A browser context with no map tiles: the test machine is offline, and the map must cope. */
async function offlineContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  await context.route(/tile\.openstreetmap\.org|\{s\}\.tile/, (route) => route.abort());
  return context;
}

/**
 * Opens an app already signed in: its refresh token goes where the app keeps it, so the app
 * resumes the session on load, exactly as after a visit the day before.
 */
async function signedInPage(
  app: "customer" | "restaurant" | "driver",
  session: Session,
  url: string,
) {
  const context = await offlineContext();
  const page = await context.newPage();
  await page.goto(`${stack.workerUrl}${app === "customer" ? "/" : `/${app}/`}`);
  await page.evaluate(
    ([key, token]) => localStorage.setItem(key!, token!),
    [`dizhtime.refresh.${app}`, session.refreshToken],
  );
  await page.goto(url);
  return { context, page };
}

const connection = (page: Page, state: "connected" | "reconnecting" | "offline") =>
  page.locator(`[data-testid="connection"][data-state="${state}"]`);

describe.skipIf(browserMissing)("the apps across a restart of the local stack", () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The Worker serves the apps from dist/apps: build them as `npm start` does.
    await promisify(execFile)(process.execPath, [path.join(root, "apps/build.ts")], { cwd: root });
    stack = await startDemoStack("resilience");
    browser = await launchChromium();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows reconnecting while the stack is down, then the order's new state, without a reload", async () => {
    const staffAccount = DEMO_STAFF.find((s) => s.restaurantSlug === ALWAYS_OPEN_SLUG)!;
    const customer = new Client(stack.workerUrl);
    const staff = new Client(stack.workerUrl);
    const email = `resilience-${Date.now()}@example.com`;
    const password = "a long enough password";
    await customer.signUp({ email, password, name: "Rhea Restart" }, stack.mailboxDir!);
    await customer.topUp(20_000);
    const staffLogin = { email: staffAccount.email, password: DEMO_PASSWORDS.restaurant };
    await staff.signIn("/api/auth/login", staffLogin);

    const dish = await alwaysOpenDish(customer);
    const placed = await placeAlwaysOpenOrder(customer, dish, `resilience-${Date.now()}`);
    expect(placed.status).toBe(201);
    const orderId = placed.body.id;

    // Each page gets a session of its own (a second sign-in), as a second device would.
    const customerSession = await new Client(stack.workerUrl).signIn("/api/auth/login", {
      email,
      password,
    });
    const staffSession = await new Client(stack.workerUrl).signIn("/api/auth/login", staffLogin);
    const tracking = await signedInPage(
      "customer",
      customerSession,
      `${stack.workerUrl}/orders/${orderId}`,
    );
    const board = await signedInPage("restaurant", staffSession, `${stack.workerUrl}/restaurant/`);
    try {
      const customerPage = tracking.page;
      const kitchenPage = board.page;
      const ticket = kitchenPage.getByRole("listitem", {
        name: new RegExp(`Order ${orderId.slice(0, 6)}`, "i"),
      });
      await customerPage
        .locator('[data-testid="order-status"][data-status="placed"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await ticket.waitFor({ timeout: LIVE_TIMEOUT_MS });
      for (const page of [customerPage, kitchenPage]) {
        await connection(page, "connected").waitFor({ timeout: LIVE_TIMEOUT_MS });
        await markLoaded(page);
      }

      // The local stack goes down: the Worker (workerd and its actors) and the bridge.
      await Promise.all([stack.stopWorker(), stack.stopBridge()]);
      for (const page of [customerPage, kitchenPage]) {
        await connection(page, "reconnecting").waitFor({ timeout: LIVE_TIMEOUT_MS });
      }
      await customerPage.screenshot({
        path: path.join(SCREENSHOTS, "resilience-customer-reconnecting.png"),
        fullPage: true,
      });
      // The order as it was stays on screen while the socket is away.
      expect(
        await customerPage.locator('[data-testid="order-status"]').getAttribute("data-status"),
      ).toBe("placed");

      // ...and comes back on the same ports with the same state.
      await stack.startBridge();
      await stack.startWorker();
      for (const page of [customerPage, kitchenPage]) {
        await connection(page, "connected").waitFor({ timeout: RECONNECT_TIMEOUT_MS });
      }

      // The order moves on after the restart; both pages follow on their reconnected sockets.
      const accepted = await staff.call<Order>(`/api/orders/${orderId}/accept`, {
        body: { prepMinutes: 10 },
      });
      expect(accepted.status).toBe(200);
      await customerPage
        .locator(
          '[data-testid="order-status"]:is([data-status="accepted"], [data-status="preparing"])',
        )
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customerPage.locator('[data-step="accepted"][data-done="true"]').waitFor();
      await kitchenPage
        .getByRole("region", { name: "In the kitchen" })
        .getByRole("listitem", { name: new RegExp(`Order ${orderId.slice(0, 6)}`, "i") })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customerPage.screenshot({
        path: path.join(SCREENSHOTS, "resilience-customer-after-restart.png"),
        fullPage: true,
      });
      await kitchenPage.screenshot({
        path: path.join(SCREENSHOTS, "resilience-board-after-restart.png"),
        fullPage: true,
      });

      // Neither page was reloaded: the mark set before the restart is still there.
      expect(await stillSamePage(customerPage)).toBe(true);
      expect(await stillSamePage(kitchenPage)).toBe(true);
    } finally {
      await tracking.context.close();
      await board.context.close();
      // The kitchen calls the order off, so no later case's courier is offered it.
      await staff.call(`/api/orders/${orderId}/cancel`, { body: { reason: "end of the test" } });
    }
  });

  it("catches up on an order accepted and an offer made while the pages were offline, without a reload", async () => {
    const staffAccount = DEMO_STAFF.find((s) => s.restaurantSlug === ALWAYS_OPEN_SLUG)!;
    const staffLogin = { email: staffAccount.email, password: DEMO_PASSWORDS.restaurant };
    const courierLogin = { email: DEMO_DRIVERS[1]!.email, password: DEMO_PASSWORDS.driver };
    const customer = new Client(stack.workerUrl);
    const staff = new Client(stack.workerUrl);
    const courier = new Client(stack.workerUrl);
    const email = `offline-${Date.now()}@example.com`;
    const password = "a long enough password";
    await customer.signUp({ email, password, name: "Olive Offline" }, stack.mailboxDir!);
    await customer.topUp(20_000);
    await staff.signIn("/api/auth/login", staffLogin);
    await courier.signIn("/api/auth/login", courierLogin);
    const { restaurant, item } = await alwaysOpenDish(customer);

    // The courier is online a block from the diner, the only courier in the city.
    const online = await courier.call("/api/drivers/me/commands", {
      body: { type: "go_online", commandId: `online-${Date.now()}` },
    });
    expect(online.status).toBe(200);
    const nearDiner = { lat: restaurant.location.lat - 0.001, lng: restaurant.location.lng };
    const fixed = await courier.call("/api/drivers/me/fixes", {
      body: { fix: { ...nearDiner, accuracyM: 5, at: Date.now() } },
    });
    expect(fixed.status).toBeLessThan(300);

    const placed = await customer.call<Order>("/api/orders", {
      body: {
        restaurantId: restaurant.id,
        items: [{ itemId: item.id, quantity: 1, modifiers: [] }],
        deliveryAddress: {
          lat: restaurant.location.lat + 0.004,
          lng: restaurant.location.lng,
          text: "1601 Guadalupe St, Austin, TX",
        },
        idempotencyKey: `offline-${Date.now()}`,
      },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id;

    const tracking = await signedInPage(
      "customer",
      await new Client(stack.workerUrl).signIn("/api/auth/login", { email, password }),
      `${stack.workerUrl}/orders/${orderId}`,
    );
    const work = await signedInPage(
      "driver",
      await new Client(stack.workerUrl).signIn("/api/auth/login", courierLogin),
      `${stack.workerUrl}/driver/`,
    );
    try {
      const customerPage = tracking.page;
      const courierPage = work.page;
      await customerPage
        .locator('[data-testid="order-status"][data-status="placed"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await courierPage
        .getByRole("heading", { name: "You're online" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await courierPage.getByText("Waiting for an offer").waitFor();
      for (const page of [customerPage, courierPage]) {
        await connection(page, "connected").waitFor({ timeout: LIVE_TIMEOUT_MS });
        await markLoaded(page);
      }

      // Both devices lose their network; the pages say so at once.
      await tracking.context.setOffline(true);
      await work.context.setOffline(true);
      for (const page of [customerPage, courierPage]) {
        await connection(page, "offline").waitFor({ timeout: LIVE_TIMEOUT_MS });
      }

      // Meanwhile the kitchen accepts, and dispatch offers the order to the courier.
      const accepted = await staff.call<Order>(`/api/orders/${orderId}/accept`, {
        body: { prepMinutes: 1 },
      });
      expect(accepted.status).toBe(200);
      await expect
        .poll(
          async () =>
            (await courier.call<DriverState>("/api/drivers/me")).body.offer?.orderIds ?? [],
          { timeout: LIVE_TIMEOUT_MS, interval: 250 },
        )
        .toContain(orderId);
      // Nothing reached the offline pages.
      expect(
        await customerPage.locator('[data-testid="order-status"]').getAttribute("data-status"),
      ).toBe("placed");
      expect(await courierPage.getByTestId("offer").count()).toBe(0);
      await customerPage.screenshot({
        path: path.join(SCREENSHOTS, "resilience-customer-offline.png"),
        fullPage: true,
      });

      // Back online: each page reconnects and shows what it missed, from the actor's snapshot.
      await tracking.context.setOffline(false);
      await work.context.setOffline(false);
      await customerPage
        .locator(
          '[data-testid="order-status"]:is([data-status="accepted"], [data-status="preparing"])',
        )
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customerPage.locator('[data-step="accepted"][data-done="true"]').waitFor();
      const offer = courierPage.getByTestId("offer");
      await offer.waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await offer.textContent()).toContain("Deliver to Olive");
      for (const page of [customerPage, courierPage]) {
        await connection(page, "connected").waitFor({ timeout: LIVE_TIMEOUT_MS });
      }
      await courierPage.screenshot({
        path: path.join(SCREENSHOTS, "resilience-driver-back-online.png"),
        fullPage: true,
      });

      expect(await stillSamePage(customerPage)).toBe(true);
      expect(await stillSamePage(courierPage)).toBe(true);
    } finally {
      await tracking.context.close();
      await work.context.close();
      await courier.call("/api/drivers/me/commands", {
        body: { type: "go_offline", commandId: `offline-${Date.now()}` },
      });
    }
  });
});
