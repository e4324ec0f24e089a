import { beforeAll, describe, expect, it } from "vitest";
import type { RestaurantSummary, RestaurantWithMenu } from "../../schema/catalog.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { KitchenState } from "../../schema/sockets.ts";
import { api, HERE, kitchen, signUp, type TestKitchen } from "../../test/edge-fixtures.ts";

let k: TestKitchen;
let far: TestKitchen;
beforeAll(async () => {
  [k, far] = await Promise.all([kitchen(), kitchen({ location: { lat: 30.3905, lng: -97.7267 } })]);
});

describe("browsing the catalog", () => {
  it("lists restaurants near a point, nearest first, with their distance", async () => {
    const reply = await api<{ restaurants: RestaurantSummary[] }>(
      `/api/restaurants?lat=${HERE.lat}&lng=${HERE.lng}&radiusM=3000&limit=100`,
    );
    expect(reply.status).toBe(200);
    const ids = reply.body.restaurants.map((r) => r.id);
    expect(ids).toContain(k.restaurantId);
    expect(ids).not.toContain(far.restaurantId);
    const distances = reply.body.restaurants.map((r) => r.distanceM ?? 0);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d) => d <= 3000)).toBe(true);
  });

  it("finds the far one with a wider radius", async () => {
    const reply = await api<{ restaurants: RestaurantSummary[] }>(
      `/api/restaurants?lat=${HERE.lat}&lng=${HERE.lng}&radiusM=20000&limit=100`,
    );
    expect(reply.body.restaurants.map((r) => r.id)).toContain(far.restaurantId);
  });

  it("shows one restaurant with its menu, modifiers and availability", async () => {
    const reply = await api<RestaurantWithMenu>(`/api/restaurants/${k.restaurantId}`);
    expect(reply.status).toBe(200);
    expect(reply.body.openNow).toBe(true);
    const items = reply.body.menu.flatMap((c) => c.items);
    expect(items.map((i) => [i.name, i.priceCents, i.available])).toEqual([
      ["Classic Burger", 1099, true],
      ["Fries", 399, true],
      ["Seasonal Shake", 599, false],
    ]);
    expect(items[0]?.modifierGroups.map((g) => [g.name, g.minChoices, g.maxChoices])).toEqual([
      ["Patty", 1, 1],
      ["Extras", 0, 3],
    ]);
  });

  it("answers If-None-Match with 304 until the menu changes", async () => {
    const first = await api(`/api/restaurants/${k.restaurantId}`);
    const tag = first.headers.get("etag");
    expect(tag).toBeTruthy();
    const again = await api(`/api/restaurants/${k.restaurantId}`, {
      headers: { "if-none-match": tag! },
    });
    expect(again.status).toBe(304);
    await api(`/api/restaurants/${k.restaurantId}/menu/items/${k.friesId}`, {
      method: "PATCH",
      token: k.staff.accessToken,
      body: { priceCents: 449 },
    });
    const changed = await api(`/api/restaurants/${k.restaurantId}`, {
      headers: { "if-none-match": tag! },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
  });

  it("answers 404 for a restaurant that does not exist and 400 for a malformed id", async () => {
    expect((await api<ErrorBody>(`/api/restaurants/${crypto.randomUUID()}`)).body.error.code).toBe(
      "restaurant.not_found",
    );
    expect((await api<ErrorBody>("/api/restaurants/not-an-id")).status).toBe(400);
  });

  it("refuses a query without a point", async () => {
    const reply = await api<ErrorBody>("/api/restaurants?lat=30.2");
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("request.invalid");
  });
});

describe("staff manage their own menu", () => {
  it("adds an item with modifier groups that customers then see", async () => {
    const own = await kitchen();
    const category = await api<{ id: string }>(
      `/api/restaurants/${own.restaurantId}/menu/categories`,
      {
        token: own.staff.accessToken,
        body: { name: "Tacos", position: 1 },
      },
    );
    expect(category.status).toBe(201);
    const item = await api<{ id: string }>(`/api/restaurants/${own.restaurantId}/menu/items`, {
      token: own.staff.accessToken,
      body: {
        categoryId: category.body.id,
        name: "Al Pastor Taco",
        priceCents: 375,
        dietaryTags: ["dairy_free"],
        modifierGroups: [
          {
            name: "Salsa",
            minChoices: 1,
            maxChoices: 2,
            options: [{ name: "Verde" }, { name: "Roja" }, { name: "Habanero", priceCents: 50 }],
          },
        ],
      },
    });
    expect(item.status).toBe(201);
    const menu = await api<RestaurantWithMenu>(`/api/restaurants/${own.restaurantId}`);
    const taco = menu.body.menu.flatMap((c) => c.items).find((i) => i.id === item.body.id);
    expect(taco?.modifierGroups[0]?.options.map((o) => [o.name, o.priceCents])).toEqual([
      ["Verde", 0],
      ["Roja", 0],
      ["Habanero", 50],
    ]);
  });

  it("refuses a modifier group whose minimum exceeds its maximum", async () => {
    const reply = await api<ErrorBody>(`/api/restaurants/${k.restaurantId}/menu/items`, {
      token: k.staff.accessToken,
      body: {
        categoryId: crypto.randomUUID(),
        name: "Broken",
        priceCents: 100,
        modifierGroups: [{ name: "G", minChoices: 3, maxChoices: 1, options: [{ name: "a" }] }],
      },
    });
    // Well formed, as the document describes a group, but against its rule: 422.
    expect([reply.status, reply.body.error.code]).toEqual([422, "request.unprocessable"]);
  });

  it("archives an item: it leaves the menu", async () => {
    const own = await kitchen();
    expect(
      (
        await api(`/api/restaurants/${own.restaurantId}/menu/items/${own.friesId}`, {
          method: "DELETE",
          token: own.staff.accessToken,
        })
      ).status,
    ).toBe(204);
    const menu = await api<RestaurantWithMenu>(`/api/restaurants/${own.restaurantId}`);
    expect(menu.body.menu.flatMap((c) => c.items).map((i) => i.id)).not.toContain(own.friesId);
  });

  it("answers 404 when staff reach for another restaurant's menu, and 403 for customers", async () => {
    const other = await kitchen();
    const reply = await api<ErrorBody>(
      `/api/restaurants/${k.restaurantId}/menu/items/${k.friesId}`,
      {
        method: "PATCH",
        token: other.staff.accessToken,
        body: { priceCents: 1 },
      },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("restaurant.not_found");
    const customer = await signUp();
    const asCustomer = await api<ErrorBody>(
      `/api/restaurants/${k.restaurantId}/menu/items/${k.friesId}`,
      {
        method: "PATCH",
        token: customer.accessToken,
        body: { priceCents: 1 },
      },
    );
    expect(asCustomer.status).toBe(403);
  });

  it("answers 404 for another restaurant's item id even on one's own restaurant", async () => {
    const other = await kitchen();
    const reply = await api<ErrorBody>(
      `/api/restaurants/${k.restaurantId}/menu/items/${other.friesId}`,
      {
        method: "PATCH",
        token: k.staff.accessToken,
        body: { priceCents: 1 },
      },
    );
    expect(reply.body.error.code).toBe("menu.not_found");
  });

  it("answers 404 for deleting another restaurant's category, even one holding items", async () => {
    const other = await kitchen();
    const menu = await api<RestaurantWithMenu>(`/api/restaurants/${other.restaurantId}`);
    const theirs = menu.body.menu[0]!.id;
    const reply = await api<ErrorBody>(
      `/api/restaurants/${k.restaurantId}/menu/categories/${theirs}`,
      { method: "DELETE", token: k.staff.accessToken },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("menu.not_found");
  });

  it("refuses renaming a category to the name of another on the same menu (was a 500)", async () => {
    const created = await api<{ id: string }>(
      `/api/restaurants/${k.restaurantId}/menu/categories`,
      { token: k.staff.accessToken, body: { name: `Sides ${crypto.randomUUID().slice(0, 6)}` } },
    );
    expect(created.status).toBe(201);
    const menu = await api<RestaurantWithMenu>(`/api/restaurants/${k.restaurantId}`);
    const taken = menu.body.menu.find((category) => category.id !== created.body.id)!.name;
    const reply = await api<ErrorBody>(
      `/api/restaurants/${k.restaurantId}/menu/categories/${created.body.id}`,
      { method: "PATCH", token: k.staff.accessToken, body: { name: taken } },
    );
    expect([reply.status, reply.body.error.code]).toEqual([422, "menu.invalid"]);
  });

  it("refuses a change without a body, as the document requires one", async () => {
    const reply = await api<ErrorBody>(`/api/restaurants/${k.restaurantId}/kitchen`, {
      method: "POST",
      token: k.staff.accessToken,
    });
    expect([reply.status, reply.body.error.code]).toEqual([400, "request.invalid"]);
  });

  it("switches busy mode and pause on the kitchen", async () => {
    const own = await kitchen();
    const busy = await api<KitchenState>(`/api/restaurants/${own.restaurantId}/kitchen`, {
      token: own.staff.accessToken,
      body: { busy: true, extraPrepMinutes: 10 },
    });
    expect([busy.body.busy, busy.body.extraPrepMinutes]).toEqual([true, 10]);
    const paused = await api<KitchenState>(`/api/restaurants/${own.restaurantId}/kitchen`, {
      token: own.staff.accessToken,
      body: { paused: true },
    });
    expect([paused.body.paused, paused.body.pauseReason]).toEqual([true, "staff"]);
  });
});
