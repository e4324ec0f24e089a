import { lazy, Suspense } from "react";
import { Spinner, useRouter } from "../../ui/index.ts";
import { AppShell } from "../../ui/shell.tsx";
import { SignInForm } from "../../ui/sign-in.tsx";
import { api, useSession } from "./session.ts";

// The city map carries h3-js and Leaflet: loaded after the shell, like every page here.
const CityPage = lazy(() => import("./CityPage.tsx").then((m) => ({ default: m.CityPage })));
const AnalyticsPage = lazy(() => import("./AnalyticsPage.tsx"));
const OrdersPage = lazy(() => import("./OrdersPage.tsx"));
const ManagePage = lazy(() => import("./ManagePage.tsx"));
const SystemPage = lazy(() => import("./SystemPage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  return (
    <AppShell
      api={api}
      session={session}
      name="DizhTime Admin"
      tone="info"
      nav={[
        { to: "/", label: "City" },
        { to: "/analytics", label: "Analytics" },
        { to: "/orders", label: "Orders" },
        { to: "/manage", label: "Manage" },
        { to: "/system", label: "System" },
      ]}
      allowed={(s) => s.user.role === "admin"}
      wrongAccount="This is the admin app; sign in with an admin account."
      signIn={<SignInForm api={api} title="Admin sign-in" />}
    >
      {() => (
        <Suspense fallback={<Spinner />}>
          {path.startsWith("/analytics") ? (
            <AnalyticsPage />
          ) : path.startsWith("/orders") ? (
            <OrdersPage />
          ) : path.startsWith("/manage") ? (
            <ManagePage />
          ) : path.startsWith("/system") ? (
            <SystemPage />
          ) : (
            <CityPage />
          )}
        </Suspense>
      )}
    </AppShell>
  );
}
