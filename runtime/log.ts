import { traceIdOf } from "./trace.ts";

/**
 * One JSON line per log entry at the edge (the Worker and the actors), with the fields the bridge's
 * pino lines carry: `level`, `time`, `service`, `msg`, and `trace_id` when the entry belongs to a
 * traced request, so one search follows a request across the edge and the bridge. Callers pass
 * only what may leave the platform (runtime/redact.ts for errors): never secrets or personal data.
 */
export type LogLevel = "info" | "warn" | "error";

export function logLine(
  level: LogLevel,
  msg: string,
  fields: Record<string, unknown> & { traceparent?: string | undefined } = {},
): void {
  const { traceparent, ...rest } = fields;
  const traceId = traceparent ? traceIdOf(traceparent) : null;
  const line = JSON.stringify({
    level,
    time: new Date().toISOString(),
    service: "dizh-edge",
    msg,
    ...(traceId ? { trace_id: traceId } : {}),
    ...rest,
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
