import { InstanceError } from "./instance.ts";

/** A command line the CLI cannot act on: the message is the whole answer. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Runs a CLI's `main` and answers bad input in one line on stderr with exit code 2: a malformed
 * instance (its InstanceError names the file, the line and the field), a file that cannot be
 * read, an option it does not know. Anything else is a bug and keeps its stack trace (exit 1).
 */
export function runCli(main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        const line = badInputLine(error);
        if (line === null) {
          console.error(error);
          process.exitCode = 1;
          return;
        }
        console.error(line);
        process.exitCode = 2;
      },
    );
}

function badInputLine(error: unknown): string | null {
  if (error instanceof InstanceError || error instanceof UsageError) return error.message;
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  const file = (error as NodeJS.ErrnoException).path;
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR") {
    return `${file ?? "a file"}: cannot be read (${code})`;
  }
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) return error.message;
  return null;
}
