import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import { CodedError } from "../runtime/errors.ts";
import type { CreateStaffBody, LoginBody, Principal, Session, User } from "../schema/auth.ts";
import { refreshTokens, restaurants, users } from "../schema/db/index.ts";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";
import { familyRevoked, forgetSessions } from "./sessions.ts";
import { hashToken, issueAccessToken, newOpaqueToken, REFRESH_TOKEN_TTL_MS } from "./tokens.ts";

type UserRow = typeof users.$inferSelect;

/**
 * A fixed hash to verify against when the email is unknown, so a login for a missing account
 * takes as long as one for a wrong password and does not reveal which accounts exist.
 */
let decoy: Promise<Awaited<ReturnType<typeof hashPassword>>> | null = null;
const decoyHash = () => {
  decoy ??= hashPassword("decoy-password-for-timing");
  return decoy;
};

export function userOf(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    restaurantId: row.restaurantId,
    createdAt: row.createdAt.toISOString(),
  };
}

export function principalOfUser(
  row: Pick<UserRow, "id" | "role" | "restaurantId" | "name">,
): Principal {
  return {
    userId: row.id,
    role: row.role,
    ...(row.restaurantId ? { restaurantId: row.restaurantId } : {}),
    // Carried for display (the kitchen's ticket, the courier's drop-off), never trusted for rights.
    ...(row.name ? { name: row.name.slice(0, 100) } : {}),
  };
}

/**
 * Staff and admins are made by an admin, who vouches for the address; they sign in themselves
 * afterwards. (Customers and couriers sign themselves up: accounts/signup.ts.)
 */
export async function createStaff(db: Db, body: CreateStaffBody, nowMs: number): Promise<User> {
  if (body.role === "restaurant") {
    if (!body.restaurantId)
      throw new CodedError("request.unprocessable", "restaurant staff need a restaurantId");
    const [restaurant] = await db
      .select({ id: restaurants.id })
      .from(restaurants)
      .where(eq(restaurants.id, body.restaurantId));
    if (!restaurant) throw new CodedError("restaurant.not_found", "no such restaurant");
  } else if (body.restaurantId) {
    throw new CodedError("request.unprocessable", "only restaurant staff belong to a restaurant");
  }
  const password = await hashPassword(body.password);
  const [row] = await db
    .insert(users)
    .values({
      email: body.email,
      name: body.name,
      role: body.role,
      restaurantId: body.restaurantId ?? null,
      passwordHash: password.hash,
      passwordSalt: password.salt,
      passwordIterations: password.iterations,
      emailVerifiedAt: new Date(nowMs),
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  // Only an admin gets here: telling them the address is taken reveals nothing they cannot see.
  if (!row) throw new CodedError("auth.email_taken", "an account with this email already exists");
  return userOf(row);
}

export async function login(
  db: Db,
  body: LoginBody,
  secret: string,
  nowMs: number,
): Promise<Session> {
  const [row] = await db.select().from(users).where(eq(users.email, body.email));
  if (!row || row.disabledAt) {
    await verifyPassword(body.password, await decoyHash());
    throw new CodedError("auth.invalid_credentials", "email or password is wrong");
  }
  const stored = {
    hash: row.passwordHash,
    salt: row.passwordSalt,
    iterations: row.passwordIterations,
  };
  if (!(await verifyPassword(body.password, stored))) {
    throw new CodedError("auth.invalid_credentials", "email or password is wrong");
  }
  // Told only to someone who knows the password: the one who signed up.
  if (!row.emailVerifiedAt)
    throw new CodedError(
      "auth.email_unverified",
      "confirm your email address first: follow the link we mailed you, or ask for a new one",
    );
  if (row.passwordIterations < PBKDF2_ITERATIONS) {
    // Hashes made under an older, weaker setting are upgraded while we hold the password.
    const upgraded = await hashPassword(body.password);
    await db
      .update(users)
      .set({
        passwordHash: upgraded.hash,
        passwordSalt: upgraded.salt,
        passwordIterations: upgraded.iterations,
      })
      .where(eq(users.id, row.id));
  }
  return startSession(db, row, secret, nowMs);
}

/**
 * Trades a refresh token for a new session. Tokens rotate: each is good once. A token presented
 * a second time has been stolen or replayed, so its whole family is revoked and both the thief
 * and the owner must log in again (OAuth 2.0 Security BCP, refresh token rotation).
 */
export async function refresh(
  db: Db,
  token: string,
  secret: string,
  nowMs: number,
): Promise<Session> {
  const hash = await hashToken(token);
  const now = new Date(nowMs);
  const [stored] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash));
  if (
    !stored ||
    stored.revokedAt ||
    stored.expiresAt <= now ||
    (await familyRevoked(db, stored.familyId))
  ) {
    throw new CodedError("auth.refresh_invalid", "the refresh token is not valid; log in again");
  }
  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.id, stored.id), isNull(refreshTokens.usedAt)))
    .returning({ id: refreshTokens.id });
  if (claimed.length === 0) {
    await db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(eq(refreshTokens.familyId, stored.familyId));
    forgetSessions(stored.userId);
    throw reused();
  }
  const [row] = await db.select().from(users).where(eq(users.id, stored.userId));
  if (!row || row.disabledAt)
    throw new CodedError("auth.refresh_invalid", "the account is no longer active");
  const session = await startSession(db, row, secret, nowMs, stored.familyId);
  // A reuse of the same token, racing this one, may have revoked the family meanwhile: then this
  // session ends too, so no token of the family is left working.
  if (await familyRevoked(db, stored.familyId)) throw reused();
  return session;
}

function reused(): CodedError {
  return new CodedError("auth.refresh_invalid", "the refresh token was already used; log in again");
}

/** Revokes the token's whole family: this device's session ends. Unknown tokens are ignored. */
export async function logout(db: Db, token: string, nowMs: number): Promise<void> {
  const [stored] = await db
    .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await hashToken(token)));
  if (stored) {
    await db
      .update(refreshTokens)
      .set({ revokedAt: new Date(nowMs) })
      .where(eq(refreshTokens.familyId, stored.familyId));
    forgetSessions(stored.userId);
  }
}

/**
 * A session for an existing account, without its password: for tools that act as many users at
 * once (benchmarks, the load tests), never reachable from the API.
 */
export async function openSession(
  db: Db,
  userId: string,
  secret: string,
  nowMs: number,
): Promise<Session> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw new CodedError("user.not_found", "no such user");
  return startSession(db, row, secret, nowMs);
}

export async function findUser(db: Db, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ? userOf(row) : null;
}

export async function startSession(
  db: Db,
  row: UserRow,
  secret: string,
  nowMs: number,
  familyId?: string,
): Promise<Session> {
  const family = familyId ?? crypto.randomUUID();
  const access = await issueAccessToken(
    { ...principalOfUser(row), sessionId: family },
    secret,
    nowMs,
  );
  const refreshToken = await newOpaqueToken();
  const expiresAt = new Date(nowMs + REFRESH_TOKEN_TTL_MS);
  await db.insert(refreshTokens).values({
    userId: row.id,
    familyId: family,
    tokenHash: refreshToken.hash,
    expiresAt,
  });
  return {
    user: userOf(row),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refreshToken.token,
    refreshTokenExpiresAt: expiresAt.toISOString(),
  };
}
