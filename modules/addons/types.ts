/**
 * The one interface every platform add-on implements (in the style of EKS Blueprints'
 * `ClusterAddOn`), and the helpers they share: Helm releases from the chart catalogue,
 * system-node placement, Pod Identity roles.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { AwsContext } from "../iam";
import { CHARTS, ChartSpec } from "../../variables/charts";
import type { EnvironmentName } from "../../variables/project";

/** A Kubernetes toleration as charts take it in their values. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where cluster-critical add-ons run: the system node group. */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** The system node group's label (set by modules/eks on its managed node group). */
export const SYSTEM_NODE_LABEL = { "authorworks.io/node-group": "system" } as const;

/** The system node group's taint: only pods that tolerate it schedule there. */
export const CRITICAL_ADDONS_TOLERATION: Toleration = { key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" };

/** Default placement of every add-on: on the system nodes, tolerating their taint. */
export const SYSTEM_PLACEMENT: Placement = { nodeSelector: SYSTEM_NODE_LABEL, tolerations: [CRITICAL_ADDONS_TOLERATION] };

/** Container resources as charts take them. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * Pod-level settings of the Pod Security Standards' `restricted` profile (Kubernetes
 * "Pod Security Standards": non-root, RuntimeDefault seccomp).
 */
export const RESTRICTED_POD_SECURITY_CONTEXT = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } as const;

/**
 * Container-level settings of the `restricted` profile (no privilege escalation, every
 * capability dropped), plus a read-only root filesystem.
 */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** The environment's public hosted zone (found by name in the platform stack). */
export interface HostedZoneRef {
  /** Zone name, e.g. `dev.authorworks.io`. */
  readonly name: string;
  /** Zone id, e.g. `Z0123456789ABC`. */
  readonly zoneId: string;
  /** `arn:aws:route53:::hostedzone/<id>` */
  readonly arn: string;
}

/** What every add-on may read about the cluster it is installed in. */
export interface AddonContext {
  readonly environment: EnvironmentName;
  readonly aws: AwsContext;
  /** EKS cluster name. */
  readonly clusterName: string;
  /** VPC of the cluster (controllers that cannot reach IMDS need it). */
  readonly vpcId: string;
  /** Public hosted zone of the environment (DNS records, ACME DNS-01). */
  readonly hostedZone: HostedZoneRef;
  /** Name of the environment's regional WAF web ACL (the ALB controller may associate only it). */
  readonly regionalWebAclName: string;
  /** Node selector and tolerations of cluster-critical add-ons. */
  readonly placement: Placement;
  /**
   * Run controllers highly available (replicas spread over nodes, disruption budgets).
   * Needs at least 3 system nodes.
   */
  readonly highAvailability: boolean;
  /** Prefix of IAM role names, `authorworks-<env>`. */
  readonly namePrefix: string;
}

/**
 * One add-on. `deploy` creates its resources under `scope` (its own construct, id =
 * `name`) after `after` (what the add-ons it depends on created) and returns what
 * later add-ons must wait for.
 */
export interface PlatformAddon {
  /** Construct id and Helm release name; unique among the add-ons of a stack. */
  readonly name: string;
  /** Namespace its workloads run in (created by the installer unless it is built in). */
  readonly namespace: string;
  /** Labels on the namespace, when the installer creates it. @default none */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Names of add-ons that must be installed first. @default none */
  readonly dependsOn?: readonly string[];
  deploy(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[];
}

/** Replicas of a controller: two (leader election, one standby) when highly available, else one. */
export function controllerReplicas(ctx: AddonContext): number {
  return ctx.highAvailability ? 2 : 1;
}

/** Disruption budget of a replicated controller: one pod always up; none for a single replica. */
export function controllerDisruptionBudget(ctx: AddonContext): { readonly enabled: boolean; readonly minAvailable: number } {
  return { enabled: ctx.highAvailability, minAvailable: 1 };
}

/** Namespaces that exist in every EKS cluster: the installer never creates them. */
export const BUILT_IN_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease", "default"];

export interface HelmReleaseOptions {
  /** Release name. */
  readonly name: string;
  readonly chart: ChartSpec;
  readonly namespace: string;
  /** Chart values; rendered as one JSON document (JSON is YAML), readable in the plan. */
  readonly values: object;
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Seconds Helm waits for the release's resources to become ready. @default 600 */
  readonly timeoutSeconds?: number;
}

/**
 * A `helm_release` of a catalogued chart at its pinned version. The namespace is
 * never created by Helm (the installer creates it, with labels); Helm waits for the
 * workloads so dependents start after a ready controller and its webhooks.
 */
export function helmRelease(scope: Construct, id: string, o: HelmReleaseOptions): Release {
  return new Release(scope, id, {
    name: o.name,
    repository: o.chart.repository,
    chart: o.chart.chart,
    version: o.chart.version,
    namespace: o.namespace,
    createNamespace: false,
    values: [JSON.stringify(o.values, null, 2)],
    wait: true,
    timeout: o.timeoutSeconds ?? 600,
    cleanupOnFail: true,
    maxHistory: 10,
    dependsOn: o.dependsOn ? [...o.dependsOn] : undefined,
  });
}

export interface RawReleaseOptions {
  /** Release name. */
  readonly name: string;
  readonly namespace: string;
  /** Kubernetes objects (custom resources included), as manifests. */
  readonly resources: readonly object[];
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Helm waits for the objects to become ready. Helm's readiness covers pods, workloads,
   * Services and volumes, not custom resources, Secrets or ConfigMaps: for a release of
   * only those, false says what happens (nothing to wait for) and keeps its timeout out of
   * the apply's longest chain of waits (`longestWaitChain`). @default true
   */
  readonly wait?: boolean;
}

/**
 * Kubernetes objects through a release of the raw chart (`CHARTS.raw`): unlike
 * `kubernetes_manifest`, it plans on an empty cluster, before the CRDs it needs exist.
 */
export function rawRelease(scope: Construct, id: string, o: RawReleaseOptions): Release {
  const release = helmRelease(scope, id, {
    name: o.name,
    chart: CHARTS.raw,
    namespace: o.namespace,
    values: { resources: o.resources },
    dependsOn: o.dependsOn,
  });
  if (o.wait === false) release.wait = false;
  return release;
}

/** IAM role name of an add-on: `authorworks-<env>-<addon>`. */
export function addonRoleName(ctx: AddonContext, addon: string): string {
  return `${ctx.namePrefix}-${addon}`;
}

/** ARN prefix with an empty region and account (Route53 and IAM are global). */
export function globalArn(ctx: AddonContext, service: string, resource: string): string {
  return `arn:${ctx.aws.partition ?? "aws"}:${service}:::${resource}`;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` */
export function regionalArn(ctx: AddonContext, service: string, resource: string): string {
  return `arn:${ctx.aws.partition ?? "aws"}:${service}:${ctx.aws.region}:${ctx.aws.accountId}:${resource}`;
}
