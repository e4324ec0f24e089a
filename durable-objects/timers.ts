/**
 * Named timers over a Durable Object's single alarm. Each actor has several things that must
 * happen later (a restaurant's answer is due, the outbox should retry, a peer must be told); the
 * runtime gives one alarm, so timers live in a table and the alarm is always set to the earliest.
 */
export const TIMERS_MIGRATION =
  "create table timers (name text primary key, due_at integer not null)";

export class Timers {
  private readonly storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
  }

  /** Sets (or moves) a timer. Call inside the transaction that makes it necessary. */
  set(name: string, dueAtMs: number): void {
    this.storage.sql.exec(
      "insert into timers (name, due_at) values (?, ?) on conflict (name) do update set due_at = excluded.due_at",
      name,
      Math.floor(dueAtMs),
    );
  }

  /** Sets a timer unless one with that name is already due sooner. */
  setNoLaterThan(name: string, dueAtMs: number): void {
    this.storage.sql.exec(
      "insert into timers (name, due_at) values (?, ?) on conflict (name) do update set due_at = min(due_at, excluded.due_at)",
      name,
      Math.floor(dueAtMs),
    );
  }

  clear(name: string): void {
    this.storage.sql.exec("delete from timers where name = ?", name);
  }

  has(name: string): boolean {
    return this.storage.sql.exec("select 1 from timers where name = ?", name).toArray().length > 0;
  }

  /** Removes and returns the names of every timer due at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): string[] {
    const due = this.storage.sql
      .exec<{ name: string }>(
        "select name from timers where due_at <= ? order by due_at, name",
        nowMs,
      )
      .toArray()
      .map((row) => row.name);
    for (const name of due) this.clear(name);
    return due;
  }

  /** Points the alarm at the earliest timer, or removes it when none is left. */
  async arm(): Promise<void> {
    const next = this.storage.sql
      .exec<{ due: number | null }>("select min(due_at) as due from timers")
      .one().due;
    if (next === null) {
      await this.storage.deleteAlarm();
      return;
    }
    const current = await this.storage.getAlarm();
    if (current !== next) await this.storage.setAlarm(next);
  }
}
