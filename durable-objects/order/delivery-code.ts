/**
 * The 4-digit code a customer gives the courier at the door. It is derived from a secret and the
 * order id (HMAC), so the customer's app can always be shown it and nothing stores it in the
 * clear; the order keeps only a hash to check against, and a limited number of tries, because
 * 10,000 codes are few.
 */
export const DELIVERY_CODE_ATTEMPTS_MAX = 5;

export async function deliveryCodeFor(secret: string, orderId: string): Promise<string> {
  const mac = await hmac(secret, `delivery-code:${orderId}`);
  const value = ((mac[0]! << 24) | (mac[1]! << 16) | (mac[2]! << 8) | mac[3]!) >>> 0;
  return String(value % 10_000).padStart(4, "0");
}

export async function hashDeliveryCode(orderId: string, code: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${orderId}:${code}`)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}
