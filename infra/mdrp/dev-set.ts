import { readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CONTENDERS, type Contender, contest } from "./contenders.ts";
import { readInstance } from "./instance.ts";
import { runCli, UsageError } from "./run-cli.ts";

/**
 * npm run mdrp:dev -- [set dir]   (default ../shared/data/mdrp/dev)
 *
 * Runs the policy, the reference and the greedy baseline on every instance of a set and prints,
 * per instance and in total: mean click-to-door of each and of the lower bound, each one's ratio
 * to the lower bound, orders delivered and rule violations. Exit code 1 if any solution breaks a
 * rule or the policy leaves a deliverable order undelivered.
 */
const USAGE = "usage: npm run mdrp:dev -- [set dir]";
const DEFAULT_DIR = "../shared/data/mdrp/dev";

type Row = {
  name: string;
  orders: number;
  lowerBound: number;
  mean: Record<Contender, number>;
  ratio: Record<Contender, number>;
  delivered: Record<Contender, number>;
  violations: Record<Contender, number>;
};

function main(argv: string[]): number {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(USAGE);
  const dir = positionals[0] ?? DEFAULT_DIR;
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new UsageError(`${dir}: no instance folders`);

  const started = performance.now();
  const rows: Row[] = [];
  console.log(
    [
      "instance".padEnd(18),
      "orders".padStart(6),
      "bound".padStart(6),
      ...CONTENDERS.map((c) => c.padStart(15)),
      "delivered p/r/g".padStart(17),
      "violations".padStart(10),
    ].join(" "),
  );
  for (const name of names) {
    const instance = readInstance(path.join(dir, name));
    const outcomes = contest(instance);
    const pick = <T>(f: (c: Contender) => T) =>
      Object.fromEntries(CONTENDERS.map((c) => [c, f(c)])) as Record<Contender, T>;
    const row: Row = {
      name,
      orders: instance.orders.length,
      lowerBound: outcomes.reference.metrics.lowerBoundMean,
      mean: pick((c) => outcomes[c].metrics.clickToDoor.mean),
      ratio: pick((c) => outcomes[c].metrics.ratioToLowerBound),
      delivered: pick((c) => outcomes[c].metrics.ordersDelivered),
      violations: pick((c) => outcomes[c].violations.length),
    };
    rows.push(row);
    console.log(
      [
        name.padEnd(18),
        String(row.orders).padStart(6),
        row.lowerBound.toFixed(1).padStart(6),
        ...CONTENDERS.map((c) =>
          `${row.mean[c].toFixed(1)} ${row.ratio[c].toFixed(3)}x`.padStart(15),
        ),
        CONTENDERS.map((c) => row.delivered[c])
          .join("/")
          .padStart(17),
        CONTENDERS.map((c) => row.violations[c])
          .join("/")
          .padStart(10),
      ].join(" "),
    );
  }

  const n = rows.length;
  const meanOf = (f: (row: Row) => number) => rows.reduce((sum, row) => sum + f(row), 0) / n;
  const beats = rows.filter((row) => row.mean.policy < row.mean.reference).length;
  const ties = rows.filter((row) => row.mean.policy === row.mean.reference).length;
  const sum = (f: (row: Row) => number) => rows.reduce((total, row) => total + f(row), 0);
  console.log("");
  console.log(
    `${n} instances, ${sum((r) => r.orders)} orders, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const c of CONTENDERS) {
    console.log(
      `${c.padEnd(10)} mean ratio to the lower bound ${meanOf((r) => r.ratio[c]).toFixed(3)}x, ` +
        `delivered ${sum((r) => r.delivered[c])}/${sum((r) => r.orders)}, ` +
        `${sum((r) => r.violations[c])} rule violations`,
    );
  }
  console.log(
    `policy beats the reference on ${beats}/${n} instances (${((100 * beats) / n).toFixed(0)}%)` +
      (ties > 0 ? `, ties on ${ties}` : ""),
  );
  const broken = rows.some(
    (row) =>
      CONTENDERS.some((c) => row.violations[c] > 0) ||
      row.delivered.policy < row.delivered.reference,
  );
  return broken ? 1 : 0;
}

runCli(() => main(process.argv.slice(2)));
