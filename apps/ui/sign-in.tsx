import { type FormEvent, useEffect, useState } from "react";
import type { Api } from "./api.ts";
import { Button, Card, Field } from "./controls.tsx";

/** What an app offers someone new: its own wording, and the role a new account takes. */
export type SignUpOffer = {
  title: string;
  /** The link from signing in to signing up. */
  invite: string;
  /** Sent with the signup when the app is for a role other than customers (couriers). */
  role?: "driver";
};

/**
 * The apps' one sign-in form: email and password, and, where the app lets people sign up, the
 * same form asking their name too. The API's own message says what went wrong.
 */
export function SignInForm({
  api,
  title,
  signUp,
}: {
  api: Api;
  title: string;
  signUp?: SignUpOffer;
}) {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The address a link was just mailed to: the form gives way to "check your email". */
  const [mailedTo, setMailedTo] = useState<string | null>(null);
  /** An address that signed up but never followed its link: offered a new one. */
  const [unverified, setUnverified] = useState<string | null>(null);
  const joining = mode === "signup" && signUp !== undefined;
  const linkToken = useVerificationLink();

  // An emailed link opens the app at .../verify-email#token=...: following it signs in.
  useEffect(() => {
    if (!linkToken) return;
    let cancelled = false;
    setBusy(true);
    void api.signIn("/api/auth/verify-email", { token: linkToken }).then((result) => {
      if (cancelled) return;
      setBusy(false);
      // The token is spent either way: off the address bar and out of the history, and the app
      // (its router listens for popstate) back at its start.
      history.replaceState(null, "", location.pathname.replace(/verify-email$/, ""));
      dispatchEvent(new PopStateEvent("popstate"));
      if (!result.ok) setError(result.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [api, linkToken]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: Record<string, string> = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    if (joining) {
      body.name = String(form.get("name") ?? "");
      if (signUp.role) body.role = signUp.role;
    }
    setBusy(true);
    setError(null);
    if (joining) {
      const result = await api.postAnonymous<{ email: string }>("/api/auth/signup", body);
      setBusy(false);
      if (result.ok) setMailedTo(result.value.email);
      else setError(result.error.message);
      return;
    }
    const result = await api.signIn("/api/auth/login", body);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      // Signed up, never followed the link: offer it again from here.
      if (result.error.code === "auth.email_unverified") setUnverified(body.email ?? null);
    }
  };

  const resend = async (email: string) => {
    setBusy(true);
    setError(null);
    const result = await api.postAnonymous<{ email: string }>("/api/auth/verify-email/resend", {
      email,
    });
    setBusy(false);
    if (result.ok) setMailedTo(result.value.email);
    else setError(result.error.message);
  };

  if (mailedTo) {
    return (
      <Card className="ui-shell--phone">
        <h1>Check your email</h1>
        <p role="status">
          We sent a link to <strong>{mailedTo}</strong>. Open it on this device to finish signing
          in. It works once, for 24 hours.
        </p>
        {error ? (
          <p role="alert" className="ui-error" style={{ color: "var(--color-danger)" }}>
            {error}
          </p>
        ) : null}
        <p>
          No mail?{" "}
          <Button variant="ghost" size="small" busy={busy} onClick={() => void resend(mailedTo)}>
            Send the link again
          </Button>{" "}
          <Button
            variant="ghost"
            size="small"
            onClick={() => {
              setMailedTo(null);
              setMode("signin");
            }}
          >
            Back to sign in
          </Button>
        </p>
      </Card>
    );
  }

  return (
    <Card className="ui-shell--phone">
      <h1>{joining ? signUp.title : title}</h1>
      <form className="stack" onSubmit={submit}>
        {joining ? (
          <Field label="Name" name="name" autoComplete="name" required maxLength={100} />
        ) : null}
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={joining ? "new-password" : "current-password"}
          minLength={joining ? 10 : 1}
          hint={joining ? "At least 10 characters." : undefined}
          required
        />
        {error ? (
          <p role="alert" className="ui-error" style={{ color: "var(--color-danger)" }}>
            {error}
          </p>
        ) : null}
        {unverified ? (
          <Button variant="ghost" size="small" onClick={() => void resend(unverified)}>
            Send the link again
          </Button>
        ) : null}
        <Button type="submit" busy={busy}>
          {joining ? "Create account" : "Sign in"}
        </Button>
      </form>
      {signUp ? (
        <p>
          {joining ? "Already have an account?" : "New to DizhTime?"}{" "}
          <Button
            variant="ghost"
            size="small"
            onClick={() => {
              setMode(joining ? "signin" : "signup");
              setError(null);
            }}
          >
            {joining ? "Sign in" : signUp.invite}
          </Button>
        </p>
      ) : null}
    </Card>
  );
}

/** The token of a verification link the app was opened with, read once from the fragment. */
function useVerificationLink(): string | null {
  const [token] = useState(() =>
    location.pathname.endsWith("/verify-email")
      ? new URLSearchParams(location.hash.slice(1)).get("token")
      : null,
  );
  return token;
}
