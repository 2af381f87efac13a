/**
 * The alarm catalogue of one environment as plain data: every alarm's metric (or
 * metric math / Metrics Insights query), threshold and severity. index.ts turns each
 * spec into an `aws_cloudwatch_metric_alarm`; the dashboard reuses the same metrics.
 */
import type { AlertThresholds } from "../../environments/types";

export type Severity = "critical" | "warning";

/** One `metric_query` entry of a metric-math alarm. */
export interface QuerySpec {
  readonly id: string;
  /** Metric math or Metrics Insights expression. */
  readonly expression?: string;
  readonly metric?: { readonly namespace: string; readonly metricName: string; readonly stat: string; readonly dimensions: Record<string, string> };
  readonly label?: string;
  /** The series the alarm watches (exactly one per alarm). */
  readonly returnData?: boolean;
  /** Seconds (Metrics Insights and metric entries). */
  readonly period?: number;
}

export interface AlarmSpec {
  /** Construct id and name suffix, e.g. `rds-content-cpu`. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly comparison:
    | "GreaterThanThreshold"
    | "GreaterThanOrEqualToThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold"
    | "GreaterThanUpperThreshold";
  /** Absent for anomaly-detection alarms (they use `thresholdMetricId`). */
  readonly threshold?: number;
  readonly thresholdMetricId?: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: "missing" | "ignore" | "breaching" | "notBreaching";
  /** A single metric ... */
  readonly metric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, string>;
    readonly period: number;
    readonly statistic?: "Average" | "Sum" | "Maximum" | "Minimum";
    /** e.g. `p99` */
    readonly extendedStatistic?: string;
  };
  /** ... or metric math / Metrics Insights queries. */
  readonly queries?: readonly QuerySpec[];
  /** Create in us-east-1 through the global provider (CloudFront). */
  readonly global?: boolean;
}

const GIB = 1024 ** 3;
const FIVE_MINUTES = 300;

export interface DatabaseTarget {
  readonly service: string;
  readonly identifier: string;
  readonly allocatedStorageGb: number;
  /** Read replicas by a stable name (e.g. `reader`) -> instance identifier. @default none */
  readonly replicas?: Readonly<Record<string, string>>;
}

/** RDS: CPU, free storage, connections (anomaly band), replica lag per read replica. */
export function databaseAlarms(db: DatabaseTarget, t: AlertThresholds, replicaLagSeconds: number): AlarmSpec[] {
  const dims = { DBInstanceIdentifier: db.identifier };
  const freeBytes = Math.round(((100 - t.diskPercent) / 100) * db.allocatedStorageGb * GIB);
  const specs: AlarmSpec[] = [
    {
      id: `rds-${db.service}-cpu`,
      description: `RDS ${db.service}: CPU above ${t.cpuPercent}% for 15 minutes`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: { namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: dims, period: FIVE_MINUTES, statistic: "Average" },
    },
    {
      id: `rds-${db.service}-free-storage`,
      description: `RDS ${db.service}: free storage below ${100 - t.diskPercent}% of the ${db.allocatedStorageGb} GiB allocated (disk above ${t.diskPercent}%)`,
      severity: "critical",
      comparison: "LessThanThreshold",
      threshold: freeBytes,
      evaluationPeriods: 2,
      // No data from a storage metric means the instance is down: that is an outage.
      treatMissingData: "breaching",
      metric: { namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: dims, period: FIVE_MINUTES, statistic: "Minimum" },
    },
    {
      // Connection counts depend on the service and the pool sizes (and max_connections on
      // the instance class): an anomaly band learns each database's normal instead of a guess.
      id: `rds-${db.service}-connections`,
      description: `RDS ${db.service}: connections above the learned band (anomaly detection, 2 standard deviations) for 15 minutes`,
      severity: "warning",
      comparison: "GreaterThanUpperThreshold",
      thresholdMetricId: "band",
      evaluationPeriods: 3,
      treatMissingData: "missing",
      queries: [
        { id: "connections", returnData: true, metric: { namespace: "AWS/RDS", metricName: "DatabaseConnections", stat: "Average", dimensions: dims }, period: FIVE_MINUTES },
        { id: "band", expression: "ANOMALY_DETECTION_BAND(connections, 2)", label: "DatabaseConnections (expected)", returnData: true },
      ],
    },
  ];
  // Hook: no read replica exists today; pass its identifiers to get the lag alarm.
  for (const [name, replica] of Object.entries(db.replicas ?? {})) {
    specs.push({
      id: `rds-${db.service}-${name}-replica-lag`,
      description: `RDS ${db.service} replica ${name}: replication lag above ${replicaLagSeconds} s for 10 minutes`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: replicaLagSeconds,
      evaluationPeriods: 2,
      treatMissingData: "missing",
      metric: { namespace: "AWS/RDS", metricName: "ReplicaLag", dimensions: { DBInstanceIdentifier: replica }, period: FIVE_MINUTES, statistic: "Maximum" },
    });
  }
  return specs;
}

/**
 * Member cluster ids of a cluster-mode-disabled replication group: `<id>-001` .. `<id>-00N`.
 * ElastiCache publishes engine metrics per node (CacheClusterId), not per group.
 */
export function cacheNodeIds(replicationGroupId: string, nodes: number): string[] {
  return [...Array(nodes).keys()].map((i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/** The worst node of the group: MAX over the per-node series. */
function worstNode(metricName: string, stat: string, nodeIds: readonly string[]): QuerySpec[] {
  const metrics = nodeIds.map((node, i) => ({
    id: `node${i + 1}`,
    metric: { namespace: "AWS/ElastiCache", metricName, stat, dimensions: { CacheClusterId: node } },
    period: FIVE_MINUTES,
    returnData: false,
  }));
  return [...metrics, { id: "worst", expression: `MAX([${metrics.map((m) => m.id).join(", ")}])`, label: `${metricName} (worst node)`, returnData: true }];
}

/** Valkey: engine CPU, memory, evictions (worst node / total). */
export function cacheAlarms(replicationGroupId: string, nodes: number, t: AlertThresholds, evictionsThreshold: number): AlarmSpec[] {
  const ids = cacheNodeIds(replicationGroupId, nodes);
  const sumEvictions: QuerySpec[] = [
    ...ids.map((node, i) => ({
      id: `node${i + 1}`,
      metric: { namespace: "AWS/ElastiCache", metricName: "Evictions", stat: "Sum", dimensions: { CacheClusterId: node } },
      period: FIVE_MINUTES,
      returnData: false,
    })),
    { id: "total", expression: `SUM([${ids.map((_, i) => `node${i + 1}`).join(", ")}])`, label: "Evictions (all nodes)", returnData: true },
  ];
  return [
    {
      id: "cache-engine-cpu",
      description: `Valkey: engine CPU above ${t.cpuPercent}% on a node for 15 minutes (the engine is single-threaded)`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      queries: worstNode("EngineCPUUtilization", "Average", ids),
    },
    {
      id: "cache-memory",
      description: `Valkey: memory use above ${t.memoryPercent}% of maxmemory on a node for 10 minutes`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: t.memoryPercent,
      evaluationPeriods: 2,
      treatMissingData: "missing",
      queries: worstNode("DatabaseMemoryUsagePercentage", "Average", ids),
    },
    {
      id: "cache-evictions",
      description: `Valkey: more than ${evictionsThreshold} keys evicted per 5 minutes, 3 periods in a row (the cache is too small)`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: evictionsThreshold,
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      queries: sumEvictions,
    },
  ];
}

/**
 * Metrics Insights filter for the gateway ALB. The Load Balancer Controller names it
 * (`load-balancer-name` annotation) but its `LoadBalancer` dimension carries a hash only
 * known after creation; the controller tags it `elbv2.k8s.aws/cluster=<cluster>`, so the
 * query selects the cluster's ALBs by tag. With `arnSuffix` the dimension is exact.
 */
export function albFilter(clusterName: string, arnSuffix?: string): string {
  return arnSuffix ? `LoadBalancer = '${arnSuffix}'` : `tag."elbv2.k8s.aws/cluster" = '${clusterName}'`;
}

export function albQuery(fn: "SUM" | "MAX" | "AVG", metric: string, clusterName: string, arnSuffix?: string): string {
  return `SELECT ${fn}(${metric}) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer) WHERE ${albFilter(clusterName, arnSuffix)}`;
}

/** ALB: 5xx rate of the targets, response time. */
export function albAlarms(clusterName: string, t: AlertThresholds, arnSuffix?: string): AlarmSpec[] {
  const latency: AlarmSpec = arnSuffix
    ? {
        id: "alb-target-p99",
        description: `ALB: target response time p99 above ${t.p99LatencyMs} ms for 15 minutes`,
        severity: "warning",
        comparison: "GreaterThanThreshold",
        threshold: t.p99LatencyMs / 1000,
        evaluationPeriods: 3,
        treatMissingData: "notBreaching",
        metric: { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: arnSuffix }, period: FIVE_MINUTES, extendedStatistic: "p99" },
      }
    : {
        // Metrics Insights has no percentiles (AVG, COUNT, MAX, MIN, SUM): the worst
        // response in each minute, 5 of 5 minutes, approximates a sustained p99 breach.
        id: "alb-target-p99",
        description: `ALB: target response time above ${t.p99LatencyMs} ms (per-minute maximum) for 5 minutes in a row (p99 proxy; Metrics Insights has no percentiles)`,
        severity: "warning",
        comparison: "GreaterThanThreshold",
        threshold: t.p99LatencyMs / 1000,
        evaluationPeriods: 5,
        treatMissingData: "notBreaching",
        queries: [{ id: "latency", expression: albQuery("MAX", "TargetResponseTime", clusterName), period: 60, returnData: true, label: "TargetResponseTime (max)" }],
      };
  return [
    {
      id: "alb-5xx-rate",
      description: `ALB: more than ${t.errorRatePercent}% of requests answered 5xx by the targets for 10 minutes`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: t.errorRatePercent,
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      queries: [
        { id: "errors", expression: albQuery("SUM", "HTTPCode_Target_5XX_Count", clusterName, arnSuffix), period: FIVE_MINUTES, returnData: false, label: "Target 5xx" },
        { id: "requests", expression: albQuery("SUM", "RequestCount", clusterName, arnSuffix), period: FIVE_MINUTES, returnData: false, label: "Requests" },
        { id: "rate", expression: "100 * errors / requests", returnData: true, label: "5xx rate (%)" },
      ],
    },
    latency,
  ];
}

/** CloudFront: 5xx error rate (us-east-1, Region=Global). */
export function cloudFrontAlarms(distributionId: string, t: AlertThresholds): AlarmSpec[] {
  return [
    {
      id: "cloudfront-5xx-rate",
      description: `CloudFront ${distributionId}: 5xx error rate above ${t.errorRatePercent}% for 10 minutes`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: t.errorRatePercent,
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      metric: { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", dimensions: { DistributionId: distributionId, Region: "Global" }, period: FIVE_MINUTES, statistic: "Average" },
      global: true,
    },
  ];
}

/** EKS nodes through Container Insights (amazon-cloudwatch-observability add-on). */
export function nodeAlarms(clusterName: string, t: AlertThresholds): AlarmSpec[] {
  const metric = (metricName: string) => ({ namespace: "ContainerInsights", metricName, dimensions: { ClusterName: clusterName }, period: FIVE_MINUTES, statistic: "Average" as const });
  return [
    {
      id: "nodes-cpu",
      description: `EKS ${clusterName}: node CPU above ${t.cpuPercent}% (cluster average) for 15 minutes`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: metric("node_cpu_utilization"),
    },
    {
      id: "nodes-memory",
      description: `EKS ${clusterName}: node memory above ${t.memoryPercent}% (cluster average) for 15 minutes`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: t.memoryPercent,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: metric("node_memory_utilization"),
    },
    {
      id: "nodes-filesystem",
      description: `EKS ${clusterName}: node filesystem above ${t.diskPercent}% (worst node) for 10 minutes (kubelet evicts pods under disk pressure)`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: t.diskPercent,
      evaluationPeriods: 2,
      treatMissingData: "missing",
      metric: { ...metric("node_filesystem_utilization"), statistic: "Maximum" },
    },
  ];
}
