import { lazy, Suspense, useEffect, useRef, useState } from "react";
import type { Wallet } from "../../../schema/ledger.ts";
import type { Order, Quote, QuoteBody } from "../../../schema/orders.ts";
import { idempotencyKey } from "../../ui/api.ts";
import {
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Link,
  Spinner,
  useRouter,
  useToast,
} from "../../ui/index.ts";
import type { MapMarker } from "../../ui/MapView.tsx";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { type Cart, cartItems, setCart, useCart } from "./cart.ts";
import {
  checkoutAddress,
  DEFAULT_ADDRESS,
  type DeliveryPoint,
  locate,
  setDeliveryPoint,
  useDeliveryPoint,
} from "./location.ts";
import { api } from "./session.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

const TIPS_CENTS = [0, 200, 400, 600];
/** Changes to the cart are priced after a short pause, not on every keystroke. */
const QUOTE_DEBOUNCE_MS = 300;

type Priced =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; quote: Quote };

/** The cart, priced by the server; checkout pays from the wallet, optionally with points. */
export default function CartPage() {
  const cart = useCart();
  if (!cart) {
    return (
      <EmptyState title="Your cart is empty">
        <Link to="/">Find something to eat</Link>
      </EmptyState>
    );
  }
  return <Checkout cart={cart} />;
}

function Checkout({ cart }: { cart: Cart }) {
  const router = useRouter();
  const toast = useToast();
  const point = useDeliveryPoint();
  // With a located or picked point, the words are the customer's to add (flat, gate code).
  const [address, setAddress] = useState(() => (point ? "" : DEFAULT_ADDRESS.text));
  // Downtown's street name is no use to a courier sent to the customer's own point.
  useEffect(() => {
    if (point) setAddress((text) => (text === DEFAULT_ADDRESS.text ? "" : text));
  }, [point]);
  const [tipCents, setTipCents] = useState(TIPS_CENTS[1]!);
  const [points, setPoints] = useState(0);
  const wallet = useApiQuery<Wallet>(api, "/api/wallet");
  const [priced, setPriced] = useState<Priced>({ state: "loading" });
  const [placing, setPlacing] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);
  // One key per checkout: a retried click (or a lost answer) places the order once.
  const checkoutKey = useRef(idempotencyKey("checkout"));

  const destination = checkoutAddress(point, address);
  const body: QuoteBody = {
    restaurantId: cart.restaurantId,
    items: cartItems(cart),
    deliveryAddress: destination.address,
    tipCents,
    pointsToRedeem: points,
  };
  const bodyKey = JSON.stringify(body);

  useEffect(() => {
    let live = true;
    setPriced({ state: "loading" });
    const timer = setTimeout(async () => {
      const result = await api.post<Quote>("/api/orders/quote", JSON.parse(bodyKey));
      if (!live) return;
      setPriced(
        result.ok
          ? { state: "ready", quote: result.value }
          : { state: "error", message: result.error.message },
      );
    }, QUOTE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [bodyKey]);

  const change = (index: number, quantity: number) => {
    const lines = cart.lines
      .map((line, i) => (i === index ? { ...line, quantity } : line))
      .filter((line) => line.quantity > 0);
    setCart({ ...cart, lines });
  };

  const place = async () => {
    if (priced.state !== "ready") return;
    setPlacing(true);
    setFailure(null);
    const result = await api.post<Order>("/api/orders", {
      ...body,
      idempotencyKey: checkoutKey.current,
      expectedTotalCents: priced.quote.pricing.totalCents,
    });
    setPlacing(false);
    if (!result.ok) {
      setFailure(result.error);
      return;
    }
    checkoutKey.current = idempotencyKey("checkout");
    setCart(null);
    toast.show("Order placed");
    router.navigate(`/orders/${result.value.id}`);
  };

  const availablePoints = wallet.data?.points.availablePoints ?? 0;
  return (
    <div className="stack">
      <h1>Your order from {cart.restaurantName}</h1>
      <Card aria-label="Items">
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {cart.lines.map((line, index) => (
            <li key={line.lineId} className="spread">
              <div>
                <strong>{line.name}</strong>
                {line.choices.length > 0 ? (
                  <div className="muted">{line.choices.join(", ")}</div>
                ) : null}
              </div>
              <fieldset
                className="row"
                style={{ border: 0, padding: 0, margin: 0 }}
                aria-label={`Quantity of ${line.name}`}
              >
                <Button
                  size="small"
                  variant="secondary"
                  aria-label={`One less ${line.name}`}
                  onClick={() => change(index, line.quantity - 1)}
                >
                  −
                </Button>
                <span aria-live="polite">{line.quantity}</span>
                <Button
                  size="small"
                  variant="secondary"
                  aria-label={`One more ${line.name}`}
                  onClick={() => change(index, line.quantity + 1)}
                >
                  +
                </Button>
              </fieldset>
            </li>
          ))}
        </ul>
      </Card>
      <Card aria-label="Delivery">
        <div className="stack">
          <Field
            label="Deliver to"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            autoComplete="street-address"
            placeholder={point ? "Street, flat, gate code" : undefined}
          />
          <DeliverySpot point={point} fallback={destination.fallback} />
          <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>Tip for your courier</legend>
            {TIPS_CENTS.map((tip) => (
              <Button
                key={tip}
                size="small"
                variant={tip === tipCents ? "primary" : "secondary"}
                aria-pressed={tip === tipCents}
                onClick={() => setTipCents(tip)}
              >
                {tip === 0 ? "No tip" : formatCents(tip)}
              </Button>
            ))}
          </fieldset>
          <Field
            label="Points to use"
            type="number"
            min={0}
            max={availablePoints}
            value={points}
            hint={`You have ${availablePoints} points (1 point = 1¢).`}
            onChange={(e) =>
              setPoints(
                Math.max(0, Math.min(availablePoints, Math.floor(Number(e.target.value) || 0))),
              )
            }
          />
        </div>
      </Card>
      <Card aria-label="Total">
        {priced.state === "loading" ? <Spinner label="Pricing your order" /> : null}
        {priced.state === "error" ? <ErrorState message={priced.message} /> : null}
        {priced.state === "ready" ? <Totals quote={priced.quote} /> : null}
      </Card>
      {wallet.isSuccess ? (
        <p className="muted">
          Wallet balance:{" "}
          <span className="money">{formatCents(wallet.data.money.availableCents)}</span> ·{" "}
          <Link to="/wallet">Top up</Link>
        </p>
      ) : null}
      {wallet.isError ? (
        <div role="alert" className="ui-notice ui-notice--danger spread" data-testid="wallet-error">
          <span>
            Your wallet could not be read: {wallet.error.message} Points can't be used until it is.
          </span>
          <Button size="small" variant="secondary" onClick={() => void wallet.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}
      {failure ? (
        <p role="alert" style={{ color: "var(--color-danger)" }}>
          {failure.message}
          {failure.code === "wallet.insufficient_funds" ? (
            <>
              {" "}
              <Link to="/wallet">Top up your wallet</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <Button onClick={place} busy={placing} disabled={priced.state !== "ready"}>
        Place order
        {priced.state === "ready" ? ` · ${formatCents(priced.quote.pricing.totalCents)}` : ""}
      </Button>
    </div>
  );
}

/**
 * Where the courier is sent: the customer's located or picked point, or downtown Austin (said
 * plainly) until they share one. The map takes a click to move the pin; "Use my location" is the
 * keyboard's way to the same.
 */
function DeliverySpot({ point, fallback }: { point: DeliveryPoint | null; fallback: boolean }) {
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const locateMe = async () => {
    setLocating(true);
    setProblem(null);
    const found = await locate();
    setLocating(false);
    if (found.ok) setDeliveryPoint(found.point);
    else setProblem(found.message);
  };
  const shown = point ?? DEFAULT_ADDRESS;
  const markers: MapMarker[] = [
    {
      id: "door",
      position: shown,
      label: fallback ? "Default drop-off: downtown Austin" : "Your drop-off",
      glyph: "H",
      color: "#1d4ed8",
    },
  ];
  return (
    <div className="stack" data-testid="delivery-spot" data-source={point?.source ?? "default"}>
      {fallback ? (
        <p className="ui-notice ui-notice--warning" role="status" style={{ margin: 0 }}>
          No location shared: the courier will be sent to downtown Austin ({DEFAULT_ADDRESS.text}).
          Use your location or pick the spot on the map.
        </p>
      ) : (
        <p className="ui-notice ui-notice--info" role="status" style={{ margin: 0 }}>
          {point?.source === "located"
            ? "Delivering to your location"
            : "Delivering to the spot you picked"}{" "}
          ({shown.lat.toFixed(5)}, {shown.lng.toFixed(5)}).
        </p>
      )}
      {problem ? (
        <p role="alert" className="ui-notice ui-notice--danger" style={{ margin: 0 }}>
          Could not find you: {problem}
        </p>
      ) : null}
      <div className="row">
        <Button size="small" variant="secondary" onClick={locateMe} busy={locating}>
          Use my location
        </Button>
        <Button
          size="small"
          variant="secondary"
          aria-expanded={picking}
          onClick={() => setPicking(!picking)}
        >
          {picking ? "Done picking" : "Pick on the map"}
        </Button>
      </div>
      {picking ? (
        <Suspense fallback={<Spinner label="Loading the map" />}>
          <MapView
            height={240}
            markers={markers}
            description="Click the map where the courier should bring your order."
            onPick={(p) => setDeliveryPoint({ ...p, source: "picked" })}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

/** The server's numbers, line by line, as it will charge them. */
function Totals({ quote }: { quote: Quote }) {
  const p = quote.pricing;
  const rows: [string, number][] = [
    ["Subtotal", p.subtotalCents],
    ["Delivery fee", p.deliveryFeeCents],
    ["Service fee", p.serviceFeeCents],
    ...(p.smallOrderFeeCents
      ? ([["Small order fee", p.smallOrderFeeCents]] as [string, number][])
      : []),
    ["Tip", p.tipCents],
    ...(p.discountCents
      ? ([[`Points (${p.pointsRedeemed})`, -p.discountCents]] as [string, number][])
      : []),
  ];
  return (
    <div className="stack">
      <ul style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {quote.lines.map((line) => (
          <li key={line.itemId + line.lineTotalCents} className="spread">
            <span>
              {line.quantity} × {line.name}
            </span>
            <span className="money">{formatCents(line.lineTotalCents)}</span>
          </li>
        ))}
      </ul>
      <dl style={{ margin: 0 }}>
        {rows.map(([label, cents]) => (
          <div key={label} className="spread">
            <dt>{label}</dt>
            <dd className="money" style={{ margin: 0 }}>
              {formatCents(cents)}
            </dd>
          </div>
        ))}
        <div className="spread" style={{ fontWeight: 700, fontSize: 18 }}>
          <dt>Total</dt>
          <dd className="money" style={{ margin: 0 }} data-testid="total">
            {formatCents(p.totalCents)}
          </dd>
        </div>
      </dl>
      <p className="muted" style={{ margin: 0 }}>
        At your door in about {quote.etaMinutes} minutes.
      </p>
    </div>
  );
}
