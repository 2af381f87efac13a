/**
 * Tenancy inside the cluster: the platform's namespaces with their Pod Security and
 * mesh labels, and for every application namespace a default-deny network posture with
 * the few flows the platform needs, a ResourceQuota and LimitRange, and RBAC for the
 * access-entry groups (admins, developers).
 */
import { Construct } from "constructs";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1, ClusterRoleV1Rule } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import {
  NetworkPolicyV1,
  NetworkPolicyV1SpecEgress,
  NetworkPolicyV1SpecIngress,
  NetworkPolicyV1SpecIngressPorts,
} from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1, RoleV1Rule } from "@cdktf/provider-kubernetes/lib/role-v1";
import {
  ACCESS_GROUPS,
  AccessGroups,
  CLUSTER_DNS,
  LABELS,
  MESH,
  MONITORING_NAMESPACE,
  NAMESPACES,
  NamespaceDefinition,
  NamespaceTier,
  POD_SECURITY,
  PodSecurityLevel,
} from "../../variables/platform";
import { EKS_POD_IDENTITY_AGENT, POSTGRES_PORT, VALKEY_PORT } from "../../variables/aws-catalog";
import { APP_PORT } from "../../variables/services";
import type { EnvironmentName } from "../../variables/project";

/** OTLP receiver ports of the OpenTelemetry collector (gRPC, HTTP). */
const OTLP_PORTS = [4317, 4318] as const;

/** CPU and memory as Kubernetes quantities ("500m", "1Gi"). */
export interface Quantities {
  readonly cpu: string;
  readonly memory: string;
}

/** Hard limits of one application namespace (ResourceQuota). */
export interface NamespaceQuota {
  /** Sum of the containers' requests (`requests.cpu`, `requests.memory`). */
  readonly requests: Quantities;
  /** Sum of the containers' limits (`limits.cpu`, `limits.memory`). */
  readonly limits: Quantities;
  readonly pods: number;
  readonly services: number;
  readonly persistentVolumeClaims: number;
}

/** Per-container defaults and ceiling (LimitRange, type Container). */
export interface ContainerLimitRange {
  /** Requests of a container that sets none. */
  readonly defaultRequest: Quantities;
  /** Limits of a container that sets none. */
  readonly default: Quantities;
  /** No container may ask for more. */
  readonly max: Quantities;
}

/** Pods a load balancer sends traffic to (ALB in IP target mode). */
export interface LoadBalancerTarget {
  /** Short name, used in the policy name `allow-load-balancer-to-<name>`. */
  readonly name: string;
  /** Application namespace the pods run in. */
  readonly namespace: string;
  /** Labels selecting the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container port the load balancer targets. */
  readonly port: number;
}

export interface TenancyProps {
  /** Environment name (namespace label `authorworks.io/environment`). */
  readonly environment: EnvironmentName;
  /** Namespaces to create. @default NAMESPACES from variables/platform.ts */
  readonly namespaces?: readonly NamespaceDefinition[];
  /**
   * VPC CIDR. The ALB (IP targets) connects to pods from its own ENIs in the public
   * subnets, so load-balancer traffic is admitted from the VPC range.
   */
  readonly vpcCidr: string;
  /** Database subnet CIDRs (RDS, RDS Proxy, Valkey): the only data-tier egress allowed. */
  readonly databaseSubnetCidrs: readonly string[];
  /** ResourceQuota of every application namespace. */
  readonly quota: NamespaceQuota;
  /** LimitRange of every application namespace. */
  readonly limitRange: ContainerLimitRange;
  /** Pods behind the internet-facing load balancer. @default none */
  readonly loadBalancerTargets?: readonly LoadBalancerTarget[];
  /** Ports the services listen (and expose metrics) on. @default [APP_PORT] (8080) */
  readonly applicationPorts?: readonly number[];
  /** Data-tier ports allowed out to the database subnets. @default [POSTGRES_PORT, VALKEY_PORT] (5432, 6379) */
  readonly dataPorts?: readonly number[];
  /** Kubernetes groups of the EKS access entries. @default ACCESS_GROUPS */
  readonly groups?: AccessGroups;
  /** Pod Security level per tier. @default POD_SECURITY (applications restricted, system baseline, monitoring privileged) */
  readonly podSecurity?: Readonly<Record<NamespaceTier, PodSecurityLevel>>;
}

/** `{ ports: [...] }` entries of a policy rule (TCP unless told). */
function tcp(ports: readonly number[], protocol = "TCP"): NetworkPolicyV1SpecIngressPorts[] {
  return ports.map((p) => ({ port: String(p), protocol }));
}

const READ = ["get", "list", "watch"];

/**
 * Namespaced read for developers: what they need to see a workload and debug it.
 * Listed explicitly (no "*"), so secrets and subresources such as pods/exec are only
 * what `DEVELOPER_DEBUG_RULES` grants.
 */
export const DEVELOPER_READ_RULES: readonly RoleV1Rule[] = [
  {
    apiGroups: [""],
    resources: [
      "pods",
      "services",
      "endpoints",
      "configmaps",
      "persistentvolumeclaims",
      "serviceaccounts",
      "events",
      "resourcequotas",
      "limitranges",
      "replicationcontrollers",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets", "daemonsets"], verbs: READ },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: READ },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: READ },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
  { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
  { apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: READ },
];

/**
 * Logs, exec and port-forward. kubectl 1.30+ speaks WebSocket, which the API server
 * authorizes as `get` on the subresource (SPDY used `create`): both are granted.
 */
export const DEVELOPER_DEBUG_RULES: readonly RoleV1Rule[] = [
  { apiGroups: [""], resources: ["pods/log"], verbs: READ },
  { apiGroups: [""], resources: ["pods/exec", "pods/portforward"], verbs: ["get", "create"] },
];

/** Cluster-scoped read for developers: nodes, namespaces, storage and scheduling classes, CRDs. No secrets, no proxies. */
export const CLUSTER_READ_RULES: readonly ClusterRoleV1Rule[] = [
  { apiGroups: [""], resources: ["nodes", "namespaces", "persistentvolumes"], verbs: READ },
  { apiGroups: ["storage.k8s.io"], resources: ["storageclasses", "csidrivers"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["ingressclasses"], verbs: READ },
  { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: READ },
  { apiGroups: ["node.k8s.io"], resources: ["runtimeclasses"], verbs: READ },
  { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: READ },
  { apiGroups: ["metrics.k8s.io"], resources: ["nodes"], verbs: READ },
];

interface ApplicationNamespaceProps {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly vpcCidr: string;
  readonly databaseSubnetCidrs: readonly string[];
  readonly quota: NamespaceQuota;
  readonly limitRange: ContainerLimitRange;
  /** Namespace Prometheus scrapes from. */
  readonly monitoringNamespace: string;
  /** Targets in this namespace. */
  readonly loadBalancerTargets: readonly LoadBalancerTarget[];
  readonly applicationPorts: readonly number[];
  readonly dataPorts: readonly number[];
  readonly groups: AccessGroups;
}

/** Policies, quota and RBAC of one application namespace. */
export class ApplicationNamespace extends Construct {
  public readonly networkPolicies: Record<string, NetworkPolicyV1> = {};
  public readonly quota: ResourceQuotaV1;
  public readonly limitRange: LimitRangeV1;
  public readonly developerRole: RoleV1;

  constructor(scope: Construct, id: string, props: ApplicationNamespaceProps) {
    super(scope, id);
    const ns = props.namespace;
    const metadata = (name: string) => ({ name, namespace: ns, labels: props.labels });
    const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { [LABELS.namespaceName]: name } } });
    const policy = (
      id: string,
      name: string,
      spec: { podSelector?: Record<string, string>; ingress?: NetworkPolicyV1SpecIngress[]; egress?: NetworkPolicyV1SpecEgress[] },
    ) => {
      const types = [...(spec.ingress ? ["Ingress"] : []), ...(spec.egress ? ["Egress"] : [])];
      this.networkPolicies[id] = new NetworkPolicyV1(this, id, {
        metadata: metadata(name),
        spec: { podSelector: spec.podSelector ? { matchLabels: spec.podSelector } : {}, policyTypes: types, ingress: spec.ingress, egress: spec.egress },
      });
    };
    const mesh = [MESH.proxyInboundPort, MESH.proxyAdminPort];

    // Everything not allowed below is dropped, both ways. Kubelet probes still pass:
    // the VPC CNI policy agent always admits the node's own IP.
    this.networkPolicies["default-deny"] = new NetworkPolicyV1(this, "default-deny", {
      metadata: metadata("default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });

    policy("allow-dns", "allow-dns-egress", {
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [LABELS.namespaceName]: CLUSTER_DNS.namespace } },
              podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
            },
          ],
          ports: [...tcp([CLUSTER_DNS.port], "UDP"), ...tcp([CLUSTER_DNS.port])],
        },
      ],
    });

    // Service-to-service inside the namespace: the app ports for unmeshed peers, the
    // proxy ports for meshed ones (Linkerd rewrites the target port to 4143).
    const sameNamespace = [{ podSelector: {} }];
    policy("allow-same-namespace", "allow-same-namespace", {
      ingress: [{ from: sameNamespace, ports: tcp([...props.applicationPorts, ...mesh]) }],
      egress: [{ to: sameNamespace, ports: tcp([...props.applicationPorts, ...mesh]) }],
    });

    // Linkerd: its control plane may reach the proxies, and the proxies must reach it
    // (identity, destination, policy) and the inbound port of meshed control-plane pods.
    policy("allow-linkerd", "allow-linkerd", {
      ingress: [{ from: [inNamespace(MESH.namespace)], ports: tcp(mesh) }],
      egress: [{ to: [inNamespace(MESH.namespace)], ports: tcp([...MESH.controlPlanePorts, MESH.proxyInboundPort]) }],
    });

    policy("allow-monitoring", "allow-monitoring-scrape", {
      ingress: [{ from: [inNamespace(props.monitoringNamespace)], ports: tcp([...props.applicationPorts, MESH.proxyAdminPort]) }],
    });

    // The AWS Load Balancer Controller in IP target mode registers pod IPs: the ALB
    // connects (and health-checks) from its ENIs' private addresses, which are in the
    // VPC but not in any pod or namespace selector. Only the target port is opened.
    for (const t of props.loadBalancerTargets) {
      policy(`allow-load-balancer-${t.name}`, `allow-load-balancer-to-${t.name}`, {
        podSelector: { ...t.podLabels },
        ingress: [{ from: [{ ipBlock: { cidr: props.vpcCidr } }], ports: tcp([t.port]) }],
      });
    }

    policy("allow-data-tier", "allow-data-tier-egress", {
      egress: [{ to: props.databaseSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(props.dataPorts) }],
    });

    // Traces go to the OpenTelemetry collector in the monitoring namespace (OTLP gRPC and HTTP).
    policy("allow-traces", "allow-traces-egress", {
      egress: [{ to: [inNamespace(props.monitoringNamespace)], ports: tcp([...OTLP_PORTS]) }],
    });

    // AWS APIs (S3, STS), ECR and third-party APIs. Everything else outbound stays closed.
    policy("allow-https", "allow-https-egress", { egress: [{ ports: tcp([443]) }] });

    // Pods with an AWS role fetch credentials from the Pod Identity agent, a hostNetwork
    // DaemonSet on a link-local address that no pod/namespace selector matches.
    policy("allow-pod-identity-agent", "allow-pod-identity-agent", {
      podSelector: { [LABELS.awsIdentity]: "true" },
      egress: [{ to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }], ports: tcp([EKS_POD_IDENTITY_AGENT.port]) }],
    });

    const q = props.quota;
    this.quota = new ResourceQuotaV1(this, "quota", {
      metadata: metadata("compute-and-objects"),
      spec: {
        hard: {
          "requests.cpu": q.requests.cpu,
          "requests.memory": q.requests.memory,
          "limits.cpu": q.limits.cpu,
          "limits.memory": q.limits.memory,
          pods: String(q.pods),
          services: String(q.services),
          persistentvolumeclaims: String(q.persistentVolumeClaims),
          // Traffic comes in through the ALB Ingress only.
          "services.loadbalancers": "0",
          "services.nodeports": "0",
        },
      },
    });

    const l = props.limitRange;
    this.limitRange = new LimitRangeV1(this, "limit-range", {
      metadata: metadata("container-defaults"),
      spec: {
        limit: [
          {
            type: "Container",
            defaultRequest: { cpu: l.defaultRequest.cpu, memory: l.defaultRequest.memory },
            default: { cpu: l.default.cpu, memory: l.default.memory },
            max: { cpu: l.max.cpu, memory: l.max.memory },
          },
        ],
      },
    });

    this.developerRole = new RoleV1(this, "developer-role", {
      metadata: metadata("authorworks:developer"),
      rule: [...DEVELOPER_READ_RULES, ...DEVELOPER_DEBUG_RULES],
    });
    new RoleBindingV1(this, "developer-binding", {
      metadata: metadata("authorworks:developers"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: this.developerRole.metadata.name },
      subject: [{ kind: "Group", name: props.groups.developers, apiGroup: "rbac.authorization.k8s.io" }],
    });
    // The built-in `admin` ClusterRole, bound per namespace: everything in the namespace
    // (secrets included) but not the namespace itself, quotas or cluster objects. It
    // aggregates the rights on CRDs that add-ons publish, which a hand-written Role would miss.
    new RoleBindingV1(this, "admin-binding", {
      metadata: metadata("authorworks:admins"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subject: [{ kind: "Group", name: props.groups.admins, apiGroup: "rbac.authorization.k8s.io" }],
    });
  }
}

/**
 * The platform's namespaces and everything that makes an application namespace a
 * tenant. Needs a `KubernetesProvider` in the stack.
 */
export class Tenancy extends Construct {
  /** Namespaces by name. */
  public readonly namespaces: Record<string, NamespaceV1> = {};
  /** Policies, quota and RBAC of each application namespace, by name. */
  public readonly applicationNamespaces: Record<string, ApplicationNamespace> = {};
  /** Cluster-wide read-only role of developers. */
  public readonly developerClusterRole: ClusterRoleV1;

  constructor(scope: Construct, id: string, props: TenancyProps) {
    super(scope, id);
    const definitions = props.namespaces ?? NAMESPACES;
    const podSecurity = props.podSecurity ?? POD_SECURITY;
    const groups = props.groups ?? ACCESS_GROUPS;
    const managed = { "app.kubernetes.io/managed-by": "terraform", [LABELS.environment]: props.environment };
    const appNamespaces = definitions.filter((d) => d.tier === "applications").map((d) => d.name);
    for (const t of props.loadBalancerTargets ?? []) {
      if (!appNamespaces.includes(t.namespace)) {
        throw new Error(
          `load balancer target "${t.name}" is in namespace "${t.namespace}", which is not an application namespace (${appNamespaces.join(", ")})`,
        );
      }
    }
    const monitoringNamespace = definitions.find((d) => d.tier === "monitoring")?.name ?? MONITORING_NAMESPACE;

    this.developerClusterRole = new ClusterRoleV1(this, "developer-cluster-read", {
      metadata: { name: "authorworks:developer-cluster-read", labels: managed },
      rule: [...CLUSTER_READ_RULES],
    });
    new ClusterRoleBindingV1(this, "developer-cluster-read-binding", {
      metadata: { name: "authorworks:developers-cluster-read", labels: managed },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: this.developerClusterRole.metadata.name },
      subject: [
        { kind: "Group", name: groups.developers, apiGroup: "rbac.authorization.k8s.io" },
        // Admins are only namespace admins through RBAC; this lets them see the cluster too.
        { kind: "Group", name: groups.admins, apiGroup: "rbac.authorization.k8s.io" },
      ],
    });

    for (const def of definitions) {
      const level = podSecurity[def.tier];
      const applications = def.tier === "applications";
      const labels: Record<string, string> = {
        ...managed,
        [LABELS.tier]: def.tier,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        // Warn and audit at least at baseline, so a privileged namespace still shows what it relies on.
        "pod-security.kubernetes.io/warn": level === "privileged" ? "baseline" : level,
        "pod-security.kubernetes.io/audit": level === "privileged" ? "baseline" : level,
      };
      if (applications) {
        // The load balancer controller injects readiness gates: a rolling update waits
        // until the ALB reports the new pod healthy before the next old one goes.
        labels["elbv2.k8s.aws/pod-readiness-gate-inject"] = "enabled";
      }
      const ns = new NamespaceV1(this, `namespace-${def.name}`, {
        metadata: {
          name: def.name,
          labels,
          annotations: { "authorworks.io/description": def.description, ...(applications ? { ...MESH.injectAnnotation, ...MESH.defaultInboundPolicy } : {}) },
        },
      });
      this.namespaces[def.name] = ns;
      if (!applications) continue;
      this.applicationNamespaces[def.name] = new ApplicationNamespace(this, def.name, {
        // The token (not the literal) makes every object wait for its namespace.
        namespace: ns.metadata.name,
        labels: managed,
        vpcCidr: props.vpcCidr,
        databaseSubnetCidrs: props.databaseSubnetCidrs,
        quota: props.quota,
        limitRange: props.limitRange,
        loadBalancerTargets: (props.loadBalancerTargets ?? []).filter((t) => t.namespace === def.name),
        applicationPorts: props.applicationPorts ?? [APP_PORT],
        dataPorts: props.dataPorts ?? [POSTGRES_PORT, VALKEY_PORT],
        groups,
        monitoringNamespace,
      });
    }
  }

  /** Name of a namespace this construct creates, as a reference (consumers then wait for it). */
  public namespaceName(name: string): string {
    const ns = this.namespaces[name];
    if (!ns) throw new Error(`Tenancy has no namespace "${name}"; it has: ${Object.keys(this.namespaces).join(", ")}`);
    return ns.metadata.name;
  }
}
