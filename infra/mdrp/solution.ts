import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A solution to an MDRP instance, and its three files in the published evaluator's format
 * (../shared/data/mdrp/README.md): space-separated, a header line, times in minutes.
 */

export type SolutionAssignment = {
  assignmentTime: number;
  pickupTime: number;
  courierId: string;
  /** In drop-off order. */
  orderIds: string[];
};

export type SolutionOrder = {
  orderId: string;
  placementTime: number;
  readyTime: number;
  pickupTime: number;
  dropoffTime: number;
  courierId: string;
};

/** One leg of a courier's day. Origin "0" is the courier's on-location; else a restaurant or order id. */
export type CourierMove = {
  courierId: string;
  departureTime: number;
  origin: string;
  destination: string;
};

export type Solution = {
  assignments: SolutionAssignment[];
  orders: SolutionOrder[];
  /** Grouped by courier, each courier's in execution order. */
  moves: CourierMove[];
};

export const SOLUTION_FILES = {
  assignments: "solution_info_assignments.txt",
  orders: "solution_info_orders.txt",
  couriers: "solution_info_couriers.txt",
} as const;

/** The origin id of a courier's first leg: its on-location. */
export const ON_LOCATION = "0";

const HEADERS = {
  assignments: "assignment_time pickup_time courier orders",
  orders: "order placement_time ready_time pickup_time dropoff_time courier",
  couriers: "courier departure_time origin destination",
} as const;

/** The three files' text. Whole minutes print as integers; half minutes (odd services) as x.5. */
export function formatSolution(solution: Solution): Record<keyof typeof SOLUTION_FILES, string> {
  const lines = (header: string, rows: Array<Array<string | number>>) =>
    `${[header, ...rows.map((row) => row.map(formatCell).join(" "))].join("\n")}\n`;
  return {
    assignments: lines(
      HEADERS.assignments,
      solution.assignments.map((a) => [a.assignmentTime, a.pickupTime, a.courierId, ...a.orderIds]),
    ),
    orders: lines(
      HEADERS.orders,
      solution.orders.map((o) => [
        o.orderId,
        o.placementTime,
        o.readyTime,
        o.pickupTime,
        o.dropoffTime,
        o.courierId,
      ]),
    ),
    couriers: lines(
      HEADERS.couriers,
      solution.moves.map((m) => [m.courierId, m.departureTime, m.origin, m.destination]),
    ),
  };
}

/** Writes the three files into `dir` (created if missing). */
export function writeSolution(dir: string, solution: Solution): void {
  mkdirSync(dir, { recursive: true });
  const text = formatSolution(solution);
  for (const key of Object.keys(SOLUTION_FILES) as Array<keyof typeof SOLUTION_FILES>) {
    writeFileSync(path.join(dir, SOLUTION_FILES[key]), text[key]);
  }
}

/** Reads the three files from `dir`. */
export function readSolution(dir: string): Solution {
  const text = (key: keyof typeof SOLUTION_FILES) =>
    readFileSync(path.join(dir, SOLUTION_FILES[key]), "utf8");
  return parseSolution({
    assignments: text("assignments"),
    orders: text("orders"),
    couriers: text("couriers"),
  });
}

/** Thrown for a solution file that is not in the format at all (rule checks are feasibility's). */
export class SolutionFormatError extends Error {
  override name = "SolutionFormatError";
}

/** Parses the three files' text; whitespace-separated fields, header line skipped. */
export function parseSolution(files: Record<keyof typeof SOLUTION_FILES, string>): Solution {
  const rows = (key: keyof typeof SOLUTION_FILES, minFields: number, exactFields?: number) =>
    files[key]
      .split(/\r?\n/)
      .slice(1)
      .map((line, i) => ({ fields: line.trim().split(/\s+/), line: i + 2 }))
      .filter(({ fields }) => fields.length > 0 && fields[0] !== "")
      .map(({ fields, line }) => {
        const bad =
          fields.length < minFields || (exactFields !== undefined && fields.length !== exactFields);
        if (bad)
          throw new SolutionFormatError(`${SOLUTION_FILES[key]}:${line}: wrong number of fields`);
        return { fields, line };
      });
  const num = (key: keyof typeof SOLUTION_FILES, line: number, value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n)) {
      throw new SolutionFormatError(`${SOLUTION_FILES[key]}:${line}: "${value}" is not a number`);
    }
    return n;
  };
  return {
    assignments: rows("assignments", 4).map(({ fields, line }) => ({
      assignmentTime: num("assignments", line, fields[0]!),
      pickupTime: num("assignments", line, fields[1]!),
      courierId: fields[2]!,
      orderIds: fields.slice(3),
    })),
    orders: rows("orders", 6, 6).map(({ fields, line }) => ({
      orderId: fields[0]!,
      placementTime: num("orders", line, fields[1]!),
      readyTime: num("orders", line, fields[2]!),
      pickupTime: num("orders", line, fields[3]!),
      dropoffTime: num("orders", line, fields[4]!),
      courierId: fields[5]!,
    })),
    moves: rows("couriers", 4, 4).map(({ fields, line }) => ({
      courierId: fields[0]!,
      departureTime: num("couriers", line, fields[1]!),
      origin: fields[2]!,
      destination: fields[3]!,
    })),
  };
}

function formatCell(value: string | number): string {
  if (typeof value === "string") return value;
  // Times are sums of whole minutes and half services; round away float dust from the halves.
  return String(Math.round(value * 1_000_000) / 1_000_000);
}
