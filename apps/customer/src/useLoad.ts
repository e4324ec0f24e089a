import { useCallback, useEffect, useState } from "react";
import type { ApiResult } from "../../ui/api.ts";

export type Load<T> =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; value: T };

/** Runs `fetcher` when `key` changes; its loading, error and value, and a way to run it again. */
export function useLoad<T>(
  key: string,
  fetcher: () => Promise<ApiResult<T>>,
): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what fetcher reads.
  useEffect(() => {
    let live = true;
    setLoad({ state: "loading" });
    void fetcher().then((result) => {
      if (!live) return;
      setLoad(
        result.ok
          ? { state: "ready", value: result.value }
          : { state: "error", message: result.error.message },
      );
    });
    return () => {
      live = false;
    };
  }, [key, attempt]);
  return [load, useCallback(() => setAttempt((n) => n + 1), [])];
}
