import { describe, expect, it } from "vitest";
import { LOG_TRACE_IDS_MAX, traceIdOf, traceIdsOf } from "./trace.ts";

const parent = (traceId: string) => `00-${traceId}-b7ad6b7169203331-01`;
const trace = (n: number) => n.toString(16).padStart(32, "0");

describe("traceIdOf", () => {
  it("reads the trace id of a W3C traceparent", () => {
    expect(traceIdOf(parent(trace(1)))).toBe(trace(1));
  });

  it.each([[""], ["nonsense"], [null], [undefined]])("is null for %j", (value) => {
    expect(traceIdOf(value)).toBeNull();
  });
});

describe("traceIdsOf", () => {
  it("lists each trace once, first seen first, and at most a few", () => {
    const events = [1, 2, 1, ...Array.from({ length: 20 }, (_, i) => i + 3)].map((n) => ({
      traceparent: parent(trace(n)),
    }));

    const ids = traceIdsOf(events);

    expect(ids.slice(0, 3)).toEqual([trace(1), trace(2), trace(3)]);
    expect(ids).toHaveLength(LOG_TRACE_IDS_MAX);
  });
});
