import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueMail } from "../../accounts/mail-outbox.ts";
import { mailOutbox } from "../../schema/db/index.ts";
import type { MailMessage } from "../../schema/mail.ts";
import { postgresUrl, startTestDatabase, type TestDatabase } from "../../test/databases.ts";
import { type Mailpit, mailpitMissing, startMailpit } from "../../test/mailpit.ts";
import { freePort } from "../local/processes.ts";
import { MAIL_RETRY, sendDueMail } from "./relay.ts";
import { smtpTransport } from "./transport.ts";

/**
 * The mailer against a real SMTP server (Mailpit, whose API shows what arrived) and a real
 * database: what is queued arrives once, rendered; a server that is down delays mail without
 * losing or doubling it; nothing personal reaches the logs.
 */

if (mailpitMissing && process.env.CI)
  throw new Error("CI needs Mailpit: node test/mailpit.ts fetch");

const FROM = "DizhTime <no-reply@dizhtime.test>";
const T0 = Date.parse("2026-12-07T12:00:00Z");

const verify = (token: string): MailMessage => ({
  template: "verify_email",
  name: "Ada <b>Lovelace</b>",
  link: `http://127.0.0.1:8787/verify-email#token=${token}`,
  expiresAt: new Date(T0 + 24 * 3_600_000).toISOString(),
});

describe.skipIf(mailpitMissing)("the mailer on a real SMTP server", () => {
  let database: TestDatabase;
  let mailpit: Mailpit | null = null;
  const ports = { smtp: 0, http: 0 };
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    database = await startTestDatabase(postgresUrl ? "postgres" : "pglite", "mailer");
    ports.smtp = await freePort();
    ports.http = await freePort();
  });
  afterAll(async () => {
    await mailpit?.stop();
    await database?.close();
  });

  const queue = (recipient: string, message: MailMessage) =>
    database.db.transaction((tx) => queueMail(tx, recipient, message, T0));
  const round = (nowMs: number) =>
    sendDueMail({
      db: database.db,
      transport: smtpTransport(`smtp://127.0.0.1:${ports.smtp}`),
      from: FROM,
      nowMs: () => nowMs,
      log: (line) => lines.push(line),
    });
  const waiting = () => database.db.select().from(mailOutbox);

  it("keeps mail while the server is down, retries after a backoff, and delivers each message once when it is back", async () => {
    await queue("ada@example.com", verify("A".repeat(43)));
    await queue("bob@example.com", {
      template: "account_exists",
      name: "Bob",
      signInLink: "http://127.0.0.1:8787/",
    });

    // Nothing listens on the SMTP port: both fail, and wait out the first backoff.
    expect(await round(T0)).toBe(0);
    const failed = await waiting();
    expect(failed.map((row) => row.attempts)).toEqual([1, 1]);
    for (const row of failed) expect(row.notBefore.getTime()).toBe(T0 + MAIL_RETRY.baseMs);
    expect(await round(T0 + MAIL_RETRY.baseMs - 1)).toBe(0);
    expect((await waiting()).map((row) => row.attempts)).toEqual([1, 1]);

    mailpit = await startMailpit(ports);
    expect(await round(T0 + MAIL_RETRY.baseMs)).toBe(2);
    expect(await waiting()).toEqual([]);
    // Later rounds find nothing more to send.
    expect(await round(T0 + 10 * MAIL_RETRY.baseMs)).toBe(0);

    const arrived = await mailpit.messages();
    expect(arrived.map((m) => [m.to, m.subject]).sort()).toEqual([
      ["ada@example.com", "Confirm your email for DizhTime"],
      ["bob@example.com", "Someone tried to sign up with your email"],
    ]);
    const ada = arrived.find((m) => m.to === "ada@example.com")!;
    expect(ada.link).toBe(`http://127.0.0.1:8787/verify-email#token=${"A".repeat(43)}`);
    expect(ada.text).toContain("Hi Ada <b>Lovelace</b>,");
    expect(ada.messageId).toMatch(/^[0-9a-f-]{36}@mail\.dizhtime$/);
  });

  it("never logs an address, a name or a link", async () => {
    const serialized = JSON.stringify(lines);
    expect(lines.some((line) => line.msg === "mail.failed")).toBe(true);
    expect(lines.some((line) => line.msg === "mail.sent")).toBe(true);
    for (const secret of ["ada@example.com", "bob@example.com", "Lovelace", "A".repeat(43)])
      expect(serialized).not.toContain(secret);
  });

  it("gives a message up after its last try, and says so", async () => {
    await mailpit?.stop();
    mailpit = null;
    await queue("cy@example.com", verify("C".repeat(43)));
    const [row] = await waiting();
    await database.db
      .update(mailOutbox)
      .set({ attempts: MAIL_RETRY.attemptsMax - 1 })
      .where(eq(mailOutbox.id, row!.id));
    expect(await round(T0 + 1)).toBe(0);
    expect(await waiting()).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ msg: "mail.given_up", id: row!.id });
  });
});
