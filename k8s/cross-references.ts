import type { K8sObject } from "./render.ts";

/**
 * Checks that schemas cannot make: that the rendered objects point at each other correctly (a
 * Service selecting no pod, a probe on a port the container does not open, an HPA scaling a
 * Deployment that does not exist are all schema-valid). Each check is pure: objects in, a list
 * of problems out, one sentence each, empty when all is well.
 *
 * The shapes below are the few fields read here. They are cast from rendered objects only after
 * kubeconform has validated those against the full schemas (manifests.test.ts does so first).
 */

type Labels = Record<string, string>;
type ContainerPort = { name?: string; containerPort: number };
type Probe = { httpGet?: { path?: string; port: string | number } };
type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
};
export type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Labels; limits?: Labels };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
  };
};
export type Deployment = K8sObject & {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Labels };
    template: {
      metadata: { labels?: Labels; annotations?: Labels };
      spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } };
    };
  };
};
type Service = K8sObject & {
  spec: {
    selector?: Labels;
    ports: { name?: string; port: number; targetPort?: string | number }[];
  };
};
type Selecting = K8sObject & { spec: { selector?: { matchLabels?: Labels } } };
type NetworkPolicy = K8sObject & {
  spec: {
    podSelector: { matchLabels?: Labels };
    ingress?: { ports?: { port?: string | number }[] }[];
  };
};
export type Hpa = K8sObject & {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string } }[];
  };
};
type Ingress = K8sObject & {
  spec: {
    rules?: {
      http?: {
        paths: {
          backend: { service?: { name: string; port: { name?: string; number?: number } } };
        }[];
      };
    }[];
  };
};
type ConfigMap = K8sObject & { data?: Labels };
type Kafka = K8sObject & {
  spec: { kafka: { listeners: { name: string; port: number; type: string; tls: boolean }[] } };
};
type KafkaNodePool = K8sObject & { spec: { replicas: number; roles: string[] } };
type KafkaTopic = K8sObject & { spec: { replicas?: number } };

export function ofKind<T extends K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function matches(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

function podLabels(d: Deployment): Labels {
  return d.spec.template.metadata.labels ?? {};
}

function selected(objects: readonly K8sObject[], selector: Labels | undefined): Deployment[] {
  return ofKind<Deployment>(objects, "Deployment").filter((d) => matches(selector, podLabels(d)));
}

function hasPort(container: Container, port: string | number): boolean {
  return (container.ports ?? []).some((p) =>
    typeof port === "number" ? p.containerPort === port : p.name === port,
  );
}

/** Every Deployment selects its own pods (else the API server refuses it, after the fact). */
export function deploymentSelectors(objects: readonly K8sObject[]): string[] {
  return ofKind<Deployment>(objects, "Deployment")
    .filter((d) => !matches(d.spec.selector.matchLabels, podLabels(d)))
    .map((d) => `Deployment ${d.metadata.name}'s selector does not match its own pod labels`);
}

/** Every Service selects a Deployment's pods, and its targetPort is a port they open. */
export function serviceSelectors(objects: readonly K8sObject[]): string[] {
  return ofKind<Service>(objects, "Service").flatMap((s) => {
    const targets = selected(objects, s.spec.selector);
    if (targets.length === 0) return [`Service ${s.metadata.name} selects no Deployment's pods`];
    return s.spec.ports.flatMap((p) => {
      const port = p.targetPort ?? p.port;
      return targets
        .filter((d) => !d.spec.template.spec.containers.some((c) => hasPort(c, port)))
        .map(
          (d) =>
            `Service ${s.metadata.name} targets port ${port}, which ${d.metadata.name} does not open`,
        );
    });
  });
}

/** Every PodDisruptionBudget covers some Deployment's pods (one covering none protects nothing). */
export function disruptionBudgets(objects: readonly K8sObject[]): string[] {
  return ofKind<Selecting>(objects, "PodDisruptionBudget")
    .filter((p) => selected(objects, p.spec.selector?.matchLabels).length === 0)
    .map((p) => `PodDisruptionBudget ${p.metadata.name} selects no Deployment's pods`);
}

/** Every NetworkPolicy selects pods, and lets traffic in only on ports those pods open. */
export function networkPolicies(objects: readonly K8sObject[]): string[] {
  return ofKind<NetworkPolicy>(objects, "NetworkPolicy").flatMap((n) => {
    const targets = selected(objects, n.spec.podSelector.matchLabels);
    if (targets.length === 0)
      return [`NetworkPolicy ${n.metadata.name} selects no Deployment's pods`];
    const ports = (n.spec.ingress ?? []).flatMap((rule) => rule.ports ?? []);
    return ports.flatMap(({ port }) =>
      port === undefined
        ? []
        : targets
            .filter((d) => !d.spec.template.spec.containers.some((c) => hasPort(c, port)))
            .map(
              (d) =>
                `NetworkPolicy ${n.metadata.name} admits port ${port}, which ${d.metadata.name} does not open`,
            ),
    );
  });
}

/** Every HPA scales an existing Deployment whose containers request what it measures. */
export function autoscalers(objects: readonly K8sObject[]): string[] {
  const deployments = ofKind<Deployment>(objects, "Deployment");
  return ofKind<Hpa>(objects, "HorizontalPodAutoscaler").flatMap((h) => {
    const { scaleTargetRef: ref, minReplicas = 1, maxReplicas, metrics = [] } = h.spec;
    const target = deployments.find(
      (d) => ref.kind === "Deployment" && d.metadata.name === ref.name,
    );
    if (!target)
      return [
        `HorizontalPodAutoscaler ${h.metadata.name} scales a missing ${ref.kind} ${ref.name}`,
      ];
    const problems: string[] = [];
    if (minReplicas > maxReplicas) {
      problems.push(`HorizontalPodAutoscaler ${h.metadata.name} has minReplicas above maxReplicas`);
    }
    // Utilization is a share of the request: without one the HPA cannot compute it.
    for (const m of metrics) {
      const resource = m.resource?.name;
      if (m.type !== "Resource" || !resource) continue;
      for (const c of target.spec.template.spec.containers) {
        if (!c.resources?.requests?.[resource]) {
          problems.push(
            `HorizontalPodAutoscaler ${h.metadata.name} measures ${resource}, which ${target.metadata.name}/${c.name} does not request`,
          );
        }
      }
    }
    return problems;
  });
}

/** Every probe of every container asks a port the container opens. */
export function probePorts(objects: readonly K8sObject[]): string[] {
  return ofKind<Deployment>(objects, "Deployment").flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) =>
      (["livenessProbe", "readinessProbe", "startupProbe"] as const).flatMap((probe) => {
        const get = c[probe]?.httpGet;
        if (!c[probe]) return [];
        if (!get) return [`${d.metadata.name}/${c.name} has a ${probe} that is not an HTTP GET`];
        return hasPort(c, get.port)
          ? []
          : [
              `${d.metadata.name}/${c.name}'s ${probe} asks port ${get.port}, which it does not open`,
            ];
      }),
    ),
  );
}

/** The HTTP paths the containers' probes ask, for the test to ask the bridge itself. */
export function probePaths(objects: readonly K8sObject[]): string[] {
  const paths = ofKind<Deployment>(objects, "Deployment").flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) =>
      [c.livenessProbe, c.readinessProbe, c.startupProbe].flatMap((p) => p?.httpGet?.path ?? []),
    ),
  );
  return [...new Set(paths)].sort();
}

/** Every container runs as non-root on a read-only root, with requests and a memory limit. */
export function hardening(objects: readonly K8sObject[]): string[] {
  return ofKind<Deployment>(objects, "Deployment").flatMap((d) => {
    const pod = d.spec.template.spec;
    return pod.containers.flatMap((c) => {
      const at = `${d.metadata.name}/${c.name}`;
      const problems: string[] = [];
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot))
        problems.push(`${at} may run as root`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at} has a writable root filesystem`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at} allows privilege escalation`);
      for (const r of ["cpu", "memory"]) {
        if (!c.resources?.requests?.[r]) problems.push(`${at} requests no ${r}`);
      }
      if (!c.resources?.limits?.memory) problems.push(`${at} has no memory limit`);
      return problems;
    });
  });
}

/** The Secret keys the containers read: what docs/deploy.md must tell people to create. */
export function secretKeys(objects: readonly K8sObject[]): { secret: string; key: string }[] {
  const refs = ofKind<Deployment>(objects, "Deployment").flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) =>
      (c.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef ?? []),
    ),
  );
  const unique = new Map(refs.map((r) => [`${r.name}/${r.key}`, { secret: r.name, key: r.key }]));
  return [...unique.values()];
}

/** Whole Secrets pulled in with envFrom: their keys are unknowable here, so none are allowed. */
export function wholeSecrets(objects: readonly K8sObject[]): string[] {
  return ofKind<Deployment>(objects, "Deployment").flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) =>
      (c.envFrom ?? [])
        .filter((from) => from.secretRef)
        .map(
          () =>
            `${d.metadata.name}/${c.name} takes a whole Secret; name each key with secretKeyRef`,
        ),
    ),
  );
}

/** Every ConfigMap (and ConfigMap key) a container reads is rendered with it. */
export function configMapRefs(objects: readonly K8sObject[]): string[] {
  const maps = new Map(ofKind<ConfigMap>(objects, "ConfigMap").map((m) => [m.metadata.name, m]));
  return ofKind<Deployment>(objects, "Deployment").flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) => {
      const at = `${d.metadata.name}/${c.name}`;
      const whole = (c.envFrom ?? []).flatMap((from) => from.configMapRef?.name ?? []);
      const keyed = (c.env ?? []).flatMap((e) => e.valueFrom?.configMapKeyRef ?? []);
      return [
        ...whole
          .filter((name) => !maps.has(name))
          .map((name) => `${at} reads a missing ConfigMap ${name}`),
        ...keyed
          .filter((ref) => maps.get(ref.name)?.data?.[ref.key] === undefined)
          .map((ref) => `${at} reads a missing key ${ref.key} of ConfigMap ${ref.name}`),
      ];
    }),
  );
}

/** The environment a container starts with: its ConfigMaps' data, then its own env (which wins). */
export function environmentOf(
  objects: readonly K8sObject[],
  container: Container,
  secrets: (ref: { name: string; key: string }) => string,
): Record<string, string> {
  const maps = new Map(ofKind<ConfigMap>(objects, "ConfigMap").map((m) => [m.metadata.name, m]));
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, maps.get(from.configMapRef.name)?.data ?? {});
  }
  for (const e of container.env ?? []) {
    const secret = e.valueFrom?.secretKeyRef;
    const mapped = e.valueFrom?.configMapKeyRef;
    env[e.name] = secret
      ? secrets(secret)
      : mapped
        ? (maps.get(mapped.name)?.data?.[mapped.key] ?? "")
        : (e.value ?? "");
  }
  return env;
}

/** Every Ingress sends its paths to an existing Service port. */
export function ingressBackends(objects: readonly K8sObject[]): string[] {
  const services = ofKind<Service>(objects, "Service");
  return ofKind<Ingress>(objects, "Ingress").flatMap((i) =>
    (i.spec.rules ?? []).flatMap((rule) =>
      (rule.http?.paths ?? []).flatMap(({ backend }) => {
        const wanted = backend.service;
        if (!wanted) return [`Ingress ${i.metadata.name} has a backend that is not a Service`];
        const service = services.find((s) => s.metadata.name === wanted.name);
        const port = service?.spec.ports.find((p) =>
          wanted.port.name !== undefined
            ? p.name === wanted.port.name
            : p.port === wanted.port.number,
        );
        return port
          ? []
          : [
              `Ingress ${i.metadata.name} sends to a missing Service port ${wanted.name}:${wanted.port.name ?? wanted.port.number}`,
            ];
      }),
    ),
  );
}

/**
 * The Strimzi resources hang together: every node pool and topic names an existing Kafka, the
 * brokers are enough for every topic's replicas, and KAFKA_BROKERS in a ConfigMap is that Kafka's
 * bootstrap Service on a plain (non-TLS) listener, since the bridge has no TLS settings.
 */
export function strimziWiring(objects: readonly K8sObject[]): string[] {
  const clusters = new Map(ofKind<Kafka>(objects, "Kafka").map((k) => [k.metadata.name, k]));
  const problems: string[] = [];
  const clusterOf = (o: K8sObject) => o.metadata.labels?.["strimzi.io/cluster"] ?? "";
  const pools = ofKind<KafkaNodePool>(objects, "KafkaNodePool");
  for (const o of [...pools, ...ofKind<KafkaTopic>(objects, "KafkaTopic")]) {
    if (!clusters.has(clusterOf(o))) {
      problems.push(`${o.kind} ${o.metadata.name} names a missing Kafka "${clusterOf(o)}"`);
    }
  }
  for (const [name] of clusters) {
    const brokers = pools
      .filter((p) => clusterOf(p) === name && p.spec.roles.includes("broker"))
      .reduce((sum, p) => sum + p.spec.replicas, 0);
    for (const t of ofKind<KafkaTopic>(objects, "KafkaTopic").filter(
      (t) => clusterOf(t) === name,
    )) {
      if ((t.spec.replicas ?? 1) > brokers) {
        problems.push(
          `KafkaTopic ${t.metadata.name} wants ${t.spec.replicas} replicas of ${brokers} brokers`,
        );
      }
    }
  }
  for (const m of ofKind<ConfigMap>(objects, "ConfigMap")) {
    const brokers = m.data?.KAFKA_BROKERS;
    if (brokers === undefined) continue;
    const plain = [...clusters.values()].flatMap((k) =>
      k.spec.kafka.listeners
        .filter((l) => l.type === "internal" && !l.tls)
        .map((l) => `${k.metadata.name}-kafka-bootstrap:${l.port}`),
    );
    if (!plain.includes(brokers)) {
      problems.push(
        `ConfigMap ${m.metadata.name} has KAFKA_BROKERS=${brokers}, not a plain listener (${plain.join(", ") || "none"})`,
      );
    }
  }
  return problems;
}

/** Every check above, for one rendered environment. */
export function crossReferenceProblems(objects: readonly K8sObject[]): string[] {
  return [
    ...deploymentSelectors(objects),
    ...serviceSelectors(objects),
    ...disruptionBudgets(objects),
    ...networkPolicies(objects),
    ...autoscalers(objects),
    ...probePorts(objects),
    ...hardening(objects),
    ...wholeSecrets(objects),
    ...configMapRefs(objects),
    ...ingressBackends(objects),
    ...strimziWiring(objects),
  ];
}
