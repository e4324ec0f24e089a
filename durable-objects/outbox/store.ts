import { EventEnvelope } from "../../schema/events.ts";
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

export class SqliteOutbox implements OutboxStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
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
      .exec<{ pos: number; envelope: string; attempts: number }>(
        "select pos, envelope, attempts from outbox order by pos limit ?",
        limit,
      )
      .toArray()
      .map((row) => ({
        pos: row.pos,
        attempts: row.attempts,
        event: EventEnvelope.parse(JSON.parse(row.envelope)),
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

  size(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from outbox").one().n;
  }

  /** For the admin and for tests: what is waiting and why. */
  list(
    limit: number,
  ): Array<{ eventId: string; type: string; attempts: number; lastError: string | null }> {
    return this.sql
      .exec<{ event_id: string; envelope: string; attempts: number; last_error: string | null }>(
        "select event_id, envelope, attempts, last_error from outbox order by pos limit ?",
        limit,
      )
      .toArray()
      .map((row) => ({
        eventId: row.event_id,
        type: (JSON.parse(row.envelope) as { type: string }).type,
        attempts: row.attempts,
        lastError: row.last_error,
      }));
  }
}
