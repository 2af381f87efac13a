/**
 * Stakater Reloader: restarts a workload when a Secret or ConfigMap it names changes, so
 * a rotated secret that External Secrets Operator writes into the cluster reaches the
 * pods. Opt-in per workload (`RELOADER_ANNOTATIONS`), in the application namespaces only.
 */
import { CHARTS } from "../../variables/charts";
import { LABELS, NamespaceTier, SYSTEM_NAMESPACE } from "../../variables/platform";
import { ChartAdmission, POD, SERVICE, valueAt } from "./admission";
import { ARGO_ROLLOUTS_ADDON } from "./delivery/argo-rollouts";
import { HelmAddon } from "./helm-addon";
import {
  AddonContext,
  Placement,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
  Resources,
  Toleration,
  controllerDisruptionBudget,
  controllerReplicas,
} from "./types";

/** Add-on name (construct id and Helm release name). */
export const RELOADER_ADDON = "reloader";

/**
 * Annotation keys of Reloader (its "Annotation Reference" and internal/pkg/options).
 *
 * Reloader reads the containers of the object it restarts. A Rollout with `workloadRef`
 * (modules/workloads: the Deployment is its template) has none of its own, so Reloader
 * restarts nothing for it (stakater/Reloader#751: such a Rollout crashed it until #989,
 * 2025-08, and is skipped since; #1090, restarting such Rollouts, is open). Put
 * `secretReload` on the referenced Deployment instead: Reloader then sets
 * `lastReloadedFrom` on the Deployment's pod template, which Argo Rollouts ships as a new
 * revision through the canary steps. Terraform owns that template: ignore that one
 * annotation there, or every plan reverts the reload.
 */
export const RELOADER_ANNOTATIONS = {
  /** On a workload: comma-separated names (anchored regular expressions) of the Secrets whose change restarts it. */
  secretReload: "secret.reloader.stakater.com/reload",
  /** On a workload: the same for ConfigMaps. */
  configMapReload: "configmap.reloader.stakater.com/reload",
  /** On an Argo Rollout with its own template: `rollout` (default: a new revision) or `restart`. */
  rolloutStrategy: "reloader.stakater.com/rollout-strategy",
  /**
   * `rolloutStrategy` value: Reloader sets the Rollout's `spec.restartAt`, and Argo Rollouts
   * restarts the pods of the current revision (no new revision, no canary, nothing changed
   * in the template GitOps owns).
   */
  restart: "restart",
  /** Written by Reloader on the pod template (strategy `annotations`): the Secret or ConfigMap that caused the last restart. */
  lastReloadedFrom: "reloader.stakater.com/last-reloaded-from",
} as const;

const APPLICATIONS: NamespaceTier = "applications";

/**
 * Namespaces Reloader watches: those the tenancy labels as the applications tier
 * (modules/tenancy sets `authorworks.io/tier` on every namespace it creates), i.e.
 * APPLICATION_NAMESPACES. Reloader's flag takes plain `key=value` selectors.
 */
export const RELOADER_NAMESPACE_SELECTOR = `${LABELS.tier}=${APPLICATIONS}`;

/** No webhook; its Deployment, and a Service only when `reloader.service` is set (we do not). */
export const RELOADER_ADMISSION: ChartAdmission = {
  source:
    "reloader chart templates/ (deployment.yaml, service.yaml under `if .Values.reloader.service`, clusterrole.yaml, poddisruptionbudget.yaml): no webhook configuration",
  webhooks: () => [],
  objects: (values, namespace) => {
    const service = valueAt(values, "reloader.service");
    const hasService = service !== null && typeof service === "object" && Object.keys(service).length > 0;
    return [...(hasService ? [SERVICE] : []), POD].map((k) => ({ ...k, namespace }));
  },
};

/** Chart values we set (subset of reloader's values.yaml). */
export interface ReloaderValues {
  readonly reloader: {
    readonly isArgoRollouts: boolean;
    readonly reloadStrategy: "default" | "env-vars" | "annotations";
    readonly watchGlobally: boolean;
    readonly namespaceSelector: string;
    readonly enableHA: boolean;
    readonly readOnlyRootFileSystem: boolean;
    readonly deployment: {
      readonly replicas: number;
      readonly nodeSelector: Placement["nodeSelector"];
      readonly tolerations: readonly Toleration[];
      readonly resources: Resources;
      readonly securityContext: typeof RESTRICTED_POD_SECURITY_CONTEXT;
      readonly containerSecurityContext: typeof RESTRICTED_CONTAINER_SECURITY_CONTEXT;
    };
    readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  };
}

export interface ReloaderProps {
  /**
   * The cluster runs Argo Rollouts (modules/addons/delivery): Reloader restarts Rollouts
   * too, and installs after the argo-rollouts add-on, because the chart grants the Rollout
   * permissions only when the Rollout API exists at install (templates/clusterrole.yaml).
   */
  readonly argoRollouts: boolean;
}

/**
 * Reloader in the system namespace, watching the application namespaces. Reload strategy
 * `annotations`: a change restarts the workload through one pod-template annotation
 * (`lastReloadedFrom`), whereas `env-vars` (and `default`) add an environment variable to
 * a container, a change in the container spec that Terraform and Argo CD own and revert.
 * One annotation can be ignored where the template is owned; a container's env cannot.
 */
export class ReloaderAddon extends HelmAddon<ReloaderValues> {
  public readonly name = RELOADER_ADDON;
  public readonly namespace = SYSTEM_NAMESPACE;
  public readonly chart = CHARTS.reloader;
  public readonly dependsOn: readonly string[];

  constructor(private readonly props: ReloaderProps) {
    super();
    this.dependsOn = props.argoRollouts ? [ARGO_ROLLOUTS_ADDON] : [];
  }

  public values(ctx: AddonContext): ReloaderValues {
    return {
      reloader: {
        isArgoRollouts: this.props.argoRollouts,
        reloadStrategy: "annotations",
        // Cluster-wide permissions, narrowed by the selector (false would watch its own namespace only).
        watchGlobally: true,
        namespaceSelector: RELOADER_NAMESPACE_SELECTOR,
        // The chart runs `deployment.replicas` only with HA on (leader election).
        enableHA: ctx.highAvailability,
        // Mounts an emptyDir on /tmp and sets readOnlyRootFilesystem.
        readOnlyRootFileSystem: true,
        deployment: {
          replicas: controllerReplicas(ctx),
          nodeSelector: ctx.placement.nodeSelector,
          tolerations: ctx.placement.tolerations,
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
          containerSecurityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
        },
        podDisruptionBudget: controllerDisruptionBudget(ctx),
      },
    };
  }
}
