import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
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
import type { Order } from "../../schema/orders.ts";
import { awaitMail } from "../mailbox.ts";
import {
  accessibilityViolations,
  browserMissing,
  focusIsVisible,
  launchChromium,
  SCREENSHOTS,
  tabTo,
} from "./browser.ts";
import { Client, DEMO_LOGINS } from "./client.ts";
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

/** Asserts axe-core finds no serious or critical accessibility violation on the page as it is. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  expect(await accessibilityViolations(page), `accessibility of ${where}`).toEqual([]);
}

/** Moves the keyboard focus to `target` with Tab alone, and checks the focus can be seen there. */
async function keyboardTo(
  page: Page,
  target: Locator,
  { backwards = false, fromTop = false }: { backwards?: boolean; fromTop?: boolean } = {},
): Promise<void> {
  await tabTo(page, target, { backwards, fromTop });
  expect(await focusIsVisible(page)).toBe(true);
}

type LatLng = { lat: number; lng: number };

const cents = (text: string) => Math.round(Number(text.replace(/[$,]/g, "")) * 100);
const dollars = (amount: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount / 100);

/** The courier's last fix as the customer's page has it, or null before the first. */
async function courierFix(page: Page): Promise<LatLng | null> {
  const fix = page.getByTestId("courier-fix");
  const [lat, lng] = [await fix.getAttribute("data-lat"), await fix.getAttribute("data-lng")];
  return lat && lng ? { lat: Number(lat), lng: Number(lng) } : null;
}

/** Within a centimetre or so: the same fix, whatever its trip through JSON did to the digits. */
const samePlace = (a: LatLng | null, b: LatLng) =>
  a !== null && Math.abs(a.lat - b.lat) < 1e-7 && Math.abs(a.lng - b.lng) < 1e-7;

/** The screen position Leaflet gives a marker: it changes exactly when the marker moves. */
async function markerTransform(page: Page, title: string): Promise<string> {
  return page
    .locator(`.leaflet-marker-icon[title="${title}"]`)
    .evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
}

/**
 * Walks the courier's phone from `from` to `to` in `steps` GPS updates. After each, waits for the
 * customer's page to have that very fix and its map to move the courier's marker: the fix went
 * phone -> DriverActor -> OrderActor -> customer socket, live. Waiting for the fix itself (not
 * just any movement: the marker glides for a second after every fix) keeps the walk to one step
 * per fix, a pace the actor's speed check accepts.
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
    const step = {
      lat: from.lat + (to.lat - from.lat) * t,
      lng: from.lng + (to.lng - from.lng) * t,
    };
    await courier.setGeolocation({ latitude: step.lat, longitude: step.lng, accuracy: 5 });
    await expect
      .poll(async () => samePlace(await courierFix(customer), step), { timeout: LIVE_TIMEOUT_MS })
      .toBe(true);
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
    // The customer is at home about 450 m north of it, and shares where that is.
    const home = { lat: summary.location.lat + 0.004, lng: summary.location.lng };

    const customerContext = await offlineContext({
      viewport: { width: 390, height: 844 },
      geolocation: { latitude: home.lat, longitude: home.lng, accuracy: 10 },
      permissions: ["geolocation"],
    });
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
      await kitchen.getByRole("button", { name: "Sign in" }).waitFor();
      await expectAccessible(kitchen, "kitchen sign-in");
      await kitchen.getByLabel("Email").fill(staff.email);
      await kitchen.getByLabel("Password").fill(DEMO_PASSWORDS.restaurant);
      await kitchen.getByRole("button", { name: "Sign in" }).click();
      await kitchen.getByRole("heading", { name: "Tickets", exact: true }).waitFor();
      await kitchen
        .locator('[data-testid="connection"][data-state="connected"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await markLoaded(kitchen);
      await expectAccessible(kitchen, "kitchen board");

      // A courier goes online nearby, reporting the phone's position.
      await courier.goto(`${baseUrl}/driver/`);
      await courier.getByRole("button", { name: "Sign in" }).waitFor();
      await expectAccessible(courier, "courier sign-in");
      await courier.getByLabel("Email").fill(courierAccount.email);
      await courier.getByLabel("Password").fill(DEMO_PASSWORDS.driver);
      await courier.getByRole("button", { name: "Sign in" }).click();
      await courier
        .getByRole("heading", { name: "You're offline" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await expectAccessible(courier, "courier, offline");
      // By keyboard: the position source, then online.
      const phoneGps = courier.getByRole("button", { name: "This phone's GPS" });
      await keyboardTo(courier, phoneGps);
      await courier.keyboard.press("Space");
      expect(await phoneGps.getAttribute("aria-pressed")).toBe("true");
      // Going online comes first on the page: back up to it.
      await keyboardTo(courier, courier.getByRole("button", { name: "Go online" }), {
        backwards: true,
      });
      await courier.keyboard.press("Enter");
      await courier
        .getByRole("heading", { name: "You're online" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await markLoaded(courier);
      await expectAccessible(courier, "courier, online");

      // An admin watches the city: every zone live, the idle courier on the map.
      await admin.goto(`${baseUrl}/admin/`);
      await admin.getByRole("button", { name: "Sign in" }).waitFor();
      await expectAccessible(admin, "admin sign-in");
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
      // The zones' dispatch alerts are in plain sight (none yet), above the active orders.
      await admin.getByTestId("dispatch-alerts").waitFor();
      await admin.getByTestId("active-orders").waitFor({ timeout: LIVE_TIMEOUT_MS });
      await screenshot(admin, "admin-city");
      await expectAccessible(admin, "admin city map");

      // A new customer signs up...
      await customer.goto(`${baseUrl}/`);
      await customer.getByRole("button", { name: "Create an account" }).waitFor();
      // The first Tab lands on the skip link, which shows itself when focused.
      await customer.keyboard.press("Tab");
      expect(
        await customer.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { textContent: string } } })
              .document.activeElement.textContent,
        ),
      ).toBe("Skip to content");
      expect(await focusIsVisible(customer)).toBe(true);
      await expectAccessible(customer, "customer sign-in");
      await customer.getByRole("button", { name: "Create an account" }).click();
      const email = `apps-${Date.now()}@example.com`;
      await customer.getByLabel("Name").fill("Playwright Pat");
      await customer.getByLabel("Email").fill(email);
      await customer.getByLabel("Password").fill("a long enough password");
      await customer.getByRole("button", { name: "Create account" }).click();
      // ...is asked to confirm the address, and follows the link mailed to it.
      await customer.getByRole("heading", { name: "Check your email" }).waitFor();
      await customer.getByText(email).waitFor();
      await expectAccessible(customer, "customer check your email");
      const mail = await awaitMail(stack.mailboxDir, email, /Confirm your email/);
      await customer.goto(mail.link);
      await customer.getByRole("heading", { name: "What are you hungry for?" }).waitFor();
      // The spent token is gone from the address bar.
      expect(customer.url()).toBe(`${baseUrl}/`);
      await customer.getByRole("link", { name: restaurantName }).waitFor();
      // "Near me": the places around the customer's shared location, which checkout uses too.
      await customer.getByRole("button", { name: "Near me" }).click();
      await customer.getByText("Showing places near you").waitFor({ timeout: LIVE_TIMEOUT_MS });
      await customer.getByRole("link", { name: restaurantName }).waitFor();
      await screenshot(customer, "customer-discover");
      await expectAccessible(customer, "customer discover");

      // ...tops up the wallet by keyboard alone: the amount, then the button that pays.
      await customer.getByRole("link", { name: "Wallet" }).click();
      const hundred = customer.getByRole("button", { name: "$100.00", exact: true });
      await keyboardTo(customer, hundred);
      await customer.keyboard.press("Space");
      expect(await hundred.getAttribute("aria-pressed")).toBe("true");
      await keyboardTo(customer, customer.getByRole("button", { name: "Add $100.00" }));
      await customer.keyboard.press("Enter");
      await expect
        .poll(() => customer.getByTestId("balance").textContent(), { timeout: LIVE_TIMEOUT_MS })
        .toBe("$100.00");
      await screenshot(customer, "customer-wallet");
      await expectAccessible(customer, "customer wallet");

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
      await expectAccessible(customer, "customer restaurant");
      await customer.getByRole("link", { name: /^Cart/ }).click();
      // Checkout sends the located point, with the customer's words for the courier.
      await customer.locator('[data-testid="delivery-spot"][data-source="located"]').waitFor();
      await customer.getByText("Delivering to your location").waitFor();
      await customer.getByLabel("Deliver to").fill("Flat 2, 1601 Guadalupe St");
      await customer.getByTestId("total").waitFor({ timeout: LIVE_TIMEOUT_MS });
      // The quote for this address (the total waits for the debounced re-pricing to settle).
      await expect
        .poll(() => customer.getByRole("button", { name: /^Place order · / }).isEnabled(), {
          timeout: LIVE_TIMEOUT_MS,
        })
        .toBe(true);
      const totalText = (await customer.getByTestId("total").textContent())!;
      await screenshot(customer, "customer-cart");
      await expectAccessible(customer, "customer cart");
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
      const staffView = new Client(baseUrl);
      await staffView.signIn("/api/auth/login", DEMO_LOGINS.admin);
      const order = (await staffView.call<Order>(`/api/orders/${orderId}`)).body;
      expect(order.deliveryAddress).toMatchObject({ ...home, text: "Flat 2, 1601 Guadalupe St" });

      // The admin's city map shows the new order, waiting for the kitchen, without a reload.
      await admin
        .locator(`[data-testid="active-order"][data-order="${orderId}"][data-phase="placed"]`)
        .waitFor({ timeout: LIVE_TIMEOUT_MS });

      // The ticket rings on the board, highlighted, with no reload.
      const ticket = kitchen.getByRole("listitem", {
        name: new RegExp(`Order ${orderId.slice(0, 6)}`, "i"),
      });
      await ticket.waitFor({ timeout: LIVE_TIMEOUT_MS });
      await ticket.getByText("New", { exact: true }).waitFor();
      expect(await ticket.textContent()).toContain(item.name);
      await screenshot(kitchen, "restaurant-board-new-ticket");
      await expectAccessible(kitchen, "kitchen board with a new ticket");

      // Staff accept with a prep time, by keyboard; the customer's page follows, with no reload
      // either. One minute of prep: dispatch sends couriers just in time, so it offers at once.
      await keyboardTo(kitchen, ticket.getByLabel("Prep minutes"));
      await kitchen.keyboard.press("ControlOrMeta+A");
      await kitchen.keyboard.type("1");
      await kitchen.keyboard.press("Tab");
      expect(
        await ticket
          .getByRole("button", { name: "Accept" })
          .evaluate(
            (el) =>
              el ===
              (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
                .activeElement,
          ),
      ).toBe(true);
      await kitchen.keyboard.press("Enter");
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
      await expectAccessible(customer, "customer tracking");

      // Dispatch offers the order to the courier, who takes it.
      const offer = courier.getByTestId("offer");
      await offer.waitFor({ timeout: 30_000 });
      await screenshot(courier, "driver-offer");
      await expectAccessible(courier, "courier offer");
      await keyboardTo(courier, offer.getByRole("button", { name: "Accept" }));
      await courier.keyboard.press("Enter");
      await courier
        .getByRole("heading", { name: "Head to the restaurant" })
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      // On the admin's map the order now has a courier on the way to the restaurant.
      await admin
        .locator(`[data-testid="active-order"][data-order="${orderId}"][data-phase="with_courier"]`)
        .waitFor({ timeout: LIVE_TIMEOUT_MS });

      // The courier drives to the diner; the customer's map follows the marker.
      await customer
        .locator('.leaflet-marker-icon[title="Your courier"]')
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      // About 31 m a step, a fix a second: a plausible drive (the actor refuses jumps over 45 m/s).
      await walk(courierContext, customer, courierStart, summary.location, 8);
      await screenshot(customer, "customer-tracking-courier", true);
      await screenshot(courier, "driver-navigation");
      await screenshot(admin, "admin-city-live");
      await expectAccessible(courier, "courier navigation");
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
      await expectAccessible(customer, "customer delivered, with the rating");

      // The admin finds the order (the menu by keyboard), reads its timeline, refunds a dollar.
      await keyboardTo(admin, admin.getByRole("link", { name: "Orders", exact: true }), {
        fromTop: true,
      });
      await admin.keyboard.press("Enter");
      await admin.getByLabel("Order id").fill(orderId);
      await admin.getByLabel("Order id").press("Enter");
      await admin.getByRole("heading", { name: "Timeline" }).waitFor({ timeout: LIVE_TIMEOUT_MS });
      await expectAccessible(admin, "admin order lookup");
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
      await expectAccessible(courier, "courier earnings");

      await kitchen.getByRole("link", { name: "Menu", exact: true }).click();
      await kitchen.getByRole("heading", { name: "Menu", exact: true }).waitFor();
      await screenshot(kitchen, "restaurant-menu");
      await expectAccessible(kitchen, "kitchen menu");
      await kitchen.getByRole("link", { name: "Today", exact: true }).click();
      await kitchen.getByRole("heading", { name: "Today", exact: true }).waitFor();
      await expectAccessible(kitchen, "kitchen today");

      await admin.getByRole("link", { name: "Analytics", exact: true }).click();
      await admin.getByRole("heading", { name: "Analytics", exact: true }).waitFor();
      await expectAccessible(admin, "admin analytics");
      await admin.getByRole("link", { name: "Manage", exact: true }).click();
      await admin.getByRole("heading", { name: "Manage", exact: true }).waitFor();
      await admin.getByRole("table").first().waitFor({ timeout: LIVE_TIMEOUT_MS });
      await expectAccessible(admin, "admin manage");

      // The System page: the platform's health from the metrics the bridge serves, this journey's
      // requests among them (each isolate ships its sums every 10 s; the page reads every 5 s).
      await admin.getByRole("link", { name: "System", exact: true }).click();
      await admin.getByRole("heading", { name: "System", exact: true }).waitFor();
      await admin.getByText("up", { exact: true }).waitFor({ timeout: LIVE_TIMEOUT_MS });
      await admin
        .getByLabel("Busiest routes")
        .getByRole("cell", { name: /^\/api\// })
        .first()
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await admin.getByRole("heading", { name: "Outboxes" }).waitFor();
      await screenshot(admin, "admin-system");
      await expectAccessible(admin, "admin system");

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
