import { eq, sql } from "drizzle-orm";
import type { Db } from "../../runtime/db.ts";
import { describeError } from "../../runtime/redact.ts";
import { mailOutbox } from "../../schema/db/index.ts";
import { MailMessage } from "../../schema/mail.ts";
import { type RelayLoop, startRelayLoop } from "../bridge/relay-loop.ts";
import { renderMail } from "./templates.ts";
import type { MailTransport } from "./transport.ts";

/**
 * Sends the mail outbox (schema/db/mail-outbox.ts). A round claims the mail that is due with a
 * lease (FOR UPDATE SKIP LOCKED: two mailers never claim the same row), sends each message, and
 * deletes it once the server has accepted it. A message the server refuses or cannot take waits
 * out a backoff and is tried again, up to MAIL_ATTEMPTS_MAX times over about a day; the request
 * that queued it never waited for any of this.
 */

export const MAIL_BATCH_MAX = 20;
/** A claim outlasts a send (SMTP timeouts: 10 s to connect, 30 s of silence). */
export const MAIL_LEASE_MS = 120_000;
export const MAIL_INTERVAL_MS = 1_000;
/** From 30 s doubling to an hour: about a day over 30 tries, then the mail is given up. */
export const MAIL_RETRY = { baseMs: 30_000, maxMs: 3_600_000, attemptsMax: 30 };

export type MailerOptions = {
  db: Db;
  transport: MailTransport;
  from: string;
  nowMs: () => number;
  log?: (line: Record<string, unknown>) => void;
  intervalMs?: number;
  retry?: typeof MAIL_RETRY;
};

/** When a message that has failed `attempts` times is tried next. */
export function retryDelayMs(attempts: number, retry: typeof MAIL_RETRY = MAIL_RETRY): number {
  return Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempts - 1));
}

/** One round: resolves with the number of messages the server accepted. */
export async function sendDueMail(options: MailerOptions): Promise<number> {
  const { db, transport } = options;
  const log = options.log ?? (() => {});
  const retry = options.retry ?? MAIL_RETRY;
  const now = new Date(options.nowMs());
  const leaseUntil = new Date(now.getTime() + MAIL_LEASE_MS);
  const claimed = await db.execute<{
    id: string;
    recipient: string;
    message: unknown;
    attempts: number;
  }>(sql`
    update mail_outbox
    set claimed_until = ${leaseUntil.toISOString()}
    where id in (
      select id from mail_outbox
      where not_before <= ${now.toISOString()}
        and (claimed_until is null or claimed_until < ${now.toISOString()})
      order by not_before
      limit ${MAIL_BATCH_MAX}
      for update skip locked
    )
    returning id, recipient, message, attempts
  `);
  let sent = 0;
  for (const row of claimed.rows) {
    const parsed = MailMessage.safeParse(row.message);
    if (!parsed.success) {
      // Written by our own code, so this is a bug; kept out of the way, and said loudly.
      log({ msg: "mail.unreadable", id: row.id, error: parsed.error.issues[0]?.message });
      await db.delete(mailOutbox).where(eq(mailOutbox.id, row.id));
      continue;
    }
    try {
      await transport.send({
        id: row.id,
        to: row.recipient,
        from: options.from,
        ...renderMail(parsed.data, now.getTime()),
      });
    } catch (error) {
      const attempts = row.attempts + 1;
      // Never the address or the message: they are personal, and the link in it is a secret.
      const line = {
        id: row.id,
        template: parsed.data.template,
        attempts,
        error: describeError(error),
      };
      if (attempts >= retry.attemptsMax) {
        log({ msg: "mail.given_up", ...line });
        await db.delete(mailOutbox).where(eq(mailOutbox.id, row.id));
      } else {
        const delayMs = retryDelayMs(attempts, retry);
        log({ msg: "mail.failed", ...line, retryInMs: delayMs });
        await db
          .update(mailOutbox)
          .set({ attempts, notBefore: new Date(now.getTime() + delayMs), claimedUntil: null })
          .where(eq(mailOutbox.id, row.id));
      }
      continue;
    }
    await db.delete(mailOutbox).where(eq(mailOutbox.id, row.id));
    log({ msg: "mail.sent", id: row.id, template: parsed.data.template });
    sent += 1;
  }
  return sent;
}

/** Sends in the background until `close()` (the bridge runs it beside its relays). */
export function startMailer(options: MailerOptions): RelayLoop {
  return startRelayLoop({
    name: "mailer",
    round: () => sendDueMail(options),
    full: (sent) => sent === MAIL_BATCH_MAX,
    intervalMs: options.intervalMs ?? MAIL_INTERVAL_MS,
    log: options.log ?? (() => {}),
  });
}
