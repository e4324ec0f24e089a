import { lazy, Suspense } from "react";
import { Spinner, useRouter } from "../../ui/index.ts";
import { AppShell } from "../../ui/shell.tsx";
import { SignInForm } from "../../ui/sign-in.tsx";
import { api, useSession } from "./session.ts";
import { WorkPage } from "./WorkPage.tsx";

const EarningsPage = lazy(() => import("./EarningsPage.tsx"));

export function App() {
  const session = useSession();
  const { path } = useRouter();
  return (
    <AppShell
      api={api}
      session={session}
      name="DizhTime Courier"
      tone="success"
      phone
      nav={[
        { to: "/", label: "Work" },
        { to: "/earnings", label: "Earnings" },
      ]}
      allowed={(s) => s.user.role === "driver"}
      wrongAccount="This is the courier app; sign in with a courier account."
      signIn={
        <SignInForm
          api={api}
          title="Courier sign-in"
          signUp={{ title: "Become a courier", invite: "Create a courier account", role: "driver" }}
        />
      }
    >
      {(s) => (
        <Suspense fallback={<Spinner />}>
          {path.startsWith("/earnings") ? <EarningsPage /> : <WorkPage driverId={s.user.id} />}
        </Suspense>
      )}
    </AppShell>
  );
}
