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

/*
 * Trace ids for the logs: a log line that names the trace ids of its batch lets an operator follow
 * one order from the gateway, through the actor and the bridge, to the read model.
 */

/**
 * A batch of 100 events from one actor usually shares a handful of traces; past this many a log
 * line would be mostly ids, and the first few are enough to find the rest.
 */
export const LOG_TRACE_IDS_MAX = 8;

/** The trace id of a traceparent, or null if it is not one. */
export function traceIdOf(traceparent: string | undefined | null): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? "");
  return match?.[1] ?? null;
}

/** The distinct trace ids of some events, first seen first, at most LOG_TRACE_IDS_MAX. */
export function traceIdsOf(events: readonly { traceparent?: string | null }[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const id = traceIdOf(event.traceparent);
    if (id) ids.add(id);
    if (ids.size >= LOG_TRACE_IDS_MAX) break;
  }
  return [...ids];
}
