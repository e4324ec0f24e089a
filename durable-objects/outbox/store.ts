import { EventEnvelope } from "../../schema/events.ts";
import type { PendingEvent } from "../../schema/outbox.ts";
import type { OutboxRow, OutboxStore } from "./drain.ts";

/** The outbox table: written in the same transaction as the state change it reports. */
export const OUTBOX_MIGRATION = [
  `create table outbox (
    pos integer primary key autoincrement,
    event_id text not null unique,
    envelope text not null,
    attempts integer not null default 0,
    last_error text
  )`,
];

/**
 * Refusals counted apart from outages, and the parking lot for events the bridge refuses for good
 * (drain.ts). Each actor appends it as a migration of its own.
 */
export const OUTBOX_PARKING_MIGRATION = [
  "alter table outbox add column refusals integer not null default 0",
  `create table outbox_parked (
    event_id text primary key,
    pos integer not null,
    envelope text not null,
    attempts integer not null,
    refusals integer not null,
    last_error text,
    parked_at integer not null
  )`,
];

type Row = {
  pos: number;
  event_id: string;
  envelope: string;
  attempts: number;
  refusals: number;
  last_error: string | null;
};

export class SqliteOutbox implements OutboxStore {
  private readonly sql: SqlStorage;
  private readonly nowMs: () => number;

  constructor(sql: SqlStorage, nowMs: () => number) {
    this.sql = sql;
    this.nowMs = nowMs;
  }

  append(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      this.sql.exec(
        "insert into outbox (event_id, envelope) values (?, ?)",
        event.id,
        JSON.stringify(event),
      );
    }
  }

  peek(limit: number): OutboxRow[] {
    return this.sql
      .exec<Row>(
        "select pos, event_id, envelope, attempts, refusals, last_error from outbox order by pos limit ?",
        limit,
      )
      .toArray()
      .map((row) => ({
        pos: row.pos,
        eventId: row.event_id,
        attempts: row.attempts,
        refusals: row.refusals,
        event: readEnvelope(row.envelope),
      }));
  }

  remove(eventIds: readonly string[]): void {
    for (const id of eventIds) this.sql.exec("delete from outbox where event_id = ?", id);
  }

  recordFailure(eventIds: readonly string[], error: string): void {
    for (const id of eventIds) {
      this.sql.exec(
        "update outbox set attempts = attempts + 1, last_error = ? where event_id = ?",
        error,
        id,
      );
    }
  }

  recordRefusal(eventIds: readonly string[], error: string): void {
    for (const id of eventIds) {
      this.sql.exec(
        "update outbox set refusals = refusals + 1, last_error = ? where event_id = ?",
        error,
        id,
      );
    }
  }

  park(eventIds: readonly string[], error: string): void {
    for (const id of eventIds) {
      this.sql.exec(
        `insert into outbox_parked (event_id, pos, envelope, attempts, refusals, last_error, parked_at)
         select event_id, pos, envelope, attempts, refusals, ?, ? from outbox where event_id = ?
         on conflict (event_id) do nothing`,
        error,
        this.nowMs(),
        id,
      );
      this.sql.exec("delete from outbox where event_id = ?", id);
    }
  }

  /**
   * Puts every parked event back at the end of the outbox, counts cleared, for another try: an
   * admin's answer once the cause is fixed (a bridge deployed that takes them). Answers how many.
   */
  release(): number {
    const parked = this.sql
      .exec<{ event_id: string; envelope: string }>(
        "select event_id, envelope from outbox_parked order by pos",
      )
      .toArray();
    for (const row of parked) {
      this.sql.exec(
        "insert into outbox (event_id, envelope) values (?, ?) on conflict (event_id) do nothing",
        row.event_id,
        row.envelope,
      );
      this.sql.exec("delete from outbox_parked where event_id = ?", row.event_id);
    }
    return parked.length;
  }

  /** How many events wait, and when the oldest of them happened. */
  depth(): { pending: number; oldestAt: string | null } {
    const pending = this.size();
    if (pending === 0) return { pending, oldestAt: null };
    const [row] = this.sql
      .exec<{ envelope: string }>("select envelope from outbox order by pos limit 1")
      .toArray();
    const at = row ? (JSON.parse(row.envelope) as { at?: unknown }).at : null;
    return { pending, oldestAt: typeof at === "string" ? at : null };
  }

  size(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from outbox").one().n;
  }

  /** For admins and tests: what is waiting, and why. */
  list(limit: number): PendingEvent[] {
    return this.sql
      .exec<Row>(
        "select pos, event_id, envelope, attempts, refusals, last_error from outbox order by pos limit ?",
        limit,
      )
      .toArray()
      .map((row) => pendingOf(row));
  }

  /** For admins: what the bridge refused for good, and why. */
  parked(limit: number): PendingEvent[] {
    return this.sql
      .exec<Row & { parked_at: number }>(
        "select pos, event_id, envelope, attempts, refusals, last_error, parked_at from outbox_parked order by pos limit ?",
        limit,
      )
      .toArray()
      .map((row) => ({ ...pendingOf(row), parkedAt: new Date(row.parked_at).toISOString() }));
  }
}

function pendingOf(row: Row): PendingEvent {
  const event = readEnvelope(row.envelope);
  return {
    eventId: row.event_id,
    type: event?.type ?? "(unreadable)",
    seq: event?.seq ?? null,
    attempts: row.attempts,
    refusals: row.refusals,
    lastError: row.last_error,
  };
}

function readEnvelope(text: string): EventEnvelope | null {
  try {
    const parsed = EventEnvelope.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not JSON at all: as unreadable as an envelope of the wrong shape, and parked the same way.
    return null;
  }
}
