import { lazy, Suspense } from "react";
import { Spinner, useRouter } from "../../ui/index.ts";
import { AppShell } from "../../ui/shell.tsx";
import { SignInForm } from "../../ui/sign-in.tsx";
import { BoardPage } from "./BoardPage.tsx";
import { api, useSession } from "./session.ts";

const MenuPage = lazy(() => import("./MenuPage.tsx"));
const TodayPage = lazy(() => import("./TodayPage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  return (
    <AppShell
      api={api}
      session={session}
      name="DizhTime Kitchen"
      tone="brand"
      nav={[
        { to: "/", label: "Tickets" },
        { to: "/menu", label: "Menu" },
        { to: "/today", label: "Today" },
      ]}
      allowed={(s) => Boolean(s.user.restaurantId)}
      wrongAccount="This account does not work for a restaurant. Sign in with a staff account."
      signIn={<SignInForm api={api} title="Staff sign-in" />}
      account={session ? <span className="muted">{session.user.name}</span> : null}
    >
      {(s) => {
        const restaurantId = s.user.restaurantId!;
        return (
          <Suspense fallback={<Spinner />}>
            {path.startsWith("/menu") ? (
              <MenuPage restaurantId={restaurantId} />
            ) : path.startsWith("/today") ? (
              <TodayPage restaurantId={restaurantId} />
            ) : (
              <BoardPage restaurantId={restaurantId} />
            )}
          </Suspense>
        );
      }}
    </AppShell>
  );
}
