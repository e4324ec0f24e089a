import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Session, SignUpAccepted, User } from "../../schema/auth.ts";
import { accountLinks, users } from "../../schema/db/index.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import {
  api,
  database,
  mailedToken,
  queuedMail,
  signUp,
  someClientIp,
  unique,
} from "../../test/edge-fixtures.ts";

const PASSWORD = "a long enough password";

function signUpAs(email: string, password = PASSWORD, name = "Ada Lovelace") {
  return api<SignUpAccepted>("/api/auth/signup", {
    body: { email, password, name },
    headers: someClientIp(),
  });
}

function logIn(email: string, password: string) {
  return api<Session & ErrorBody>("/api/auth/login", {
    body: { email, password },
    headers: someClientIp(),
  });
}

function follow(token: string) {
  return api<Session & ErrorBody>("/api/auth/verify-email", {
    body: { token },
    headers: someClientIp(),
  });
}

describe("signing up with a verified email", () => {
  it("mails a link, lets nobody in before it is followed, and signs in the one who follows it", async () => {
    const email = `Ada.${unique()}@Example.com`;
    const reply = await signUpAs(email);
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ status: "verification_sent", email: email.toLowerCase() });

    const early = await logIn(email, PASSWORD);
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe("auth.email_unverified");

    const [mail] = await queuedMail(email.toLowerCase());
    expect(mail).toMatchObject({ template: "verify_email", name: "Ada Lovelace" });
    // The token rides in the fragment, which browsers never send to a server.
    expect(mail?.template === "verify_email" && new URL(mail.link).pathname).toBe("/verify-email");
    const session = await follow(await mailedToken(email.toLowerCase()));
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: email.toLowerCase(), role: "customer" });
    const ttlMs = Date.parse(session.body.accessTokenExpiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(10 * 60_000);
    expect(ttlMs).toBeLessThanOrEqual(15 * 60_000);
    const me = await api<User>("/api/me", { token: session.body.accessToken });
    expect(me.body.id).toBe(session.body.user.id);
    expect((await logIn(email, PASSWORD)).status).toBe(200);
  });

  it("sends a courier's link to the courier app", async () => {
    const email = `courier-${unique()}@t.test`;
    await api("/api/auth/signup", {
      body: { email, password: PASSWORD, name: "Cory", role: "driver" },
      headers: someClientIp(),
    });
    const [mail] = await queuedMail(email);
    expect(mail?.template === "verify_email" && new URL(mail.link).pathname).toBe(
      "/driver/verify-email",
    );
  });

  it("answers a signup for a registered address exactly as for a new one, tells only the owner, and changes nothing", async () => {
    const owner = await signUp();
    const fresh = `new-${unique()}@test.dizhtime`;
    const taken = await signUpAs(owner.user.email, "the attacker's password");
    const free = await signUpAs(fresh, "the attacker's password");
    expect(taken.status).toBe(free.status);
    expect({ ...taken.body, email: "" }).toEqual({ ...free.body, email: "" });
    expect([...taken.headers.keys()].sort()).toEqual([...free.headers.keys()].sort());

    const [note] = await queuedMail(owner.user.email);
    expect(note).toMatchObject({ template: "account_exists", name: owner.user.name });
    expect((await logIn(owner.user.email, "correct horse battery")).status).toBe(200);
    expect((await logIn(owner.user.email, "the attacker's password")).status).toBe(401);
  });

  it("lets the mailbox's owner finish a signup a stranger began with their address", async () => {
    const email = `victim-${unique()}@t.test`;
    await signUpAs(email, "the stranger's password", "Stranger");
    const strangersLink = await mailedToken(email);
    await signUpAs(email, "the owner's own password", "Owner");
    const ownersLink = await mailedToken(email);
    expect(ownersLink).not.toBe(strangersLink);

    // Only the newest link works, and it makes the latest signup's account.
    expect((await follow(strangersLink)).body.error.code).toBe("auth.link_invalid");
    const session = await follow(ownersLink);
    expect(session.status).toBe(200);
    expect(session.body.user.name).toBe("Owner");
    expect((await logIn(email, "the stranger's password")).status).toBe(401);
    expect((await logIn(email, "the owner's own password")).status).toBe(200);
  });

  it("takes a link once, refuses an expired one, and changes nothing either way", async () => {
    const email = `once-${unique()}@t.test`;
    await signUpAs(email);
    const token = await mailedToken(email);
    const { db, close } = database();
    try {
      const [user] = await db.select().from(users).where(eq(users.email, email));
      await db
        .update(accountLinks)
        .set({ expiresAt: new Date(Date.now() - 1_000) })
        .where(eq(accountLinks.userId, user!.id));
      const expired = await follow(token);
      expect(expired.status).toBe(422);
      expect(expired.body.error.code).toBe("auth.link_expired");
      const [still] = await db.select().from(users).where(eq(users.email, email));
      expect(still!.emailVerifiedAt).toBeNull();

      // A new link, asked for: it works once.
      const resent = await api("/api/auth/verify-email/resend", {
        body: { email },
        headers: someClientIp(),
      });
      expect(resent.status).toBe(202);
      const fresh = await mailedToken(email);
      expect((await follow(fresh)).status).toBe(200);
      const again = await follow(fresh);
      expect(again.status).toBe(422);
      expect(again.body.error.code).toBe("auth.link_invalid");
    } finally {
      await close();
    }
  });

  it("answers a resend alike for every address and mails only an unverified account", async () => {
    const verified = await signUp();
    const pending = `pending-${unique()}@t.test`;
    await signUpAs(pending);
    const before = (await queuedMail(verified.user.email)).length;
    const answers = [];
    for (const email of [verified.user.email, pending, `nobody-${unique()}@t.test`]) {
      const reply = await api<SignUpAccepted>("/api/auth/verify-email/resend", {
        body: { email },
        headers: someClientIp(),
      });
      answers.push({ status: reply.status, body: { ...reply.body, email: "" } });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect((await queuedMail(verified.user.email)).length).toBe(before);
    expect((await queuedMail(pending)).filter((m) => m.template === "verify_email")).toHaveLength(
      2,
    );
  });

  it("limits the mail one address gets, alike for registered and new addresses", async () => {
    // Each address has had one mail already: the owner's link, the newcomer's.
    const owner = await signUp();
    const newcomer = `flood-${unique()}@t.test`;
    await signUpAs(newcomer);
    for (const email of [owner.user.email, newcomer]) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await signUpAs(email)).status);
      expect(statuses).toEqual([202, 202, 429]);
    }
  });

  it("refuses a token that is not a link's, naming the field", async () => {
    const reply = await follow("not-a-token");
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("request.invalid");
  });
});
