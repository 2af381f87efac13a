/**
 * Wiring: each field of an environment reaches the Terraform attribute it is meant for.
 * The app is built from the synthetic environment (__tests__/fixtures/environment.ts),
 * whose values no real environment or seed has and which are distinct from each other,
 * so a row holds only if that field, and no constant or other field, produced the value.
 * Every leaf of the fixture needs a row or a place in NOT_WIRED_DIRECTLY: adding a field
 * to EnvironmentConfig (and so to the fixture, which must stay complete) without a row
 * fails the coverage test.
 */
import { Testing } from "cdktf";
import { buildApp } from "../../environments/app";
import { FIXTURE, FIXTURE_STANDBY } from "../fixtures/environment";
import { leaves } from "../fixtures/leaves";
import type { Json } from "../helpers";

const F = FIXTURE;
const app = buildApp({ environments: [F], processEnv: {}, outdir: Testing.app().outdir });
const STACKS: Record<"env" | "platform", Json> = {
  env: JSON.parse(Testing.synth(app.node.findChild(F.name) as never, true)),
  platform: JSON.parse(Testing.synth(app.node.findChild(`${F.name}-platform`) as never, true)),
};

/**
 * Reads `path` in a stack's JSON: `.`-separated keys (a `resource.` prefix is implied
 * unless the path starts with data., provider., output. or count:), `[i]` for list
 * items, `@json` to parse the string reached so far (Helm values, policies).
 * `count:<type>` is the number of resources of that type.
 */
function read(json: Json, path: string): unknown {
  if (path.startsWith("count:")) return Object.keys(json.resource?.[path.slice(6)] ?? {}).length;
  const full = /^(data|provider|output)\./.test(path) ? path : `resource.${path}`;
  let v: unknown = json;
  for (const part of full.split(/\.(?![^[]*\])|(?=\[)|(?=@json)/)) {
    if (part === "") continue;
    if (part === "@json") v = JSON.parse(v as string);
    else if (/^\[\d+\]$/.test(part)) v = (v as unknown[] | undefined)?.[Number(part.slice(1, -1))];
    else v = (v as Record<string, unknown> | undefined)?.[part.replace(/^\["|"\]$/g, "")];
  }
  return v;
}

/** `[config field, stack, Terraform address/attribute path, expected value]`. */
type Row = readonly [field: string, stack: "env" | "platform", address: string, expected: unknown];

const db = (service: string, attr: string) => `aws_db_instance.rds_${service}_instance.${attr}`;
const ng = (group: string, attr: string) => `aws_eks_node_group.eks_${group}_node_group.${attr}`;
const lt = (group: string) => `aws_launch_template.eks_${group}_launch_template.block_device_mappings[0].ebs.volume_size`;
const deploy = (service: string, attr: string) => `kubernetes_deployment_v1.workloads_${service}_deployment.spec.template.spec.container[0].${attr}`;
const hpa = (service: string, attr: string) => `kubernetes_horizontal_pod_autoscaler_v2.workloads_${service}_autoscaler.spec.${attr}`;
const values = (release: string, path: string) => `helm_release.${release}.values[0]@json.${path}`;
const quota = (key: string) => `kubernetes_resource_quota_v1.tenancy_authorworks_quota.spec.hard.["${key}"]`;
const limitRange = (attr: string) => `kubernetes_limit_range_v1.tenancy_authorworks_limit_range.spec.limit[0].${attr}`;
const AZS = ["apne2_az1", "apne2_az2", "apne2_az3", "apne2_az4"];
const w = F.workloads;
const k = F.kubernetes.nodeGroups;

const ROWS: readonly Row[] = [
  // Providers, tags and account guard.
  ["accountId", "env", "provider.aws[0].allowed_account_ids[0]", F.accountId],
  ["region", "env", "provider.aws[0].region", F.region],
  ["drRegion", "env", "provider.aws[1].region", F.drRegion],
  ["owner", "env", "provider.aws[0].default_tags[0].tags.Owner", F.owner],
  ["owner", "platform", "provider.aws[0].default_tags[0].tags.Owner", F.owner],
  ["costCenter", "env", "provider.aws[0].default_tags[0].tags.CostCenter", F.costCenter],
  // Network.
  ["network.cidr", "env", "aws_vpc.network_vpc.cidr_block", F.network.cidr],
  [
    "network.cidr",
    "platform",
    "kubernetes_network_policy_v1.tenancy_authorworks_allow_load_balancer_gateway.spec.ingress[0].from[0].ip_block.cidr",
    F.network.cidr,
  ],
  ["network.azCount", "env", "count:aws_subnet", 3 * F.network.azCount],
  ["network.natGateways", "env", "count:aws_nat_gateway", F.network.azCount],
  ...(["public", "private", "database"] as const).flatMap((tier) =>
    AZS.map((az, i): Row => [`network.subnets.${tier}[${i}]`, "env", `aws_subnet.network_${tier}_${az}.cidr_block`, F.network.subnets![tier][i]]),
  ),
  ...F.network.subnets!.database.map((cidr, i): Row => [
    `network.subnets.database[${i}]`,
    "platform",
    `kubernetes_network_policy_v1.tenancy_authorworks_allow_data_tier.spec.egress[0].to[${i}].ip_block.cidr`,
    cidr,
  ]),
  // Databases: defaults on the services without override, the override on its service.
  ["database.engineVersion", "env", db("content", "engine_version"), F.database.engineVersion],
  ["database.instanceClass", "env", db("content", "instance_class"), F.database.instanceClass],
  ["database.multiAz", "env", db("user", "multi_az"), F.database.multiAz],
  ["database.allocatedStorageGb", "env", db("content", "allocated_storage"), F.database.allocatedStorageGb],
  ["database.maxAllocatedStorageGb", "env", db("content", "max_allocated_storage"), F.database.maxAllocatedStorageGb],
  ["database.backupRetentionDays", "env", db("subscription", "backup_retention_period"), F.database.backupRetentionDays],
  ["database.monitoringIntervalSeconds", "env", db("user", "monitoring_interval"), F.database.monitoringIntervalSeconds],
  ["database.performanceInsightsRetentionDays", "env", db("user", "performance_insights_retention_period"), F.database.performanceInsightsRetentionDays],
  ["database.masterPasswordVersion", "env", db("user", "password_wo_version"), F.database.masterPasswordVersion],
  [
    "database.masterPasswordVersion",
    "env",
    "aws_secretsmanager_secret_version.rds_editor_master_secret_value.secret_string_wo_version",
    F.database.masterPasswordVersion,
  ],
  ["database.proxy.enabled", "env", "count:aws_db_proxy", 4],
  [
    "security.secretRotationDays",
    "env",
    "aws_secretsmanager_secret_rotation.rds_rotation_content_rotation.rotation_rules.automatically_after_days",
    F.security.secretRotationDays,
  ],
  [
    "security.secretRotationDays",
    "env",
    "aws_secretsmanager_secret_rotation.rds_rotation_user_rotation.rotation_rules.automatically_after_days",
    F.security.secretRotationDays,
  ],
  [
    "database.proxy.maxConnectionsPercent",
    "env",
    "aws_db_proxy_default_target_group.rds_content_proxy_target_group.connection_pool_config.max_connections_percent",
    F.database.proxy.maxConnectionsPercent,
  ],
  ["database.overrides[0].service", "env", db("editor", "identifier"), `authorworks-${F.name}-${F.database.overrides![0].service}`],
  ["database.overrides[0].instanceClass", "env", db("editor", "instance_class"), F.database.overrides![0].instanceClass],
  ["database.overrides[0].allocatedStorageGb", "env", db("editor", "allocated_storage"), F.database.overrides![0].allocatedStorageGb],
  ["database.overrides[0].maxAllocatedStorageGb", "env", db("editor", "max_allocated_storage"), F.database.overrides![0].maxAllocatedStorageGb],
  // Cache.
  ["cache.engineVersion", "env", "aws_elasticache_replication_group.cache_replication_group.engine_version", F.cache.engineVersion],
  ["cache.nodeType", "env", "aws_elasticache_replication_group.cache_replication_group.node_type", F.cache.nodeType],
  ["cache.nodes", "env", "aws_elasticache_replication_group.cache_replication_group.num_cache_clusters", F.cache.nodes],
  ["cache.snapshotRetentionDays", "env", "aws_elasticache_replication_group.cache_replication_group.snapshot_retention_limit", F.cache.snapshotRetentionDays],
  // Storage and logs.
  ["storage.bucketPrefix", "env", "aws_s3_bucket.storage_logs_bucket.bucket", `${F.storage.bucketPrefix}-logs-${F.name}`],
  [
    "storage.bucketPrefix",
    "platform",
    "data.aws_iam_policy_document.content_bucket_grant_workloads_content_pod_identity_role_read_write_document.statement[0].resources[0]",
    `arn:aws:s3:::${F.storage.bucketPrefix}-content-${F.name}`,
  ],
  ["storage.logExpirationDays", "env", "aws_s3_bucket_lifecycle_configuration.storage_logs_lifecycle.rule[1].expiration[0].days", F.storage.logExpirationDays],
  ["logRetentionDays", "env", "aws_cloudwatch_log_group.eks_log_group.retention_in_days", F.logRetentionDays],
  ["logRetentionDays", "env", "aws_cloudwatch_log_group.monitoring_application_logs.retention_in_days", F.logRetentionDays],
  // Durability.
  ["durability.deletionProtection", "env", db("content", "deletion_protection"), F.durability.deletionProtection],
  ["durability.deletionProtection", "env", "aws_eks_cluster.eks_cluster.deletion_protection", F.durability.deletionProtection],
  ["durability.finalSnapshots", "env", db("content", "skip_final_snapshot"), !F.durability.finalSnapshots],
  ["durability.finalSnapshots", "env", db("content", "delete_automated_backups"), !F.durability.finalSnapshots],
  ["durability.forceDestroy", "env", "aws_s3_bucket.storage_logs_bucket.force_destroy", F.durability.forceDestroy],
  ["durability.forceDestroy", "env", "aws_ecr_repository.registry_content_repository.force_delete", F.durability.forceDestroy],
  ["durability.keyDeletionWindowDays", "env", "aws_kms_key.keys_storage_key.deletion_window_in_days", F.durability.keyDeletionWindowDays],
  ["durability.keyDeletionWindowDays", "env", "aws_kms_key.eks_secrets_key_key.deletion_window_in_days", F.durability.keyDeletionWindowDays],
  ["durability.keyDeletionWindowDays", "env", "aws_kms_key.dns_dnssec_key.deletion_window_in_days", F.durability.keyDeletionWindowDays],
  [
    "durability.secretRecoveryWindowDays",
    "env",
    "aws_secretsmanager_secret.security_secrets_payments_stripe_api_key.recovery_window_in_days",
    F.durability.secretRecoveryWindowDays,
  ],
  ["durability.volumeReclaimPolicy", "platform", "kubernetes_storage_class_v1.addons_storage_class_gp3.reclaim_policy", F.durability.volumeReclaimPolicy],
  [
    "durability.traceStorage",
    "platform",
    values("addons_jaeger_release", "userconfig.extensions.jaeger_storage.backends.primary_store.memory.max_traces"),
    100000,
  ],
  // Availability.
  ["availability.highAvailability", "platform", values("addons_argo_cd_release", '["redis-ha"].enabled'), F.availability.highAvailability],
  ["availability.zonalShift", "env", "aws_eks_cluster.eks_cluster.zonal_shift_config.enabled", F.availability.zonalShift],
  ["availability.applyDatabaseChangesImmediately", "env", db("content", "apply_immediately"), F.availability.applyDatabaseChangesImmediately],
  // Workloads (export has the override; content runs on the defaults).
  [
    "workloads.imageTag",
    "platform",
    deploy("content", "image"),
    `${"${data.aws_caller_identity.current.account_id}"}.dkr.ecr.${F.region}.amazonaws.com/authorworks-${F.name}/content:${w.imageTag}`,
  ],
  ["workloads.defaults.replicas", "platform", hpa("content", "min_replicas"), w.defaults.replicas],
  ["workloads.defaults.requests.cpu", "platform", deploy("content", "resources.requests.cpu"), w.defaults.requests.cpu],
  ["workloads.defaults.requests.memory", "platform", deploy("content", "resources.requests.memory"), w.defaults.requests.memory],
  ["workloads.defaults.limits.cpu", "platform", deploy("content", "resources.limits.cpu"), w.defaults.limits.cpu],
  ["workloads.defaults.limits.memory", "platform", deploy("content", "resources.limits.memory"), w.defaults.limits.memory],
  ["workloads.overrides.export.replicas", "platform", hpa("export", "min_replicas"), w.overrides!.export.replicas],
  ["workloads.overrides.export.requests.cpu", "platform", deploy("export", "resources.requests.cpu"), w.overrides!.export.requests!.cpu],
  ["workloads.overrides.export.requests.memory", "platform", deploy("export", "resources.requests.memory"), w.overrides!.export.requests!.memory],
  ["workloads.overrides.export.limits.cpu", "platform", deploy("export", "resources.limits.cpu"), w.overrides!.export.limits!.cpu],
  ["workloads.overrides.export.limits.memory", "platform", deploy("export", "resources.limits.memory"), w.overrides!.export.limits!.memory],
  ["workloads.quota.requests.cpu", "platform", quota("requests.cpu"), w.quota.requests.cpu],
  ["workloads.quota.requests.memory", "platform", quota("requests.memory"), w.quota.requests.memory],
  ["workloads.quota.limits.cpu", "platform", quota("limits.cpu"), w.quota.limits.cpu],
  ["workloads.quota.limits.memory", "platform", quota("limits.memory"), w.quota.limits.memory],
  ["workloads.quota.pods", "platform", quota("pods"), String(w.quota.pods)],
  ["workloads.quota.services", "platform", quota("services"), String(w.quota.services)],
  ["workloads.quota.persistentVolumeClaims", "platform", quota("persistentvolumeclaims"), String(w.quota.persistentVolumeClaims)],
  ["workloads.limitRange.defaultRequest.cpu", "platform", limitRange("default_request.cpu"), w.limitRange.defaultRequest.cpu],
  ["workloads.limitRange.defaultRequest.memory", "platform", limitRange("default_request.memory"), w.limitRange.defaultRequest.memory],
  ["workloads.limitRange.default.cpu", "platform", limitRange("default.cpu"), w.limitRange.default.cpu],
  ["workloads.limitRange.default.memory", "platform", limitRange("default.memory"), w.limitRange.default.memory],
  ["workloads.limitRange.max.cpu", "platform", limitRange("max.cpu"), w.limitRange.max.cpu],
  ["workloads.limitRange.max.memory", "platform", limitRange("max.memory"), w.limitRange.max.memory],
  // The floor is max(replicas, minReplicas): minReplicas shows where it is the larger, which the fixture's defaults never are.
  ["workloads.autoscaling.maxReplicas", "platform", hpa("content", "max_replicas"), w.autoscaling.maxReplicas],
  [
    "workloads.autoscaling.cpuUtilizationPercent",
    "platform",
    hpa("content", "metric[0].resource.target.average_utilization"),
    w.autoscaling.cpuUtilizationPercent,
  ],
  [
    "workloads.autoscaling.memoryUtilizationPercent",
    "platform",
    hpa("content", "metric[1].resource.target.average_utilization"),
    w.autoscaling.memoryUtilizationPercent,
  ],
  ["workloads.autoscaling.requestsPerSecond", "platform", hpa("content", "metric[2].pods.target.average_value"), String(w.autoscaling.requestsPerSecond)],
  ...(["scaleUp", "scaleDown"] as const).flatMap((d): Row[] => {
    const rule = `behavior.${d === "scaleUp" ? "scale_up" : "scale_down"}[0]`;
    return [
      [`workloads.autoscaling.${d}.pods`, "platform", hpa("user", `${rule}.policy[0].value`), w.autoscaling[d].pods],
      [`workloads.autoscaling.${d}.periodSeconds`, "platform", hpa("user", `${rule}.policy[0].period_seconds`), w.autoscaling[d].periodSeconds],
      [
        `workloads.autoscaling.${d}.stabilizationWindowSeconds`,
        "platform",
        hpa("user", `${rule}.stabilization_window_seconds`),
        w.autoscaling[d].stabilizationWindowSeconds,
      ],
    ];
  }),
  ["monthlyBudgetUsd", "env", "aws_budgets_budget.monitoring_budget.limit_amount", String(F.monthlyBudgetUsd)],
  ["budgetAction.approvalModel", "env", "aws_budgets_budget_action.monitoring_budget_action_action.approval_model", F.budgetAction.approvalModel],
  ["budgetAction.approvers[0]", "env", "aws_budgets_budget_action.monitoring_budget_action_action.subscriber[1].address", F.budgetAction.approvers[0]],
  ["budgetAction.approvers[1]", "env", "aws_budgets_budget_action.monitoring_budget_action_action.subscriber[2].address", F.budgetAction.approvers[1]],
  // Kubernetes.
  ["kubernetes.version", "env", "aws_eks_cluster.eks_cluster.version", F.kubernetes.version],
  ["kubernetes.version", "platform", values("addons_cluster_autoscaler_release", "image.tag"), `v${F.kubernetes.version}.0`],
  ["kubernetes.additionalLogTypes[0]", "env", "aws_eks_cluster.eks_cluster.enabled_cluster_log_types[3]", F.kubernetes.additionalLogTypes[0]],
  ["kubernetes.publicAccessCidrs[0]", "env", "aws_eks_cluster.eks_cluster.vpc_config.public_access_cidrs[0]", F.kubernetes.publicAccessCidrs[0]],
  ["kubernetes.publicAccessCidrs[1]", "env", "aws_eks_cluster.eks_cluster.vpc_config.public_access_cidrs[1]", F.kubernetes.publicAccessCidrs[1]],
  [
    "kubernetes.adminRoleName",
    "env",
    "aws_eks_access_entry.eks_admin_access.principal_arn",
    `arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/${F.kubernetes.adminRoleName}`,
  ],
  [
    "kubernetes.developerRoleName",
    "env",
    "aws_eks_access_entry.eks_developer_access.principal_arn",
    `arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/${F.kubernetes.developerRoleName}`,
  ],
  ...(["system", "application", "spot"] as const).flatMap((g): Row[] => [
    ...k[g].instanceTypes.map((t, i): Row => [`kubernetes.nodeGroups.${g}.instanceTypes[${i}]`, "env", ng(g, `instance_types[${i}]`), t]),
    [`kubernetes.nodeGroups.${g}.minSize`, "env", ng(g, "scaling_config.min_size"), k[g].minSize],
    [`kubernetes.nodeGroups.${g}.desiredSize`, "env", ng(g, "scaling_config.desired_size"), k[g].desiredSize],
    [`kubernetes.nodeGroups.${g}.maxSize`, "env", ng(g, "scaling_config.max_size"), k[g].maxSize],
    [`kubernetes.nodeGroups.${g}.diskSizeGb`, "env", lt(g), k[g].diskSizeGb],
  ]),
  // Platform.
  ["platform.ingressNginx", "platform", "helm_release.addons_ingress_nginx_release.chart", "ingress-nginx"],
  ["platform.acmeEmail", "platform", values("addons_cert_manager_letsencrypt_issuers", "resources[0].spec.acme.email"), F.platform.acmeEmail],
  ["platform.externalDnsPolicy", "platform", values("addons_external_dns_release", "policy"), F.platform.externalDnsPolicy],
  // DNS and edge.
  ["dns.zoneName", "env", "aws_route53_zone.dns_zone.name", F.dns.zoneName],
  ["dns.zoneName", "platform", "data.aws_route53_zone.zone.name", F.dns.zoneName],
  ["dns.parentZoneName", "env", "data.aws_route53_zone.dns_parent_zone.name", F.dns.parentZoneName],
  ["dns.parentZoneRoleArn", "env", "provider.aws[3].assume_role[0].role_arn", F.dns.parentZoneRoleArn],
  ["dns.privateZoneName", "env", "aws_route53_zone.dns_private_zone.name", F.dns.privateZoneName],
  ["dns.dnssec", "env", "count:aws_route53_hosted_zone_dnssec", 1],
  ["dns.failover.secondaryRegion", "env", "aws_route53_record.failover_api_secondary.set_identifier", F.dns.failover!.secondaryRegion],
  [
    "dns.failover.secondaryRegion",
    "env",
    "aws_route53_health_check.failover_api_secondary_health_check.fqdn",
    `api-${F.dns.failover!.secondaryRegion}.${F.dns.zoneName}`,
  ],
  ["dns.failover.ttlSeconds", "env", "aws_route53_record.failover_api_primary.ttl", F.dns.failover!.ttlSeconds],
  ["dns.failover.ttlSeconds", "env", "aws_route53_record.failover_api_secondary.ttl", F.dns.failover!.ttlSeconds],
  ["dns.failover.healthCheck.path", "env", "aws_route53_health_check.failover_api_primary_health_check.resource_path", F.dns.failover!.healthCheck.path],
  [
    "dns.failover.healthCheck.intervalSeconds",
    "env",
    "aws_route53_health_check.failover_api_primary_health_check.request_interval",
    F.dns.failover!.healthCheck.intervalSeconds,
  ],
  [
    "dns.failover.healthCheck.failureThreshold",
    "env",
    "aws_route53_health_check.failover_api_secondary_health_check.failure_threshold",
    F.dns.failover!.healthCheck.failureThreshold,
  ],
  [
    "region",
    "platform",
    'kubernetes_ingress_v1.workloads_ingress.metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]',
    `api-${F.region}.${F.dns.zoneName}`,
  ],
  ["edge.priceClass", "env", "aws_cloudfront_distribution.cdn_distribution.price_class", F.edge.priceClass],
  ["edge.aliases[0]", "env", "aws_cloudfront_distribution.cdn_distribution.aliases[0]", F.edge.aliases[0]],
  ["edge.aliases[1]", "env", "aws_cloudfront_distribution.cdn_distribution.aliases[1]", F.edge.aliases[1]],
  ["edge.aliases[1]", "env", "aws_route53_record.cdn_img_a.name", F.edge.aliases[1]],
  ["edge.wafRateLimit", "env", "aws_wafv2_web_acl.cdn_web_acl_acl.rule[1].statement.rate_based_statement.limit", F.edge.wafRateLimit],
  // The hold comes first in the REGIONAL ACL (priority 0), so the rate limit is its third rule.
  ["edge.wafRateLimit", "env", "aws_wafv2_web_acl.cdn_regional_web_acl_acl.rule[2].statement.rate_based_statement.limit", F.edge.wafRateLimit],
  [
    "edge.gatewayHold.allowPath",
    "env",
    "aws_wafv2_web_acl.cdn_regional_web_acl_acl.rule[0].statement.not_statement.statement[0].byte_match_statement.search_string",
    F.edge.gatewayHold!.allowPath,
  ],
  ["edge.healthCheckPath", "env", "aws_s3_object.edge_health_canary.key", F.edge.healthCheckPath!.slice(1)],
  ["edge.healthCheckPath", "env", "aws_route53_health_check.edge_health_cdn_health_check.resource_path", F.edge.healthCheckPath],
  // Security.
  ["security.guardDuty", "env", "count:aws_guardduty_detector", 0],
  ["security.securityHub", "env", "count:aws_securityhub_account", 1],
  ["security.githubRepository", "env", "aws_codebuild_project.deploy_runner_project.source.location", `https://github.com/${F.security.githubRepository}.git`],
  [
    "security.githubRepository",
    "env",
    "data.aws_iam_policy_document.security_github_plan_trust.statement[0].condition[1].values[0]",
    `repo:${F.security.githubRepository}:pull_request`,
  ],
  ["security.deployBranch", "env", "aws_iam_role.security_github_apply_role.description", expect.stringContaining(`branch ${F.security.deployBranch},`)],
  // Observability.
  [
    "observability.alertEmails[0]",
    "env",
    "aws_sns_topic_subscription.monitoring_critical_email_fixture_alerts_authorworks_net.endpoint",
    F.observability.alertEmails[0],
  ],
  ["observability.alertEmails[1]", "env", "aws_budgets_budget.monitoring_budget.notification[0].subscriber_email_addresses[1]", F.observability.alertEmails[1]],
  ["observability.pagingWebhookUrl", "env", "aws_sns_topic_subscription.monitoring_critical_webhook.endpoint", F.observability.pagingWebhookUrl],
  [
    "observability.pagingWebhookUrl",
    "platform",
    "kubernetes_secret_v1.addons_kube_prometheus_stack_alertmanager_webhooks.data.paging-webhook-url",
    F.observability.pagingWebhookUrl,
  ],
  ["observability.thresholds.cpuPercent", "env", "aws_cloudwatch_metric_alarm.monitoring_rds_content_cpu.threshold", F.observability.thresholds.cpuPercent],
  ["observability.thresholds.cpuPercent", "env", "aws_cloudwatch_metric_alarm.monitoring_nodes_cpu.threshold", F.observability.thresholds.cpuPercent],
  ["observability.thresholds.memoryPercent", "env", "aws_cloudwatch_metric_alarm.monitoring_cache_memory.threshold", F.observability.thresholds.memoryPercent],
  ["observability.thresholds.diskPercent", "env", "aws_cloudwatch_metric_alarm.monitoring_nodes_filesystem.threshold", F.observability.thresholds.diskPercent],
  [
    "observability.thresholds.p99LatencyMs",
    "platform",
    "aws_cloudwatch_metric_alarm.gateway_alarms_alb_target_p99.threshold",
    F.observability.thresholds.p99LatencyMs / 1000,
  ],
  [
    "observability.thresholds.p99LatencyMs",
    "platform",
    values("addons_opentelemetry_operator_collector", "resources[0].spec.config.processors.tail_sampling.policies[1].latency.threshold_ms"),
    F.observability.thresholds.p99LatencyMs,
  ],
  [
    "observability.thresholds.errorRatePercent",
    "platform",
    "aws_cloudwatch_metric_alarm.gateway_alarms_alb_5xx_rate.threshold",
    F.observability.thresholds.errorRatePercent,
  ],
  [
    "observability.thresholds.errorRatePercent",
    "env",
    "aws_cloudwatch_metric_alarm.monitoring_cloudfront_5xx_rate.threshold",
    F.observability.thresholds.errorRatePercent,
  ],
  [
    "observability.prometheusRetentionDays",
    "platform",
    values("addons_kube_prometheus_stack_release", "prometheus.prometheusSpec.retention"),
    `${F.observability.prometheusRetentionDays}d`,
  ],
  [
    "observability.prometheusStorageGb",
    "platform",
    values("addons_kube_prometheus_stack_release", "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"),
    `${F.observability.prometheusStorageGb}Gi`,
  ],
  [
    "observability.lokiRetentionDays",
    "platform",
    values("addons_loki_release", "loki.limits_config.retention_period"),
    `${F.observability.lokiRetentionDays * 24}h`,
  ],
  [
    "observability.traceSamplingRatio",
    "platform",
    values("addons_opentelemetry_operator_collector", "resources[0].spec.config.processors.tail_sampling.policies[2].probabilistic.sampling_percentage"),
    F.observability.traceSamplingRatio * 100,
  ],
  // Delivery.
  [
    "delivery.manifestsRepoUrl",
    "platform",
    values("addons_argo_cd_applications", "resources[1].spec.template.spec.source.repoURL"),
    F.delivery.manifestsRepoUrl,
  ],
  ["delivery.manifestsRepoUrl", "platform", values("addons_argo_cd_applications", "resources[0].spec.sourceRepos[0]"), F.delivery.manifestsRepoUrl],
  [
    "delivery.manifestsRevision",
    "platform",
    values("addons_argo_cd_applications", "resources[1].spec.template.spec.source.targetRevision"),
    F.delivery.manifestsRevision,
  ],
  // Manual sync (autoSync false): no `automated` policy on the generated Applications.
  ["delivery.autoSync", "platform", values("addons_argo_cd_applications", "resources[1].spec.template.spec.syncPolicy.automated"), undefined],
  ["delivery.runners.minRunners", "platform", values("addons_arc_runners_release", "minRunners"), F.delivery.runners.minRunners],
  ["delivery.runners.maxRunners", "platform", values("addons_arc_runners_release", "maxRunners"), F.delivery.runners.maxRunners],
  ["delivery.deployRunner.computeType", "env", "aws_codebuild_project.deploy_runner_project.environment.compute_type", F.delivery.deployRunner.computeType],
  ["delivery.deployRunner.timeoutMinutes", "env", "aws_codebuild_project.deploy_runner_project.build_timeout", F.delivery.deployRunner.timeoutMinutes],
  [
    "delivery.deployRunner.githubConnectionArn",
    "env",
    "aws_codebuild_project.deploy_runner_project.source.auth.resource",
    F.delivery.deployRunner.githubConnectionArn,
  ],
  ["delivery.deployRunner.connectionAvailable", "env", "count:aws_codebuild_webhook", 1],
  // Backup.
  ["backup.retentionDays", "env", "aws_backup_plan.backup_daily_plan.rule[0].lifecycle.delete_after", F.backup.retentionDays],
  ["backup.retentionDays", "env", "aws_backup_plan.backup_daily_plan.rule[0].copy_action[0].lifecycle.delete_after", F.backup.retentionDays],
  ["backup.copyToRegion", "env", "aws_backup_vault.backup_dr_vault.provider", "aws.dr"],
  ["backup.copyToRegion", "env", "aws_backup_plan.backup_daily_plan.rule[0].copy_action[0].destination_vault_arn", "${aws_backup_vault.backup_dr_vault.arn}"],
  ["backup.vaultLock", "env", "count:aws_backup_vault_lock_configuration", 1],
  ["backup.replicateBackupsBucket", "env", "aws_s3_bucket.backup_replica_bucket.bucket", `${F.storage.bucketPrefix}-backups-replica-${F.name}`],
  // Disaster-recovery replication to drRegion.
  [
    "dr.databaseBackups.retentionDays",
    "env",
    "aws_db_instance_automated_backups_replication.dr_databases_content.retention_period",
    F.dr!.databaseBackups!.retentionDays,
  ],
  ["dr.databaseBackups.retentionDays", "env", "count:aws_db_instance_automated_backups_replication", 4],
  [
    "dr.buckets.purposes[0]",
    "env",
    "aws_s3_bucket.dr_media_replica_bucket.bucket",
    `${F.storage.bucketPrefix}-${F.dr!.buckets!.purposes[0]}-replica-${F.name}`,
  ],
  // Media is versioned where it is replicated (catalogue: "when-replicated").
  ["dr.buckets.purposes[0]", "env", "aws_s3_bucket_versioning.storage_media_versioning.versioning_configuration.status", "Enabled"],
  [
    "dr.buckets.purposes[1]",
    "env",
    "aws_s3_bucket.dr_content_replica_bucket.bucket",
    `${F.storage.bucketPrefix}-${F.dr!.buckets!.purposes[1]}-replica-${F.name}`,
  ],
  ["dr.buckets.purposes[1]", "env", "count:aws_s3_bucket_replication_configuration", 3],
  [
    "dr.buckets.replicationTimeControl",
    "env",
    "aws_s3_bucket_replication_configuration.dr_content_replication.rule[0].destination.replication_time.status",
    "Enabled",
  ],
  ["dr.buckets.mediaOriginFailover", "env", "aws_cloudfront_distribution.cdn_distribution.default_cache_behavior.target_origin_id", "media-failover"],
  // Replication metrics (and so their alarms) exist with Replication Time Control only.
  ["dr.buckets.replicationTimeControl", "env", "aws_cloudwatch_metric_alarm.dr_content_s3_content_replication_latency.threshold", 15 * 60],
  [
    "dr.images",
    "env",
    "aws_ecr_replication_configuration.dr_registry_configuration.replication_configuration.rule[0].repository_filter[0].filter",
    `authorworks-${F.name}/`,
  ],
  ["dr.secrets[0]", "env", "aws_secretsmanager_secret.security_secrets_auth_jwt_signing_key.replica[0].region", F.drRegion],
  ["dr.secrets[1]", "env", "aws_secretsmanager_secret.security_secrets_email_sendgrid_api_key.replica[0].kms_key_id", "${aws_kms_key.keys_secrets_dr_key.arn}"],
  // A secret the list leaves out has no replica.
  ["dr.secrets[0]", "env", "aws_secretsmanager_secret.security_secrets_payments_stripe_api_key.replica", undefined],
  // Restore tests.
  ["restoreTesting.schedule", "env", "aws_backup_restore_testing_plan.backup_restore_testing_plan.schedule_expression", F.restoreTesting.schedule],
  [
    "restoreTesting.startWindowHours",
    "env",
    "aws_backup_restore_testing_plan.backup_restore_testing_plan.start_window_hours",
    F.restoreTesting.startWindowHours,
  ],
  [
    "restoreTesting.selectionWindowDays",
    "env",
    "aws_backup_restore_testing_plan.backup_restore_testing_plan.recovery_point_selection[0].selection_window_days",
    F.restoreTesting.selectionWindowDays,
  ],
  [
    "restoreTesting.validationWindowHours",
    "env",
    "aws_backup_restore_testing_selection.backup_restore_testing_rds.validation_window_hours",
    F.restoreTesting.validationWindowHours,
  ],
  [
    "restoreTesting.validationWindowHours",
    "env",
    "aws_backup_restore_testing_selection.backup_restore_testing_ebs.validation_window_hours",
    F.restoreTesting.validationWindowHours,
  ],
];

/**
 * Leaves that reach no Terraform attribute by themselves, and why.
 * - `name`: only inside names and the stack names (rows for storage.bucketPrefix,
 *   database.overrides[0].service and workloads.imageTag check names built from it).
 * - `durability.name`, `availability.name`: labels of the policy for messages and docs.
 * - `workloads.autoscaling.minReplicas`: the HPA floor is max(replicas, minReplicas);
 *   the fixture's replicas (3 and 14) are above its minReplicas (1), so the floor shows
 *   the replicas rows. Its own effect is tested in __tests__/modules/workloads.test.ts.
 * - `dr.rpoMinutes.*`: objectives checked against the configured mechanisms
 *   (environments/checks/dr.ts, __tests__/environments/dr-checks.test.ts); nothing in AWS holds them.
 */
const NOT_WIRED_DIRECTLY: readonly string[] = [
  "name",
  "durability.name",
  "availability.name",
  "workloads.autoscaling.minReplicas",
  "dr.rpoMinutes.database",
  "dr.rpoMinutes.objectStorage",
];

describe("wiring of the synthetic environment", () => {
  test.each(ROWS.map((r) => [r[0], r[1], r[2], r[3]] as const))("%s -> %s %s", (_field, stack, address, expected) => {
    expect(read(STACKS[stack], address)).toEqual(expected);
  });

  test("every leaf field of the environment has a row, or is listed as reaching no attribute directly", () => {
    const covered = new Set([...ROWS.map((r) => r[0]), ...NOT_WIRED_DIRECTLY]);
    expect([...leaves(F).keys()].filter((path) => !covered.has(path))).toEqual([]);
  });

  test("every row names a leaf of the environment (no stale or misspelt field)", () => {
    const paths = new Set(leaves(F).keys());
    expect([...new Set([...ROWS.map((r) => r[0]), ...NOT_WIRED_DIRECTLY])].filter((field) => !paths.has(field))).toEqual([]);
  });
});

/**
 * The standby fixture's own leaves (`standby.*`), built with its primary (FIXTURE): what it
 * restores from, whose images and buckets it uses, and that it runs.
 */
describe("wiring of the synthetic standby", () => {
  const S = FIXTURE_STANDBY;
  const standbyApp = buildApp({ environments: [F, S], processEnv: {}, outdir: Testing.app().outdir });
  const STANDBY: Record<"env" | "platform", Json> = {
    env: JSON.parse(Testing.synth(standbyApp.node.findChild(S.name) as never, true)),
    platform: JSON.parse(Testing.synth(standbyApp.node.findChild(`${S.name}-platform`) as never, true)),
  };
  const sources = S.standby!.restoreFrom!;
  const STANDBY_ROWS: readonly Row[] = [
    ["standby.primary", "env", "data.aws_kms_alias.restore_key.name", `alias/authorworks-${F.name}-database-dr`],
    ["standby.primary", "platform", "data.aws_s3_bucket.content_bucket.bucket", `${F.storage.bucketPrefix}-content-replica-${F.name}`],
    ["standby.primary", "platform", "data.aws_kms_alias.replica_storage_key.name", `alias/authorworks-${F.name}-storage-dr`],
    [
      "standby.primary",
      "platform",
      deploy("content", "image"),
      `${"${data.aws_caller_identity.current.account_id}"}.dkr.ecr.${S.region}.amazonaws.com/authorworks-${F.name}/content:${w.imageTag}`,
    ],
    ["standby.pilotLight", "env", "count:aws_eks_cluster", 1],
    ["standby.pilotLight", "env", "count:aws_db_instance", 4],
    ...Object.entries(sources).map(([service, arn]): Row => [
      `standby.restoreFrom.${service}`,
      "env",
      db(service, "restore_to_point_in_time.source_db_instance_automated_backups_arn"),
      arn,
    ]),
  ];

  test.each(STANDBY_ROWS.map((r) => [r[0], r[1], r[2], r[3]] as const))("%s -> %s %s", (_field, stack, address, expected) => {
    expect(read(STANDBY[stack], address)).toEqual(expected);
  });

  test("every leaf of the standby section has a row", () => {
    const covered = new Set(STANDBY_ROWS.map((r) => r[0]));
    expect([...leaves({ standby: S.standby }).keys()].filter((path) => !covered.has(path))).toEqual([]);
  });
});
