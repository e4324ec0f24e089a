import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { DbConfig } from "../../runtime/db.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { startWsProxy } from "./ws-proxy.ts";

export type LocalDatabase = DbConfig & { kind: "pglite" | "postgres"; close(): Promise<void> };

/** PGlite serves queries one at a time, so this only bounds idle sockets, not parallelism. */
const PGLITE_CONNECTIONS_MAX = 200;

/**
 * The database for a local run or a test pass: an external Postgres when `databaseUrl` is given,
 * otherwise an embedded PGlite (in memory, or persisted under `dataDir`). Either way a WebSocket
 * proxy is put in front, because the Neon driver speaks only WebSocket, and migrations are applied.
 */
export async function startDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  pglitePort?: number;
  proxyPort?: number;
}): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    const proxy = await startWsProxy({
      target: { host: url.hostname, port: Number(url.port || 5432) },
      ...(options.proxyPort === undefined ? {} : { port: options.proxyPort }),
    });
    const config = { databaseUrl: options.databaseUrl, wsProxy: proxy.url };
    await migrateDatabase(config);
    return { ...config, kind: "postgres", close: () => proxy.close() };
  }

  // pg_trgm (search's typo tolerance) is a contrib extension PGlite must load up front; the
  // migration then creates it as on PostgreSQL.
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { pg_trgm },
  });
  const server = new PGLiteSocketServer({
    db: pglite,
    port: options.pglitePort ?? 0,
    host: "127.0.0.1",
    maxConnections: PGLITE_CONNECTIONS_MAX,
  });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  const proxy = await startWsProxy({
    target: { host: "127.0.0.1", port },
    serialize: true,
    ...(options.proxyPort === undefined ? {} : { port: options.proxyPort }),
  });
  const config = {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    wsProxy: proxy.url,
  };
  await migrateDatabase(config);
  return {
    ...config,
    kind: "pglite",
    close: async () => {
      await proxy.close();
      await server.stop();
      await pglite.close();
    },
  };
}
