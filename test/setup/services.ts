import { startBridge } from "../../infra/bridge/server.ts";
import { startDatabase } from "../../infra/local/database.ts";

/**
 * The services edge tests talk to, run as a plain Node process: a database (PGlite, or the
 * PostgreSQL named by DATABASE_URL) behind the Neon driver's WebSocket proxy, migrated, and the
 * bridge in front of it. It prints one JSON line with their addresses and runs until SIGTERM.
 * (It is its own process because the edge project's module resolution targets workerd.)
 */
const kind = process.argv[2];
if (kind !== "pglite" && kind !== "postgres") throw new Error("usage: services.ts pglite|postgres");
const databaseUrl = kind === "postgres" ? process.env.DATABASE_URL : undefined;
if (kind === "postgres" && !databaseUrl) {
  throw new Error("the postgres pass needs DATABASE_URL (.ci/run starts PostgreSQL and sets it)");
}
const secret = process.env.OUTBOX_SECRET;
if (!secret) throw new Error("OUTBOX_SECRET must be set");

const database = await startDatabase({ databaseUrl });
const bridge = await startBridge({
  port: 0,
  databaseUrl: database.databaseUrl,
  wsProxy: database.wsProxy,
  secret,
});
process.stdout.write(
  `${JSON.stringify({ databaseUrl: database.databaseUrl, dbWsProxy: database.wsProxy, bridgeUrl: bridge.url, databaseKind: database.kind })}\n`,
);

const stop = async () => {
  await bridge.close();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
