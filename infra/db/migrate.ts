import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { type DbConfig, openDb } from "../../runtime/db.ts";

export const migrationsFolder = fileURLToPath(new URL("../../schema/migrations", import.meta.url));

/** Applies every pending drizzle-kit migration; safe to run on every start. */
export async function migrateDatabase(config: DbConfig): Promise<void> {
  const { db, close } = openDb(config);
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await close();
  }
}
