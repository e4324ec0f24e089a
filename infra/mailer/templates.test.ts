import { describe, expect, it } from "vitest";
import { renderMail } from "./templates.ts";

const NOW = Date.parse("2026-12-07T12:00:00Z");

describe("the platform's mail", () => {
  const verify = renderMail(
    {
      template: "verify_email",
      name: `<script>alert("x")</script> & Co`,
      link: "https://dizhtime.example/verify-email#token=abc",
      expiresAt: new Date(NOW + 24 * 3_600_000).toISOString(),
    },
    NOW,
  );

  it("puts the link in both parts and says how long it lasts", () => {
    expect(verify.subject).toBe("Confirm your email for DizhTime");
    expect(verify.text).toContain("https://dizhtime.example/verify-email#token=abc");
    expect(verify.text).toContain("for the next 24 hours");
    expect(verify.html).toContain('href="https://dizhtime.example/verify-email#token=abc"');
  });

  it("escapes what people typed in the HTML, and keeps it as typed in the text", () => {
    expect(verify.html).not.toContain("<script>");
    expect(verify.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(verify.text).toContain(`Hi <script>alert("x")</script> & Co,`);
  });

  it("tells an account's owner of a signup with their address, and asks nothing of them", () => {
    const note = renderMail(
      { template: "account_exists", name: "Ada", signInLink: "https://dizhtime.example/" },
      NOW,
    );
    expect(note.subject).toBe("Someone tried to sign up with your email");
    expect(note.text).toContain("https://dizhtime.example/");
    expect(note.text).toContain("your account is unchanged");
  });
});
