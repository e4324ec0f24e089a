import { type ReactNode, useEffect, useState } from "react";
import type { Session } from "../../schema/auth.ts";
import type { Api } from "./api.ts";
import { Button, Card } from "./controls.tsx";
import { Link } from "./router.tsx";
import { Spinner } from "./states.tsx";

/**
 * The frame every app shares: a skip link, a top bar with the app's name and sign-out, the main
 * navigation for the people the app is for, and the page. Before the page, the session: resumed
 * from the stored refresh token on first load, the sign-in form without one, and a plain word
 * for someone signed in with an account of another kind.
 */
export function AppShell({
  api,
  session,
  name,
  tone,
  phone = false,
  nav,
  allowed,
  wrongAccount,
  signIn,
  account,
  children,
}: {
  api: Api;
  session: Session | null;
  name: string;
  /** The colour of the app's name: each app its own, so a shared screen says which it is. */
  tone: "brand" | "info" | "success";
  /** Laid out for a phone first (customers, couriers). */
  phone?: boolean;
  nav: ReadonlyArray<{ to: string; label: string }>;
  /** Whether this session is one the app serves. */
  allowed: (session: Session) => boolean;
  wrongAccount: string;
  signIn: ReactNode;
  /** Beside sign-out: who is signed in, where that helps (a shared kitchen tablet). */
  account?: ReactNode;
  children: (session: Session) => ReactNode;
}) {
  const [resumed, setResumed] = useState(false);
  useEffect(() => {
    void api.resume().finally(() => setResumed(true));
  }, [api]);
  if (!resumed) return <Spinner label={`Starting ${name}`} />;

  const width = phone ? "ui-shell ui-shell--phone" : "ui-shell";
  const served = session !== null && allowed(session);
  return (
    <>
      <a className="ui-skip" href="#main">
        Skip to content
      </a>
      <header className="ui-topbar">
        <div className={`${width} spread`} style={{ paddingBlock: 8 }}>
          <strong style={{ color: `var(--color-${tone})` }}>{name}</strong>
          {session ? (
            <div className="row">
              {account}
              <Button variant="ghost" size="small" onClick={() => api.signOut()}>
                Sign out
              </Button>
            </div>
          ) : null}
        </div>
        {served && nav.length > 0 ? (
          <nav aria-label="Main" className={width} style={{ paddingBlock: 0 }}>
            {nav.map((item) => (
              <Link key={item.to} to={item.to}>
                {item.label}
              </Link>
            ))}
          </nav>
        ) : null}
      </header>
      <main id="main" className={width}>
        {!session ? signIn : null}
        {session && !served ? (
          <Card>
            <p role="alert">{wrongAccount}</p>
          </Card>
        ) : null}
        {served ? children(session) : null}
      </main>
    </>
  );
}
