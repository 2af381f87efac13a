/**
 * production-dr, production's standby in us-west-2: what the committed warm standby runs
 * (scaled down, on read replicas that still follow, nothing writing), what a failover
 * (replicas promoted, or `restoreFrom`) changes, what a pilot light leaves out, and the bad
 * input of the `standby` section and of a standby with its primary.
 */
import { buildApp } from "../../environments/app";
import { loadEnvironments } from "../../environments/config";
import { production } from "../../environments/production";
import { productionDr } from "../../environments/production-dr";
import type { EnvironmentConfig, StandbyConfig } from "../../environments/types";
import { DEFAULT_CANARY_STEPS } from "../../modules/addons/delivery/argo-rollouts";
import { BACKUP_TAG } from "../../modules/backup";
import { replicaLagThresholdSeconds } from "../../modules/monitoring";
import { GITHUB_OIDC_HOST } from "../../modules/security/github";
import { names } from "../../variables/project";
import { PLATFORM_OWNER, PLATFORM_STACK_SECRET_PATHS, SECRETS } from "../../variables/secrets";
import { DATABASE_SERVICES, SERVICES } from "../../variables/services";
import { ConfigError } from "../../variables/validation";
import { Json, addressesThrough, dataOf, loadableAlone, rawResource, resource, resourcesOf, statements } from "../helpers";
import { realStacks } from "../real-app";
import { synthApp } from "../synth-app";

const stacks = realStacks();
const dr = stacks["production-dr"];
const count = (json: Json, type: string): number => Object.keys(resourcesOf(json, type)).length;
const ACCOUNT = production.accountId;
const source = (service: string, region = "us-west-2", account = ACCOUNT): string => `arn:aws:rds:${region}:${account}:auto-backup:ab-${service}0123456789`;
const RESTORE_FROM = Object.fromEntries(DATABASE_SERVICES.map((d) => [d.name, source(d.name)]));

/** production-dr with its standby section replaced. */
const withStandby = (standby: Partial<StandbyConfig>, over: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
  ...productionDr,
  ...over,
  standby: { ...productionDr.standby!, ...standby },
});

/** production without the SECONDARY's warning alarm: what a pilot-light production-dr needs of it (loadEnvironments). */
const productionOfPilotLight: EnvironmentConfig = {
  ...production,
  dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryAlarm: false } },
};
/** production-dr as a pilot light: only what must exist ahead, with the replicas. */
const pilotLight = withStandby({ pilotLight: true });

/** Each service's S3 grant in a platform stack: `<service> <bucket> <policy name>`, sorted. */
const bucketGrantsOf = (json: Json): string[] =>
  Object.entries(resourcesOf(json, "aws_iam_role_policy"))
    .filter(([, p]) => String(p.name).startsWith("s3-"))
    .map(([id, p]) => `${/_grant_workloads_([a-z]+)_pod_identity_role_/.exec(id)?.[1]} ${p.name}`)
    .sort();
/** The grants every service with buckets has, in `mode`. */
const expectedBucketGrants = (mode: string): string[] => SERVICES.flatMap((s) => s.buckets.map((b) => `${s.name} s3-${b}-${mode}`)).sort();

/** The ConfigError message of loading `envs`. */
function errorOf(envs: readonly EnvironmentConfig[]): string {
  try {
    loadEnvironments(envs);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("production-dr, committed: a warm standby in us-west-2", () => {
  test("it is production's standby, in production's account, zone and DR region, running on following replicas with production's secrets", () => {
    expect(productionDr.standby).toEqual({
      primary: "production",
      pilotLight: false,
      applicationSecrets: "primary",
      readReplicas: { instanceClass: "db.r6g.large", multiAz: false, promoted: false },
    });
    // What needs a writable database is off, each by its own field.
    expect([productionDr.database.proxy.enabled, productionDr.workloads.databaseUserJobs]).toEqual([false, false]);
    expect([productionDr.accountId, productionDr.region, productionDr.dns.zoneName]).toEqual([
      production.accountId,
      production.drRegion,
      production.dns.zoneName,
    ]);
    // No aws.global: nothing of a standby lives in us-east-1, which its failover may find down.
    expect(dr.provider.aws.map((p: Json) => [p.alias, p.region, p.allowed_account_ids])).toEqual([[undefined, "us-west-2", [ACCOUNT]]]);
    expect(dr.provider.aws[0].default_tags[0].tags).toMatchObject({ Environment: "production-dr", CostCenter: "authorworks-production" });
  });

  test("the network exists ahead: a VPC over three AZs, one NAT gateway, the gateway endpoints, the tier groups and the data tier's subnet groups", () => {
    expect(resource(dr, "aws_vpc", "network_vpc").cidr_block).toBe("10.31.0.0/16");
    expect(count(dr, "aws_subnet")).toBe(9);
    expect(
      Object.values(resourcesOf(dr, "aws_subnet"))
        .map((s) => s.availability_zone_id)
        .sort(),
    ).toEqual(["usw2-az1", "usw2-az2", "usw2-az3"].flatMap((az) => [az, az, az]));
    expect([count(dr, "aws_nat_gateway"), count(dr, "aws_eip")]).toEqual([1, 1]);
    expect(Object.values(resourcesOf(dr, "aws_vpc_endpoint")).map((e) => [e.service_name, e.vpc_endpoint_type])).toEqual([
      ["com.amazonaws.us-west-2.dynamodb", "Gateway"],
      ["com.amazonaws.us-west-2.s3", "Gateway"],
    ]);
    expect(Object.keys(resourcesOf(dr, "aws_security_group")).sort()).toEqual([
      // The deploy runner's: CI reaches the standby's private cluster endpoint from the VPC.
      "deploy_runner_security_group",
      "network_app_security_group",
      "network_db_security_group",
      "network_web_security_group",
    ]);
    expect(resource(dr, "aws_db_subnet_group", "network_db_subnet_group").name).toBe("authorworks-production-dr-database");
    expect(count(dr, "aws_elasticache_subnet_group")).toBe(1);
  });

  test("keys, alert topics, backup vault, application secrets and CI roles exist; the CI roles trust the account's GitHub OIDC provider, made by production", () => {
    expect(
      Object.values(resourcesOf(dr, "aws_kms_alias"))
        .map((a) => a.name)
        .sort(),
    ).toEqual(["database", "eks-secrets", "logs", "secrets", "storage"].map((c) => `alias/authorworks-production-dr-${c}`));
    expect(
      Object.values(resourcesOf(dr, "aws_sns_topic"))
        .map((t) => t.name)
        .sort(),
    ).toEqual(["chat", "critical", "warning"].map((s) => `authorworks-production-dr-alerts-${s}`));
    // Nothing in us-east-1 (aws.global), which a failover to this environment may find down.
    expect(addressesThrough(dr, "aws.global")).toEqual([]);
    expect(resource(dr, "aws_backup_vault", "backup_vault").name).toBe("authorworks-production-dr-backup");
    expect(count(dr, "aws_secretsmanager_secret")).toBeGreaterThan(0);
    expect(count(dr, "aws_iam_openid_connect_provider")).toBe(0);
    const trust = dr.data.aws_iam_policy_document.security_github_apply_trust.statement[0];
    expect(trust.principals[0].identifiers).toEqual([`arn:aws:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/${GITHUB_OIDC_HOST}`]);
    expect(trust.condition[1].values).toEqual(["repo:authorworks/authorworks-infra:environment:production-dr"]);
  });

  test("DNS: production's zone is looked up, never written; its own private zone; a us-west-2 certificate validated by production's records", () => {
    expect(dr.data.aws_route53_zone.dns_zone).toEqual({ name: "authorworks.io", private_zone: false });
    expect(Object.values(resourcesOf(dr, "aws_route53_zone")).map((z) => z.name)).toEqual(["production-dr.authorworks.internal"]);
    expect(count(dr, "aws_route53_record")).toBe(0);
    expect(resource(dr, "aws_acm_certificate", "dns_regional_certificate_certificate")).toMatchObject({
      domain_name: "authorworks.io",
      subject_alternative_names: ["*.authorworks.io"],
      validation_method: "DNS",
    });
    expect(resource(dr, "aws_acm_certificate_validation", "dns_regional_certificate_validation").validation_record_fqdns).toBeUndefined();
    expect(resource(dr, "aws_acm_certificate", "dns_regional_certificate_certificate").provider).toBeUndefined();
  });

  test("it runs scaled down: production's instance types, one application node, no spot, the system nodes, one cache node, its runner and web ACL", () => {
    const groups = resourcesOf(dr, "aws_eks_node_group");
    const prodGroups = resourcesOf(stacks.production, "aws_eks_node_group");
    const sizes = (g: Json) => [g.scaling_config.min_size, g.scaling_config.desired_size, g.scaling_config.max_size];
    expect(sizes(groups.eks_application_node_group)).toEqual([1, 1, production.kubernetes.nodeGroups.application.maxSize]);
    expect(sizes(groups.eks_spot_node_group)).toEqual([0, 0, production.kubernetes.nodeGroups.spot.maxSize]);
    expect(sizes(groups.eks_system_node_group)).toEqual(sizes(prodGroups.eks_system_node_group));
    for (const g of ["application", "spot", "system"]) {
      // A failover changes counts only; desired sizes are the Cluster Autoscaler's after creation.
      expect(groups[`eks_${g}_node_group`].instance_types).toEqual(prodGroups[`eks_${g}_node_group`].instance_types);
      expect(groups[`eks_${g}_node_group`].lifecycle.ignore_changes).toEqual(["scaling_config[0].desired_size"]);
    }
    const cache = resource(dr, "aws_elasticache_replication_group", "cache_replication_group");
    expect([cache.num_cache_clusters, cache.node_type]).toEqual([1, production.cache.nodeType]);
    expect(resource(stacks.production, "aws_elasticache_replication_group", "cache_replication_group").num_cache_clusters).toBe(3);
    expect(resource(dr, "aws_eks_cluster", "eks_cluster").name).toBe("authorworks-production-dr");
    expect(count(dr, "aws_codebuild_project")).toBe(1);
    expect(resource(dr, "aws_wafv2_web_acl", "regional_web_acl_acl")).toMatchObject({ name: "authorworks-production-dr-regional", scope: "REGIONAL" });
    expect(Object.keys(stacks)).toContain("production-dr-platform");
  });

  test("its budget is the warm standby's, $1,800, below production's, so a standby left scaled up alerts; its action at 100 % waits for an approver", () => {
    expect(resource(dr, "aws_budgets_budget", "monitoring_budget").limit_amount).toBe("1800");
    expect(Number(resource(stacks.production, "aws_budgets_budget", "monitoring_budget").limit_amount)).toBeGreaterThan(1800);
    expect(resource(dr, "aws_budgets_budget_action", "monitoring_budget_action_action").approval_model).toBe("MANUAL");
  });

  test("nothing that writes or is global: no RDS Proxy, registry, distribution or health check of its own", () => {
    for (const type of ["aws_db_proxy", "aws_ecr_repository", "aws_cloudfront_distribution", "aws_route53_health_check"]) {
      expect([type, count(dr, type)]).toEqual([type, 0]);
    }
    // The services connect to each replica directly.
    for (const d of DATABASE_SERVICES) {
      expect(dr.output.database_endpoints.value[d.name]).toBe(`\${aws_db_instance.rds_${d.name}_instance.address}`);
    }
  });

  test("its state is its own key; the runbook puts it in a bucket outside us-east-1 (AUTHORWORKS_STATE_* of its GitHub environment)", () => {
    expect(dr.terraform.backend.s3.key).toBe("production-dr/terraform.tfstate");
  });
});

describe("production-dr's read replicas (pilot light): what holds production's 5-minute database objective", () => {
  const replicas = resourcesOf(dr, "aws_db_instance");
  const prodDbs = resourcesOf(stacks.production, "aws_db_instance");

  test("one replica per production database, each replicating production's instance of the same service, by an ARN made from the names", () => {
    expect(Object.keys(replicas).sort()).toEqual(DATABASE_SERVICES.map((d) => `rds_${d.name}_instance`).sort());
    for (const d of DATABASE_SERVICES) {
      const source = prodDbs[`rds_${d.name}_instance`];
      expect(source.identifier).toBe(`authorworks-production-${d.name}`);
      expect(replicas[`rds_${d.name}_instance`]).toMatchObject({
        identifier: `authorworks-production-dr-${d.name}`,
        replicate_source_db: `arn:aws:rds:${production.region}:\${data.aws_caller_identity.current.account_id}:db:${source.identifier}`,
      });
      // Production keeps its backups, which a replica needs of its source.
      expect(source.backup_retention_period).toBeGreaterThan(0);
    }
    // Same account: production-dr's caller is production's account.
    expect(dr.provider.aws[0].allowed_account_ids).toEqual(stacks.production.provider.aws[0].allowed_account_ids);
  });

  test("encrypted with production's DR database key in us-west-2, in production-dr's database subnet group and security group", () => {
    const alias = names.drKmsAlias("production", "database");
    expect(dr.data.aws_kms_alias.restore_key.name).toBe(alias);
    // The key production's stack makes in us-west-2 (its aws.dr provider).
    const made = Object.values(resourcesOf(stacks.production, "aws_kms_alias")).find((a) => a.name === alias);
    expect(made?.provider).toBe("aws.dr");
    expect(resource(dr, "aws_db_subnet_group", "network_db_subnet_group")).toBeDefined();
    expect(resource(dr, "aws_security_group", "network_db_security_group")).toBeDefined();
    for (const r of Object.values(replicas)) {
      expect(r).toMatchObject({
        kms_key_id: "${data.aws_kms_alias.restore_key.target_key_arn}",
        storage_encrypted: true,
        db_subnet_group_name: "${aws_db_subnet_group.network_db_subnet_group.name}",
        vpc_security_group_ids: ["${aws_security_group.network_db_security_group.id}"],
      });
    }
  });

  test("sizes: standby.readReplicas' class, single-AZ; production's storage and major version; no proxy, user, password, backups or backup tag", () => {
    for (const d of DATABASE_SERVICES) {
      const r = replicas[`rds_${d.name}_instance`];
      const source = prodDbs[`rds_${d.name}_instance`];
      expect(r).toMatchObject({ instance_class: source.instance_class, multi_az: false, backup_retention_period: 0, skip_final_snapshot: true });
      expect([r.allocated_storage, r.max_allocated_storage, r.storage_type, r.engine_version]).toEqual([
        source.allocated_storage,
        source.max_allocated_storage,
        source.storage_type,
        source.engine_version,
      ]);
      expect([r.username, r.db_name, r.password_wo, r.password_wo_version, r.manage_master_user_password]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(r.tags[BACKUP_TAG.key]).toBeUndefined();
      // Its password is production's: production's master secret, replicated to us-west-2, looked up by name.
      expect(dataOf(dr, "aws_secretsmanager_secret")[`rds_${d.name}_source_master_secret`]).toEqual({ name: `authorworks-production-${d.name}/master` });
      expect(resourcesOf(dr, "aws_secretsmanager_secret")[`rds_${d.name}_master_secret`]).toBeUndefined();
      expect(dr.output.database_master_secret_arns.value[d.name]).toBe(`\${data.aws_secretsmanager_secret.rds_${d.name}_source_master_secret.arn}`);
    }
    expect(dr.ephemeral).toBeUndefined();
    expect(dr.output.database_master_secret_arns.description).toBe(
      "Secrets Manager secret of each database's master user: its source's, replicated to this region (a read replica has its source's password)",
    );
    // No version of it is read at plan (there is none here): the plan role gets no GetSecretValue on production's master secrets.
    const policies = JSON.stringify([resourcesOf(dr, "aws_iam_policy"), resourcesOf(dr, "aws_iam_role_policy"), dataOf(dr, "aws_iam_policy_document")]);
    expect(policies).not.toContain("source_master_secret");
    expect(Object.keys(dr.output.database_endpoints.value).sort()).toEqual(DATABASE_SERVICES.map((d) => d.name).sort());
  });

  test("a ReplicaLag alarm per replica in us-west-2, paging production-dr's critical topic at production's objective (300 s, an idle source's ceiling) for 2 minutes, created after its replica", () => {
    expect(dr.provider.aws[0]).toMatchObject({ region: "us-west-2" });
    expect(dr.provider.aws[0].alias).toBeUndefined();
    const threshold = replicaLagThresholdSeconds(production.dr!.rpoMinutes.database);
    expect(threshold).toBe(300);
    for (const d of DATABASE_SERVICES) {
      const a = resource(dr, "aws_cloudwatch_metric_alarm", `monitoring_rds_${d.name}_replica_lag`);
      expect(a).toMatchObject({
        metric_name: "ReplicaLag",
        dimensions: { DBInstanceIdentifier: `authorworks-production-dr-${d.name}` },
        threshold,
        period: 60,
        statistic: "Maximum",
        evaluation_periods: 2,
        datapoints_to_alarm: 2,
        alarm_actions: ["${aws_sns_topic.monitoring_critical_topic.arn}"],
      });
      expect(a.provider).toBeUndefined();
      // Created once its replica exists: a seeding replica reports no lag, which the alarm counts as breaching.
      expect(a.depends_on).toEqual([`aws_db_instance.rds_${d.name}_instance`]);
      expect(resource(dr, "aws_cloudwatch_metric_alarm", `monitoring_rds_${d.name}_cpu`).depends_on).toBeUndefined();
    }
  });

  test("only production-dr has replicas: no other stack replicates a database or alarms on replica lag", () => {
    for (const [name, json] of Object.entries(stacks).filter(([n]) => n !== "production-dr")) {
      const dbs = Object.values(resourcesOf(json, "aws_db_instance"));
      expect([name, dbs.filter((d) => d.replicate_source_db !== undefined).length]).toEqual([name, 0]);
      const lag = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((a) => a.metric_name === "ReplicaLag");
      expect([name, lag.length]).toEqual([name, 0]);
    }
  });
});

describe("production-dr-platform, warm: the services read the replicas, nothing writes, production's secrets", () => {
  const platform = stacks["production-dr-platform"];
  const secretPaths = SECRETS.filter((d) => d.owner !== PLATFORM_OWNER).map((d) => d.path);
  const arnOf = (name: string) => `arn:aws:secretsmanager:us-west-2:\${data.aws_caller_identity.current.account_id}:secret:${name}-??????`;

  test("no database user Jobs, no master-secret role or store; no Deployment waits for a Job", () => {
    expect(resourcesOf(platform, "kubernetes_job_v1")).toEqual({});
    expect(Object.keys(resourcesOf(platform, "aws_iam_role")).filter((id) => id.includes("database_users"))).toEqual([]);
    // The databases' master secrets are still looked up by name (metadata, no value): production's, which exist here.
    expect(
      Object.values(dataOf(platform, "aws_secretsmanager_secret"))
        .map((x) => x.name)
        .sort(),
    ).toEqual(DATABASE_SERVICES.map((d) => `authorworks-production-${d.name}/master`).sort());
    for (const s of SERVICES) {
      const deps: string[] = resource(platform, "kubernetes_deployment_v1", `workloads_${s.name}_deployment`).depends_on ?? [];
      expect([s.name, deps.filter((d) => d.startsWith("kubernetes_job_v1."))]).toEqual([s.name, []]);
    }
    // External Secrets assumes no role: the master-secret store is not there.
    expect(statements(platform, "addons_external_secrets_pod_identity_policy_document").map((x) => x.sid)).not.toContain("AssumeSecretStoreRoles");
  });

  test("each service connects to its read replica directly (PGHOST the instance's address, IAM authentication on); no RDS Proxy", () => {
    for (const d of DATABASE_SERVICES) {
      expect(dataOf(platform, "aws_db_instance")[`database_${d.name}_instance`].db_instance_identifier).toBe(`authorworks-production-dr-${d.name}`);
      const settings = Object.values(resourcesOf(platform, "kubernetes_config_map_v1")).find(
        (c) => c.metadata.name === `${SERVICES.find((x) => x.name === d.name)!.workload}-database`,
      );
      expect(settings?.data.PGHOST).toBe(`\${data.aws_db_instance.database_${d.name}_instance.address}`);
      expect(resource(dr, "aws_db_instance", `rds_${d.name}_instance`).iam_database_authentication_enabled).toBe(true);
    }
    expect(dataOf(platform, "aws_db_proxy")).toEqual({});
  });

  test("the services' ExternalSecrets read production's replicated secrets; the cache token is production-dr's own", () => {
    const manifests = JSON.parse(resource(platform, "helm_release", "workloads_external_secrets").values[0]).resources as Json[];
    const keys = new Set(manifests.flatMap((m) => m.spec.data.map((x: Json) => x.remoteRef.key as string)));
    expect([...keys].sort()).toEqual([...secretPaths.map((p) => `authorworks-production/${p}`), "authorworks-production-dr/cache/auth-token"].sort());
  });

  test("External Secrets' role reads exactly those 5 replicas and decrypts them only with production's secrets DR key, through Secrets Manager", () => {
    const st = statements(platform, "addons_external_secrets_pod_identity_policy_document");
    const arns = secretPaths.map((p) => arnOf(`authorworks-production/${p}`));
    expect(st.find((x) => x.sid === "ReadPrimarySecretReplicas")).toMatchObject({
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: arns,
    });
    const decrypt = st.find((x) => x.sid === "DecryptPrimarySecretReplicasThroughSecretsManager")!;
    expect(decrypt.resources).toEqual(["${data.aws_kms_alias.replica_secrets_key.target_key_arn}"]);
    expect(decrypt.condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.us-west-2.amazonaws.com"] },
      { test: "StringLike", variable: "kms:EncryptionContext:SecretARN", values: arns },
    ]);
    expect(dataOf(platform, "aws_kms_alias").replica_secrets_key).toEqual({ name: "alias/authorworks-production-secrets-dr" });
    // Its own prefix still (the cache token), with its own key.
    expect(st.find((x) => x.sid === "ReadEnvironmentSecrets")?.resources).toEqual([
      "arn:aws:secretsmanager:us-west-2:${data.aws_caller_identity.current.account_id}:secret:authorworks-production-dr/*",
    ]);
  });

  test("production's secrets DR key lets the account's roles decrypt through Secrets Manager in us-west-2 (what External Secrets and the plan role rely on)", () => {
    expect(dataOf(stacks.production, "aws_kms_alias")).not.toHaveProperty("keys_secrets_dr_alias");
    expect(resource(stacks.production, "aws_kms_alias", "keys_secrets_dr_alias")).toMatchObject({
      name: "alias/authorworks-production-secrets-dr",
      target_key_id: "${aws_kms_key.keys_secrets_dr_key.key_id}",
    });
    // The key is made in us-west-2 (production's DR provider) under that policy.
    expect(resource(stacks.production, "aws_kms_key", "keys_secrets_dr_key")).toMatchObject({
      provider: "aws.dr",
      policy: "${data.aws_iam_policy_document.keys_secrets_dr_policy.json}",
    });
    const use = statements(stacks.production, "keys_secrets_dr_policy").find((x) => (x.actions as string[]).includes("kms:Decrypt"));
    expect(use).toMatchObject({
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"] }],
      resources: ["*"],
    });
    expect(use!.condition).toEqual(
      expect.arrayContaining([
        { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.us-west-2.amazonaws.com"] },
        { test: "StringEquals", variable: "kms:CallerAccount", values: ["${data.aws_caller_identity.current.account_id}"] },
      ]),
    );
    expect(use!.condition).toHaveLength(2);
  });

  test("the secrets read at plan are production's replicas, and production-dr's plan role may read exactly those two with production's secrets DR key", () => {
    expect(
      Object.values(dataOf(platform, "aws_secretsmanager_secret_version"))
        .map((v) => v.secret_id)
        .sort(),
    ).toEqual(["alerting/chat-webhook-url", "alerting/chat-webhook-url", "ci/github-runners-app"].map((p) => `authorworks-production/${p}`));
    const plan = statements(dr, "security_github_plan_secrets_document");
    expect(plan[0].resources).toEqual([
      "${aws_secretsmanager_secret.cache_auth_token_secret.arn}",
      ...PLATFORM_STACK_SECRET_PATHS.map((p) => arnOf(`authorworks-production/${p}`)),
    ]);
    expect(plan[1].resources).toEqual(["${aws_kms_key.keys_secrets_key.arn}", "${data.aws_kms_alias.primary_secrets_key.target_key_arn}"]);
    expect(dr.data.aws_kms_alias.primary_secrets_key).toEqual({ name: "alias/authorworks-production-secrets-dr" });
  });

  test("sizes while warm: one pod per service, two gateways, HPA floor 1 with production's ceiling; no idle runner", () => {
    for (const s of SERVICES) {
      const hpa = resource(platform, "kubernetes_horizontal_pod_autoscaler_v2", `workloads_${s.name}_autoscaler`);
      expect([s.name, hpa.spec.min_replicas, hpa.spec.max_replicas]).toEqual([
        s.name,
        s.name === "gateway" ? 2 : 1,
        production.workloads.autoscaling.maxReplicas,
      ]);
    }
    const runners = JSON.parse(resource(platform, "helm_release", "addons_arc_runners_release").values[0]);
    expect([runners.minRunners, runners.maxRunners]).toEqual([0, production.delivery.runners.maxRunners]);
  });

  test("the services only read production's bucket replicas while the databases follow: replication is one-way, an upload here would never reach production", () => {
    const grants = bucketGrantsOf(platform);
    expect(grants).toEqual(expectedBucketGrants("read"));
    expect(grants.length).toBeGreaterThanOrEqual(4);
    // The services' grants only (Loki, for one, writes production-dr's own logs bucket).
    const actions = Object.entries(dataOf(platform, "aws_iam_policy_document"))
      .filter(([id]) => /^(content|media|exports)_bucket_grant_workloads_/.test(id))
      .map(([, d]) => d)
      .flatMap((d) => (d.statement as Json[]).flatMap((st) => st.actions as string[]));
    expect(actions).toContain("s3:GetObject");
    expect(actions).not.toContain("s3:PutObject");
    expect(actions).not.toContain("kms:GenerateDataKey");
    // production's own services read and write their buckets.
    expect(bucketGrantsOf(stacks["production-platform"])).toEqual(expectedBucketGrants("read-write"));
  });

  test("Argo CD may not sync Jobs or CronJobs while the databases follow (a migration would write); production's and a promoted standby's may", () => {
    const denied = (json: Json): string[] =>
      (rawResource(json, "addons_argo_cd_applications", "AppProject").spec.namespaceResourceBlacklist as Json[])
        .filter((k) => k.group === "batch")
        .map((k) => k.kind)
        .sort();
    expect(denied(platform)).toEqual(["CronJob", "Job"]);
    expect(denied(stacks["production-platform"])).toEqual([]);
    const promoted = withStandby({ readReplicas: { ...productionDr.standby!.readReplicas!, promoted: true } });
    expect(denied(synthApp({ environments: [production, promoted] })["production-dr-platform"])).toEqual([]);
  });

  test("releases are not held by a canary analysis no user traffic could measure: one step to 100 %, no analysis; production keeps its canary", () => {
    const rolloutsOf = (json: Json): Json[] => JSON.parse(resource(json, "helm_release", "workloads_rollouts").values[0]).resources;
    const drRollouts = rolloutsOf(platform);
    expect(drRollouts.map((r) => r.metadata.name).sort()).toEqual(SERVICES.map((s) => s.workload).sort());
    for (const r of drRollouts) {
      expect(r.spec.strategy.canary.steps).toEqual([{ setWeight: 100 }]);
      expect(r.spec.strategy.canary).not.toHaveProperty("analysis");
    }
    for (const r of rolloutsOf(stacks["production-platform"])) {
      expect(r.spec.strategy.canary.steps).toEqual(DEFAULT_CANARY_STEPS);
      expect(r.spec.strategy.canary.analysis.startingStep).toBe(1);
    }
  });
});

describe("production-dr in a failover: pilotLight false, read replicas promoted", () => {
  const promoted = withStandby({ pilotLight: false, readReplicas: { ...productionDr.standby!.readReplicas!, promoted: true } });
  const env = synthApp({ environments: [production, promoted] })["production-dr"];
  const dbs = resourcesOf(env, "aws_db_instance");

  test("the same instances (same logical ids) without replicate_source_db: the provider promotes them; same key, production's sizes", () => {
    expect(Object.keys(dbs).sort()).toEqual(Object.keys(resourcesOf(dr, "aws_db_instance")).sort());
    for (const d of DATABASE_SERVICES) {
      const i = dbs[`rds_${d.name}_instance`];
      expect(i.replicate_source_db).toBeUndefined();
      expect(i.restore_to_point_in_time).toBeUndefined();
      expect(i).toMatchObject({
        identifier: `authorworks-production-dr-${d.name}`,
        kms_key_id: "${data.aws_kms_alias.restore_key.target_key_arn}",
        instance_class: production.database.instanceClass,
        multi_az: production.database.multiAz,
        backup_retention_period: production.database.backupRetentionDays,
        // The scale-up happens in the failover's apply, not in the maintenance window.
        apply_immediately: true,
      });
      // Both force a new instance: a promoted replica keeps its source's.
      expect([i.username, i.db_name]).toEqual([undefined, undefined]);
      // No password of its own: its source's stays, held by the source's replicated master secret.
      expect([i.password_wo, i.password_wo_version, i.manage_master_user_password]).toEqual([undefined, undefined, undefined]);
      // AWS Backup's selection tag: a database of its own from now on.
      expect(i.tags[BACKUP_TAG.key]).toBe(BACKUP_TAG.value);
    }
  });

  test("its platform stack's database user Jobs, if turned on, read production's master secrets, replicated to us-west-2 (a promoted replica keeps its source's password)", () => {
    const withJobs = { ...promoted, workloads: { ...promoted.workloads, databaseUserJobs: true } };
    const platform = synthApp({ environments: [production, withJobs] })["production-dr-platform"];
    expect(Object.keys(resourcesOf(platform, "kubernetes_job_v1")).sort()).toEqual(
      DATABASE_SERVICES.map((d) => `workloads_database_users_${d.name}_job`).sort(),
    );
    for (const d of DATABASE_SERVICES) {
      expect(dataOf(platform, "aws_secretsmanager_secret")[`database_${d.name}_master_secret`]).toEqual({ name: `authorworks-production-${d.name}/master` });
    }
    // They are encrypted with production's secrets DR key there: the Jobs' role decrypts with that one.
    expect(dataOf(platform, "aws_kms_alias").replica_secrets_key).toEqual({ name: "alias/authorworks-production-secrets-dr" });
    expect(statements(platform, "workloads_database_users_policy_document").find((x) => x.sid === "DecryptThroughSecretsManager")?.resources).toEqual([
      "${data.aws_kms_alias.replica_secrets_key.target_key_arn}",
    ]);
  });

  test("its platform stack's services read and write production's bucket replicas once the databases are promoted (writes go to us-west-2 until the fail back)", () => {
    const platform = synthApp({ environments: [production, promoted] })["production-dr-platform"];
    expect(bucketGrantsOf(platform)).toEqual(expectedBucketGrants("read-write"));
  });

  test("the lag alarms go (nothing replicates any more); no proxy: the services keep their direct connections (database.proxy.enabled stays false)", () => {
    expect(Object.keys(resourcesOf(env, "aws_db_proxy"))).toEqual([]);
    expect(Object.values(resourcesOf(env, "aws_cloudwatch_metric_alarm")).filter((a) => a.metric_name === "ReplicaLag")).toEqual([]);
    expect(env.output.database_master_secret_arns).toBeDefined();
    const platform = synthApp({ environments: [production, promoted] })["production-dr-platform"];
    expect(resource(platform, "kubernetes_config_map_v1", "workloads_content_connection_settings").data.PGHOST).toBe(
      "${data.aws_db_instance.database_content_instance.address}",
    );
    // The users came with the data: still no Jobs.
    expect(resourcesOf(platform, "kubernetes_job_v1")).toEqual({});
  });

  test("with production's proxy turned on in the same change, the proxies come up", () => {
    const proxied = { ...promoted, database: { ...promoted.database, proxy: production.database.proxy } };
    expect(Object.keys(resourcesOf(synthApp({ environments: [production, proxied] })["production-dr"], "aws_db_proxy"))).toHaveLength(DATABASE_SERVICES.length);
  });

  test("promoted ahead of the rest (pilot light kept) is accepted: writable databases, no proxy yet", () => {
    const early = synthApp({
      environments: [productionOfPilotLight, withStandby({ pilotLight: true, readReplicas: { ...productionDr.standby!.readReplicas!, promoted: true } })],
    })["production-dr"];
    const i = resource(early, "aws_db_instance", "rds_content_instance");
    expect(i.replicate_source_db).toBeUndefined();
    expect(i.instance_class).toBe(production.database.instanceClass);
    expect(Object.keys(resourcesOf(early, "aws_db_proxy"))).toEqual([]);
  });
});

describe("production-dr in a failover: pilotLight false, databases restored", () => {
  // The fallback: no replicas, so production's objective is its replicated backups' (30 minutes).
  const running = withStandby({ pilotLight: false, restoreFrom: RESTORE_FROM, readReplicas: undefined });
  const app = synthApp({ environments: [loadableAlone(production), running] });
  const env = app["production-dr"];
  const platform = app["production-dr-platform"];

  test("the cluster, its runner, buckets, cache and the gateway's web ACL come up; still no registry and no distribution", () => {
    expect(resource(env, "aws_eks_cluster", "eks_cluster").name).toBe("authorworks-production-dr");
    expect(
      Object.values(resourcesOf(env, "aws_eks_node_group"))
        .map((g) => g.node_group_name_prefix)
        .sort(),
    ).toEqual(["authorworks-production-dr-applicatio-", "authorworks-production-dr-spot-", "authorworks-production-dr-system-"]);
    expect(count(env, "aws_codebuild_project")).toBe(1);
    expect(count(env, "aws_elasticache_replication_group")).toBe(1);
    expect(resource(env, "aws_wafv2_web_acl", "regional_web_acl_acl")).toMatchObject({ name: "authorworks-production-dr-regional", scope: "REGIONAL" });
    expect([count(env, "aws_ecr_repository"), count(env, "aws_cloudfront_distribution")]).toEqual([0, 0]);
  });

  test("the fail back's hold reaches the standby's gateway ACL: all but the allowed path blocked, first; none without it", () => {
    const held = synthApp({
      environments: [loadableAlone(production), { ...running, edge: { ...running.edge, gatewayHold: { allowPath: "/dr-hold-open" } } }],
    });
    const rules = resource(held["production-dr"], "aws_wafv2_web_acl", "regional_web_acl_acl").rule as Json[];
    expect(rules[0]).toMatchObject({ name: "Hold", priority: 0, action: { block: {} } });
    expect(rules[0].statement.not_statement.statement[0].byte_match_statement).toMatchObject({
      positional_constraint: "EXACTLY",
      search_string: "/dr-hold-open",
    });
    expect((resource(env, "aws_wafv2_web_acl", "regional_web_acl_acl").rule as Json[]).map((r) => r.name)).not.toContain("Hold");
  });

  test("each database is restored from its replicated backups at the latest restorable time, keeps their key, and never re-reads the source", () => {
    const dbs = resourcesOf(env, "aws_db_instance");
    expect(Object.keys(dbs)).toHaveLength(DATABASE_SERVICES.length);
    for (const d of DATABASE_SERVICES) {
      expect(dbs[`rds_${d.name}_instance`]).toMatchObject({
        identifier: `authorworks-production-dr-${d.name}`,
        restore_to_point_in_time: { source_db_instance_automated_backups_arn: source(d.name), use_latest_restorable_time: true },
        kms_key_id: "${data.aws_kms_alias.restore_key.target_key_arn}",
        lifecycle: { ignore_changes: ["restore_to_point_in_time"] },
        // A restored instance keeps its backups' password until the provider's ModifyDBInstance
        // right after the restore sets this one (the standby's own secret has it).
        password_wo: `\${ephemeral.random_password.rds_${d.name}_master_password.result}`,
        password_wo_version: 1,
      });
      expect(resourcesOf(env, "aws_secretsmanager_secret")[`rds_${d.name}_master_secret`].name).toBe(`authorworks-production-dr-${d.name}/master`);
    }
    // The key production's stack made in us-west-2 for the replicated backups.
    expect(env.data.aws_kms_alias.restore_key).toEqual({ name: "alias/authorworks-production-database-dr" });
  });

  test("its platform stack's database user Jobs, if turned on, read production-dr's own master secrets (the restored instances' passwords)", () => {
    const platform = synthApp({
      environments: [loadableAlone(production), { ...running, workloads: { ...running.workloads, databaseUserJobs: true } }],
    })["production-dr-platform"];
    for (const d of DATABASE_SERVICES) {
      expect(dataOf(platform, "aws_secretsmanager_secret")[`database_${d.name}_master_secret`]).toEqual({ name: `authorworks-production-dr-${d.name}/master` });
    }
    // Decrypted with production-dr's own secrets key (production's DR key is the application secrets' only).
    expect(statements(platform, "workloads_database_users_policy_document").find((x) => x.sid === "DecryptThroughSecretsManager")?.resources).toEqual([
      "${data.aws_kms_alias.secrets_key.target_key_arn}",
    ]);
  });

  test("its platform stack: the services' buckets are production's replicas, the images production's replicated repositories", () => {
    for (const purpose of ["content", "media", "exports"]) {
      expect(platform.data.aws_s3_bucket[`${purpose}_bucket`].bucket).toBe(`authorworks-${purpose}-replica-production`);
    }
    expect(platform.data.aws_s3_bucket.logs_bucket.bucket).toBe("authorworks-logs-production-dr");
    expect(platform.data.aws_kms_alias.replica_storage_key.name).toBe("alias/authorworks-production-storage-dr");
    for (const s of SERVICES) {
      const image = resource(platform, "kubernetes_deployment_v1", `workloads_${s.name}_deployment`).spec.template.spec.container[0].image;
      expect(image).toBe(
        `\${data.aws_caller_identity.current.account_id}.dkr.ecr.us-west-2.amazonaws.com/authorworks-production/${s.name}:${production.workloads.imageTag}`,
      );
    }
  });

  test("its gateway serves api.authorworks.io and api-us-west-2.authorworks.io, and its external-dns publishes only the regional name into production's zone", () => {
    const ingress = Object.values(resourcesOf(platform, "kubernetes_ingress_v1"))[0];
    expect(ingress.spec.rule.map((r: Json) => r.host)).toEqual(["api.authorworks.io", "api-us-west-2.authorworks.io"]);
    expect(ingress.metadata.annotations).toMatchObject({
      "external-dns.alpha.kubernetes.io/hostname": "api-us-west-2.authorworks.io",
      "external-dns.alpha.kubernetes.io/ingress-hostname-source": "annotation-only",
      "alb.ingress.kubernetes.io/load-balancer-name": "authorworks-production-dr-api",
    });
    expect(platform.data.aws_route53_zone.zone.name).toBe("authorworks.io");
    const values = JSON.parse(resource(platform, "helm_release", "addons_external_dns_release").values[0]);
    // Its own TXT owner: production's external-dns never touches its records, nor it production's.
    expect(values.txtOwnerId).toBe("authorworks-production-dr");
  });

  test("production's SECONDARY record sends to exactly the name this gateway publishes", () => {
    expect(resource(stacks.production, "aws_route53_record", "failover_api_secondary").records).toEqual(["api-us-west-2.authorworks.io"]);
  });

  test("a pilot light has no platform stack in the app; a running standby has one, applied after its AWS stack", () => {
    const built = buildApp({ environments: [loadableAlone(production), running], processEnv: {} });
    expect(built.node.children.map((c) => c.node.id)).toEqual(["bootstrap", "production", "production-platform", "production-dr", "production-dr-platform"]);
    const pilot = buildApp({ environments: [productionOfPilotLight, pilotLight], processEnv: {} });
    expect(pilot.node.children.map((c) => c.node.id)).toEqual(["bootstrap", "production", "production-platform", "production-dr"]);
  });
});

describe("bad input: the standby section", () => {
  test("a failover without a restore source for every database is refused, naming each one and where to find it", () => {
    const msg = errorOf([production, withStandby({ pilotLight: false, restoreFrom: { content: source("content") }, readReplicas: undefined })]);
    expect(msg).toContain('environment "production-dr"');
    for (const d of DATABASE_SERVICES.filter((x) => x.name !== "content")) {
      expect(msg).toContain(
        `standby.restoreFrom.${d.name}: got nothing; accepted: with standby.pilotLight false and no standby.readReplicas the ${d.name} database is restored, not created empty`,
      );
    }
    expect(msg).toContain("aws rds describe-db-instance-automated-backups --region us-west-2");
  });

  test.each([
    ["another region's backup", source("content", "us-east-1"), "a backup in this environment's region (us-west-2)"],
    ["another account's backup", source("content", "us-west-2", "999999999999"), "a backup in this environment's account (333333333333)"],
    ["a snapshot ARN", "arn:aws:rds:us-west-2:333333333333:snapshot:rds:content-2026", "arn:aws:rds:us-west-2:333333333333:auto-backup:ab-..."],
  ])("a restore source that is %s is refused", (_what, arn, accepted) => {
    const msg = errorOf([production, withStandby({ pilotLight: false, restoreFrom: { ...RESTORE_FROM, content: arn }, readReplicas: undefined })]);
    expect(msg).toContain(`standby.restoreFrom.content: got ${JSON.stringify(arn)}; accepted: ${accepted}`);
  });

  test("a restore source for a service without a database is refused", () => {
    const msg = errorOf([withStandby({ restoreFrom: { gateway: source("gateway") } })]);
    expect(msg).toContain(
      `standby.restoreFrom.gateway: got ${JSON.stringify(source("gateway"))}; accepted: only the services that own a database: ${DATABASE_SERVICES.map((d) => d.name).join(", ")}`,
    );
  });

  test.each([
    ["itself", "production-dr", "another environment: dev, staging, production"],
    ["an unknown environment", "qa", "another environment: dev, staging, production"],
  ])("a primary that is %s is refused", (_what, primary, accepted) => {
    expect(errorOf([withStandby({ primary: primary as never })])).toContain(`standby.primary: got "${primary}"; accepted: ${accepted}`);
  });

  const WARM = "with standby.pilotLight false and standby.readReplicas.promoted false (a warm standby: the services read the replicas, nothing writes)";
  test("a warm standby with RDS Proxy on is refused, naming the field and why (RDS Proxy targets no read replica)", () => {
    const msg = errorOf([production, { ...productionDr, database: production.database }]);
    expect(msg).toContain('environment "production-dr"');
    expect(msg).toContain(
      `database.proxy.enabled: got true; accepted: false ${WARM}: RDS Proxy targets no read replica (RDS User Guide, Amazon RDS Proxy, limitations); ` +
        "or promote the replicas (docs/runbooks/region-failure.md)",
    );
  });

  test.each([true, undefined])("a warm standby with the database user Jobs on (%p) is refused: a replica refuses CREATE ROLE", (jobs) => {
    const msg = errorOf([production, { ...productionDr, workloads: { ...productionDr.workloads, databaseUserJobs: jobs } }]);
    expect(msg).toContain('environment "production-dr"');
    expect(msg).toContain(
      `workloads.databaseUserJobs: got ${jobs === undefined ? "nothing" : "true"}; accepted: false ${WARM}: a read replica refuses CREATE ROLE, ` +
        "and the users are there already (PostgreSQL roles replicate with the data)",
    );
  });

  test.each(["own", undefined])("a warm standby with application secrets %p (its own, empty ones) is refused", (secrets) => {
    const msg = errorOf([production, withStandby({ applicationSecrets: secrets as never })]);
    expect(msg).toContain(
      `standby.applicationSecrets: got ${secrets === undefined ? "nothing" : '"own"'}; accepted: "primary" ${WARM}: the services run before any failover, ` +
        "and only the primary's replicated secrets have values then",
    );
  });

  test("the three together name each field once; a pilot light or promoted replicas need none of them", () => {
    const all = {
      ...productionDr,
      database: production.database,
      workloads: production.workloads,
      standby: { ...productionDr.standby!, applicationSecrets: "own" as const },
    };
    const msg = errorOf([production, all]);
    for (const field of ["database.proxy.enabled", "workloads.databaseUserJobs", "standby.applicationSecrets"])
      expect(msg.split(`- ${field}:`)).toHaveLength(2);
    const promotedAll = { ...all, standby: { ...all.standby, readReplicas: { ...productionDr.standby!.readReplicas!, promoted: true } } };
    expect(() => loadEnvironments([production, promotedAll])).not.toThrow();
    expect(() => loadEnvironments([productionOfPilotLight, { ...all, standby: { ...all.standby, pilotLight: true } }])).not.toThrow();
  });

  test('standby.applicationSecrets that is not "own" or "primary" is refused', () => {
    expect(errorOf([production, withStandby({ applicationSecrets: "production" as never })])).toContain(
      'standby.applicationSecrets: got "production"; accepted: "own" or "primary" (environments/types.ts StandbyConfig), or none ("own")',
    );
  });

  test("workloads.databaseUserJobs false outside a standby with its primary's databases is refused (nothing would create the users)", () => {
    const msg = errorOf([loadableAlone({ ...production, workloads: { ...production.workloads, databaseUserJobs: false } })]);
    expect(msg).toContain('environment "production"');
    expect(msg).toContain(
      "workloads.databaseUserJobs: got false; accepted: true (or none) unless standby.readReplicas or standby.restoreFrom is set: " +
        "without the Jobs nothing creates the services' PostgreSQL users",
    );
    expect(errorOf([loadableAlone({ ...production, workloads: { ...production.workloads, databaseUserJobs: "no" as never } })])).toContain(
      'workloads.databaseUserJobs: got "no"; accepted: true or false',
    );
  });

  test.each([true, false])("read replicas and restore sources together are refused (pilotLight %p): one source per database", (pilotLight) => {
    const msg = errorOf([
      production,
      withStandby({ pilotLight, restoreFrom: RESTORE_FROM, readReplicas: { ...productionDr.standby!.readReplicas!, promoted: !pilotLight } }),
    ]);
    expect(msg).toContain('environment "production-dr"');
    expect(msg).toContain(
      "; accepted: none while standby.readReplicas is set (each database is its read replica); to restore from the replicated backups instead " +
        "(a corruption the replicas copied, a broken replication), remove standby.readReplicas first (docs/runbooks/region-failure.md)",
    );
    expect(msg).toMatch(/standby\.restoreFrom: got \{/);
  });

  test.each([
    [
      "not an object",
      "yes",
      'standby.readReplicas: got "yes"; accepted: { instanceClass, multiAz, promoted } (environments/types.ts ReadReplicaConfig), or none',
    ],
    [
      "an unknown instance class",
      { instanceClass: "db.x9.huge", multiAz: false, promoted: false },
      'standby.readReplicas.instanceClass: got "db.x9.huge"; accepted: an RDS for PostgreSQL instance class such as db.t4g.medium or db.r6g.large',
    ],
    [
      "a multiAz that is a string",
      { instanceClass: "db.t4g.medium", multiAz: "no", promoted: false },
      'standby.readReplicas.multiAz: got "no"; accepted: true or false',
    ],
    [
      "a promoted that is a string",
      { instanceClass: "db.t4g.medium", multiAz: false, promoted: "true" },
      'standby.readReplicas.promoted: got "true"; accepted: true or false',
    ],
  ])("readReplicas with %s is refused", (_what, readReplicas, message) => {
    expect(errorOf([production, withStandby({ readReplicas: readReplicas as never })])).toContain(message);
  });

  test.each([
    ["a burstable class with less memory (db.t4g.medium, 4 GiB)", "db.t4g.medium", 4],
    ["a general-purpose class with less memory (db.m7g.large, 8 GiB)", "db.m7g.large", 8],
  ])(
    "read replicas on %s than their source's db.r6g.large (16 GiB) are refused, per database: a promoted replica would have a lower max_connections",
    (_what, instanceClass, gib) => {
      const msg = errorOf([production, withStandby({ readReplicas: { instanceClass, multiAz: false, promoted: false } })]);
      for (const d of DATABASE_SERVICES) {
        expect(msg).toContain(
          `standby.readReplicas.instanceClass (${d.name}): got "${instanceClass}" (${gib} GiB); accepted: a class with at least the memory of production's "db.r6g.large" (16 GiB): ` +
            "RDS for PostgreSQL's default max_connections follows memory, and a promoted replica takes its source's clients",
        );
      }
    },
  );

  test("read replicas on a class with more memory than the source's (db.r6g.xlarge, 32 GiB) are accepted", () => {
    const json = synthApp({ environments: [production, withStandby({ readReplicas: { instanceClass: "db.r6g.xlarge", multiAz: false, promoted: false } })] })[
      "production-dr"
    ];
    expect(resource(json, "aws_db_instance", "rds_content_instance").instance_class).toBe("db.r6g.xlarge");
  });

  test("read replicas without their primary loaded are refused (their sources and lag threshold are its)", () => {
    expect(errorOf([productionDr])).toContain(
      'Invalid configuration for environment "production-dr" (nothing was synthesized):\n  - standby.readReplicas: got {"instanceClass":"db.r6g.large","multiAz":false,"promoted":false}; ' +
        "accepted: none unless its primary \"production\" is loaded with it (each replica's source and lag threshold are the primary's)",
    );
  });

  test('a pilotLight that is not a boolean ("false") is refused', () => {
    expect(errorOf([withStandby({ pilotLight: "false" as never })])).toContain('standby.pilotLight: got "false"; accepted: true or false');
  });

  test('application secrets "primary" without the primary loaded are refused (its dr.secrets must replicate them)', () => {
    expect(errorOf([{ ...withStandby({ pilotLight: true, readReplicas: undefined }), workloads: production.workloads }])).toContain(
      'standby.applicationSecrets: got "primary"; accepted: "own" (or none) unless its primary "production" is loaded with it',
    );
  });

  test("a standby with its own DR region, a parent zone, DNSSEC, CloudFront aliases or an edge health check is refused", () => {
    const msg = errorOf([
      {
        ...productionDr,
        drRegion: "us-east-2",
        dns: { ...productionDr.dns, parentZoneName: "io", dnssec: true },
        edge: { ...productionDr.edge, aliases: ["media.authorworks.io"], healthCheckPath: "/_health/cloudfront.txt" },
      },
    ]);
    expect(msg).toContain('drRegion: got "us-east-2"; accepted: none in a standby');
    expect(msg).toContain('dns.parentZoneName: got "io"; accepted: none in a standby');
    expect(msg).toContain("dns.dnssec: got true; accepted: false in a standby: the primary owns and signs the zone");
    expect(msg).toContain(`edge.aliases: got ["media.authorworks.io"]; accepted: [] in a standby: production's distribution serves its names`);
    expect(msg).toContain('edge.healthCheckPath: got "/_health/cloudfront.txt"; accepted: none in a standby');
  });
  test("a standby with a dr section of its own is refused (it holds its primary's replicas)", () => {
    const msg = errorOf([{ ...productionDr, drRegion: "us-east-2", dr: production.dr }]);
    expect(msg).toContain("dr: got {");
    expect(msg).toContain("accepted: none in a standby: it holds its primary's replicas, and nothing of it is replicated further");
  });
});

describe("bad input: a standby and its primary", () => {
  test('application secrets "primary" need every path read in the primary\'s dr.secrets, naming the missing ones', () => {
    const fewer = {
      ...production,
      dr: { ...production.dr!, secrets: production.dr!.secrets.filter((p) => !["auth/jwt-signing-key", "ci/github-runners-app"].includes(p)) },
    };
    const msg = errorOf([fewer, productionDr]);
    expect(msg).toContain('environment "production-dr"');
    expect(msg).toContain(
      'standby.applicationSecrets: got "primary" but production\'s dr.secrets does not replicate auth/jwt-signing-key, ci/github-runners-app; accepted: "own", or every path',
    );
    expect(msg).toContain("only replicated secrets exist in us-west-2");
  });

  test("production's SECONDARY alarm is required while production-dr is warm, and refused while it is a pilot light", () => {
    expect(errorOf([productionOfPilotLight, productionDr])).toContain(
      'Invalid configuration for environment "production-dr" (nothing was synthesized):\n  - production\'s dns.failover.secondaryAlarm: got false; accepted: true while production-dr is a warm standby ' +
        "(standby.pilotLight false, standby.readReplicas.promoted false): its health check passes, and its failure leaves no failover target",
    );
    expect(errorOf([production, pilotLight])).toContain(
      "  - production's dns.failover.secondaryAlarm: got true; accepted: false (or none) while production-dr is a pilot light (standby.pilotLight true): its health check fails by design, the alarm would never clear",
    );
  });

  test("the SECONDARY alarm's problem is listed with the standby's others in one message", () => {
    const msg = errorOf([productionOfPilotLight, { ...productionDr, accountId: "444444444444" }]);
    expect(
      msg
        .split("\n")
        .filter((l) => l.startsWith("  - "))
        .map((l) => l.slice(4, l.indexOf(":"))),
    ).toEqual(["accountId", "production's dns.failover.secondaryAlarm"]);
  });

  test("another account than its primary's is refused (the replicated data is in the primary's)", () => {
    expect(errorOf([production, { ...productionDr, accountId: "444444444444" }])).toContain(
      'accountId: got "444444444444"; accepted: "333333333333" (production\'s), the replicated backups, buckets, keys and secrets are in the primary\'s account',
    );
  });

  test("a region other than its primary's DR region is refused", () => {
    const msg = errorOf([production, { ...productionDr, region: "us-east-2", network: { ...productionDr.network } }]);
    expect(msg).toContain('region: got "us-east-2"; accepted: "us-west-2" (production\'s), its drRegion: where the primary replicates its data');
    expect(msg).toContain("production's dns.failover.secondaryRegion");
  });

  test("another zone or bucket prefix than its primary's is refused", () => {
    const msg = errorOf([
      production,
      { ...productionDr, dns: { ...productionDr.dns, zoneName: "authorworks.net" }, storage: { ...productionDr.storage, bucketPrefix: "aw" } },
    ]);
    expect(msg).toContain('dns.zoneName: got "authorworks.net"; accepted: "authorworks.io" (production\'s)');
    expect(msg).toContain('storage.bucketPrefix: got "aw"; accepted: "authorworks" (production\'s)');
  });

  test("read replicas on another major version or storage than their sources are refused (a replica runs its source's)", () => {
    const msg = errorOf([production, { ...productionDr, database: { ...productionDr.database, engineVersion: "16", allocatedStorageGb: 200 } }]);
    expect(msg).toContain('environment "production-dr"');
    const why = "a read replica runs its source's major version, on its source's storage";
    expect(msg).toContain(`database.engineVersion: got "16"; accepted: "17" (production's), ${why}`);
    for (const d of DATABASE_SERVICES) expect(msg).toContain(`database.allocatedStorageGb (${d.name}): got 200; accepted: 100 (production's), ${why}`);
  });

  test("a primary that is a standby itself is refused", () => {
    const chained = { ...production, standby: { primary: "staging", pilotLight: true } } as EnvironmentConfig;
    const msg = errorOf([
      {
        ...chained,
        drRegion: undefined,
        dr: undefined,
        dns: { ...production.dns, dnssec: false, failover: undefined },
        edge: { ...production.edge, aliases: [], healthCheckPath: undefined },
        backup: { ...production.backup, copyToRegion: undefined, replicateBackupsBucket: false },
      },
      productionDr,
    ]);
    expect(msg).toContain('standby.primary: "production" is itself a standby; accepted: an environment that is not');
  });

  test("two environments of their own in one account are still refused; only a standby may share its primary's", () => {
    expect(
      errorOf([
        production,
        {
          ...productionDr,
          standby: undefined,
          workloads: production.workloads,
          dns: { ...productionDr.dns, zoneName: "dr.authorworks.io" },
          edge: { ...production.edge, aliases: ["media.dr.authorworks.io"] },
        },
      ]),
    ).toContain('accountId: 333333333333 is also environment "production"\'s');
  });

  test("the account setting reaches a standby through its primary when it is not named itself", () => {
    const json = synthApp({ environments: [production, productionDr], processEnv: { AUTHORWORKS_ACCOUNT_IDS: "production=444455556666" } });
    expect(json["production-dr"].provider.aws[0].allowed_account_ids).toEqual(["444455556666"]);
    expect(json.production.provider.aws[0].allowed_account_ids).toEqual(["444455556666"]);
  });
});
