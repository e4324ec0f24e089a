import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_SECRETS } from "./test/setup/edge.ts";
import { startThrowawayPostgres } from "./test/setup/postgres.ts";

/**
 * The shared homes whose code runs in workerd (the Worker and the actors import them): their
 * pure tests run inside workerd too.
 */
const EDGE_HOMES = ["accounts", "catalog", "dispatch", "domain", "runtime"];
/**
 * Homes whose tests need Node (PGlite, several real connections, the bridge's consumers): the
 * node project's.
 */
const NODE_HOMES = ["ledger", "read-models"];

/**
 * The whole suite, one `npm test`:
 * - edge: actors, routes and pure modules inside workerd, against PGlite and a real bridge;
 * - edge-postgres: the route tests again, against the PostgreSQL named by DATABASE_URL;
 * - node: the bridge, the local stack and the demo data, in Node;
 * - kafka: the bridge on a real Apache Kafka broker, started once for the project;
 * - e2e: the whole platform started the way `npm start` starts it, driven as a client would.
 * In CI (CI=true) every real service is required: a missing one fails, never skips.
 */
function edgeProject(
  name: string,
  setup: string,
  include: string[],
): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...TEST_SECRETS,
            DATABASE_URL: inject("databaseUrl"),
            DB_WS_PROXY: inject("dbWsProxy"),
            BRIDGE_URL: inject("bridgeUrl"),
            ORDER_ACCEPT_TIMEOUT_MS: "120000",
            RESTAURANT_MISSED_TICKETS_MAX: "3",
          },
        },
      })),
    ],
    test: {
      name,
      include,
      exclude: [...configDefaults.exclude],
      globalSetup: [setup],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

// Without DATABASE_URL, a machine with PostgreSQL's server installed gets a throwaway cluster of
// its own for the run, as Kafka's tests get their own broker; CI names its database itself.
if (!process.env.DATABASE_URL && !process.env.CI) {
  const cluster = await startThrowawayPostgres();
  if (cluster) {
    process.env.DATABASE_URL = cluster.url;
    process.once("exit", () => cluster.stop());
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        cluster.stop();
        process.exit(130);
      });
    }
  }
}
const postgres = Boolean(process.env.DATABASE_URL) || Boolean(process.env.CI);
if (!postgres) {
  console.warn(
    "PostgreSQL is not installed and DATABASE_URL is not set: the tests on PostgreSQL are left out (CI always runs them).",
  );
}

export default defineConfig({
  test: {
    projects: [
      edgeProject("edge", "./test/setup/edge-pglite.ts", [
        "durable-objects/**/*.test.ts",
        "schema/**/*.test.ts",
        "workers/**/*.test.ts",
        ...EDGE_HOMES.map((home) => `${home}/**/*.test.ts`),
      ]),
      ...(postgres
        ? [
            edgeProject("edge-postgres", "./test/setup/edge-postgres.ts", [
              "workers/routes/**/*.test.ts",
            ]),
          ]
        : []),
      {
        test: {
          name: "node",
          environment: "node",
          include: [
            "infra/**/*.test.ts",
            "k8s/**/*.test.ts",
            "apps/**/*.test.ts",
            "sim/**/*.test.ts",
            "test/*.test.ts",
            "test/ledger/**/*.test.ts",
            ...NODE_HOMES.map((home) => `${home}/**/*.test.ts`),
          ],
          exclude: ["**/*.kafka.test.ts", "**/node_modules/**"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "kafka",
          environment: "node",
          include: ["infra/**/*.kafka.test.ts", "read-models/**/*.kafka.test.ts"],
          globalSetup: ["./test/setup/kafka.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One broker for all files; one file at a time keeps two cores from timing tests out.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // Each file boots a whole platform; two at once on two cores only slows both.
          maxWorkers: 1,
        },
      },
    ],
  },
});
