import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type { RenderedMail } from "./templates.ts";

/** One outgoing message, with the id that names it everywhere (Message-ID, file name). */
export type Envelope = RenderedMail & { id: string; to: string; from: string };

/** Sends one message; rejects when the message was not accepted (it will be tried again). */
export type MailTransport = {
  send(mail: Envelope): Promise<void>;
  close(): void;
  /** Where mail goes, for the logs: never a password from the URL. */
  describe: string;
};

/** SMTP timeouts: a server that does not answer fails the try, and the mail waits for the next. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** A real SMTP server (smtp:// or smtps://, credentials in the URL), through nodemailer. */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  const parsed = new URL(url);
  return {
    async send(mail) {
      await transporter.sendMail(message(mail));
    },
    close: () => transporter.close(),
    describe: `${parsed.protocol}//${parsed.host}`,
  };
}

/**
 * The embedded default: each message written as an .eml file (RFC 5322, as an SMTP server would
 * receive it) into a folder, so `npm start` works without a mail server and its mail can be read.
 */
export function mailboxTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    async send(mail) {
      const info = await transporter.sendMail(message(mail));
      await mkdir(dir, { recursive: true });
      // Written whole under a temporary name, then renamed: a reader never sees half a message.
      const file = path.join(dir, `${mail.id}.eml`);
      await writeFile(`${file}.part`, info.message as Buffer);
      await rename(`${file}.part`, file);
    },
    close: () => transporter.close(),
    describe: `mailbox ${dir}`,
  };
}

function message(mail: Envelope): nodemailer.SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.id}@mail.dizhtime>`,
  };
}
