import { z } from "zod";

/**
 * The mail the platform sends, as the mail outbox holds it (schema/db/mail-outbox.ts): which
 * template and its parameters. The mailer renders each into text and HTML (infra/mailer/).
 */

/** Someone signed up with this address: following the link proves it is theirs. */
const VerifyEmail = z.object({
  template: z.literal("verify_email"),
  name: z.string(),
  link: z.url(),
  expiresAt: z.iso.datetime(),
});

/**
 * A signup named an address that already has an account. Its owner hears of it, and the signup's
 * answer is the same as for a new address, so signing up never tells whether an address is
 * registered.
 */
const AccountExists = z.object({
  template: z.literal("account_exists"),
  name: z.string(),
  signInLink: z.url(),
});

export const MailMessage = z.discriminatedUnion("template", [VerifyEmail, AccountExists]);
export type MailMessage = z.infer<typeof MailMessage>;
