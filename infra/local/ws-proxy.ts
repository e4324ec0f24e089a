import net from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * The WebSocket-to-TCP proxy the Neon serverless driver needs to reach a Postgres that is not
 * Neon (a local PGlite, Debian's PostgreSQL in CI). One WebSocket is one Postgres connection.
 *
 * PGlite's socket server ignores the Postgres Terminate message and keeps the connection open,
 * which leaks one connection per request until it refuses new ones; so the proxy watches the
 * client's message stream and closes the TCP side itself when it sees Terminate.
 */
export type WsProxy = { port: number; url: string; close(): Promise<void> };

export async function startWsProxy(options: {
  target: { host: string; port: number };
  port?: number;
  host?: string;
}): Promise<WsProxy> {
  const wss = new WebSocketServer({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  const sockets = new Set<net.Socket>();
  wss.on("connection", (ws) => {
    const tcp = net.connect(options.target.port, options.target.host);
    // As libpq does: a driver that sends a query as several small messages must not wait on
    // Nagle's algorithm (40 ms per query with delayed ACKs).
    tcp.setNoDelay(true);
    sockets.add(tcp);
    pipe(ws, tcp);
    tcp.on("close", () => sockets.delete(tcp));
  });
  const address = wss.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** How long a client may keep its WebSocket open after sending Terminate. */
const TERMINATE_GRACE_MS = 1_000;

function pipe(ws: WebSocket, tcp: net.Socket): void {
  const stream = new FrontendStream();
  let terminated = false;
  const pending: Buffer[] = [];
  let connected = false;
  tcp.on("connect", () => {
    connected = true;
    for (const chunk of pending) tcp.write(chunk);
    pending.length = 0;
    if (terminated) tcp.end();
  });
  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (connected) tcp.write(chunk);
    else pending.push(chunk);
    if (stream.push(chunk)) {
      terminated = true;
      if (connected) tcp.end();
      // A client that sent Terminate closes its side itself; one that does not (Node's driver
      // keeps the socket) is closed after a grace period, so neither end leaks a connection.
      setTimeout(() => {
        if (ws.readyState === ws.OPEN) ws.close(1000);
      }, TERMINATE_GRACE_MS).unref();
    }
  });
  tcp.on("data", (chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk);
  });
  // After Terminate the client closes its own WebSocket; closing it from here as well races the
  // client's close and surfaces as "Network connection lost" in workerd.
  tcp.on("close", () => {
    if (!terminated && ws.readyState === ws.OPEN) ws.close();
  });
  tcp.on("error", () => {
    if (ws.readyState === ws.OPEN) ws.close(1011);
  });
  ws.on("close", () => tcp.destroy());
  ws.on("error", () => tcp.destroy());
}

/**
 * Tracks message boundaries in the client-to-server half of the Postgres protocol, to spot
 * Terminate ('X'). The opening messages (SSLRequest, then StartupMessage) carry no type byte:
 * their header is a length and a protocol code.
 */
export class FrontendStream {
  private typed = false;
  private header: number[] = [];
  private remaining = 0;

  /** Feeds bytes; answers whether a Terminate message has been seen. */
  push(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        continue;
      }
      this.header.push(chunk[i]!);
      i++;
      const headerBytes = this.typed ? 5 : 8;
      if (this.header.length < headerBytes) continue;
      const header = this.header;
      this.header = [];
      if (this.typed) {
        if (header[0] === TERMINATE) return true;
        this.remaining = readInt32(header, 1) - 4;
      } else {
        this.remaining = readInt32(header, 0) - 8;
        if (readInt32(header, 4) !== SSL_REQUEST_CODE) this.typed = true;
      }
    }
    return false;
  }
}

const TERMINATE = 0x58;
const SSL_REQUEST_CODE = 80877103;

function readInt32(bytes: number[], at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}
