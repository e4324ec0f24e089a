import { fail, ok, type Result } from "../../schema/errors.ts";

/**
 * The 4-digit code a customer gives the courier at the door. It is derived from a secret and the
 * order id (HMAC), so the customer's app can always be shown it and nothing stores it in the
 * clear; the order keeps only a hash to check against, and a limited number of tries, because
 * 10,000 codes are few.
 */
export const DELIVERY_CODE_ATTEMPTS_MAX = 5;

/**
 * One order's code, kept in its actor's `state` row (`code_hash`, `code_attempts`): the code the
 * customer is shown, and the check of what a courier types, every wrong try counted.
 */
export class DeliveryCode {
  private readonly sql: SqlStorage;
  private readonly secret: string;
  private readonly orderId: string;
  private code: string | null = null;

  constructor(sql: SqlStorage, secret: string, orderId: string) {
    this.sql = sql;
    this.secret = secret;
    this.orderId = orderId;
  }

  /** The code the customer shows at the door. */
  async value(): Promise<string> {
    this.code ??= await deliveryCodeFor(this.secret, this.orderId);
    return this.code;
  }

  /** What the order stores to check codes against, never the code itself. */
  async hash(): Promise<string> {
    return hashDeliveryCode(this.orderId, await this.value());
  }

  /** Checks a courier's code; every wrong try counts, and too many lock delivery by code. */
  async check(code: string): Promise<Result<null>> {
    const row = this.sql
      .exec<{ code_hash: string; code_attempts: number }>(
        "select code_hash, code_attempts from state",
      )
      .one();
    if (row.code_attempts >= DELIVERY_CODE_ATTEMPTS_MAX) {
      return fail(
        "order.delivery_code_locked",
        "too many wrong codes: ask support to confirm this delivery",
      );
    }
    if ((await hashDeliveryCode(this.orderId, code)) === row.code_hash) return ok(null);
    this.sql.exec("update state set code_attempts = code_attempts + 1 where id = 1");
    const left = DELIVERY_CODE_ATTEMPTS_MAX - row.code_attempts - 1;
    return fail("order.delivery_code_wrong", `that code is not this order's; ${left} tries left`, {
      attemptsLeft: left,
    });
  }
}

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
