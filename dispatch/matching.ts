/**
 * Minimum-cost assignment on a sparse bipartite graph: rows (bundles) to columns (couriers), each
 * used at most once, where a row may also stay unmatched at its own `skipCost`. Any shape works
 * (more rows than columns, or fewer), and pairs without an edge are simply not allowed.
 *
 * The algorithm is the Hungarian method in its shortest-augmenting-path form (Jonker and
 * Volgenant 1987): rows are added one at a time, and each addition runs Dijkstra over reduced
 * costs (kept non-negative by row and column potentials) to the cheapest free column, then flips
 * the path. Each row owns a private "skip" column, so a free column is always reachable and the
 * result is optimal for the total of matched edge costs plus skipped rows' skip costs.
 * Work: O(rows x edges x log edges), which on a round's candidate graph (16 couriers per bundle)
 * is far below the dense method's O(rows^2 x columns).
 */

export type MatchingEdge = { row: number; col: number; cost: number };

export type MatchingProblem = {
  rows: number;
  cols: number;
  edges: readonly MatchingEdge[];
  /** Cost of leaving each row unmatched, one per row. */
  skipCost: readonly number[];
};

export type Matching = {
  /** The column each row takes, or -1 when the row is left unmatched. */
  colOfRow: number[];
  totalCost: number;
};

export function minCostMatching(problem: MatchingProblem): Matching {
  const { rows, cols, edges, skipCost } = problem;
  assertMatchingProblem(problem);
  // Adjacency per row, with the row's private skip column (index cols + row) last.
  const adjacency: Array<Array<{ col: number; cost: number }>> = [];
  for (let r = 0; r < rows; r++) adjacency.push([]);
  for (const edge of edges) adjacency[edge.row]!.push({ col: edge.col, cost: edge.cost });
  for (let r = 0; r < rows; r++) adjacency[r]!.push({ col: cols + r, cost: skipCost[r]! });

  const colCount = cols + rows;
  const rowPotential = new Float64Array(rows);
  const colPotential = new Float64Array(colCount);
  const rowOfCol = new Int32Array(colCount).fill(-1);
  const colOfRowInternal = new Int32Array(rows).fill(-1);
  const rowDist = new Float64Array(rows);
  // Per search: a column's tentative distance, the row it was reached from, and whether it is
  // final. `seenIn` stamps the search that last touched a column, so nothing is cleared per row.
  const dist = new Float64Array(colCount);
  const prevRow = new Int32Array(colCount);
  const final = new Uint8Array(colCount);
  const seenIn = new Int32Array(colCount).fill(-1);

  for (let root = 0; root < rows; root++) {
    const heap = new MinHeap();
    const treeRows: number[] = [root];
    const finalCols: number[] = [];
    rowDist[root] = 0;
    const relax = (r: number, base: number) => {
      for (const { col, cost } of adjacency[r]!) {
        if (seenIn[col] !== root) {
          seenIn[col] = root;
          dist[col] = Number.POSITIVE_INFINITY;
          final[col] = 0;
        }
        if (final[col]) continue;
        const d = base + cost - rowPotential[r]! - colPotential[col]!;
        if (d < dist[col]!) {
          dist[col] = d;
          prevRow[col] = r;
          heap.push(d, col);
        }
      }
    };
    relax(root, 0);
    let freeCol = -1;
    let freeDist = 0;
    while (heap.size > 0) {
      const [d, col] = heap.pop();
      if (final[col] || d > dist[col]!) continue;
      final[col] = 1;
      const owner = rowOfCol[col]!;
      if (owner === -1) {
        freeCol = col;
        freeDist = d;
        break;
      }
      finalCols.push(col);
      rowDist[owner] = d;
      treeRows.push(owner);
      relax(owner, d);
    }
    if (freeCol === -1) throw new Error("matching: no free column reachable (skip column missing)");
    // Potentials: rows in the tree rise and final columns fall by how much nearer than the free
    // column they were, which keeps every reduced cost >= 0 and makes the path's exactly 0.
    for (const r of treeRows) rowPotential[r] = rowPotential[r]! + (freeDist - rowDist[r]!);
    for (const c of finalCols) colPotential[c] = colPotential[c]! - (freeDist - dist[c]!);
    // Flip the augmenting path back to the root.
    let col = freeCol;
    for (;;) {
      const r = prevRow[col]!;
      const previous = colOfRowInternal[r]!;
      colOfRowInternal[r] = col;
      rowOfCol[col] = r;
      if (r === root) break;
      col = previous;
    }
  }

  const colOfRow: number[] = [];
  let totalCost = 0;
  for (let r = 0; r < rows; r++) {
    const c = colOfRowInternal[r]!;
    if (c >= cols) {
      colOfRow.push(-1);
      totalCost += skipCost[r]!;
    } else {
      colOfRow.push(c);
      totalCost += costOf(adjacency[r]!, c);
    }
  }
  return { colOfRow, totalCost };
}

function costOf(adjacent: ReadonlyArray<{ col: number; cost: number }>, col: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const edge of adjacent) if (edge.col === col && edge.cost < best) best = edge.cost;
  return best;
}

function assertMatchingProblem({ rows, cols, edges, skipCost }: MatchingProblem): void {
  if (!Number.isInteger(rows) || rows < 0)
    throw new Error("matching: rows must be an integer >= 0");
  if (!Number.isInteger(cols) || cols < 0)
    throw new Error("matching: cols must be an integer >= 0");
  if (skipCost.length !== rows) throw new Error("matching: one skip cost per row");
  for (const cost of skipCost) {
    if (!(cost >= 0) || !Number.isFinite(cost))
      throw new Error("matching: skip costs must be finite and >= 0");
  }
  for (const { row, col, cost } of edges) {
    if (!(row >= 0 && row < rows)) throw new Error(`matching: edge row ${row} out of range`);
    if (!(col >= 0 && col < cols)) throw new Error(`matching: edge col ${col} out of range`);
    if (!(cost >= 0) || !Number.isFinite(cost))
      throw new Error("matching: edge costs must be finite and >= 0");
  }
}

/** A binary heap of (key, value) pairs, smallest key first. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: number): void {
    const keys = this.keys;
    const values = this.values;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  pop(): [number, number] {
    const keys = this.keys;
    const values = this.values;
    const top: [number, number] = [keys[0]!, values[0]!];
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }
}
