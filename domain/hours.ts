import type { OpeningWindow } from "../schema/catalog.ts";

const MINUTES_PER_DAY = 24 * 60;

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The weekday (0 = Sunday) and minute of the day at an instant, on a time zone's wall clock. */
export function localClock(timezone: string, nowMs: number): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(nowMs));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    day: weekdays[part("weekday")] ?? 0,
    minute: Number(part("hour")) * 60 + Number(part("minute")),
  };
}

/**
 * Whether a restaurant is open at an instant. A window that closes at or before it opens runs
 * past midnight into the next day ("18:00"-"02:00"); "00:00"-"24:00" is the whole day.
 */
export function isOpenAt(
  hours: readonly OpeningWindow[],
  timezone: string,
  nowMs: number,
): boolean {
  const { day, minute } = localClock(timezone, nowMs);
  return hours.some((window) => {
    const opens = minutesOf(window.opens);
    const closes = minutesOf(window.closes);
    if (closes > opens) return window.day === day && minute >= opens && minute < closes;
    return (
      (window.day === day && minute >= opens && minute < MINUTES_PER_DAY) ||
      (window.day === (day + 6) % 7 && minute < closes)
    );
  });
}
