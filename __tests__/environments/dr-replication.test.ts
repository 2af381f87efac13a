/**
 * Disaster-recovery replication in the committed stacks (modules/dr, environment `dr`):
 * production replicates its databases' automated backups, content, media and exports,
 * images and secrets to us-west-2, with keys made there; dev and staging replicate nothing.
 */
import { drKeyClasses } from "../../environments/environment-stack";
import { production } from "../../environments/production";
import { DATA_CLASS_SERVICES } from "../../modules/kms";
import { names } from "../../variables/project";
import { SECRETS } from "../../variables/secrets";
import { Json, dataOf, statements } from "../helpers";
import { realStacks } from "../real-app";

const stacks = realStacks();
const prod = stacks.production;
const DR = production.drRegion!;
const dr = production.dr!;
const ACCOUNT = "${data.aws_caller_identity.current.account_id}";
const res = (json: Json, type: string): Record<string, Json> => json.resource[type] ?? {};
const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;

/** Every resource and data source as `<type>.<id>` with its config. */
function all(json: Json): [string, Json][] {
  return [...Object.entries(json.resource), ...Object.entries(json.data ?? {})].flatMap(([type, byId]) =>
    Object.entries(byId as Record<string, Json>).map(([id, c]): [string, Json] => [`${type}.${id}`, c]),
  );
}

describe("dev and staging replicate nothing to another region", () => {
  test.each(["dev", "staging"])("%s: no DR provider, no DR resource, no secret replica, no DR output, media unversioned", (env) => {
    const json = stacks[env];
    expect(json.provider.aws.map((p: Json) => p.alias)).not.toContain("dr");
    expect(all(json).filter(([, c]) => c.provider === "aws.dr")).toEqual([]);
    for (const type of ["aws_db_instance_automated_backups_replication", "aws_ecr_replication_configuration", "aws_ecr_repository_creation_template"]) {
      expect({ type, count: Object.keys(res(json, type)).length }).toEqual({ type, count: 0 });
    }
    expect(Object.values(res(json, "aws_secretsmanager_secret")).filter((s) => s.replica !== undefined)).toEqual([]);
    expect(Object.keys(json.output).filter((o) => o.startsWith("dr_"))).toEqual([]);
    expect(res(json, "aws_s3_bucket_versioning").storage_media_versioning).toBeUndefined();
  });
});

describe("production: what lives in the DR region", () => {
  test("the aws.dr provider is in the DR region, and exactly these are made through it", () => {
    expect(prod.provider.aws.find((p: Json) => p.alias === "dr").region).toBe("us-west-2");
    const purposes = dr.buckets!.purposes;
    const replica = (prefix: string) =>
      [
        "aws_s3_bucket.#_bucket",
        "aws_s3_bucket_versioning.#_versioning",
        "aws_s3_bucket_server_side_encryption_configuration.#_encryption",
        "aws_s3_bucket_public_access_block.#_public_access_block",
        "aws_s3_bucket_ownership_controls.#_ownership",
        "aws_s3_bucket_policy.#_policy",
        "aws_s3_bucket_lifecycle_configuration.#_lifecycle",
      ].map((a) => a.replace("#", prefix));
    const key = (id: string) => [`aws_kms_key.${id}_key`, `aws_kms_alias.${id}_alias`];
    const expected = [
      // modules/backup: the DR vault, its key and the backups replica.
      "aws_kms_key.backup_dr_key",
      "aws_kms_alias.backup_dr_key_alias",
      "aws_backup_vault.backup_dr_vault",
      ...replica("backup_replica"),
      // modules/kms and modules/dr.
      ...["storage", "database", "secrets"].flatMap((cls) => key(`keys_${cls}_dr`)),
      ...purposes.flatMap((p) => replica(`dr_${p}_replica`)),
      ...["content", "editor", "subscription", "user"].map((s) => `aws_db_instance_automated_backups_replication.dr_databases_${s}`),
      "aws_ecr_repository_creation_template.dr_registry_template",
      // modules/failover: the gate that holds production's PRIMARY record down after a failover.
      "aws_s3_bucket.failover_gate_bucket",
      "aws_s3_bucket_ownership_controls.failover_gate_ownership",
      "aws_s3_bucket_policy.failover_gate_policy",
      "aws_s3_bucket_public_access_block.failover_gate_public_access",
      "aws_s3_bucket_server_side_encryption_configuration.failover_gate_encryption",
    ];
    const made = all(prod)
      .filter(([, c]) => c.provider === "aws.dr")
      .map(([address]) => address);
    expect(made.sort()).toEqual(expected.sort());
  });

  test.each(["storage", "database", "secrets"] as const)("the %s key of the DR region: its alias, rotation, and use only through its services there", (cls) => {
    const key = res(prod, "aws_kms_key")[`keys_${cls}_dr_key`];
    expect(key).toMatchObject({ provider: "aws.dr", enable_key_rotation: true, deletion_window_in_days: production.durability.keyDeletionWindowDays });
    expect(res(prod, "aws_kms_alias")[`keys_${cls}_dr_alias`]).toMatchObject({
      provider: "aws.dr",
      name: names.drKmsAlias("production", cls),
      target_key_id: ref("aws_kms_key", `keys_${cls}_dr_key`, "key_id"),
    });
    const use = statements(prod, `keys_${cls}_dr_policy`).find((s) => s.sid === "UseThroughNamedServices")!;
    expect(use.condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: DATA_CLASS_SERVICES[cls].map((s) => `${s}.${DR}.amazonaws.com`) },
      { test: "StringEquals", variable: "kms:CallerAccount", values: [ACCOUNT] },
    ]);
  });
});

describe("production: databases", () => {
  test("every service database replicates its automated backups to the DR region, encrypted with the database DR key", () => {
    const instances = Object.keys(res(prod, "aws_db_instance"));
    const replications = res(prod, "aws_db_instance_automated_backups_replication");
    expect(
      Object.values(replications)
        .map((r) => r.source_db_instance_arn)
        .sort(),
    ).toEqual(instances.map((id) => ref("aws_db_instance", id, "arn")).sort());
    for (const r of Object.values(replications)) {
      expect(r).toMatchObject({
        provider: "aws.dr",
        kms_key_id: ref("aws_kms_key", "keys_database_dr_key", "arn"),
        retention_period: dr.databaseBackups!.retentionDays,
      });
    }
    expect(prod.output.dr_database_backup_arns.value).toEqual(
      Object.fromEntries(
        Object.keys(replications).map((id) => [id.replace("dr_databases_", ""), ref("aws_db_instance_automated_backups_replication", id, "id")]),
      ),
    );
  });
});

describe("production: buckets", () => {
  const purposes = dr.buckets!.purposes;

  test.each(purposes)("%s: a replica named <prefix>-<purpose>-replica-production, versioned, SSE-KMS with the DR key, private, TLS only", (p) => {
    const id = `dr_${p}_replica`;
    expect(res(prod, "aws_s3_bucket")[`${id}_bucket`]).toMatchObject({
      provider: "aws.dr",
      bucket: names.replicaBucket("authorworks", p, "production"),
      force_destroy: false,
    });
    expect(res(prod, "aws_s3_bucket_versioning")[`${id}_versioning`].versioning_configuration).toEqual({ status: "Enabled" });
    expect(res(prod, "aws_s3_bucket_server_side_encryption_configuration")[`${id}_encryption`].rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key", "keys_storage_dr_key", "arn") },
        bucket_key_enabled: true,
        blocked_encryption_types: ["SSE-C"],
      },
    ]);
    expect(res(prod, "aws_s3_bucket_public_access_block")[`${id}_public_access_block`]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    // CloudFront reads the media replica when the media bucket fails (dr.buckets.mediaOriginFailover); no other replica is readable.
    const cloudFront = p === "media" ? [["CloudFrontOriginAccessControlRead", "Allow"]] : [];
    expect(statements(prod, `${id}_policy_document`).map((s) => [s.sid, s.effect])).toEqual([["DenyInsecureTransport", "Deny"], ...cloudFront]);
  });

  test("CloudFront serves media from the media replica when the media bucket fails, and reads nothing else in the DR region", () => {
    const distribution = res(prod, "aws_cloudfront_distribution").cdn_distribution;
    expect(distribution.default_cache_behavior.target_origin_id).toBe("media-failover");
    const group = distribution.origin_group[0];
    const byId = Object.fromEntries(distribution.origin.map((o: Json) => [o.origin_id, o.domain_name]));
    expect(group.member.map((m: Json) => byId[m.origin_id])).toEqual([
      ref("aws_s3_bucket", "storage_media_bucket", "bucket_regional_domain_name"),
      ref("aws_s3_bucket", "dr_media_replica_bucket", "bucket_regional_domain_name"),
    ]);
    // The edge check's canary is written after the media replication rule, so the replica has it too.
    expect(res(prod, "aws_s3_object").edge_health_canary.depends_on).toEqual(["aws_s3_bucket_replication_configuration.dr_media_replication"]);
    const decrypt = statements(prod, "keys_storage_dr_policy").filter((s) => s.principals?.[0]?.identifiers?.includes("cloudfront.amazonaws.com"));
    expect(decrypt.map((s) => [s.actions, s.condition])).toEqual([
      [["kms:Decrypt"], [{ test: "StringEquals", variable: "AWS:SourceArn", values: [ref("aws_cloudfront_distribution", "cdn_distribution", "arn")] }]],
    ]);
  });

  test.each(purposes)("%s: the replica ages like the source (same lifecycle rules)", (p) => {
    const source = res(prod, "aws_s3_bucket_lifecycle_configuration")[`storage_${p}_lifecycle`];
    const replica = res(prod, "aws_s3_bucket_lifecycle_configuration")[`dr_${p}_replica_lifecycle`];
    expect(replica.rule).toEqual(source.rule);
    expect(replica.rule.map((r: Json) => r.id)).toContain("noncurrent-versions");
  });

  test("media, versioned only where replicated, is versioned in production", () => {
    expect(res(prod, "aws_s3_bucket_versioning").storage_media_versioning.versioning_configuration).toEqual({ status: "Enabled" });
  });

  test.each(purposes)("%s: replicated with Replication Time Control, delete markers and KMS objects, into the replica's key", (p) => {
    const config = res(prod, "aws_s3_bucket_replication_configuration")[`dr_${p}_replication`];
    expect(config.provider).toBeUndefined();
    expect(config.bucket).toBe(ref("aws_s3_bucket", `storage_${p}_bucket`, "id"));
    expect(config.role).toBe(ref("aws_iam_role", `dr_${p}_replication_role_role`, "arn"));
    expect(config.rule).toEqual([
      {
        id: `${p}-to-dr`,
        status: "Enabled",
        priority: 1,
        filter: { prefix: "" },
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: ref("aws_s3_bucket", `dr_${p}_replica_bucket`, "arn"),
          storage_class: "STANDARD",
          encryption_configuration: { replica_kms_key_id: ref("aws_kms_key", "keys_storage_dr_key", "arn") },
          replication_time: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
        },
      },
    ]);
    expect(config.depends_on).toEqual([
      `aws_s3_bucket_versioning.dr_${p}_replica_versioning`,
      `aws_iam_role_policy.dr_${p}_replication_policy`,
      `aws_s3_bucket_versioning.storage_${p}_versioning`,
    ]);
  });

  test.each(purposes)("%s: the replication role is S3's from this account and may do exactly this", (p) => {
    const role = res(prod, "aws_iam_role")[`dr_${p}_replication_role_role`];
    expect(role.name).toBe(`authorworks-production-${p}-replication`);
    expect(statements(prod, `dr_${p}_replication_role_trust`)).toEqual([
      {
        actions: ["sts:AssumeRole"],
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] }],
      },
    ]);
    const source = ref("aws_s3_bucket", `storage_${p}_bucket`, "arn");
    const replica = ref("aws_s3_bucket", `dr_${p}_replica_bucket`, "arn");
    expect(statements(prod, `dr_${p}_replication_policy_document`)).toEqual([
      { sid: "ReadReplicationConfiguration", effect: "Allow", actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [source] },
      {
        sid: "ReadSourceVersions",
        effect: "Allow",
        actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        resources: [`${source}/*`],
      },
      { sid: "WriteReplicas", effect: "Allow", actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: [`${replica}/*`] },
      {
        sid: "DecryptSourceThroughS3",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [ref("aws_kms_key", "keys_storage_key", "arn")],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: ["s3.us-east-1.amazonaws.com"] },
          { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [source, `${source}/*`] },
        ],
      },
      {
        sid: "EncryptReplicasThroughS3",
        effect: "Allow",
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        resources: [ref("aws_kms_key", "keys_storage_dr_key", "arn")],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${DR}.amazonaws.com`] },
          { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [replica, `${replica}/*`] },
        ],
      },
    ]);
    expect(res(prod, "aws_iam_role_policy")[`dr_${p}_replication_policy`]).toMatchObject({
      name: `authorworks-production-${p}-replication`,
      role: ref("aws_iam_role", `dr_${p}_replication_role_role`, "id"),
    });
  });

  test.each(purposes)("%s: replication lag at 15 minutes warns, failed replication pages", (p) => {
    const alarms = res(prod, "aws_cloudwatch_metric_alarm");
    const dimensions = {
      SourceBucket: ref("aws_s3_bucket", `storage_${p}_bucket`, "bucket"),
      DestinationBucket: ref("aws_s3_bucket", `dr_${p}_replica_bucket`, "bucket"),
      RuleId: `${p}-to-dr`,
    };
    expect(alarms[`dr_${p}_s3_${p}_replication_latency`]).toMatchObject({
      namespace: "AWS/S3",
      metric_name: "ReplicationLatency",
      statistic: "Maximum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 900,
      dimensions,
      alarm_actions: [ref("aws_sns_topic", "monitoring_warning_topic", "arn")],
    });
    expect(alarms[`dr_${p}_s3_${p}_replication_failed`]).toMatchObject({
      metric_name: "OperationsFailedReplication",
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      dimensions,
      alarm_actions: [ref("aws_sns_topic", "monitoring_critical_topic", "arn")],
    });
  });

  test("the replicas' names are an output", () => {
    expect(prod.output.dr_replica_bucket_names.value).toEqual(
      Object.fromEntries(purposes.map((p) => [p, ref("aws_s3_bucket", `dr_${p}_replica_bucket`, "bucket")])),
    );
  });
});

describe("production: images", () => {
  test("the registry replicates the environment's repositories to the DR region", () => {
    const config = res(prod, "aws_ecr_replication_configuration").dr_registry_configuration;
    expect(config.provider).toBeUndefined();
    expect(config.replication_configuration.rule).toEqual([
      {
        destination: [{ region: DR, registry_id: ACCOUNT }],
        repository_filter: [{ filter: `${names.ecrNamespace("production")}/`, filter_type: "PREFIX_MATCH" }],
      },
    ]);
    expect(config.depends_on).toEqual(["aws_ecr_repository_creation_template.dr_registry_template"]);
  });

  test("replicated repositories get the primary's settings and the storage DR key from a creation template", () => {
    const template = res(prod, "aws_ecr_repository_creation_template").dr_registry_template;
    const primaryLifecycle = res(prod, "aws_ecr_lifecycle_policy").registry_content_lifecycle.policy;
    expect(template).toMatchObject({
      provider: "aws.dr",
      prefix: "authorworks-production",
      applied_for: ["REPLICATION"],
      image_tag_mutability: "IMMUTABLE",
      lifecycle_policy: primaryLifecycle,
      encryption_configuration: [{ encryption_type: "KMS", kms_key: ref("aws_kms_key", "keys_storage_dr_key", "arn") }],
      custom_role_arn: ref("aws_iam_role", "dr_registry_role_role", "arn"),
    });
  });

  test("the template's role is ECR's and may create the namespace's repositories and grant ECR the DR key, nothing else", () => {
    expect(res(prod, "aws_iam_role").dr_registry_role_role.name).toBe("authorworks-production-ecr-replication");
    expect(statements(prod, "dr_registry_role_trust")).toEqual([
      { actions: ["sts:AssumeRole"], effect: "Allow", principals: [{ type: "Service", identifiers: ["ecr.amazonaws.com"] }] },
    ]);
    expect(statements(prod, "dr_registry_role_policy_document")).toEqual([
      {
        sid: "CreateReplicatedRepositories",
        effect: "Allow",
        actions: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        resources: [`arn:aws:ecr:${DR}:${ACCOUNT}:repository/authorworks-production/*`],
      },
      {
        sid: "GrantEcrTheDrKey",
        effect: "Allow",
        actions: ["kms:CreateGrant", "kms:DescribeKey"],
        resources: [ref("aws_kms_key", "keys_storage_dr_key", "arn")],
      },
    ]);
  });
});

describe("production: secrets", () => {
  test("each catalogue secret production lists has a replica in the DR region under the same name, with the secrets DR key", () => {
    expect([...dr.secrets].sort()).toEqual(SECRETS.map((s) => s.path).sort());
    const secrets = Object.values(res(prod, "aws_secretsmanager_secret"));
    for (const path of dr.secrets) {
      const secret = secrets.find((s) => s.name === names.secret("production", path));
      expect({ path, replica: secret?.replica }).toEqual({ path, replica: [{ region: DR, kms_key_id: ref("aws_kms_key", "keys_secrets_dr_key", "arn") }] });
    }
  });

  test("the cache's AUTH token is not replicated: the DR environment makes its own cache", () => {
    expect(res(prod, "aws_secretsmanager_secret").cache_auth_token_secret.replica).toBeUndefined();
  });

  test("the DR keys are an output by data class", () => {
    expect(prod.output.dr_key_arns.value).toEqual(
      Object.fromEntries(["storage", "database", "secrets"].map((cls) => [cls, ref("aws_kms_key", `keys_${cls}_dr_key`, "arn")])),
    );
    expect(Object.keys(dataOf(prod, "aws_iam_policy_document")).filter((d) => d.endsWith("_dr_policy"))).toHaveLength(3);
  });
});

describe("drKeyClasses", () => {
  const base = { rpoMinutes: { database: 30, objectStorage: 60 }, images: false, secrets: [] as string[] };
  test("the secrets DR key whenever there is a DR section (the database master secrets replicate), the others only for what they encrypt", () => {
    expect(drKeyClasses(base)).toEqual(["secrets"]);
    expect(drKeyClasses({ ...base, databaseBackups: { retentionDays: 7 } })).toEqual(["database", "secrets"]);
    expect(drKeyClasses({ ...base, images: true, secrets: ["auth/jwt-signing-key"] })).toEqual(["storage", "secrets"]);
  });
});
