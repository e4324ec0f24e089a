import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { isolateTelemetry, shipTelemetryIfDue } from "../runtime/telemetry.ts";
import { TelemetryMethod } from "../schema/telemetry.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Rate, errors and duration of every request by route pattern (never the path itself: ids would
 * make a series per order), summed in the isolate and shipped to the bridge every few seconds
 * after the response has gone (runtime/telemetry.ts).
 */
export function requestTelemetry(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const startedMs = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - startedMs) / 1000;
      // Another method (TRACE, say) matches no route; it is counted under GET, its status telling.
      const method = TelemetryMethod.safeParse(c.req.method).data ?? "GET";
      isolateTelemetry.request(
        routeOf(c.res.status, routePath(c, -1)),
        method,
        c.res.status,
        seconds,
      );
      const config = c.var.config;
      if (config) {
        c.executionCtx.waitUntil(
          shipTelemetryIfDue(
            { bridgeUrl: config.bridgeUrl, secret: config.outboxSecret, source: "gateway" },
            Date.now(),
          ),
        );
      }
    }
  };
}

/** The route's pattern as a label; a path no route took is one series, "unmatched". */
function routeOf(status: number, pattern: string): string {
  if (status === 404 && (pattern.endsWith("*") || pattern === "")) return "unmatched";
  // A parameter's pattern (":id{[0-9a-f-]{36}}") is the route's business, not the label's.
  const plain = pattern.replace(/(:[A-Za-z0-9_]+)\{[^/]*\}/g, "$1");
  return plain.replace(/[^A-Za-z0-9_/:{}.*-]/g, "_").slice(0, 120) || "unmatched";
}
