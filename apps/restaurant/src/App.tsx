import { type FormEvent, lazy, Suspense, useEffect, useState } from "react";
import { Button, Card, Field, Link, Spinner, useRouter } from "../../ui/index.ts";
import { BoardPage } from "./BoardPage.tsx";
import { api, useSession } from "./session.ts";

const MenuPage = lazy(() => import("./MenuPage.tsx"));
const TodayPage = lazy(() => import("./TodayPage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  const [resumed, setResumed] = useState(false);
  useEffect(() => {
    void api.resume().finally(() => setResumed(true));
  }, []);
  if (!resumed) return <Spinner label="Starting the kitchen" />;

  const restaurantId = session?.user.restaurantId ?? null;
  return (
    <>
      <a className="ui-skip" href="#main">
        Skip to content
      </a>
      <header className="ui-topbar">
        <div className="ui-shell spread" style={{ paddingBlock: 8 }}>
          <strong style={{ color: "var(--color-brand)" }}>DizhTime Kitchen</strong>
          {session ? (
            <div className="row">
              <span className="muted">{session.user.name}</span>
              <Button variant="ghost" size="small" onClick={() => api.signOut()}>
                Sign out
              </Button>
            </div>
          ) : null}
        </div>
        {restaurantId ? (
          <nav aria-label="Main" className="ui-shell" style={{ paddingBlock: 0 }}>
            <Link to="/">Tickets</Link>
            <Link to="/menu">Menu</Link>
            <Link to="/today">Today</Link>
          </nav>
        ) : null}
      </header>
      <main id="main" className="ui-shell">
        {!session ? <SignIn /> : null}
        {session && !restaurantId ? (
          <Card>
            <p role="alert">
              This account does not work for a restaurant. Sign in with a staff account.
            </p>
          </Card>
        ) : null}
        {restaurantId ? (
          <Suspense fallback={<Spinner />}>
            {path.startsWith("/menu") ? (
              <MenuPage restaurantId={restaurantId} />
            ) : path.startsWith("/today") ? (
              <TodayPage restaurantId={restaurantId} />
            ) : (
              <BoardPage restaurantId={restaurantId} />
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
      <h1>Staff sign-in</h1>
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
