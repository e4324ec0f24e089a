import { lazy, Suspense, useEffect, useState } from "react";
import { Button, Link, matchPath, Spinner, useRouter } from "../../ui/index.ts";
import { AuthPage } from "./AuthPage.tsx";
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
  const [resumed, setResumed] = useState(false);

  useEffect(() => {
    void api.resume().finally(() => setResumed(true));
  }, []);

  if (!resumed) return <Spinner label="Starting DizhTime" />;

  const count = cart?.lines.reduce((sum, line) => sum + line.quantity, 0) ?? 0;
  return (
    <>
      <a className="ui-skip" href="#main">
        Skip to content
      </a>
      <header className="ui-topbar">
        <div className="ui-shell ui-shell--phone spread" style={{ paddingBlock: 8 }}>
          <strong style={{ color: "var(--color-brand)" }}>DizhTime</strong>
          {session ? (
            <Button variant="ghost" size="small" onClick={() => api.signOut()}>
              Sign out
            </Button>
          ) : null}
        </div>
        {session ? (
          <nav aria-label="Main" className="ui-shell ui-shell--phone" style={{ paddingBlock: 0 }}>
            <Link to="/">Discover</Link>
            <Link to="/cart">Cart{count ? ` (${count})` : ""}</Link>
            <Link to="/orders">Orders</Link>
            <Link to="/wallet">Wallet</Link>
          </nav>
        ) : null}
      </header>
      <main id="main" className="ui-shell ui-shell--phone">
        {session ? (
          <Suspense fallback={<Spinner />}>
            <Page path={path} />
          </Suspense>
        ) : (
          <AuthPage />
        )}
      </main>
    </>
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
