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
