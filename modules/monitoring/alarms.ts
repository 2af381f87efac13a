/**
 * The alarm catalogue of one environment as plain data: every alarm's metric (or
 * metric math), threshold and severity. `metricAlarm` turns a spec into an
 * `aws_cloudwatch_metric_alarm`; the dashboard shows the same metrics.
 */
import type { ITerraformDependable } from "cdktf";
import type { AlertThresholds } from "../../environments/types";

/** Alert severities, each with its own topic: `critical` pages, `warning` waits for working hours. */
export const SEVERITIES = ["critical", "warning"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One `metric_query` entry of a metric-math alarm. */
export interface QuerySpec {
  readonly id: string;
  /** Metric math expression. */
  readonly expression?: string;
  readonly metric?: { readonly namespace: string; readonly metricName: string; readonly stat: string; readonly dimensions: Record<string, string> };
  readonly label?: string;
  /** The series the alarm watches (exactly one per alarm). */
  readonly returnData?: boolean;
  /** Seconds (metric entries). */
  readonly period?: number;
}

export interface AlarmSpec {
  /** Construct id and name suffix, e.g. `rds-content-cpu`. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly comparison:
    "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold" | "GreaterThanUpperThreshold";
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
  /** ... or metric math over metrics. */
  readonly queries?: readonly QuerySpec[];
  /** Create in us-east-1 through the global provider (CloudFront). */
  readonly global?: boolean;
  /** What must exist before the alarm is created (a replica for its lag alarm). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const GIB = 1024 ** 3;
const FIVE_MINUTES = 300;

export interface DatabaseTarget {
  readonly service: string;
  readonly identifier: string;
  readonly allocatedStorageGb: number;
  /** Read replicas by a stable name (e.g. `reader`) -> instance identifier. @default none */
  readonly replicas?: Readonly<Record<string, string>>;
  /**
   * This instance is itself a read replica (of the instance named here, for the alarm's
   * description): it gets the ReplicaLag alarm on its own identifier. @default none
   */
  readonly replicaOf?: string;
  /**
   * The replica instance (with `replicaOf`): its lag alarm is created after it. Seeding a
   * cross-region replica takes 30-90 min at 100 GiB with no ReplicaLag reported, which the
   * alarm counts as breaching: created beside it, it would page through the whole creation.
   * @default none (created whenever Terraform gets to it)
   */
  readonly replicaInstance?: ITerraformDependable;
}

/**
 * The most ReplicaLag (seconds) an RDS for PostgreSQL replica reports while its source is
 * healthy but idle: the metric is `now() - pg_last_xact_replay_timestamp()`, so with no user
 * transactions it climbs until the source switches WAL segments, every 5 minutes by default,
 * and falls back. RDS User Guide, "Working with read replicas for Amazon RDS for PostgreSQL",
 * limitations: "If no user transactions are occurring on the source DB instance, the associated
 * PostgreSQL read replica reports a replication lag of up to five minutes". No data is at risk
 * meanwhile (there was nothing to copy); a threshold below this pages on every quiet night.
 */
export const REPLICA_IDLE_LAG_SECONDS = 300;

/**
 * The ReplicaLag alarm's window: RDS publishes the metric every minute, and two consecutive
 * minutes (their Maximum) above the threshold page. An idle source's sawtooth peaks in one
 * minute (up to `REPLICA_IDLE_LAG_SECONDS`) and the next minute starts again near 0, so it never
 * fills the window; a stalled replica's lag grows one second a second and does.
 */
export const REPLICA_LAG_ALARM = { periodSeconds: 60, evaluationPeriods: 2 } as const;

/**
 * The ReplicaLag threshold (seconds) for a replica that keeps a `rpoMinutes` objective: the
 * objective itself, so the alarm pages within the window (`REPLICA_LAG_ALARM`, 2 minutes) of
 * the replica falling the objective behind. Below `REPLICA_IDLE_LAG_SECONDS` (5 minutes) an
 * idle source would page: 0 is returned, and environments/checks/dr.ts refuses such an objective.
 */
export function replicaLagThresholdSeconds(rpoMinutes: number): number {
  const t = rpoMinutes * 60;
  return t >= REPLICA_IDLE_LAG_SECONDS ? t : 0;
}

/** The smallest objective (minutes) a ReplicaLag alarm can guard without paging on an idle source: `REPLICA_IDLE_LAG_SECONDS` (5). */
export const REPLICA_MIN_RPO_MINUTES = REPLICA_IDLE_LAG_SECONDS / 60;

function replicaLagAlarm(id: string, what: string, identifier: string, thresholdSeconds: number, instance?: ITerraformDependable): AlarmSpec {
  const { periodSeconds, evaluationPeriods } = REPLICA_LAG_ALARM;
  return {
    id,
    description: `${what}: replication lag above ${thresholdSeconds} s for ${(periodSeconds * evaluationPeriods) / 60} minutes`,
    severity: "critical",
    comparison: "GreaterThanThreshold",
    threshold: thresholdSeconds,
    evaluationPeriods,
    datapointsToAlarm: evaluationPeriods,
    // No lag reported means the replica is down or not replicating: the recovery point is not kept.
    treatMissingData: "breaching",
    metric: { namespace: "AWS/RDS", metricName: "ReplicaLag", dimensions: { DBInstanceIdentifier: identifier }, period: periodSeconds, statistic: "Maximum" },
    ...(instance ? { dependsOn: [instance] } : {}),
  };
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
        {
          id: "connections",
          returnData: true,
          metric: { namespace: "AWS/RDS", metricName: "DatabaseConnections", stat: "Average", dimensions: dims },
          period: FIVE_MINUTES,
        },
        { id: "band", expression: "ANOMALY_DETECTION_BAND(connections, 2)", label: "DatabaseConnections (expected)", returnData: true },
      ],
    },
  ];
  // Replicas of this database in its own environment (none today), and this database as a replica.
  for (const [name, replica] of Object.entries(db.replicas ?? {})) {
    specs.push(replicaLagAlarm(`rds-${db.service}-${name}-replica-lag`, `RDS ${db.service} replica ${name}`, replica, replicaLagSeconds));
  }
  if (db.replicaOf !== undefined) {
    specs.push(
      replicaLagAlarm(
        `rds-${db.service}-replica-lag`,
        `RDS ${db.service}, read replica of ${db.replicaOf}`,
        db.identifier,
        replicaLagSeconds,
        db.replicaInstance,
      ),
    );
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
 * The gateway ALB: 5xx rate of the targets and p99 response time. The Load Balancer
 * Controller creates the ALB, so its `LoadBalancer` dimension (`app/<name>/<hash>`) is
 * only known once it exists: the platform stack reads it (`aws_lb.arn_suffix`) and
 * creates these alarms there (modules/monitoring `LoadBalancerAlarms`).
 */
export function albAlarms(arnSuffix: string, t: AlertThresholds): AlarmSpec[] {
  const metric = (metricName: string) => ({ namespace: "AWS/ApplicationELB", metricName, stat: "Sum", dimensions: { LoadBalancer: arnSuffix } });
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
        { id: "errors", metric: metric("HTTPCode_Target_5XX_Count"), period: FIVE_MINUTES, label: "Target 5xx" },
        { id: "requests", metric: metric("RequestCount"), period: FIVE_MINUTES, label: "Requests" },
        // No requests (or no 5xx) in a window gives no datapoint: notBreaching, a rate of 0.
        { id: "rate", expression: "100 * errors / requests", returnData: true, label: "5xx rate (%)" },
      ],
    },
    {
      id: "alb-target-p99",
      description: `ALB: target response time p99 above ${t.p99LatencyMs} ms for 15 minutes`,
      severity: "warning",
      comparison: "GreaterThanThreshold",
      threshold: t.p99LatencyMs / 1000,
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: { LoadBalancer: arnSuffix },
        period: FIVE_MINUTES,
        extendedStatistic: "p99",
      },
    },
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
      metric: {
        namespace: "AWS/CloudFront",
        metricName: "5xxErrorRate",
        dimensions: { DistributionId: distributionId, Region: "Global" },
        period: FIVE_MINUTES,
        statistic: "Average",
      },
      global: true,
    },
  ];
}

/** EKS nodes through Container Insights (amazon-cloudwatch-observability add-on). */
export function nodeAlarms(clusterName: string, t: AlertThresholds): AlarmSpec[] {
  const metric = (metricName: string) => ({
    namespace: "ContainerInsights",
    metricName,
    dimensions: { ClusterName: clusterName },
    period: FIVE_MINUTES,
    statistic: "Average" as const,
  });
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

/** One S3 replication rule: the metrics' dimensions (S3 User Guide, "Amazon S3 CloudWatch replication metrics"). */
export interface ReplicationTarget {
  /** Bucket purpose (variables/storage.ts), for ids and descriptions. */
  readonly purpose: string;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly ruleId: string;
}

/**
 * S3 replication of one rule to the DR region, from its replication metrics (published in the
 * source region once a rule has metrics, which Replication Time Control turns on): latency at
 * the RTC threshold or beyond (the recovery point objective is at risk: warning), and
 * operations that failed (those objects are not in the DR region until fixed: critical).
 */
export function replicationAlarms(r: ReplicationTarget, thresholdMinutes: number): AlarmSpec[] {
  const metric = (metricName: string, statistic: "Maximum" | "Sum") => ({
    namespace: "AWS/S3",
    metricName,
    dimensions: { SourceBucket: r.sourceBucket, DestinationBucket: r.destinationBucket, RuleId: r.ruleId },
    period: FIVE_MINUTES,
    statistic,
  });
  return [
    {
      id: `s3-${r.purpose}-replication-latency`,
      description: `S3 replication of ${r.purpose} to the DR region ${thresholdMinutes} minutes or more behind (Replication Time Control threshold)`,
      severity: "warning",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: thresholdMinutes * 60,
      evaluationPeriods: 1,
      // No replication in a period publishes nothing: that is not lag.
      treatMissingData: "notBreaching",
      metric: metric("ReplicationLatency", "Maximum"),
    },
    {
      id: `s3-${r.purpose}-replication-failed`,
      description: `S3 replication of ${r.purpose} to the DR region failed for some objects: they have no copy in the DR region`,
      severity: "critical",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: metric("OperationsFailedReplication", "Sum"),
    },
  ];
}
