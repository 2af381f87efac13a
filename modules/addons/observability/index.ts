/**
 * The in-cluster observability add-ons of the `<env>-platform` stack (seed 004 section 6):
 * metrics and alerts (kube-prometheus-stack, and prometheus-adapter serving the HPAs'
 * request-rate metric from it), logs (Loki + Grafana Alloy), traces
 * (OpenTelemetry operator + collector -> Jaeger v2) and dashboards as code. They all go
 * to the `monitoring` namespace made by modules/tenancy.
 */
import type { ResolvedEnvironment } from "../../../environments/config";
import type { IBucket } from "../../s3";
import { namePrefix } from "../../../variables/project";
import { SERVICES, ServiceDefinition } from "../../../variables/services";
import type { PlatformAddon } from "../types";
import { AlloyAddon } from "./alloy";
import { GrafanaDashboardsAddon } from "./dashboards";
import { JaegerAddon, JaegerStorage } from "./jaeger";
import { KubePrometheusStackAddon } from "./kube-prometheus-stack";
import { LokiAddon, LokiDeploymentMode } from "./loki";
import { OpenTelemetryAddon } from "./opentelemetry";
import { PrometheusAdapterAddon } from "./prometheus-adapter";
import type { KeyMetricThresholds } from "./rules";

export * from "./alloy";
export * from "./dashboards";
export * from "./jaeger";
export * from "./kube-prometheus-stack";
export * from "./loki";
export * from "./mesh-metrics";
export * from "./opentelemetry";
export * from "./prometheus-adapter";
export * from "./rules";

export interface ObservabilityAddonsOptions {
  /** Prometheus retention (days). */
  readonly prometheusRetentionDays: number;
  /** Prometheus gp3 volume (GiB). */
  readonly prometheusStorageGb: number;
  /** Key-metric alert thresholds (also the latency and error-rate SLO bounds). */
  readonly thresholds: KeyMetricThresholds;
  /** Secrets Manager secret id holding the chat webhook URL. */
  readonly chatWebhookSecretId: string;
  /** Webhook for critical alerts. @default none (critical goes to chat) */
  readonly pagingWebhookUrl?: string;
  /** The environment's logs bucket (the `<env>` stack's, imported by name); Loki writes under `loki/`. */
  readonly logsBucket: IBucket;
  readonly lokiRetentionDays: number;
  /** @default by the context's high availability */
  readonly lokiDeploymentMode?: LokiDeploymentMode;
  /** Share of traces kept (0-1). */
  readonly traceSamplingRatio: number;
  readonly jaegerStorage: JaegerStorage;
  /** Services with SLO rules. @default SERVICES */
  readonly services?: readonly ServiceDefinition[];
}

/** Secrets Manager secret the chat webhook URL is read from: `authorworks-<env>/alerting/chat-webhook-url`. */
export function chatWebhookSecretName(env: ResolvedEnvironment["name"]): string {
  return `${namePrefix(env)}/alerting/chat-webhook-url`;
}

/** What the options need from the `<env>` stack, imported by the platform stack. */
export interface ObservabilityReferences {
  /** The logs bucket, e.g. `StorageBucket.fromBucketAttributes(..., { bucketName: names.bucket(prefix, "logs", env), purpose: "logs" })`. */
  readonly logsBucket: IBucket;
  /** Whose chat webhook secret is read: a standby reading its primary's replicated secrets passes the primary. @default the environment */
  readonly secretsOf?: ResolvedEnvironment["name"];
}

/** The options from the environment and the `<env>` stack's resources they use. */
export function observabilityOptions(env: ResolvedEnvironment, refs: ObservabilityReferences): ObservabilityAddonsOptions {
  const o = env.observability;
  return {
    prometheusRetentionDays: o.prometheusRetentionDays,
    prometheusStorageGb: o.prometheusStorageGb,
    thresholds: o.thresholds,
    chatWebhookSecretId: chatWebhookSecretName(refs.secretsOf ?? env.name),
    pagingWebhookUrl: o.pagingWebhookUrl,
    logsBucket: refs.logsBucket,
    lokiRetentionDays: o.lokiRetentionDays,
    traceSamplingRatio: o.traceSamplingRatio,
    jaegerStorage: env.durability.traceStorage,
  };
}

/** The observability add-ons; append them to `standardAddons(...)` (they depend on cert-manager and storage-class). */
export function observabilityAddons(o: ObservabilityAddonsOptions): PlatformAddon[] {
  const services = o.services ?? SERVICES;
  return [
    new KubePrometheusStackAddon({
      retentionDays: o.prometheusRetentionDays,
      storageGb: o.prometheusStorageGb,
      thresholds: o.thresholds,
      services,
      chatWebhookSecretId: o.chatWebhookSecretId,
      pagingWebhookUrl: o.pagingWebhookUrl,
    }),
    // The HPAs' request-rate metric, from the same Prometheus.
    new PrometheusAdapterAddon(),
    new GrafanaDashboardsAddon(),
    new LokiAddon({ bucket: o.logsBucket, retentionDays: o.lokiRetentionDays, deploymentMode: o.lokiDeploymentMode }),
    new AlloyAddon(),
    new JaegerAddon({ storage: o.jaegerStorage }),
    new OpenTelemetryAddon({ samplingRatio: o.traceSamplingRatio, slowTraceMs: o.thresholds.p99LatencyMs }),
  ];
}
