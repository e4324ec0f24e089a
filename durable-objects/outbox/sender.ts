import type { EventEnvelope } from "../../schema/events.ts";
import { OutboxAck, SIGNATURE_HEADER, signBody } from "../../schema/outbox.ts";

/** A flush that takes longer than this is treated as failed and retried; the bridge is idempotent. */
const SEND_TIMEOUT_MS = 10_000;

/** Sends one signed batch to the bridge and answers the ids it confirmed. */
export function bridgeSender(options: {
  bridgeUrl: string;
  secret: string;
  source: string;
  nowMs: () => number;
}) {
  return async (events: EventEnvelope[]): Promise<string[]> => {
    const body = JSON.stringify({ source: options.source, events });
    const response = await fetch(new URL("/v1/events", options.bridgeUrl), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signBody(options.secret, body, options.nowMs()),
      },
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    if (!response.ok)
      throw new Error(
        `bridge answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    return OutboxAck.parse(await response.json()).accepted;
  };
}
