/**
 * An actor's SQLite schema as a numbered list of migrations, applied in order inside one
 * transaction at start, with the last applied id kept in the database itself (the pattern of
 * cloudflare/actors' sql-schema-migrations). Migrations are append-only: never edit a shipped one.
 */
export type SqlMigration = { id: number; statements: readonly string[] };

export function applyMigrations(
  storage: DurableObjectStorage,
  migrations: readonly SqlMigration[],
): number {
  for (const [index, migration] of migrations.entries()) {
    if (migration.id !== index + 1)
      throw new Error(`migration ids must run 1, 2, 3...; found ${migration.id}`);
  }
  return storage.transactionSync(() => {
    storage.sql.exec(
      "create table if not exists _migrations (id integer primary key, applied_at integer not null)",
    );
    const last =
      storage.sql.exec<{ id: number | null }>("select max(id) as id from _migrations").one().id ??
      0;
    for (const migration of migrations.slice(last)) {
      for (const statement of migration.statements) storage.sql.exec(statement);
      storage.sql.exec(
        "insert into _migrations (id, applied_at) values (?, ?)",
        migration.id,
        Date.now(),
      );
    }
    return migrations.length;
  });
}
