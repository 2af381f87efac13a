/**
 * Argo Rollouts: canary delivery with automated rollback (seed 004 section 7 "Canary
 * Deployment", seed 003 "Deployment Strategy" and "Automatic Rollback Triggers").
 * The controller, plus one ClusterAnalysisTemplate every service's Rollout references;
 * the strategy itself is a typed object (`defaultCanaryStrategy`) that modules/workloads
 * puts on each service's Rollout.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { CHARTS, ROLLOUTS_GATEWAY_API_PLUGIN } from "../../../variables/charts";
import type { CpuArchitecture } from "../../../variables/aws-catalog";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "../admission";
import { LABELS, prometheusLabel } from "../../../variables/platform";
import { HelmAddon } from "../helm-addon";
import { AddonContext, Placement, Resources, Toleration, controllerDisruptionBudget, controllerReplicas, rawRelease } from "../types";

export const ARGO_ROLLOUTS_NAMESPACE = "argo-rollouts";
/** Add-on name (`PlatformAddon.name`): what add-ons that need the Rollout CRD name in `dependsOn`. */
export const ARGO_ROLLOUTS_ADDON = "argo-rollouts";

/**
 * No admission webhook: the argo-rollouts chart's templates (controller/, dashboard/,
 * crds/) hold none. The controller's Deployment and its metrics Service.
 */
export const ARGO_ROLLOUTS_ADMISSION: ChartAdmission = noWebhooks("argo-rollouts chart templates/controller/, dashboard/, crds/: no webhook configuration", [
  SERVICE,
  POD,
]);

/** Prometheus of kube-prometheus-stack (namespace `monitoring`), which the analysis queries. */
export const PROMETHEUS_URL = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";

/** Seed 003 automatic rollback triggers. */
export const ROLLBACK_THRESHOLDS = {
  /** Error rate (5xx / all) above which a canary is aborted: 5 %. */
  maxErrorRate: 0.05,
  /** p99 response time above which a canary is aborted: 1000 ms. */
  maxP99Ms: 1000,
} as const;

/** Label Argo Rollouts puts on every pod of a Rollout's ReplicaSets. */
export const ROLLOUTS_POD_TEMPLATE_HASH = "rollouts-pod-template-hash";

/** Name of the ClusterAnalysisTemplate every Rollout references. */
export const ANALYSIS_TEMPLATE = "authorworks-canary-health";

/** One canary step (subset of the Rollout CRD: weight or pause). */
export type CanaryStep = { readonly setWeight: number } | { readonly pause: { readonly duration?: string } };

/** An analysis argument: a value, or the pod template hash of the new (`Latest`) or `Stable` ReplicaSet. */
export type AnalysisArg =
  { readonly name: string; readonly value: string } | { readonly name: string; readonly valueFrom: { readonly podTemplateHashValue: "Latest" | "Stable" } };

/** Name the Gateway API traffic router plugin is registered under (`trafficRouting.plugins` key). */
export const GATEWAY_API_PLUGIN = ROLLOUTS_GATEWAY_API_PLUGIN.name;

/**
 * Request-weighted canary through the Gateway API plugin: the controller points
 * `stableService` and `canaryService` at the stable and new pods (it adds
 * `rollouts-pod-template-hash` to their selectors) and sets the weights of their
 * backendRefs in `httpRoutes`, which Linkerd's client proxies apply per request.
 */
export interface CanaryTrafficRouting {
  readonly stableService: string;
  readonly canaryService: string;
  /** HTTPRoutes (in the Rollout's namespace) whose backendRefs carry the two Services. */
  readonly httpRoutes: readonly string[];
}

/** `spec.strategy.canary` of a Rollout (the fields we set). */
export interface CanaryStrategy {
  readonly canary: {
    readonly stableService?: string;
    readonly canaryService?: string;
    readonly trafficRouting?: {
      readonly plugins: { readonly [GATEWAY_API_PLUGIN]: { readonly httpRoutes: readonly { readonly name: string }[]; readonly namespace: string } };
    };
    /** Pods above the desired count; a number (a string is read as a percentage, "25%"). */
    readonly maxSurge: number;
    readonly maxUnavailable: number;
    readonly steps: readonly CanaryStep[];
    /** Background analysis: runs from `startingStep` until the rollout completes; a failure aborts it. */
    readonly analysis: {
      readonly templates: readonly { readonly templateName: string; readonly clusterScope: boolean }[];
      readonly startingStep: number;
      readonly args: readonly AnalysisArg[];
    };
  };
}

/** Seed 003: switch 10 %, monitor 10 min, switch 50 %, monitor 30 min, switch 100 %. */
export const DEFAULT_CANARY_STEPS: readonly CanaryStep[] = [
  { setWeight: 10 },
  { pause: { duration: "10m" } },
  { setWeight: 50 },
  { pause: { duration: "30m" } },
  { setWeight: 100 },
];

export interface CanaryTarget {
  /** Catalogue name of the service (variables/services.ts): its pods' `authorworks.io/service` label. */
  readonly service: string;
  /** Namespace the service runs in. */
  readonly namespace: string;
  /** Weights as requests, through the routes. @default none: weights are replica ratios */
  readonly trafficRouting?: CanaryTrafficRouting;
  /** Steps (`checkCanarySteps` rules: weights increase and end at 100). @default DEFAULT_CANARY_STEPS */
  readonly steps?: readonly CanaryStep[];
}

/** What is wrong with a list of canary steps (weights 1-100, strictly increasing, the last 100), as `field: problem; accepted` lines. */
export function canaryStepProblems(steps: readonly CanaryStep[]): { field: string; got: unknown; accepted: string }[] {
  const problems: { field: string; got: unknown; accepted: string }[] = [];
  let last = 0;
  steps.forEach((step, i) => {
    if (!("setWeight" in step)) return;
    const w = step.setWeight;
    if (!Number.isInteger(w) || w < 1 || w > 100) problems.push({ field: `[${i}].setWeight`, got: w, accepted: "a whole percentage from 1 to 100" });
    else if (w <= last) problems.push({ field: `[${i}].setWeight`, got: w, accepted: `a weight above the previous step's ${last} (weights increase)` });
    else last = w;
  });
  const weights = steps.filter((s): s is { setWeight: number } => "setWeight" in s);
  if (weights.length === 0 || weights[weights.length - 1].setWeight !== 100) {
    problems.push({
      field: "",
      got: weights.map((s) => s.setWeight),
      accepted: "weights that end at 100 (the last setWeight step sends every request to the new version)",
    });
  }
  return problems;
}

/**
 * The default canary strategy of a service: seed 003's steps with the health analysis
 * running in the background from the first step (10 % traffic) on, measuring the new
 * version's pods only. One extra pod at most (the namespace quota leaves room for one
 * per service), none unavailable.
 */
export function defaultCanaryStrategy(target: CanaryTarget): CanaryStrategy {
  const routing = target.trafficRouting;
  return {
    canary: {
      ...(routing
        ? {
            stableService: routing.stableService,
            canaryService: routing.canaryService,
            trafficRouting: { plugins: { [GATEWAY_API_PLUGIN]: { httpRoutes: routing.httpRoutes.map((name) => ({ name })), namespace: target.namespace } } },
          }
        : {}),
      maxSurge: 1,
      maxUnavailable: 0,
      steps: target.steps ?? DEFAULT_CANARY_STEPS,
      analysis: {
        templates: [{ templateName: ANALYSIS_TEMPLATE, clusterScope: true }],
        startingStep: 1,
        args: [
          { name: "service", value: target.service },
          { name: "namespace", value: target.namespace },
          { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } },
        ],
      },
    },
  };
}

/**
 * Selector of the canary's requests in PromQL. The seed's scrape job maps every pod label
 * to a metric label (`authorworks.io/service` -> `authorworks_io_service`, Argo Rollouts'
 * `rollouts-pod-template-hash` -> `rollouts_pod_template_hash`) and the namespace to
 * `kubernetes_namespace`: the hash selects the new version's pods, not the whole service.
 */
export const CANARY_SELECTOR =
  `kubernetes_namespace="{{args.namespace}}", ${prometheusLabel(LABELS.service)}="{{args.service}}", ` +
  `${prometheusLabel(ROLLOUTS_POD_TEMPLATE_HASH)}="{{args.canary-hash}}"`;

/**
 * Conditions on the query's first value. A canary without requests yet returns no series
 * (`result` empty: indexing it would be a measurement error, and 4 errors abort the
 * rollout) or NaN (0/0): both match neither condition, i.e. inconclusive.
 */
const within = (limit: number) => `len(result) > 0 && result[0] <= ${limit}`;
const beyond = (limit: number) => `len(result) > 0 && result[0] > ${limit}`;

/**
 * ClusterAnalysisTemplate measuring error rate and p99 latency every minute from
 * Prometheus. Two failed measurements (`failureLimit: 1` tolerates one blip) abort
 * the rollout and shift traffic back to the stable version. No traffic gives NaN,
 * which is neither success nor failure (inconclusive): the rollout pauses for a human.
 */
export function canaryAnalysisTemplate(prometheusUrl: string = PROMETHEUS_URL): object {
  const p99Seconds = ROLLBACK_THRESHOLDS.maxP99Ms / 1000;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ClusterAnalysisTemplate",
    metadata: { name: ANALYSIS_TEMPLATE },
    spec: {
      args: [{ name: "service" }, { name: "namespace" }, { name: "canary-hash" }],
      metrics: [
        {
          name: "error-rate",
          interval: "1m",
          failureLimit: 1,
          successCondition: within(ROLLBACK_THRESHOLDS.maxErrorRate),
          failureCondition: beyond(ROLLBACK_THRESHOLDS.maxErrorRate),
          provider: {
            prometheus: {
              address: prometheusUrl,
              query: `sum(rate(http_requests_total{${CANARY_SELECTOR}, status=~"5.."}[5m])) / sum(rate(http_requests_total{${CANARY_SELECTOR}}[5m]))`,
            },
          },
        },
        {
          name: "p99-latency",
          interval: "1m",
          failureLimit: 1,
          // Seconds, as Prometheus histograms are: 1000 ms = 1 s.
          successCondition: within(p99Seconds),
          failureCondition: beyond(p99Seconds),
          provider: {
            prometheus: {
              address: prometheusUrl,
              query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${CANARY_SELECTOR}}[5m])))`,
            },
          },
        },
      ],
    },
  };
}

/** Chart values we set (subset of argo-rollouts' values.yaml). */
export interface ArgoRolloutsValues {
  readonly installCRDs: boolean;
  readonly keepCRDs: boolean;
  readonly controller: {
    readonly replicas: number;
    readonly nodeSelector: Placement["nodeSelector"];
    readonly tolerations: readonly Toleration[];
    readonly resources: Resources;
    readonly pdb: { readonly enabled: boolean; readonly minAvailable?: number };
    readonly metrics: { readonly enabled: boolean };
    /** Plugins the controller downloads at startup (`argo-rollouts-config` ConfigMap, `trafficRouterPlugins`). */
    readonly trafficRouterPlugins: readonly { readonly name: string; readonly location: string }[];
  };
  /** Extra ClusterRole rules per traffic provider; only the Gateway API's (HTTPRoutes) is granted. */
  readonly providerRBAC: { readonly enabled: boolean; readonly providers: Readonly<Record<string, boolean>> };
  readonly dashboard: { readonly enabled: boolean };
}

/** Traffic providers of the chart's `providerRBAC.providers` (templates/controller/clusterrole.yaml). */
const RBAC_PROVIDERS = ["istio", "smi", "ambassador", "awsLoadBalancerController", "awsAppMesh", "traefik", "apisix", "contour", "glooPlatform", "gatewayAPI"];

export interface ArgoRolloutsProps {
  /** Prometheus the analysis queries. @default PROMETHEUS_URL */
  readonly prometheusUrl?: string;
  /**
   * Architecture of the nodes the controller runs on (the system node group), which
   * selects the plugin binary. @default "arm64" (Graviton system nodes in every environment)
   */
  readonly architecture?: CpuArchitecture;
}

/** The Argo Rollouts controller (CRDs included) and the shared ClusterAnalysisTemplate. */
export class ArgoRolloutsAddon extends HelmAddon<ArgoRolloutsValues> {
  public readonly name = ARGO_ROLLOUTS_ADDON;
  public readonly namespace = ARGO_ROLLOUTS_NAMESPACE;
  public readonly chart = CHARTS.argoRollouts;

  constructor(private readonly props: ArgoRolloutsProps = {}) {
    super();
  }

  public values(ctx: AddonContext): ArgoRolloutsValues {
    return {
      installCRDs: true,
      keepCRDs: true,
      controller: {
        // Leader election: the second replica only takes over.
        replicas: controllerReplicas(ctx),
        nodeSelector: ctx.placement.nodeSelector,
        tolerations: ctx.placement.tolerations,
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        pdb: controllerDisruptionBudget(ctx),
        metrics: { enabled: true },
        trafficRouterPlugins: [{ name: ROLLOUTS_GATEWAY_API_PLUGIN.name, location: ROLLOUTS_GATEWAY_API_PLUGIN.locations[this.props.architecture ?? "arm64"] }],
      },
      // The plugin edits HTTPRoutes with the controller's account; no other provider is used.
      providerRBAC: { enabled: true, providers: Object.fromEntries(RBAC_PROVIDERS.map((p) => [p, p === "gatewayAPI"])) },
      // The dashboard has no authentication of its own; the kubectl plugin does the same job.
      dashboard: { enabled: false },
    };
  }

  protected afterRelease(scope: Construct, _ctx: AddonContext, release: Release): ITerraformDependable[] {
    return [
      rawRelease(scope, "analysis-templates", {
        name: "canary-analysis-templates",
        namespace: this.namespace,
        resources: [canaryAnalysisTemplate(this.props.prometheusUrl)],
        dependsOn: [release],
      }),
    ];
  }
}
