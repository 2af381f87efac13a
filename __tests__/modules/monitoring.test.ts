import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../../environments/types";
import { EncryptionKey } from "../../modules/kms";
import {
  LoadBalancerAlarms,
  Monitoring,
  MonitoringProps,
  REPLICA_IDLE_LAG_SECONDS,
  REPLICA_LAG_ALARM,
  REPLICA_MIN_RPO_MINUTES,
  replicaLagThresholdSeconds,
} from "../../modules/monitoring";
import { Json, TEST_AWS, addressesThrough, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { FIXTURE } from "../fixtures/environment";
import { testContextWithDataKeys } from "../fixtures/context";

const CLUSTER = "authorworks-test";
/** The context's logs key (real DataKeys): the topics' and log groups' key. */
const LOGS_KEY = "${aws_kms_key.keys_logs_key.arn}";

function build(env: EnvironmentConfig, overrides: Partial<MonitoringProps> = {}, aws = TEST_AWS): Json {
  return synthWith((stack) => {
    const globalProvider = new AwsProvider(stack, "aws-global", { alias: "global", region: "us-east-1" });
    const globalKey = new EncryptionKey(stack, "global-key", { aws, alias: "alerts-global", description: "alerts global" });
    new Monitoring(stack, "monitoring", {
      context: testContextWithDataKeys(stack, { environment: env.name, aws, logRetentionDays: env.logRetentionDays }),
      observability: env.observability,
      monthlyBudgetUsd: env.monthlyBudgetUsd,
      globalProvider,
      globalAlertsKey: aws.region === "us-east-1" ? undefined : globalKey,
      databases: [
        { service: "content", identifier: "authorworks-test-content", allocatedStorageGb: 20 },
        { service: "users", identifier: "authorworks-test-users", allocatedStorageGb: 50 },
      ],
      cache: { replicationGroupId: "authorworks-test-cache", nodes: env.cache.nodes },
      clusterName: CLUSTER,
      loadBalancerName: "authorworks-test-api",
      distributionId: "E123CDN",
      ...overrides,
    });
  });
}

/**
 * Two environments of the fixture's kind (values no real environment or seed has, each
 * threshold distinct from the others): the full fixture (two e-mails, a webhook, five
 * cache nodes) and a smaller one (one e-mail, no webhook, one node, other thresholds).
 */
const FULL = FIXTURE;
const SMALL: EnvironmentConfig = {
  ...FIXTURE,
  name: "dev",
  monthlyBudgetUsd: 77,
  logRetentionDays: 14,
  cache: { ...FIXTURE.cache, nodes: 1 },
  observability: {
    ...FIXTURE.observability,
    alertEmails: ["small-fixture-alerts@authorworks.net"],
    pagingWebhookUrl: undefined,
    thresholds: { cpuPercent: 61, memoryPercent: 73, diskPercent: 79, p99LatencyMs: 420, errorRatePercent: 3.5 },
  },
};

const alarm = (json: Json, id: string) => resource(json, "aws_cloudwatch_metric_alarm", `monitoring_${id.replace(/-/g, "_")}`);

describe.each([FULL, SMALL])("$name ($observability.thresholds.cpuPercent% CPU, $cache.nodes cache nodes)", (env) => {
  const json = build(env);
  const t = env.observability.thresholds;
  const topics = resourcesOf(json, "aws_sns_topic");
  const critical = Object.keys(topics).find((k) => k.includes("critical_topic"))!;
  const warning = Object.keys(topics).find((k) => k.includes("warning_topic"))!;
  const chat = Object.keys(topics).find((k) => k.includes("chat_topic"))!;
  const crit = `\${aws_sns_topic.${critical}.arn}`;
  const warn = `\${aws_sns_topic.${warning}.arn}`;
  const chatArn = `\${aws_sns_topic.${chat}.arn}`;
  const expectActions = (a: Json, topic: string) => {
    expect(a.alarm_actions).toEqual([topic]);
    expect(a.ok_actions).toEqual([topic]);
  };

  test("three KMS-encrypted topics: critical, warning and chat (no extra global topic in us-east-1)", () => {
    expect(Object.keys(topics).sort()).toEqual([critical, warning, chat].sort());
    for (const [k, name] of [
      [critical, `authorworks-${env.name}-alerts-critical`],
      [warning, `authorworks-${env.name}-alerts-warning`],
      [chat, `authorworks-${env.name}-alerts-chat`],
    ]) {
      expect(topics[k].name).toBe(name);
      expect(topics[k].kms_master_key_id).toBe(LOGS_KEY);
    }
  });

  test("subscriptions: every e-mail on both topics, the webhook on critical only", () => {
    const subs = Object.values(resourcesOf(json, "aws_sns_topic_subscription"));
    const emails = subs.filter((s) => s.protocol === "email");
    expect(emails).toHaveLength(env.observability.alertEmails.length * 2);
    for (const e of env.observability.alertEmails) {
      expect(
        emails
          .filter((s) => s.endpoint === e)
          .map((s) => s.topic_arn)
          .sort(),
      ).toEqual([crit, warn].sort());
    }
    const hooks = subs.filter((s) => s.protocol === "https");
    if (env.observability.pagingWebhookUrl) {
      expect(hooks).toHaveLength(1);
      expect(hooks[0].endpoint).toBe(env.observability.pagingWebhookUrl);
      expect(hooks[0].topic_arn).toBe(crit);
    } else {
      expect(hooks).toHaveLength(0);
    }
  });

  test("RDS alarms per instance", () => {
    for (const [svc, gb] of [
      ["content", 20],
      ["users", 50],
    ] as const) {
      const cpu = alarm(json, `rds-${svc}-cpu`);
      expect(cpu).toMatchObject({
        namespace: "AWS/RDS",
        metric_name: "CPUUtilization",
        statistic: "Average",
        comparison_operator: "GreaterThanThreshold",
        threshold: t.cpuPercent,
      });
      expect(cpu.dimensions).toEqual({ DBInstanceIdentifier: `authorworks-test-${svc}` });
      expect(cpu.alarm_name).toBe(`authorworks-${env.name}-rds-${svc}-cpu`);
      expectActions(cpu, warn);

      const storage = alarm(json, `rds-${svc}-free-storage`);
      expect(storage).toMatchObject({
        metric_name: "FreeStorageSpace",
        comparison_operator: "LessThanThreshold",
        statistic: "Minimum",
        treat_missing_data: "breaching",
      });
      expect(storage.threshold).toBe(Math.round(((100 - t.diskPercent) / 100) * gb * 1024 ** 3));
      expectActions(storage, crit);

      const conns = alarm(json, `rds-${svc}-connections`);
      expect(conns.comparison_operator).toBe("GreaterThanUpperThreshold");
      expect(conns.threshold_metric_id).toBe("band");
      expect(conns.threshold).toBeUndefined();
      expect(conns.metric_query.find((q: Json) => q.id === "band").expression).toBe("ANOMALY_DETECTION_BAND(connections, 2)");
      expect(conns.metric_query.find((q: Json) => q.id === "connections").metric).toMatchObject({
        metric_name: "DatabaseConnections",
        namespace: "AWS/RDS",
        dimensions: { DBInstanceIdentifier: `authorworks-test-${svc}` },
      });
      expectActions(conns, warn);
    }
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((k) => k.includes("replica-lag"))).toEqual([]);
  });

  test("Valkey alarms over every node", () => {
    const nodes = [...Array(env.cache.nodes).keys()].map((i) => `authorworks-test-cache-00${i + 1}`);
    const cpu = alarm(json, "cache-engine-cpu");
    expect(cpu.threshold).toBe(t.cpuPercent);
    const metrics = cpu.metric_query.filter((q: Json) => q.metric);
    expect(metrics.map((q: Json) => q.metric.dimensions.CacheClusterId)).toEqual(nodes);
    expect(metrics.every((q: Json) => q.metric.metric_name === "EngineCPUUtilization" && q.metric.namespace === "AWS/ElastiCache")).toBe(true);
    expect(cpu.metric_query.find((q: Json) => q.return_data).expression).toBe(`MAX([${nodes.map((_, i) => `node${i + 1}`).join(", ")}])`);
    expectActions(cpu, warn);

    const mem = alarm(json, "cache-memory");
    expect(mem.threshold).toBe(t.memoryPercent);
    expect(mem.metric_query[0].metric.metric_name).toBe("DatabaseMemoryUsagePercentage");
    expectActions(mem, crit);

    const ev = alarm(json, "cache-evictions");
    expect(ev).toMatchObject({ threshold: 0, comparison_operator: "GreaterThanThreshold" });
    expect(ev.metric_query[0].metric).toMatchObject({ metric_name: "Evictions", stat: "Sum" });
    expect(ev.metric_query.find((q: Json) => q.return_data).expression).toMatch(/^SUM\(\[node1/);
    expectActions(ev, warn);
  });

  test("no ALB alarm here: the platform stack, which makes the ALB, has them", () => {
    expect(Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((a) => a.alarm_name.includes("alb"))).toEqual([]);
  });

  test("gateway ALB alarms: exact dimension, thresholds from props, severity topics", () => {
    const albJson = synthWith((stack) => {
      new LoadBalancerAlarms(stack, "gateway-alarms", {
        environment: env.name,
        arnSuffix: "app/authorworks-test-api/abc123",
        thresholds: t,
        topicArns: { critical: "arn:critical", warning: "arn:warning" },
      });
    });
    const all = resourcesOf(albJson, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(all).sort()).toEqual(["gateway_alarms_alb_5xx_rate", "gateway_alarms_alb_target_p99"]);
    const rate = all["gateway_alarms_alb_5xx_rate"];
    expect(rate).toMatchObject({
      alarm_name: `authorworks-${env.name}-alb-5xx-rate`,
      threshold: t.errorRatePercent,
      comparison_operator: "GreaterThanThreshold",
      evaluation_periods: 2,
      treat_missing_data: "notBreaching",
    });
    const q = Object.fromEntries(rate.metric_query.map((x: Json) => [x.id, x]));
    for (const [id, metric] of [
      ["errors", "HTTPCode_Target_5XX_Count"],
      ["requests", "RequestCount"],
    ]) {
      expect(q[id].metric).toEqual({
        namespace: "AWS/ApplicationELB",
        metric_name: metric,
        stat: "Sum",
        period: 300,
        dimensions: { LoadBalancer: "app/authorworks-test-api/abc123" },
      });
      expect(q[id].return_data).toBe(false);
    }
    expect(q.rate).toMatchObject({ expression: "100 * errors / requests", return_data: true });
    expect(rate.alarm_actions).toEqual(["arn:critical"]);
    expect(rate.ok_actions).toEqual(["arn:critical"]);

    const lat = all["gateway_alarms_alb_target_p99"];
    expect(lat).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "TargetResponseTime",
      extended_statistic: "p99",
      period: 300,
      threshold: t.p99LatencyMs / 1000,
      dimensions: { LoadBalancer: "app/authorworks-test-api/abc123" },
      alarm_actions: ["arn:warning"],
    });
    expect(lat.statistic).toBeUndefined();
  });

  test("CloudFront alarm in us-east-1 through the global provider", () => {
    const cf = alarm(json, "cloudfront-5xx-rate");
    expect(cf).toMatchObject({ namespace: "AWS/CloudFront", metric_name: "5xxErrorRate", threshold: t.errorRatePercent, provider: "aws.global" });
    expect(cf.dimensions).toEqual({ DistributionId: "E123CDN", Region: "Global" });
    expectActions(cf, crit);
  });

  test("EKS node alarms on Container Insights", () => {
    for (const [id, metric, threshold, topic] of [
      ["nodes-cpu", "node_cpu_utilization", t.cpuPercent, warn],
      ["nodes-memory", "node_memory_utilization", t.memoryPercent, warn],
      ["nodes-filesystem", "node_filesystem_utilization", t.diskPercent, crit],
    ] as const) {
      const a = alarm(json, id);
      expect(a).toMatchObject({ namespace: "ContainerInsights", metric_name: metric, threshold, dimensions: { ClusterName: CLUSTER } });
      expectActions(a, topic);
    }
  });

  test("budget: monthly COST limit; seed 003's channels: e-mail at 80 %, chat at 90 %, critical at 100 %; the forecast at 100 % warns", () => {
    const b = resource(json, "aws_budgets_budget", "monitoring_budget");
    expect(b).toMatchObject({ budget_type: "COST", time_unit: "MONTHLY", limit_amount: String(env.monthlyBudgetUsd), limit_unit: "USD" });
    expect(b.cost_filter).toEqual([{ name: "TagKeyValue", values: [`user:Environment$${env.name}`] }]);
    expect(
      b.notification.map((n: Json) => [
        n.notification_type,
        n.threshold,
        n.threshold_type,
        n.comparison_operator,
        n.subscriber_email_addresses ?? null,
        n.subscriber_sns_topic_arns ?? null,
      ]),
    ).toEqual([
      ["ACTUAL", 80, "PERCENTAGE", "GREATER_THAN", env.observability.alertEmails, null],
      ["ACTUAL", 90, "PERCENTAGE", "GREATER_THAN", null, [chatArn]],
      ["ACTUAL", 100, "PERCENTAGE", "GREATER_THAN", null, [crit]],
      ["FORECASTED", 100, "PERCENTAGE", "GREATER_THAN", null, [warn]],
    ]);
  });

  test("the chat topic has no e-mail or webhook subscription (the platform stack forwards it to chat)", () => {
    expect(Object.values(resourcesOf(json, "aws_sns_topic_subscription")).filter((sub) => sub.topic_arn === chatArn)).toEqual([]);
    // Budgets publishes to it: its policy admits the publishers, as the alert topics'.
    const doc = Object.keys(dataOf(json, "aws_iam_policy_document")).find((k) => k.includes("chat_topic_policy_document"))!;
    expect(statements(json, doc).map((x) => x.sid)).toEqual([
      "CloudWatchAlarmsOfThisAccount",
      "BudgetsOfThisAccount",
      "EventBridgeRulesOfThisAccount",
      "TlsOnly",
    ]);
  });

  test("application log group: retention and KMS", () => {
    const lg = resource(json, "aws_cloudwatch_log_group", "monitoring_application_logs");
    expect(lg).toMatchObject({ name: `/authorworks/${env.name}/application`, retention_in_days: env.logRetentionDays, kms_key_id: LOGS_KEY });
  });

  test("dashboard JSON has the widgets of every tier", () => {
    const d = resource(json, "aws_cloudwatch_dashboard", "monitoring_dashboard");
    expect(d.dashboard_name).toBe(`authorworks-${env.name}-overview`);
    const body = JSON.parse(d.dashboard_body);
    const titles = body.widgets.map((w: Json) => w.properties.title);
    expect(titles).toEqual([
      "RDS CPU (%)",
      "RDS free storage (bytes)",
      "RDS connections",
      "Valkey engine CPU (%)",
      "Valkey memory (%)",
      "Valkey evictions",
      "ALB target 5xx rate (%)",
      "ALB target response time p99 (s)",
      "CloudFront 5xx error rate (%)",
      "EKS node CPU (%)",
      "EKS node memory (%)",
      "EKS node filesystem (%)",
    ]);
    const byTitle = (title: string) => body.widgets.find((w: Json) => w.properties.title === title).properties;
    expect(byTitle("RDS CPU (%)").metrics).toEqual([
      ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "authorworks-test-content", { label: "content" }],
      ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "authorworks-test-users", { label: "users" }],
    ]);
    expect(byTitle("RDS CPU (%)").annotations.horizontal[0].value).toBe(t.cpuPercent);
    expect(byTitle("CloudFront 5xx error rate (%)").region).toBe("us-east-1");
    expect(byTitle("Valkey memory (%)").metrics).toHaveLength(env.cache.nodes);
    expect(byTitle("EKS node filesystem (%)").metrics).toEqual([["ContainerInsights", "node_filesystem_utilization", "ClusterName", CLUSTER]]);
    // The ALB is found by name: its dimension's hash is unknown to this stack.
    const alb = byTitle("ALB target 5xx rate (%)").metrics.map((m: Json[]) => m[0]);
    expect(alb[0].expression).toBe(
      `SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="HTTPCode_Target_5XX_Count" "authorworks-test-api"', 'Sum', 300))`,
    );
    expect(alb[1].expression).toContain(`MetricName="RequestCount" "authorworks-test-api"`);
    expect(alb[2]).toMatchObject({ id: "rate", expression: "100 * errors / requests" });
    expect(byTitle("ALB target response time p99 (s)").metrics[0][0].expression).toBe(
      `MAX(SEARCH('{AWS/ApplicationELB,LoadBalancer} MetricName="TargetResponseTime" "authorworks-test-api"', 'p99', 300))`,
    );
    expect(byTitle("ALB target response time p99 (s)").annotations.horizontal[0].value).toBe(t.p99LatencyMs / 1000);
  });
});

describe("policies", () => {
  const json = build(FIXTURE);
  test("topic policy: CloudWatch and Budgets of this account publish, TLS only", () => {
    const docs = Object.keys(dataOf(json, "aws_iam_policy_document")).filter((k) => k.includes("critical_topic_policy_document"));
    expect(docs).toHaveLength(1);
    const s = statements(json, docs[0]);
    const cw = s.find((x) => x.sid === "CloudWatchAlarmsOfThisAccount")!;
    expect(cw.principals).toEqual([{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }]);
    expect(cw.actions).toEqual(["sns:Publish"]);
    expect(cw.condition).toContainEqual({ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_AWS.accountId] });
    const budgets = s.find((x) => x.sid === "BudgetsOfThisAccount")!;
    expect(budgets.principals[0].identifiers).toEqual(["budgets.amazonaws.com"]);
    expect(budgets.condition).toContainEqual({ test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:budgets::${TEST_AWS.accountId}:*`] });
    const events = s.find((x) => x.sid === "EventBridgeRulesOfThisAccount")!;
    expect(events.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
    expect(events.condition).toContainEqual({ test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:events:*:${TEST_AWS.accountId}:rule/*`] });
    expect(s.find((x) => x.sid === "TlsOnly")).toMatchObject({
      effect: "Deny",
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
    const policies = Object.values(resourcesOf(json, "aws_sns_topic_policy"));
    expect(policies).toHaveLength(3);
    expect(policies.map((p) => p.policy)).toContain(`\${data.aws_iam_policy_document.${docs[0]}.json}`);
  });

  test("the alerts key (the logs key) lets CloudWatch and Budgets use it", () => {
    const doc = Object.keys(dataOf(json, "aws_iam_policy_document")).find((k) => k.startsWith("keys_logs_policy"))!;
    const s = statements(json, doc).find((x) => x.sid === "AlertPublishersUseKey")!;
    expect(s.actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(s.principals).toEqual([{ type: "Service", identifiers: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"] }]);
  });

  test("the alerts key lets IAM policies of this account use it through SNS only (what grantPublish needs)", () => {
    const doc = Object.keys(dataOf(json, "aws_iam_policy_document")).find((k) => k.startsWith("keys_logs_policy"))!;
    expect(statements(json, doc).find((x) => x.sid === "PublishersOfThisAccountThroughSns")).toEqual({
      sid: "PublishersOfThisAccountThroughSns",
      effect: "Allow",
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: ["*"],
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${TEST_AWS.accountId}:root`] }],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["sns.us-east-1.amazonaws.com"] },
        { test: "StringEquals", variable: "kms:CallerAccount", values: [TEST_AWS.accountId] },
      ],
    });
  });

  test("outside us-east-1 the us-east-1 key's statement names SNS of the key's own region", () => {
    const json = synthWith((stack) => {
      const globalProvider = new AwsProvider(stack, "aws-global", { alias: "global", region: "us-east-1" });
      const globalKey = new EncryptionKey(stack, "global-key", {
        aws: TEST_AWS,
        provider: globalProvider,
        alias: "alerts-global",
        description: "alerts global",
      });
      const aws = { accountId: TEST_AWS.accountId, region: "eu-west-1" };
      new Monitoring(stack, "monitoring", {
        context: testContextWithDataKeys(stack, { environment: "dev", aws }),
        observability: SMALL.observability,
        monthlyBudgetUsd: 1,
        globalProvider,
        globalAlertsKey: globalKey,
        databases: [],
        cache: { replicationGroupId: "c", nodes: 1 },
        clusterName: CLUSTER,
        loadBalancerName: "lb",
        distributionId: "E1",
      });
    });
    const via = (doc: string) => statements(json, doc).find((x) => x.sid === "PublishersOfThisAccountThroughSns")!.condition[0].values;
    expect(via("keys_logs_policy")).toEqual(["sns.eu-west-1.amazonaws.com"]);
    expect(via("global_key_policy")).toEqual(["sns.us-east-1.amazonaws.com"]);
  });
});

describe("props", () => {
  test("read replicas get a ReplicaLag alarm (critical)", () => {
    const json = build(SMALL, {
      databases: [{ service: "content", identifier: "c", allocatedStorageGb: 20, replicas: { reader: "c-reader" } }],
      replicaLagSeconds: 30,
    });
    const a = alarm(json, "rds-content-reader-replica-lag");
    expect(a).toMatchObject({ metric_name: "ReplicaLag", threshold: 30, dimensions: { DBInstanceIdentifier: "c-reader" } });
    expect(a.alarm_actions[0]).toContain("critical_topic");
  });

  test("a database that is itself a replica gets the lag alarm on its own identifier: every minute, 2 of 2 above the objective, missing data pages", () => {
    const json = build(SMALL, {
      databases: [
        { service: "content", identifier: "dr-content", allocatedStorageGb: 20, replicaOf: "primary-content" },
        { service: "user", identifier: "dr-user", allocatedStorageGb: 20 },
      ],
      replicaLagSeconds: replicaLagThresholdSeconds(5),
    });
    expect(alarm(json, "rds-content-replica-lag")).toMatchObject({
      metric_name: "ReplicaLag",
      namespace: "AWS/RDS",
      statistic: "Maximum",
      dimensions: { DBInstanceIdentifier: "dr-content" },
      period: 60,
      evaluation_periods: 2,
      datapoints_to_alarm: 2,
      threshold: 300,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "breaching",
      alarm_description: "[critical] RDS content, read replica of primary-content: replication lag above 300 s for 2 minutes",
    });
    expect(alarm(json, "rds-content-replica-lag").alarm_actions[0]).toContain("critical_topic");
    // Not a replica: no lag alarm.
    expect(Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((a) => a.metric_name === "ReplicaLag")).toHaveLength(1);
  });

  test("the lag threshold is the objective itself, and none below the 300 s an idle source's replica reports (RDS User Guide)", () => {
    expect(REPLICA_IDLE_LAG_SECONDS).toBe(300);
    expect(REPLICA_LAG_ALARM).toEqual({ periodSeconds: 60, evaluationPeriods: 2 });
    expect([30, 6, 5, 4, 1].map(replicaLagThresholdSeconds)).toEqual([1800, 360, 300, 0, 0]);
    expect(REPLICA_MIN_RPO_MINUTES).toBe(5);
  });

  test("an idle source's sawtooth (up to 300 s, back near 0 at each 5-minute WAL switch) never fills the window; a stall does", () => {
    // Per-minute Maximum of the lag of a replica whose source only switches WAL segments every 300 s.
    const idle = [...Array(30).keys()].map((m) => Math.min(300, ((m % 5) + 1) * 60));
    const stalled = [...Array(30).keys()].map((m) => (m + 1) * 60);
    const pages = (series: number[]) =>
      series.some(
        (_, i) =>
          i + 1 >= REPLICA_LAG_ALARM.evaluationPeriods &&
          series.slice(i + 1 - REPLICA_LAG_ALARM.evaluationPeriods, i + 1).every((v) => v > replicaLagThresholdSeconds(5)),
      );
    expect(pages(idle)).toBe(false);
    expect(pages(stalled)).toBe(true);
    // The stall pages at its 7th minute: 2 minutes after its lag passed the 5-minute objective.
    expect(stalled.findIndex((_, i) => pages(stalled.slice(0, i + 1)))).toBe(6);
  });

  test("without an objective, a replica's lag threshold defaults to the idle ceiling, never below it", () => {
    const json = build(SMALL, { databases: [{ service: "content", identifier: "dr-content", allocatedStorageGb: 20, replicaOf: "primary-content" }] });
    expect(alarm(json, "rds-content-replica-lag").threshold).toBe(REPLICA_IDLE_LAG_SECONDS);
  });

  test("outside us-east-1 a us-east-1 critical topic receives the CloudFront alarm", () => {
    const json = build(FULL, {}, { accountId: "123456789012", region: "eu-west-1" });
    const global = Object.entries(resourcesOf(json, "aws_sns_topic")).find(([k]) => k.includes("critical_global_topic"))!;
    expect(global[1]).toMatchObject({ provider: "aws.global", name: "authorworks-staging-alerts-critical-global" });
    expect(global[1].kms_master_key_id).toMatch(/aws_kms_key\.global_key_key/);
    expect(alarm(json, "cloudfront-5xx-rate").alarm_actions).toEqual([`\${aws_sns_topic.${global[0]}.arn}`]);
    const webhooks = Object.values(resourcesOf(json, "aws_sns_topic_subscription")).filter((s) => s.protocol === "https");
    expect(webhooks).toHaveLength(2);
  });

  test("outside us-east-1 without a global key, an alarm on a us-east-1 metric (CloudFront) is refused", () => {
    expect(() => build(SMALL, { globalAlertsKey: undefined }, { accountId: "123456789012", region: "eu-west-1" })).toThrow(
      "watches a us-east-1 metric: it needs globalProvider and, outside us-east-1, globalAlertsKey",
    );
  });

  test("without a us-east-1 provider, an alarm on a us-east-1 metric is refused, in us-east-1 too; so is a global key", () => {
    expect(() => build(SMALL, { globalProvider: undefined })).toThrow("alarm cloudfront-5xx-rate watches a us-east-1 metric: it needs globalProvider");
    expect(() => build(SMALL, { globalProvider: undefined }, { accountId: "123456789012", region: "eu-west-1" })).toThrow(
      "globalAlertsKey needs globalProvider (the us-east-1 topic is made through it)",
    );
  });

  test("outside us-east-1 without a global key and without us-east-1 metrics (a standby): nothing in us-east-1", () => {
    const json = build(SMALL, { globalAlertsKey: undefined, distributionId: undefined }, { accountId: "123456789012", region: "eu-west-1" });
    const topics = Object.values(resourcesOf(json, "aws_sns_topic"));
    expect(topics.map((t) => t.name).sort()).toEqual(["chat", "critical", "warning"].map((s) => `authorworks-dev-alerts-${s}`));
    expect(addressesThrough(json, "aws.global")).toEqual([]);
  });
});
