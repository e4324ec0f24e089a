import { and, asc, eq, gt, ilike, isNull, or } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import { CodedError } from "../runtime/errors.ts";
import type {
  AdminRestaurant,
  AdminUser,
  RestaurantAdminQuery,
  UserList,
  UserListQuery,
} from "../schema/admin.ts";
import { refreshTokens, restaurants, users } from "../schema/db/index.ts";
import type { KitchenState } from "../schema/sockets.ts";
import { forgetSessions } from "./sessions.ts";
import { userOf } from "./users.ts";

type UserRow = typeof users.$inferSelect;

function adminUserOf(row: UserRow): AdminUser {
  return { ...userOf(row), disabledAt: row.disabledAt?.toISOString() ?? null };
}

/** `%` and `_` typed by an admin are searched for, not used as wildcards. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listUsers(db: Db, query: UserListQuery): Promise<UserList> {
  const rows = await db
    .select()
    .from(users)
    .where(
      and(
        query.q
          ? or(ilike(users.email, contains(query.q)), ilike(users.name, contains(query.q)))
          : undefined,
        query.role ? eq(users.role, query.role) : undefined,
        query.after ? gt(users.email, query.after) : undefined,
      ),
    )
    .orderBy(asc(users.email))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    users: page.map(adminUserOf),
    next: rows.length > query.limit ? (page.at(-1)?.email ?? null) : null,
  };
}

/**
 * Disables or re-enables an account. Disabling also revokes every refresh token, so no device
 * stays signed in past its access token's few minutes; login and refresh check the flag too.
 */
export async function setUserDisabled(
  db: Db,
  id: string,
  disabled: boolean,
  by: string,
  nowMs: number,
): Promise<AdminUser> {
  if (disabled && id === by) {
    throw new CodedError("request.unprocessable", "an admin may not disable their own account");
  }
  const now = new Date(nowMs);
  const [row] = await db
    .update(users)
    .set({ disabledAt: disabled ? now : null })
    .where(eq(users.id, id))
    .returning();
  if (!row) throw new CodedError("user.not_found", "no such user");
  if (disabled) {
    await db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
    forgetSessions(id);
  }
  return adminUserOf(row);
}

/** Restaurants a page at a time, each with what its kitchen's actor says now. */
export async function listRestaurants(
  db: Db,
  query: RestaurantAdminQuery,
  kitchenOf: (restaurantId: string) => Promise<KitchenState>,
): Promise<{ restaurants: AdminRestaurant[]; next: string | null }> {
  const rows = await db
    .select({
      id: restaurants.id,
      slug: restaurants.slug,
      name: restaurants.name,
      cuisine: restaurants.cuisine,
      address: restaurants.address,
      zone: restaurants.zone,
    })
    .from(restaurants)
    .where(
      and(
        query.q
          ? or(
              ilike(restaurants.name, contains(query.q)),
              ilike(restaurants.slug, contains(query.q)),
            )
          : undefined,
        query.after ? gt(restaurants.slug, query.after) : undefined,
      ),
    )
    .orderBy(asc(restaurants.slug))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const kitchens = await Promise.allSettled(page.map((r) => kitchenOf(r.id)));
  return {
    restaurants: page.map((r, i) => {
      const kitchen = kitchens[i];
      return { ...r, kitchen: kitchen?.status === "fulfilled" ? kitchen.value : null };
    }),
    next: rows.length > query.limit ? (page.at(-1)?.slug ?? null) : null,
  };
}
