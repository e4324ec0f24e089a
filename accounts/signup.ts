import { and, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "../runtime/db.ts";
import { CodedError } from "../runtime/errors.ts";
import type { Role, Session, SignUpBody } from "../schema/auth.ts";
import { accountLinks, users } from "../schema/db/index.ts";
import { queueMail } from "./mail-outbox.ts";
import { hashPassword } from "./password.ts";
import { hashToken, newOpaqueToken } from "./tokens.ts";
import { startSession } from "./users.ts";

/** A verification link is good for a day: long enough to find the mail, short enough to go stale. */
export const VERIFY_LINK_TTL_MS = 24 * 3_600_000;

type UserRow = typeof users.$inferSelect;

/** Where a role's app lives on the platform's origin: links land in the app that signs in. */
function appPath(role: Role): string {
  return role === "customer" ? "" : `/${role}`;
}

/**
 * Self-service signup that never tells whether an address has an account: every signup is
 * answered alike (202, "a mail is on its way"), and what happens is told only to the mailbox.
 * - A new address gets an account that cannot sign in yet and a link that verifies it.
 * - An address whose account is still unverified gets the latest signup's details and a fresh
 *   link: whoever proves the mailbox is the owner, so a stranger's earlier signup with someone
 *   else's address blocks nobody.
 * - An address with a verified account gets a note that it already has one; nothing changes.
 * Each path hashes the password, so they take about the same time too.
 */
export async function signUp(
  db: Db,
  body: SignUpBody,
  origin: string,
  nowMs: number,
): Promise<void> {
  const password = await hashPassword(body.password);
  const details = {
    name: body.name,
    phone: body.phone ?? null,
    role: body.role,
    passwordHash: password.hash,
    passwordSalt: password.salt,
    passwordIterations: password.iterations,
  };
  await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ email: body.email, ...details })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (created) return sendVerification(tx, created, origin, nowMs);
    const [existing] = await tx
      .select()
      .from(users)
      .where(eq(users.email, body.email))
      .for("update");
    // Deleted since the insert met it, or disabled: there is no one to tell.
    if (!existing || existing.disabledAt) return;
    if (existing.emailVerifiedAt || (existing.role !== "customer" && existing.role !== "driver")) {
      return queueMail(
        tx,
        existing.email,
        {
          template: "account_exists",
          name: existing.name,
          signInLink: `${origin}${appPath(existing.role)}/`,
        },
        nowMs,
      );
    }
    const [updated] = await tx
      .update(users)
      .set(details)
      .where(eq(users.id, existing.id))
      .returning();
    if (updated) await sendVerification(tx, updated, origin, nowMs);
  });
}

/** Mails a new link for an unverified account; any other address gets nothing, and no answer says which. */
export async function resendVerification(
  db: Db,
  email: string,
  origin: string,
  nowMs: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.email, email)).for("update");
    if (row && !row.emailVerifiedAt && !row.disabledAt)
      await sendVerification(tx, row, origin, nowMs);
  });
}

/**
 * Follows a verification link: the address is proven, and the person who followed it is signed in
 * (they just showed they hold the mailbox). A link works once, until it expires.
 */
export async function verifyEmail(
  db: Db,
  token: string,
  secret: string,
  nowMs: number,
): Promise<Session> {
  const now = new Date(nowMs);
  const [link] = await db
    .select()
    .from(accountLinks)
    .where(
      and(
        eq(accountLinks.tokenHash, await hashToken(token)),
        eq(accountLinks.purpose, "verify_email"),
      ),
    );
  if (!link || link.usedAt) throw invalidLink();
  if (link.expiresAt <= now)
    throw new CodedError("auth.link_expired", "this link has expired; ask for a new one");
  const row = await db.transaction(async (tx) => {
    // Claimed once: two clicks racing each other sign in once.
    const [claimed] = await tx
      .update(accountLinks)
      .set({ usedAt: now })
      .where(and(eq(accountLinks.id, link.id), isNull(accountLinks.usedAt)))
      .returning({ id: accountLinks.id });
    if (!claimed) throw invalidLink();
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: now })
      .where(and(eq(users.id, link.userId), isNull(users.disabledAt)))
      .returning();
    if (!user) throw invalidLink();
    return user;
  });
  return startSession(db, row, secret, nowMs);
}

function invalidLink(): CodedError {
  return new CodedError(
    "auth.link_invalid",
    "this link is not valid (it may have been used already)",
  );
}

/** A fresh link for the account, retiring any earlier one, mailed in the same transaction. */
async function sendVerification(tx: Tx, user: UserRow, origin: string, nowMs: number) {
  const { token, hash } = await newOpaqueToken();
  const expiresAt = new Date(nowMs + VERIFY_LINK_TTL_MS);
  await tx
    .delete(accountLinks)
    .where(
      and(
        eq(accountLinks.userId, user.id),
        eq(accountLinks.purpose, "verify_email"),
        isNull(accountLinks.usedAt),
      ),
    );
  await tx
    .insert(accountLinks)
    .values({ userId: user.id, purpose: "verify_email", tokenHash: hash, expiresAt });
  await queueMail(
    tx,
    user.email,
    {
      template: "verify_email",
      name: user.name,
      link: `${origin}${appPath(user.role)}/verify-email#token=${token}`,
      expiresAt: expiresAt.toISOString(),
    },
    nowMs,
  );
}
