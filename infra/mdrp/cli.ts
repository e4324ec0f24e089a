import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { planGreedy } from "../../dispatch/greedy.ts";
import { planRound } from "../../dispatch/round.ts";
import { checkFeasibility } from "./feasibility.ts";
import { readInstance } from "./instance.ts";
import { measure, summaryLine } from "./metrics.ts";
import { type Replay, simulate } from "./simulate.ts";
import { writeSolution } from "./solution.ts";

/**
 * npm run mdrp -- <instance dir> <out dir> [--round-minutes 2]
 *
 * Replays an MDRP instance with the dispatch policy and writes the evaluator's three files and
 * summary.json to <out dir>; replays it again with the myopic greedy baseline (its files go to
 * <out dir>/greedy) and prints both summaries, the baseline as the reference line.
 */
const USAGE = "usage: npm run mdrp -- <instance dir> <out dir> [--round-minutes N]";

/** The policy's cadence in the replay: a round every 2 simulated minutes (times are whole minutes). */
export const POLICY_ROUND_MINUTES = 2;
/** The baseline assigns at every minute, i.e. as soon as an order is placed: greedy at its best. */
export const GREEDY_ROUND_MINUTES = 1;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "round-minutes": { type: "string" } },
  });
  const [instanceDir, outDir] = positionals;
  if (!instanceDir || !outDir || positionals.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const roundMinutes = Number(values["round-minutes"] ?? POLICY_ROUND_MINUTES);
  if (!(roundMinutes > 0)) {
    console.error("--round-minutes must be > 0");
    return 2;
  }

  const instance = readInstance(instanceDir);
  const clock = () => performance.now();
  const runs: Array<[string, Replay, string]> = [
    ["policy", simulate(instance, { dispatch: planRound, roundMinutes }, clock), outDir],
    [
      "greedy",
      simulate(instance, { dispatch: planGreedy, roundMinutes: GREEDY_ROUND_MINUTES }, clock),
      path.join(outDir, "greedy"),
    ],
  ];

  console.log(
    `mdrp ${instance.name}: ${instance.orders.length} orders, ${instance.couriers.length} couriers, ` +
      `${instance.restaurants.length} restaurants`,
  );
  const summary: Record<string, unknown> = { instance: instance.name };
  let failed = false;
  for (const [label, replay, dir] of runs) {
    writeSolution(dir, replay.solution);
    const metrics = measure(instance, replay.solution);
    const violations = checkFeasibility(instance, replay.solution);
    summary[label] = {
      ...metrics,
      undelivered: replay.undelivered,
      violations,
      rounds: replay.rounds,
    };
    const note = label === "greedy" ? " (reference)" : "";
    console.log(`${summaryLine(label, metrics)}${note}`);
    console.log(
      `${"".padEnd(8)} ${replay.rounds} rounds, ${replay.dispatchMs.toFixed(0)} ms dispatching, ` +
        `${violations.length} rule violations, bundled ${(100 * metrics.bundledShare).toFixed(1)}%`,
    );
    for (const v of violations.slice(0, 10))
      console.log(`${"".padEnd(8)} ! ${v.code}: ${v.message}`);
    if (violations.length > 0) failed = true;
  }
  writeFileSync(path.join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
