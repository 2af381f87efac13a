/** One `aws_cloudwatch_metric_alarm` from an `AlarmSpec` (shared by every alarm construct). */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AlarmSpec } from "./alarms";

/**
 * The alarm notifies `topicArn` when it fires and again when it recovers, so whoever
 * was paged sees it end. The construct id is the spec id (a stable logical id).
 */
export function metricAlarm(scope: Construct, spec: AlarmSpec, name: string, topicArn: string, provider?: AwsProvider): CloudwatchMetricAlarm {
  const m = spec.metric;
  return new CloudwatchMetricAlarm(scope, spec.id, {
    provider,
    alarmName: name,
    alarmDescription: `[${spec.severity}] ${spec.description}`,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    thresholdMetricId: spec.thresholdMetricId,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    namespace: m?.namespace,
    metricName: m?.metricName,
    dimensions: m?.dimensions,
    period: m?.period,
    statistic: m?.statistic,
    extendedStatistic: m?.extendedStatistic,
    metricQuery: spec.queries?.map((q) => ({
      id: q.id,
      expression: q.expression,
      label: q.label,
      returnData: q.returnData ?? false,
      metric: q.metric
        ? { namespace: q.metric.namespace, metricName: q.metric.metricName, stat: q.metric.stat, dimensions: q.metric.dimensions, period: q.period ?? 300 }
        : undefined,
    })),
    alarmActions: [topicArn],
    okActions: [topicArn],
    tags: { Name: name, Severity: spec.severity },
    dependsOn: spec.dependsOn ? [...spec.dependsOn] : undefined,
  });
}
