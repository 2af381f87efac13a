import { Testing, TerraformStack } from "cdktf";
import { buildApp } from "../../environments/app";
import { ENVIRONMENTS } from "../../environments";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import { Json, loadableAlone } from "../helpers";
import { COMMITTED_STACKS, realStacks } from "../real-app";
import { synthApp } from "../synth-app";
import { PLATFORM_STACK_SECRET_PATHS } from "../../variables/secrets";
import { PLAN_READ_ACTIONS } from "../../modules/security/github";

const stacks = realStacks();

describe("the app", () => {
  // Built, not synthesized: what it holds and in which order.
  const app = buildApp({ environments: ENVIRONMENTS, processEnv: {}, outdir: Testing.app().outdir });

  test("has exactly the bootstrap stack and, per environment, its AWS stack and its platform stack (production-dr runs warm: it has one)", () => {
    const order = COMMITTED_STACKS;
    expect(app.node.children.map((c) => c.node.id)).toEqual(order);
    expect(Object.keys(stacks)).toEqual([...order].sort());
  });

  test.each(["dev", "staging", "production", "production-dr"])("%s-platform is applied after %s", (env) => {
    const platform = app.node.findChild(`${env}-platform`) as TerraformStack;
    expect(platform.dependencies.map((d) => d.node.id)).toEqual([env]);
  });

  test.each(["dev", "staging", "production", "production-dr"])("%s: S3 backend with its own key, DynamoDB locking, encryption", (env) => {
    expect(stacks[env].terraform.backend).toEqual({
      s3: {
        bucket: "authorworks-terraform-state",
        key: `${env}/terraform.tfstate`,
        region: "us-east-1",
        dynamodb_table: "authorworks-terraform-locks",
        encrypt: true,
      },
    });
  });

  test("the bucket and table names come from the environment without code changes", () => {
    const custom = synthApp({ processEnv: { AUTHORWORKS_STATE_BUCKET: "acme-tfstate", AUTHORWORKS_STATE_LOCK_TABLE: "acme-locks" } });
    expect(custom.staging.terraform.backend.s3).toMatchObject({ bucket: "acme-tfstate", dynamodb_table: "acme-locks", key: "staging/terraform.tfstate" });
    expect(custom.bootstrap.resource.aws_s3_bucket.state_bucket.bucket).toBe("acme-tfstate");
    expect(custom.bootstrap.resource.aws_dynamodb_table.state_lock_table.name).toBe("acme-locks");
  });

  test("with TF_CLOUD_ORGANIZATION the environments use Terraform Cloud workspaces authorworks-<env>", () => {
    const cloud = synthApp({ processEnv: { TF_CLOUD_ORGANIZATION: "authorworks" } });
    for (const env of ["dev", "staging", "production"]) {
      expect(cloud[env].terraform.cloud).toEqual({ organization: "authorworks", workspaces: { name: `authorworks-${env}` } });
      expect(cloud[env].terraform.backend).toBeUndefined();
    }
    expect(cloud.bootstrap.terraform.backend.local).toBeDefined();
  });

  test("bootstrap starts on a local backend and can be moved into its own bucket", () => {
    expect(stacks.bootstrap.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
    const migrated = synthApp({ processEnv: { AUTHORWORKS_BOOTSTRAP_BACKEND: "s3" } });
    expect(migrated.bootstrap.terraform.backend.s3).toMatchObject({ key: "bootstrap/terraform.tfstate", dynamodb_table: "authorworks-terraform-locks" });
  });
});

describe("providers", () => {
  test.each([
    ["dev", "authorworks-dev"],
    ["production", "authorworks-production"],
  ])("%s: default tags on every resource through the provider", (env, costCenter) => {
    const [aws] = stacks[env].provider.aws;
    expect(aws.default_tags).toEqual([
      {
        tags: { Project: "authorworks", Environment: env, ManagedBy: "terraform", Owner: "platform", CostCenter: costCenter, Repository: "authorworks-infra" },
      },
    ]);
  });

  test("every AWS provider of every environment stack, aliases included, is guarded by exactly one account", () => {
    // production-dr is in production's account (its standby); a pilot light has no platform stack.
    const account = { dev: dev.accountId, staging: staging.accountId, production: production.accountId, "production-dr": production.accountId } as Record<
      string,
      string
    >;
    for (const env of ["dev", "staging", "production", "production-dr"]) {
      for (const stack of env === "production-dr" ? [env] : [env, `${env}-platform`]) {
        const providers = stacks[stack].provider.aws as Json[];
        // Aliases where the stack has something there: us-east-1 (the edge) and the DR region in the
        // primaries' AWS stacks, the parent zone's account where the zone is delegated; none elsewhere.
        expect([stack, providers.map((p) => p.alias ?? "default")]).toEqual([
          stack,
          {
            dev: ["default", "global", "parent_zone"],
            staging: ["default", "global", "parent_zone"],
            production: ["default", "dr", "global"],
          }[stack] ?? ["default"],
        ]);
        // The parent zone (authorworks.io) is production's: that provider signs into production's account.
        for (const p of providers)
          expect([stack, p.alias, p.allowed_account_ids]).toEqual([stack, p.alias, [p.alias === "parent_zone" ? account.production : account[env]]]);
      }
    }
    const guarded = synthApp({ environments: [loadableAlone({ ...dev, accountId: "111122223333" })] });
    expect(guarded.dev.provider.aws[0].allowed_account_ids).toEqual(["111122223333"]);
  });

  test("aliases: production has the DR provider in us-west-2; dev and staging the parent zone's; every environment aws.global in us-east-1", () => {
    expect(stacks.production.provider.aws.map((p: Json) => [p.alias, p.region])).toEqual([
      [undefined, "us-east-1"],
      ["dr", "us-west-2"],
      ["global", "us-east-1"],
    ]);
    for (const env of ["dev", "staging"]) {
      expect(stacks[env].provider.aws.map((p: Json) => [p.alias, p.region])).toEqual([
        [undefined, "us-east-1"],
        ["global", "us-east-1"],
        ["parent_zone", "us-east-1"],
      ]);
    }
    // The tags hold for every alias, not only the default provider.
    expect(new Set(stacks.production.provider.aws.map((p: Json) => JSON.stringify(p.default_tags))).size).toBe(1);
  });
});

describe("bootstrap stack", () => {
  const r = stacks.bootstrap.resource;

  test("state bucket and lock table cannot be destroyed by an apply", () => {
    expect(r.aws_s3_bucket.state_bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(r.aws_dynamodb_table.state_lock_table.lifecycle).toEqual({ prevent_destroy: true });
    expect(r.aws_kms_key.state_key_key.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("bucket: versioned, KMS-encrypted with its key, SSE-C blocked explicitly, private, owner-enforced, TLS only, old versions expire", () => {
    expect(r.aws_s3_bucket_versioning.state_versioning.versioning_configuration).toEqual({ status: "Enabled" });
    expect(r.aws_s3_bucket_server_side_encryption_configuration.state_encryption.rule[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.state_key_key.arn}" },
      bucket_key_enabled: true,
      blocked_encryption_types: ["SSE-C"],
    });
    expect(r.aws_s3_bucket_public_access_block.state_public_access_block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(r.aws_s3_bucket_ownership_controls.state_ownership.rule.object_ownership).toBe("BucketOwnerEnforced");
    const [deny] = stacks.bootstrap.data.aws_iam_policy_document.state_bucket_policy_document.statement;
    expect(deny).toMatchObject({ effect: "Deny", actions: ["s3:*"], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
    const [rule] = r.aws_s3_bucket_lifecycle_configuration.state_lifecycle.rule;
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90, newer_noncurrent_versions: 10 }]);
    expect(r.aws_s3_bucket_lifecycle_configuration.state_lifecycle.depends_on).toEqual(["aws_s3_bucket_versioning.state_versioning"]);
  });

  test("lock table: LockID hash key, point-in-time recovery, KMS encryption", () => {
    expect(r.aws_dynamodb_table.state_lock_table).toMatchObject({
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.state_key_key.arn}" },
      deletion_protection_enabled: true,
    });
  });
});

describe("environment stacks", () => {
  const count = (env: string, type: string) => Object.keys(stacks[env].resource[type] ?? {}).length;

  test.each([
    ["dev", 2, 1],
    ["staging", 3, 1],
    ["production", 3, 3],
  ])("%s: %i AZs per tier, %i NAT gateway(s)", (env, azs, nats) => {
    expect(count(env, "aws_subnet")).toBe(azs * 3);
    expect(count(env, "aws_nat_gateway")).toBe(nats);
    expect(count(env, "aws_eip")).toBe(nats);
  });

  test.each([
    ["dev", "10.10.0.0/16", 30],
    ["staging", "10.20.0.0/16", 90],
    ["production", "10.30.0.0/16", 365],
  ])("%s: VPC %s, flow logs kept %i days with the logs key", (env, cidr, days) => {
    expect(stacks[env].resource.aws_vpc.network_vpc.cidr_block).toBe(cidr);
    expect(stacks[env].resource.aws_cloudwatch_log_group.network_flow_log_group).toMatchObject({
      retention_in_days: days,
      kms_key_id: "${aws_kms_key.keys_logs_key.arn}",
    });
  });

  test("keys: 30-day deletion window where data is protected, 7 in dev", () => {
    expect(stacks.dev.resource.aws_kms_key.keys_storage_key.deletion_window_in_days).toBe(7);
    expect(stacks.production.resource.aws_kms_key.keys_storage_key.deletion_window_in_days).toBe(30);
  });
});

describe("data layer per environment", () => {
  const res = (env: string, type: string): Json[] => Object.values(stacks[env].resource[type] ?? {});

  test.each([
    ["dev", "db.t4g.micro", false, 7, false, 0],
    ["staging", "db.t4g.medium", true, 30, true, 4],
    ["production", "db.r6g.large", true, 35, true, 4],
  ])("%s: one PostgreSQL per data-owning service (%s, Multi-AZ %s, %i-day backups, protected %s), %i proxies", (env, cls, multiAz, days, protect, proxies) => {
    const dbs = res(env, "aws_db_instance");
    expect(dbs.map((d) => d.identifier).sort()).toEqual(["content", "editor", "subscription", "user"].map((s) => `authorworks-${env}-${s}`));
    for (const d of dbs) {
      expect(d).toMatchObject({
        instance_class: cls,
        multi_az: multiAz,
        backup_retention_period: days,
        deletion_protection: protect,
        skip_final_snapshot: !protect,
      });
      expect(d.storage_encrypted).toBe(true);
      expect(d.kms_key_id).toBe("${aws_kms_key.keys_database_key.arn}");
      // The master password: write-only from an ephemeral password, version 1 in every environment.
      expect(d.manage_master_user_password).toBeUndefined();
      expect(d.password_wo).toMatch(/^\$\{ephemeral\.random_password\.rds_[a-z]+_master_password\.result\}$/);
      expect(d.password_wo_version).toBe(1);
      expect(d.db_subnet_group_name).toBe("${aws_db_subnet_group.network_db_subnet_group.name}");
      expect(d.vpc_security_group_ids).toEqual(["${aws_security_group.network_db_security_group.id}"]);
    }
    expect(res(env, "aws_db_proxy")).toHaveLength(proxies);
  });

  test.each([
    ["dev", 1, false],
    ["staging", 2, true],
    ["production", 3, true],
  ])("%s: Valkey with %i node(s), failover %s, in the cache subnet group", (env, nodes, failover) => {
    const [rg] = res(env, "aws_elasticache_replication_group");
    expect(rg).toMatchObject({
      num_cache_clusters: nodes,
      automatic_failover_enabled: failover,
      multi_az_enabled: failover,
      at_rest_encryption_enabled: "true",
      transit_encryption_enabled: true,
    });
    expect(rg.subnet_group_name).toBe("${aws_elasticache_subnet_group.network_cache_subnet_group.name}");
  });

  test.each(["dev", "staging", "production"])("%s: six buckets named <prefix>-<purpose>-%s, KMS with the storage key except logs", (env) => {
    // In the primary region; production also has the backups replica in the DR region (aws.dr).
    const buckets = res(env, "aws_s3_bucket")
      .filter((b) => b.provider === undefined)
      .map((b) => b.bucket)
      .sort();
    expect(buckets).toEqual(["artifacts", "backups", "content", "exports", "logs", "media"].map((p) => `authorworks-${p}-${env}`));
    const sse = stacks[env].resource.aws_s3_bucket_server_side_encryption_configuration;
    expect(sse.storage_content_encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: "${aws_kms_key.keys_storage_key.arn}",
    });
    expect(sse.storage_logs_encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
  });

  test("buckets can be emptied on destroy only where data is not protected", () => {
    expect(res("dev", "aws_s3_bucket").every((b) => b.force_destroy === true)).toBe(true);
    expect(res("production", "aws_s3_bucket").every((b) => !b.force_destroy)).toBe(true);
    expect(
      res("production", "aws_s3_bucket")
        .filter((b) => b.provider === "aws.dr")
        .map((b) => b.bucket)
        .sort(),
    ).toEqual([...["backups", "content", "exports", "media"].map((p) => `authorworks-${p}-replica-production`), "authorworks-production-failover-gate"].sort());
  });

  test.each(["dev", "staging", "production"])("%s: no secret is a literal in the synthesized JSON", (env) => {
    const text = JSON.stringify(stacks[env]);
    // Attributes that carry a secret value must be absent or references.
    for (const key of ["password", "master_password", "auth_token", "secret_string"]) {
      for (const m of text.matchAll(new RegExp(`"${key}":("[^"]*"|[^,}]*)`, "g"))) {
        expect(m[1]).toMatch(/^"\$\{[^}]+\}"$|^"\$\{jsonencode\(/);
      }
    }
    expect(text).not.toMatch(/"password":/);
  });
});

describe("security layer per environment", () => {
  const roles = (stack: string): Record<string, Json> => stacks[stack].resource.aws_iam_role;

  test.each(["dev", "staging", "production"])("%s: every role carries the permissions boundary except the two CI roles", (env) => {
    const without = Object.entries(roles(env))
      .filter(([, r]) => r.permissions_boundary === undefined)
      .map(([id]) => id);
    expect(without.sort()).toEqual(["security_github_apply_role", "security_github_plan_role"]);
    for (const [id, r] of Object.entries(roles(env))) {
      if (!without.includes(id)) expect(r.permissions_boundary).toBe("${aws_iam_policy.security_boundary_policy.arn}");
    }
    expect(stacks[env].resource.aws_iam_policy.security_boundary_policy.name).toBe(`authorworks-${env}-boundary`);
  });

  test.each(["dev", "staging", "production"])("%s-platform: add-on and service roles carry the environment's boundary, found by name", (env) => {
    const platformRoles = Object.values(roles(`${env}-platform`));
    expect(platformRoles.length).toBeGreaterThanOrEqual(6);
    for (const r of platformRoles) {
      expect(r.permissions_boundary).toBe(`arn:aws:iam::\${data.aws_caller_identity.current.account_id}:policy/authorworks-${env}-boundary`);
    }
  });

  test("the CI apply role administers the cluster through an access entry", () => {
    const entries = Object.values(stacks.production.resource.aws_eks_access_entry as Record<string, Json>);
    expect(entries.map((e) => e.principal_arn)).toContain("${aws_iam_role.security_github_apply_role.arn}");
  });

  test.each(["dev", "staging", "production"])("%s: one immutable ECR repository per service, named authorworks-%s/<service>", (env) => {
    const repos = Object.values(stacks[env].resource.aws_ecr_repository as Record<string, Json>);
    expect(repos.map((r) => r.name).sort()).toEqual(
      ["content", "editor", "export", "gateway", "notification", "subscription", "user"].map((s) => `authorworks-${env}/${s}`),
    );
    expect(repos.every((r) => r.image_tag_mutability === "IMMUTABLE")).toBe(true);
  });

  test("production-dr (read replicas of production's databases) has no master secret of its own, so no rotation and no function", () => {
    const dr = stacks["production-dr"].resource;
    expect([dr.aws_secretsmanager_secret_rotation, dr.aws_lambda_function]).toEqual([undefined, undefined]);
    // Its one secret version is the cache's AUTH token (the warm standby runs its own cache).
    expect(Object.keys(dr.aws_secretsmanager_secret_version ?? {})).toEqual(["cache_auth_token_secret_value"]);
    expect(Object.keys(stacks["production-dr"].data.aws_secretsmanager_secret ?? {}).filter((k) => k.endsWith("_source_master_secret"))).toHaveLength(4);
  });

  test.each(["dev", "staging", "production"])(
    "%s: the master secrets are Terraform's, under the secrets key, rotated every 90 days by the environment's own function; production's replicate to its DR region",
    (env) => {
      const stack = stacks[env];
      // Seed 003: database_credentials rotate every 90 days.
      const rotations = Object.values(stack.resource.aws_secretsmanager_secret_rotation as Record<string, Json>);
      expect(rotations.map((r) => r.secret_id).sort()).toEqual(
        ["content", "editor", "subscription", "user"].map((s) => `\${aws_secretsmanager_secret.rds_${s}_master_secret.id}`),
      );
      for (const r of rotations) {
        expect(r).toMatchObject({
          rotation_rules: { automatically_after_days: 90 },
          rotate_immediately: false,
          rotation_lambda_arn: "${aws_lambda_function.rds_rotation_function.arn}",
        });
      }
      expect(stack.resource.aws_lambda_function.rds_rotation_function.function_name).toBe(`authorworks-${env}-master-secret-rotation`);
      const masters = Object.entries(stack.resource.aws_secretsmanager_secret as Record<string, Json>).filter(([id]) => /^rds_[a-z]+_master_secret$/.test(id));
      expect(masters.map(([, s]) => s.name).sort()).toEqual(["content", "editor", "subscription", "user"].map((s) => `authorworks-${env}-${s}/master`));
      for (const [, s] of masters) {
        expect(s.kms_key_id).toBe("${aws_kms_key.keys_secrets_key.arn}");
        expect(s.replica).toEqual(env === "production" ? [{ region: "us-west-2", kms_key_id: "${aws_kms_key.keys_secrets_dr_key.arn}" }] : undefined);
      }
    },
  );
});

describe("observability, backup and DR per environment", () => {
  const res = (env: string, type: string): Json[] => Object.values(stacks[env].resource[type] ?? {});

  test.each([
    ["dev", 7, false],
    ["staging", 30, false],
    ["production", 90, true],
  ])("%s: daily backups kept %i days; copy to the DR vault %s", (env, days, copy) => {
    const daily = res(env, "aws_backup_plan").find((p) => p.name.endsWith("-daily"))!;
    expect(daily.rule[0].lifecycle.delete_after).toBe(days);
    expect(daily.rule[0].copy_action !== undefined).toBe(copy);
    expect(res(env, "aws_backup_vault_lock_configuration")).toHaveLength(copy ? 1 : 0);
    // Production replicates the backups bucket (modules/backup) and content, media, exports (modules/dr).
    expect(res(env, "aws_s3_bucket_replication_configuration").map((r) => r.bucket)).toEqual(
      copy ? ["backups", "content", "exports", "media"].map((p) => `\${aws_s3_bucket.storage_${p}_bucket.id}`) : [],
    );
  });

  test.each(["dev", "staging", "production"])(
    "%s: failed backup jobs page (critical topic); failed monthly restore tests warn (warning topic); no other rule target",
    (env) => {
      expect(Object.values(stacks[env].resource.aws_cloudwatch_event_target)).toEqual([
        expect.objectContaining({ arn: "${aws_sns_topic.monitoring_critical_topic.arn}", rule: "${aws_cloudwatch_event_rule.backup_failed_jobs.name}" }),
        expect.objectContaining({
          arn: "${aws_sns_topic.monitoring_warning_topic.arn}",
          rule: "${aws_cloudwatch_event_rule.backup_restore_testing_failed.name}",
        }),
      ]);
    },
  );

  test.each(["dev", "staging", "production"] as const)(
    "%s: a monthly restore test of the vault, restoring databases into the database subnets and group",
    (env) => {
      const plan = stacks[env].resource.aws_backup_restore_testing_plan.backup_restore_testing_plan;
      const cfg = { dev, staging, production }[env];
      expect(plan).toMatchObject({
        name: `authorworks_${env}_restore_tests`,
        schedule_expression: cfg.restoreTesting.schedule,
        start_window_hours: cfg.restoreTesting.startWindowHours,
        recovery_point_selection: [{ include_vaults: ["${aws_backup_vault.backup_vault.arn}"], selection_window_days: cfg.restoreTesting.selectionWindowDays }],
      });
      const rds = stacks[env].resource.aws_backup_restore_testing_selection.backup_restore_testing_rds;
      expect(rds.restore_metadata_overrides).toEqual({
        dbSubnetGroupName: "${aws_db_subnet_group.network_db_subnet_group.name}",
        vpcSecurityGroupIds: '["${aws_security_group.network_db_security_group.id}"]',
        publiclyAccessible: "false",
      });
      expect(rds.validation_window_hours).toBe(cfg.restoreTesting.validationWindowHours);
      // The tag the databases carry is the one the tests select by.
      const dbTags = Object.values(stacks[env].resource.aws_db_instance as Record<string, { tags: Record<string, string> }>).map(
        (d) => d.tags["authorworks:backup"],
      );
      expect(new Set(dbTags)).toEqual(new Set([rds.protected_resource_conditions[0].string_equals[0].value]));
    },
  );

  test.each(["dev", "staging", "production"])("%s: every database carries the backup selection tag", (env) => {
    expect(res(env, "aws_db_instance").every((d) => d.tags["authorworks:backup"] === "daily")).toBe(true);
  });

  // Seed 003's $80 and $450 are under the fixed cost of dev and staging (README "Cost per environment").
  test.each([
    ["dev", 600],
    ["staging", 1500],
    ["production", 4000],
  ])("%s: monthly budget of %i USD", (env, usd) => {
    const [budget] = res(env, "aws_budgets_budget");
    expect(Number(budget.limit_amount)).toBe(usd);
  });
});

describe("secrets the platform layer reads", () => {
  test.each(["dev", "staging", "production"])("%s: the platform stack reads exactly the secrets its environment stack creates for it", (env) => {
    const reads = Object.values(stacks[`${env}-platform`].data.aws_secretsmanager_secret_version as Record<string, Json>).map((d) => d.secret_id);
    const read = [...new Set(reads)].sort();
    expect(read).toEqual([`authorworks-${env}/alerting/chat-webhook-url`, `authorworks-${env}/ci/github-runners-app`]);
    // The chat webhook is read twice: by Alertmanager's Secret and by the chat forwarder's API destination.
    expect(reads.filter((id) => id.endsWith("/alerting/chat-webhook-url"))).toHaveLength(2);
    const created = Object.values(stacks[env].resource.aws_secretsmanager_secret as Record<string, Json>).map((s) => s.name);
    for (const name of read) expect(created).toContain(name);
  });
});

describe("DNS delegation across accounts (dev and staging into production's apex)", () => {
  test.each(["dev", "staging"])("%s: lookup and NS record through aws.parent_zone, which assumes production's role for %s", (env) => {
    const j = stacks[env];
    const role = `arn:aws:iam::${production.accountId}:role/authorworks-production-dns-delegation-${env}`;
    const provider = (j.provider.aws as Json[]).find((p) => p.alias === "parent_zone")!;
    expect(provider.assume_role).toEqual([{ role_arn: role, session_name: `authorworks-${env}-dns-delegation` }]);
    expect(j.data.aws_route53_zone.dns_parent_zone).toMatchObject({ name: "authorworks.io", provider: "aws.parent_zone" });
    expect(j.resource.aws_route53_record.dns_delegation).toMatchObject({ provider: "aws.parent_zone", name: `${env}.authorworks.io`, type: "NS" });
    // A plan signs into the parent account too: the plan role may assume that role, and only it.
    const plan = j.data.aws_iam_policy_document.security_github_plan_policy_document.statement.find((s: Json) => s.sid === "AssumeProviderRoles");
    expect(plan).toMatchObject({ actions: ["sts:AssumeRole"], resources: [role] });
  });

  test("production: one bounded role per delegated environment, trusted by that environment's account", () => {
    const r = stacks.production.resource.aws_iam_role;
    for (const [env, account] of [
      ["dev", dev.accountId],
      ["staging", staging.accountId],
    ]) {
      expect(r[`dns_delegation_role_${env}_role`]).toMatchObject({
        name: `authorworks-production-dns-delegation-${env}`,
        permissions_boundary: "${aws_iam_policy.security_boundary_policy.arn}",
      });
      const trust = stacks.production.data.aws_iam_policy_document[`dns_delegation_role_${env}_trust`].statement;
      expect(trust[0].principals).toEqual([{ type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }]);
    }
    expect(stacks.production.provider.aws.map((p: Json) => p.alias)).not.toContain("parent_zone");
  });
});

describe("what a plan reads", () => {
  test.each(["dev", "staging", "production"])(
    "%s: the plan role may read the secrets the platform stack reads, the cache token and the master secrets (versions Terraform wrote), nothing else",
    (env) => {
      const platformReads = [...new Set(Object.values<Json>(stacks[`${env}-platform`].data.aws_secretsmanager_secret_version).map((d) => d.secret_id))].sort();
      expect(platformReads).toEqual(PLATFORM_STACK_SECRET_PATHS.map((p) => `authorworks-${env}/${p}`).sort());
      const doc = stacks[env].data.aws_iam_policy_document.security_github_plan_secrets_document.statement.find(
        (s: Json) => s.sid === "ReadManagedSecretVersions",
      );
      const byLogicalId = (path: string) => `\${aws_secretsmanager_secret.security_secrets_${path.replace(/[^a-z0-9]+/g, "_")}.arn}`;
      expect([...doc.resources].sort()).toEqual(
        [
          "${aws_secretsmanager_secret.cache_auth_token_secret.arn}",
          ...["content", "editor", "subscription", "user"].map((s) => `\${aws_secretsmanager_secret.rds_${s}_master_secret.arn}`),
          ...PLATFORM_STACK_SECRET_PATHS.map(byLogicalId),
        ].sort(),
      );
    },
  );
});

describe("the deploy runner", () => {
  test("each environment stack has one in its private subnets, admitted by its cluster; no webhook until the connection is available", () => {
    for (const env of ["dev", "staging", "production"]) {
      const project = stacks[env].resource.aws_codebuild_project.deploy_runner_project;
      expect(project.name).toBe(`authorworks-${env}-deploy-runner`);
      expect(project.vpc_config.subnets).toEqual(
        Object.keys(stacks[env].resource.aws_subnet)
          .filter((k) => k.startsWith("network_private_"))
          .map((k) => `\${aws_subnet.${k}.id}`),
      );
      expect(stacks[env].resource.aws_vpc_security_group_ingress_rule.deploy_runner_cluster_api_from_runner.security_group_id).toBe(
        "${aws_eks_cluster.eks_cluster.vpc_config[0].cluster_security_group_id}",
      );
      expect(stacks[env].resource.aws_codebuild_webhook).toBeUndefined();
    }
  });

  test("delivery.deployRunner reaches the runner: size, timeout, an existing connection, and the webhook once it is available", () => {
    // Values no committed environment uses, so a constant in the stack cannot pass.
    const connection = "arn:aws:codeconnections:us-east-1:111111111111:connection/0e4b1b8c-1f5c-4a36-9d2b-6f2f1f0d9a11";
    const runner = { computeType: "BUILD_GENERAL1_SMALL" as const, timeoutMinutes: 131, githubConnectionArn: connection, connectionAvailable: true };
    const json = synthApp({ environments: [loadableAlone({ ...dev, delivery: { ...dev.delivery, deployRunner: runner } })] }).dev;
    const project = json.resource.aws_codebuild_project.deploy_runner_project;
    expect([project.environment.compute_type, project.build_timeout, project.source.auth.resource]).toEqual(["BUILD_GENERAL1_SMALL", 131, connection]);
    expect(json.resource.aws_codeconnections_connection).toBeUndefined();
    expect(json.resource.aws_codebuild_webhook.deploy_runner_webhook.project_name).toBe("${aws_codebuild_project.deploy_runner_project.name}");
  });
});

describe("plan role: a read for every AWS service the stacks manage", () => {
  /** The IAM service prefix of a resource type (its first word unless listed). */
  const SERVICE_OF: Record<string, string> = {
    aws_autoscaling_group_tag: "autoscaling",
    aws_cloudwatch_dashboard: "cloudwatch",
    aws_cloudwatch_metric_alarm: "cloudwatch",
    aws_cloudwatch_event_api_destination: "events",
    aws_cloudwatch_event_connection: "events",
    aws_cloudwatch_event_rule: "events",
    aws_cloudwatch_event_target: "events",
    aws_cloudwatch_log_delivery: "logs",
    aws_cloudwatch_log_delivery_destination: "logs",
    aws_cloudwatch_log_delivery_source: "logs",
    aws_cloudwatch_log_group: "logs",
    aws_db_instance: "rds",
    aws_db_instance_automated_backups_replication: "rds",
    aws_db_parameter_group: "rds",
    aws_db_proxy: "rds",
    aws_db_proxy_default_target_group: "rds",
    aws_db_proxy_target: "rds",
    aws_db_subnet_group: "rds",
  };
  const EC2 =
    /^aws_(default_security_group|eip|flow_log|internet_gateway|launch_template|nat_gateway|route|route_table|route_table_association|security_group|subnet|vpc|vpc_endpoint|vpc_security_group_(egress|ingress)_rule)$/;
  const serviceOf = (type: string) => SERVICE_OF[type] ?? (EC2.test(type) ? "ec2" : type.replace(/^aws_/, "").split("_")[0]);

  // Pull requests plan the platform stack too: its AWS resources count.
  test.each(["dev", "staging", "dev-platform", "staging-platform", "production", "production-platform"])("%s", (stack) => {
    const json = stacks[stack];
    const types = Object.keys(json.resource).filter((t) => t.startsWith("aws_"));
    // Plus what the plan role gets where the stack has a Lambda function (its own inline policy).
    const functions = json.data?.aws_iam_policy_document?.security_github_plan_functions_document;
    const extra: string[] = functions ? functions.statement.flatMap((st: Json) => st.actions) : [];
    expect(functions !== undefined).toBe(json.resource.aws_lambda_function !== undefined);
    const readable = new Set([...PLAN_READ_ACTIONS, ...extra].map((a) => a.split(":")[0]));
    expect(types.map(serviceOf).filter((s) => !readable.has(s))).toEqual([]);
  });

  test("the budget action and the pipe are read with their own actions (not covered by ViewBudget or events:Describe*)", () => {
    expect(PLAN_READ_ACTIONS).toEqual(expect.arrayContaining(["budgets:DescribeBudgetAction", "pipes:DescribePipe", "pipes:ListTagsForResource"]));
  });
});
