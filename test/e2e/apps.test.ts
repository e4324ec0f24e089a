import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN_SLUG,
  DEMO_ADMIN,
  DEMO_DRIVERS,
  DEMO_PASSWORDS,
  DEMO_RESTAURANTS,
  DEMO_STAFF,
} from "../../infra/demo/city.ts";
import type { RestaurantSummary, RestaurantWithMenu } from "../../schema/catalog.ts";
import { browserMissing, launchChromium, SCREENSHOTS } from "./browser.ts";
import { Client } from "./client.ts";
import { type NpmStart, npmStart } from "./npm-start.ts";

/** `npm start` builds the apps, seeds, migrates and boots workerd; cold, on two cores. */
const START_TIMEOUT_MS = 240_000;
/** How long a page may take to show what a live socket brought it. */
const LIVE_TIMEOUT_MS = 20_000;
let stack: NpmStart;
let baseUrl: string;
let browser: Browser;

/** A browser context with no map tiles: the test machine is offline, and the map must cope. */
async function offlineContext(
  options: Parameters<Browser["newContext"]>[0],
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route(/tile\.openstreetmap\.org|\{s\}\.tile/, (route) => route.abort());
  return context;
}

/** A full-page screenshot; `hideToasts` leaves out passing notices that would cover the page. */
async function screenshot(page: Page, name: string, hideToasts = false): Promise<void> {
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    ...(hideToasts ? { style: ".ui-toasts { display: none; }" } : {}),
  });
}

/** Marks the page, so a later check proves it was never reloaded or navigated away from. */
async function markLoaded(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { dizhMark: boolean }).dizhMark = true;
  });
}

async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { dizhMark?: boolean }).dizhMark === true);
}

type LatLng = { lat: number; lng: number };

const cents = (text: string) => Math.round(Number(text.replace(/[$,]/g, "")) * 100);
const dollars = (amount: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount / 100);

/** The screen position Leaflet gives a marker: it changes exactly when the marker moves. */
async function markerTransform(page: Page, title: string): Promise<string> {
  return page
    .locator(`.leaflet-marker-icon[title="${title}"]`)
    .evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
}

/**
 * Walks the courier's phone from `from` to `to` in `steps` GPS updates. After each, waits for the
 * customer's map to move the courier's marker: the fix went phone -> DriverActor -> OrderActor ->
 * customer socket, live.
 */
async function walk(
  courier: BrowserContext,
  customer: Page,
  from: LatLng,
  to: LatLng,
  steps: number,
) {
  for (let i = 1; i <= steps; i++) {
    const before = await markerTransform(customer, "Your courier");
    const t = i / steps;
    await courier.setGeolocation({
      latitude: from.lat + (to.lat - from.lat) * t,
      longitude: from.lng + (to.lng - from.lng) * t,
      accuracy: 5,
    });
    await expect
      .poll(() => markerTransform(customer, "Your courier"), { timeout: LIVE_TIMEOUT_MS })
      .not.toBe(before);
  }
}

describe.skipIf(browserMissing)("the apps in a browser", () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await npmStart([], START_TIMEOUT_MS);
    baseUrl = stack.baseUrl;
    browser = await launchChromium();
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("prints the apps' URLs", () => {
    const text = stack.output.join("\n");
    expect(text).toMatch(/Customer app\s+http\S+\//);
    expect(text).toMatch(/Restaurant app\s+http\S+\/restaurant\//);
    expect(text).toMatch(/Courier app\s+http\S+\/driver\//);
    expect(text).toMatch(/Admin app\s+http\S+\/admin\//);
  });

  it("takes an order from sign-up through the kitchen and the courier to the door, live, without a reload", async () => {
    const restaurantName = DEMO_RESTAURANTS.find((r) => r.slug === ALWAYS_OPEN_SLUG)!.name;
    const staff = DEMO_STAFF.find((s) => s.restaurantSlug === ALWAYS_OPEN_SLUG)!;
    // What to order: an available item with no required choices, found the way the app finds it.
    const probe = new Client(baseUrl);
    const nearby = await probe.call<{ restaurants: RestaurantSummary[] }>(
      "/api/restaurants?lat=30.2672&lng=-97.7431&radiusM=10000",
    );
    const summary = nearby.body.restaurants.find((r) => r.slug === ALWAYS_OPEN_SLUG)!;
    const menu = (await probe.call<RestaurantWithMenu>(`/api/restaurants/${summary.id}`)).body;
    const item = menu.menu
      .flatMap((c) => c.items)
      .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0))!;

    const courierAccount = DEMO_DRIVERS[0]!;
    // The courier starts about 250 m south of the diner, with the phone's GPS.
    const courierStart = { lat: summary.location.lat - 0.00225, lng: summary.location.lng };

    const customerContext = await offlineContext({ viewport: { width: 390, height: 844 } });
    const kitchenContext = await offlineContext({ viewport: { width: 1280, height: 900 } });
    const adminContext = await offlineContext({ viewport: { width: 1280, height: 900 } });
    const courierContext = await offlineContext({
      viewport: { width: 390, height: 844 },
      geolocation: { latitude: courierStart.lat, longitude: courierStart.lng, accuracy: 5 },
      permissions: ["geolocation"],
    });
    try {
      const customer = await customerContext.newPage();
      const kitchen = await kitchenContext.newPage();
      const courier = await courierContext.newPage();
      const admin = await adminContext.newPage();

      // The kitchen signs in and watches its board.
      await kitchen.goto(`${baseUrl}/restaurant/`);
      await kitchen.getByLabel("Email").fill(staff.email);
      await kitchen.getByLabel("Password").fill(DEMO_PASSWORDS.restaurant);
      await kitchen.getByRole("button", { name: "Sign in" }).click();
      await kitchen.getByRole("heading", { name: "Tickets", exact: true }).waitFor();
      await kitchen
        .locator('[data-testid="connection"][data-state="connected"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await markLoaded(kitchen);

      // A courier goes online nearby, reporting the phone's position.
      await courier.goto(`${baseUrl}/driver/`);
      await courier.getByLabel("Email").fill(courierAccount.email);
      await courier.getByLabel("Password").fill(DEMO_PASSWORDS.driver);
      await courier.getByRole("button", { name: "Sign in" }).click();
      await courier
        .getByRole("heading", { name: "You're offline" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await courier.getByRole("button", { name: "This phone's GPS" }).click();
      await courier.getByRole("button", { name: "Go online" }).click();
      await courier
        .getByRole("heading", { name: "You're online" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await markLoaded(courier);

      // An admin watches the city: every zone live, the idle courier on the map.
      await admin.goto(`${baseUrl}/admin/`);
      await admin.getByLabel("Email").fill(DEMO_ADMIN.email);
      await admin.getByLabel("Password").fill(DEMO_PASSWORDS.admin);
      await admin.getByRole("button", { name: "Sign in" }).click();
      await admin
        .getByRole("heading", { name: "The city, live" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await admin
        .locator('[data-testid="connection"][data-state="connected"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await admin.locator(".leaflet-marker-icon").first().waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await admin.locator("path.leaflet-interactive").count()).toBeGreaterThan(0);
      await screenshot(admin, "admin-city");

      // A new customer signs up...
      await customer.goto(`${baseUrl}/`);
      await customer.getByRole("button", { name: "Create an account" }).click();
      await customer.getByLabel("Name").fill("Playwright Pat");
      await customer.getByLabel("Email").fill(`apps-${Date.now()}@example.com`);
      await customer.getByLabel("Password").fill("a long enough password");
      await customer.getByRole("button", { name: "Create account" }).click();
      await customer.getByRole("heading", { name: "What are you hungry for?" }).waitFor();
      await customer.getByRole("link", { name: restaurantName }).waitFor();
      await screenshot(customer, "customer-discover");

      // ...tops up the wallet with the simulated card...
      await customer.getByRole("link", { name: "Wallet" }).click();
      await customer.getByRole("button", { name: "$100.00", exact: true }).click();
      await customer.getByRole("button", { name: "Add $100.00" }).click();
      await expect
        .poll(() => customer.getByTestId("balance").textContent(), { timeout: LIVE_TIMEOUT_MS })
        .toBe("$100.00");
      await screenshot(customer, "customer-wallet");

      // ...picks a dish at the always-open diner, checks the server's total, and orders.
      await customer.getByRole("link", { name: "Discover" }).click();
      await customer.getByRole("link", { name: restaurantName }).click();
      await customer
        .getByRole("button", { name: `Add ${item.name}`, exact: true })
        .first()
        .click();
      if (item.modifierGroups.length > 0) {
        // Its optional choices open in a dialog; none is required, so it adds as it is.
        await customer.getByRole("dialog").waitFor();
        await screenshot(customer, "customer-modifiers");
        await customer.getByRole("button", { name: "Add to cart", exact: true }).click();
        await customer.getByRole("dialog").waitFor({ state: "hidden" });
      }
      await screenshot(customer, "customer-restaurant");
      await customer.getByRole("link", { name: /^Cart/ }).click();
      await customer.getByTestId("total").waitFor({ timeout: LIVE_TIMEOUT_MS });
      const totalText = (await customer.getByTestId("total").textContent())!;
      await screenshot(customer, "customer-cart");
      await customer.getByRole("button", { name: /^Place order/ }).click();
      await customer.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: LIVE_TIMEOUT_MS });
      const orderId = customer.url().split("/").pop()!;
      await customer
        .locator('[data-testid="order-status"][data-status="placed"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customer
        .locator('[data-testid="connection"][data-state="connected"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await markLoaded(customer);

      // The ticket rings on the board, highlighted, with no reload.
      const ticket = kitchen.getByRole("listitem", {
        name: new RegExp(`Order ${orderId.slice(0, 6)}`, "i"),
      });
      await ticket.waitFor({ timeout: LIVE_TIMEOUT_MS });
      await ticket.getByText("New", { exact: true }).waitFor();
      expect(await ticket.textContent()).toContain(item.name);
      await screenshot(kitchen, "restaurant-board-new-ticket");

      // Staff accept with a prep time; the customer's page follows, with no reload either.
      // One minute of prep: dispatch sends couriers just in time, so a short prep offers at once.
      await ticket.getByLabel("Prep minutes").fill("1");
      await ticket.getByRole("button", { name: "Accept" }).click();
      await customer
        .locator(
          '[data-testid="order-status"]:is([data-status="accepted"], [data-status="preparing"])',
        )
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customer.locator('[data-step="accepted"][data-done="true"]').waitFor();
      expect(await customer.getByTestId("delivery-code").textContent()).toMatch(/^\d{4}$/);
      // The map draws its markers even though no tile could load.
      await customer.locator(".leaflet-marker-icon").nth(1).waitFor();
      await screenshot(customer, "customer-tracking", true);
      await screenshot(kitchen, "restaurant-board-accepted");

      // Dispatch offers the order to the courier, who takes it.
      const offer = courier.getByTestId("offer");
      await offer.waitFor({ timeout: 30_000 });
      await screenshot(courier, "driver-offer");
      await offer.getByRole("button", { name: "Accept" }).click();
      await courier
        .getByRole("heading", { name: "Head to the restaurant" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });

      // The courier drives to the diner; the customer's map follows the marker.
      await customer
        .locator('.leaflet-marker-icon[title="Your courier"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      // About 31 m a step, a fix a second: a plausible drive (the actor refuses jumps over 45 m/s).
      await walk(courierContext, customer, courierStart, summary.location, 8);
      await screenshot(customer, "customer-tracking-courier", true);
      await screenshot(courier, "driver-navigation");
      // The arrival is refused until the actor has a fix inside the geofence: ask until it holds.
      await expect
        .poll(
          async () => {
            const arrive = courier.getByRole("button", { name: "I'm at the restaurant" });
            if (await arrive.isVisible()) await arrive.click();
            return courier.getByRole("heading", { name: "At the restaurant" }).isVisible();
          },
          { timeout: LIVE_TIMEOUT_MS, interval: 1_000 },
        )
        .toBe(true);

      // The kitchen hands the food over; the courier picks it up and drives to the door.
      await ticket.getByRole("button", { name: "Mark ready" }).click();
      await courier.getByRole("button", { name: "Picked up" }).click({ timeout: LIVE_TIMEOUT_MS });
      await courier
        .getByRole("heading", { name: "Head to the customer" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customer
        .locator('[data-testid="order-status"][data-status="picked_up"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      // No geofence at the door (addresses are approximate): the courier says they are there.
      await courier.getByRole("button", { name: "I'm at the door" }).click();
      await courier
        .getByRole("heading", { name: "At the door" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });

      // The customer's code completes the delivery.
      const code = (await customer.getByTestId("delivery-code").textContent())!;
      await courier.getByLabel("Customer's code").fill(code);
      await courier.getByRole("button", { name: "Delivered" }).click();
      await customer
        .locator('[data-testid="order-status"][data-status="delivered"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await screenshot(customer, "customer-delivered", true);

      // The admin finds the order, reads its timeline and refunds a dollar.
      await admin.getByRole("link", { name: "Orders", exact: true }).click();
      await admin.getByLabel("Order id").fill(orderId);
      await admin.getByRole("button", { name: "Look up" }).click();
      await admin.getByRole("heading", { name: "Timeline" }).waitFor({ timeout: LIVE_TIMEOUT_MS });
      await admin.getByLabel("Amount ($)").fill("1.00");
      await admin.getByLabel("Reason").fill("the fries were cold");
      await admin.getByRole("button", { name: "Refund to the customer's wallet" }).click();
      await admin.getByText(/· refunded \$1\.00/).waitFor({ timeout: LIVE_TIMEOUT_MS });
      await screenshot(admin, "admin-order", true);

      // The wallet paid the total, less the refund; the courier's earnings show the delivery.
      await customer.getByRole("link", { name: "Wallet" }).click();
      await expect
        .poll(() => customer.getByTestId("balance").textContent(), { timeout: LIVE_TIMEOUT_MS })
        .toBe(dollars(10_000 - cents(totalText) + 100));
      await expect
        .poll(
          async () => {
            await courier.getByRole("link", { name: "Work" }).click();
            await courier.getByRole("link", { name: "Earnings" }).click();
            return cents((await courier.getByTestId("earned").textContent()) ?? "$0.00");
          },
          { timeout: LIVE_TIMEOUT_MS, interval: 1_000 },
        )
        .toBeGreaterThan(0);
      await screenshot(courier, "driver-earnings");

      await kitchen.getByRole("link", { name: "Menu", exact: true }).click();
      await kitchen.getByRole("heading", { name: "Menu", exact: true }).waitFor();
      await screenshot(kitchen, "restaurant-menu");

      expect(await stillSamePage(customer)).toBe(true);
      expect(await stillSamePage(kitchen)).toBe(true);
      expect(await stillSamePage(courier)).toBe(true);
    } finally {
      await customerContext.close();
      await kitchenContext.close();
      await courierContext.close();
      await adminContext.close();
    }
  });
});
