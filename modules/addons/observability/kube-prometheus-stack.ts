/**
 * kube-prometheus-stack: Prometheus (operator), Alertmanager, Grafana, node-exporter and
 * kube-state-metrics in the `monitoring` namespace, with the spec's `kubernetes-pods`
 * scrape job and the Linkerd proxies' (mesh-metrics.ts), the key-metric and SLO rules
 * (rules.ts), alert routing (critical -> paging, the rest -> chat) and the Grafana data
 * sources that link metrics, logs and traces.
 *
 * Secrets never reach Helm values: the chat webhook URL is read from Secrets Manager
 * (`data.aws_secretsmanager_secret_version`, the value lives only in state) into a
 * Kubernetes Secret that Alertmanager mounts (`alertmanagerSpec.secrets`) and reads via
 * `*_file` fields; the Grafana admin password is a `random_password` in a Secret too.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Password } from "@cdktf/provider-random/lib/password";
import { CHARTS } from "../../../variables/charts";
import { MONITORING_NAMESPACE } from "../../../variables/platform";
import type { ServiceDefinition } from "../../../variables/services";
import { AdmissionWebhook, ChartAdmission, POD, SERVICE, valueAt } from "../admission";
import { GP3_STORAGE_CLASS } from "../storage-class";
import { HelmAddon } from "../helm-addon";
import { AddonContext, controllerReplicas } from "../types";
import { LINKERD_PROXY_SCRAPE_JOB } from "./mesh-metrics";
import { KeyMetricThresholds, prometheusRulesMap } from "./rules";

/** The spec's global scrape and rule evaluation interval. */
export const SCRAPE_INTERVAL = "15s";

/** Kubernetes Secret (in `monitoring`) with the alert webhook URLs; mounted into Alertmanager. */
export const ALERTMANAGER_WEBHOOK_SECRET = "alertmanager-webhooks";
/** Where the operator mounts `alertmanagerSpec.secrets`. */
export const ALERTMANAGER_SECRET_DIR = `/etc/alertmanager/secrets/${ALERTMANAGER_WEBHOOK_SECRET}`;
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** In-cluster endpoints the data sources and exporters use (release names are the add-on names). */
export const ENDPOINTS = {
  loki: `http://loki-gateway.${MONITORING_NAMESPACE}.svc.cluster.local`,
  lokiPush: `http://loki-gateway.${MONITORING_NAMESPACE}.svc.cluster.local/loki/api/v1/push`,
  // The jaeger chart (4.x) has one Service, named after the release, for OTLP and the UI.
  jaegerQuery: `http://jaeger.${MONITORING_NAMESPACE}.svc.cluster.local:16686`,
  jaegerOtlpGrpc: `jaeger.${MONITORING_NAMESPACE}.svc.cluster.local:4317`,
} as const;

/** Prometheus' Service (the chart's `<release>-prometheus`), for in-cluster clients that take URL and port apart. */
export const PROMETHEUS_SERVICE = { url: `http://kube-prometheus-stack-prometheus.${MONITORING_NAMESPACE}.svc`, port: 9090 } as const;

/** Grafana data source uids (links between them refer to these). */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", jaeger: "jaeger" } as const;

/** Seed 004 section 6 `kubernetes-pods` job, verbatim. */
export const KUBERNETES_PODS_SCRAPE_JOB = {
  job_name: "kubernetes-pods",
  kubernetes_sd_configs: [{ role: "pod" }],
  relabel_configs: [
    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
    { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
    {
      source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
      action: "replace",
      regex: "([^:]+)(?::\\d+)?;(\\d+)",
      replacement: "$1:$2",
      target_label: "__address__",
    },
    { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
    { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "kubernetes_namespace" },
    { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "kubernetes_pod_name" },
  ],
} as const;

/**
 * The Prometheus operator's webhooks (templates/prometheus-operator/admission-webhooks/
 * mutatingWebhookConfiguration.yaml, validatingWebhookConfiguration.yaml): PrometheusRules
 * and AlertmanagerConfigs. With `failurePolicy` unset and the certgen patch Job on (our
 * values), the chart renders `Ignore`: nothing waits for them. The operator's own
 * PrometheusRules come in the same release.
 */
export const KUBE_PROMETHEUS_STACK_ADMISSION: ChartAdmission = {
  source:
    "kube-prometheus-stack chart templates/prometheus-operator/admission-webhooks/*WebhookConfiguration.yaml; values.yaml prometheusOperator.admissionWebhooks",
  webhooks: (values) => {
    const w = (path: string) => valueAt(values, `prometheusOperator.admissionWebhooks.${path}`);
    if (w("enabled") === false || valueAt(values, "prometheusOperator.enabled") === false) return [];
    const set = w("failurePolicy") as string | undefined;
    // The template's order: IgnoreOnInstallOnly (Ignore on the first install), the value, Ignore under the patch Job, Fail.
    const failurePolicy: AdmissionWebhook["failurePolicy"] =
      set === "IgnoreOnInstallOnly" ? "Ignore" : set === "Fail" || set === "Ignore" ? set : w("patch.enabled") === false ? "Fail" : "Ignore";
    const rule = { group: "monitoring.coreos.com", kind: "PrometheusRule" };
    return [
      { name: "prometheusrulemutate.monitoring.coreos.com", type: "Mutating", intercepts: [rule], failurePolicy },
      { name: "prometheusrulevalidate.monitoring.coreos.com", type: "Validating", intercepts: [rule], failurePolicy },
      {
        name: "alertmanagerconfigsvalidate.monitoring.coreos.com",
        type: "Validating",
        intercepts: [{ group: "monitoring.coreos.com", kind: "AlertmanagerConfig" }],
        failurePolicy,
      },
    ];
  },
  objects: (_values, namespace) =>
    [SERVICE, POD, ...["Prometheus", "Alertmanager", "ServiceMonitor", "PrometheusRule"].map((kind) => ({ group: "monitoring.coreos.com", kind }))].map(
      (k) => ({ ...k, namespace }),
    ),
};

export interface KubePrometheusStackProps {
  /** Prometheus TSDB retention (days). */
  readonly retentionDays: number;
  /** Size of Prometheus' gp3 volume (GiB). */
  readonly storageGb: number;
  /** Key-metric alert thresholds. */
  readonly thresholds: KeyMetricThresholds;
  /** Services that get SLO rules. */
  readonly services: readonly ServiceDefinition[];
  /** Secrets Manager secret (name or ARN) whose string value is the chat (Slack-compatible) webhook URL. */
  readonly chatWebhookSecretId: string;
  /**
   * Paging webhook for `severity=critical` (environment config, not a secret; it still
   * goes through the Secret so no URL is in the Helm values).
   * @default none: critical alerts go to chat as well
   */
  readonly pagingWebhookUrl?: string;
}

export class KubePrometheusStackAddon extends HelmAddon {
  public readonly name = "kube-prometheus-stack";
  public readonly namespace = MONITORING_NAMESPACE;
  public readonly chart = CHARTS.kubePrometheusStack;
  /** The PVC needs the gp3 StorageClass. */
  public readonly dependsOn = ["storage-class"];
  public readonly timeoutSeconds = 900;

  constructor(private readonly props: KubePrometheusStackProps) {
    super();
  }

  /** Alertmanager configuration: critical to paging, everything else to chat; URLs read from files. */
  public alertmanagerConfig(): object {
    const chat = { name: "chat", slack_configs: [{ api_url_file: `${ALERTMANAGER_SECRET_DIR}/chat-webhook-url`, send_resolved: true }] };
    const paging = this.props.pagingWebhookUrl
      ? { name: "paging", webhook_configs: [{ url_file: `${ALERTMANAGER_SECRET_DIR}/paging-webhook-url`, send_resolved: true }] }
      : { ...chat, name: "paging" };
    return {
      global: { resolve_timeout: "5m" },
      route: {
        receiver: "chat",
        group_by: ["alertname", "namespace", "authorworks_io_service"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
        routes: [
          // The chart's always-firing Watchdog proves the pipeline works; it pages no one.
          { receiver: "null", matchers: ['alertname="Watchdog"'] },
          { receiver: "paging", matchers: ['severity="critical"'], repeat_interval: "1h" },
        ],
      },
      inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "namespace"] }],
      receivers: [{ name: "null" }, chat, paging],
    };
  }

  public values(ctx: AddonContext): object {
    const place = ctx.placement;
    const p = this.props;
    return {
      crds: { enabled: true },
      prometheus: {
        prometheusSpec: {
          ...place,
          retention: `${p.retentionDays}d`,
          scrapeInterval: SCRAPE_INTERVAL,
          evaluationInterval: SCRAPE_INTERVAL,
          // Select every ServiceMonitor/PodMonitor/PrometheusRule, not only the release's.
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          enableFeatures: ["exemplar-storage"],
          // The seed's job, and the Linkerd proxies' admin ports (golden metrics, the HPAs' request rate).
          additionalScrapeConfigs: [KUBERNETES_PODS_SCRAPE_JOB, LINKERD_PROXY_SCRAPE_JOB],
          storageSpec: {
            volumeClaimTemplate: {
              spec: { storageClassName: GP3_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${p.storageGb}Gi` } } },
            },
          },
          resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
        },
      },
      alertmanager: {
        enabled: true,
        config: this.alertmanagerConfig(),
        alertmanagerSpec: {
          ...place,
          replicas: controllerReplicas(ctx),
          secrets: [ALERTMANAGER_WEBHOOK_SECRET],
          storage: {
            volumeClaimTemplate: { spec: { storageClassName: GP3_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } },
          },
        },
      },
      additionalPrometheusRulesMap: prometheusRulesMap(p.thresholds, p.services),
      grafana: {
        enabled: true,
        ...place,
        admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
        sidecar: {
          dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
          datasources: {
            enabled: true,
            uid: DATASOURCE_UIDS.prometheus,
            // Exemplars (trace ids on histogram samples) link to Jaeger.
            exemplarTraceIdDestinations: { datasourceUid: DATASOURCE_UIDS.jaeger, traceIdLabelName: "trace_id" },
          },
        },
        additionalDataSources: dataSources(),
      },
      prometheusOperator: { ...place, admissionWebhooks: { patch: place } },
      "kube-state-metrics": place,
      // node-exporter is a DaemonSet: it runs on every node, tainted or not.
      "prometheus-node-exporter": { tolerations: [{ operator: "Exists" }] },
    };
  }

  /** The Secrets the chart mounts: Alertmanager's webhook URLs and Grafana's admin credentials. */
  protected beforeRelease(scope: Construct, _ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const chat = new DataAwsSecretsmanagerSecretVersion(scope, "chat-webhook", { secretId: this.props.chatWebhookSecretId });
    const webhooks = new SecretV1(scope, "alertmanager-webhooks", {
      metadata: { name: ALERTMANAGER_WEBHOOK_SECRET, namespace: this.namespace },
      data: {
        "chat-webhook-url": chat.secretString,
        ...(this.props.pagingWebhookUrl ? { "paging-webhook-url": this.props.pagingWebhookUrl } : {}),
      },
      dependsOn: after.length ? [...after] : undefined,
    });
    const password = new Password(scope, "grafana-admin-password", { length: 32, special: false });
    const admin = new SecretV1(scope, "grafana-admin", {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace: this.namespace },
      data: { "admin-user": "admin", "admin-password": password.result },
      dependsOn: after.length ? [...after] : undefined,
    });
    return [webhooks, admin];
  }
}

/**
 * Loki and Jaeger data sources, linked: log lines with a trace id open the trace
 * (derived field), spans open their logs (tracesToLogsV2) and metrics.
 * The derived field's link is Grafana's `${__value.raw}`, escaped twice: Grafana expands
 * environment variables in provisioning files (`$$` keeps a `$`), and Terraform reads
 * `$${` as a literal `${`. So `$$${__value.raw}` (here) -> `$${__value.raw}` (Helm value)
 * -> `${__value.raw}` (Grafana).
 */
export function dataSources(): object[] {
  return [
    {
      name: "Loki",
      uid: DATASOURCE_UIDS.loki,
      type: "loki",
      access: "proxy",
      url: ENDPOINTS.loki,
      jsonData: {
        maxLines: 1000,
        derivedFields: [
          {
            name: "TraceID",
            matcherRegex: '(?:trace_id|traceID|traceId)["=: ]+(\\w+)',
            url: "$$${__value.raw}",
            datasourceUid: DATASOURCE_UIDS.jaeger,
            urlDisplayLabel: "View trace",
          },
        ],
      },
    },
    {
      name: "Jaeger",
      uid: DATASOURCE_UIDS.jaeger,
      type: "jaeger",
      access: "proxy",
      url: ENDPOINTS.jaegerQuery,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: DATASOURCE_UIDS.loki,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          filterByTraceID: true,
          tags: [{ key: "k8s.namespace.name", value: "namespace" }],
        },
        tracesToMetrics: { datasourceUid: DATASOURCE_UIDS.prometheus, tags: [{ key: "service.name", value: "service" }] },
        nodeGraph: { enabled: true },
      },
    },
  ];
}
