import pino from "pino";

/**
 * The bridge's log: pino's JSON lines on stdout with the edge's field names (runtime/log.ts):
 * `level`, `time`, `service`, `msg`, and the trace ids of what a line is about. Paths that could
 * ever hold a secret or a person's data are censored here as well, should a caller slip; callers
 * pass errors through runtime/redact.ts already.
 */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "email",
  "*.email",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "smtpUrl",
  "*.smtpUrl",
  "databaseUrl",
  "*.databaseUrl",
];

export function bridgeLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      base: { service: "dizh-bridge" },
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}

/** The `log(line)` the bridge's parts take, at the level its `msg` suggests. */
export function lineLogger(logger: pino.Logger): (line: Record<string, unknown>) => void {
  return (line) => {
    const msg = String(line.msg ?? "");
    const level = /failed|error|stopped|given_up|unreadable|timeout/.test(msg) ? "warn" : "info";
    logger[level](line);
  };
}
