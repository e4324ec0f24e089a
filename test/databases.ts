import { sql } from "drizzle-orm";
import { type LocalDatabase, startDatabase } from "../infra/local/database.ts";
import { startWsProxy } from "../infra/local/ws-proxy.ts";
import { type Db, openDb } from "../runtime/db.ts";

/**
 * The databases the Node tests run on: PGlite always, and PostgreSQL when DATABASE_URL names a
 * server (CI's, or the throwaway cluster test/setup/postgres.ts starts for a run). On PostgreSQL
 * each test file gets a database of its own, created on that server and dropped afterwards, so a
 * file's whole-table comparisons and sweeps see only its own rows.
 */

export const postgresUrl = process.env.DATABASE_URL;
if (!postgresUrl) {
  if (process.env.CI) throw new Error("CI runs the database tests on PostgreSQL: set DATABASE_URL");
  console.warn("DATABASE_URL is not set: the tests on PostgreSQL are left out (CI runs them).");
}

/** The kinds of database a test file runs on, for `describe.each`. */
export const databaseKinds = [
  { kind: "pglite" as const, skip: false },
  { kind: "postgres" as const, skip: !postgresUrl },
];

export type TestDatabase = LocalDatabase & {
  db: Db;
  /** Another pool on the same database: one more connection for concurrency tests. */
  open(): ReturnType<typeof openDb>;
};

/** A migrated database of `kind` for one test file; `label` names it on PostgreSQL. */
export async function startTestDatabase(
  kind: "pglite" | "postgres",
  label = "test",
): Promise<TestDatabase> {
  if (kind === "pglite") {
    const local = await startDatabase({});
    const pool = openDb(local);
    return {
      ...local,
      db: pool.db,
      open: () => openDb(local),
      close: async () => {
        await pool.close();
        await local.close();
      },
    };
  }
  if (!postgresUrl) throw new Error("DATABASE_URL is not set");
  const name = `dizhtime_${label}_${process.pid}_${crypto.randomUUID().slice(0, 8)}`;
  // The server's own database is shared with other tests: reach it through a proxy of our own
  // only to create and drop ours, never migrating it.
  const server = new URL(postgresUrl);
  const proxy = await startWsProxy({
    target: { host: server.hostname, port: Number(server.port || 5432) },
  });
  const admin = openDb({ databaseUrl: postgresUrl, wsProxy: proxy.url });
  await admin.db.execute(sql.raw(`create database "${name}"`));
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const local = await startDatabase({ databaseUrl: url.toString() });
  const pool = openDb(local);
  return {
    ...local,
    db: pool.db,
    open: () => openDb(local),
    // The Neon driver's proxy setting is global to the process: the last pool opened decides
    // which proxy every new connection takes. So the database is dropped while both are up.
    close: async () => {
      await pool.close();
      await admin.db.execute(sql.raw(`drop database if exists "${name}" with (force)`));
      await admin.close();
      await local.close();
      await proxy.close();
    },
  };
}
