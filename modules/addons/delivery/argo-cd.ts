/**
 * Argo CD: GitOps delivery of the AuthorWorks services from the `authorworks-k8s`
 * manifests repository (seed 004 section 7 "ArgoCD Setup"). One AppProject per
 * environment fences what Argo CD may deploy; one ApplicationSet makes an Application
 * per service directory under `overlays/<env>/`.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { CHARTS } from "../../../variables/charts";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "../admission";
import { ACCESS_GROUPS, APPLICATION_NAMESPACES, AccessGroups } from "../../../variables/platform";
import type { EnvironmentName } from "../../../variables/project";
import { HelmAddon } from "../helm-addon";
import { AddonContext, Placement, Resources, Toleration, controllerDisruptionBudget, controllerReplicas, rawRelease } from "../types";

export const ARGO_CD_NAMESPACE = "argocd";
/** The in-cluster API server as Argo CD names it (Argo CD deploys only into its own cluster). */
export const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * Namespaced kinds Argo CD must never create or change in the application namespaces.
 * modules/tenancy owns quotas, limit ranges, network policies and RBAC (a sync must not
 * loosen them); modules/workloads owns each service's workload objects (two controllers
 * applying the same object fight: self-heal would undo every Terraform apply and the
 * reverse), and which secret reaches which service (ExternalSecrets, from the service and
 * secrets catalogues: a manifest could otherwise map any secret of the environment into any
 * service). The manifests repository carries the rest: configuration (ConfigMaps), Jobs and
 * CronJobs (migrations), monitors.
 */
export const TERRAFORM_OWNED_KINDS: readonly { group: string; kind: string }[] = [
  { group: "", kind: "ResourceQuota" },
  { group: "", kind: "LimitRange" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "apps", kind: "Deployment" },
  { group: "argoproj.io", kind: "Rollout" },
  { group: "", kind: "Service" },
  { group: "", kind: "ServiceAccount" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  { group: "policy", kind: "PodDisruptionBudget" },
  { group: "networking.k8s.io", kind: "Ingress" },
  // Namespace RBAC (modules/tenancy): a sync must not grant itself or anyone more.
  { group: "rbac.authorization.k8s.io", kind: "Role" },
  { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
  // Secret delivery (modules/workloads): the catalogues decide who gets what.
  { group: "external-secrets.io", kind: "ExternalSecret" },
  // Mesh authorization and routes (modules/workloads): who may call whom is the catalogue's,
  // and the canary weights on the routes are the Rollouts controller's alone.
  { group: "policy.linkerd.io", kind: "Server" },
  { group: "policy.linkerd.io", kind: "AuthorizationPolicy" },
  { group: "policy.linkerd.io", kind: "MeshTLSAuthentication" },
  { group: "policy.linkerd.io", kind: "NetworkAuthentication" },
  { group: "gateway.networking.k8s.io", kind: "HTTPRoute" },
];

/**
 * Kinds the manifests repository may not create there although Terraform makes none:
 * a namespaced SecretStore could name any role the External Secrets controller may
 * assume, such as the one reading the database master secrets (modules/workloads
 * `DatabaseUsers`), and pull those secrets into the application namespace.
 */
export const DENIED_KINDS: readonly { group: string; kind: string }[] = [{ group: "external-secrets.io", kind: "SecretStore" }];

/** Kinds denied as well while the environment's databases are read-only (`ArgoCdProps.denyJobs`): the manifests' writers. */
export const READ_ONLY_DENIED_KINDS: readonly { group: string; kind: string }[] = [
  { group: "batch", kind: "Job" },
  { group: "batch", kind: "CronJob" },
];

/**
 * Kinds both create in the application namespaces, each its own objects by name: the
 * manifests repository needs ConfigMaps (configuration), and modules/workloads makes a few
 * of its own (`<workload>-database`, `rds-ca-bundle`). Not blacklisted: the manifests must
 * not reuse those names.
 */
export const SHARED_KINDS: readonly { group: string; kind: string }[] = [{ group: "", kind: "ConfigMap" }];

/** No webhook (Argo CD has none); its components' Deployments, StatefulSet and Services. */
export const ARGO_CD_ADMISSION: ChartAdmission = noWebhooks("argo-cd chart templates/ (argocd-*/, redis/, redis-ha): no webhook configuration", [SERVICE, POD]);

/** `authorworks-<env>`: the AppProject (and RBAC scope) of one environment. */
export function argoProjectName(env: EnvironmentName): string {
  return `authorworks-${env}`;
}

/** Manifests path of an environment: one directory per service below it (seed 004 `overlays/production/authorworks-gateway`). */
export function overlaysPath(env: EnvironmentName): string {
  return `overlays/${env}`;
}

export interface ArgoCdProps {
  /** Manifests repository (https or ssh URL): the AppProject's only source. */
  readonly manifestsRepoUrl: string;
  /** Git revision (branch, tag or commit) the Applications follow. */
  readonly manifestsRevision: string;
  /** Automated sync with self-heal and prune; false = a human syncs (production). */
  readonly autoSync: boolean;
  /** Kubernetes groups mapped to Argo CD roles. @default ACCESS_GROUPS */
  readonly groups?: AccessGroups;
  /** Namespaces the project may deploy to. @default APPLICATION_NAMESPACES */
  readonly destinationNamespaces?: readonly string[];
  /**
   * Deny Jobs and CronJobs (`READ_ONLY_DENIED_KINDS`) too: for a standby whose databases are
   * read replicas, where a migration or a scheduled writer would only fail, or write to the
   * primary's bucket replicas. @default false
   */
  readonly denyJobs?: boolean;
}

interface ComponentValues {
  readonly replicas?: number;
  readonly resources?: Resources;
  readonly pdb?: { readonly enabled: boolean; readonly minAvailable?: number };
}

/** Chart values we set (subset of argo-cd's values.yaml). */
export interface ArgoCdValues {
  readonly global: { readonly nodeSelector: Placement["nodeSelector"]; readonly tolerations: readonly Toleration[] };
  readonly crds: { readonly install: boolean; readonly keep: boolean };
  readonly configs: {
    readonly cm: Readonly<Record<string, string | boolean>>;
    readonly params: Readonly<Record<string, string | boolean | number>>;
    readonly rbac: { readonly "policy.csv": string; readonly "policy.default": string; readonly scopes: string };
  };
  readonly dex: { readonly enabled: boolean };
  readonly controller: ComponentValues;
  readonly server: ComponentValues;
  readonly repoServer: ComponentValues;
  readonly applicationSet: ComponentValues;
  readonly "redis-ha": { readonly enabled: boolean; readonly tolerations: readonly Toleration[] };
}

/**
 * Argo CD RBAC (`policy.csv`): admins get the built-in `role:admin`; developers read
 * (and, outside production, sync) the environment's project. Nothing else is granted
 * (`policy.default` is empty), so a user in neither group sees nothing.
 */
export function argoCdPolicy(env: EnvironmentName, groups: AccessGroups = ACCESS_GROUPS): string[] {
  const project = argoProjectName(env);
  const role = "role:authorworks-developer";
  const lines = [
    `p, ${role}, applications, get, ${project}/*, allow`,
    `p, ${role}, applicationsets, get, ${project}/*, allow`,
    `p, ${role}, projects, get, ${project}, allow`,
    `p, ${role}, logs, get, ${project}/*, allow`,
  ];
  // Production changes go through the manifests repository and a sync by an admin.
  if (env !== "production") lines.push(`p, ${role}, applications, sync, ${project}/*, allow`);
  lines.push(`g, ${groups.developers}, ${role}`, `g, ${groups.admins}, role:admin`);
  return lines;
}

/** The environment's AppProject: one source repository, the application namespaces of this cluster. */
export function appProject(env: EnvironmentName, props: ArgoCdProps): object {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: argoProjectName(env), namespace: ARGO_CD_NAMESPACE },
    spec: {
      description: `AuthorWorks services of ${env}`,
      sourceRepos: [props.manifestsRepoUrl],
      destinations: (props.destinationNamespaces ?? APPLICATION_NAMESPACES).map((namespace) => ({ server: IN_CLUSTER, namespace })),
      // No cluster-scoped kind: namespaces, CRDs and cluster RBAC are Terraform's.
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [...TERRAFORM_OWNED_KINDS, ...DENIED_KINDS, ...(props.denyJobs ? READ_ONLY_DENIED_KINDS : [])].map((k) => ({
        group: k.group,
        kind: k.kind,
      })),
      orphanedResources: { warn: true },
    },
  };
}

/** Sync policy of the generated Applications: automated (prune + self-heal) only when `autoSync`. */
export function syncPolicy(autoSync: boolean): object {
  const syncOptions = ["CreateNamespace=false", "PrunePropagationPolicy=foreground", "PruneLast=true"];
  return autoSync
    ? { automated: { prune: true, selfHeal: true }, syncOptions, retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } } }
    : { syncOptions };
}

/**
 * ApplicationSet with a git directory generator: one Application per directory in
 * `overlays/<env>/*` (one per service), named after the directory, in the project.
 */
export function applicationSet(env: EnvironmentName, props: ArgoCdProps): object {
  const namespace = (props.destinationNamespaces ?? APPLICATION_NAMESPACES)[0];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: argoProjectName(env), namespace: ARGO_CD_NAMESPACE },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ git: { repoURL: props.manifestsRepoUrl, revision: props.manifestsRevision, directories: [{ path: `${overlaysPath(env)}/*` }] } }],
      template: {
        metadata: { name: "{{.path.basename}}", labels: { "authorworks.io/environment": env } },
        spec: {
          project: argoProjectName(env),
          source: { repoURL: props.manifestsRepoUrl, targetRevision: props.manifestsRevision, path: "{{.path.path}}" },
          destination: { server: IN_CLUSTER, namespace },
          syncPolicy: syncPolicy(props.autoSync),
        },
      },
    },
  };
}

/**
 * Argo CD from argo-helm with the project's RBAC, then the AppProject and the
 * ApplicationSet through the raw chart (they plan on an empty cluster that way).
 */
export class ArgoCdAddon extends HelmAddon<ArgoCdValues> {
  public readonly name = "argo-cd";
  public readonly namespace = ARGO_CD_NAMESPACE;
  public readonly chart = CHARTS.argoCd;

  constructor(private readonly props: ArgoCdProps) {
    super();
  }

  public values(ctx: AddonContext): ArgoCdValues {
    const replicas = controllerReplicas(ctx);
    const pdb = controllerDisruptionBudget(ctx);
    return {
      global: { ...ctx.placement },
      crds: { install: true, keep: true },
      configs: {
        cm: {
          // Kept until SSO is configured (README); the initial password is in argocd-initial-admin-secret.
          "admin.enabled": true,
          "users.anonymous.enabled": false,
          // No shell into pods from the UI: kubectl access is RBAC'd by modules/tenancy.
          "exec.enabled": false,
          "statusbadge.enabled": false,
        },
        // TLS terminates at argocd-server (no plain-HTTP UI or API).
        params: { "server.insecure": false },
        rbac: { "policy.csv": argoCdPolicy(ctx.environment, this.props.groups).join("\n"), "policy.default": "", scopes: "[groups]" },
      },
      // SSO is out of scope here (README): no Dex.
      dex: { enabled: false },
      // The application controller shards by cluster; one cluster = one replica.
      controller: { replicas: 1, resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } } },
      server: { replicas, pdb, resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } } },
      repoServer: { replicas, pdb, resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } } },
      applicationSet: { replicas, pdb, resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } } },
      // The redis-ha subchart ignores `global` placement: its own tolerations let it use
      // the system nodes too. Hard anti-affinity (3 pods, 3 nodes) holds either way.
      "redis-ha": { enabled: ctx.highAvailability, tolerations: ctx.placement.tolerations },
    };
  }

  /** The AppProject and the ApplicationSet, installed with the raw chart. */
  public resources(ctx: AddonContext): object[] {
    return [appProject(ctx.environment, this.props), applicationSet(ctx.environment, this.props)];
  }

  protected afterRelease(scope: Construct, ctx: AddonContext, release: Release): ITerraformDependable[] {
    return [
      rawRelease(scope, "applications", { name: "authorworks-applications", namespace: this.namespace, resources: this.resources(ctx), dependsOn: [release] }),
    ];
  }
}
