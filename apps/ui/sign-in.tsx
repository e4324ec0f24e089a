import { type FormEvent, useState } from "react";
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
  const joining = mode === "signup" && signUp !== undefined;

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
    const result = await api.signIn(joining ? "/api/auth/signup" : "/api/auth/login", body);
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };

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
