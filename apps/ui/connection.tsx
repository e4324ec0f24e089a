import { Badge } from "./controls.tsx";
import type { SocketState } from "./live.ts";

const LABEL: Record<SocketState, string> = {
  connecting: "Connecting",
  connected: "Live",
  reconnecting: "Reconnecting",
};

/** The live socket's state, always visible and announced when it changes. */
export function ConnectionBadge({ state }: { state: SocketState }) {
  return (
    <span role="status" aria-live="polite" data-testid="connection" data-state={state}>
      <Badge tone={state === "connected" ? "success" : "warning"}>
        <span aria-hidden="true">●</span> {LABEL[state]}
      </Badge>
    </span>
  );
}
