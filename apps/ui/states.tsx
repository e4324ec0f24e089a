import type { ReactNode } from "react";
import { Button } from "./controls.tsx";

/** A spinner with a label that screen readers announce politely. */
export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <div className="ui-state" role="status" aria-live="polite">
      <div className="ui-spinner" aria-hidden="true" />
      <span className="muted">{label}…</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="ui-state">
      <h2>{title}</h2>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

/** A failure the person can read, with a retry when the caller has one. */
export function ErrorState({
  title = "Something went wrong",
  message,
  onRetry,
}: {
  title?: string;
  message: string;
  onRetry?: () => void;
}) {
  return (
    <div className="ui-state" role="alert">
      <h2>{title}</h2>
      <p className="muted">{message}</p>
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
