import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { restaurants } from "./catalog.ts";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    phone: text("phone"),
    role: text("role", { enum: ["customer", "restaurant", "driver", "admin"] }).notNull(),
    restaurantId: uuid("restaurant_id").references(() => restaurants.id),
    /** PBKDF2-SHA256: base64 hash and salt, with the iteration count used, so it can be raised. */
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * When the owner of the address proved it by following an emailed link. Self-service
     * accounts cannot sign in before; accounts an admin creates are vouched for by the admin.
     */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
  },
  (t) => [
    check(
      "users_staff_has_restaurant",
      sql`(${t.role} = 'restaurant') = (${t.restaurantId} is not null)`,
    ),
  ],
);

/**
 * Refresh tokens are stored hashed and rotated on every use. Each login starts a family; a token
 * used twice means it leaked, and the whole family is revoked (OAuth 2.0 Security BCP 4.14).
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("refresh_tokens_family").on(t.familyId), index("refresh_tokens_user").on(t.userId)],
);

/**
 * Single-use links mailed to an account's owner (email verification today), stored hashed like
 * refresh tokens: a leaked table row opens nothing. A link is good once and until it expires; a
 * newer link of the same purpose retires the older ones.
 */
export const accountLinks = pgTable(
  "account_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("account_links_user").on(t.userId, t.purpose)],
);
