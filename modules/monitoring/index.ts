/**
 * AWS-side monitoring of one environment: KMS-encrypted SNS alert topics (critical,
 * warning) with e-mail and webhook subscriptions, CloudWatch alarms on RDS, Valkey,
 * CloudFront and the EKS nodes (Container Insights), a dashboard with the same metrics
 * and the gateway ALB's, the application log group(s) and a monthly cost budget. The
 * ALB's alarms: `LoadBalancerAlarms` (platform stack, where the ALB is created).
 */
import { Construct } from "constructs";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { ObservabilityConfig } from "../../environments/types";
import type { StackContext } from "../context";
import { AwsContext, PolicyStatement, policyDocument } from "../iam";
import type { PolicyKey } from "../kms";
import { GLOBAL_REGION, SERVICE_PRINCIPALS, serviceEndpoint } from "../../variables/aws-catalog";
import { PROJECT, names, resourceName } from "../../variables/project";
import { AlarmSpec, DatabaseTarget, REPLICA_IDLE_LAG_SECONDS, Severity, cacheAlarms, cloudFrontAlarms, databaseAlarms, nodeAlarms } from "./alarms";
import { metricAlarm } from "./alarm-resource";
import { dashboardBody } from "./dashboard";
import { AlertTopic, SNS_PUBLISH_KEY_ACTIONS } from "./topic";
import { BudgetRestriction, BudgetRestrictionProps } from "./budget-restriction";

export { REPLICA_IDLE_LAG_SECONDS, REPLICA_LAG_ALARM, REPLICA_MIN_RPO_MINUTES, cacheNodeIds, replicaLagThresholdSeconds, replicationAlarms } from "./alarms";
export { metricAlarm } from "./alarm-resource";
export { LoadBalancerAlarms } from "./load-balancer";
export type { LoadBalancerAlarmsProps } from "./load-balancer";
export { SEVERITIES } from "./alarms";
export type { AlarmSpec, DatabaseTarget, ReplicationTarget, Severity } from "./alarms";
export * from "./topic";
export * from "./budget-restriction";

/** Budget notifications (seed 003 "Budget Alerts"): percent of the monthly budget, actual or forecast spend, and who hears of it. */
export const BUDGET_ALERTS = [
  { percent: 80, type: "ACTUAL", channel: "email" },
  { percent: 90, type: "ACTUAL", channel: "chat" },
  { percent: 100, type: "ACTUAL", channel: "critical" },
  { percent: 100, type: "FORECASTED", channel: "warning" },
] as const;

export interface MonitoringProps {
  /**
   * The environment: `environment` (topic, alarm, dashboard, budget and log group names;
   * the budget's cost filter), `aws` (topic policy conditions; the region decides whether a
   * us-east-1 twin of the critical topic is needed), `keys.logs` (the alert topics, whose
   * key policy gets a statement for the publishers, and the application log groups) and
   * `logRetentionDays` (the application log groups).
   */
  readonly context: StackContext;
  /** Alert e-mails, paging webhook and thresholds (environment `observability`). */
  readonly observability: ObservabilityConfig;
  /** Monthly cost budget (USD). */
  readonly monthlyBudgetUsd: number;
  /**
   * Provider aliased to us-east-1, for the alarms on us-east-1 metrics and the twin topic.
   * @default none: an alarm on a us-east-1 metric, or `globalAlertsKey`, is refused
   */
  readonly globalProvider?: AwsProvider;
  /**
   * Key in us-east-1 for a us-east-1 twin of the critical topic, which alarms on us-east-1
   * metrics (CloudFront, Route 53 health checks) notify when `aws.region` is not us-east-1.
   * Ignored in us-east-1, where those alarms notify the critical topic itself.
   * @default none: no us-east-1 topic, and an alarm on a us-east-1 metric is refused
   */
  readonly globalAlertsKey?: PolicyKey;
  /** RDS instances to watch (none in a pilot light). */
  readonly databases: readonly DatabaseTarget[];
  /** Valkey replication group (cluster mode disabled) and its node count. @default none (a pilot light: no alarms or graphs) */
  readonly cache?: { readonly replicationGroupId: string; readonly nodes: number };
  /** EKS cluster name (Container Insights `ClusterName`). @default none (a pilot light: no node alarms or graphs) */
  readonly clusterName?: string;
  /**
   * Name of the gateway ALB (the Ingress `load-balancer-name`), for the dashboard. Its
   * alarms live in the platform stack, which creates the ALB (`LoadBalancerAlarms`).
   */
  readonly loadBalancerName: string;
  /** CloudFront distribution id. @default none (a standby: its primary's distribution serves; no alarm or graph) */
  readonly distributionId?: string;
  /** Application log groups to create: `/authorworks/<env>/<name>`. @default ["application"] */
  readonly applicationLogGroups?: readonly string[];
  /** ReplicaLag alarm threshold (seconds), for databases with replicas or that are replicas (`replicaLagThresholdSeconds` of the objective; below `REPLICA_IDLE_LAG_SECONDS` an idle source pages). @default `REPLICA_IDLE_LAG_SECONDS` (300) */
  readonly replicaLagSeconds?: number;
  /** Evictions per 5 minutes above which the cache is too small. @default 0 */
  readonly evictionsThreshold?: number;
  /**
   * The action at 100 % of the budget (`BudgetRestriction`): its deny policy's name, the roles
   * it restricts, the approval model and approvers; the critical topic is its SNS subscriber.
   * @default no budget action
   */
  readonly budgetAction?: Pick<BudgetRestrictionProps, "policyName" | "roleNames" | "approvalModel" | "approvers">;
}

/** Alerting, dashboard, log groups and budget of one environment. */
export class Monitoring extends Construct {
  /** Topic of pages: outages and imminent outages. */
  public readonly criticalTopic: SnsTopic;
  /** Topic of degradations worth a look during working hours. */
  public readonly warningTopic: SnsTopic;
  public readonly criticalTopicArn: string;
  public readonly warningTopicArn: string;
  /**
   * Topic of what goes to chat (the budget at 90 %): no e-mail subscriptions; the
   * `<env>-platform` stack forwards it to the chat webhook (`ChatForwarder`).
   */
  public readonly chatTopic: SnsTopic;
  public readonly chatTopicArn: string;
  /** The critical and warning topics as `ITopic`s, with `grantPublish`. */
  public readonly alertTopics: Readonly<Record<Severity, AlertTopic>>;
  /**
   * Critical topic the us-east-1 alarms notify: the regional one when the region is us-east-1,
   * else its us-east-1 twin. @default undefined outside us-east-1 without `globalAlertsKey`
   */
  public readonly globalCriticalTopicArn?: string;
  /** By alarm id, e.g. `alarms["rds-content-cpu"]`. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  public readonly dashboard: CloudwatchDashboard;
  public readonly dashboardName: string;
  /** By name, e.g. `logGroups.application`. */
  public readonly logGroups: Readonly<Record<string, CloudwatchLogGroup>>;
  public readonly budget: BudgetsBudget;
  /** The action at 100 % of the budget (with `budgetAction`). */
  public readonly budgetRestriction?: BudgetRestriction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { aws, environment, keys } = props.context;
    const obs = props.observability;
    const t = obs.thresholds;

    // --- Topics. Alerts are operational telemetry: the logs key (the secrets key stays scoped to Secrets Manager).
    keys.logs.addPolicyStatements(alertKeyStatement(), publishThroughSnsStatement(aws, keys.logs.region));
    this.criticalTopic = this.topic("critical", props, keys.logs.arn);
    this.warningTopic = this.topic("warning", props, keys.logs.arn);
    this.chatTopic = this.topic("chat", props, keys.logs.arn);
    this.criticalTopicArn = this.criticalTopic.arn;
    this.warningTopicArn = this.warningTopic.arn;
    this.chatTopicArn = this.chatTopic.arn;
    const alertTopic = (severity: Severity, topic: SnsTopic) =>
      new AlertTopic(topic, names.alertTopic(environment, severity), keys.logs, this, `publish-${severity}`);
    this.alertTopics = { critical: alertTopic("critical", this.criticalTopic), warning: alertTopic("warning", this.warningTopic) };

    if (aws.region === GLOBAL_REGION) {
      this.globalCriticalTopicArn = this.criticalTopicArn;
    } else if (props.globalAlertsKey) {
      if (!props.globalProvider) throw new Error(`Monitoring ${id}: globalAlertsKey needs globalProvider (the ${GLOBAL_REGION} topic is made through it)`);
      // Alarm actions must be in the alarm's region: a us-east-1 twin of the critical topic.
      props.globalAlertsKey.addPolicyStatements(alertKeyStatement(), publishThroughSnsStatement(aws, props.globalAlertsKey.region));
      const globalTopic = this.topic("critical-global", props, props.globalAlertsKey.arn, props.globalProvider);
      this.globalCriticalTopicArn = globalTopic.arn;
    }

    // --- Alarms.
    const topicOf: Record<Severity, string> = { critical: this.criticalTopicArn, warning: this.warningTopicArn };
    const specs: AlarmSpec[] = [
      ...props.databases.flatMap((db) => databaseAlarms(db, t, props.replicaLagSeconds ?? REPLICA_IDLE_LAG_SECONDS)),
      ...(props.cache ? cacheAlarms(props.cache.replicationGroupId, props.cache.nodes, t, props.evictionsThreshold ?? 0) : []),
      ...(props.distributionId ? cloudFrontAlarms(props.distributionId, t) : []),
      ...(props.clusterName ? nodeAlarms(props.clusterName, t) : []),
    ];
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    for (const spec of specs) {
      const globalTopic = this.globalCriticalTopicArn;
      if (spec.global && (!globalTopic || !props.globalProvider)) {
        throw new Error(
          `Monitoring ${id}: alarm ${spec.id} watches a ${GLOBAL_REGION} metric: it needs globalProvider and, outside ${GLOBAL_REGION}, globalAlertsKey (a ${GLOBAL_REGION} critical topic)`,
        );
      }
      const topic = spec.global ? globalTopic! : topicOf[spec.severity];
      alarms[spec.id] = metricAlarm(this, spec, resourceName(environment, spec.id), topic, spec.global ? props.globalProvider : undefined);
    }
    this.alarms = alarms;

    // --- Dashboard.
    this.dashboardName = resourceName(environment, "overview");
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: dashboardBody({
        region: aws.region,
        databases: props.databases,
        cache: props.cache,
        clusterName: props.clusterName,
        loadBalancerName: props.loadBalancerName,
        distributionId: props.distributionId,
        thresholds: t,
      }),
    });

    // --- Application log groups (the other modules create their own).
    const logGroups: Record<string, CloudwatchLogGroup> = {};
    for (const name of props.applicationLogGroups ?? ["application"]) {
      logGroups[name] = new CloudwatchLogGroup(this, `${name}-logs`, {
        name: `/${PROJECT}/${environment}/${name}`,
        retentionInDays: props.context.logRetentionDays,
        kmsKeyId: keys.logs.arn,
        tags: { Name: resourceName(environment, name) },
      });
    }
    this.logGroups = logGroups;

    // --- Budget (seed 003): e-mail at 80 %, chat at 90 %, the critical topic (and the action) at
    // 100 % of actual spend; the warning topic when the forecast crosses 100 %. One channel per
    // threshold: the topics' subscribers are the same e-mails, so e-mail plus topic would say it twice.
    const channel = { critical: this.criticalTopicArn, warning: this.warningTopicArn, chat: this.chatTopicArn };
    const notification = BUDGET_ALERTS.map((a) => ({
      comparisonOperator: "GREATER_THAN",
      notificationType: a.type,
      threshold: a.percent,
      thresholdType: "PERCENTAGE",
      subscriberEmailAddresses: a.channel === "email" ? [...obs.alertEmails] : undefined,
      subscriberSnsTopicArns: a.channel === "email" ? undefined : [channel[a.channel]],
    }));
    this.budget = new BudgetsBudget(this, "budget", {
      name: resourceName(environment, "monthly"),
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: String(props.monthlyBudgetUsd),
      limitUnit: "USD",
      // Only this environment's spend (the provider's default tag).
      costFilter: [{ name: "TagKeyValue", values: [`user:Environment$${environment}`] }],
      notification,
      tags: { Name: resourceName(environment, "monthly") },
    });
    if (props.budgetAction) {
      this.budgetRestriction = new BudgetRestriction(this, "budget-action", {
        ...props.budgetAction,
        context: props.context,
        budgetName: this.budget.name,
        topicArn: this.criticalTopicArn,
      });
    }
  }

  private topic(name: "critical" | "warning" | "critical-global" | "chat", props: MonitoringProps, keyArn: string, provider?: AwsProvider): SnsTopic {
    const { aws, environment } = props.context;
    const partition = aws.partition ?? "aws";
    const topic = new SnsTopic(this, `${name}-topic`, {
      provider,
      // The platform stack finds them by this name.
      name: names.alertTopic(environment, name),
      displayName: `${PROJECT} ${environment} ${name.replace("-global", "")} ${name === "chat" ? "notifications" : "alerts"}`,
      kmsMasterKeyId: keyArn,
      tags: { Name: names.alertTopic(environment, name) },
    });
    const policy = policyDocument(this, `${name}-topic-policy-document`, [
      // Each publishing service only for this account's own alarms, budgets and rules
      // (confused-deputy guard). EventBridge: modules/backup's failed-jobs rule.
      ...PUBLISHERS.map((p): PolicyStatement => ({
        sid: p.sid,
        actions: ["sns:Publish"],
        resources: [topic.arn],
        principals: [{ type: "Service", identifiers: [p.service] }],
        conditions: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [p.sourceArn(partition, aws.accountId)] },
        ],
      })),
      {
        sid: "TlsOnly",
        effect: "Deny",
        actions: ["sns:Publish"],
        resources: [topic.arn],
        principals: [{ type: "*", identifiers: ["*"] }],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    new SnsTopicPolicy(this, `${name}-topic-policy`, { provider, arn: topic.arn, policy: policy.json });

    const obs = props.observability;
    // The chat topic's one subscriber is the platform stack's queue to the chat webhook.
    if (name === "chat") return topic;
    for (const email of obs.alertEmails) {
      // The address is the id: adding or removing one never shifts the others.
      new SnsTopicSubscription(this, `${name}-email-${email}`, { provider, topicArn: topic.arn, protocol: "email", endpoint: email });
    }
    if (obs.pagingWebhookUrl && name.startsWith("critical")) {
      new SnsTopicSubscription(this, `${name}-webhook`, {
        provider,
        topicArn: topic.arn,
        protocol: "https",
        endpoint: obs.pagingWebhookUrl,
        endpointAutoConfirms: false,
      });
    }
    return topic;
  }
}

/** The AWS services that publish to the alert topics, and which of their resources may. */
const PUBLISHERS = [
  { sid: "CloudWatchAlarmsOfThisAccount", service: SERVICE_PRINCIPALS.cloudWatch, sourceArn: (p: string, a: string) => `arn:${p}:cloudwatch:*:${a}:alarm:*` },
  { sid: "BudgetsOfThisAccount", service: SERVICE_PRINCIPALS.budgets, sourceArn: (p: string, a: string) => `arn:${p}:budgets::${a}:*` },
  { sid: "EventBridgeRulesOfThisAccount", service: SERVICE_PRINCIPALS.eventBridge, sourceArn: (p: string, a: string) => `arn:${p}:events:*:${a}:rule/*` },
] as const;

/**
 * Lets IAM policies of this account grant the key's use through SNS (`ITopic.grantPublish`):
 * without it a role's grant on the key has no effect, as the key policy names no other user.
 */
function publishThroughSnsStatement(aws: AwsContext, keyRegion: string): PolicyStatement {
  return {
    sid: "PublishersOfThisAccountThroughSns",
    actions: SNS_PUBLISH_KEY_ACTIONS,
    resources: ["*"],
    principals: [{ type: "AWS", identifiers: [`arn:${aws.partition ?? "aws"}:iam::${aws.accountId}:root`] }],
    conditions: [
      { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("sns", keyRegion)] },
      { test: "StringEquals", variable: "kms:CallerAccount", values: [aws.accountId] },
    ],
  };
}

/** The publishers write to encrypted topics: they need the key. */
function alertKeyStatement(): PolicyStatement {
  return {
    sid: "AlertPublishersUseKey",
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    resources: ["*"],
    principals: [{ type: "Service", identifiers: PUBLISHERS.map((p) => p.service) }],
  };
}
