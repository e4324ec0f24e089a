import { describe, expect, it } from "vitest";
import type { GpsFix } from "../../schema/dispatch.ts";
import { type GpsTrack, judgeFix } from "./gps.ts";

const t0 = Date.parse("2026-11-21T18:00:00Z");
const empty: GpsTrack = { last: null, suspect: [] };

function fix(secondsAfter: number, northM: number, partial: Partial<GpsFix> = {}): GpsFix {
  return {
    lat: 30.2672 + northM / 111_320,
    lng: -97.7431,
    accuracyM: 10,
    at: t0 + secondsAfter * 1000,
    ...partial,
  };
}

function judgeAll(fixes: GpsFix[]) {
  let track = empty;
  return fixes.map((f) => {
    const verdict = judgeFix(track, f, f.at);
    track = verdict.track;
    return verdict.kind;
  });
}

describe("judging GPS fixes", () => {
  it("accepts a courier riding through town", () => {
    expect(judgeAll([fix(0, 0), fix(3, 30), fix(6, 60), fix(9, 95)])).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "accepted",
    ]);
  });

  it.each<[string, GpsFix, string]>([
    ["an imprecise fix", fix(3, 10, { accuracyM: 400 }), "accuracy"],
    ["a fix older than the last", fix(-1, 10), "not newer"],
    ["a fix from the future", fix(60, 10), "future"],
  ])("refuses %s", (_, next, why) => {
    const first = judgeFix(empty, fix(0, 0), t0);
    const verdict = judgeFix(first.track, next, t0 + 3_000);
    expect(verdict.kind).toBe("refused");
    if (verdict.kind !== "accepted") expect(verdict.why).toMatch(why);
  });

  it("flags a jump across town and keeps the last good position", () => {
    const first = judgeFix(empty, fix(0, 0), t0);
    const jump = judgeFix(first.track, fix(2, 5_000), t0 + 2_000);
    expect(jump.kind).toBe("flagged");
    expect(jump.track.last).toEqual(fix(0, 0));
  });

  it("believes the new place once several fixes there agree", () => {
    expect(
      judgeAll([fix(0, 0), fix(2, 5_000), fix(4, 5_010), fix(6, 5_020), fix(8, 5_030)]),
    ).toEqual(["accepted", "flagged", "flagged", "accepted", "accepted"]);
  });

  it("forgives what the fixes' own accuracy explains", () => {
    const first = judgeFix(empty, fix(0, 0, { accuracyM: 60 }), t0);
    expect(judgeFix(first.track, fix(1, 150, { accuracyM: 60 }), t0 + 1_000).kind).toBe("accepted");
  });
});
