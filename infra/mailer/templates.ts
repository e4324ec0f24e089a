import type { MailMessage } from "../../schema/mail.ts";

/** A message ready for the transport: a plain-text part, and HTML for clients that show it. */
export type RenderedMail = { subject: string; text: string; html: string };

/**
 * The platform's mail, rendered from its template and parameters. Pure: the same message renders
 * the same everywhere (the mailer, the tests, a preview). Every parameter is escaped in the HTML:
 * a name is whatever the person typed.
 */
export function renderMail(message: MailMessage, nowMs: number): RenderedMail {
  switch (message.template) {
    case "verify_email": {
      const hours = Math.max(1, Math.round((Date.parse(message.expiresAt) - nowMs) / 3_600_000));
      const lasts = `The link works once, for the next ${hours} hour${hours === 1 ? "" : "s"}.`;
      return page({
        subject: "Confirm your email for DizhTime",
        greeting: `Hi ${message.name},`,
        paragraphs: [
          "Welcome to DizhTime. Confirm this is your email address to finish creating your account:",
        ],
        action: { label: "Confirm my email", href: message.link },
        after: [lasts, "If you did not sign up, ignore this mail: no account is made without it."],
      });
    }
    case "account_exists":
      return page({
        subject: "Someone tried to sign up with your email",
        greeting: `Hi ${message.name},`,
        paragraphs: [
          "Someone just tried to create a DizhTime account with this email address, which already has one.",
          "If it was you, sign in instead:",
        ],
        action: { label: "Sign in", href: message.signInLink },
        after: ["If it was not you, you need not do anything: your account is unchanged."],
      });
  }
}

function page(parts: {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action: { label: string; href: string };
  after: string[];
}): RenderedMail {
  const text = [
    parts.greeting,
    ...parts.paragraphs,
    parts.action.href,
    ...parts.after,
    "— DizhTime",
  ].join("\n\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933; max-width: 36rem; margin: 0 auto; padding: 1.5rem">
<p>${escapeHtml(parts.greeting)}</p>
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
<p><a href="${escapeHtml(parts.action.href)}" style="display: inline-block; padding: 0.6rem 1.2rem; background: #c2410c; color: #fff; border-radius: 0.4rem; text-decoration: none">${escapeHtml(parts.action.label)}</a></p>
<p style="font-size: 0.9rem">Or open this address: ${escapeHtml(parts.action.href)}</p>
${parts.after.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
<p>— DizhTime</p>
</body></html>`;
  return { subject: parts.subject, text, html };
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
