import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../runtime/db.ts";
import type { Principal } from "../schema/auth.ts";
import { refreshTokens, users } from "../schema/db/index.ts";

/**
 * Whether the session an access token belongs to is still live: its account exists and is not
 * disabled, and its refresh-token family exists and none of it is revoked (logout, a reused
 * token, an admin's disable). Checked on every authenticated request, so an access token ends
 * with its session, not up to fifteen minutes later.
 *
 * One query per session per LIVE_CACHE_MS in each isolate: a flood from one token costs the
 * database one query every two seconds. Ending a session here forgets it at once; another isolate
 * sees the end within LIVE_CACHE_MS.
 */
const LIVE_CACHE_MS = 2_000;
const CACHED_SESSIONS_MAX = 10_000;
/** The answer, or the question in flight: a burst of requests asks the database once. */
const checked = new Map<string, { live: Promise<boolean>; atMs: number }>();

export async function sessionIsLive(db: Db, who: Principal, nowMs: number): Promise<boolean> {
  // Tokens from before sessions were named: at most fifteen minutes old, and never checkable.
  if (!who.sessionId) return false;
  const key = `${who.userId}:${who.sessionId}`;
  const known = checked.get(key);
  if (known && nowMs - known.atMs < LIVE_CACHE_MS && nowMs >= known.atMs) return known.live;
  const live = askLive(db, who.userId, who.sessionId);
  if (checked.size >= CACHED_SESSIONS_MAX) checked.clear();
  checked.set(key, { live, atMs: nowMs });
  // A failed question is not remembered: the next request asks again.
  live.catch(() => {
    if (checked.get(key)?.live === live) checked.delete(key);
  });
  return live;
}

/** One query on the hot path: the account and the family's tokens, together. */
async function askLive(db: Db, userId: string, familyId: string): Promise<boolean> {
  const tokens = await db
    .select({ disabledAt: users.disabledAt, revokedAt: refreshTokens.revokedAt })
    .from(users)
    .innerJoin(
      refreshTokens,
      and(eq(refreshTokens.userId, users.id), eq(refreshTokens.familyId, familyId)),
    )
    .where(eq(users.id, userId));
  return tokens.length > 0 && tokens.every((t) => t.disabledAt === null && t.revokedAt === null);
}

/** Whether any token of a family has been revoked, which ends the whole family. */
export async function familyRevoked(db: Db, familyId: string): Promise<boolean> {
  const revoked = await db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.familyId, familyId), isNotNull(refreshTokens.revokedAt)))
    .limit(1);
  return revoked.length > 0;
}

/** Forgets what this isolate knew of a user's sessions: they were just ended here. */
export function forgetSessions(userId: string): void {
  for (const key of checked.keys()) if (key.startsWith(`${userId}:`)) checked.delete(key);
}
