import type { EventEnvelope } from "../schema/events.ts";
import type { ApplyReport } from "./consumer.ts";
import { type DeadLetter, type DeadLetterSink, deadLetterOf } from "./dead-letters.ts";

/**
 * The shape every read-model consumer shares (order-history.ts is the pattern): read each event
 * into a step or a reason it cannot be applied, apply the steps in one statement, and set aside
 * the unreadable ones and any Postgres refuses, so the stream keeps flowing past them.
 */

/** The largest value of a Postgres `integer`, the type of every read model's seq columns. */
export const PG_INTEGER_MAX = 2_147_483_647;

/** One event read for a projection: a step to apply, nothing to do, or why it is poison. */
export type Read<Step> = { ok: true; step: Step | null } | { ok: false; error: string };

/** The SQLSTATE of a failed query, looked for along the cause chain (drizzle wraps the driver's). */
function sqlStateOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = e.cause;
  }
  return null;
}

/**
 * Postgres's "data exception" class (22): a value it will not store that got past the schema. It
 * is the event's fault, not the database's, so retrying cannot help.
 */
export function isDataException(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith("22") ?? false;
}

function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Whether any string inside a value holds a NUL, which Postgres text cannot store. */
export function hasNul(value: unknown): boolean {
  return JSON.stringify(value).includes("\\u0000");
}

/**
 * Applies one batch: `read` each event, `project` the steps (one statement, idempotent), record
 * the dead letters, and report them. A failure that is not the events' fault (the database is
 * away) is thrown, so the bus retries the whole batch.
 */
export async function applyProjection<Step>(
  events: readonly EventEnvelope[],
  deps: {
    read(event: EventEnvelope): Read<Step>;
    project(steps: readonly Step[]): Promise<void>;
    deadLetters: DeadLetterSink;
  },
): Promise<ApplyReport> {
  const letters: DeadLetter[] = [];
  const readable: { event: EventEnvelope; step: Step }[] = [];
  for (const event of events) {
    const result = deps.read(event);
    if (!result.ok) letters.push(deadLetterOf(event, result.error));
    else if (result.step !== null) readable.push({ event, step: result.step });
  }

  if (readable.length > 0) {
    try {
      await deps.project(readable.map((r) => r.step));
    } catch (error) {
      if (!isDataException(error)) throw error;
      // Some value got past the schema but not past Postgres: apply one at a time, in order, so
      // only the culprit is set aside (a round trip per event, on the rare batch that needs it).
      for (const { event, step } of readable) {
        try {
          await deps.project([step]);
        } catch (single) {
          if (!isDataException(single)) throw single;
          letters.push(deadLetterOf(event, `postgres refused the event: ${reasonOf(single)}`));
        }
      }
    }
  }

  await deps.deadLetters(letters);
  return {
    deadLettered: letters.map((letter) => letter.eventId),
    reasons: Object.fromEntries(letters.map((letter) => [letter.eventId, letter.error])),
  };
}
