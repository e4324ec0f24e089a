import { planGreedy } from "../../dispatch/greedy.ts";
import { planRound } from "../../dispatch/round.ts";
import type { PolicyConfig } from "../../dispatch/types.ts";
import { checkFeasibility, type Violation } from "./feasibility.ts";
import type { Instance } from "./instance.ts";
import { type Metrics, measure } from "./metrics.ts";
import { planReference } from "./reference.ts";
import { simulate } from "./simulate.ts";
import type { Solution } from "./solution.ts";

/**
 * The three ways of dispatching one instance that `npm run mdrp` and `npm run mdrp:dev` compare:
 * the policy (online, a round every simulated minute), the myopic greedy baseline (online,
 * every minute) and the reference (offline: it takes orders by ready time).
 */

/**
 * The policy's cadence in the replay: a round every simulated minute, the instances' resolution
 * (the ZoneActor's rounds are seconds apart).
 */
export const POLICY_ROUND_MINUTES = 1;
/** Couriers' scheduled shifts are known: those starting within the hour are planned for. */
export const SHIFTS_AHEAD_MINUTES = 60;
/** The baseline assigns at every minute, i.e. as soon as an order is placed: greedy at its best. */
export const GREEDY_ROUND_MINUTES = 1;

export const CONTENDERS = ["policy", "reference", "greedy"] as const;
export type Contender = (typeof CONTENDERS)[number];

export type Outcome = {
  solution: Solution;
  metrics: Metrics;
  violations: Violation[];
  undelivered: string[];
  /** Rounds run (0 for the reference, which has none) and wall-clock ms spent deciding. */
  rounds: number;
  decideMs: number;
};

export type ContestOptions = {
  roundMinutes?: number;
  config?: Partial<PolicyConfig>;
  /** A monotonic clock in ms, for the time spent deciding; by default none is measured. */
  clock?: () => number;
};

export function contest(
  instance: Instance,
  options: ContestOptions = {},
): Record<Contender, Outcome> {
  const clock = options.clock ?? (() => 0);
  const judge = (
    solution: Solution,
    undelivered: string[],
    rounds: number,
    decideMs: number,
  ): Outcome => ({
    solution,
    metrics: measure(instance, solution),
    violations: checkFeasibility(instance, solution),
    undelivered,
    rounds,
    decideMs,
  });
  const policy = simulate(
    instance,
    {
      dispatch: planRound,
      roundMinutes: options.roundMinutes ?? POLICY_ROUND_MINUTES,
      shiftsAheadMinutes: SHIFTS_AHEAD_MINUTES,
      ...(options.config ? { config: options.config } : {}),
    },
    clock,
  );
  const greedy = simulate(
    instance,
    { dispatch: planGreedy, roundMinutes: GREEDY_ROUND_MINUTES },
    clock,
  );
  const started = clock();
  const reference = planReference(instance);
  const referenceMs = clock() - started;
  return {
    policy: judge(policy.solution, policy.undelivered, policy.rounds, policy.dispatchMs),
    reference: judge(reference.solution, reference.undelivered, 0, referenceMs),
    greedy: judge(greedy.solution, greedy.undelivered, greedy.rounds, greedy.dispatchMs),
  };
}
