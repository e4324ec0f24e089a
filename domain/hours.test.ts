import { describe, expect, it } from "vitest";
import type { OpeningWindow } from "../schema/catalog.ts";
import { isOpenAt, localClock } from "./hours.ts";

const chicago = "America/Chicago";
/** Saturday 2026-11-21, 12:00 in Chicago (UTC-6 in November). */
const saturdayNoon = Date.parse("2026-11-21T18:00:00Z");
const hour = 3_600_000;

describe("opening hours", () => {
  it("reads the wall clock in the restaurant's own zone", () => {
    expect(localClock(chicago, saturdayNoon)).toEqual({ day: 6, minute: 720 });
  });

  it.each<[string, OpeningWindow[], number, boolean]>([
    ["inside a same-day window", [{ day: 6, opens: "11:00", closes: "22:00" }], saturdayNoon, true],
    ["before it opens", [{ day: 6, opens: "13:00", closes: "22:00" }], saturdayNoon, false],
    ["at the closing minute", [{ day: 6, opens: "08:00", closes: "12:00" }], saturdayNoon, false],
    ["on another weekday", [{ day: 5, opens: "00:00", closes: "24:00" }], saturdayNoon, false],
    ["the whole day", [{ day: 6, opens: "00:00", closes: "24:00" }], saturdayNoon, true],
    [
      "after midnight in Friday's late window",
      [{ day: 5, opens: "18:00", closes: "02:00" }],
      saturdayNoon - 11 * hour,
      true,
    ],
    [
      "after that late window has closed",
      [{ day: 5, opens: "18:00", closes: "02:00" }],
      saturdayNoon - 9 * hour,
      false,
    ],
    ["with no hours at all", [], saturdayNoon, false],
  ])("is %s -> %s", (_, hours, at, open) => {
    expect(isOpenAt(hours, chicago, at)).toBe(open);
  });
});
