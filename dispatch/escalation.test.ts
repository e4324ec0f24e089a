import { describe, expect, it } from "vitest";
import { escalationOf, defaultDispatchPolicy as policy } from "./escalation.ts";

describe("escalating an order nobody takes", () => {
  it.each([
    [0, "none", "none"],
    [policy.widenAfterMs, "none", "widen"],
    [policy.widenAfterMs, "widened", "none"],
    [policy.alertAfterMs, "widened", "alert"],
    [policy.alertAfterMs, "alerted", "none"],
    [policy.giveUpAfterMs, "alerted", "abandon"],
    [policy.giveUpAfterMs, "none", "abandon"],
  ] as const)("after %i ms at level %s: %s", (waited, level, step) => {
    expect(escalationOf(0, level, waited, policy)).toBe(step);
  });
});
