/**
 * Self-hosted GitHub Actions runners (seed 004 section 7 "GitHub Actions Runners":
 * performance, isolation, autoscaling) with Actions Runner Controller in runner scale
 * set mode: the controller in `arc-systems`, one scale set per environment in the
 * isolated namespace `arc-runners`, on the spot node group.
 */
import { Construct } from "constructs";
import { Fn, ITerraformDependable } from "cdktf";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { CHARTS } from "../../../variables/charts";
import { ChartAdmission, POD, SERVICE, valueAt } from "../admission";
import { NODE_GROUP_LABEL } from "../../../variables/eks";
import { CLUSTER_DNS, LABELS } from "../../../variables/platform";
import { HelmAddon } from "../helm-addon";
import { AddonContext, Placement, Resources, Toleration, controllerReplicas } from "../types";
import { GP3_STORAGE_CLASS } from "../storage-class";

export const ARC_CONTROLLER_NAMESPACE = "arc-systems";
export const ARC_RUNNERS_NAMESPACE = "arc-runners";
/** Service account of the controller (named, so the scale sets can reference it). */
export const ARC_CONTROLLER_SERVICE_ACCOUNT = "arc-controller";
/** Kubernetes Secret the scale set authenticates to GitHub with (GitHub App). */
export const ARC_GITHUB_SECRET = "arc-github-app";
/**
 * Secrets Manager path (below `<namePrefix>/`) of the GitHub App credentials, JSON with
 * `app_id`, `installation_id`, `private_key_pem` (variables/secrets.ts format).
 */
export const DEFAULT_GITHUB_APP_SECRET_PATH = "github/app-credentials";

/** The spot node group's taint (modules/eks): runner pods opt in by tolerating it. */
export const BATCH_TOLERATION: Toleration = { key: "authorworks.io/batch", operator: "Equal", value: "true", effect: "NoSchedule" };
/** Runners run on spot nodes: CI jobs are retried when a node is reclaimed, and cost a third. */
export const RUNNER_PLACEMENT: Placement = { nodeSelector: { [NODE_GROUP_LABEL]: "spot" }, tolerations: [BATCH_TOLERATION] };

/** Upper bound of `delivery.runners.maxRunners` (environments/checks/delivery.ts). */
export const MAX_RUNNERS_CEILING = 50;

/** `https://github.com/<owner>` from `owner/name`: the scale set registers at organization level. */
export function githubOrgUrl(githubRepository: string): string {
  const owner = githubRepository.split("/")[0];
  return `https://github.com/${owner}`;
}

/**
 * gha-runner-scale-set-controller registers no webhook (templates/ hold none); its
 * Deployment, and a metrics Service only with `metrics.serviceMonitor`
 * (templates/manager_exported_service.yaml).
 */
export const ARC_CONTROLLER_ADMISSION: ChartAdmission = {
  source: "gha-runner-scale-set-controller chart templates/deployment.yaml, manager_exported_service.yaml: no webhook configuration",
  webhooks: () => [],
  objects: (values, namespace) => (valueAt(values, "metrics.serviceMonitor") ? [SERVICE, POD] : [POD]).map((k) => ({ ...k, namespace })),
};

/**
 * gha-runner-scale-set registers no webhook; it creates an AutoscalingRunnerSet, from
 * which the controller makes the listener pod (in the controller's namespace) and the
 * runner pods (in the scale set's).
 */
export const ARC_RUNNER_SCALE_SET_ADMISSION: ChartAdmission = {
  source: "gha-runner-scale-set chart templates/autoscalingrunnerset.yaml: no webhook configuration",
  webhooks: () => [],
  objects: (values, namespace) => [
    { group: "actions.github.com", kind: "AutoscalingRunnerSet", namespace },
    { ...POD, namespace },
    { ...POD, namespace: (valueAt(values, "controllerServiceAccount.namespace") as string | undefined) ?? namespace },
  ],
};

/** Chart values we set (subset of gha-runner-scale-set-controller's values.yaml). */
export interface ArcControllerValues {
  readonly replicaCount: number;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  readonly flags: { readonly logLevel: string; readonly watchSingleNamespace: string };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

/** The Actions Runner Controller, watching only the runners' namespace. */
export class ArcControllerAddon extends HelmAddon<ArcControllerValues> {
  public readonly name = "arc-controller";
  public readonly namespace = ARC_CONTROLLER_NAMESPACE;
  public readonly chart = CHARTS.arcController;

  public values(ctx: AddonContext): ArcControllerValues {
    return {
      replicaCount: controllerReplicas(ctx),
      serviceAccount: { create: true, name: ARC_CONTROLLER_SERVICE_ACCOUNT },
      // Least privilege: the controller's Role is bound in arc-runners only, not cluster-wide.
      flags: { logLevel: "info", watchSingleNamespace: ARC_RUNNERS_NAMESPACE },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    };
  }
}

export interface RunnerScaleSetProps {
  /** GitHub repository `owner/name`; runners register for its owner (organization). */
  readonly githubRepository: string;
  /** Idle runners kept warm (0 = scale to zero). */
  readonly minRunners: number;
  /** Concurrent jobs at most. */
  readonly maxRunners: number;
  /** Secrets Manager path below `<githubAppSecretPrefix>/` of the GitHub App credentials. @default DEFAULT_GITHUB_APP_SECRET_PATH */
  readonly githubAppSecretPath?: string;
  /** Prefix of that secret: a standby reading its primary's replicas passes `authorworks-<primary>`. @default the context's `namePrefix` */
  readonly githubAppSecretPrefix?: string;
  /** Size of each job's work volume (container mode kubernetes). @default "20Gi" */
  readonly workVolumeSize?: string;
}

/** Chart values we set (subset of gha-runner-scale-set's values.yaml). */
export interface RunnerScaleSetValues {
  readonly githubConfigUrl: string;
  readonly githubConfigSecret: string;
  readonly runnerScaleSetName: string;
  readonly minRunners: number;
  readonly maxRunners: number;
  readonly controllerServiceAccount: { readonly namespace: string; readonly name: string };
  readonly containerMode: {
    readonly type: "kubernetes";
    readonly kubernetesModeWorkVolumeClaim: {
      readonly accessModes: readonly string[];
      readonly storageClassName: string;
      readonly resources: { readonly requests: { readonly storage: string } };
    };
  };
  readonly template: { readonly spec: { readonly nodeSelector: Placement["nodeSelector"]; readonly tolerations: readonly Toleration[] } };
  readonly listenerTemplate: {
    readonly spec: {
      readonly nodeSelector: Placement["nodeSelector"];
      readonly tolerations: readonly Toleration[];
      readonly containers: readonly { readonly name: string }[];
    };
  };
}

/**
 * One runner scale set (`runs-on: authorworks-<env>`) in `arc-runners`: GitHub App
 * credentials copied from Secrets Manager into a Kubernetes Secret (the value lives
 * only in state), a default-deny network policy with egress to DNS and 443 only, and
 * runner pods on the spot nodes in container mode `kubernetes` (no privileged DinD).
 */
export class RunnerScaleSetAddon extends HelmAddon<RunnerScaleSetValues> {
  public readonly name = "arc-runners";
  public readonly namespace = ARC_RUNNERS_NAMESPACE;
  public readonly chart = CHARTS.arcRunnerScaleSet;
  public readonly dependsOn = ["arc-controller"];
  /**
   * Runner pods (and the job pods they start) are not `restricted`-compliant images,
   * but nothing here needs `privileged`: baseline forbids privileged pods and host access.
   */
  public readonly namespaceLabels = {
    [LABELS.tier]: "ci",
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };

  constructor(private readonly props: RunnerScaleSetProps) {
    super();
  }

  /** Scale set name, the `runs-on` label of workflows: `authorworks-<env>`. */
  public scaleSetName(ctx: AddonContext): string {
    return ctx.namePrefix;
  }

  public values(ctx: AddonContext): RunnerScaleSetValues {
    return {
      githubConfigUrl: githubOrgUrl(this.props.githubRepository),
      githubConfigSecret: ARC_GITHUB_SECRET,
      runnerScaleSetName: this.scaleSetName(ctx),
      minRunners: this.props.minRunners,
      maxRunners: this.props.maxRunners,
      controllerServiceAccount: { namespace: ARC_CONTROLLER_NAMESPACE, name: ARC_CONTROLLER_SERVICE_ACCOUNT },
      // Jobs' `container:` and service containers run as separate pods through the
      // Kubernetes API (runner container hooks) instead of a privileged Docker daemon:
      // DinD needs `privileged: true`, i.e. root on the node for any workflow author.
      containerMode: {
        type: "kubernetes",
        kubernetesModeWorkVolumeClaim: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: GP3_STORAGE_CLASS,
          resources: { requests: { storage: this.props.workVolumeSize ?? "20Gi" } },
        },
      },
      template: { spec: { nodeSelector: RUNNER_PLACEMENT.nodeSelector, tolerations: RUNNER_PLACEMENT.tolerations } },
      // The listener (one small pod in arc-systems) long-polls GitHub: on the stable system nodes.
      listenerTemplate: { spec: { ...ctx.placement, containers: [{ name: "listener" }] } },
    };
  }

  /** The scale set's name: the chart names its resources after the release. */
  public releaseName(ctx: AddonContext): string {
    return this.scaleSetName(ctx);
  }

  /** The GitHub App Secret and the namespace's network policies, in place before any runner starts. */
  protected beforeRelease(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const ns = this.namespace;
    const credentials = new DataAwsSecretsmanagerSecretVersion(scope, "github-app-credentials", {
      secretId: `${this.props.githubAppSecretPrefix ?? ctx.namePrefix}/${this.props.githubAppSecretPath ?? DEFAULT_GITHUB_APP_SECRET_PATH}`,
    });
    const json = Fn.jsondecode(credentials.secretString);
    // The keys the chart reads for GitHub App authentication.
    const secret = new SecretV1(scope, "github-app-secret", {
      metadata: { name: ARC_GITHUB_SECRET, namespace: ns, labels: { "app.kubernetes.io/managed-by": "terraform" } },
      type: "Opaque",
      data: {
        github_app_id: Fn.lookup(json, "app_id"),
        github_app_installation_id: Fn.lookup(json, "installation_id"),
        github_app_private_key: Fn.lookup(json, "private_key_pem"),
      },
      dependsOn: [...after],
    });

    const metadata = (name: string) => ({ name, namespace: ns, labels: { "app.kubernetes.io/managed-by": "terraform" } });
    const defaultDeny = new NetworkPolicyV1(scope, "default-deny", {
      metadata: metadata("default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      dependsOn: [...after],
    });
    // Egress: cluster DNS, and TCP 443 anywhere: GitHub, registries, and the Kubernetes
    // API (the EKS endpoint and the `kubernetes` Service both listen on 443).
    // Nothing else: no IMDS (80), no databases, no other namespace's app ports.
    const egress = new NetworkPolicyV1(scope, "allow-egress", {
      metadata: metadata("allow-dns-and-https-egress"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { [LABELS.namespaceName]: CLUSTER_DNS.namespace } },
                podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
              },
            ],
            ports: [
              { port: String(CLUSTER_DNS.port), protocol: "UDP" },
              { port: String(CLUSTER_DNS.port), protocol: "TCP" },
            ],
          },
          { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: "443", protocol: "TCP" }] },
        ],
      },
      dependsOn: [...after],
    });

    return [secret, defaultDeny, egress];
  }
}
