import { useState } from "react";
import { Button } from "./controls.tsx";

/**
 * Keyset paging through a list the API answers a page at a time: the `after` cursor of each page
 * visited is kept, so Previous returns to the page before without the API keeping any state.
 */
export function usePager() {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return {
    after: cursors.at(-1) ?? null,
    canGoBack: cursors.length > 1,
    back: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    forward: (next: string) => setCursors((c) => [...c, next]),
    /** Back to the first page, as a new search starts. */
    reset: () => setCursors([null]),
  };
}

export function Pager({
  pager,
  next,
  label = "Pages",
}: {
  pager: ReturnType<typeof usePager>;
  next: string | null;
  /** Names the navigation landmark; two pagers on one page need names of their own. */
  label?: string;
}) {
  return (
    <nav className="row" aria-label={label}>
      <Button variant="ghost" size="small" disabled={!pager.canGoBack} onClick={pager.back}>
        Previous page
      </Button>
      <Button
        variant="ghost"
        size="small"
        disabled={!next}
        onClick={() => next && pager.forward(next)}
      >
        Next page
      </Button>
    </nav>
  );
}
