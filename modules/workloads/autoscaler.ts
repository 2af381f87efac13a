/**
 * The HorizontalPodAutoscaler of a service (seed 003 "Scaling Strategy"): CPU and memory
 * utilisation, and the inbound request rate per pod its Linkerd proxy measures (served
 * by prometheus-adapter as a Pods metric), with seed 003's scaling rates and cooldowns
 * as the HPA's `behavior`. Terraform owns the whole object; only the replica count of
 * what it scales moves at run time.
 */
import { Construct } from "constructs";
import {
  HorizontalPodAutoscalerV2,
  HorizontalPodAutoscalerV2SpecBehaviorScaleUp,
  HorizontalPodAutoscalerV2SpecMetric,
  HorizontalPodAutoscalerV2SpecScaleTargetRef,
} from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import type { AutoscalingConfig, ScalingPolicy } from "../../environments/types";
import { REQUEST_RATE_METRIC } from "../addons/observability/prometheus-adapter";

export interface ServiceAutoscalerProps {
  /** Name, namespace and labels of the HPA (the service's workload metadata). */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  /** What it scales: the service's Rollout, or its Deployment without progressive delivery. */
  readonly scaleTargetRef: HorizontalPodAutoscalerV2SpecScaleTargetRef;
  /** Floor and ceiling (`autoscalingBounds`). */
  readonly bounds: { readonly min: number; readonly max: number };
  /** Targets, rates and cooldowns (`env.workloads.autoscaling`). */
  readonly rules: AutoscalingConfig;
}

/** One direction of the HPA's `behavior`: a single Pods policy, so `selectPolicy` has nothing to choose between. */
function direction(p: ScalingPolicy): HorizontalPodAutoscalerV2SpecBehaviorScaleUp {
  return { stabilizationWindowSeconds: p.stabilizationWindowSeconds, policy: [{ type: "Pods", value: p.pods, periodSeconds: p.periodSeconds }] };
}

/**
 * The HPA's metrics, in this order: CPU and memory utilisation (of the containers'
 * requests), then the per-pod inbound request rate as an average value. The HPA takes
 * the largest replica count any of them asks for; a metric it cannot read (the adapter
 * down) does not block scaling up on the others, and blocks scaling down.
 */
export function autoscalerMetrics(rules: AutoscalingConfig): HorizontalPodAutoscalerV2SpecMetric[] {
  const resource = (name: string, averageUtilization: number): HorizontalPodAutoscalerV2SpecMetric => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
  });
  return [
    resource("cpu", rules.cpuUtilizationPercent),
    resource("memory", rules.memoryUtilizationPercent),
    { type: "Pods", pods: { metric: { name: REQUEST_RATE_METRIC }, target: { type: "AverageValue", averageValue: String(rules.requestsPerSecond) } } },
  ];
}

/** The service's HPA (construct id `autoscaler`). */
export function serviceAutoscaler(scope: Construct, props: ServiceAutoscalerProps): HorizontalPodAutoscalerV2 {
  return new HorizontalPodAutoscalerV2(scope, "autoscaler", {
    metadata: props.metadata,
    spec: {
      minReplicas: props.bounds.min,
      maxReplicas: props.bounds.max,
      scaleTargetRef: props.scaleTargetRef,
      metric: autoscalerMetrics(props.rules),
      behavior: { scaleUp: [direction(props.rules.scaleUp)], scaleDown: [direction(props.rules.scaleDown)] },
    },
  });
}
