import { describe, expect, it } from "vitest";
import { createCategory, createItem, createRestaurant } from "../../catalog/menu.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import type { SearchResults } from "../../schema/search.ts";
import { ALWAYS_OPEN, api, database, HERE, signUp } from "../../test/edge-fixtures.ts";

/**
 * GET /api/search, end to end: a restaurant made through the catalog reaches the index through
 * the catalog outbox and the bridge (its relay and the search indexer), then answers searches.
 */

/** How long the bridge may take to index a change: its relay looks every half second. */
const INDEX_TIMEOUT_MS = 15_000;

/** A made-up word no other test's restaurant contains. */
function nonsenseWord(): string {
  const letters = "bcdfghjklmnpqrstvwxz";
  return Array.from(
    crypto.getRandomValues(new Uint8Array(7)),
    (b) => letters[b % letters.length],
  ).join("");
}

async function searchUntil(
  path: string,
  found: (body: SearchResults) => boolean,
): Promise<SearchResults> {
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  for (;;) {
    const reply = await api<SearchResults>(path);
    expect(reply.status).toBe(200);
    if (found(reply.body)) return reply.body;
    if (Date.now() > deadline)
      throw new Error(`not indexed within ${INDEX_TIMEOUT_MS} ms: ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("searching restaurants", () => {
  it("finds a restaurant made through the catalog, by a partial word and by a typo", async () => {
    const word = `${nonsenseWord()}ola`;
    const { db, close } = database();
    const id = await createRestaurant(db, {
      slug: `search-${crypto.randomUUID().slice(0, 8)}`,
      name: `Casa ${word}`,
      description: "",
      cuisine: "Mexican",
      priceLevel: 1,
      location: HERE,
      address: "1 Congress Ave, Austin, TX",
      timezone: "America/Chicago",
      openingHours: ALWAYS_OPEN,
      prepMinutes: 10,
    });
    const categoryId = await createCategory(db, id, { name: "Tacos", position: 0 });
    await createItem(db, id, {
      categoryId,
      name: "Nopal Taco",
      description: "Grilled cactus",
      priceCents: 450,
      dietaryTags: ["vegan"],
      available: true,
      position: 0,
      modifierGroups: [],
    });
    await close();

    const hasIt = (body: SearchResults) => body.results.some((hit) => hit.id === id);
    const partial = await searchUntil(`/api/search?q=${word.slice(0, 6)}`, hasIt);
    expect(partial.results[0]).toMatchObject({ id, cuisine: "Mexican", paused: false });

    // The dish comes with a later change: wait for that one too.
    await searchUntil(`/api/search?q=${word}&dietary=vegan`, hasIt);
    const typo = await api<SearchResults>(
      `/api/search?q=${word.slice(0, 3)}${word.slice(4)}&lat=${HERE.lat}&lng=${HERE.lng}`,
    );
    expect(typo.body.results[0]).toMatchObject({ id, openNow: true, distanceM: 0 });
  });

  it("measures distance from a pole to a place a hair off the meridian (PostgreSQL's underflow was a 500)", async () => {
    const word = `${nonsenseWord()}ola`;
    const { db, close } = database();
    // Positions the API takes: any number in range, however small.
    const id = await createRestaurant(db, {
      slug: `search-${crypto.randomUUID().slice(0, 8)}`,
      name: `Hair ${word}`,
      description: "",
      cuisine: "Mexican",
      priceLevel: 1,
      location: { lat: 2.35e-56, lng: 2.53e-274 },
      address: "1 Null Island",
      timezone: "Africa/Abidjan",
      openingHours: ALWAYS_OPEN,
      prepMinutes: 10,
    });
    await close();
    await searchUntil(`/api/search?q=${word}`, (body) => body.results.some((h) => h.id === id));
    const reply = await api<SearchResults>(
      `/api/search?q=${word}&lat=-90&lng=-1.1237650987179409e-300&limit=47`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.results[0]?.distanceM).toBeCloseTo(10_007_557, -3);
  });

  it("orders by distance from a point, nearest first", async () => {
    const reply = await api<SearchResults>(
      `/api/search?sort=distance&lat=${HERE.lat}&lng=${HERE.lng}&limit=20`,
    );
    expect(reply.status).toBe(200);
    const distances = reply.body.results.map((hit) => hit.distanceM!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });

  it("is public: no sign-in needed", async () => {
    const customer = await signUp();
    const anonymous = await api("/api/search?q=burger");
    const signedIn = await api("/api/search?q=burger", { token: customer.accessToken });
    expect(anonymous.status).toBe(200);
    expect(signedIn.status).toBe(200);
  });

  // 400: not what the API document describes; 422: described, but against a stated rule.
  it.each([
    ["a price level of 7", "priceLevel=7", 400, "request.invalid"],
    ["an unknown dietary tag", "dietary=carnivore", 400, "request.invalid"],
    ["a latitude out of range", "lat=91&lng=0", 400, "request.invalid"],
    ["a limit over 50", "limit=500", 400, "request.invalid"],
    ["an unknown parameter", "colour=red", 400, "request.invalid"],
    ["a latitude without a longitude", "lat=30.2", 422, "request.unprocessable"],
    ["distance order without a point", "sort=distance", 422, "search.point_required"],
    ["a cursor it never gave out", "cursor=bm90LWEtY3Vyc29y", 422, "search.cursor_invalid"],
  ])("refuses %s with %i and a code", async (_, query, status, code) => {
    const reply = await api<ErrorBody>(`/api/search?${query}`);
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
  });

  it("takes a comma list with spaces and repeats, each value once", async () => {
    const reply = await api<{ hits: unknown[] }>(
      `/api/search?dietary=${encodeURIComponent(" vegan , vegan,,")}&priceLevel=1,2,2`,
    );
    expect(reply.status).toBe(200);
  });
});
