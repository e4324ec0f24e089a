import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CONTENDERS, contest, POLICY_ROUND_MINUTES } from "./contenders.ts";
import { readInstance } from "./instance.ts";
import { summaryLine } from "./metrics.ts";
import { runCli, UsageError } from "./run-cli.ts";
import { writeSolution } from "./solution.ts";

/**
 * npm run mdrp -- <instance dir> <out dir> [--round-minutes 2]
 *
 * Replays an MDRP instance with the dispatch policy and writes the evaluator's three files and
 * summary.json to <out dir>; does the same for the reference (<out dir>/reference) and the
 * myopic greedy baseline (<out dir>/greedy), and prints the three summaries.
 */
const USAGE = "usage: npm run mdrp -- <instance dir> <out dir> [--round-minutes N]";

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "round-minutes": { type: "string" } },
  });
  const [instanceDir, outDir] = positionals;
  if (!instanceDir || !outDir || positionals.length !== 2) throw new UsageError(USAGE);
  const roundMinutes = Number(values["round-minutes"] ?? POLICY_ROUND_MINUTES);
  if (!(roundMinutes > 0)) throw new UsageError("--round-minutes must be a number > 0");

  const instance = readInstance(instanceDir);
  const outcomes = contest(instance, { roundMinutes, clock: () => performance.now() });
  console.log(
    `mdrp ${instance.name}: ${instance.orders.length} orders, ${instance.couriers.length} couriers, ` +
      `${instance.restaurants.length} restaurants`,
  );
  const summary: Record<string, unknown> = { instance: instance.name };
  let failed = false;
  for (const label of CONTENDERS) {
    const outcome = outcomes[label];
    writeSolution(label === "policy" ? outDir : path.join(outDir, label), outcome.solution);
    const { metrics, violations } = outcome;
    summary[label] = {
      ...metrics,
      undelivered: outcome.undelivered,
      violations,
      rounds: outcome.rounds,
    };
    console.log(
      `${summaryLine(label, metrics)} | ${metrics.ratioToLowerBound.toFixed(3)}x lower bound`,
    );
    console.log(
      `${"".padEnd(9)} ${outcome.rounds} rounds, ${outcome.decideMs.toFixed(0)} ms deciding, ` +
        `${violations.length} rule violations, bundled ${(100 * metrics.bundledShare).toFixed(1)}%`,
    );
    for (const v of violations.slice(0, 10))
      console.log(`${"".padEnd(9)} ! ${v.code}: ${v.message}`);
    if (violations.length > 0) failed = true;
  }
  console.log(
    `lower bound: click-to-door mean ${outcomes.policy.metrics.lowerBoundMean.toFixed(1)} min ` +
      "(a courier waiting at the counter for every order)",
  );
  writeFileSync(path.join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return failed ? 1 : 0;
}

runCli(() => main(process.argv.slice(2)));
