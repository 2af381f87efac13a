/**
 * Alarms of the gateway ALB: target 5xx rate (critical) and target p99 response time
 * (warning), on the ALB's exact `LoadBalancer` dimension. They belong to the stack that
 * makes the ALB exist (the platform stack, through the Load Balancer Controller): there
 * the dimension is a reference (`aws_lb.arn_suffix`), not a guess.
 */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { AlertThresholds } from "../../environments/types";
import { EnvironmentName, resourceName } from "../../variables/project";
import { Severity, albAlarms } from "./alarms";
import { metricAlarm } from "./alarm-resource";

export interface LoadBalancerAlarmsProps {
  readonly environment: EnvironmentName;
  /** `LoadBalancer` dimension: `app/<name>/<hash>` (`aws_lb.arn_suffix`). */
  readonly arnSuffix: string;
  /** Error-rate and p99 thresholds (environment `observability.thresholds`). */
  readonly thresholds: AlertThresholds;
  /** Topics by severity (the environment stack's `Monitoring` topics). */
  readonly topicArns: Readonly<Record<Severity, string>>;
}

export class LoadBalancerAlarms extends Construct {
  /** By alarm id: `alb-5xx-rate`, `alb-target-p99`. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: LoadBalancerAlarmsProps) {
    super(scope, id);
    this.alarms = Object.fromEntries(
      albAlarms(props.arnSuffix, props.thresholds).map((spec) => [
        spec.id,
        metricAlarm(this, spec, resourceName(props.environment, spec.id), props.topicArns[spec.severity]),
      ]),
    );
  }
}
