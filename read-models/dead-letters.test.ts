import { describe, expect, it } from "vitest";
import { rawEvent } from "../test/bridge/fixtures.ts";
import { deadLetterOf } from "./dead-letters.ts";

describe("deadLetterOf", () => {
  it("keeps the whole event as JSON beside the reason", () => {
    const event = rawEvent({ type: "OrderTeleported", seq: 7, data: { to: "the moon" } });

    expect(deadLetterOf(event, "unknown event type")).toEqual({
      eventId: event.id,
      type: "OrderTeleported",
      aggregateId: event.aggregateId,
      seq: 7,
      event: JSON.stringify(event),
      error: "unknown event type",
    });
  });

  it("makes a letter Postgres can store out of an event it could not", () => {
    const event = rawEvent({ type: "Order\u0000Placed", aggregateId: "a\u0000b", seq: 2 ** 40 });

    const letter = deadLetterOf(event, "bad \u0000 news");

    expect(letter).toMatchObject({
      type: "Order\uFFFDPlaced",
      aggregateId: "a\uFFFDb",
      seq: 0,
      error: "bad \uFFFD news",
    });
    expect(JSON.parse(letter.event)).toEqual(event);
  });

  it("cuts an overlong reason", () => {
    expect(deadLetterOf(rawEvent({ type: "X" }), "e".repeat(10_000)).error).toHaveLength(2_000);
  });
});
