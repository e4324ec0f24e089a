import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { openDb } from "../../workers/db.ts";
import { type BatchLog, createBridgeApp } from "./app.ts";
import { InProcessBus } from "./bus.ts";
import { postgresDeadLetters } from "./dead-letters.ts";
import { orderHistoryConsumer } from "./order-history.ts";

export type BridgeOptions = {
  /** 0 picks a free port (tests). */
  port: number;
  databaseUrl: string;
  /** host:port of the WebSocket proxy in front of a plain Postgres; empty for Neon. */
  wsProxy: string;
  /** The HMAC secret shared with the actors' outboxes. */
  secret: string;
  /** Loopback by default: locally the Worker is the only sender. Kubernetes sets 0.0.0.0. */
  hostname?: string;
  onBatch?: (entry: BatchLog) => void;
};

export type Bridge = { port: number; url: string; close(): Promise<void> };

/**
 * Starts the bridge with the embedded in-process bus and its consumers. One long-lived pool
 * serves every batch: the bridge is a long-running Node process (unlike a Worker, it may keep
 * sockets between requests), and a fresh pool per batch would pay a connection handshake each
 * time.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  if (!options.secret) throw new Error("secret must be set");
  const database = openDb({ databaseUrl: options.databaseUrl, wsProxy: options.wsProxy });
  const deadLetters = postgresDeadLetters(database.db);
  const bus = new InProcessBus({ deadLetters });
  bus.subscribe(orderHistoryConsumer({ db: database.db, deadLetters }));

  let closing = false;
  const app = createBridgeApp({
    bus,
    secret: options.secret,
    ready: async () => {
      await database.db.execute(sql`select 1`);
    },
    nowMs: Date.now,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });
  // Once closing, every answer says so, so keep-alive clients let go of their connection and
  // the server can finish instead of waiting out their idle timeout.
  const fetch: typeof app.fetch = async (request, ...rest) => {
    const response = await app.fetch(request, ...rest);
    if (closing) response.headers.set("connection", "close");
    return response;
  };

  const hostname = options.hostname ?? "127.0.0.1";
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    address: AddressInfo;
  }>((resolve, reject) => {
    const server = serve({ fetch, port: options.port, hostname }, (address) =>
      resolve({ server, address }),
    );
    server.once("error", reject);
  }).catch(async (error: unknown) => {
    // Listening failed (the port is taken): leave nothing open behind.
    await database.close();
    throw error;
  });

  let closed: Promise<void> | null = null;
  return {
    port: address.port,
    url: `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${address.port}`,
    close() {
      closed ??= (async () => {
        closing = true;
        // Stop accepting, then wait for the requests in flight: each either acknowledges its batch
        // or fails it, never half of one. Only then may the bus and the pool go.
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        await bus.close();
        await database.close();
      })();
      return closed;
    },
  };
}
