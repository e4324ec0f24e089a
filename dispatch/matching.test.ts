import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MatchingEdge, minCostMatching } from "./matching.ts";

/** The optimum by trying every assignment: the reference for small problems. */
function bruteForceCost(rows: number, cols: number, edges: MatchingEdge[], skipCost: number[]) {
  const cost = new Map<string, number>();
  for (const e of edges) {
    const key = `${e.row}:${e.col}`;
    cost.set(key, Math.min(cost.get(key) ?? Number.POSITIVE_INFINITY, e.cost));
  }
  let best = Number.POSITIVE_INFINITY;
  const used = new Set<number>();
  const walk = (row: number, total: number) => {
    if (total >= best) return;
    if (row === rows) {
      best = total;
      return;
    }
    walk(row + 1, total + skipCost[row]!);
    for (let col = 0; col < cols; col++) {
      const c = cost.get(`${row}:${col}`);
      if (c === undefined || used.has(col)) continue;
      used.add(col);
      walk(row + 1, total + c);
      used.delete(col);
    }
  };
  walk(0, 0);
  return best;
}

const problem = fc
  .record({ rows: fc.integer({ min: 0, max: 6 }), cols: fc.integer({ min: 0, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      edges: fc
        .array(
          fc.record({
            row: fc.integer({ min: 0, max: Math.max(0, rows - 1) }),
            col: fc.integer({ min: 0, max: Math.max(0, cols - 1) }),
            cost: fc.integer({ min: 0, max: 50 }),
          }),
          { maxLength: rows > 0 && cols > 0 ? 30 : 0 },
        )
        .map((edges) => (rows > 0 && cols > 0 ? edges : [])),
      skipCost: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: rows, maxLength: rows }),
    }),
  );

describe("the minimum-cost matching", () => {
  it("finds the cheapest assignment, as trying every assignment does", () => {
    fc.assert(
      fc.property(problem, ({ rows, cols, edges, skipCost }) => {
        const result = minCostMatching({ rows, cols, edges, skipCost });
        expect(result.totalCost).toBe(bruteForceCost(rows, cols, edges, skipCost));
      }),
      { numRuns: 500 },
    );
  });

  it("uses each column at most once and only along an edge", () => {
    fc.assert(
      fc.property(problem, ({ rows, cols, edges, skipCost }) => {
        const { colOfRow } = minCostMatching({ rows, cols, edges, skipCost });
        const taken = colOfRow.filter((c) => c >= 0);
        expect(new Set(taken).size).toBe(taken.length);
        colOfRow.forEach((col, row) => {
          if (col >= 0) expect(edges.some((e) => e.row === row && e.col === col)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("prefers the global optimum to the locally cheapest pair", () => {
    // Row 0 likes column 0 a little more than column 1; row 1 can only use column 0.
    const edges = [
      { row: 0, col: 0, cost: 1 },
      { row: 0, col: 1, cost: 2 },
      { row: 1, col: 0, cost: 1 },
    ];
    const result = minCostMatching({ rows: 2, cols: 2, edges, skipCost: [100, 100] });
    expect(result.colOfRow).toEqual([1, 0]);
    expect(result.totalCost).toBe(3);
  });

  it("leaves a row unmatched when that is cheaper, and when no column is left", () => {
    const cheaperToSkip = minCostMatching({
      rows: 1,
      cols: 1,
      edges: [{ row: 0, col: 0, cost: 9 }],
      skipCost: [5],
    });
    expect(cheaperToSkip.colOfRow).toEqual([-1]);
    const moreRowsThanCols = minCostMatching({
      rows: 3,
      cols: 1,
      edges: [0, 1, 2].map((row) => ({ row, col: 0, cost: 1 })),
      skipCost: [10, 30, 20],
    });
    expect(moreRowsThanCols.colOfRow).toEqual([-1, 0, -1]);
  });

  it("handles empty problems", () => {
    expect(minCostMatching({ rows: 0, cols: 3, edges: [], skipCost: [] }).colOfRow).toEqual([]);
    expect(minCostMatching({ rows: 2, cols: 0, edges: [], skipCost: [1, 2] })).toEqual({
      colOfRow: [-1, -1],
      totalCost: 3,
    });
  });

  it("refuses negative or non-finite costs and edges out of range", () => {
    const base = { rows: 1, cols: 1, skipCost: [1] };
    expect(() => minCostMatching({ ...base, edges: [{ row: 0, col: 0, cost: -1 }] })).toThrow(
      /costs/,
    );
    expect(() =>
      minCostMatching({ ...base, edges: [{ row: 0, col: 0, cost: Number.POSITIVE_INFINITY }] }),
    ).toThrow(/costs/);
    expect(() => minCostMatching({ ...base, edges: [{ row: 0, col: 1, cost: 1 }] })).toThrow(/col/);
    expect(() => minCostMatching({ ...base, edges: [], skipCost: [] })).toThrow(/skip/);
  });
});
