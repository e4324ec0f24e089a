import type { Connection, WSMessage } from "partyserver";
import type { z } from "zod";
import { Principal } from "../schema/auth.ts";
import { fail, ok, type Result } from "../schema/errors.ts";
import { SOCKET_FRAME_BYTES_MAX } from "../schema/sockets.ts";

/**
 * The header through which the gateway tells an actor who opened a socket. The gateway always
 * overwrites it, and actors are reachable only through the gateway, so it cannot be forged.
 */
export const PRINCIPAL_HEADER = "x-dizh-principal";

export function principalOf(request: Request): Principal | null {
  const header = request.headers.get(PRINCIPAL_HEADER);
  if (!header) return null;
  try {
    const parsed = Principal.safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Parses one client frame against the actor's message union; never throws. */
export function parseFrame<T>(raw: WSMessage, schema: z.ZodType<T>): Result<T> {
  if (typeof raw !== "string") return fail("socket.invalid_message", "frames must be JSON text");
  if (raw.length > SOCKET_FRAME_BYTES_MAX) {
    return fail("socket.invalid_message", `frames are limited to ${SOCKET_FRAME_BYTES_MAX} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail("socket.invalid_message", "frame is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return fail("socket.invalid_message", "frame does not match any message", {
      issues: parsed.error.issues
        .slice(0, 5)
        .map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return ok(parsed.data);
}

/** Sends one server message; a socket that is already closing is skipped, not an error. */
export function send<T>(connection: Connection, message: T): void {
  try {
    connection.send(JSON.stringify(message));
  } catch {
    // The peer went away between our check and the send: the next reconnect resyncs it.
  }
}
