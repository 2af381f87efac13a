/**
 * Delivery add-ons of the `<env>-platform` stack: Argo CD (GitOps), Argo Rollouts
 * (canary with automated rollback) and GitHub Actions self-hosted runners (ARC).
 * The platform stack appends `deliveryAddons(...)` to `standardAddons(...)`.
 */
import { ArgoCdAddon } from "./argo-cd";
import { ArgoRolloutsAddon } from "./argo-rollouts";
import { ArcControllerAddon, RunnerScaleSetAddon } from "./actions-runners";
import type { PlatformAddon } from "../types";
import type { AccessGroups } from "../../../variables/platform";
import type { CpuArchitecture } from "../../../variables/aws-catalog";

export * from "./argo-cd";
export * from "./argo-rollouts";
export * from "./actions-runners";

export interface DeliveryAddonsOptions {
  /** Manifests repository Argo CD syncs (`env.delivery.manifestsRepoUrl`). */
  readonly manifestsRepoUrl: string;
  /** Git revision Argo CD follows (`env.delivery.manifestsRevision`). */
  readonly manifestsRevision: string;
  /** Automated sync with self-heal and prune (`env.delivery.autoSync`). */
  readonly autoSync: boolean;
  /** Argo CD denies Jobs and CronJobs (`ArgoCdProps.denyJobs`). @default false */
  readonly denyJobs?: boolean;
  /** Runner scale set bounds (`env.delivery.runners`). */
  readonly runners: { readonly minRunners: number; readonly maxRunners: number };
  /** `owner/name` (`env.security.githubRepository`): runners register for the owner. */
  readonly githubRepository: string;
  /** Secrets Manager path below `<namePrefix>/` of the runners' GitHub App. @default "github/app-credentials" */
  readonly githubAppSecretPath?: string;
  /** Prefix of that secret (`RunnerScaleSetProps.githubAppSecretPrefix`). @default the environment's `namePrefix` */
  readonly githubAppSecretPrefix?: string;
  /** Kubernetes groups mapped to Argo CD roles. @default ACCESS_GROUPS */
  readonly groups?: AccessGroups;
  /** Prometheus the canary analysis queries. @default PROMETHEUS_URL */
  readonly prometheusUrl?: string;
  /** Architecture of the system nodes (the Rollouts plugin binary). @default "arm64" */
  readonly architecture?: CpuArchitecture;
  /** Argo Rollouts verifies ALB canaries against AWS (`ArgoRolloutsProps.verifyAlbTargetGroups`). @default false */
  readonly verifyAlbTargetGroups?: boolean;
}

/** Argo CD, Argo Rollouts, the runner controller and the environment's runner scale set. */
export function deliveryAddons(o: DeliveryAddonsOptions): PlatformAddon[] {
  return [
    new ArgoCdAddon({
      manifestsRepoUrl: o.manifestsRepoUrl,
      manifestsRevision: o.manifestsRevision,
      autoSync: o.autoSync,
      groups: o.groups,
      denyJobs: o.denyJobs,
    }),
    new ArgoRolloutsAddon({ prometheusUrl: o.prometheusUrl, architecture: o.architecture, verifyAlbTargetGroups: o.verifyAlbTargetGroups }),
    new ArcControllerAddon(),
    new RunnerScaleSetAddon({
      githubRepository: o.githubRepository,
      minRunners: o.runners.minRunners,
      maxRunners: o.runners.maxRunners,
      githubAppSecretPath: o.githubAppSecretPath,
      githubAppSecretPrefix: o.githubAppSecretPrefix,
    }),
  ];
}
