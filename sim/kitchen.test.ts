import { describe, expect, it } from "vitest";
import { seeded } from "../domain/random.ts";
import { answerTicket, defaultKitchenPolicy as policy } from "./kitchen.ts";

describe("a simulated kitchen answering tickets", () => {
  it("accepts with 1-3 prep minutes and cooks for about that long", () => {
    const rng = seeded(1);
    for (let i = 0; i < 500; i++) {
      const answer = answerTicket(rng, { ...policy, rejectRate: 0 });
      if (answer.kind !== "accept") throw new Error("expected an acceptance");
      expect([1, 2, 3]).toContain(answer.prepMinutes);
      expect(answer.readyAfterMs).toBeGreaterThanOrEqual(answer.prepMinutes * 60_000 * 0.85);
      expect(answer.readyAfterMs).toBeLessThanOrEqual(answer.prepMinutes * 60_000 * 1.1);
      expect(answer.afterMs).toBeGreaterThanOrEqual(policy.answerMs.min);
      expect(answer.afterMs).toBeLessThan(policy.answerMs.max);
    }
  });

  it("cooks faster than announced when fast-forwarded", () => {
    const answer = answerTicket(seeded(2), { ...policy, rejectRate: 0, cookScale: 0.25 });
    if (answer.kind !== "accept") throw new Error("expected an acceptance");
    expect(answer.readyAfterMs).toBeLessThanOrEqual(answer.prepMinutes * 60_000 * 0.25 * 1.1);
  });

  it("rejects about the configured share, always with a reason", () => {
    const rng = seeded(3);
    const answers = Array.from({ length: 2_000 }, () =>
      answerTicket(rng, { ...policy, rejectRate: 0.2 }),
    );
    const rejected = answers.filter((a) => a.kind === "reject");
    expect(rejected.length / answers.length).toBeGreaterThan(0.17);
    expect(rejected.length / answers.length).toBeLessThan(0.23);
    for (const r of rejected) if (r.kind === "reject") expect(r.reason.length).toBeGreaterThan(0);
  });
});
