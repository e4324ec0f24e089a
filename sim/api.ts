import ReconnectingWebSocket from "partysocket/ws";
import type { LiveTarget, Session, SocketTicket } from "../schema/auth.ts";

/** Every HTTP call gives up after this: a stuck stack must not hang a sim actor. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Sign-ins refused for rate (429) are retried this many times, honouring Retry-After. */
const SIGN_IN_ATTEMPTS_MAX = 8;
/** The simulated card provider's card that always succeeds (test/e2e does the same). */
const TEST_CARD = "4242 4242 4242 4242";

export type Reply<T> = { status: number; body: T };

export type Sleep = (ms: number) => Promise<void>;

/**
 * One demo account talking to the platform exactly as an app does: HTTP with a bearer token, a
 * fresh sign-in when the token lapses, and live sockets opened with one-minute tickets.
 */
export class Account {
  readonly baseUrl: string;
  readonly email: string;
  private readonly password: string;
  private readonly sleep: Sleep;
  session: Session | null = null;

  constructor(baseUrl: string, email: string, password: string, sleep: Sleep) {
    this.baseUrl = baseUrl;
    this.email = email;
    this.password = password;
    this.sleep = sleep;
  }

  get userId(): string {
    if (!this.session) throw new Error(`${this.email} is not signed in`);
    return this.session.user.id;
  }

  /**
   * Signs in, waiting out the per-address login limit when the sim's whole cast signs in at once
   * (all of it comes from one address).
   */
  async signIn(): Promise<Session> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.raw<Session>("/api/auth/login", {
        body: { email: this.email, password: this.password },
      });
      if (reply.status === 200) {
        this.session = reply.body;
        return reply.body;
      }
      if (reply.status !== 429 || attempt >= SIGN_IN_ATTEMPTS_MAX) {
        throw new Error(`sign-in ${this.email}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      const seconds = Number(
        (reply.body as { error?: { details?: { retryAfterSeconds?: number } } })?.error?.details
          ?.retryAfterSeconds ?? 6,
      );
      await this.sleep(Math.min(60, Math.max(1, seconds)) * 1000);
    }
  }

  /** An authenticated call; a lapsed token (401) signs in again once and retries. */
  async call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<Reply<T>> {
    if (!this.session) await this.signIn();
    const reply = await this.raw<T>(path, init);
    if (reply.status !== 401) return reply;
    await this.signIn();
    return this.raw<T>(path, init);
  }

  private async raw<T>(path: string, init: { method?: string; body?: unknown }): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (this.session) headers.authorization = `Bearer ${this.session.accessToken}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body: body as T };
  }

  /** Money into the wallet as a customer adds it: an intent, confirmed at the simulated provider. */
  async topUp(amountCents: number, idempotencyKey: string): Promise<void> {
    const intent = await this.call<{ confirmUrl: string; clientSecret: string }>(
      "/api/wallet/top-ups",
      { body: { amountCents, idempotencyKey } },
    );
    if (intent.status !== 201) {
      throw new Error(`top-up: ${intent.status} ${JSON.stringify(intent.body)}`);
    }
    const confirmed = await this.call<{ status: string }>(intent.body.confirmUrl, {
      body: { clientSecret: intent.body.clientSecret, card: TEST_CARD },
    });
    if (confirmed.body?.status !== "succeeded") {
      throw new Error(`top-up confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    }
  }

  /**
   * A live socket on one actor, reconnecting by itself (partysocket, as the apps use) with a fresh
   * ticket each time. The handler is attached before the first frame can arrive.
   */
  live(target: LiveTarget, onMessage: (data: string) => void): ReconnectingWebSocket {
    const socket = new ReconnectingWebSocket(
      async () => {
        const ticket = await this.call<SocketTicket>("/api/live/tickets", { body: { target } });
        if (ticket.status !== 200) {
          throw new Error(`ticket ${target.kind}: ${ticket.status} ${JSON.stringify(ticket.body)}`);
        }
        return `${this.baseUrl.replace(/^http/, "ws")}${ticket.body.url}`;
      },
      [],
      { minReconnectionDelay: 500, maxReconnectionDelay: 10_000 },
    );
    socket.addEventListener("message", (event) => onMessage(String(event.data)));
    return socket;
  }
}
