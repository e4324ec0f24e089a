import { useEffect, useState } from "react";

/**
 * The time now, refreshed every `everyMs`: what countdowns and "in 4 min" labels render from, so
 * they tick on their own between the messages that change them.
 */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Today so far, as a `from`/`to` query: from local midnight to a minute ahead, so what was settled
 * just now is inside it. Fixed when a page first draws, so its query stays one query.
 */
export function useTodaySoFar(): string {
  const [period] = useState(() => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const to = new Date(Date.now() + 60_000);
    return new URLSearchParams({ from: midnight.toISOString(), to: to.toISOString() }).toString();
  });
  return period;
}
