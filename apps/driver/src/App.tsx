import { type FormEvent, lazy, Suspense, useEffect, useState } from "react";
import { Button, Card, Field, Link, Spinner, useRouter } from "../../ui/index.ts";
import { api, useSession } from "./session.ts";
import { WorkPage } from "./WorkPage.tsx";

const EarningsPage = lazy(() => import("./EarningsPage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  const [resumed, setResumed] = useState(false);
  useEffect(() => {
    void api.resume().finally(() => setResumed(true));
  }, []);
  if (!resumed) return <Spinner label="Starting" />;

  const driver = session?.user.role === "driver" ? session.user : null;
  return (
    <>
      <a className="ui-skip" href="#main">
        Skip to content
      </a>
      <header className="ui-topbar">
        <div className="ui-shell ui-shell--phone spread" style={{ paddingBlock: 8 }}>
          <strong style={{ color: "var(--color-success)" }}>DizhTime Courier</strong>
          {session ? (
            <Button variant="ghost" size="small" onClick={() => api.signOut()}>
              Sign out
            </Button>
          ) : null}
        </div>
        {driver ? (
          <nav aria-label="Main" className="ui-shell ui-shell--phone" style={{ paddingBlock: 0 }}>
            <Link to="/">Work</Link>
            <Link to="/earnings">Earnings</Link>
          </nav>
        ) : null}
      </header>
      <main id="main" className="ui-shell ui-shell--phone">
        {!session ? <SignIn /> : null}
        {session && !driver ? (
          <Card>
            <p role="alert">This is the courier app; sign in with a courier account.</p>
          </Card>
        ) : null}
        {driver ? (
          <Suspense fallback={<Spinner />}>
            {path.startsWith("/earnings") ? <EarningsPage /> : <WorkPage driverId={driver.id} />}
          </Suspense>
        ) : null}
      </main>
    </>
  );
}

function SignIn() {
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
    if (mode === "signup") {
      body.name = String(form.get("name") ?? "");
      body.role = "driver";
    }
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
      <h1>{mode === "signup" ? "Become a courier" : "Courier sign-in"}</h1>
      <form className="stack" onSubmit={submit}>
        {mode === "signup" ? <Field label="Name" name="name" autoComplete="name" required /> : null}
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
          required
          error={error}
        />
        <Button type="submit" busy={busy}>
          {mode === "signup" ? "Create account" : "Sign in"}
        </Button>
      </form>
      <Button
        variant="ghost"
        size="small"
        onClick={() => setMode(mode === "signup" ? "signin" : "signup")}
      >
        {mode === "signup" ? "I have an account" : "Create a courier account"}
      </Button>
    </Card>
  );
}
