import { z } from "zod";
import { EventEnvelope } from "./events.ts";

/** One flush carries at most this many events: bounded request size and bounded apply time. */
export const OUTBOX_BATCH_MAX = 100;

/** A signature older than this is refused, so a captured batch cannot be replayed much later. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export const SIGNATURE_HEADER = "x-dizh-signature";

/** What an actor's outbox sends to the bridge. */
export const OutboxBatch = z.object({
  source: z.string().min(1).max(120),
  events: z.array(EventEnvelope).min(1).max(OUTBOX_BATCH_MAX),
});
export type OutboxBatch = z.infer<typeof OutboxBatch>;

/** The bridge's confirmation: the ids it has made durable downstream. Only these may be deleted. */
export const OutboxAck = z.object({ accepted: z.array(z.uuid()) });
export type OutboxAck = z.infer<typeof OutboxAck>;

const encoder = new TextEncoder();
/**
 * Imported keys by secret: importing costs as much as signing a batch, and a process has one or
 * two secrets (a rotation holds two), so the cache stays tiny. It holds keys, never pending
 * promises: workerd ties a promise to the request that made it.
 */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, HmacKey>();
const KEYS_MAX = 8;

async function keyFor(secret: string): Promise<HmacKey> {
  const cached = keys.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  if (keys.size >= KEYS_MAX) keys.clear();
  keys.set(secret, key);
  return key;
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await keyFor(secret);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, in the manner of Stripe's webhooks. */
export async function signBody(secret: string, body: string, nowMs: number): Promise<string> {
  return `t=${nowMs},v1=${await hmacHex(secret, `${nowMs}.${body}`)}`;
}

export type SignatureCheck = "valid" | "malformed" | "expired" | "mismatch";

export async function verifyBody(
  secret: string,
  body: string,
  header: string | null | undefined,
  nowMs: number,
): Promise<SignatureCheck> {
  const match = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return "malformed";
  const signedAt = Number(match[1]);
  if (Math.abs(nowMs - signedAt) > SIGNATURE_TOLERANCE_MS) return "expired";
  const expected = await hmacHex(secret, `${signedAt}.${body}`);
  return timingSafeEqual(expected, match[2] ?? "") ? "valid" : "mismatch";
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** What an actor still holds for the bridge, as operators see it. */
export const PendingEvent = z.object({
  eventId: z.string(),
  type: z.string(),
  seq: z.number().int().nullable(),
  /** Sends that failed while the bridge was away. */
  attempts: z.number().int(),
  /** Times the bridge refused a batch holding it. */
  refusals: z.number().int(),
  lastError: z.string().nullable(),
  /** Set when the bridge refused it for good: parked until an admin releases it. */
  parkedAt: z.iso.datetime().optional(),
});
export type PendingEvent = z.infer<typeof PendingEvent>;

/**
 * An actor's outbox as admins see it: what waits for the bridge, and what the bridge refused for
 * good (parked). Consumers see a gap in the aggregate's `seq` where a parked event sits.
 */
export const PendingEvents = z.object({
  events: z.array(PendingEvent),
  parked: z.array(PendingEvent),
});
export type PendingEvents = z.infer<typeof PendingEvents>;

/** How many parked events an admin put back in the outbox. */
export const ReleasedEvents = z.object({ released: z.number().int() });
