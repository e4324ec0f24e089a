import path from "node:path";
import { fileURLToPath } from "node:url";
import { KUBERNETES_SCHEMAS, must, run, type ToolsCache } from "./tools.ts";

/**
 * The three offline steps the manifest tests take, each through a real tool from the cache
 * (tools.ts): render an overlay with kustomize, read the result as JSON with yq, and validate every
 * object with kubeconform against the Kubernetes and Strimzi schemas. No step touches the network:
 * kubeconform is given only local schema locations, so an unknown kind fails instead of being
 * looked up.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

/** Each run is one small process over a few hundred lines of YAML: seconds at most. */
const TOOL_TIMEOUT_MS = 60_000;

/** The environments, each a directory under k8s/overlays. */
export const OVERLAYS = ["staging", "production"] as const;
export type Overlay = (typeof OVERLAYS)[number];

export function overlayDir(overlay: Overlay | "base"): string {
  return overlay === "base" ? path.join(here, "base") : path.join(here, "overlays", overlay);
}

/** A rendered object: what every Kubernetes object has; the rest is read per kind by the tests. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
};

export async function kustomizeBuild(tools: ToolsCache, dir: string): Promise<string> {
  return must(
    `kustomize build ${dir}`,
    run(tools.bin("kustomize"), ["build", dir], { timeoutMs: TOOL_TIMEOUT_MS }),
  );
}

/** Every document of a YAML stream, as JSON objects (yq reads YAML as kustomize writes it). */
export async function objectsOf(tools: ToolsCache, yaml: string): Promise<K8sObject[]> {
  const json = await must(
    "yq",
    run(tools.bin("yq"), ["eval-all", "--output-format=json", "--indent=0", "[.]", "-"], {
      timeoutMs: TOOL_TIMEOUT_MS,
      input: yaml,
    }),
  );
  return (JSON.parse(json) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
}

export type SchemaCheck = {
  kind: string;
  name: string;
  /** kubeconform's verdict: statusValid, statusInvalid, statusError or statusSkipped. */
  status: string;
  msg: string;
};

/**
 * Validates every object of a YAML stream, strictly (unknown fields are errors), for the Kubernetes
 * version the schemas were taken from. Resolves with one verdict per object; kubeconform's own exit
 * code is not used, so a failure is reported with the object it concerns.
 */
export async function validateYaml(tools: ToolsCache, yaml: string): Promise<SchemaCheck[]> {
  const template = "{{ .ResourceKind }}{{ .KindSuffix }}.json";
  const { code, stdout, output } = await run(
    tools.bin("kubeconform"),
    [
      "-strict",
      "-verbose",
      // One worker: each compiles the 4 MB of shared definitions again, and the tests run on two
      // cores shared with other test files.
      "-n",
      "1",
      "-output",
      "json",
      "-kubernetes-version",
      KUBERNETES_SCHEMAS.kubernetesVersion,
      "-schema-location",
      path.join(tools.kubernetesSchemas, template),
      "-schema-location",
      path.join(tools.strimziSchemas, template),
      "-",
    ],
    { timeoutMs: TOOL_TIMEOUT_MS, input: yaml },
  );
  // 0: all valid, 1: some invalid or erroneous (reported in the JSON); anything else is a crash.
  if (code !== 0 && code !== 1) throw new Error(`kubeconform failed (exit ${code}):\n${output}`);
  const report = JSON.parse(stdout) as { resources: SchemaCheck[] | null };
  return (report.resources ?? []).map(({ kind, name, status, msg }) => ({
    kind,
    name,
    status,
    msg,
  }));
}
