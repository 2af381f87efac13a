/**
 * prometheus-adapter: serves `custom.metrics.k8s.io` from the Prometheus of
 * kube-prometheus-stack, so the services' HPAs (modules/workloads/autoscaler.ts) can
 * scale on the inbound request rate each pod's Linkerd proxy measures (seed 003's
 * `request_rate` trigger).
 *
 * Why the adapter and not KEDA: KEDA's ScaledObject creates and owns the HPA it scales
 * with (`keda-hpa-<name>`), so Terraform would have to give up the HPA, its bounds and
 * its `behavior`, or fight KEDA over them. The adapter only answers the HPA's metric
 * queries; the HPA stays one Terraform resource with the environment's values. Its cost
 * is a second aggregated API server next to metrics-server (which keeps
 * `metrics.k8s.io`: no resource rules here). SIG Instrumentation means to deprecate the
 * adapter in favour of KEDA (kubernetes-sigs/prometheus-adapter#701, #703, open in
 * 2026-11); the README says what moving to KEDA takes.
 */
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { CERTIFICATE, ChartAdmission, ISSUER, POD, SERVICE, valueAt } from "../admission";
import { HelmAddon } from "../helm-addon";
import {
  AddonContext,
  Placement,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
  Resources,
  Toleration,
  controllerReplicas,
} from "../types";
import { PROMETHEUS_SERVICE } from "./kube-prometheus-stack";
import { LINKERD_PROXY_METRICS, MESH_TARGET_LABELS } from "./mesh-metrics";

/** Add-on name (construct id and Helm release name; the chart names its objects after it). */
export const PROMETHEUS_ADAPTER_ADDON = "prometheus-adapter";

/** Pods metric the HPAs read: inbound requests per second of one pod, from its Linkerd proxy. */
export const REQUEST_RATE_METRIC = "linkerd_inbound_requests_per_second";

/**
 * Window of the rate: four scrape intervals (15 s, `SCRAPE_INTERVAL`), the smallest window
 * Grafana's `$__rate_interval` would use; a missed scrape still leaves samples enough for
 * a rate. The HPA's stabilization windows smooth further.
 */
export const REQUEST_RATE_WINDOW = "1m";

/** One rule of the adapter's configuration (kubernetes-sigs/prometheus-adapter docs/config.md). */
export interface AdapterRule {
  /** Series the rule discovers (a Prometheus series selector). */
  readonly seriesQuery: string;
  /** Which series labels name which Kubernetes resources. */
  readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
  /** The metric name the API serves, from the series name. */
  readonly name: { readonly matches: string; readonly as: string };
  /** PromQL template: `<<.Series>>`, `<<.LabelMatchers>>` (namespace and pods asked for), `<<.GroupBy>>`. */
  readonly metricsQuery: string;
}

/**
 * `REQUEST_RATE_METRIC`: the rate of the proxy's `request_total{direction="inbound"}`
 * (what the pod served; outbound counts its own calls) per pod, found by the `namespace`
 * and `pod` labels the `linkerd-proxy` scrape job sets. `direction` goes into the query
 * as well: the label matchers the adapter adds are only the namespace and pods.
 */
export function requestRateRule(): AdapterRule {
  const inbound = `direction="inbound"`;
  const l = MESH_TARGET_LABELS;
  return {
    seriesQuery: `${LINKERD_PROXY_METRICS.requests}{${inbound},${l.namespace}!="",${l.pod}!=""}`,
    resources: { overrides: { [l.namespace]: { resource: "namespace" }, [l.pod]: { resource: "pod" } } },
    name: { matches: `^${LINKERD_PROXY_METRICS.requests}$`, as: REQUEST_RATE_METRIC },
    metricsQuery: `sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,${inbound}}[${REQUEST_RATE_WINDOW}]))`,
  };
}

/** Chart values we set (subset of prometheus-adapter's values.yaml). */
export interface PrometheusAdapterValues {
  readonly replicas: number;
  /** `--prometheus-url` is `<url>:<port><path>`. */
  readonly prometheus: { readonly url: string; readonly port: number; readonly path: string };
  /**
   * Only our rule: the chart's default rules would publish every container and counter
   * series, and resource rules would register `metrics.k8s.io`, which metrics-server serves.
   */
  readonly rules: { readonly default: false; readonly custom: readonly AdapterRule[] };
  /** Serving certificate from cert-manager (a self-signed CA in the release), injected into the APIService: verified TLS from the API server. */
  readonly certManager: { readonly enabled: true };
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly maxUnavailable: number };
  readonly topologySpreadConstraints: readonly object[];
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
  readonly podSecurityContext: typeof RESTRICTED_POD_SECURITY_CONTEXT;
  readonly securityContext: typeof RESTRICTED_CONTAINER_SECURITY_CONTEXT;
}

/**
 * No webhook (templates/: Deployment, Service, APIService, RBAC, ConfigMap, PDB); with
 * `certManager.enabled`, templates/certmanager.yaml adds two Issuers and two Certificates,
 * which cert-manager's webhook validates.
 */
export const PROMETHEUS_ADAPTER_ADMISSION: ChartAdmission = {
  source: "prometheus-adapter chart templates/ (deployment.yaml, service.yaml, custom-metrics-apiservice.yaml, certmanager.yaml): no webhook configuration",
  webhooks: () => [],
  objects: (values, namespace) =>
    [SERVICE, POD, ...(valueAt(values, "certManager.enabled") === true ? [CERTIFICATE, ISSUER] : [])].map((k) => ({ ...k, namespace })),
};

/**
 * The adapter in the monitoring namespace, next to the Prometheus it queries. No AWS
 * access. The chart's RBAC (`rbac.create`, its default): read namespaces, pods, services
 * and configmaps (to map series to objects), `system:auth-delegator` and the
 * `extension-apiserver-authentication-reader` Role in kube-system (to authenticate the
 * API server's calls). The HPA controller may already read `custom.metrics.k8s.io`
 * (Kubernetes' bootstrap role `system:controller:horizontal-pod-autoscaler`).
 */
export class PrometheusAdapterAddon extends HelmAddon<PrometheusAdapterValues> {
  public readonly name = PROMETHEUS_ADAPTER_ADDON;
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.prometheusAdapter;
  /** Prometheus to query; cert-manager to issue its serving certificate. */
  public readonly dependsOn = ["kube-prometheus-stack", "cert-manager"];

  public values(ctx: AddonContext): PrometheusAdapterValues {
    const ha = ctx.highAvailability;
    return {
      // Two replicas with HA: an aggregated API that does not answer stalls namespace
      // deletion and API discovery, not only the request-rate metric.
      replicas: controllerReplicas(ctx),
      prometheus: { url: PROMETHEUS_SERVICE.url, port: PROMETHEUS_SERVICE.port, path: "" },
      rules: { default: false, custom: [requestRateRule()] },
      certManager: { enabled: true },
      // maxUnavailable, not the shared minAvailable budget: the chart's default
      // maxUnavailable (1) would render next to it, and a PDB may not set both.
      podDisruptionBudget: { enabled: ha, maxUnavailable: 1 },
      topologySpreadConstraints: ha
        ? [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "DoNotSchedule",
              labelSelector: { matchLabels: { "app.kubernetes.io/name": PROMETHEUS_ADAPTER_ADDON } },
            },
          ]
        : [],
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      podSecurityContext: RESTRICTED_POD_SECURITY_CONTEXT,
      securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
    };
  }
}
