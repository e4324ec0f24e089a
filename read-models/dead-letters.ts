import type { Db } from "../runtime/db.ts";
import { deadLetters } from "../schema/db/orders.ts";
import type { EventEnvelope } from "../schema/events.ts";

/**
 * An event the bridge could not apply, kept whole with the reason so an operator can read it,
 * fix the cause and replay it. Recording it is what lets the stream flow past a poison event.
 */
export type DeadLetter = {
  eventId: string;
  type: string;
  aggregateId: string;
  seq: number;
  event: string;
  error: string;
};

/** Records dead letters durably; resolves once they are committed. */
export type DeadLetterSink = (letters: readonly DeadLetter[]) => Promise<void>;

/** The largest value of a Postgres `integer`, the type of `dead_letters.seq`. */
const PG_INTEGER_MAX = 2_147_483_647;

/** An error text longer than this is cut: a zod report on a huge payload must not bloat the table. */
const DEAD_LETTER_ERROR_CHARS_MAX = 2_000;

/**
 * The dead letter for an event. Postgres text cannot hold a NUL character and `seq` is an
 * `integer`, while the envelope allows both; the letter must always be storable (a letter that
 * cannot be written would block the batch it was meant to unblock), so the short columns are made
 * safe and the untouched event is kept in `event` as JSON, where a NUL stays escaped.
 */
export function deadLetterOf(event: EventEnvelope, error: string): DeadLetter {
  return {
    eventId: event.id,
    type: withoutNul(event.type),
    aggregateId: withoutNul(event.aggregateId),
    seq: event.seq <= PG_INTEGER_MAX ? event.seq : 0,
    event: JSON.stringify(event),
    error: withoutNul(error).slice(0, DEAD_LETTER_ERROR_CHARS_MAX),
  };
}

function withoutNul(text: string): string {
  return text.replaceAll("\u0000", "\uFFFD");
}

/**
 * Writes dead letters to `dead_letters` in one statement. A letter already there (the same batch
 * delivered again) is left as it was, so recording is idempotent.
 */
export function postgresDeadLetters(db: Db): DeadLetterSink {
  return async (letters) => {
    // The same event twice in one batch is one letter.
    const unique = [...new Map(letters.map((letter) => [letter.eventId, letter])).values()];
    if (unique.length === 0) return;
    await db
      .insert(deadLetters)
      .values(unique)
      .onConflictDoNothing({ target: deadLetters.eventId });
  };
}
