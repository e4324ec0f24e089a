import { lazy, Suspense } from "react";
import { matchPath, Spinner, useRouter } from "../../ui/index.ts";
import { AppShell } from "../../ui/shell.tsx";
import { SignInForm } from "../../ui/sign-in.tsx";
import { useCart } from "./cart.ts";
import { DiscoverPage } from "./DiscoverPage.tsx";
import { api, useSession } from "./session.ts";

// Pages a first visit does not need are split out, so the first paint loads only discovery.
const RestaurantPage = lazy(() => import("./RestaurantPage.tsx"));
const CartPage = lazy(() => import("./CartPage.tsx"));
const WalletPage = lazy(() => import("./WalletPage.tsx"));
const OrdersPage = lazy(() => import("./OrdersPage.tsx"));
const TrackingPage = lazy(() => import("./TrackingPage.tsx"));

export function App() {
  const session = useSession();
  const cart = useCart();
  const { path } = useRouter();
  const count = cart?.lines.reduce((sum, line) => sum + line.quantity, 0) ?? 0;
  return (
    <AppShell
      api={api}
      session={session}
      name="DizhTime"
      tone="brand"
      phone
      nav={[
        { to: "/", label: "Discover" },
        { to: "/cart", label: `Cart${count ? ` (${count})` : ""}` },
        { to: "/orders", label: "Orders" },
        { to: "/wallet", label: "Wallet" },
      ]}
      allowed={() => true}
      wrongAccount=""
      signIn={
        <SignInForm
          api={api}
          title="Sign in"
          signUp={{ title: "Create your account", invite: "Create an account" }}
        />
      }
    >
      {() => (
        <Suspense fallback={<Spinner />}>
          <Page path={path} />
        </Suspense>
      )}
    </AppShell>
  );
}

function Page({ path }: { path: string }) {
  const restaurant = matchPath("/r/:id", path);
  if (restaurant) return <RestaurantPage id={restaurant.id!} />;
  const order = matchPath("/orders/:id", path);
  if (order) return <TrackingPage id={order.id!} />;
  if (path === "/cart") return <CartPage />;
  if (path === "/wallet") return <WalletPage />;
  if (path === "/orders") return <OrdersPage />;
  return <DiscoverPage />;
}
