import { type FormEvent, useState } from "react";
import type { OrderView } from "../../../schema/orders.ts";
import { Button, Card } from "../../ui/index.ts";
import { api } from "./session.ts";

const STARS = [1, 2, 3, 4, 5] as const;
const COMMENT_MAX = 500;

/**
 * After delivery the customer rates the order once: stars as a radio group (arrow keys move
 * between them, a screen reader reads "4 stars, 4 of 5"), and an optional comment.
 */
export function RatingCard({
  order,
  onRated,
}: {
  order: OrderView;
  onRated(order: OrderView): void;
}) {
  const [stars, setStars] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (order.rating) {
    return (
      <Card aria-label="Your rating">
        <p style={{ margin: 0 }} data-testid="rating">
          You rated this order{" "}
          <strong>
            <span aria-hidden="true">
              {"★".repeat(order.rating.stars)}
              {"☆".repeat(5 - order.rating.stars)}
            </span>
            <span className="sr-only">{order.rating.stars} of 5 stars</span>
          </strong>
          {order.rating.comment ? ` — “${order.rating.comment}”` : ""}. Thank you!
        </p>
      </Card>
    );
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (stars === null) {
      setError("Choose from 1 to 5 stars.");
      return;
    }
    const comment = String(new FormData(event.currentTarget).get("comment") ?? "").trim();
    setBusy(true);
    setError(null);
    const result = await api.post<OrderView>(`/api/orders/${order.id}/rating`, {
      stars,
      ...(comment ? { comment } : {}),
    });
    setBusy(false);
    if (result.ok) onRated(result.value);
    else setError(result.error.message);
  };

  return (
    <Card aria-label="Rate this order">
      <form className="stack" onSubmit={submit} id="rate">
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>
            <h2 style={{ margin: 0 }}>How was it?</h2>
          </legend>
          <div className="row" role="presentation">
            {STARS.map((n) => (
              <label key={n} className="ui-choice" style={{ fontSize: 24 }}>
                <input
                  type="radio"
                  name="stars"
                  value={n}
                  checked={stars === n}
                  onChange={() => setStars(n)}
                  aria-label={`${n} ${n === 1 ? "star" : "stars"}`}
                />
                <span
                  aria-hidden="true"
                  style={{ color: stars !== null && n <= stars ? "#b45309" : "inherit" }}
                >
                  {stars !== null && n <= stars ? "★" : "☆"}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="ui-field">
          <label htmlFor="rating-comment">Anything to add? (optional)</label>
          <textarea
            id="rating-comment"
            name="comment"
            className="ui-input"
            rows={2}
            maxLength={COMMENT_MAX}
          />
        </div>
        {error ? (
          <p role="alert" style={{ color: "var(--color-danger)", margin: 0 }}>
            {error}
          </p>
        ) : null}
        <Button type="submit" busy={busy}>
          Send rating
        </Button>
      </form>
    </Card>
  );
}
