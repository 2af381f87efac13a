/** The environment dashboard's JSON body: the alarmed metrics, one row per tier. */
import type { AlertThresholds } from "../../environments/types";
import { DatabaseTarget, cacheNodeIds } from "./alarms";
import { GLOBAL_REGION } from "../../variables/aws-catalog";

export interface DashboardInput {
  readonly region: string;
  readonly databases: readonly DatabaseTarget[];
  /** @default none: no cache row */
  readonly cache?: { readonly replicationGroupId: string; readonly nodes: number };
  /** @default none: no node row */
  readonly clusterName?: string;
  /** The gateway ALB's name (its `LoadBalancer` dimension is `app/<name>/<hash>`). */
  readonly loadBalancerName: string;
  /** @default none: no CloudFront graph */
  readonly distributionId?: string;
  readonly thresholds: AlertThresholds;
}

type Widget = Record<string, unknown>;

function graph(title: string, region: string, metrics: unknown[][], opts: { stat?: string; threshold?: number; y: number; x: number }): Widget {
  return {
    type: "metric",
    x: opts.x,
    y: opts.y,
    width: 8,
    height: 6,
    properties: {
      title,
      region,
      view: "timeSeries",
      stat: opts.stat ?? "Average",
      period: 300,
      metrics,
      ...(opts.threshold !== undefined ? { annotations: { horizontal: [{ label: "alarm", value: opts.threshold }] } } : {}),
    },
  };
}

/**
 * The env stack does not know the ALB's `app/<name>/<hash>` dimension (the controller
 * creates the ALB later), so the dashboard finds it by name; one series per ALB matched,
 * summed (a re-created ALB shows up under its new hash without a change here).
 */
export function albSearch(loadBalancerName: string, metric: string, stat: string): string {
  const search = `SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="${metric}" "${loadBalancerName}"', '${stat}', 300)`;
  return stat === "Sum" ? `SUM(${search})` : `MAX(${search})`;
}

export function dashboardBody(d: DashboardInput): string {
  const t = d.thresholds;
  const r = d.region;
  const db = (metric: string) => d.databases.map((x) => ["AWS/RDS", metric, "DBInstanceIdentifier", x.identifier, { label: x.service }]);
  const nodes = d.cache ? cacheNodeIds(d.cache.replicationGroupId, d.cache.nodes) : [];
  const cache = (metric: string) => nodes.map((n) => ["AWS/ElastiCache", metric, "CacheClusterId", n]);
  const ci = (metric: string) => [["ContainerInsights", metric, "ClusterName", d.clusterName]];
  // Rows keep their places whether or not the tiers above exist (a pilot light has none).
  const rows = (present: unknown, widgets: Widget[]): Widget[] => (present ? widgets : []);
  const widgets: Widget[] = [
    ...rows(d.databases.length, [
      graph("RDS CPU (%)", r, db("CPUUtilization"), { threshold: t.cpuPercent, y: 0, x: 0 }),
      graph("RDS free storage (bytes)", r, db("FreeStorageSpace"), { stat: "Minimum", y: 0, x: 8 }),
      graph("RDS connections", r, db("DatabaseConnections"), { y: 0, x: 16 }),
    ]),
    ...rows(d.cache, [
      graph("Valkey engine CPU (%)", r, cache("EngineCPUUtilization"), { threshold: t.cpuPercent, y: 6, x: 0 }),
      graph("Valkey memory (%)", r, cache("DatabaseMemoryUsagePercentage"), { threshold: t.memoryPercent, y: 6, x: 8 }),
      graph("Valkey evictions", r, cache("Evictions"), { stat: "Sum", y: 6, x: 16 }),
    ]),
    graph(
      "ALB target 5xx rate (%)",
      r,
      [
        [{ id: "errors", expression: albSearch(d.loadBalancerName, "HTTPCode_Target_5XX_Count", "Sum"), visible: false }],
        [{ id: "requests", expression: albSearch(d.loadBalancerName, "RequestCount", "Sum"), visible: false }],
        [{ id: "rate", expression: "100 * errors / requests", label: "5xx rate (%)" }],
      ],
      { threshold: t.errorRatePercent, y: 12, x: 0 },
    ),
    graph("ALB target response time p99 (s)", r, [[{ id: "latency", expression: albSearch(d.loadBalancerName, "TargetResponseTime", "p99"), label: "p99" }]], {
      threshold: t.p99LatencyMs / 1000,
      y: 12,
      x: 8,
    }),
    ...rows(d.distributionId, [
      graph("CloudFront 5xx error rate (%)", GLOBAL_REGION, [["AWS/CloudFront", "5xxErrorRate", "DistributionId", d.distributionId, "Region", "Global"]], {
        threshold: t.errorRatePercent,
        y: 12,
        x: 16,
      }),
    ]),
    ...rows(d.clusterName, [
      graph("EKS node CPU (%)", r, ci("node_cpu_utilization"), { threshold: t.cpuPercent, y: 18, x: 0 }),
      graph("EKS node memory (%)", r, ci("node_memory_utilization"), { threshold: t.memoryPercent, y: 18, x: 8 }),
      graph("EKS node filesystem (%)", r, ci("node_filesystem_utilization"), { stat: "Maximum", threshold: t.diskPercent, y: 18, x: 16 }),
    ]),
  ];
  return JSON.stringify({ widgets });
}
