/**
 * Traces: the OpenTelemetry operator (webhook certificates from cert-manager) and one
 * `OpenTelemetryCollector` (installed with the raw chart once the operator and its CRD
 * are up) that receives OTLP gRPC/HTTP from the services, keeps a share of traces with
 * the tail sampler, and exports them to Jaeger.
 *
 * Tail sampling keeps every trace with an error and every trace slower than the p99
 * threshold, plus `samplingRatio` of the rest. It needs all spans of a trace on one
 * collector, so the collector runs as one replica (more than one would need a
 * load-balancing exporter tier in front).
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import { AdmissionWebhook, CERTIFICATE, ChartAdmission, ISSUER, KindRef, LabelSelector, POD, SERVICE, valueAt } from "../admission";
import { HelmAddon } from "../helm-addon";
import { AddonContext, rawRelease } from "../types";
import { ENDPOINTS } from "./kube-prometheus-stack";

export const OTEL_COLLECTOR_NAME = "traces";
/** Services send OTLP here: `traces-collector.monitoring.svc:4317` (gRPC) / `:4318` (HTTP). */
export const OTEL_COLLECTOR_ENDPOINT = {
  grpc: `${OTEL_COLLECTOR_NAME}-collector.${MONITORING_NAMESPACE}.svc.cluster.local:4317`,
  http: `http://${OTEL_COLLECTOR_NAME}-collector.${MONITORING_NAMESPACE}.svc.cluster.local:4318`,
} as const;

/**
 * The operator's webhooks (templates/admission-webhooks/operator-webhook*.yaml):
 * OpenTelemetryCollectors and Instrumentations with `admissionWebhooks.failurePolicy`
 * (Fail), pods with `admissionWebhooks.pods.failurePolicy` (Ignore; it only injects into
 * pods annotated for a sidecar or auto-instrumentation, which none of ours are). Its
 * serving certificate is a cert-manager Certificate of the chart.
 */
export const OPENTELEMETRY_OPERATOR_ADMISSION: ChartAdmission = {
  source:
    "opentelemetry-operator chart templates/admission-webhooks/operator-webhook.yaml, operator-webhook-with-cert-manager.yaml, certmanager.yaml; values.yaml admissionWebhooks",
  webhooks: (values) => {
    const w = (path: string) => valueAt(values, `admissionWebhooks.${path}`);
    if (w("create") === false) return [];
    const failurePolicy = (w("failurePolicy") as AdmissionWebhook["failurePolicy"] | undefined) ?? "Fail";
    const namespaceSelector = w("namespaceSelector") as LabelSelector | undefined;
    const objectSelector = w("objectSelector") as LabelSelector | undefined;
    const collector: KindRef = { group: "opentelemetry.io", kind: "OpenTelemetryCollector" };
    const instrumentation: KindRef = { group: "opentelemetry.io", kind: "Instrumentation" };
    const hook = (name: string, type: AdmissionWebhook["type"], kind: KindRef): AdmissionWebhook => ({
      name,
      type,
      intercepts: [kind],
      failurePolicy,
      namespaceSelector,
      objectSelector,
    });
    return [
      hook("mopentelemetrycollectorbeta.kb.io", "Mutating", collector),
      hook("vopentelemetrycollectorcreateupdatebeta.kb.io", "Validating", collector),
      hook("minstrumentation.kb.io", "Mutating", instrumentation),
      hook("vinstrumentationcreateupdate.kb.io", "Validating", instrumentation),
      { ...hook("mpod.kb.io", "Mutating", POD), failurePolicy: (w("pods.failurePolicy") as AdmissionWebhook["failurePolicy"] | undefined) ?? "Ignore" },
    ];
  },
  objects: (values, namespace) =>
    (valueAt(values, "admissionWebhooks.certManager.enabled") === false ? [SERVICE, POD] : [SERVICE, POD, CERTIFICATE, ISSUER]).map((k) => ({
      ...k,
      namespace,
    })),
};

export interface OpenTelemetryProps {
  /** Share of (non-error, non-slow) traces kept, 0-1. */
  readonly samplingRatio: number;
  /** Traces slower than this are always kept (ms). */
  readonly slowTraceMs: number;
}

/** Percentage for the probabilistic policy, without float noise (0.1 -> 10). */
export function samplingPercentage(ratio: number): number {
  return Number((ratio * 100).toFixed(4));
}

export class OpenTelemetryAddon extends HelmAddon {
  public readonly name = "opentelemetry-operator";
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.opentelemetryOperator;
  /** The operator's webhook certificate is a cert-manager Certificate; the collector exports to Jaeger. */
  public readonly dependsOn = ["cert-manager", "jaeger"];

  constructor(private readonly props: OpenTelemetryProps) {
    super();
  }

  /** Values of the operator's chart. */
  public values(ctx: AddonContext): object {
    return {
      manager: {
        // Tail sampling is in the contrib distribution.
        collectorImage: { repository: "otel/opentelemetry-collector-contrib" },
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      },
      admissionWebhooks: { certManager: { enabled: true }, autoGenerateCert: { enabled: false } },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
    };
  }

  /** The collector's configuration (OpenTelemetry Collector YAML as an object). */
  public collectorConfig(): object {
    return {
      receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
      processors: {
        memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 },
        tail_sampling: {
          decision_wait: "10s",
          num_traces: 50000,
          policies: [
            { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
            { name: "slow", type: "latency", latency: { threshold_ms: this.props.slowTraceMs } },
            { name: "ratio", type: "probabilistic", probabilistic: { sampling_percentage: samplingPercentage(this.props.samplingRatio) } },
          ],
        },
        batch: {},
      },
      exporters: { "otlp/jaeger": { endpoint: ENDPOINTS.jaegerOtlpGrpc, tls: { insecure: true } } },
      service: { pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: ["otlp/jaeger"] } } },
    };
  }

  public collector(ctx: AddonContext): object {
    return {
      apiVersion: "opentelemetry.io/v1beta1",
      kind: "OpenTelemetryCollector",
      metadata: { name: OTEL_COLLECTOR_NAME, namespace: this.namespace },
      spec: {
        mode: "deployment",
        replicas: 1,
        nodeSelector: ctx.placement.nodeSelector,
        tolerations: ctx.placement.tolerations,
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
        config: this.collectorConfig(),
      },
    };
  }

  /** The collector, once the operator and its CRD are up. */
  protected afterRelease(scope: Construct, ctx: AddonContext, operator: Release): ITerraformDependable[] {
    return [rawRelease(scope, "collector", { name: "otel-collector", namespace: this.namespace, resources: [this.collector(ctx)], dependsOn: [operator] })];
  }
}
