import { inArray } from "drizzle-orm";
import { hashPassword } from "../../../accounts/password.ts";
import { openSession } from "../../../accounts/users.ts";
import { ALWAYS_OPEN_SLUG } from "../../../infra/demo/city.ts";
import { isAroundTheClock } from "../../../infra/demo/seed.ts";
import type { Stack } from "../../../infra/local/stack.ts";
import { openDb } from "../../../runtime/db.ts";
import type { RestaurantWithMenu } from "../../../schema/catalog.ts";
import { restaurants, users } from "../../../schema/db/index.ts";
import type { SimulatorConfirmation, TopUp } from "../../../schema/ledger.ts";
import { startShift } from "../../../sim/courier.ts";
import { pointNear } from "../../../sim/geo.ts";

import {
  CONNECT_CONCURRENCY,
  counts,
  drivers,
  fail,
  type Kitchen,
  ORDERS_PER_CUSTOMER,
  REQUEST_TIMEOUT_MS,
  ROAM,
  settings,
  TEST_CARD,
  TOP_UP_CENTS,
  world,
} from "./world.ts";

/** Drivers, customers and staff get tokens minted with the stack's secret: the bench measures dispatch, not logins. */
export async function prepare(s: Stack): Promise<{ kitchens: Kitchen[]; customers: string[] }> {
  const { db, close } = openDb(s.database);
  try {
    const password = await hashPassword("bench-password", 1_000);
    const runId = Date.now();
    const account = (role: "customer" | "driver", i: number) => ({
      email: `bench-${role}-${i}-${runId}@bench.dizhtime`,
      name: `Bench ${role === "driver" ? "Driver" : "Customer"} ${i}`,
      role,
      passwordHash: password.hash,
      passwordSalt: password.salt,
      passwordIterations: password.iterations,
    });
    const driverRows = await db
      .insert(users)
      .values(Array.from({ length: settings.drivers }, (_, i) => account("driver", i)))
      .returning({ id: users.id });
    const customerRows = await db
      .insert(users)
      .values(
        Array.from({ length: Math.ceil(settings.orders / ORDERS_PER_CUSTOMER) }, (_, i) =>
          account("customer", i),
        ),
      )
      .returning({ id: users.id });
    const nowMs = Date.now();
    const customers = await Promise.all(
      customerRows.map(
        async (row) => (await openSession(db, row.id, s.secrets.JWT_SECRET, nowMs)).accessToken,
      ),
    );

    await fundWallets(s, customers);

    const alwaysOpen = (await db.select().from(restaurants))
      .filter((r) => isAroundTheClock(r.openingHours))
      .sort((a, b) => (a.slug === ALWAYS_OPEN_SLUG ? -1 : b.slug === ALWAYS_OPEN_SLUG ? 1 : 0));
    const staffRows = await db
      .select()
      .from(users)
      .where(
        inArray(
          users.restaurantId,
          alwaysOpen.map((r) => r.id),
        ),
      );
    const kitchens: Kitchen[] = [];
    for (const restaurant of alwaysOpen) {
      const staff = staffRows.find((u) => u.restaurantId === restaurant.id);
      if (!staff) continue;
      const menu = (await (
        await fetch(`${s.workerUrl}/api/restaurants/${restaurant.id}`, {
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        })
      ).json()) as RestaurantWithMenu;
      const item = menu.menu
        .flatMap((c) => c.items)
        .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0));
      if (!item) continue;
      const staffToken = (await openSession(db, staff.id, s.secrets.JWT_SECRET, nowMs)).accessToken;
      kitchens.push({
        id: restaurant.id,
        itemId: item.id,
        location: { lat: restaurant.lat, lng: restaurant.lng },
        staffToken,
      });
    }
    if (kitchens.length === 0) throw new Error("no always-open kitchen to order from");

    for (const [i, row] of driverRows.entries()) {
      const home = kitchens[i % kitchens.length]!.location;
      drivers.set(row.id, {
        id: row.id,
        token: (await openSession(db, row.id, s.secrets.JWT_SECRET, nowMs)).accessToken,
        socket: null,
        courier: startShift(world.rng, pointNear(world.rng, home, ROAM.wanderRadiusM), home, ROAM),
        policy: ROAM,
        online: false,
        lastFixAtMs: 0,
        jobs: new Set(),
        timer: null,
      });
    }
    return { kitchens, customers };
  } finally {
    await close();
  }
}

/**
 * Tops up every customer's wallet through the API, as the app does: start a top-up, then confirm
 * it with the simulated provider's test card (whose webhook credits the wallet).
 */
export async function fundWallets(s: Stack, customers: string[]): Promise<void> {
  const queue = [...customers.entries()];
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [i, token] = next;
        try {
          const started = await fetch(`${s.workerUrl}/api/wallet/top-ups`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({
              amountCents: TOP_UP_CENTS,
              idempotencyKey: `bench-top-up-${i}-${Date.now()}`,
            }),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const topUp = (await started.json()) as TopUp;
          if (started.status !== 201 || !topUp.providerIntentId || !topUp.clientSecret) {
            fail(`top-up: ${started.status}`);
            continue;
          }
          const confirmed = await fetch(
            `${s.workerUrl}/api/payments/simulator/intents/${topUp.providerIntentId}/confirm`,
            {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ clientSecret: topUp.clientSecret, card: TEST_CARD }),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            },
          );
          const confirmation = (await confirmed.json()) as SimulatorConfirmation;
          if (confirmed.status !== 200 || confirmation.status !== "succeeded") {
            fail(`top-up confirm: ${confirmed.status} ${confirmation.status}`);
            continue;
          }
          counts.customersFunded++;
        } catch (error) {
          fail(`top-up: ${String(error)}`);
        }
      }
    }),
  );
}
