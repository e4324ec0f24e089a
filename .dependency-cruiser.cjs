/**
 * The layering of docs/architecture.md, checked by `npm run lint`: imports point one way.
 *
 *   apps/   workers/ (the gateway)   infra/ (bridge, local stack, replay, dispatch simulation)   sim/   bench/
 *                 \                       |
 *            durable-objects/ (actor shells over pure cores)
 *                                 |
 *   shared homes: ledger/ catalog/ accounts/ dispatch/ read-models/
 *                                 |
 *                 domain/ (pure rules)   runtime/ (plumbing)
 *                                 |
 *                 schema/ (contracts; imports nothing of ours)
 *
 * A rule names what a layer may not reach; its name is what `npm run lint` prints, so a wrong
 * import fails CI saying which line of the picture it crossed. Tests (`*.test.ts`, `test/`) may
 * import anything that helps them test; production code never imports a test, test support, a
 * benchmark or the simulator.
 */

const TEST = "(^test/|\\.test\\.tsx?$|^vitest\\.config\\.ts$)";
const HOMES = "^(ledger|catalog|accounts|dispatch|read-models)/";
const TOP = "^(apps|workers|infra|sim|bench)/";

/** A rule that applies to the production files under `from`, never to tests. */
function layer(name, comment, from, to) {
  return {
    name,
    severity: "error",
    comment,
    from: { path: from, pathNot: TEST },
    // Packages are never ours, wherever node_modules resolves to (a symlinked one resolves
    // outside the checkout).
    to: { path: to, pathNot: "(^|/)node_modules/" },
  };
}

module.exports = {
  forbidden: [
    layer(
      "schema-imports-nothing-of-ours",
      "schema/ holds the contracts every layer shares; it may import only itself.",
      "^schema/",
      "^(?!schema/|node_modules/)[^/]+/",
    ),
    layer(
      "domain-is-pure",
      "domain/ holds pure rules (geo, ETA, pricing, hours, seeded random): schema only, no I/O homes.",
      "^domain/",
      "^(runtime|ledger|catalog|accounts|dispatch|read-models|durable-objects|workers|infra|apps|sim|bench)/",
    ),
    layer(
      "runtime-is-plumbing",
      "runtime/ is plumbing (database, config, trace, retry, coded errors) under every home: schema only.",
      "^runtime/",
      "^(domain|ledger|catalog|accounts|dispatch|read-models|durable-objects|workers|infra|apps|sim|bench)/",
    ),
    layer(
      "dispatch-is-pure",
      "dispatch/ is the pure matching policy shared by the zone actor and the offline replay: domain and schema only.",
      "^dispatch/",
      "^(runtime|ledger|catalog|accounts|read-models|durable-objects|workers|infra|apps|sim|bench)/",
    ),
    layer(
      "homes-stay-below-the-actors",
      "The shared homes sit below the actors and the gateway: they never import an actor, a route, infra, an app, the simulator or a benchmark.",
      HOMES,
      "^(durable-objects|workers|infra|apps|sim|bench)/",
    ),
    layer(
      "actors-stay-below-the-gateway",
      "Actors are reached through the gateway, not the other way round: durable-objects/ never imports workers/, infra/, apps/, sim/ or bench/.",
      "^durable-objects/",
      TOP,
    ),
    layer(
      "gateway-is-not-infra",
      "The Worker runs in workerd: workers/ never imports the Node side (infra/), an app, the simulator or a benchmark.",
      "^workers/",
      "^(infra|apps|sim|bench)/",
    ),
    layer(
      "infra-starts-its-peers-as-processes",
      "infra/ (the bridge, the local stack, the replay) starts the gateway as a process and never imports it, an app, the simulator or a benchmark.",
      "^infra/",
      "^(workers|apps|sim|bench)/",
    ),
    layer(
      "apps-speak-through-the-api",
      "The apps reach the platform through its API: they import the contracts, pure rules and each other only.",
      "^apps/",
      "^(runtime|ledger|catalog|accounts|dispatch|read-models|durable-objects|workers|infra|sim|bench)/",
    ),
    layer(
      "sim-is-a-client",
      "The simulator is an API client: it may use the demo city's data, pure rules and the retry policy, never the platform's internals.",
      "^sim/",
      "^(ledger|catalog|accounts|read-models|durable-objects|workers|apps|bench)/|^runtime/(?!retry\\.ts$)|^infra/(?!demo/)",
    ),
    layer(
      "production-never-imports-tests",
      "Production code never imports tests or test support (test/). Benchmarks may share test/'s builders.",
      "^(?!test/|bench/)",
      TEST,
    ),
    layer(
      "production-never-imports-bench",
      "Nothing but a benchmark imports bench/.",
      "^(?!bench/)",
      "^bench/",
    ),
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Modules that import each other in a circle cannot be layered; split what they share.",
      from: { pathNot: TEST },
      to: { circular: true, pathNot: TEST },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to no file on disk.",
      from: {},
      to: { couldNotResolve: true, pathNot: "^(cloudflare:|virtual:)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Vite writes a bundled copy of its config beside it while it builds (`*.timestamp-*.mjs`).
    exclude: {
      path: "^(node_modules|dist|\\.cache|\\.dizhtime|\\.wrangler|schema/migrations)|\\.timestamp-",
    },
    // The project's TypeScript is the native 7.0 compiler, whose API dependency-cruiser cannot use;
    // swc parses the same sources.
    parser: "swc",
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
