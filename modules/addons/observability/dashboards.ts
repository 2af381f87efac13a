/**
 * Grafana dashboards as code: the spec's five default dashboards, built here as
 * Grafana dashboard JSON and shipped as ConfigMaps labelled `grafana_dashboard: "1"`,
 * which kube-prometheus-stack's Grafana sidecar loads (and reloads on change).
 * No `${...}` in the JSON: Terraform would read it as an interpolation.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { AddonContext, PlatformAddon } from "../types";
import { GOLDEN_METRICS, LATENCY_QUANTILES } from "./mesh-metrics";
import { SERVICE_LABEL } from "./rules";

/** Label (and value) the Grafana sidecar selects dashboards by. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** UID of the Prometheus data source (kube-prometheus-stack's default). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

export interface DashboardPanel {
  readonly title: string;
  /** PromQL, one per series. */
  readonly queries: readonly string[];
  /** Grafana legend format per query (`{{label}}` expands). @default Grafana's (the series' labels) */
  readonly legends?: readonly string[];
  readonly unit?: string;
  readonly type?: "timeseries" | "stat";
}

export interface DashboardDefinition {
  /** Stable uid (URL and ConfigMap name). */
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
}

const svc = SERVICE_LABEL;
const perService = (expr: string) => `sum by (${svc}) (${expr})`;

/** The spec's default dashboards (seed 004 section 6). */
export const DASHBOARDS: readonly DashboardDefinition[] = [
  {
    uid: "authorworks-service-health",
    title: "AuthorWorks / Service health and performance",
    panels: [
      { title: "Request rate", queries: [perService(`rate(http_requests_total[$__rate_interval])`)], unit: "reqps" },
      {
        title: "Error rate (5xx share)",
        queries: [`${perService(`rate(http_requests_total{status=~"5.."}[$__rate_interval])`)} / ${perService(`rate(http_requests_total[$__rate_interval])`)}`],
        unit: "percentunit",
      },
      {
        title: "p99 latency",
        queries: [`histogram_quantile(0.99, sum by (le, ${svc}) (rate(http_request_duration_seconds_bucket[$__rate_interval])))`],
        unit: "s",
      },
      { title: "Pods up", queries: [perService(`up`)], type: "stat" },
      // The golden metrics as the Linkerd proxies see every request (mesh-metrics.ts).
      { title: "Success rate (Linkerd proxies)", queries: [GOLDEN_METRICS.successRate], unit: "percentunit" },
      { title: "Requests per second (Linkerd proxies)", queries: [GOLDEN_METRICS.requestsPerSecond], unit: "reqps" },
      {
        title: "Latency p50 / p95 / p99 (Linkerd proxies)",
        queries: LATENCY_QUANTILES.map((q) => GOLDEN_METRICS.latencyMs(q)),
        legends: LATENCY_QUANTILES.map((q) => `p${q * 100} {{${svc}}}`),
        unit: "ms",
      },
    ],
  },
  {
    uid: "authorworks-database",
    title: "AuthorWorks / Database performance",
    panels: [
      { title: "Connections in use", queries: [perService(`db_client_connections_usage{state="used"}`)] },
      {
        title: "Query p95 duration",
        queries: [`histogram_quantile(0.95, sum by (le, ${svc}) (rate(db_client_operation_duration_seconds_bucket[$__rate_interval])))`],
        unit: "s",
      },
      { title: "Connection wait time", queries: [perService(`rate(db_client_connections_wait_time_sum[$__rate_interval])`)], unit: "s" },
    ],
  },
  {
    uid: "authorworks-api-gateway",
    title: "AuthorWorks / API gateway",
    panels: [
      { title: "Requests by status", queries: [`sum by (status) (rate(http_requests_total{${svc}="gateway"}[$__rate_interval]))`], unit: "reqps" },
      {
        title: "p50 / p99 latency",
        queries: [50, 99].map(
          (q) => `histogram_quantile(0.${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${svc}="gateway"}[$__rate_interval])))`,
        ),
        unit: "s",
      },
      { title: "Rejected requests (429)", queries: [`sum(rate(http_requests_total{${svc}="gateway",status="429"}[$__rate_interval]))`], unit: "reqps" },
    ],
  },
  {
    uid: "authorworks-business",
    title: "AuthorWorks / Business metrics",
    panels: [
      { title: "Sign-ups per hour", queries: [`sum(increase(authorworks_users_registered_total[1h]))`] },
      { title: "Active users", queries: [`sum(authorworks_users_active)`], type: "stat" },
      {
        title: "Books and chapters created",
        queries: [`sum(increase(authorworks_books_created_total[1h]))`, `sum(increase(authorworks_chapters_created_total[1h]))`],
      },
      { title: "Active subscriptions by plan", queries: [`sum by (plan) (authorworks_subscriptions_active)`] },
    ],
  },
  {
    uid: "authorworks-resources",
    title: "AuthorWorks / System resource utilisation",
    panels: [
      { title: "Node CPU", queries: [`100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval])))`], unit: "percent" },
      { title: "Node memory", queries: [`100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)`], unit: "percent" },
      {
        title: "Disk used",
        queries: [`100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"})`],
        unit: "percent",
      },
      {
        title: "Pod CPU by namespace",
        queries: [`sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[$__rate_interval]))`],
        unit: "cores",
      },
    ],
  },
];

/** Grafana dashboard JSON (schemaVersion 39) of a definition: two panels per row. */
export function dashboardJson(d: DashboardDefinition): object {
  return {
    uid: d.uid,
    title: d.title,
    tags: ["authorworks"],
    timezone: "browser",
    schemaVersion: 39,
    editable: false,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.type ?? "timeseries",
      title: p.title,
      datasource: PROMETHEUS_DATASOURCE,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      targets: p.queries.map((expr, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: PROMETHEUS_DATASOURCE,
        expr,
        exemplar: true,
        ...(p.legends ? { legendFormat: p.legends[j] } : {}),
      })),
    })),
  };
}

export interface DashboardsProps {
  /** Dashboards to ship. @default DASHBOARDS */
  readonly dashboards?: readonly DashboardDefinition[];
}

/** The dashboards as sidecar ConfigMaps in the monitoring namespace. */
export class GrafanaDashboardsAddon implements PlatformAddon {
  public readonly name = "grafana-dashboards";
  public readonly namespace = MONITORING_NAMESPACE;

  constructor(private readonly props: DashboardsProps = {}) {}

  public deploy(scope: Construct, _ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    return (this.props.dashboards ?? DASHBOARDS).map(
      (d) =>
        new ConfigMapV1(scope, d.uid, {
          metadata: { name: `dashboard-${d.uid}`, namespace: this.namespace, labels: { ...DASHBOARD_LABEL, "app.kubernetes.io/part-of": "authorworks" } },
          data: { [`${d.uid}.json`]: JSON.stringify(dashboardJson(d)) },
          dependsOn: after.length ? [...after] : undefined,
        }),
    );
  }
}
