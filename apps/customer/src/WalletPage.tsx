import { type FormEvent, useState } from "react";
import type { SimulatorConfirmation, TopUp, Wallet } from "../../../schema/ledger.ts";
import { idempotencyKey } from "../../ui/api.ts";
import { Button, Card, ErrorState, Field, Spinner, useToast } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { api } from "./session.ts";

const AMOUNTS_CENTS = [1_000, 2_500, 5_000, 10_000];
/** The simulated provider's card that always succeeds. */
const TEST_CARD = "4242 4242 4242 4242";

/**
 * The wallet: money and points, and a card top-up. The top-up is a payment intent confirmed at
 * the (simulated) provider, whose signed webhook credits the wallet, as a real processor would.
 */
export default function WalletPage() {
  const wallet = useApiQuery<Wallet>(api, "/api/wallet");
  const [amount, setAmount] = useState(AMOUNTS_CENTS[1]!);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();

  const topUp = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const card = String(new FormData(event.currentTarget).get("card") ?? "");
    setBusy(true);
    setError(null);
    const intent = await api.post<TopUp>("/api/wallet/top-ups", {
      amountCents: amount,
      idempotencyKey: idempotencyKey("top-up"),
    });
    if (!intent.ok || !intent.value.confirmUrl || !intent.value.clientSecret) {
      setBusy(false);
      setError(
        intent.ok ? "This payment provider cannot be confirmed here." : intent.error.message,
      );
      return;
    }
    const confirmed = await api.post<SimulatorConfirmation>(intent.value.confirmUrl, {
      clientSecret: intent.value.clientSecret,
      card,
    });
    setBusy(false);
    if (!confirmed.ok) {
      setError(confirmed.error.message);
      return;
    }
    toast.show(`Added ${formatCents(amount)} to your wallet`);
    void wallet.refetch();
  };

  return (
    <div className="stack">
      <h1>Wallet</h1>
      <Card aria-label="Balance">
        {wallet.isPending ? <Spinner label="Loading your wallet" /> : null}
        {wallet.isError ? (
          <ErrorState message={wallet.error.message} onRetry={() => void wallet.refetch()} />
        ) : null}
        {wallet.isSuccess ? (
          <div className="stack">
            <div className="spread">
              <span>Balance</span>
              <strong className="money" style={{ fontSize: 24 }} data-testid="balance">
                {formatCents(wallet.data.money.availableCents)}
              </strong>
            </div>
            {wallet.data.money.heldCents > 0 ? (
              <div className="spread muted">
                <span>Held for orders in progress</span>
                <span className="money">{formatCents(wallet.data.money.heldCents)}</span>
              </div>
            ) : null}
            <div className="spread">
              <span>Points</span>
              <strong data-testid="points">{wallet.data.points.availablePoints}</strong>
            </div>
          </div>
        ) : null}
      </Card>
      <Card aria-label="Top up">
        <form className="stack" onSubmit={topUp}>
          <h2>Top up</h2>
          <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>Amount</legend>
            {AMOUNTS_CENTS.map((cents) => (
              <Button
                key={cents}
                size="small"
                variant={cents === amount ? "primary" : "secondary"}
                aria-pressed={cents === amount}
                onClick={() => setAmount(cents)}
              >
                {formatCents(cents)}
              </Button>
            ))}
          </fieldset>
          <Field
            label="Card number"
            name="card"
            defaultValue={TEST_CARD}
            inputMode="numeric"
            autoComplete="cc-number"
            hint="Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined."
            error={error}
          />
          <Button type="submit" busy={busy}>
            Add {formatCents(amount)}
          </Button>
        </form>
      </Card>
    </div>
  );
}
