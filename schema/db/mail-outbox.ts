import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Mail waiting to be sent. Written in the transaction of the change that calls for it (a signup,
 * a new link), sent by the bridge's mailer (infra/mailer/), which deletes a row once the SMTP
 * server has accepted it and otherwise tries again later: a mail server that is down delays mail,
 * never loses it, and never slows the request that asked for it.
 *
 * The row's id is the message's Message-ID, so a message sent twice (the mailer died between the
 * server's acceptance and the delete) is recognisably one message. `message` holds the template
 * and its parameters (schema/mail.ts), links included: the row lives only until it is sent.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-cased address, as accounts store it. */
    recipient: text("recipient").notNull(),
    message: jsonb("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Failed sends wait out a backoff before the next try. */
    notBefore: timestamp("not_before", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    /** A mailer's lease on the row while it sends, as the catalog outbox's (catalog-outbox.ts). */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
  },
  (t) => [index("mail_outbox_due").on(t.notBefore)],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
