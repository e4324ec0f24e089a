import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createBridgeApp } from "../infra/bridge/app.ts";
import type { EventBus } from "../infra/bridge/bus.ts";
import { readBridgeConfig } from "../infra/bridge/config.ts";
import { TOPICS, topicConfigs } from "../infra/kafka/topics.ts";
import {
  autoscalers,
  crossReferenceProblems,
  type Deployment,
  environmentOf,
  type Hpa,
  hardening,
  networkPolicies,
  ofKind,
  probePaths,
  probePorts,
  secretKeys,
  serviceSelectors,
  strimziWiring,
} from "./cross-references.ts";
import { KAFKA_CLUSTER, kafkaTopicsYaml, PRODUCTION_CLUSTER } from "./kafka-topics.ts";
import {
  type K8sObject,
  kustomizeBuild,
  OVERLAYS,
  objectsOf,
  overlayDir,
  type SchemaCheck,
  validateYaml,
} from "./render.ts";
import { KUBERNETES_SCHEMAS, strimziVersion, toolsCache, toolsCached } from "./tools.ts";

/**
 * The k8s/ manifests, checked offline: each environment is rendered by kustomize, every object is
 * validated by kubeconform against Kubernetes' and Strimzi's schemas, and the objects are checked
 * against each other and against the code they deploy (config.ts's variables, app.ts's probes,
 * topics.ts's topics, docs/deploy.md's secrets). The tools come from `.cache/k8s`
 * (`node k8s/tools.ts fetch`; `.ci/run` fetches them). Without them these tests are skipped here
 * and fail in CI.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

const tools = toolsCache();
const missing = toolsCached()
  ? null
  : `the k8s tools are not in ${tools.dir}: run \`node k8s/tools.ts fetch\` (needs go, python3 with pip, mvn and java)`;
if (missing && !process.env.CI) {
  console.warn(
    `\n${"!".repeat(78)}\n! K8S MANIFEST TESTS SKIPPED: ${missing}\n! CI never skips.\n${"!".repeat(78)}\n`,
  );
}

describe.runIf(missing !== null && process.env.CI)("the k8s tools in CI", () => {
  it("are fetched before the tests run", () => {
    throw new Error(missing ?? "");
  });
});

/** Two placeholders of the length config.ts demands, standing in for the real secrets. */
const PLACEHOLDER_SECRETS: Record<string, string> = {
  DATABASE_URL: "postgres://bridge:placeholder@db.example:5432/dizhtime",
  OUTBOX_SECRET: "placeholder-secret-of-at-least-32-chars",
};

/** The names the bridge reads, as declared in its environment schema (infra/bridge/config.ts). */
function bridgeVariables(): Set<string> {
  const source = read("infra/bridge/config.ts");
  const body = source.slice(source.indexOf("const BridgeEnv = z.object({"));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z/gm)].map((m) => m[1] ?? ""));
}

type Rendered = { yaml: string; objects: K8sObject[] };
const rendered = new Map<string, Rendered>();

async function render(overlay: (typeof OVERLAYS)[number] | "base"): Promise<Rendered> {
  const yaml = await kustomizeBuild(tools, overlayDir(overlay));
  return { yaml, objects: await objectsOf(tools, yaml) };
}

function problemsOf(checks: SchemaCheck[]): string[] {
  return checks
    .filter((c) => c.status !== "statusValid")
    .map((c) => `${c.kind} ${c.name}: ${c.status} ${c.msg}`);
}

/**
 * kubeconform compiles Kubernetes' 4 MB of shared definitions for each kind it meets: seconds per
 * environment alone, and several times that on two cores busy with other test files.
 */
const VALIDATE_TIMEOUT_MS = 120_000;

const deploymentsOf = (objects: K8sObject[]) => ofKind<Deployment>(objects, "Deployment");

describe.skipIf(missing !== null)("k8s manifests", () => {
  beforeAll(async () => {
    for (const overlay of ["base", ...OVERLAYS] as const)
      rendered.set(overlay, await render(overlay));
  }, VALIDATE_TIMEOUT_MS);
  const get = (overlay: string): Rendered => {
    const r = rendered.get(overlay);
    if (!r) throw new Error(`${overlay} was not rendered`);
    return r;
  };

  describe("the validator itself", () => {
    it(
      "refuses an unknown field, a wrong type and an unknown kind, so a pass means something",
      async () => {
        const broken = [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: broken}",
          "spec:",
          "  selector: {matchLabels: {a: b}}",
          "  template:",
          "    metadata: {labels: {a: b}}",
          "    spec:",
          "      containers: [{name: c, image: i, ports: [{containerPort: http}], bogus: 1}]",
          "---",
          "apiVersion: kafka.strimzi.io/v1beta2",
          "kind: KafkaTopic",
          "metadata: {name: t}",
          "spec: {partitions: 0, replicas: 3, retention: 7d}",
          "---",
          "apiVersion: example.com/v1",
          "kind: Gadget",
          "metadata: {name: g}",
        ].join("\n");
        // kubeconform validates in parallel: its verdicts come in any order.
        const checks = new Map((await validateYaml(tools, broken)).map((c) => [c.kind, c]));
        expect([...checks.values()].map((c) => [c.kind, c.status]).sort()).toEqual([
          ["Deployment", "statusInvalid"],
          ["Gadget", "statusError"],
          ["KafkaTopic", "statusInvalid"],
        ]);
        expect(checks.get("Deployment")?.msg).toMatch(/bogus/);
        expect(checks.get("Deployment")?.msg).toMatch(/containerPort/);
        expect(checks.get("KafkaTopic")?.msg).toMatch(/retention/);
        expect(checks.get("KafkaTopic")?.msg).toMatch(/partitions/);
      },
      VALIDATE_TIMEOUT_MS,
    );
  });

  describe.each(["base", ...OVERLAYS])("%s", (overlay) => {
    it(
      `every object is valid against Kubernetes ${KUBERNETES_SCHEMAS.kubernetesVersion} and Strimzi ${strimziVersion()} schemas`,
      async () => {
        const { yaml, objects } = get(overlay);
        const checks = await validateYaml(tools, yaml);
        expect(problemsOf(checks)).toEqual([]);
        expect(checks).toHaveLength(objects.length);
        expect(new Set(objects.map((o) => o.kind))).toEqual(
          new Set([
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "Deployment",
            "Service",
            "Ingress",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "Kafka",
            "KafkaNodePool",
            "KafkaTopic",
          ]),
        );
      },
      VALIDATE_TIMEOUT_MS,
    );

    it("objects refer to each other correctly (selectors, ports, probes, autoscalers, config, Strimzi)", () => {
      expect(crossReferenceProblems(get(overlay).objects)).toEqual([]);
    });

    it("every container starts with a configuration the bridge accepts, on the port it opens", () => {
      const { objects } = get(overlay);
      const known = bridgeVariables();
      expect(known).toContain("BRIDGE_MODE");
      for (const d of deploymentsOf(objects)) {
        for (const c of d.spec.template.spec.containers) {
          expect(c.command).toEqual(["node", "infra/bridge/main.ts"]);
          const env = environmentOf(objects, c, (ref) => PLACEHOLDER_SECRETS[ref.key] ?? "");
          expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
          const config = readBridgeConfig(env);
          if (!config.ok) throw new Error(`${d.metadata.name}: ${config.errors.join("; ")}`);
          expect(config.config.hostname).toBe("0.0.0.0");
          expect(c.ports?.map((p) => p.containerPort)).toEqual([config.config.port]);
          expect(config.config.kafka?.brokers).toEqual([`${KAFKA_CLUSTER}-kafka-bootstrap:9092`]);
          const annotations = d.spec.template.metadata.annotations ?? {};
          expect(annotations["prometheus.io/port"]).toBe(String(config.config.port));
        }
      }
    });

    it("the ingest Deployment takes batches and the consumers Deployment only consumes", () => {
      const modes = Object.fromEntries(
        deploymentsOf(get(overlay).objects).map((d) => [
          d.metadata.name,
          d.spec.template.spec.containers[0]?.env?.find((e) => e.name === "BRIDGE_MODE")?.value,
        ]),
      );
      expect(modes).toEqual({ "dizh-bridge": "ingest", "dizh-consumers": "consume" });
    });

    it("every probe and the metrics path are answered by the bridge's own app", async () => {
      const { objects } = get(overlay);
      const bus: EventBus = {
        publish: async () => ({ deadLettered: [] }),
        subscribe: () => {},
        close: async () => {},
      };
      const app = createBridgeApp({
        bus,
        secret: PLACEHOLDER_SECRETS.OUTBOX_SECRET ?? "",
        ready: async () => {},
        nowMs: Date.now,
        metrics: async () => ({ contentType: "text/plain", body: "" }),
      });
      const paths = probePaths(objects);
      expect(paths).toEqual(["/healthz", "/readyz"]);
      const scraped = deploymentsOf(objects).map(
        (d) => d.spec.template.metadata.annotations?.["prometheus.io/path"] ?? "",
      );
      for (const p of [...paths, ...new Set(scraped)]) {
        expect({ path: p, status: (await app.request(p)).status }).toEqual({
          path: p,
          status: 200,
        });
      }
    });

    it("every secretKeyRef names a key of a Secret that docs/deploy.md tells people to create", () => {
      const guide = read("docs/deploy.md");
      const refs = secretKeys(get(overlay).objects);
      expect(refs.map((r) => r.key).sort()).toEqual(["DATABASE_URL", "OUTBOX_SECRET", "SMTP_URL"]);
      for (const { secret, key } of refs) {
        expect(guide, `docs/deploy.md names the Secret ${secret}`).toContain(`\`${secret}\``);
        expect(guide, `docs/deploy.md documents ${secret}/${key}`).toMatch(
          new RegExp(`--from-literal=${key}=`),
        );
        expect(guide, `docs/deploy.md's table lists ${key}`).toMatch(
          new RegExp(`^\\|\\s*\`${key}\`\\s*\\|`, "m"),
        );
      }
    });

    it("the KafkaTopics are exactly infra/kafka/topics.ts's topics and dead-letter twins", () => {
      const topics = ofKind<K8sObject & { spec: Record<string, unknown> }>(
        get(overlay).objects,
        "KafkaTopic",
      );
      const wanted = topicConfigs(PRODUCTION_CLUSTER);
      expect(topics.map((t) => t.metadata.name).sort()).toEqual(wanted.map((t) => t.topic).sort());
      for (const t of wanted) {
        const resource = topics.find((r) => r.metadata.name === t.topic);
        expect(resource?.spec.partitions).toBe(t.numPartitions);
        expect(resource?.spec.replicas).toBe(3);
        const config = Object.fromEntries(
          Object.entries((resource?.spec.config ?? {}) as Record<string, unknown>).map(([k, v]) => [
            k,
            String(v),
          ]),
        );
        expect(config).toEqual(
          Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
        );
        expect(config["min.insync.replicas"]).toBe("2");
      }
    });

    it("the consumers never autoscale past the partitions of the topics they read", () => {
      const { objects } = get(overlay);
      const consumers = deploymentsOf(objects).find((d) => d.metadata.name === "dizh-consumers");
      const topics = (consumers?.metadata.annotations?.["dizhtime.dev/topics"] ?? "").split(",");
      expect(topics.filter((t) => !(t in TOPICS))).toEqual([]);
      const partitions = topics.map((t) => TOPICS[t as keyof typeof TOPICS].partitions);
      const hpa = ofKind<Hpa>(objects, "HorizontalPodAutoscaler").find(
        (h) => h.spec.scaleTargetRef.name === "dizh-consumers",
      );
      expect(hpa?.spec.maxReplicas).toBeLessThanOrEqual(Math.max(...partitions));
    });
  });

  it("k8s/base/kafka/topics.yaml is what `node k8s/kafka-topics.ts` writes today", () => {
    expect(read("k8s/base/kafka/topics.yaml")).toBe(kafkaTopicsYaml());
  });

  it("production runs a pinned release image and more of everything than staging", () => {
    const images = (overlay: string) =>
      deploymentsOf(get(overlay).objects).map((d) => d.spec.template.spec.containers[0]?.image);
    expect(new Set(images("production"))).toEqual(new Set(["ghcr.io/dizhtime/bridge:0.1.0"]));
    expect(new Set(images("staging"))).toEqual(new Set(["ghcr.io/dizhtime/bridge:main"]));
    const minReplicas = (overlay: string) =>
      ofKind<Hpa>(get(overlay).objects, "HorizontalPodAutoscaler").map((h) => [
        h.metadata.name,
        h.spec.minReplicas,
      ]);
    for (const [[name, production], [, staging]] of zip(
      minReplicas("production"),
      minReplicas("staging"),
    )) {
      expect(production, `${name} minReplicas`).toBeGreaterThanOrEqual(3);
      expect(staging, `${name} minReplicas`).toBeLessThan(production as number);
    }
    const namespaces = (overlay: string) =>
      new Set(get(overlay).objects.map((o) => o.metadata.namespace ?? o.metadata.name));
    expect(namespaces("production").has("dizhtime-staging")).toBe(false);
    expect(namespaces("staging").has("dizhtime")).toBe(false);
  });

  it("docs/deploy.md names only metrics the bridge exports", () => {
    const exported = read("infra/bridge/metrics.ts");
    const named = [...new Set(read("docs/deploy.md").match(/dizh_bridge_[a-z_]+/g) ?? [])];
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((m) => !exported.includes(`"${m}"`))).toEqual([]);
  });

  it("the image holds every file the bridge's entry point imports, and nothing is ignored", () => {
    const copied = [...read("k8s/Dockerfile").matchAll(/^COPY (\S+) \.\/\S+$/gm)].map((m) => m[1]!);
    const kept = read("k8s/Dockerfile.dockerignore")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/\/\*\*$/, ""));
    const imported = localImportsOf("infra/bridge/main.ts");
    expect(imported.length).toBeGreaterThan(20);
    const inImage = (file: string, roots: string[]) =>
      roots.some((root) => file === root || file.startsWith(`${root}/`));
    expect(imported.filter((file) => !inImage(file, copied))).toEqual([]);
    expect(imported.filter((file) => !inImage(file, kept))).toEqual([]);
  });

  it("the image runs the entry point the Deployments name, as a non-root user", () => {
    const dockerfile = read("k8s/Dockerfile");
    expect(dockerfile).toMatch(/^FROM node:22-slim$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "infra\/bridge\/main\.ts"\]$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/--omit=dev/);
  });

  describe("the cross-reference checks catch what they claim to", () => {
    const base = () => structuredClone(get("base").objects);
    const named = <T extends K8sObject>(objects: K8sObject[], kind: string, name: string) => {
      const found = ofKind<T>(objects, kind).find((o) => o.metadata.name === name);
      if (!found) throw new Error(`no ${kind} ${name}`);
      return found;
    };

    it("a Service whose selector matches no pods", () => {
      const objects = base();
      const service = named<K8sObject & { spec: { selector: Record<string, string> } }>(
        objects,
        "Service",
        "dizh-bridge",
      );
      service.spec.selector["app.kubernetes.io/component"] = "ingest-typo";
      expect(serviceSelectors(objects)).toEqual([
        "Service dizh-bridge selects no Deployment's pods",
      ]);
    });

    it("a probe on a port the container does not open", () => {
      const objects = base();
      const d = named<Deployment>(objects, "Deployment", "dizh-bridge");
      const c = d.spec.template.spec.containers[0];
      if (c?.readinessProbe?.httpGet) c.readinessProbe.httpGet.port = 9090;
      expect(probePorts(objects)).toEqual([
        "dizh-bridge/bridge's readinessProbe asks port 9090, which it does not open",
      ]);
    });

    it("an HPA aimed at a missing Deployment, and a NetworkPolicy admitting a closed port", () => {
      const objects = base();
      named<Hpa>(objects, "HorizontalPodAutoscaler", "dizh-consumers").spec.scaleTargetRef.name =
        "dizh-consumer";
      const policy = named<K8sObject & { spec: { ingress: { ports: { port: number }[] }[] } }>(
        objects,
        "NetworkPolicy",
        "dizh-bridge",
      );
      policy.spec.ingress[0]?.ports.push({ port: 8080 });
      expect(autoscalers(objects)).toEqual([
        "HorizontalPodAutoscaler dizh-consumers scales a missing Deployment dizh-consumer",
      ]);
      expect(networkPolicies(objects)).toEqual([
        "NetworkPolicy dizh-bridge admits port 8080, which dizh-bridge does not open",
      ]);
    });

    it("a container that may write its root filesystem, and KAFKA_BROKERS off the cluster", () => {
      const objects = base();
      const c = named<Deployment>(objects, "Deployment", "dizh-consumers").spec.template.spec
        .containers[0];
      if (c?.securityContext) c.securityContext.readOnlyRootFilesystem = false;
      const config = named<K8sObject & { data: Record<string, string> }>(
        objects,
        "ConfigMap",
        "dizh-bridge",
      );
      config.data.KAFKA_BROKERS = "kafka:9092";
      expect(hardening(objects)).toEqual([
        "dizh-consumers/consumers has a writable root filesystem",
      ]);
      expect(strimziWiring(objects)).toEqual([
        "ConfigMap dizh-bridge has KAFKA_BROKERS=kafka:9092, not a plain listener (dizh-kafka-kafka-bootstrap:9092)",
      ]);
    });
  });
});

function zip<A, B>(a: readonly A[], b: readonly B[]): [A, B][] {
  expect(a.length).toBe(b.length);
  return a.map((x, i) => [x, b[i] as B]);
}

/**
 * Every file of the repository `entry` imports, transitively (static and type imports, as text:
 * enough for this code base, which imports by relative path with extensions).
 */
function localImportsOf(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = read(file);
    for (const match of text.matchAll(/(?:from|import)\s+["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)));
    }
  };
  visit(entry);
  return [...seen].sort();
}
