import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ParsedTransferInput,
  TransferInput,
  TransferKind,
  TransferResult,
} from "../../schema/ledger.ts";
import {
  doubleSubmissionViolations,
  expectedAnswers,
  modelEngine,
  namer,
  RANDOM_RUN_SPAN_MS,
  randomRun,
  runRandomSteps,
  runScenario,
  T0,
} from "./fixtures.ts";
import * as model from "./model.ts";
import { scenarios } from "./scenarios.ts";

describe("the ledger model", () => {
  // ledger.test.ts runs these scenarios on PGlite and on PostgreSQL: covering every result code
  // and every operation here is what makes those runs cover them too.
  it("is specified by scenarios that reach every result code and every operation", () => {
    const answered = new Set(
      scenarios.flatMap((s) => s.steps.flatMap((step) => ("batch" in step ? step.expect : []))),
    );
    expect(TransferResult.options.filter((r) => !answered.has(r))).toEqual([]);
    const specs = scenarios.flatMap((s) =>
      s.steps.flatMap((step) => ("batch" in step ? step.batch : [])),
    );
    const kinds = new Set(specs.map((t) => t.kind));
    expect(TransferKind.options.filter((k) => !kinds.has(k))).toEqual([]);
    expect(specs.some((t) => t.kind === "post_pending" && t.amount !== undefined)).toBe(true);
    expect(specs.some((t) => t.kind === "pending" && t.timeoutMs !== undefined)).toBe(true);
    expect(scenarios.some((s) => s.steps.some((step) => "voidExpired" in step))).toBe(true);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_, scenario) => {
    const engine = modelEngine();
    const run = await runScenario(engine, scenario);
    expect(run.answers).toEqual(expectedAnswers(scenario));
    expect(run.balances).toMatchObject(scenario.balances ?? {});
    expect(run.states).toMatchObject(scenario.states ?? {});
    expect(model.violations(engine.state())).toEqual([]);
  });

  it("keeps every invariant after every step of random runs", async () => {
    await fc.assert(
      fc.asyncProperty(randomRun(), async (steps) => {
        const engine = modelEngine();
        const trace = await runRandomSteps(engine, steps, T0, namer());
        expect(trace).toHaveLength(steps.length);
        expect(model.violations(engine.state())).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("answers the same to the same run: it is a function of its inputs", async () => {
    await fc.assert(
      fc.asyncProperty(randomRun(), async (steps) => {
        const idOf = namer();
        const a = await runRandomSteps(modelEngine(), steps, T0, idOf);
        const b = await runRandomSteps(modelEngine(), steps, T0, idOf);
        expect(b).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it("stays within a random run's time span (the engine tests rely on it)", async () => {
    await fc.assert(
      fc.property(randomRun(), (steps) => steps.at(-1)!.atMs + 2_500 < RANDOM_RUN_SPAN_MS),
    );
  });

  it("takes every batch submitted twice in a row harmlessly", async () => {
    await fc.assert(
      fc.asyncProperty(randomRun(), async (steps) => {
        expect(await doubleSubmissionViolations(modelEngine(), steps, T0, namer())).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("tells a replay from a conflict by the whole body, metadata keys in any order", () => {
    const idOf = namer();
    const input = (metadata: Record<string, string | number>) =>
      TransferInput.parse({
        id: idOf("t"),
        kind: "posted",
        debitAccountId: idOf("a"),
        creditAccountId: idOf("b"),
        amount: 5,
        currency: "USD",
        code: "adjustment",
        metadata,
      }) as ParsedTransferInput;
    expect(model.requestKey(input({ a: 1, b: "x" }))).toBe(
      model.requestKey(input({ b: "x", a: 1 })),
    );
    expect(model.requestKey(input({ a: 1 }))).not.toBe(model.requestKey(input({ a: 2 })));
  });

  it("refuses an empty batch, an oversized batch and a fractional time loudly", () => {
    const state = model.emptyLedger();
    expect(() => model.createTransfers(state, [], T0)).toThrow(/at least one/);
    const one = TransferInput.parse({
      id: crypto.randomUUID(),
      kind: "posted",
      debitAccountId: crypto.randomUUID(),
      creditAccountId: crypto.randomUUID(),
      amount: 1,
      currency: "USD",
      code: "adjustment",
    }) as ParsedTransferInput;
    expect(() => model.createTransfers(state, Array(1_001).fill(one), T0)).toThrow(/at most/);
    expect(() => model.createTransfers(state, [one], T0 + 0.5)).toThrow(/whole number/);
  });

  it("finds a broken invariant when balances disagree with the transfers", () => {
    const idOf = namer();
    let state = model.openAccounts(model.emptyLedger(), [
      {
        id: idOf("a"),
        currency: "USD",
        debitsMustNotExceedCredits: true,
        creditsMustNotExceedDebits: false,
      },
    ]);
    expect(model.violations(state)).toEqual([]);
    state = {
      ...state,
      accounts: new Map([[idOf("a"), { ...state.accounts.get(idOf("a"))!, debitsPosted: 5 }]]),
    };
    expect(model.violations(state).join("\n")).toMatch(/more debits than credits/);
    expect(model.violations(state).join("\n")).toMatch(/posted debits 5 != posted credits 0/);
    expect(model.violations(state).join("\n")).toMatch(/transfers add up to/);
  });
});
