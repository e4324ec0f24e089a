import net from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * The WebSocket-to-TCP proxy the Neon serverless driver needs to reach a Postgres that is not
 * Neon (a local PGlite, Debian's PostgreSQL in CI). One WebSocket is one Postgres connection.
 *
 * PGlite's socket server ignores the Postgres Terminate message and keeps the connection open,
 * which leaks one connection per request until it refuses new ones; so the proxy watches the
 * client's message stream and closes the TCP side itself when it sees Terminate.
 *
 * PGlite's socket server also runs every message as it comes, from whichever connection: two
 * clients' extended-protocol queries (Parse, Bind, Execute, Sync) interleave and one binds the
 * other's statement ("08P01 protocol violation"). With `serialize`, the proxy lets one connection
 * at a time talk to the server, from its first message until the server is idle again (every
 * Sync answered by ReadyForQuery, outside a transaction): PGlite is serial anyway, so nothing is
 * lost but the corruption.
 */
export type WsProxy = { port: number; url: string; close(): Promise<void> };

export async function startWsProxy(options: {
  target: { host: string; port: number };
  port?: number;
  host?: string;
  /** One connection at a time through to the server: for PGlite (see above). */
  serialize?: boolean;
}): Promise<WsProxy> {
  const gate = options.serialize ? new Gate() : null;
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
    pipe(ws, tcp, gate);
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

function pipe(ws: WebSocket, tcp: net.Socket, gate: Gate | null): void {
  const stream = new FrontendStream();
  const replies = new BackendStream();
  const turn = {};
  let terminated = false;
  const pending: Buffer[] = [];
  let connected = false;
  /** With a gate: whether this connection holds it, and what waits for it meanwhile. */
  let holding = false;
  let asked = false;
  const waiting: Buffer[] = [];
  const send = (chunk: Buffer) => {
    if (connected) tcp.write(chunk);
    else pending.push(chunk);
  };
  const leave = () => {
    holding = false;
    asked = false;
    gate?.release(turn);
  };
  tcp.on("connect", () => {
    connected = true;
    for (const chunk of pending) tcp.write(chunk);
    pending.length = 0;
    if (terminated) tcp.end();
  });
  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const sawTerminate = stream.push(chunk);
    replies.expectSslAnswers(stream.takeSslRequests());
    if (!gate || holding) send(chunk);
    else {
      waiting.push(chunk);
      if (!asked) {
        asked = true;
        gate.acquire(turn, () => {
          holding = true;
          for (const queued of waiting) send(queued);
          waiting.length = 0;
          if (terminated && connected) tcp.end();
        });
      }
    }
    if (sawTerminate) {
      terminated = true;
      if (connected && (!gate || holding)) tcp.end();
      // A client that sent Terminate closes its side itself; one that does not (Node's driver
      // keeps the socket) is closed after a grace period, so neither end leaks a connection.
      setTimeout(() => {
        if (ws.readyState === ws.OPEN) ws.close(1000);
      }, TERMINATE_GRACE_MS).unref();
    }
  });
  tcp.on("data", (chunk) => {
    replies.push(chunk);
    // Every request of this connection answered and no transaction open: the next one's turn.
    if (holding && replies.idle && replies.ready === stream.syncPoints) leave();
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
  tcp.on("close", leave);
}

/** Hands the server to one connection at a time, in the order they asked. */
export class Gate {
  private owner: object | null = null;
  private readonly queue: Array<{ who: object; grant: () => void }> = [];

  acquire(who: object, grant: () => void): void {
    if (this.owner === null || this.owner === who) {
      this.owner = who;
      grant();
    } else {
      this.queue.push({ who, grant });
    }
  }

  release(who: object): void {
    if (this.owner !== who) {
      const at = this.queue.findIndex((w) => w.who === who);
      if (at >= 0) this.queue.splice(at, 1);
      return;
    }
    this.owner = null;
    const next = this.queue.shift();
    if (next) {
      this.owner = next.who;
      next.grant();
    }
  }
}

/**
 * Tracks message boundaries in the server-to-client half of the protocol, to count
 * ReadyForQuery ('Z') and keep the last transaction status it carried ('I' idle, 'T' in a
 * transaction, 'E' failed transaction). An SSLRequest is answered by one bare byte first.
 */
export class BackendStream {
  /** ReadyForQuery messages seen. */
  ready = 0;
  /** Whether the last ReadyForQuery said the session is outside any transaction. */
  idle = true;
  private sslAnswers = 0;
  private header: number[] = [];
  private remaining = 0;
  private inReady = false;

  expectSslAnswers(count: number): void {
    this.sslAnswers += count;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        if (this.inReady) this.idle = chunk[i] === IDLE;
        this.inReady = false;
        this.remaining -= take;
        i += take;
        continue;
      }
      if (this.sslAnswers > 0 && this.header.length === 0) {
        this.sslAnswers--;
        i++;
        continue;
      }
      this.header.push(chunk[i]!);
      i++;
      if (this.header.length < 5) continue;
      const header = this.header;
      this.header = [];
      this.remaining = readInt32(header, 1) - 4;
      if (header[0] === READY_FOR_QUERY) {
        this.ready++;
        this.inReady = this.remaining > 0;
      }
    }
  }
}

/**
 * Tracks message boundaries in the client-to-server half of the Postgres protocol, to spot
 * Terminate ('X'). The opening messages (SSLRequest, then StartupMessage) carry no type byte:
 * their header is a length and a protocol code.
 */
export class FrontendStream {
  /** Messages the server answers with ReadyForQuery: the startup, each Sync and simple Query. */
  syncPoints = 0;
  private sslRequests = 0;
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
        if (header[0] === SYNC || header[0] === QUERY) this.syncPoints++;
        this.remaining = readInt32(header, 1) - 4;
      } else {
        this.remaining = readInt32(header, 0) - 8;
        if (readInt32(header, 4) === SSL_REQUEST_CODE) this.sslRequests++;
        else {
          this.typed = true;
          this.syncPoints++;
        }
      }
    }
    return false;
  }

  /** SSLRequests seen since last asked: each is answered by one bare byte. */
  takeSslRequests(): number {
    const n = this.sslRequests;
    this.sslRequests = 0;
    return n;
  }
}

const TERMINATE = 0x58;
const SYNC = 0x53;
const QUERY = 0x51;
const READY_FOR_QUERY = 0x5a;
const IDLE = 0x49;
const SSL_REQUEST_CODE = 80877103;

function readInt32(bytes: number[], at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}
