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
import { HelmAddon, HelmAddonRole } from "../helm-addon";
import type { PolicyStatement } from "../../iam";
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
  /** The service's public traffic, weighted at its ALB as well. @default none: the service is not behind a load balancer */
  readonly alb?: AlbTrafficRouting;
}

/**
 * Request-weighted canary at an ALB (Argo Rollouts' AWS Load Balancer Controller
 * integration, `trafficRouting.alb`): the controller writes the Ingress annotation
 * `alb.ingress.kubernetes.io/actions.<rootService>` (a forward action to the stable and
 * canary Services' target groups with the step's weights) and records it in
 * `rollouts.argoproj.io/managed-alb-annotations` (`ALB_CONTROLLER_ANNOTATIONS`). The
 * Ingress's backend must name `rootService` on port `use-annotation`.
 * Source: argoproj/argo-rollouts v1.10.0 rollout/trafficrouting/alb/alb.go, utils/ingress/ingress.go.
 */
export interface AlbTrafficRouting {
  /** The Ingress (in the Rollout's namespace) whose action the controller writes. */
  readonly ingress: string;
  /** The Service the Ingress's backend names; the action annotation is named after it. Neither the stable nor the canary Service. */
  readonly rootService: string;
  /** Port of the stable and canary Services the target groups send to. */
  readonly servicePort: number;
  /**
   * Target group stickiness (seconds, 1-604800, the ALB's range) across the stable and
   * canary target groups: a client stays on the version it first reached.
   * @default none: every request is weighted on its own
   */
  readonly stickinessSeconds?: number;
}

/** Prefix of the Ingress annotations the AWS Load Balancer Controller reads. */
const ALB_ANNOTATION_PREFIX = "alb.ingress.kubernetes.io";

/**
 * The Ingress annotations the Rollouts controller writes for an ALB canary (and nothing
 * else may): the weighted forward action and its bookkeeping annotation.
 * Source: argoproj/argo-rollouts v1.10.0 utils/ingress/ingress.go (`ALBActionAnnotationKey`, `ManagedAnnotations`).
 */
export function albControllerAnnotations(rootService: string): readonly string[] {
  return [`${ALB_ANNOTATION_PREFIX}/actions.${rootService}`, "rollouts.argoproj.io/managed-alb-annotations"];
}

/**
 * The forward action the Rollouts controller writes for `canaryWeight` % (the value of
 * `alb.ingress.kubernetes.io/actions.<rootService>`), byte for byte: the canary's target
 * group first, then the stable one, ports as strings, stickiness only when set.
 * Source: argoproj/argo-rollouts v1.10.0 rollout/trafficrouting/alb/alb.go `getForwardActionString`.
 */
export function albForwardAction(routing: Pick<CanaryTrafficRouting, "stableService" | "canaryService">, alb: AlbTrafficRouting, canaryWeight = 0): string {
  const port = String(alb.servicePort);
  return JSON.stringify({
    Type: "forward",
    ForwardConfig: {
      TargetGroups: [
        { ServiceName: routing.canaryService, ServicePort: port, Weight: canaryWeight },
        { ServiceName: routing.stableService, ServicePort: port, Weight: 100 - canaryWeight },
      ],
      ...(alb.stickinessSeconds !== undefined ? { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: alb.stickinessSeconds } } : {}),
    },
  });
}

/** Port name that makes the AWS Load Balancer Controller take the backend from the `actions.<service>` annotation. */
export const ALB_USE_ANNOTATION_PORT = "use-annotation";

/** `trafficRouting.alb` of the Rollout CRD (the fields we set). */
interface AlbTrafficRoutingSpec {
  readonly ingress: string;
  readonly rootService: string;
  readonly servicePort: number;
  readonly stickinessConfig?: { readonly enabled: boolean; readonly durationSeconds: number };
}

/** The public canary's ALB settings when an environment gives none: verified weights and targets, no stickiness. */
export const DEFAULT_PUBLIC_CANARY = { verifyTargetGroups: true } as const;

/** ALB target group stickiness bounds (seconds): 1 s to 7 days (elbv2 TargetGroupStickinessConfig). */
export const ALB_STICKINESS_SECONDS = { min: 1, max: 604800 } as const;

/** `spec.strategy.canary` of a Rollout (the fields we set). */
export interface CanaryStrategy {
  readonly canary: {
    readonly stableService?: string;
    readonly canaryService?: string;
    readonly trafficRouting?: {
      readonly alb?: AlbTrafficRoutingSpec;
      readonly plugins: { readonly [GATEWAY_API_PLUGIN]: { readonly httpRoutes: readonly { readonly name: string }[]; readonly namespace: string } };
    };
    /** Pods above the desired count; a number (a string is read as a percentage, "25%"). */
    readonly maxSurge: number;
    readonly maxUnavailable: number;
    readonly steps: readonly CanaryStep[];
    /**
     * Background analysis: runs from `startingStep` until the rollout completes; a failure
     * aborts it. Absent when the steps end before `startingStep` (a single `setWeight: 100`):
     * there is no canary phase to measure.
     */
    readonly analysis?: {
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

/** Step index the background analysis starts at: the first step after the first weight. */
const ANALYSIS_STARTING_STEP = 1;

/**
 * The default canary strategy of a service: seed 003's steps with the health analysis
 * running in the background from the first step (10 % traffic) on, measuring the new
 * version's pods only. One extra pod at most (the namespace quota leaves room for one
 * per service), none unavailable. Steps that are a single `setWeight: 100` (a standby
 * without user traffic, whose analysis would find no requests and stay inconclusive) get
 * no analysis: the new version replaces the old one at once.
 */
export function defaultCanaryStrategy(target: CanaryTarget): CanaryStrategy {
  const routing = target.trafficRouting;
  const steps = target.steps ?? DEFAULT_CANARY_STEPS;
  return {
    canary: {
      ...(routing
        ? {
            stableService: routing.stableService,
            canaryService: routing.canaryService,
            trafficRouting: {
              ...(routing.alb ? { alb: albSpec(routing.alb) } : {}),
              plugins: { [GATEWAY_API_PLUGIN]: { httpRoutes: routing.httpRoutes.map((name) => ({ name })), namespace: target.namespace } },
            },
          }
        : {}),
      maxSurge: 1,
      maxUnavailable: 0,
      steps,
      ...(steps.length > ANALYSIS_STARTING_STEP
        ? {
            analysis: {
              templates: [{ templateName: ANALYSIS_TEMPLATE, clusterScope: true }],
              startingStep: ANALYSIS_STARTING_STEP,
              args: [
                { name: "service", value: target.service },
                { name: "namespace", value: target.namespace },
                { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } },
              ],
            },
          }
        : {}),
    },
  };
}

function albSpec(a: AlbTrafficRouting): AlbTrafficRoutingSpec {
  return {
    ingress: a.ingress,
    rootService: a.rootService,
    servicePort: a.servicePort,
    ...(a.stickinessSeconds !== undefined ? { stickinessConfig: { enabled: true, durationSeconds: a.stickinessSeconds } } : {}),
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
    /** Plugins the controller downloads at startup (`argo-rollouts-config` ConfigMap, `trafficRouterPlugins`); with `sha256`, it refuses a binary of another checksum. */
    readonly trafficRouterPlugins: readonly { readonly name: string; readonly location: string; readonly sha256?: string }[];
    /** Extra controller flags. */
    readonly extraArgs?: readonly string[];
    /** Extra controller environment variables. */
    readonly extraEnv?: readonly { readonly name: string; readonly value: string }[];
  };
  /** The controller's service account (the Pod Identity association names it). */
  readonly serviceAccount?: { readonly create: boolean; readonly name: string };
  /** Extra ClusterRole rules per traffic provider: the Gateway API's (HTTPRoutes), and the AWS Load Balancer Controller's (Endpoints, TargetGroupBindings) with target group verification. */
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
  /**
   * Verify ALB canaries against AWS (`--aws-verify-target-group`): a step is done only once
   * the ALB's target group weights are the step's, and at promotion the old pods are
   * scaled down only once the new ones are registered in the stable target group. Gives
   * the controller a Pod Identity role that may read load balancers (`ALB_VERIFICATION_ACTIONS`).
   * @default false
   */
  readonly verifyAlbTargetGroups?: boolean;
}

/** Service account of the Rollouts controller (the chart's fullname for release `argo-rollouts`). */
export const ARGO_ROLLOUTS_SERVICE_ACCOUNT = "argo-rollouts";

/**
 * The ELBv2 reads of target group verification: the load balancer by its DNS name, its
 * listeners, rules, target groups with their tags, and target health.
 * Source: argoproj/argo-rollouts v1.10.0 utils/aws/aws.go (the ELBV2 calls of `ClientAdapter`).
 */
export const ALB_VERIFICATION_ACTIONS = [
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTags",
  "elasticloadbalancing:DescribeTargetHealth",
] as const;

/** Least privilege of the verification: the reads above, which take no resource-level permissions, in the environment's region only. */
export function albVerificationStatements(ctx: AddonContext): PolicyStatement[] {
  return [
    {
      sid: "ReadLoadBalancersForCanaryVerification",
      actions: [...ALB_VERIFICATION_ACTIONS],
      // ELBv2's Describe* actions support no resource-level permissions.
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: [ctx.aws.region] }],
    },
  ];
}

/** The Argo Rollouts controller (CRDs included) and the shared ClusterAnalysisTemplate. */
export class ArgoRolloutsAddon extends HelmAddon<ArgoRolloutsValues> {
  public readonly name = ARGO_ROLLOUTS_ADDON;
  public readonly namespace = ARGO_ROLLOUTS_NAMESPACE;
  public readonly chart = CHARTS.argoRollouts;

  public override readonly role: HelmAddonRole | undefined;

  constructor(private readonly props: ArgoRolloutsProps = {}) {
    super();
    this.role = !props.verifyAlbTargetGroups
      ? undefined
      : {
          serviceAccount: ARGO_ROLLOUTS_SERVICE_ACCOUNT,
          description: (ctx) => `Argo Rollouts of ${ctx.clusterName}: reads load balancers to verify ALB canary weights and targets`,
          statements: albVerificationStatements,
        };
  }

  public values(ctx: AddonContext): ArgoRolloutsValues {
    const verify = this.props.verifyAlbTargetGroups ?? false;
    const architecture = this.props.architecture ?? "arm64";
    const sha256: string | undefined = ROLLOUTS_GATEWAY_API_PLUGIN.sha256[architecture];
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
        trafficRouterPlugins: [
          { name: ROLLOUTS_GATEWAY_API_PLUGIN.name, location: ROLLOUTS_GATEWAY_API_PLUGIN.locations[architecture], ...(sha256 ? { sha256 } : {}) },
        ],
        // The AWS SDK's region chain ends at instance metadata, which pods cannot reach (hop limit 1).
        ...(verify ? { extraArgs: ["--aws-verify-target-group"], extraEnv: [{ name: "AWS_REGION", value: ctx.aws.region }] } : {}),
      },
      ...(verify ? { serviceAccount: { create: true, name: ARGO_ROLLOUTS_SERVICE_ACCOUNT } } : {}),
      // The plugin edits HTTPRoutes with the controller's account; verification reads TargetGroupBindings and Endpoints.
      providerRBAC: {
        enabled: true,
        providers: Object.fromEntries(RBAC_PROVIDERS.map((p) => [p, p === "gatewayAPI" || (verify && p === "awsLoadBalancerController")])),
      },
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
