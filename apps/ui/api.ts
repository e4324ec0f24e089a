import type { Session } from "../../schema/auth.ts";
import type { ErrorBody, Failure } from "../../schema/errors.ts";

/** Where the refresh token is kept between visits; the access token lives in memory only. */
const REFRESH_KEY = "dizhtime.refresh";

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: Failure; status: number };

type Listener = (session: Session | null) => void;

/**
 * The apps' one HTTP client: JSON in and out, the bearer token attached, and an expired access
 * token refreshed once (with the refresh token from localStorage) before the call is retried.
 * Failures come back as values carrying the API's stable error code.
 */
export class Api {
  private session: Session | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly storageKey: string;

  constructor(app: string) {
    this.storageKey = `${REFRESH_KEY}.${app}`;
  }

  get current(): Session | null {
    return this.session;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setSession(session: Session | null): void {
    this.session = session;
    if (session) localStorage.setItem(this.storageKey, session.refreshToken);
    else localStorage.removeItem(this.storageKey);
    for (const listener of this.listeners) listener(session);
  }

  /** Signs in again from the stored refresh token, if there is one. */
  async resume(): Promise<boolean> {
    if (this.session) return true;
    if (!localStorage.getItem(this.storageKey)) return false;
    return this.refresh();
  }

  /** Signs in with a password, or with the token of an emailed verification link. */
  async signIn(
    path: "/api/auth/login" | "/api/auth/verify-email",
    body: Record<string, string>,
  ): Promise<ApiResult<Session>> {
    const result = await this.request<Session>(path, { body }, false);
    if (result.ok) this.setSession(result.value);
    return result;
  }

  /** A request made before anyone is signed in (a signup, a new link): no token, no refresh. */
  postAnonymous<T>(path: string, body: unknown): Promise<ApiResult<T>> {
    return this.request<T>(path, { body }, false);
  }

  signOut(): void {
    this.setSession(null);
  }

  get<T>(path: string): Promise<ApiResult<T>> {
    return this.request<T>(path, {});
  }

  post<T>(path: string, body: unknown, method = "POST"): Promise<ApiResult<T>> {
    return this.request<T>(path, { body, method });
  }

  private async refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = localStorage.getItem(this.storageKey);
      if (!refreshToken) return false;
      const result = await this.request<Session>(
        "/api/auth/refresh",
        { body: { refreshToken } },
        false,
      );
      this.setSession(result.ok ? result.value : null);
      return result.ok;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async request<T>(
    path: string,
    init: { body?: unknown; method?: string },
    authenticated = true,
  ): Promise<ApiResult<T>> {
    const send = async () => {
      const headers: Record<string, string> = { accept: "application/json" };
      if (authenticated && this.session)
        headers.authorization = `Bearer ${this.session.accessToken}`;
      if (init.body !== undefined) headers["content-type"] = "application/json";
      return fetch(path, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    };
    let response: Response;
    try {
      response = await send();
      if (response.status === 401 && authenticated && (await this.refresh())) {
        response = await send();
      }
    } catch {
      return {
        ok: false,
        status: 0,
        error: { code: "unavailable", message: "Cannot reach DizhTime. Check your connection." },
      };
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (response.ok) return { ok: true, value: parsed as T };
    const error = (parsed as ErrorBody | null)?.error ?? {
      code: "internal" as const,
      message: `The server answered ${response.status}.`,
    };
    return { ok: false, error, status: response.status };
  }
}

/** A fresh idempotency key for one user action (a checkout, a top-up). */
export function idempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
