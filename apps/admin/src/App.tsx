import { type FormEvent, lazy, Suspense, useEffect, useState } from "react";
import { Button, Card, Field, Link, Spinner, useRouter } from "../../ui/index.ts";
import { api, useSession } from "./session.ts";

// The city map carries h3-js and Leaflet: loaded after the shell, like every page here.
const CityPage = lazy(() => import("./CityPage.tsx").then((m) => ({ default: m.CityPage })));
const AnalyticsPage = lazy(() => import("./AnalyticsPage.tsx"));
const OrdersPage = lazy(() => import("./OrdersPage.tsx"));
const ManagePage = lazy(() => import("./ManagePage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  const [resumed, setResumed] = useState(false);
  useEffect(() => {
    void api.resume().finally(() => setResumed(true));
  }, []);
  if (!resumed) return <Spinner label="Starting" />;

  const admin = session?.user.role === "admin";
  return (
    <>
      <a className="ui-skip" href="#main">
        Skip to content
      </a>
      <header className="ui-topbar">
        <div className="ui-shell spread" style={{ paddingBlock: 8 }}>
          <strong style={{ color: "var(--color-info)" }}>DizhTime Admin</strong>
          {session ? (
            <Button variant="ghost" size="small" onClick={() => api.signOut()}>
              Sign out
            </Button>
          ) : null}
        </div>
        {admin ? (
          <nav aria-label="Main" className="ui-shell" style={{ paddingBlock: 0 }}>
            <Link to="/">City</Link>
            <Link to="/analytics">Analytics</Link>
            <Link to="/orders">Orders</Link>
            <Link to="/manage">Manage</Link>
          </nav>
        ) : null}
      </header>
      <main id="main" className="ui-shell">
        {!session ? <SignIn /> : null}
        {session && !admin ? (
          <Card>
            <p role="alert">This is the admin app; sign in with an admin account.</p>
          </Card>
        ) : null}
        {admin ? (
          <Suspense fallback={<Spinner />}>
            {path.startsWith("/analytics") ? (
              <AnalyticsPage />
            ) : path.startsWith("/orders") ? (
              <OrdersPage />
            ) : path.startsWith("/manage") ? (
              <ManagePage />
            ) : (
              <CityPage />
            )}
          </Suspense>
        ) : null}
      </main>
    </>
  );
}

function SignIn() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await api.signIn("/api/auth/login", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };
  return (
    <Card className="ui-shell--phone">
      <h1>Admin sign-in</h1>
      <form className="stack" onSubmit={submit}>
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={error}
        />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
    </Card>
  );
}
