import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { eventually } from "./eventually.ts";

/** A received mail, decoded: what a person reads, and the first link in it. */
export type ReceivedMail = { id: string; to: string; subject: string; text: string; link: string };

/**
 * Reads the local stack's mailbox (a folder of .eml files the bridge's mailer writes, as an SMTP
 * server would store them) with a real MIME parser: quoted-printable, encoded headers and all.
 */
export async function mailboxMessages(dir: string): Promise<ReceivedMail[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const mails = await Promise.all(
    names
      .filter((name) => name.endsWith(".eml"))
      .map(async (name) => {
        const parsed = await simpleParser(await readFile(path.join(dir, name)));
        const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
        return received(
          name.replace(/\.eml$/, ""),
          to?.value[0]?.address ?? "",
          parsed.subject ?? "",
          parsed.text ?? "",
        );
      }),
  );
  return mails;
}

export function received(id: string, to: string, subject: string, text: string): ReceivedMail {
  return { id, to: to.toLowerCase(), subject, text, link: /https?:\/\/\S+/.exec(text)?.[0] ?? "" };
}

/** Waits for a mail to an address whose subject matches, in the folder. */
export function awaitMail(
  dir: string,
  to: string,
  subject: RegExp,
  timeoutMs = 20_000,
): Promise<ReceivedMail> {
  return eventually(
    async () =>
      (await mailboxMessages(dir)).find(
        (mail) => mail.to === to.toLowerCase() && subject.test(mail.subject),
      ),
    timeoutMs,
    `a mail to ${to} with a subject like ${subject}`,
  );
}

/** The token a link carries in its fragment (`#token=...`). */
export function linkToken(link: string): string {
  return new URLSearchParams(new URL(link).hash.slice(1)).get("token") ?? "";
}
