import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Json, TEST_AWS, resource, resourcesOf, sid, statements, synthWith } from "../helpers";
import { BACKUP_TAG, Backup, BackupProps } from "../../modules/backup";
import { EncryptionKey } from "../../modules/kms";
import { ObjectStorage } from "../../modules/s3";
import type { EnvironmentConfig } from "../../environments/types";
import { names } from "../../variables/project";
import { FIXTURE } from "../fixtures/environment";
import { testContext } from "../fixtures/context";
import { matchesPattern } from "../fixtures/event-pattern";

const DR_REGION = FIXTURE.drRegion!;

/** Backup wired as environment-stack.ts does: storage key, backups bucket, aws.dr provider, env data. */
function synth(env: EnvironmentConfig, extra: Partial<BackupProps> = {}): Json {
  return synthWith((stack) => {
    const dr = env.drRegion ? new AwsProvider(stack, "aws-dr", { region: env.drRegion, alias: "dr" }) : undefined;
    const storageKey = new EncryptionKey(stack, "storage-key", {
      aws: TEST_AWS,
      alias: `authorworks-${env.name}-storage`,
      description: "storage",
      viaServices: ["s3"],
    });
    const context = testContext({ environment: env.name, keys: { storage: storageKey } });
    const storage = new ObjectStorage(stack, "storage", { context, logExpirationDays: 30 });
    new Backup(stack, "backup", {
      context,
      retentionDays: env.backup.retentionDays,
      dr: dr && env.drRegion ? { provider: dr, region: env.drRegion } : undefined,
      copyToDr: env.backup.copyToRegion !== undefined,
      vaultLock: env.backup.vaultLock ? {} : undefined,
      replication: env.backup.replicateBackupsBucket
        ? { source: storage.buckets.backups, destinationBucketName: names.bucket(env.storage.bucketPrefix, "backups-replica", env.name) }
        : undefined,
      forceDestroy: env.durability.forceDestroy,
      ...extra,
    });
  });
}

const plan = (json: Json, id: "daily" | "continuous") => resource(json, "aws_backup_plan", `backup_${id}_plan`);
const rule = (json: Json, id: "daily" | "continuous") => plan(json, id).rule[0];
const VAULT_NAME = "${aws_backup_vault.backup_vault.name}";
const DR_VAULT_ARN = "${aws_backup_vault.backup_dr_vault.arn}";
const DR_KEY_ARN = "${aws_kms_key.backup_dr_key.arn}";
const STORAGE_KEY_ARN = "${aws_kms_key.storage_key_key.arn}";
const SOURCE_ARN = "${aws_s3_bucket.storage_backups_bucket.arn}";
const REPLICA_ARN = "${aws_s3_bucket.backup_replica_bucket.arn}";

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: backups
 * kept 47 days (not the seed's 7/30/90), copied to eu-north-1, vault locked, backups bucket
 * replicated, no force destroy. The variants change one thing each, so a prop wired to
 * another or to a constant fails; BARE turns every DR piece off together.
 */
const fixtureJson = synth(FIXTURE);
const withBackup = (backup: Partial<EnvironmentConfig["backup"]>): EnvironmentConfig => ({ ...FIXTURE, backup: { ...FIXTURE.backup, ...backup } });
const VARIANTS = {
  noCopy: synth(withBackup({ copyToRegion: undefined })),
  noLock: synth(withBackup({ vaultLock: false })),
  noReplication: synth(withBackup({ replicateBackupsBucket: false })),
  forceDestroy: synth({ ...FIXTURE, durability: { ...FIXTURE.durability, forceDestroy: true } }),
};
const BARE: EnvironmentConfig = { ...FIXTURE, drRegion: undefined, backup: { retentionDays: 47, vaultLock: false, replicateBackupsBucket: false } };

describe("Backup plans", () => {
  test.each([
    ["the fixture", 47, 35, FIXTURE],
    ["retention 19 days", 19, 19, withBackup({ retentionDays: 19 })],
  ] as const)("%s: daily rule kept %p days, continuous rule %p days (PITR max 35)", (_name, daily, continuous, env) => {
    const json = synth(env);
    expect(rule(json, "daily")).toMatchObject({
      rule_name: "daily",
      schedule: "cron(0 5 ? * * *)",
      schedule_expression_timezone: "Etc/UTC",
      target_vault_name: VAULT_NAME,
      lifecycle: { delete_after: daily },
    });
    expect(rule(json, "daily").enable_continuous_backup).toBeUndefined();
    expect(rule(json, "continuous")).toMatchObject({
      rule_name: "continuous",
      enable_continuous_backup: true,
      target_vault_name: VAULT_NAME,
      lifecycle: { delete_after: continuous },
    });
    expect(plan(json, "daily").name).toBe(`authorworks-${env.name}-daily`);
    // No plan ever copies continuous recovery points; only the daily rule does.
    expect(rule(json, "continuous").copy_action).toBeUndefined();
  });

  test("the vault uses the given key, whose policy lets AWS Backup use it in this account", () => {
    const json = fixtureJson;
    expect(resource(json, "aws_backup_vault", "backup_vault")).toMatchObject({
      name: "authorworks-staging-backup",
      kms_key_arn: STORAGE_KEY_ARN,
      force_destroy: false,
    });
    expect(sid(json, "storage_key_policy", "UseThroughAwsBackup")).toMatchObject({
      actions: expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"]),
      condition: expect.arrayContaining([
        { test: "StringEquals", variable: "kms:ViaService", values: ["backup.us-east-1.amazonaws.com"] },
        { test: "StringEquals", variable: "kms:CallerAccount", values: [TEST_AWS.accountId] },
      ]),
    });
    expect(resource(VARIANTS.forceDestroy, "aws_backup_vault", "backup_vault").force_destroy).toBe(true);
  });

  test("a cold storage tier keeps 90 days: shorter retention is refused", () => {
    expect(() => synth(BARE, { coldStorageAfterDays: 30, retentionDays: 100 })).toThrow(/at least coldStorageAfterDays \+ 90/);
    expect(rule(synth(BARE, { coldStorageAfterDays: 30, retentionDays: 120 }), "daily").lifecycle).toEqual({ delete_after: 120, cold_storage_after: 30 });
  });
});

describe("Backup selections (tag AND resource type)", () => {
  const json = fixtureJson;
  const condition = [{ string_equals: [{ key: `aws:ResourceTag/${BACKUP_TAG.key}`, value: BACKUP_TAG.value }] }];

  test("daily: tagged RDS instances, EBS volumes and DynamoDB tables of this account and region", () => {
    const s = resource(json, "aws_backup_selection", "backup_daily_selection");
    expect(s.plan_id).toBe("${aws_backup_plan.backup_daily_plan.id}");
    expect(s.iam_role_arn).toBe("${aws_iam_role.backup_role_role.arn}");
    expect(s.resources).toEqual([
      "arn:aws:rds:us-east-1:123456789012:db:*",
      "arn:aws:ec2:us-east-1:123456789012:volume/*",
      "arn:aws:dynamodb:us-east-1:123456789012:table/*",
    ]);
    expect(s.condition).toEqual(condition);
    // selection_tag would be ORed with resources (everything of those types).
    expect(s.selection_tag).toBeUndefined();
  });

  test("continuous: tagged RDS instances only", () => {
    const s = resource(json, "aws_backup_selection", "backup_continuous_selection");
    expect(s.plan_id).toBe("${aws_backup_plan.backup_continuous_plan.id}");
    expect(s.resources).toEqual(["arn:aws:rds:us-east-1:123456789012:db:*"]);
    expect(s.condition).toEqual(condition);
  });

  test("the backup role trusts AWS Backup from this account and has the backup and restore managed policies", () => {
    const trust = statements(json, "backup_role_trust")[0];
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["backup.amazonaws.com"] }]);
    expect(trust.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_AWS.accountId] }]);
    expect(
      Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"))
        .filter((a) => a.role === "${aws_iam_role.backup_role_role.name}")
        .map((a) => a.policy_arn)
        .sort(),
    ).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
  });
});

describe("DR copy and vault lock", () => {
  const prod = fixtureJson;

  test("without a DR region, copy, lock or replication: no DR vault, copy, lock, key or replication", () => {
    const json = synth(BARE);
    expect(rule(json, "daily").copy_action).toBeUndefined();
    expect(Object.keys(resourcesOf(json, "aws_backup_vault"))).toEqual(["backup_vault"]);
    expect(resourcesOf(json, "aws_backup_vault_lock_configuration")).toEqual({});
    expect(resourcesOf(json, "aws_s3_bucket_replication_configuration")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).toEqual(["storage_key_key"]);
  });

  // Each of copy, lock and replication off alone; the other two stay.
  test.each([
    ["copyToRegion unset", false, true, true, "noCopy"],
    ["vaultLock false", true, false, true, "noLock"],
    ["replicateBackupsBucket false", true, true, false, "noReplication"],
  ] as const)("%s: DR copy %p, vault lock %p, bucket replication %p", (_, copy, lock, replication, variant) => {
    const json = VARIANTS[variant];
    expect(rule(json, "daily").copy_action === undefined).toBe(!copy);
    expect(Object.keys(resourcesOf(json, "aws_backup_vault")).sort()).toEqual(copy ? ["backup_dr_vault", "backup_vault"] : ["backup_vault"]);
    expect(Object.keys(resourcesOf(json, "aws_backup_vault_lock_configuration"))).toHaveLength(lock ? 1 : 0);
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket_replication_configuration"))).toHaveLength(replication ? 1 : 0);
    // The DR key serves the copy and the replica alike.
    expect(resourcesOf(json, "aws_kms_key").backup_dr_key).toBeDefined();
  });

  test("the daily rule copies to the DR vault with the same lifecycle (47 days)", () => {
    expect(rule(prod, "daily").copy_action).toEqual([{ destination_vault_arn: DR_VAULT_ARN, lifecycle: { delete_after: 47 } }]);
  });

  test("DR vault and its rotating key are created with the aws.dr provider, in the DR region", () => {
    expect(resource(prod, "aws_backup_vault", "backup_dr_vault")).toMatchObject({
      provider: "aws.dr",
      kms_key_arn: DR_KEY_ARN,
      name: "authorworks-staging-backup-dr",
      force_destroy: false,
    });
    expect(resource(VARIANTS.forceDestroy, "aws_backup_vault", "backup_dr_vault").force_destroy).toBe(true);
    expect(resource(prod, "aws_kms_key", "backup_dr_key")).toMatchObject({
      provider: "aws.dr",
      enable_key_rotation: true,
      policy: "${data.aws_iam_policy_document.backup_dr_key_policy.json}",
    });
    expect(resource(prod, "aws_kms_alias", "backup_dr_key_alias")).toMatchObject({ provider: "aws.dr", name: "alias/authorworks-staging-backup-dr" });
    expect(prod.provider.aws.find((p: Json) => p.alias === "dr").region).toBe(DR_REGION);
  });

  test("the DR key is usable only through AWS Backup, RDS, EC2, DynamoDB and S3 in the DR region", () => {
    const use = sid(prod, "backup_dr_key_policy", "UseThroughBackupAndStorageServices");
    expect(use.condition).toContainEqual({
      test: "StringEquals",
      variable: "kms:ViaService",
      values: ["backup", "rds", "ec2", "dynamodb", "s3"].map((s) => `${s}.${DR_REGION}.amazonaws.com`),
    });
    expect(use.actions).not.toContain("kms:ScheduleKeyDeletion");
  });

  test("vault lock on the primary vault in compliance mode after 3 days, 7 days to the retention (47)", () => {
    expect(resource(prod, "aws_backup_vault_lock_configuration", "backup_vault_lock")).toEqual({
      backup_vault_name: VAULT_NAME,
      changeable_for_days: 3,
      min_retention_days: 7,
      max_retention_days: 47,
    });
    const governance = synth(FIXTURE, { vaultLock: { changeableForDays: null } });
    expect(resource(governance, "aws_backup_vault_lock_configuration", "backup_vault_lock").changeable_for_days).toBeUndefined();
  });

  test("a lock shorter than its minimum, or a grace period under 3 days, is refused", () => {
    expect(() => synth(FIXTURE, { vaultLock: { minRetentionDays: 40 } })).toThrow(
      /vault lock minimum 40 exceeds a rule's retention \(daily 47, continuous 35\)/,
    );
    expect(() => synth(FIXTURE, { vaultLock: { changeableForDays: 2 } })).toThrow(/changeableForDays 2 below 3/);
  });

  test("a copy into the primary region is refused", () => {
    expect(() =>
      synthWith((stack) => {
        const same = new AwsProvider(stack, "aws-dr", { region: "us-east-1", alias: "dr" });
        const key = new EncryptionKey(stack, "k", { aws: TEST_AWS, alias: "k", description: "k" });
        new Backup(stack, "backup", {
          context: testContext({ environment: "production", keys: { storage: key } }),
          retentionDays: 90,
          dr: { provider: same, region: "us-east-1" },
          copyToDr: true,
        });
      }),
    ).toThrow(/copy to the primary region us-east-1/);
  });

  test("copy or replication without a DR provider is refused", () => {
    expect(() => synth(BARE, { copyToDr: true })).toThrow(/need `dr`/);
  });
});

describe("Backups bucket replication (replicateBackupsBucket, the synthetic environment)", () => {
  const prod = fixtureJson;
  const replication = resource(prod, "aws_s3_bucket_replication_configuration", "backup_replication");
  const rules = replication.rule as Json[];
  /** The resource a `${type.id.attr}` reference points at. */
  const referenced = (ref: string, type: string): Json => {
    const m = new RegExp(`^\\$\\{${type}\\.([\\w-]+)\\.(arn|id)\\}$`).exec(ref);
    if (!m) throw new Error(`${ref} is no reference to a ${type}`);
    return resource(prod, type, m[1]);
  };

  test("the source is the backups bucket, through the replication role", () => {
    expect(replication.bucket).toBe("${aws_s3_bucket.storage_backups_bucket.id}");
    expect(referenced(replication.bucket, "aws_s3_bucket").tags.Purpose).toBe("backups");
    expect(replication.role).toBe("${aws_iam_role.backup_replication_role_role.arn}");
  });

  test("every object of the bucket is replicated: each rule enabled, no prefix or tag filter leaves objects out", () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.status).toBe("Enabled");
      expect(r.filter?.tag).toBeUndefined();
      expect(r.filter?.and).toBeUndefined();
      expect(r.filter?.prefix ?? "").toBe("");
    }
  });

  test("objects encrypted with the source bucket's KMS key are selected (the bucket encrypts every object with SSE-KMS)", () => {
    const sse = resource(prod, "aws_s3_bucket_server_side_encryption_configuration", "storage_backups_encryption").rule[0]
      .apply_server_side_encryption_by_default;
    expect(sse.sse_algorithm).toBe("aws:kms");
    for (const r of rules) expect(r.source_selection_criteria.sse_kms_encrypted_objects.status).toBe("Enabled");
  });

  test("replicas go to the replica bucket, made in the DR region", () => {
    for (const r of rules) {
      expect(r.destination.bucket).toBe(REPLICA_ARN);
      expect(referenced(r.destination.bucket, "aws_s3_bucket").provider).toBe("aws.dr");
    }
    expect(prod.provider.aws.find((p: Json) => p.alias === "dr").region).toBe(DR_REGION);
  });

  test("replicas are re-encrypted with a key of the DR region, the replica bucket's own default key", () => {
    const replicaDefault = resource(prod, "aws_s3_bucket_server_side_encryption_configuration", "backup_replica_encryption").rule[0]
      .apply_server_side_encryption_by_default;
    for (const r of rules) {
      const keyRef = r.destination.encryption_configuration.replica_kms_key_id;
      expect(referenced(keyRef, "aws_kms_key").provider).toBe("aws.dr");
      expect(keyRef).toBe(replicaDefault.kms_master_key_id);
      expect(keyRef).not.toBe(STORAGE_KEY_ARN);
    }
  });

  test("delete markers are replicated (a delete hides the object in the replica too), and the replica keeps old versions for recovery", () => {
    for (const r of rules) expect(r.delete_marker_replication.status).toBe("Enabled");
    // S3 never replicates version deletions: the replica's noncurrent versions are what a restore uses.
    const lifecycle = resource(prod, "aws_s3_bucket_lifecycle_configuration", "backup_replica_lifecycle").rule[0];
    expect(lifecycle.noncurrent_version_expiration[0].noncurrent_days).toBeGreaterThan(0);
    expect(lifecycle.expiration).toBeUndefined();
  });

  test("the rule as synthesized (ids and storage class, which the properties above leave open)", () => {
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ id: "backups-to-dr", priority: 1, destination: { storage_class: "STANDARD" } });
  });

  test("waits for versioning on both buckets and for the role's policy", () => {
    expect(replication.depends_on).toEqual(
      expect.arrayContaining([
        "aws_s3_bucket_versioning.storage_backups_versioning",
        "aws_s3_bucket_versioning.backup_replica_versioning",
        "aws_iam_role_policy.backup_replication_policy",
      ]),
    );
  });

  test("replication time control adds the 15-minute SLA and its metrics", () => {
    const rtc = synthWith((stack) => {
      const dr = new AwsProvider(stack, "aws-dr", { region: DR_REGION, alias: "dr" });
      const key = new EncryptionKey(stack, "k", { aws: TEST_AWS, alias: "k", description: "k" });
      const context = testContext({ environment: "production", keys: { storage: key } });
      const storage = new ObjectStorage(stack, "storage", { context, logExpirationDays: 30 });
      new Backup(stack, "backup", {
        context,
        retentionDays: 90,
        dr: { provider: dr, region: DR_REGION },
        replication: { source: storage.buckets.backups, destinationBucketName: "x-replica", replicationTimeControl: true },
      });
    });
    expect(resource(rtc, "aws_s3_bucket_replication_configuration", "backup_replication").rule[0].destination).toMatchObject({
      replication_time: { status: "Enabled", time: { minutes: 15 } },
      metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
    });
  });

  test("the DR bucket (aws.dr): versioned, SSE-KMS with the DR key, public access blocked, owner enforced, TLS only", () => {
    const bucket = resource(prod, "aws_s3_bucket", "backup_replica_bucket");
    expect(bucket).toMatchObject({ provider: "aws.dr", bucket: "awfixture-backups-replica-staging", force_destroy: false });
    expect(resource(VARIANTS.forceDestroy, "aws_s3_bucket", "backup_replica_bucket").force_destroy).toBe(true);
    const ref = "${aws_s3_bucket.backup_replica_bucket.id}";
    expect(resource(prod, "aws_s3_bucket_versioning", "backup_replica_versioning")).toMatchObject({
      provider: "aws.dr",
      bucket: ref,
      versioning_configuration: { status: "Enabled" },
    });
    expect(resource(prod, "aws_s3_bucket_server_side_encryption_configuration", "backup_replica_encryption")).toMatchObject({
      provider: "aws.dr",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: DR_KEY_ARN }, bucket_key_enabled: true }],
    });
    expect(resource(prod, "aws_s3_bucket_public_access_block", "backup_replica_public_access_block")).toMatchObject({
      provider: "aws.dr",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resource(prod, "aws_s3_bucket_ownership_controls", "backup_replica_ownership")).toMatchObject({
      provider: "aws.dr",
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(resource(prod, "aws_s3_bucket_policy", "backup_replica_policy").provider).toBe("aws.dr");
    expect(sid(prod, "backup_replica_policy_document", "DenyInsecureTransport")).toMatchObject({
      effect: "Deny",
      resources: [REPLICA_ARN, `${REPLICA_ARN}/*`],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
    expect(resource(prod, "aws_s3_bucket_lifecycle_configuration", "backup_replica_lifecycle")).toMatchObject({
      provider: "aws.dr",
      rule: [
        { status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 90 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
      ],
    });
  });

  test("the replication role: trust S3 from this account; actions and resources exactly", () => {
    expect(statements(prod, "backup_replication_role_trust")[0].principals).toEqual([{ type: "Service", identifiers: ["s3.amazonaws.com"] }]);
    const doc = statements(prod, "backup_replication_policy_document");
    expect(doc.map((s) => [s.sid, s.actions, s.resources])).toEqual([
      ["ReadReplicationConfiguration", ["s3:GetReplicationConfiguration", "s3:ListBucket"], [SOURCE_ARN]],
      ["ReadSourceVersions", ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], [`${SOURCE_ARN}/*`]],
      ["WriteReplicas", ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], [`${REPLICA_ARN}/*`]],
      ["DecryptSourceThroughS3", ["kms:Decrypt"], [STORAGE_KEY_ARN]],
      ["EncryptReplicasThroughS3", ["kms:Encrypt", "kms:GenerateDataKey"], [DR_KEY_ARN]],
    ]);
    expect(doc[3].condition).toContainEqual({ test: "StringEquals", variable: "kms:ViaService", values: ["s3.us-east-1.amazonaws.com"] });
    expect(doc[4].condition).toContainEqual({ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${DR_REGION}.amazonaws.com`] });
    expect(resource(prod, "aws_iam_role_policy", "backup_replication_policy")).toMatchObject({
      role: "${aws_iam_role.backup_replication_role_role.id}",
      policy: "${data.aws_iam_policy_document.backup_replication_policy_document.json}",
    });
  });
});

describe("failed jobs alert", () => {
  test("an EventBridge rule sends failed, aborted and expired backup and copy jobs, and failed restores that are not tests, to the topic", () => {
    const json = synth(FIXTURE, { failureTopicArn: "arn:aws:sns:us-east-1:123456789012:authorworks-production-alerts-critical" });
    const r = resource(json, "aws_cloudwatch_event_rule", "backup_failed_jobs");
    expect(r.name).toBe("authorworks-staging-backup-failed-jobs");
    const pattern = JSON.parse(r.event_pattern);
    expect(pattern).toEqual({
      source: ["aws.backup"],
      $or: [
        { "detail-type": ["Backup Job State Change", "Copy Job State Change"], detail: { state: ["FAILED", "ABORTED", "EXPIRED"] } },
        { "detail-type": ["Restore Job State Change"], detail: { status: ["FAILED", "ABORTED"], restoreTestingPlanArn: [{ exists: false }] } },
      ],
    });
    // AWS Backup's event shapes: backup and copy jobs say `state`, restore jobs `status`.
    const event = (type: string, detail: Json) => ({ source: "aws.backup", "detail-type": type, detail });
    expect(matchesPattern(pattern, event("Backup Job State Change", { state: "FAILED" }))).toBe(true);
    expect(matchesPattern(pattern, event("Copy Job State Change", { state: "EXPIRED" }))).toBe(true);
    expect(matchesPattern(pattern, event("Backup Job State Change", { state: "COMPLETED" }))).toBe(false);
    expect(matchesPattern(pattern, event("Restore Job State Change", { status: "FAILED" }))).toBe(true);
    expect(matchesPattern(pattern, event("Restore Job State Change", { status: "COMPLETED" }))).toBe(false);
    // A failed restore test is RestoreTesting's alert (warning), not this one (critical).
    expect(matchesPattern(pattern, event("Restore Job State Change", { status: "FAILED", restoreTestingPlanArn: "arn:aws:backup:x" }))).toBe(false);
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target"));
    expect(targets).toEqual([
      {
        rule: "${aws_cloudwatch_event_rule.backup_failed_jobs.name}",
        arn: "arn:aws:sns:us-east-1:123456789012:authorworks-production-alerts-critical",
        target_id: "alerts",
      },
    ]);
  });

  test("no topic, no rule", () => {
    expect(resourcesOf(fixtureJson, "aws_cloudwatch_event_rule")).toEqual({});
  });
});
