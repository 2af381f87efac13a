/**
 * What the `<env>-platform` stack shares across environments: the namespaces and their
 * labels, the access-entry groups RBAC binds to, and the facts about the in-cluster
 * neighbours (DNS, Linkerd) the network policies open up for (the Pod Identity agent's
 * address is an AWS fact: EKS_POD_IDENTITY_AGENT in variables/aws-catalog.ts).
 * modules/tenancy and modules/workloads both read these, so the labels one sets are
 * the labels the other selects on.
 */
import type { ServiceDefinition } from "./services";

/** What a namespace is for; drives its Pod Security level, policies and RBAC. */
export type NamespaceTier = "system" | "monitoring" | "applications";

export interface NamespaceDefinition {
  /** Namespace name: a DNS label (checked by environments/checks/workloads.ts). */
  readonly name: string;
  readonly tier: NamespaceTier;
  readonly description: string;
}

/**
 * The namespaces the platform stack creates (modules/tenancy). Helm releases that go
 * into them use `create_namespace = false`, so labels and policies are ours.
 */
export const NAMESPACES: readonly NamespaceDefinition[] = [
  { name: "platform-system", tier: "system", description: "Cluster add-ons of the platform stack (load balancer controller, external-dns, cert-manager)" },
  { name: "monitoring", tier: "monitoring", description: "Prometheus, Grafana, Loki, Alloy and Jaeger" },
  { name: "authorworks", tier: "applications", description: "The AuthorWorks services (variables/services.ts)" },
];

export const SYSTEM_NAMESPACE = "platform-system";
export const MONITORING_NAMESPACE = "monitoring";
/** Namespaces that run application workloads (meshed, restricted, default-deny). */
export const APPLICATION_NAMESPACES: readonly string[] = NAMESPACES.filter((n) => n.tier === "applications").map((n) => n.name);
/** Where the services of the catalogue run. */
export const APPLICATION_NAMESPACE: string = APPLICATION_NAMESPACES[0];

/** Pod Security Standards level enforced per tier (`pod-security.kubernetes.io/enforce`). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * Applications run `restricted`; add-ons `baseline`. Monitoring is `privileged` because
 * node-exporter (hostNetwork, hostPID, hostPath) and the Alloy log collector (hostPath
 * /var/log) are DaemonSets that baseline rejects; baseline is still warned and audited there.
 */
export const POD_SECURITY: Readonly<Record<NamespaceTier, PodSecurityLevel>> = {
  system: "baseline",
  monitoring: "privileged",
  applications: "restricted",
};

/** Label keys this project sets on namespaces and pods. */
export const LABELS = {
  tier: "authorworks.io/tier",
  environment: "authorworks.io/environment",
  service: "authorworks.io/service",
  /** On pods whose service account has an AWS role: opens egress to the Pod Identity agent. */
  awsIdentity: "authorworks.io/aws-identity",
  /** Kubernetes sets this on every namespace (immutable): the safe key to select namespaces by. */
  namespaceName: "kubernetes.io/metadata.name",
} as const;

/**
 * Metric label a pod label becomes under the seed scrape job's `labelmap` (Prometheus
 * replaces every character outside [a-zA-Z0-9_] with `_`): `authorworks.io/service` ->
 * `authorworks_io_service`.
 */
export function prometheusLabel(podLabel: string): string {
  return podLabel.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** Kubernetes groups the EKS access entries map IAM roles to (modules/eks uses the same names). */
export const ACCESS_GROUPS = {
  admins: "authorworks:admins",
  developers: "authorworks:developers",
} as const;
export type AccessGroups = { readonly admins: string; readonly developers: string };

/** Linkerd, the service mesh (seed 004 "Service Mesh"). */
export const MESH = {
  namespace: "linkerd",
  /** Namespace annotation for automatic proxy injection. */
  injectAnnotation: { "linkerd.io/inject": "enabled" },
  /**
   * Namespace annotation of the default inbound policy of application pods: only mTLS
   * clients of the mesh; the Servers of modules/workloads/mesh-policy.ts narrow it per port.
   * Values: linkerd.io/2-edge/reference/authorization-policy "Default policies".
   */
  defaultInboundPolicy: { "config.linkerd.io/default-inbound-policy": "all-authenticated" },
  /** Meshed-to-meshed traffic arrives on the proxy's inbound port, not the app port. */
  proxyInboundPort: 4143,
  /** Proxy admin: metrics and its own health endpoints. */
  proxyAdminPort: 4191,
  /** Control plane the proxies dial: identity 8080, destination 8086, policy 8090. */
  controlPlanePorts: [8080, 8086, 8090],
} as const;

/**
 * Resources of the injected Linkerd proxy: seed 004's `proxy.resources` (section 5).
 * modules/workloads sets them per pod by annotation, so the quota check counts exactly
 * what runs (the Linkerd Helm values should use the same numbers for other namespaces).
 */
export const MESH_PROXY_RESOURCES = {
  requests: { cpu: "100m", memory: "20Mi" },
  limits: { cpu: "1", memory: "250Mi" },
} as const;

/** Cluster DNS (CoreDNS in kube-system). */
export const CLUSTER_DNS = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, port: 53 } as const;

/** Where the services expose Prometheus metrics (on their container port). */
export const METRICS_PATH = "/metrics";

/** Labels every pod of a service carries; `selector` is the immutable Deployment selector. */
export function workloadLabels(service: ServiceDefinition): { selector: Record<string, string>; all: Record<string, string> } {
  const selector = { "app.kubernetes.io/name": service.workload };
  return {
    selector,
    all: { ...selector, app: service.workload, "app.kubernetes.io/part-of": "authorworks", [LABELS.service]: service.name },
  };
}

/** Public API host name of an environment: `api.<zone>`. */
export function apiHostName(zoneName: string): string {
  return `api.${zoneName}`;
}

/**
 * One region's own API host name, `api-<region>.<zone>` (one label, so the zone's wildcard
 * certificate covers it): where failover records and health checks reach that region's load
 * balancer (modules/failover), and what its external-dns publishes when `api.<zone>` fails over.
 */
export function regionalApiHostName(zoneName: string, region: string): string {
  return `api-${region}.${zoneName}`;
}
