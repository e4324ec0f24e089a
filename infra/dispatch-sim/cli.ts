import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { runCli, UsageError } from "../mdrp/run-cli.ts";
import { runScenario } from "./scenario.ts";

/**
 * npm run sim:dispatch -- [--seeds N] [--from S] [--jobs J] [--bug union-of-declines]
 * npm run sim:dispatch -- --seed S [--trace]
 *
 * Runs the deterministic dispatch simulation for seeds S..S+N-1 (default 0..999), split over J
 * worker threads (default: the machine's cores), and prints progress and a summary. Each failing
 * seed (up to FAILURES_MAX per thread) prints itself, its violation and the command that replays
 * it; exit code 1. `--seed S --trace` replays one seed and prints its last steps.
 */
const USAGE =
  "usage: npm run sim:dispatch -- [--seeds N] [--from S] [--jobs J] [--seed S [--trace]] [--bug union-of-declines]";

type Bug = "union-of-declines" | null;
type Tally = { seeds: number; steps: number; orders: number; delivered: number };
type Report =
  | { kind: "progress"; tally: Tally }
  | { kind: "done"; tally: Tally; failures: string[] };

/** Failing seeds reported per worker before it stops: enough to see a pattern, bounded. */
const FAILURES_MAX = 10;

/** Runs `count` seeds from `from`; goes on past a violation, up to FAILURES_MAX of them. */
function runSeeds(
  from: number,
  count: number,
  bug: Bug,
  onProgress: (tally: Tally) => void,
): { tally: Tally; failures: string[] } {
  const tally: Tally = { seeds: 0, steps: 0, orders: 0, delivered: 0 };
  const failures: string[] = [];
  for (let seed = from; seed < from + count && failures.length < FAILURES_MAX; seed++) {
    const result = runScenario({ seed, bug });
    tally.seeds += 1;
    tally.steps += result.steps;
    tally.orders += result.orders;
    tally.delivered += result.delivered;
    if (result.violation) {
      failures.push(
        `seed ${seed}: ${result.violation.rule}: ${result.violation.detail}\n` +
          `replay: npm run sim:dispatch -- --seed ${seed} --trace${bug ? ` --bug ${bug}` : ""}`,
      );
    }
    if (tally.seeds % 500 === 0) onProgress({ ...tally });
  }
  return { tally, failures };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      seeds: { type: "string" },
      from: { type: "string" },
      jobs: { type: "string" },
      seed: { type: "string" },
      trace: { type: "boolean" },
      bug: { type: "string" },
    },
  });
  if (positionals.length > 0) throw new UsageError(USAGE);
  const bug = (values.bug ?? null) as Bug;
  if (bug !== null && bug !== "union-of-declines") throw new UsageError(`--bug: unknown ${bug}`);
  const whole = (name: string, text: string | undefined, fallback: number) => {
    const n = Number(text ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
    return n;
  };

  if (values.seed !== undefined) {
    const seed = whole("seed", values.seed, 0);
    const result = runScenario({ seed, bug, trace: values.trace ?? false });
    for (const line of result.trace.slice(-80)) console.log(line);
    if (result.violation) {
      console.log(`seed ${seed}: ${result.violation.rule}: ${result.violation.detail}`);
      return 1;
    }
    console.log(`seed ${seed}: no violation, ${result.steps} steps, ${result.orders} orders`);
    return 0;
  }

  const from = whole("from", values.from, 0);
  const count = whole("seeds", values.seeds, 1_000);
  const jobs = Math.max(1, Math.min(whole("jobs", values.jobs, availableParallelism()), count));
  const started = performance.now();
  const progress = new Array<Tally>(jobs).fill({ seeds: 0, steps: 0, orders: 0, delivered: 0 });
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const per = Math.ceil(count / jobs);
  const outcomes = await Promise.all(
    Array.from({ length: jobs }, (_, job) => {
      const start = from + job * per;
      const n = Math.max(0, Math.min(per, from + count - start));
      return new Promise<{ tally: Tally; failures: string[] }>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), {
          workerData: { from: start, count: n, bug },
        });
        worker.on("message", (report: Report) => {
          if (report.kind === "done") resolve(report);
          else {
            progress[job] = report.tally;
            const done = progress.reduce((sum, t) => sum + t.seeds, 0);
            console.log(`${done} of ${count} seeds, ${seconds()} s`);
          }
        });
        worker.on("error", reject);
      });
    }),
  );
  const failures = outcomes.flatMap((o) => o.failures);
  if (failures.length > 0) {
    for (const failure of failures) console.log(failure);
    const run = outcomes.reduce((sum, o) => sum + o.tally.seeds, 0);
    console.log(`${failures.length} failing seeds of ${run} run, ${seconds()} s`);
    return 1;
  }
  const total = outcomes.reduce(
    (sum, { tally }) => ({
      seeds: sum.seeds + tally.seeds,
      steps: sum.steps + tally.steps,
      orders: sum.orders + tally.orders,
      delivered: sum.delivered + tally.delivered,
    }),
    { seeds: 0, steps: 0, orders: 0, delivered: 0 },
  );
  console.log(
    `${total.seeds} seeds (${from}..${from + count - 1}), no violation: ${total.steps} steps, ` +
      `${total.orders} orders (${total.delivered} delivered), ${jobs} jobs, ${seconds()} s`,
  );
  return 0;
}

if (isMainThread) {
  runCli(() => main(process.argv.slice(2)));
} else {
  const { from, count, bug } = workerData as { from: number; count: number; bug: Bug };
  const outcome = runSeeds(from, count, bug, (tally) =>
    parentPort!.postMessage({ kind: "progress", tally } satisfies Report),
  );
  parentPort!.postMessage({ kind: "done", ...outcome } satisfies Report);
}
