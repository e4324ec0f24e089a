/**
 * What of an error may go to a log. Logs leave the platform (Workers logs, log drains), so they
 * never carry a secret or a person's data: the database driver's "Failed query" message ends with
 * the query's parameters (emails, password hashes and salts, tokens), PostgreSQL's details quote
 * the offending values, and any message may echo input. Kept: the error's name, its code, the
 * message up to any parameters with the values that look personal masked, and the stack's frames
 * (code locations, never data). The same for each cause, a few deep.
 */
export type LoggedError = { name: string; message: string; code?: string; frames?: string[] };

const CAUSES_MAX = 3;
const FRAMES_MAX = 12;

/** Email addresses, long hex or base64url runs (hashes, salts, tokens), long digit runs (cards). */
const PERSONAL: Array<[RegExp, string]> = [
  [/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g, "[email]"],
  [/\b[0-9a-f]{24,}\b/gi, "[hex]"],
  [/[A-Za-z0-9_+/=-]{32,}/g, "[token]"],
  [/\b\d(?:[ -]?\d){11,18}\b/g, "[number]"],
];

/** The message without parameters or quoted values, personal-looking runs masked. */
export function redactMessage(message: string): string {
  // drizzle: "Failed query: <sql>\nparams: <values>"; PostgreSQL: "... Key (email)=(x) ...".
  let text = message.split(/\n?\s*params:/i)[0]!;
  text = text.replace(/=\([^)]*\)/g, "=(...)");
  for (const [pattern, mask] of PERSONAL) text = text.replace(pattern, mask);
  return text.slice(0, 500);
}

export function redactError(error: unknown, depth = 0): LoggedError[] {
  if (!(error instanceof Error)) {
    return [{ name: typeof error, message: redactMessage(String(error)) }];
  }
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, FRAMES_MAX)
    .map((line) => line.trim());
  const entry: LoggedError = {
    name: error.name,
    message: redactMessage(error.message),
    ...(typeof code === "string" ? { code } : {}),
    ...(frames.length > 0 ? { frames } : {}),
  };
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && depth < CAUSES_MAX
    ? [entry, ...redactError(cause, depth + 1)]
    : [entry];
}

/** One line for a log field: name and redacted message of the error and its causes. */
export function describeError(error: unknown): string {
  return redactError(error)
    .map((e) => {
      // A plain Error's name says nothing; a subclass's or a code says what failed.
      const label = [e.name === "Error" ? "" : e.name, e.code ?? ""].filter(Boolean).join(" ");
      return label ? `${label}: ${e.message}` : e.message;
    })
    .join(" <- ");
}
