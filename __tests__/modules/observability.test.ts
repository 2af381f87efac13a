import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { resolveEnvironment } from "../../environments/config";
import { checkObservabilityCharts } from "../../environments/checks/platform";
import type { EnvironmentConfig } from "../../environments/types";
import { AddonContext, CertManagerAddon, Gp3StorageClassAddon, PlatformAddon, PlatformAddons, SYSTEM_PLACEMENT } from "../../modules/addons";
import {
  ALERTMANAGER_SECRET_DIR,
  ALERTMANAGER_WEBHOOK_SECRET,
  DASHBOARDS,
  GOLDEN_METRICS,
  KUBERNETES_PODS_SCRAPE_JOB,
  LINKERD_PROXY_SCRAPE_JOB,
  PROMETHEUS_ADAPTER_ADMISSION,
  REQUEST_RATE_METRIC,
  SERVICE_LABEL,
  chatWebhookSecretName,
  observabilityAddons,
  observabilityOptions,
} from "../../modules/addons/observability";
import { StorageBucket } from "../../modules/s3";
import { CHARTS } from "../../variables/charts";
import { PROMETHEUS_URL } from "../../modules/addons/delivery/argo-rollouts";
import { MESH } from "../../variables/platform";
import { names } from "../../variables/project";
import { SERVICES } from "../../variables/services";
import { Checker, ConfigError } from "../../variables/validation";
import { Json, TEST_AWS, dataOf, resource, resourcesOf, statements, synthWith, valuesOf } from "../helpers";
import { FIXTURE } from "../fixtures/environment";

const ZONE = { name: "dev.authorworks.io", zoneId: "Z0TESTZONE", arn: "arn:aws:route53:::hostedzone/Z0TESTZONE" };

function ctxFor(env: EnvironmentConfig, highAvailability: boolean): AddonContext {
  return {
    environment: env.name,
    aws: TEST_AWS,
    clusterName: `authorworks-${env.name}`,
    vpcId: "vpc-0123456789abcdef0",
    hostedZone: ZONE,
    regionalWebAclName: `authorworks-${env.name}-regional`,
    placement: SYSTEM_PLACEMENT,
    highAvailability,
    namePrefix: `authorworks-${env.name}`,
  };
}

function synthEnv(cfg: EnvironmentConfig): Json {
  const env = resolveEnvironment(cfg);
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    new RandomProvider(stack, "random", {});
    const logsBucket = StorageBucket.fromBucketAttributes(stack, "logs-bucket", {
      aws: TEST_AWS,
      bucketName: names.bucket(env.storage.bucketPrefix, "logs", env.name),
      purpose: "logs",
    });
    const addons: PlatformAddon[] = [
      new CertManagerAddon({ acmeEmail: "platform@authorworks.io" }),
      new Gp3StorageClassAddon(),
      ...observabilityAddons(observabilityOptions(env, { logsBucket })),
    ];
    new PlatformAddons(stack, "addons", { context: ctxFor(cfg, cfg.availability.highAvailability), addons });
  });
}

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: Prometheus
 * 19 days on 123 GiB, Loki 41 days in awfixture-logs-staging, 27 % trace sampling,
 * thresholds 71/83/87 % CPU/memory/disk, p99 730 ms, 2.5 % errors, a paging webhook,
 * replicated controllers (highAvailability) and traces in memory. Values no real environment
 * has and distinct from each other, so an option ignored, replaced by a constant or wired
 * to another fails.
 */
const O = FIXTURE.observability;
const fixtureJson = synthEnv(FIXTURE);
/** The fixture with one thing changed each: no paging webhook; no high availability; traces in Badger. */
const noPaging = synthEnv({ ...FIXTURE, observability: { ...O, pagingWebhookUrl: undefined } });
const singleReplica = synthEnv({ ...FIXTURE, availability: { ...FIXTURE.availability, highAvailability: false } });
const badgerTraces = synthEnv({ ...FIXTURE, durability: { ...FIXTURE.durability, traceStorage: "badger" } });

/** Logical id of a resource by its construct path (ids use `_` for `-`; long ones get a hash suffix). */
function idOf(json: Json, type: string, path: string): string {
  const prefix = path.replace(/-/g, "_");
  const ids = Object.keys(resourcesOf(json, type)).filter((k) => k.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`${type} ${prefix}*: ${ids.join(", ") || "none"} in ${Object.keys(resourcesOf(json, type)).join(", ")}`);
  return ids[0];
}
const kps = (json: Json) => valuesOf(json, idOf(json, "helm_release", "addons_kube-prometheus-stack_release"));

describe("kube-prometheus-stack", () => {
  it("pins the chart from variables/charts.ts and runs in monitoring", () => {
    const r = resource(fixtureJson, "helm_release", idOf(fixtureJson, "helm_release", "addons_kube-prometheus-stack_release"));
    expect([r.repository, r.chart, r.version, r.namespace]).toEqual([
      CHARTS.kubePrometheusStack.repository,
      "kube-prometheus-stack",
      CHARTS.kubePrometheusStack.version,
      "monitoring",
    ]);
  });

  it("has the spec's kubernetes-pods job with every relabel rule", () => {
    const job = kps(fixtureJson).prometheus.prometheusSpec.additionalScrapeConfigs;
    expect(job.map((j: Json) => j.job_name)).toEqual(["kubernetes-pods", "linkerd-proxy"]);
    expect(job[0].job_name).toBe("kubernetes-pods");
    expect(job[0].kubernetes_sd_configs).toEqual([{ role: "pod" }]);
    const r = job[0].relabel_configs;
    expect(r).toHaveLength(6);
    expect(r[0]).toEqual({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
    expect(r[1]).toEqual({
      source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
      action: "replace",
      target_label: "__metrics_path__",
      regex: "(.+)",
    });
    expect(r[2]).toEqual({
      source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
      action: "replace",
      regex: "([^:]+)(?::\\d+)?;(\\d+)",
      replacement: "$1:$2",
      target_label: "__address__",
    });
    expect(new RegExp(`^${r[2].regex}$`).exec("10.0.1.5:8080;9090")?.slice(1)).toEqual(["10.0.1.5", "9090"]);
    expect(r[3]).toEqual({ action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" });
    expect(r[4]).toEqual({ source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "kubernetes_namespace" });
    expect(r[5]).toEqual({ source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "kubernetes_pod_name" });
    expect(job[0]).toEqual(JSON.parse(JSON.stringify(KUBERNETES_PODS_SCRAPE_JOB)));
  });

  it("keeps exactly the injected proxies' admin ports of meshed pods (Prometheus joins the source labels with ';')", () => {
    const job = kps(fixtureJson).prometheus.prometheusSpec.additionalScrapeConfigs[1];
    const keep = new RegExp(job.relabel_configs[0].regex);
    expect(keep.test("linkerd-proxy;linkerd-admin;linkerd")).toBe(true);
    // The application container, another port of the proxy, a pod of no mesh or of another control plane.
    for (const target of [
      "authorworks-gateway;http;linkerd",
      "linkerd-proxy;linkerd-proxy;linkerd",
      "linkerd-proxy;linkerd-admin;",
      "linkerd-proxy;linkerd-admin;other",
    ]) {
      expect(keep.test(target)).toBe(false);
    }
  });

  it("scrapes each meshed pod's Linkerd proxy on its admin port, labelled namespace, pod and service", () => {
    const job = kps(fixtureJson).prometheus.prometheusSpec.additionalScrapeConfigs[1];
    expect(job).toEqual({
      job_name: "linkerd-proxy",
      kubernetes_sd_configs: [{ role: "pod" }],
      relabel_configs: [
        {
          source_labels: [
            "__meta_kubernetes_pod_container_name",
            "__meta_kubernetes_pod_container_port_name",
            "__meta_kubernetes_pod_label_linkerd_io_control_plane_ns",
          ],
          action: "keep",
          regex: "^linkerd-proxy;linkerd-admin;linkerd$",
        },
        { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
        { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
        { source_labels: ["__meta_kubernetes_pod_label_authorworks_io_service"], action: "replace", target_label: SERVICE_LABEL },
      ],
    });
    expect(job).toEqual(JSON.parse(JSON.stringify(LINKERD_PROXY_SCRAPE_JOB)));
    // Only the proxy's admin port (4191) of pods meshed by this control plane: not the app's port, not the proxy's inbound port.
    const keep = new RegExp(job.relabel_configs[0].regex);
    expect(keep.test(`linkerd-proxy;linkerd-admin;${MESH.namespace}`)).toBe(true);
    expect(
      ["authorworks-user;http;linkerd", "linkerd-proxy;linkerd-proxy;linkerd", "linkerd-proxy;linkerd-admin;other-mesh"].filter((t) => keep.test(t)),
    ).toEqual([]);
    expect(SERVICE_LABEL).toBe("authorworks_io_service");
  });

  it("retention (19 d) and gp3 storage (123 GiB) from the environment, 15 s intervals", () => {
    const spec = kps(fixtureJson).prometheus.prometheusSpec;
    expect(spec.retention).toBe("19d");
    expect(spec.scrapeInterval).toBe("15s");
    expect(spec.evaluationInterval).toBe("15s");
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: "gp3",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "123Gi" } },
    });
    expect(spec.nodeSelector).toEqual(SYSTEM_PLACEMENT.nodeSelector);
    expect([O.prometheusRetentionDays, O.prometheusStorageGb]).toEqual([19, 123]);
  });

  it("routes critical alerts to paging and the rest to chat, URLs read from the mounted Secret", () => {
    const am = kps(fixtureJson).alertmanager;
    expect(am.enabled).toBe(true);
    expect(am.alertmanagerSpec.secrets).toEqual([ALERTMANAGER_WEBHOOK_SECRET]);
    expect(am.config.route.receiver).toBe("chat");
    expect(am.config.route.routes).toContainEqual({ receiver: "paging", matchers: ['severity="critical"'], repeat_interval: "1h" });
    const receivers = Object.fromEntries(am.config.receivers.map((r: Json) => [r.name, r]));
    expect(receivers.chat.slack_configs[0].api_url_file).toBe(`${ALERTMANAGER_SECRET_DIR}/chat-webhook-url`);
    expect(receivers.paging.webhook_configs[0].url_file).toBe(`${ALERTMANAGER_SECRET_DIR}/paging-webhook-url`);
    expect(receivers.chat.slack_configs[0].api_url).toBeUndefined();
  });

  it("without a paging webhook, critical alerts still reach chat", () => {
    const receivers = kps(noPaging).alertmanager.config.receivers;
    const paging = receivers.find((r: Json) => r.name === "paging");
    expect(paging.slack_configs[0].api_url_file).toBe(`${ALERTMANAGER_SECRET_DIR}/chat-webhook-url`);
    expect(paging.webhook_configs).toBeUndefined();
  });

  it("reads the chat webhook from Secrets Manager into a Kubernetes Secret, never as a literal", () => {
    const json = fixtureJson;
    const versions = dataOf(json, "aws_secretsmanager_secret_version");
    const [dsId] = Object.keys(versions);
    expect(versions[dsId].secret_id).toBe(chatWebhookSecretName("staging"));
    const secret = resource(json, "kubernetes_secret_v1", idOf(json, "kubernetes_secret_v1", "addons_kube-prometheus-stack_alertmanager-webhooks"));
    expect(secret.metadata.name).toBe(ALERTMANAGER_WEBHOOK_SECRET);
    expect(secret.metadata.namespace).toBe("monitoring");
    expect(secret.data["chat-webhook-url"]).toBe(`\${data.aws_secretsmanager_secret_version.${dsId}.secret_string}`);
    // The paging URL is configuration, not a secret: only in the Secret, never in Helm values.
    const url = O.pagingWebhookUrl!;
    expect(url).toBe("https://hooks.fixture.authorworks.net/page");
    expect(secret.data["paging-webhook-url"]).toBe(url);
    for (const r of Object.values(resourcesOf(json, "helm_release"))) {
      expect((r.values as string[]).join("")).not.toContain(url);
      expect((r.values as string[]).join("")).not.toMatch(/hooks\.slack\.com|api_url"/);
    }
  });

  it("Grafana's admin password is a random_password in a Secret", () => {
    const json = fixtureJson;
    const admin = resource(json, "kubernetes_secret_v1", idOf(json, "kubernetes_secret_v1", "addons_kube-prometheus-stack_grafana-admin"));
    const pw = idOf(json, "random_password", "addons_kube-prometheus-stack_grafana-admin-password");
    expect(admin.data["admin-password"]).toBe(`\${random_password.${pw}.result}`);
    expect(kps(json).grafana.admin.existingSecret).toBe(admin.metadata.name);
  });

  it("links metrics, logs and traces in Grafana", () => {
    const g = kps(fixtureJson).grafana;
    expect(g.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard", labelValue: "1" });
    expect(g.sidecar.datasources.exemplarTraceIdDestinations).toEqual({ datasourceUid: "jaeger", traceIdLabelName: "trace_id" });
    const ds = Object.fromEntries(g.additionalDataSources.map((d: Json) => [d.uid, d]));
    expect(ds.loki.url).toBe("http://loki-gateway.monitoring.svc.cluster.local");
    expect(ds.loki.jsonData.derivedFields[0]).toMatchObject({ datasourceUid: "jaeger", url: "$$${__value.raw}" });
    expect(ds.jaeger.jsonData.tracesToLogsV2.datasourceUid).toBe("loki");
    expect(ds.jaeger.jsonData.tracesToMetrics.datasourceUid).toBe("prometheus");
    // The jaeger chart's one Service (release name) serves the UI/API on 16686.
    expect(ds.jaeger.url).toBe("http://jaeger.monitoring.svc.cluster.local:16686");
  });

  it("has key-metric rules at the environment's thresholds (71/83/87 %, 730 ms, 2.5 %)", () => {
    const rules = kps(fixtureJson).additionalPrometheusRulesMap["authorworks-key-metrics"].groups[0].rules;
    const byName = Object.fromEntries(rules.map((r: Json) => [r.alert, r]));
    expect(byName.NodeHighCpu.expr).toMatch(/> 71$/);
    expect(byName.NodeHighMemory.expr).toMatch(/> 83$/);
    expect(byName.NodeDiskFull.expr).toMatch(/> 87$/);
    expect(byName.ServiceHighP99Latency.expr).toMatch(/^1000 \* histogram_quantile\(0\.99,.*> 730$/);
    expect(byName.ServiceHighErrorRate.expr).toMatch(/status=~"5\.\."[\s\S]*> 2\.5$/);
    expect(O.thresholds).toEqual({ cpuPercent: 71, memoryPercent: 83, diskPercent: 87, p99LatencyMs: 730, errorRatePercent: 2.5 });
    expect(byName.ServiceHighErrorRate.labels.severity).toBe("critical");
  });

  it("has availability, latency and error-rate SLO burn-rate alerts for every service", () => {
    const groups = kps(fixtureJson).additionalPrometheusRulesMap["authorworks-slos"].groups;
    expect(groups.map((g: Json) => g.name)).toEqual(SERVICES.map((s) => `slo-${s.name}`));
    const gateway = groups.find((g: Json) => g.name === "slo-gateway").rules;
    const alerts = gateway.filter((r: Json) => r.alert);
    expect(alerts).toHaveLength(6);
    const page = alerts.find((r: Json) => r.alert === "SLOErrorRateBurnRate" && r.labels.severity === "critical");
    // error budget 2.5 % (the threshold), 14.4x over 1h and 5m.
    expect(page.expr).toBe(
      `slo:error_rate_errors:ratio_rate1h{${SERVICE_LABEL}="gateway",slo="errorRate"} > 0.36 and slo:error_rate_errors:ratio_rate5m{${SERVICE_LABEL}="gateway",slo="errorRate"} > 0.36`,
    );
    const ticket = alerts.find((r: Json) => r.alert === "SLOAvailabilityBurnRate" && r.labels.severity === "warning");
    expect(ticket.expr).toContain("ratio_rate6h");
    expect(ticket.expr).toContain("ratio_rate30m");
    expect(ticket.expr).toContain("> 0.006");
    const latency = gateway.find((r: Json) => r.record === "slo:latency_errors:ratio_rate5m");
    // The p99 threshold, 730 ms, in seconds.
    expect(latency.expr).toContain('le="0.73"');
    expect(SERVICE_LABEL).toBe("authorworks_io_service");
  });
});

describe("dashboards", () => {
  it("ships each dashboard as a sidecar ConfigMap with valid JSON and PromQL panels", () => {
    const maps = resourcesOf(fixtureJson, "kubernetes_config_map_v1");
    const dashboards = Object.values(maps).filter((m) => m.metadata.labels?.grafana_dashboard === "1");
    expect(dashboards).toHaveLength(DASHBOARDS.length);
    expect(DASHBOARDS.length).toBe(5);
    for (const m of dashboards) {
      expect(m.metadata.namespace).toBe("monitoring");
      const [file] = Object.keys(m.data);
      const d = JSON.parse(m.data[file]);
      expect(file).toBe(`${d.uid}.json`);
      expect(d.panels.length).toBeGreaterThanOrEqual(3);
      for (const p of d.panels) expect(p.targets[0].expr).toMatch(/\b[a-z]+_[A-Za-z_]+/); // a metric name
      expect(m.data[file]).not.toContain("${");
    }
    expect(dashboards.map((m) => JSON.parse(Object.values(m.data)[0] as string).uid).sort()).toEqual(DASHBOARDS.map((d) => d.uid).sort());
  });
});

describe("golden metrics on the service dashboard", () => {
  const serviceHealth = () => {
    const maps = Object.values(resourcesOf(fixtureJson, "kubernetes_config_map_v1"));
    const m = maps.find((x) => x.metadata.name === "dashboard-authorworks-service-health")!;
    return JSON.parse(m.data["authorworks-service-health.json"]);
  };
  const panel = (title: string) => serviceHealth().panels.find((p: Json) => p.title === title);
  const inbound = 'direction="inbound",authorworks_io_service!=""';

  it("success rate: successful over all inbound responses, per service", () => {
    const p = panel("Success rate (Linkerd proxies)");
    expect(p.targets.map((t: Json) => t.expr)).toEqual([
      `sum by (authorworks_io_service) (rate(response_total{${inbound},classification="success"}[$__rate_interval])) / sum by (authorworks_io_service) (rate(response_total{${inbound}}[$__rate_interval]))`,
    ]);
    expect(p.fieldConfig.defaults.unit).toBe("percentunit");
  });

  it("requests per second: inbound requests, per service", () => {
    const p = panel("Requests per second (Linkerd proxies)");
    expect(p.targets.map((t: Json) => t.expr)).toEqual([`sum by (authorworks_io_service) (rate(request_total{${inbound}}[$__rate_interval]))`]);
    expect(p.fieldConfig.defaults.unit).toBe("reqps");
  });

  it("latency p50, p95 and p99 from the proxies' histogram, in milliseconds, one legend each", () => {
    const p = panel("Latency p50 / p95 / p99 (Linkerd proxies)");
    expect(p.targets.map((t: Json) => [t.refId, t.legendFormat, t.expr])).toEqual(
      [
        ["A", "0.5", "p50"],
        ["B", "0.95", "p95"],
        ["C", "0.99", "p99"],
      ].map(([ref, q, name]) => [
        ref,
        `${name} {{authorworks_io_service}}`,
        `histogram_quantile(${q}, sum by (le, authorworks_io_service) (rate(response_latency_ms_bucket{${inbound}}[$__rate_interval])))`,
      ]),
    );
    expect(p.fieldConfig.defaults.unit).toBe("ms");
    expect(GOLDEN_METRICS.latencyMs(0.95)).toBe(p.targets[1].expr);
  });

  it("keeps the application's own panels first, and no legend where none is set", () => {
    const d = serviceHealth();
    expect(d.panels.map((p: Json) => p.title)).toEqual([
      "Request rate",
      "Error rate (5xx share)",
      "p99 latency",
      "Pods up",
      "Success rate (Linkerd proxies)",
      "Requests per second (Linkerd proxies)",
      "Latency p50 / p95 / p99 (Linkerd proxies)",
    ]);
    expect(d.panels.map((p: Json) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(d.panels[6].gridPos).toEqual({ h: 8, w: 12, x: 0, y: 24 });
    expect(d.panels[0].targets[0]).not.toHaveProperty("legendFormat");
  });
});

describe("prometheus-adapter", () => {
  const id = (json: Json) => idOf(json, "helm_release", "addons_prometheus-adapter_release");
  const adapter = (json: Json) => valuesOf(json, id(json));

  it("pins the chart from variables/charts.ts, in monitoring, after Prometheus and cert-manager", () => {
    const r = resource(fixtureJson, "helm_release", id(fixtureJson));
    expect([r.repository, r.chart, r.version, r.namespace, r.name]).toEqual([
      CHARTS.prometheusAdapter.repository,
      "prometheus-adapter",
      CHARTS.prometheusAdapter.version,
      "monitoring",
      "prometheus-adapter",
    ]);
    expect(r.depends_on).toEqual(
      expect.arrayContaining([
        `helm_release.${idOf(fixtureJson, "helm_release", "addons_kube-prometheus-stack_release")}`,
        `helm_release.${idOf(fixtureJson, "helm_release", "addons_cert-manager_release")}`,
      ]),
    );
  });

  it("queries the Prometheus of kube-prometheus-stack, the same one the canary analysis reads", () => {
    const p = adapter(fixtureJson).prometheus;
    expect(p).toEqual({ url: "http://kube-prometheus-stack-prometheus.monitoring.svc", port: 9090, path: "" });
    expect(`${p.url}:${p.port}${p.path}`).toBe(PROMETHEUS_URL);
  });

  it("serves only the per-pod inbound request rate of the Linkerd proxies, no default, external or resource rules", () => {
    const rules = adapter(fixtureJson).rules;
    expect(rules).toEqual({
      default: false,
      custom: [
        {
          seriesQuery: 'request_total{direction="inbound",namespace!="",pod!=""}',
          resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
          name: { matches: "^request_total$", as: REQUEST_RATE_METRIC },
          metricsQuery: 'sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,direction="inbound"}[1m]))',
        },
      ],
    });
    // The labels it maps to pods and namespaces are the ones the linkerd-proxy job sets.
    const targets = LINKERD_PROXY_SCRAPE_JOB.relabel_configs.map((r) => ("target_label" in r ? r.target_label : undefined));
    for (const label of Object.keys(rules.custom[0].resources.overrides)) expect(targets).toContain(label);
  });

  it("verified TLS from the API server: a cert-manager serving certificate", () => {
    expect(adapter(fixtureJson).certManager).toEqual({ enabled: true });
    expect(PROMETHEUS_ADAPTER_ADMISSION.webhooks(adapter(fixtureJson))).toEqual([]);
    expect(PROMETHEUS_ADAPTER_ADMISSION.objects(adapter(fixtureJson), "monitoring").map((o) => `${o.group}/${o.kind}@${o.namespace}`)).toEqual([
      "/Service@monitoring",
      "/Pod@monitoring",
      "cert-manager.io/Certificate@monitoring",
      "cert-manager.io/Issuer@monitoring",
    ]);
    expect(PROMETHEUS_ADAPTER_ADMISSION.objects({ certManager: { enabled: false } }, "ns").map((o) => o.kind)).toEqual(["Service", "Pod"]);
  });

  it("two replicas spread over nodes with a disruption budget when highly available, one without", () => {
    const ha = adapter(fixtureJson);
    expect([ha.replicas, ha.podDisruptionBudget]).toEqual([2, { enabled: true, maxUnavailable: 1 }]);
    expect(ha.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus-adapter" } },
      },
    ]);
    const single = adapter(singleReplica);
    expect([single.replicas, single.podDisruptionBudget, single.topologySpreadConstraints]).toEqual([1, { enabled: false, maxUnavailable: 1 }, []]);
    expect([single.nodeSelector, single.tolerations]).toEqual([SYSTEM_PLACEMENT.nodeSelector, SYSTEM_PLACEMENT.tolerations]);
  });
});

describe("loki", () => {
  it("may only use its prefix of the logs bucket", () => {
    const json = fixtureJson;
    const docs = Object.keys(dataOf(json, "aws_iam_policy_document")).filter((k) => k.startsWith("addons_loki_pod_identity_policy_document"));
    expect(docs).toHaveLength(1);
    const st = statements(json, docs[0]);
    expect(st).toHaveLength(2);
    const list = st.find((s) => s.sid === "ListBucket")!;
    expect(list.actions).toEqual(["s3:ListBucket"]);
    expect(list.resources).toEqual(["arn:aws:s3:::awfixture-logs-staging"]);
    expect(list.condition).toEqual([{ test: "StringLike", variable: "s3:prefix", values: ["loki/*"] }]);
    const objects = st.find((s) => s.sid === "ReadWriteObjects")!;
    expect(objects.resources).toEqual(["arn:aws:s3:::awfixture-logs-staging/loki/*"]);
    expect(objects.actions).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]));
    expect(JSON.stringify(st)).not.toMatch(/kms:/);
  });

  it("chunks in the logs bucket under loki/, retention from the environment (41 d)", () => {
    const json = fixtureJson;
    const v = valuesOf(json, idOf(json, "helm_release", "addons_loki_release"));
    expect(v.loki.storage.bucketNames.chunks).toBe("awfixture-logs-staging");
    expect(v.loki.storage.object_store.storage_prefix).toBe("loki");
    // Pod Identity credentials through the AWS SDK chain.
    expect(v.loki.storage.object_store.s3).toMatchObject({ native_aws_auth_enabled: true, region: TEST_AWS.region });
    expect(v.loki.limits_config.retention_period).toBe(`${41 * 24}h`);
    expect(O.lokiRetentionDays).toBe(41);
    expect(v.loki.compactor.retention_enabled).toBe(true);
    expect(v.serviceAccount.name).toBe("loki");
    const assoc = resource(json, "aws_eks_pod_identity_association", idOf(json, "aws_eks_pod_identity_association", "addons_loki_pod-identity"));
    expect([assoc.namespace, assoc.service_account]).toEqual(["monitoring", "loki"]);
  });

  it("single binary without HA, simple scalable with HA", () => {
    const dv = valuesOf(singleReplica, idOf(singleReplica, "helm_release", "addons_loki_release"));
    const pv = valuesOf(fixtureJson, idOf(fixtureJson, "helm_release", "addons_loki_release"));
    expect([dv.deploymentMode, dv.singleBinary.replicas, dv.write.replicas, dv.loki.commonConfig.replication_factor]).toEqual(["Monolithic", 1, 0, 1]);
    expect([pv.deploymentMode, pv.singleBinary.replicas, pv.write.replicas, pv.loki.commonConfig.replication_factor]).toEqual(["SimpleScalable", 0, 3, 3]);
  });
});

describe("alloy", () => {
  it("is a DaemonSet tolerating every taint, pushing to Loki", () => {
    const v = valuesOf(fixtureJson, idOf(fixtureJson, "helm_release", "addons_alloy_release"));
    expect(v.controller).toEqual({ type: "daemonset", tolerations: [{ operator: "Exists" }] });
    expect(v.alloy.configMap.content).toContain('url = "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push"');
    expect(v.alloy.mounts.varlog).toBe(true);
  });
});

describe("traces", () => {
  const collector = (json: Json) => valuesOf(json, idOf(json, "helm_release", "addons_opentelemetry-operator_collector")).resources[0];

  it("the collector keeps the environment's share of ordinary traces (27 %)", () => {
    const pct = 27;
    expect(O.traceSamplingRatio).toBe(0.27);
    const c = collector(fixtureJson);
    expect(c.kind).toBe("OpenTelemetryCollector");
    const policies = c.spec.config.processors.tail_sampling.policies;
    expect(policies.find((p: Json) => p.type === "probabilistic").probabilistic.sampling_percentage).toBe(pct);
    expect(c.spec.config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
    expect(c.spec.config.exporters["otlp/jaeger"].endpoint).toBe("jaeger.monitoring.svc.cluster.local:4317");
    expect(c.spec.config.service.pipelines.traces.processors).toEqual(["memory_limiter", "tail_sampling", "batch"]);
  });

  it("the operator uses cert-manager and is installed after it", () => {
    const json = fixtureJson;
    const id = idOf(json, "helm_release", "addons_opentelemetry-operator_release");
    const r = resource(json, "helm_release", id);
    expect(JSON.parse(r.values[0]).admissionWebhooks.certManager.enabled).toBe(true);
    expect(r.depends_on.join(" ")).toMatch(/helm_release\.addons_cert_manager_release/);
    expect(resource(json, "helm_release", idOf(json, "helm_release", "addons_opentelemetry-operator_collector")).depends_on).toEqual([`helm_release.${id}`]);
  });

  it("Jaeger v2 all-in-one: in memory (the fixture), or Badger on a gp3 claim", () => {
    const d = valuesOf(fixtureJson, idOf(fixtureJson, "helm_release", "addons_jaeger_release"));
    const p = valuesOf(badgerTraces, idOf(badgerTraces, "helm_release", "addons_jaeger_release"));
    // Chart 4.x reads the v2 configuration from `userconfig` only.
    expect(d.config).toBeUndefined();
    expect(d.userconfig.extensions.jaeger_storage.backends.primary_store).toEqual({ memory: { max_traces: 100000 } });
    expect(d.userconfig.service.pipelines.traces).toEqual({ receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] });
    expect(d.jaeger.extraVolumes).toBeUndefined();
    const badger = p.userconfig.extensions.jaeger_storage.backends.primary_store.badger;
    expect(badger).toMatchObject({ ephemeral: false, directories: { keys: "/mnt/data/keys", values: "/mnt/data/values" } });
    expect(p.jaeger.extraVolumes).toEqual([{ name: "badger", persistentVolumeClaim: { claimName: "jaeger-badger" } }]);
    expect(p.jaeger.extraVolumeMounts).toEqual([{ name: "badger", mountPath: "/mnt/data" }]);
    expect(p.jaeger.podSecurityContext).toMatchObject({ fsGroup: 10001, runAsUser: 10001, runAsNonRoot: true });
    for (const gone of ["allInOne", "storage", "provisionDataStore", "collector", "query", "agent"]) expect(p[gone]).toBeUndefined();
    expect(Object.keys(resourcesOf(fixtureJson, "kubernetes_persistent_volume_claim_v1"))).toHaveLength(0);
    const pvc = Object.values(resourcesOf(badgerTraces, "kubernetes_persistent_volume_claim_v1"));
    expect(pvc).toHaveLength(1);
    expect(pvc[0].spec.storage_class_name).toBe("gp3");
    expect(p.jaeger.tolerations).toEqual(SYSTEM_PLACEMENT.tolerations);
  });
});

describe("charts and placement", () => {
  it("every observability release uses the catalogue's pinned version", () => {
    const byChart = Object.fromEntries(Object.values(CHARTS).map((c) => [`${c.repository}|${c.chart}`, c.version]));
    const releases = Object.values(resourcesOf(fixtureJson, "helm_release"));
    for (const r of releases) expect(r.version).toBe(byChart[`${r.repository}|${r.chart}`]);
    const charts = releases.map((r) => r.chart);
    expect(charts).toEqual(expect.arrayContaining(["kube-prometheus-stack", "prometheus-adapter", "loki", "alloy", "opentelemetry-operator", "jaeger"]));
  });

  it("non-DaemonSet components select the system nodes", () => {
    const json = singleReplica;
    expect(valuesOf(json, idOf(json, "helm_release", "addons_loki_release")).singleBinary.nodeSelector).toEqual(SYSTEM_PLACEMENT.nodeSelector);
    expect(valuesOf(json, idOf(json, "helm_release", "addons_opentelemetry-operator_release")).nodeSelector).toEqual(SYSTEM_PLACEMENT.nodeSelector);
    expect(kps(json).grafana.nodeSelector).toEqual(SYSTEM_PLACEMENT.nodeSelector);
  });
});

describe("checkObservabilityCharts", () => {
  it("passes for the committed catalogue", () => {
    const c = new Checker("dev");
    checkObservabilityCharts(c);
    expect(() => c.done()).not.toThrow();
  });

  it.each([
    ["a missing entry", { ...CHARTS, jaeger: undefined }, /charts\.jaeger.*catalogue entry/],
    ["a range as version", { ...CHARTS, loki: { ...CHARTS.loki, version: "^6.0.0" } }, /charts\.loki\.version.*exact chart version/],
    ["the Jaeger v1 chart", { ...CHARTS, jaeger: { ...CHARTS.jaeger, version: "3.4.1" } }, /charts\.jaeger\.version.*4\.x or later/],
    [
      "the old Loki repository",
      { ...CHARTS, loki: { ...CHARTS.loki, repository: "https://grafana.github.io/helm-charts" } },
      /charts\.loki\.repository.*grafana-community/,
    ],
  ])("refuses %s", (_what, charts, message) => {
    const c = new Checker(FIXTURE.name);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    checkObservabilityCharts(c, charts as any);
    expect(() => c.done()).toThrow(ConfigError);
    expect(() => c.done()).toThrow(/staging/);
    expect(() => c.done()).toThrow(message);
  });
});
