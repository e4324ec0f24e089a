import { useEffect, useState } from "react";
import { Badge, Button } from "./controls.tsx";
import type { Live, SocketState } from "./live.ts";
import { Spinner } from "./states.tsx";

const LABEL: Record<SocketState, string> = {
  connecting: "Connecting",
  connected: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

/** The live socket's state, always visible and announced when it changes. */
export function ConnectionBadge({ state }: { state: SocketState }) {
  return (
    <span role="status" aria-live="polite" data-testid="connection" data-state={state}>
      <Badge tone={state === "connected" ? "success" : state === "offline" ? "danger" : "warning"}>
        <span aria-hidden="true">●</span> {LABEL[state]}
      </Badge>
    </span>
  );
}

/**
 * A first connection is given this long behind a spinner; after it the page says it is not
 * connected and why, instead of spinning for ever (the socket keeps trying meanwhile).
 */
export const CONNECT_PATIENCE_MS = 8_000;

/**
 * What a live page shows until its first snapshot arrives: a spinner at first, then the
 * connection's state, the last reason it failed and a way to try again at once.
 */
export function LiveWaiting({ live, label, what }: { live: Live; label: string; what: string }) {
  const [patient, setPatient] = useState(true);
  useEffect(() => {
    const timer = setTimeout(() => setPatient(false), CONNECT_PATIENCE_MS);
    return () => clearTimeout(timer);
  }, []);
  const waiting = patient && live.state !== "offline";
  return (
    <div className="stack">
      <ConnectionBadge state={live.state} />
      {waiting ? (
        <Spinner label={label} />
      ) : (
        <div className="ui-state" role="alert" data-testid="not-connected">
          <h2>{live.state === "offline" ? "You're offline" : `Can't reach ${what} yet`}</h2>
          <p className="muted" style={{ margin: 0 }}>
            {live.state === "offline"
              ? "This device has no network. The page connects by itself when it is back."
              : `${live.problem ?? "The connection has not opened."} Still trying by itself.`}
          </p>
          <Button variant="secondary" onClick={live.retry}>
            Try again now
          </Button>
        </div>
      )}
    </div>
  );
}
