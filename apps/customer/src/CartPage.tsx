import { useEffect, useRef, useState } from "react";
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
import { formatCents } from "../../ui/money.ts";
import { type Cart, cartItems, DEFAULT_ADDRESS, setCart, useCart } from "./cart.ts";
import { api } from "./session.ts";

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
  const [address, setAddress] = useState(DEFAULT_ADDRESS.text);
  const [tipCents, setTipCents] = useState(TIPS_CENTS[1]!);
  const [points, setPoints] = useState(0);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [priced, setPriced] = useState<Priced>({ state: "loading" });
  const [placing, setPlacing] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);
  // One key per checkout: a retried click (or a lost answer) places the order once.
  const checkoutKey = useRef(idempotencyKey("checkout"));

  const body: QuoteBody = {
    restaurantId: cart.restaurantId,
    items: cartItems(cart),
    deliveryAddress: { ...DEFAULT_ADDRESS, text: address.trim() || DEFAULT_ADDRESS.text },
    tipCents,
    pointsToRedeem: points,
  };
  const bodyKey = JSON.stringify(body);

  useEffect(() => {
    void api.get<Wallet>("/api/wallet").then((result) => {
      if (result.ok) setWallet(result.value);
    });
  }, []);

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

  const availablePoints = wallet?.points.availablePoints ?? 0;
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
          />
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
      {wallet ? (
        <p className="muted">
          Wallet balance: <span className="money">{formatCents(wallet.money.availableCents)}</span>{" "}
          · <Link to="/wallet">Top up</Link>
        </p>
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
