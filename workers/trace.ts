import { Traceparent } from "../schema/events.ts";

function hex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * A W3C traceparent for work that starts here: the incoming one's trace with a new span when the
 * caller sent a valid one, otherwise a new trace.
 */
export function traceparentFrom(incoming: string | null | undefined): string {
  const parsed = Traceparent.safeParse(incoming);
  const traceId = parsed.success ? parsed.data.slice(3, 35) : hex(16);
  return `00-${traceId}-${hex(8)}-01`;
}
