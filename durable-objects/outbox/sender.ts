import { describeError } from "../../runtime/redact.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import { OutboxAck, SIGNATURE_HEADER, signBody } from "../../schema/outbox.ts";
import type { SendResult } from "./drain.ts";

/** A flush that takes longer than this is treated as failed and retried; the bridge is idempotent. */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Answers the bridge gives about a batch's content, which it would give again however often it
 * were sent: malformed or invalid (400), too large (413), unprocessable (422). Anything else (a
 * signature refused, 5xx, no answer) says the bridge is away or misconfigured, which is waited out.
 */
const REFUSED_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

/** Sends one signed batch to the bridge and says what became of it. */
export function bridgeSender(options: {
  bridgeUrl: string;
  secret: string;
  source: string;
  nowMs: () => number;
}) {
  return async (events: EventEnvelope[]): Promise<SendResult> => {
    const body = JSON.stringify({ source: options.source, events });
    let response: Response;
    try {
      response = await fetch(new URL("/v1/events", options.bridgeUrl), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: await signBody(options.secret, body, options.nowMs()),
        },
        body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (error) {
      return { kind: "unavailable", error: describeError(error) };
    }
    if (!response.ok) {
      const error = `bridge answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
      return REFUSED_STATUSES.has(response.status)
        ? { kind: "refused", error }
        : { kind: "unavailable", error };
    }
    const ack = OutboxAck.safeParse(await response.json().catch(() => null));
    return ack.success
      ? { kind: "accepted", ids: ack.data.accepted }
      : { kind: "unavailable", error: "bridge answered 200 without a readable acknowledgement" };
  };
}
