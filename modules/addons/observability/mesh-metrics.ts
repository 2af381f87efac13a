/**
 * The Linkerd proxies' metrics in Prometheus: the scrape job for their admin port and the
 * golden metrics per service (success rate, requests per second, latency percentiles)
 * built from them. Every meshed pod gets them from its proxy, whether or not the service
 * exports metrics of its own; prometheus-adapter reads the same series for the HPAs.
 *
 * Metric names and labels: linkerd.io/2-edge/reference/proxy-metrics ("Protocol-Level
 * Metrics"), current for the pinned edge release (`CHARTS.linkerdControlPlane`,
 * edge-26.8.4). The seed's `kubernetes-pods` job does not reach them: it rewrites every
 * target of a pod to the application's `prometheus.io/port`, never the proxy's 4191.
 */
import { MESH } from "../../../variables/platform";
import { SERVICE_LABEL } from "./rules";

/** Protocol-level metrics of the proxy (HTTP and gRPC), each labelled `direction` (inbound/outbound). */
export const LINKERD_PROXY_METRICS = {
  /** Counter of requests, counted when the request stream begins. */
  requests: "request_total",
  /** Counter of responses, counted when the response stream ends; `classification` is `success` or `failure` (5xx, gRPC errors). */
  responses: "response_total",
  /** Histogram of time to the response's first byte, in milliseconds (series `<name>_bucket`, `le` in ms). */
  latencyMs: "response_latency_ms",
} as const;

/** The proxy container and its admin port's name, as the injector writes them into every meshed pod. */
export const LINKERD_PROXY_CONTAINER = { name: "linkerd-proxy", adminPortName: "linkerd-admin" } as const;

/** Target labels the `linkerd-proxy` job sets: the pod's namespace and name (the adapter maps them to resources), and the service. */
export const MESH_TARGET_LABELS = {
  namespace: "namespace",
  pod: "pod",
  /** The pod label `authorworks.io/service`, under the name the `kubernetes-pods` job gives it, so dashboards group both alike. */
  service: SERVICE_LABEL,
} as const;

/**
 * Scrape job of the proxies (Linkerd's "Bringing your own Prometheus" `linkerd-proxy`
 * job, reduced to the labels used here): one target per meshed pod, its proxy's admin
 * port (`MESH.proxyAdminPort`, path /metrics). The application namespaces admit the
 * monitoring namespace on that port (modules/tenancy `allow-monitoring-scrape`).
 */
export const LINKERD_PROXY_SCRAPE_JOB = {
  job_name: "linkerd-proxy",
  kubernetes_sd_configs: [{ role: "pod" }],
  relabel_configs: [
    {
      source_labels: [
        "__meta_kubernetes_pod_container_name",
        "__meta_kubernetes_pod_container_port_name",
        "__meta_kubernetes_pod_label_linkerd_io_control_plane_ns",
      ],
      action: "keep",
      regex: `^${LINKERD_PROXY_CONTAINER.name};${LINKERD_PROXY_CONTAINER.adminPortName};${MESH.namespace}$`,
    },
    { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: MESH_TARGET_LABELS.namespace },
    { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: MESH_TARGET_LABELS.pod },
    { source_labels: [`__meta_kubernetes_pod_label_${MESH_TARGET_LABELS.service}`], action: "replace", target_label: MESH_TARGET_LABELS.service },
  ],
} as const;

/** Inbound traffic of the catalogue's services: what each pod served, not what it called. */
const INBOUND = `direction="inbound",${MESH_TARGET_LABELS.service}!=""`;
const svc = MESH_TARGET_LABELS.service;
const rate = (metric: string, extra = "") => `rate(${metric}{${INBOUND}${extra}}[$__rate_interval])`;

/** The golden-metric quantiles the dashboard shows. */
export const LATENCY_QUANTILES = [0.5, 0.95, 0.99] as const;

/** PromQL of the golden metrics per service (Grafana's `$__rate_interval`). */
export const GOLDEN_METRICS = {
  /** Share of responses classified `success` (0-1). */
  successRate: `sum by (${svc}) (${rate(LINKERD_PROXY_METRICS.responses, `,classification="success"`)}) / sum by (${svc}) (${rate(LINKERD_PROXY_METRICS.responses)})`,
  /** Requests per second. */
  requestsPerSecond: `sum by (${svc}) (${rate(LINKERD_PROXY_METRICS.requests)})`,
  /** Latency at quantile `q` (0-1), in milliseconds. */
  latencyMs: (q: number) => `histogram_quantile(${q}, sum by (le, ${svc}) (${rate(`${LINKERD_PROXY_METRICS.latencyMs}_bucket`)}))`,
} as const;
