import { z } from "zod";
import { Failure, type Result } from "../schema/errors.ts";

/**
 * The answers an actor gave to commands that carry an id, so a repeat answers exactly what the
 * first call answered and changes nothing (ARCHITECTURE.md, rule 3). Answers are kept a day: a
 * client retrying later than that gets a fresh decision.
 */

export const COMMANDS_MIGRATION =
  "create table commands (key text primary key, result_json text not null, at integer not null)";

/** How long an answer is kept for replays. */
export const COMMAND_MEMORY_MS = 24 * 3_600_000;

export class CommandMemory<T> {
  private readonly sql: SqlStorage;
  private readonly answer: z.ZodType<Result<T>>;

  /** `value` is the schema of a successful answer, so a stored answer is parsed, not trusted. */
  constructor(sql: SqlStorage, value: z.ZodType<T>) {
    this.sql = sql;
    this.answer = z.union([
      z.object({ ok: z.literal(true), value }),
      z.object({ ok: z.literal(false), error: Failure }),
    ]) as z.ZodType<Result<T>>;
  }

  recall(key: string): Result<T> | null {
    const row = this.sql
      .exec<{ result_json: string }>("select result_json from commands where key = ?", key)
      .toArray()[0];
    return row ? this.answer.parse(JSON.parse(row.result_json)) : null;
  }

  /** Call inside the transaction that applied the command, so the answer and the change agree. */
  remember(key: string, result: Result<T>, nowMs: number): void {
    this.sql.exec(
      "insert or replace into commands (key, result_json, at) values (?, ?, ?)",
      key,
      JSON.stringify(result),
      nowMs,
    );
  }

  forgetOlderThan(nowMs: number): void {
    this.sql.exec("delete from commands where at < ?", nowMs - COMMAND_MEMORY_MS);
  }
}
