import { sign, verify } from "hono/jwt";
import { type LiveTarget, Principal } from "../schema/auth.ts";
import { fail, ok, type Result } from "../schema/errors.ts";

/** Short, so a stolen access token is worth little; the refresh token renews it. */
export const ACCESS_TOKEN_TTL_MS = 15 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000;
/**
 * Browsers cannot set headers on a WebSocket, so a socket is opened with a ticket in the URL.
 * URLs end up in logs, so the ticket lives one minute and opens exactly one actor's feed.
 */
export const SOCKET_TICKET_TTL_MS = 60_000;

const ACCESS_AUDIENCE = "dizhtime:api";
const TICKET_AUDIENCE = "dizhtime:socket";

type Claims = {
  sub: string;
  role: string;
  rid?: string;
  aud: string;
  iat: number;
  exp: number;
  tgt?: string;
  sid?: string;
};

export function targetKey(target: LiveTarget): string {
  return `${target.kind}:${target.id}`;
}

export async function issueAccessToken(who: Principal, secret: string, nowMs: number) {
  const expiresAtMs = nowMs + ACCESS_TOKEN_TTL_MS;
  const token = await sign(claims(who, ACCESS_AUDIENCE, nowMs, expiresAtMs), secret, "HS256");
  return { token, expiresAt: new Date(expiresAtMs).toISOString() };
}

export async function verifyAccessToken(
  token: string,
  secret: string,
  nowMs: number,
): Promise<Result<Principal>> {
  return check(token, secret, ACCESS_AUDIENCE, nowMs, null);
}

export async function issueTicket(
  who: Principal,
  target: LiveTarget,
  secret: string,
  nowMs: number,
) {
  const expiresAtMs = nowMs + SOCKET_TICKET_TTL_MS;
  const payload = { ...claims(who, TICKET_AUDIENCE, nowMs, expiresAtMs), tgt: targetKey(target) };
  return {
    ticket: await sign(payload, secret, "HS256"),
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

export async function verifyTicket(
  ticket: string,
  target: LiveTarget,
  secret: string,
  nowMs: number,
): Promise<Result<Principal>> {
  return check(ticket, secret, TICKET_AUDIENCE, nowMs, targetKey(target));
}

function claims(who: Principal, aud: string, nowMs: number, expiresAtMs: number): Claims {
  return {
    sub: who.userId,
    role: who.role,
    ...(who.restaurantId ? { rid: who.restaurantId } : {}),
    ...(who.name ? { name: who.name } : {}),
    ...(who.sessionId ? { sid: who.sessionId } : {}),
    aud,
    iat: Math.floor(nowMs / 1000),
    exp: Math.floor(expiresAtMs / 1000),
  };
}

/**
 * Verifies signature and audience with hono's JWT, then expiry against the injected clock (so
 * tests can step time), then the claims' shape.
 */
async function check(
  token: string,
  secret: string,
  audience: string,
  nowMs: number,
  target: string | null,
): Promise<Result<Principal>> {
  const invalid = fail(
    target ? "auth.ticket_invalid" : "auth.token_invalid",
    target ? "the socket ticket is not valid" : "the access token is not valid",
  );
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, {
      alg: "HS256",
      aud: audience,
      exp: false,
      nbf: false,
      iat: false,
    });
  } catch {
    return invalid;
  }
  if (typeof payload.exp !== "number") return invalid;
  if (payload.exp * 1000 <= nowMs) {
    return fail(
      target ? "auth.ticket_invalid" : "auth.token_expired",
      target ? "the socket ticket has expired" : "the access token has expired",
    );
  }
  if (target !== null && payload.tgt !== target) return invalid;
  const principal = Principal.safeParse({
    userId: payload.sub,
    role: payload.role,
    ...(typeof payload.rid === "string" ? { restaurantId: payload.rid } : {}),
    ...(typeof payload.name === "string" ? { name: payload.name } : {}),
    ...(typeof payload.sid === "string" ? { sessionId: payload.sid } : {}),
  });
  return principal.success ? ok(principal.data) : invalid;
}

/** An opaque token (32 random bytes: a refresh token, a mailed link) and the hash that is all the database keeps. */
export async function newOpaqueToken(): Promise<{ token: string; hash: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return { token, hash: await hashToken(token) };
}

export async function hashToken(token: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
