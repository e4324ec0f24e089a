/**
 * Webhook signatures in the manner of Stripe's: the provider sends
 * `DizhTime-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with one `v1`
 * per active secret while a secret is being rolled. The receiver recomputes the HMAC over the raw
 * body it received (never a re-serialized one), compares in constant time, and refuses a timestamp
 * outside the tolerance, so a captured request cannot be replayed later. (A replay within the
 * tolerance is harmless anyway: applying an event twice changes nothing.)
 */
export const SIGNATURE_HEADER = "dizhtime-signature";

/** Stripe's default tolerance: long enough for clock skew and retries in flight, short enough
 * that a leaked request goes stale. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** A header longer than this is not one we sent: several secrets' worth of signatures at most. */
const SIGNATURE_HEADER_CHARS_MAX = 1_000;

export type SignatureCheck =
  | { valid: true }
  | { valid: false; reason: "missing" | "malformed" | "expired" | "mismatch" };

export async function signWebhook(secret: string, body: string, nowMs: number): Promise<string> {
  const t = Math.floor(nowMs / 1000);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", await keyOf(secret), encode(`${t}.${body}`)),
  );
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function verifyWebhook(
  secret: string,
  body: string,
  header: string | null | undefined,
  nowMs: number,
): Promise<SignatureCheck> {
  if (!header) return { valid: false, reason: "missing" };
  if (header.length > SIGNATURE_HEADER_CHARS_MAX) return { valid: false, reason: "malformed" };
  let t: number | null = null;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) t = Number(value);
    if (key === "v1" && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(hexBytes(value));
  }
  if (t === null || signatures.length === 0) return { valid: false, reason: "malformed" };
  if (Math.abs(nowMs - t * 1000) > SIGNATURE_TOLERANCE_MS)
    return { valid: false, reason: "expired" };
  const key = await keyOf(secret);
  for (const signature of signatures) {
    // WebCrypto's verify compares in constant time.
    if (await crypto.subtle.verify("HMAC", key, signature, encode(`${t}.${body}`))) {
      return { valid: true };
    }
  }
  return { valid: false, reason: "mismatch" };
}

function keyOf(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
