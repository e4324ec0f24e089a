import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as tables from "../schema/db/index.ts";

export type Db = NeonDatabase<typeof tables>;
/** A transaction (or the database itself, for a caller already inside one). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbConfig = {
  databaseUrl: string;
  /**
   * host:port of a WebSocket-to-TCP proxy in front of a plain Postgres (PGlite locally, Debian's
   * PostgreSQL in CI). Empty for Neon, whose endpoint speaks WebSocket itself.
   */
  wsProxy: string;
};

/**
 * A pool for one unit of work (one request, one alarm, one batch). Workers may not reuse sockets
 * across requests, so each request opens its own pool and ends it when done.
 */
export function openDb(config: DbConfig): { db: Db; pool: Pool; close(): Promise<void> } {
  if (!config.databaseUrl) throw new Error("DATABASE_URL must be set");
  if (config.wsProxy) {
    const proxy = config.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}/?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  // An idle client whose socket drops emits on the pool; without a listener that is an uncaught
  // error. The next query opens a fresh connection, so there is nothing else to do here.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema: tables });
  return { db, pool, close: () => pool.end() };
}
