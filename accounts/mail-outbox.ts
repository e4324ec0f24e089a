import type { Tx } from "../runtime/db.ts";
import { mailOutbox } from "../schema/db/index.ts";
import type { MailMessage } from "../schema/mail.ts";

/**
 * Queues a mail in the transaction of the change that calls for it: it is sent (by the bridge's
 * mailer) exactly when the change commits, and a mail server that is down never fails or slows
 * the request.
 */
export async function queueMail(
  tx: Tx,
  recipient: string,
  message: MailMessage,
  nowMs: number,
): Promise<void> {
  const now = new Date(nowMs);
  await tx.insert(mailOutbox).values({ recipient, message, createdAt: now, notBefore: now });
}
