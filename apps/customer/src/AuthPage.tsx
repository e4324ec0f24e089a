import { type FormEvent, useState } from "react";
import { Button, Card, Field } from "../../ui/index.ts";
import { api } from "./session.ts";

/** Sign in, or create an account: one form, the name asked only when signing up. */
export function AuthPage() {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: Record<string, string> = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    if (mode === "signup") body.name = String(form.get("name") ?? "");
    setBusy(true);
    setError(null);
    const result = await api.signIn(
      mode === "signup" ? "/api/auth/signup" : "/api/auth/login",
      body,
    );
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };

  return (
    <Card>
      <h1>{mode === "signup" ? "Create your account" : "Sign in"}</h1>
      <form className="stack" onSubmit={submit} noValidate={false}>
        {mode === "signup" ? (
          <Field label="Name" name="name" autoComplete="name" required maxLength={100} />
        ) : null}
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
          minLength={mode === "signup" ? 10 : 1}
          hint={mode === "signup" ? "At least 10 characters." : undefined}
          required
        />
        {error ? (
          <p role="alert" className="ui-error" style={{ color: "var(--color-danger)" }}>
            {error}
          </p>
        ) : null}
        <Button type="submit" busy={busy}>
          {mode === "signup" ? "Create account" : "Sign in"}
        </Button>
      </form>
      <p>
        {mode === "signup" ? "Already have an account?" : "New to DizhTime?"}{" "}
        <Button
          variant="ghost"
          size="small"
          onClick={() => {
            setMode(mode === "signup" ? "signin" : "signup");
            setError(null);
          }}
        >
          {mode === "signup" ? "Sign in" : "Create an account"}
        </Button>
      </p>
    </Card>
  );
}
