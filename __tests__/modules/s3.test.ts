import { TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Json, TEST_AWS, resource, resourcesOf, sid, statements, synthWith } from "../helpers";
import { ServiceRole } from "../../modules/iam";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  BucketReplica,
  BucketReplicaProps,
  ObjectStorage,
  ObjectStorageProps,
  REPLICATION_TIME_CONTROL_MINUTES,
  effectiveTransitions,
  replicationStatements,
} from "../../modules/s3";
import { FIXTURE } from "../fixtures/environment";
import { BUCKETS, BUCKET_PURPOSES, BucketPurpose } from "../../variables/storage";
import { SERVICES } from "../../variables/services";
import type { AuthorWorksStack } from "../../environments/stack-base";
import type { EnvironmentName } from "../../variables/project";
import { testContext } from "../fixtures/context";

const CONTEXT = testContext();
const KEY = CONTEXT.keys.storage.arn;
const PROPS: ObjectStorageProps = { context: CONTEXT, logExpirationDays: 30 };
const VERSIONED: BucketPurpose[] = ["content", "exports", "backups", "artifacts"];
const KMS_BUCKETS: BucketPurpose[] = ["content", "media", "exports", "backups", "artifacts"];

const arn = (p: BucketPurpose) => `\${aws_s3_bucket.storage_${p}_bucket.arn}`;
const bucketId = (p: BucketPurpose) => `\${aws_s3_bucket.storage_${p}_bucket.id}`;

/** `environment` builds the context of that environment. */
type Overrides = Partial<Omit<ObjectStorageProps, "context">> & { readonly environment?: EnvironmentName };

function synth(overrides: Overrides = {}, extra?: (s: ObjectStorage, stack: AuthorWorksStack) => void): Json {
  const { environment, ...props } = overrides;
  return synthWith((stack) => {
    const storage = new ObjectStorage(stack, "storage", { ...PROPS, ...(environment ? { context: testContext({ environment }) } : {}), ...props });
    extra?.(storage, stack);
  });
}

function rule(json: Json, p: BucketPurpose, id: string): Json | undefined {
  return resource(json, "aws_s3_bucket_lifecycle_configuration", `storage_${p}_lifecycle`).rule.find((r: Json) => r.id === id);
}

describe("ObjectStorage buckets", () => {
  const json = synth();

  test("six buckets, one per catalogue purpose, named <prefix>-<purpose>-<env>", () => {
    const buckets = resourcesOf(json, "aws_s3_bucket");
    expect(Object.keys(buckets)).toHaveLength(6);
    expect(
      Object.values(buckets)
        .map((b) => b.bucket)
        .sort(),
    ).toEqual([
      "authorworks-artifacts-dev",
      "authorworks-backups-dev",
      "authorworks-content-dev",
      "authorworks-exports-dev",
      "authorworks-logs-dev",
      "authorworks-media-dev",
    ]);
    expect(resource(json, "aws_s3_bucket", "storage_media_bucket").tags).toEqual({ Name: "authorworks-media-dev", Purpose: "media" });
    expect(resource(json, "aws_s3_bucket", "storage_media_bucket").force_destroy).toBe(false);
  });

  test.each(["staging", "production"] as const)("bucket names follow the environment (%s) and the prefix", (env) => {
    const names = Object.values(resourcesOf(synth({ environment: env, bucketPrefix: "aw" }), "aws_s3_bucket")).map((b) => b.bucket);
    expect(names.sort()).toEqual(BUCKET_PURPOSES.map((p) => `aw-${p}-${env}`).sort());
  });

  test("forceDestroy reaches every bucket", () => {
    const buckets = Object.values(resourcesOf(synth({ forceDestroy: true }), "aws_s3_bucket"));
    expect(buckets.map((b) => b.force_destroy)).toEqual(Array(6).fill(true));
  });

  test.each(KMS_BUCKETS)("%s: SSE-KMS with the storage key and a bucket key, SSE-C blocked", (p) => {
    const rules = resource(json, "aws_s3_bucket_server_side_encryption_configuration", `storage_${p}_encryption`);
    expect(rules.bucket).toBe(bucketId(p));
    expect(rules.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY },
        bucket_key_enabled: true,
        blocked_encryption_types: ["SSE-C"],
      },
    ]);
  });

  test("logs: SSE-S3 (AES256), the only default encryption access-log delivery supports", () => {
    const enc = resource(json, "aws_s3_bucket_server_side_encryption_configuration", "storage_logs_encryption");
    expect(enc.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, blocked_encryption_types: ["SSE-C"] }]);
    expect(JSON.stringify(enc)).not.toContain("kms");
  });

  test("public access fully blocked and ACLs disabled on every bucket", () => {
    for (const p of BUCKET_PURPOSES) {
      expect(resource(json, "aws_s3_bucket_public_access_block", `storage_${p}_public_access_block`)).toEqual({
        bucket: bucketId(p),
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resource(json, "aws_s3_bucket_ownership_controls", `storage_${p}_ownership`)).toEqual({
        bucket: bucketId(p),
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
    }
  });

  test("versioning exactly on content, exports, backups and artifacts (media only where replicated)", () => {
    const versioning = resourcesOf(json, "aws_s3_bucket_versioning");
    expect(Object.keys(versioning).sort()).toEqual(VERSIONED.map((p) => `storage_${p}_versioning`).sort());
    for (const p of VERSIONED) {
      expect(versioning[`storage_${p}_versioning`]).toEqual({ bucket: bucketId(p), versioning_configuration: { status: "Enabled" } });
    }
  });

  test("every bucket policy denies requests without TLS and waits for the public access block", () => {
    for (const p of BUCKET_PURPOSES) {
      const policy = resource(json, "aws_s3_bucket_policy", `storage_${p}_policy`);
      expect(policy.policy).toBe(`\${data.aws_iam_policy_document.storage_${p}_policy_document.json}`);
      expect(policy.depends_on).toEqual([`aws_s3_bucket_public_access_block.storage_${p}_public_access_block`]);
      expect(sid(json, `storage_${p}_policy_document`, "DenyInsecureTransport")).toEqual({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        resources: [arn(p), `${arn(p)}/*`],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    }
  });
});

describe("access logging", () => {
  const json = synth();
  const sources = BUCKET_PURPOSES.filter((p) => p !== "logs");

  test("every bucket but logs delivers server access logs into the logs bucket, one prefix each", () => {
    const logging = resourcesOf(json, "aws_s3_bucket_logging");
    expect(Object.keys(logging).sort()).toEqual(sources.map((p) => `storage_${p}_logging`).sort());
    for (const p of sources) {
      expect(logging[`storage_${p}_logging`]).toEqual({
        bucket: bucketId(p),
        target_bucket: bucketId("logs"),
        target_prefix: `s3-access-logs/${p}/`,
        target_object_key_format: { partitioned_prefix: { partition_date_source: "EventTime" } },
        depends_on: ["aws_s3_bucket_policy.storage_logs_policy"],
      });
    }
    expect(logging.storage_logs_logging).toBeUndefined();
  });

  test("logs bucket policy lets logging.s3.amazonaws.com put objects under each source's prefix only", () => {
    const all = statements(json, "storage_logs_policy_document");
    expect(all).toHaveLength(1 + sources.length);
    for (const p of sources) {
      const s = sid(json, "storage_logs_policy_document", `ServerAccessLogsFrom${p[0].toUpperCase()}${p.slice(1)}`);
      expect(s.effect).toBe("Allow");
      expect(s.principals).toEqual([{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }]);
      expect(s.actions).toEqual(["s3:PutObject"]);
      expect(s.resources).toEqual([`${arn("logs")}/s3-access-logs/${p}/*`]);
      expect(s.condition).toEqual([
        { test: "ArnLike", variable: "aws:SourceArn", values: [arn(p)] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_AWS.accountId] },
      ]);
    }
    // The TLS deny stays on the logs bucket too.
    expect(all[0].sid).toBe("DenyInsecureTransport");
    // Other buckets carry no delivery grant.
    expect(statements(json, "storage_content_policy_document")).toHaveLength(1);
  });
});

describe("lifecycle", () => {
  const dev = synth();

  test("every bucket aborts incomplete multipart uploads after 7 days, all rules cover the whole bucket", () => {
    for (const p of BUCKET_PURPOSES) {
      const lc = resource(dev, "aws_s3_bucket_lifecycle_configuration", `storage_${p}_lifecycle`);
      expect(lc.bucket).toBe(bucketId(p));
      expect(lc.transition_default_minimum_object_size).toBe("all_storage_classes_128K");
      expect(rule(dev, p, "abort-incomplete-multipart-uploads")).toEqual({
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      });
      for (const r of lc.rule) expect(r.filter).toEqual([{}]);
    }
  });

  test("versioned buckets: lifecycle waits for versioning; unversioned ones have no dependency", () => {
    for (const p of BUCKET_PURPOSES) {
      const lc = resource(dev, "aws_s3_bucket_lifecycle_configuration", `storage_${p}_lifecycle`);
      if (VERSIONED.includes(p)) expect(lc.depends_on).toEqual([`aws_s3_bucket_versioning.storage_${p}_versioning`]);
      else expect(lc.depends_on).toBeUndefined();
    }
  });

  test("content, media, artifacts: Standard-IA at 30 days, Glacier Instant Retrieval at 90, no expiry", () => {
    for (const p of ["content", "media", "artifacts"] as const) {
      const r = rule(dev, p, "current-versions")!;
      expect(r.transition).toEqual([
        { days: 30, storage_class: "STANDARD_IA" },
        { days: 90, storage_class: "GLACIER_IR" },
      ]);
      expect(r.expiration).toBeUndefined();
    }
  });

  test("exports expire at 365 days (seed 003 uploads); backups go to Glacier Flexible Retrieval and never expire", () => {
    expect(rule(dev, "exports", "current-versions")!.expiration).toEqual([{ days: 365 }]);
    const backups = rule(dev, "backups", "current-versions")!;
    expect(backups.transition).toEqual([
      { days: 30, storage_class: "STANDARD_IA" },
      { days: 90, storage_class: "GLACIER" },
    ]);
    expect(backups.expiration).toBeUndefined();
  });

  test("noncurrent versions expire and expired delete markers are cleaned on versioned buckets only", () => {
    const expected: Record<string, Json> = {
      content: { noncurrent_days: 90, newer_noncurrent_versions: 3 },
      exports: { noncurrent_days: 30 },
      backups: { noncurrent_days: 90 },
      artifacts: { noncurrent_days: 30 },
    };
    for (const p of BUCKET_PURPOSES) {
      const r = rule(dev, p, "noncurrent-versions");
      if (!VERSIONED.includes(p)) {
        expect(r).toBeUndefined();
        continue;
      }
      expect(r!.noncurrent_version_expiration).toEqual([expected[p]]);
      expect(r!.expiration).toEqual([{ expired_object_delete_marker: true }]);
    }
    expect(rule(dev, "content", "noncurrent-versions")!.noncurrent_version_transition).toEqual([{ noncurrent_days: 30, storage_class: "STANDARD_IA" }]);
  });

  test.each([
    ["dev", 30, undefined],
    ["staging", 90, [{ days: 30, storage_class: "STANDARD_IA" }]],
    [
      "production",
      365,
      [
        { days: 30, storage_class: "STANDARD_IA" },
        { days: 90, storage_class: "GLACIER" },
      ],
    ],
  ] as const)("logs (%s): expire after logExpirationDays=%d, transitions only before the expiry", (env, days, transitions) => {
    const json = synth({ environment: env, logExpirationDays: days });
    const r = rule(json, "logs", "current-versions")!;
    expect(r.expiration).toEqual([{ days }]);
    expect(r.transition).toEqual(transitions);
  });

  test("effectiveTransitions drops transitions on or after the expiry day", () => {
    const t = [
      { days: 30, storageClass: "STANDARD_IA" as const },
      { days: 90, storageClass: "GLACIER" as const },
    ];
    expect(effectiveTransitions(t, undefined)).toEqual(t);
    expect(effectiveTransitions(t, 91)).toEqual(t);
    expect(effectiveTransitions(t, 90)).toEqual([t[0]]);
    expect(effectiveTransitions(t, 30)).toEqual([]);
  });
});

describe("grants", () => {
  const objectArn = (p: BucketPurpose, prefix = "") => `${arn(p)}/${prefix}*`;
  const viaS3 = { test: "StringEquals", variable: "kms:ViaService", values: ["s3.us-east-1.amazonaws.com"] };
  const context = (p: BucketPurpose) => ({ test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [arn(p), `${arn(p)}/*`] });

  const json = synth({}, (s, stack) => {
    const exporter = new ServiceRole(stack, "export-role", { name: "export", description: "export service", service: "pods.eks.amazonaws.com" });
    const content = new ServiceRole(stack, "content-role", { name: "content", description: "content service", service: "pods.eks.amazonaws.com" });
    const writer = new IamRole(stack, "log-writer", { assumeRolePolicy: "{}" });
    s.buckets.content.grantRead(exporter.role);
    s.buckets.exports.grantReadWrite(exporter.role, "exports/");
    s.buckets.content.grantReadWrite(content.role);
    s.buckets.logs.grantReadWrite(writer, "application/");
    // Idempotent: the same grant twice is one policy.
    s.buckets.content.grantRead(exporter.role);
  });

  test("ids come from the role's construct path: unique across ServiceRoles whose inner id is the same", () => {
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy")).sort()).toEqual([
      "storage_content_grant_content_role_role_read_write_policy",
      "storage_content_grant_export_role_role_read_policy",
      "storage_exports_grant_export_role_role_read_write_exports_policy",
      "storage_logs_grant_log_writer_read_write_application_policy",
    ]);
    expect(resource(json, "aws_iam_role_policy", "storage_exports_grant_export_role_role_read_write_exports_policy")).toEqual({
      name: "s3-exports-read-write-exports",
      role: "${aws_iam_role.export_role_role.name}",
      policy: "${data.aws_iam_policy_document.storage_exports_grant_export_role_role_read_write_exports_document.json}",
    });
  });

  test("grantRead: list the bucket, get objects, decrypt through S3 for this bucket only", () => {
    expect(statements(json, "storage_content_grant_export_role_role_read_document")).toEqual([
      { sid: "ListBucket", effect: "Allow", actions: ["s3:ListBucket"], resources: [arn("content")] },
      { sid: "ReadObjects", effect: "Allow", actions: ["s3:GetObject"], resources: [objectArn("content")] },
      { sid: "DecryptThroughS3", effect: "Allow", actions: ["kms:Decrypt"], resources: [KEY], condition: [viaS3, context("content")] },
    ]);
  });

  test("grantReadWrite with a prefix: listing and objects limited to the prefix, encrypt and decrypt", () => {
    expect(statements(json, "storage_exports_grant_export_role_role_read_write_exports_document")).toEqual([
      {
        sid: "ListBucket",
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: [arn("exports")],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["exports/*"] }],
      },
      {
        sid: "ReadWriteObjects",
        effect: "Allow",
        actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: [objectArn("exports", "exports/")],
      },
      {
        sid: "EncryptDecryptThroughS3",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [KEY],
        condition: [viaS3, context("exports")],
      },
    ]);
    const whole = statements(json, "storage_content_grant_content_role_role_read_write_document");
    expect(whole[0].condition).toBeUndefined();
    expect(whole[1].resources).toEqual([objectArn("content")]);
  });

  test("the SSE-S3 logs bucket needs no KMS permission", () => {
    const s = statements(json, "storage_logs_grant_log_writer_read_write_application_document");
    expect(s.map((x) => x.sid)).toEqual(["ListBucket", "ReadWriteObjects"]);
    expect(s[1].resources).toEqual([objectArn("logs", "application/")]);
  });

  test("readStatements / readWriteStatements return the same statements without creating resources", () => {
    synthWith((stack) => {
      const s = new ObjectStorage(stack, "storage", PROPS);
      const read = s.buckets.media.readStatements("covers/");
      expect(read.map((x) => x.actions)).toEqual([["s3:ListBucket"], ["s3:GetObject"], ["kms:Decrypt"]]);
      expect(read[1].resources).toEqual([`${s.buckets.media.arn}/covers/*`]);
      const rw = s.buckets.backups.readWriteStatements();
      expect(rw[1].actions).toContain("s3:PutObject");
      expect(rw[2].actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(() => s.buckets.media.readStatements("/covers")).toThrow(/leading/);
      expect(() => s.buckets.media.readStatements("covers/*")).toThrow(/wildcards/);
    });
  });
});

describe("outputs and extension", () => {
  test("buckets expose name, arn, id and regional domain name as references", () => {
    const json = synth({}, (s, stack) => {
      expect(Object.keys(s.buckets).sort()).toEqual([...BUCKET_PURPOSES].sort());
      const media = s.buckets.media;
      expect(media.bucket.friendlyUniqueId).toBe("storage_media_bucket");
      new TerraformOutput(stack, "name", { value: media.name });
      new TerraformOutput(stack, "arn", { value: media.arn });
      new TerraformOutput(stack, "id", { value: media.id });
      new TerraformOutput(stack, "origin", { value: media.regionalDomainName });
    });
    expect(json.output).toEqual({
      name: { value: "${aws_s3_bucket.storage_media_bucket.bucket}" },
      arn: { value: "${aws_s3_bucket.storage_media_bucket.arn}" },
      id: { value: "${aws_s3_bucket.storage_media_bucket.id}" },
      origin: { value: "${aws_s3_bucket.storage_media_bucket.bucket_regional_domain_name}" },
    });
  });

  test("addPolicyStatements after construction lands in the bucket policy (CloudFront OAC on media)", () => {
    const json = synth({}, (s) => {
      s.buckets.media.addPolicyStatements({
        sid: "CloudFrontRead",
        actions: ["s3:GetObject"],
        resources: [`${s.buckets.media.arn}/*`],
        principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
        conditions: [{ test: "StringEquals", variable: "AWS:SourceArn", values: ["arn:aws:cloudfront::123456789012:distribution/EXAMPLE"] }],
      });
    });
    const s = statements(json, "storage_media_policy_document");
    expect(s.map((x) => x.sid)).toEqual(["DenyInsecureTransport", "CloudFrontRead"]);
    expect(s[1]).toMatchObject({
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      resources: [`${arn("media")}/*`],
    });
  });

  test("validation refuses bucket names over 63 characters and a log expiry below one day", () => {
    expect(() => synth({ bucketPrefix: "a".repeat(60) })).toThrow(/not a valid S3 bucket name/);
    expect(() => synth({ logExpirationDays: 0 })).toThrow(/whole number of days/);
  });
});

describe("catalogue (variables/storage.ts)", () => {
  test("purposes are unique and every bucket that can be versioned expires its noncurrent versions", () => {
    expect(BUCKETS.map((b) => b.purpose)).toEqual([...BUCKET_PURPOSES]);
    for (const b of BUCKETS) {
      if (b.versioned !== false) expect(b.lifecycle.noncurrentVersions?.expireAfterDays).toBeGreaterThan(0);
      else expect(b.lifecycle.noncurrentVersions).toBeUndefined();
    }
    expect(BUCKETS.filter((b) => b.versioned === "when-replicated").map((b) => b.purpose)).toEqual(["media"]);
    expect(BUCKETS.filter((b) => !b.accessLogged).map((b) => b.purpose)).toEqual(["logs"]);
    expect(BUCKETS.filter((b) => b.encryption === "s3-managed").map((b) => b.purpose)).toEqual(["logs"]);
  });

  test("every bucket a service names exists in the catalogue", () => {
    for (const s of SERVICES) for (const b of s.buckets) expect(BUCKET_PURPOSES).toContain(b);
  });
});

describe("ObjectStorage: buckets the environment replicates", () => {
  const json = synth({ replicatedPurposes: ["media", "content"] });

  test("media (versioned when replicated) gets versioning and its noncurrent-version rule; the others stay as they are", () => {
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket_versioning")).sort()).toEqual([...VERSIONED, "media"].map((p) => `storage_${p}_versioning`).sort());
    expect(rule(json, "media", "noncurrent-versions")).toEqual({
      id: "noncurrent-versions",
      status: "Enabled",
      filter: [{}],
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      expiration: [{ expired_object_delete_marker: true }],
    });
    expect(resource(json, "aws_s3_bucket_lifecycle_configuration", "storage_media_lifecycle").depends_on).toEqual([
      "aws_s3_bucket_versioning.storage_media_versioning",
    ]);
    expect(rule(json, "content", "noncurrent-versions")).toEqual(rule(synth(), "content", "noncurrent-versions"));
  });

  test("an unversioned bucket cannot be replicated", () => {
    expect(() => synth({ replicatedPurposes: ["logs"] })).toThrow(/bucket "logs" is never versioned, so S3 cannot replicate it/);
  });
});

describe("BucketReplica: a replica in another region", () => {
  const DR = FIXTURE.drRegion!;
  const build = (extra: Partial<BucketReplicaProps> = {}) =>
    synthWith((stack) => {
      const provider = new AwsProvider(stack, "aws-dr", { alias: "dr", region: DR });
      const storage = new ObjectStorage(stack, "storage", PROPS);
      new BucketReplica(stack, "exports-replica", {
        aws: TEST_AWS,
        source: storage.buckets.exports,
        sourceKmsKeyArn: KEY,
        provider,
        region: DR,
        bucketName: "awfixture-exports-replica-staging",
        purpose: "exports-replica",
        kmsKeyArn: `arn:aws:kms:${DR}:123456789012:key/fixture-dr`,
        lifecycleRules: [{ id: "fixture-rule", status: "Enabled", filter: [{}], noncurrentVersionExpiration: [{ noncurrentDays: 19 }] }],
        roleName: "authorworks-dev-exports-replication",
        ruleId: "exports-to-dr",
        ...extra,
      });
    });
  const json = build();

  test("every replica resource is made through the DR provider, in the replica's own scope", () => {
    const ids = Object.entries(json.resource as Record<string, Record<string, Json>>).flatMap(([type, byId]) =>
      Object.entries(byId)
        .filter(([id]) => id.startsWith("exports-replica_") || id.startsWith("exports_replica_"))
        .map(([id, c]) => [`${type}.${id}`, c.provider]),
    );
    expect(Object.fromEntries(ids)).toEqual({
      "aws_s3_bucket.exports_replica_replica_bucket": "aws.dr",
      "aws_s3_bucket_versioning.exports_replica_replica_versioning": "aws.dr",
      "aws_s3_bucket_server_side_encryption_configuration.exports_replica_replica_encryption": "aws.dr",
      "aws_s3_bucket_public_access_block.exports_replica_replica_public_access_block": "aws.dr",
      "aws_s3_bucket_ownership_controls.exports_replica_replica_ownership": "aws.dr",
      "aws_s3_bucket_policy.exports_replica_replica_policy": "aws.dr",
      "aws_s3_bucket_lifecycle_configuration.exports_replica_replica_lifecycle": "aws.dr",
      // Role and the source's configuration: IAM is global, the configuration belongs to the source.
      "aws_iam_role.exports_replica_replication_role_role": undefined,
      "aws_iam_role_policy.exports_replica_replication_policy": undefined,
      "aws_s3_bucket_replication_configuration.exports_replica_replication": undefined,
    });
  });

  test("the replica keeps the given lifecycle and name; the rule replicates everything, delete markers and KMS objects included", () => {
    expect(resource(json, "aws_s3_bucket", "exports_replica_replica_bucket")).toMatchObject({
      bucket: "awfixture-exports-replica-staging",
      tags: { Purpose: "exports-replica" },
    });
    expect(resource(json, "aws_s3_bucket_lifecycle_configuration", "exports_replica_replica_lifecycle").rule).toEqual([
      { id: "fixture-rule", status: "Enabled", filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: 19 }] },
    ]);
    const r = resource(json, "aws_s3_bucket_replication_configuration", "exports_replica_replication").rule[0];
    expect(r).toMatchObject({ id: "exports-to-dr", filter: { prefix: "" }, delete_marker_replication: { status: "Enabled" } });
    expect(r.destination.replication_time).toBeUndefined();
    expect(r.destination.metrics).toBeUndefined();
  });

  test("Replication Time Control adds the 15-minute SLA and its metrics", () => {
    expect(
      resource(build({ replicationTimeControl: true }), "aws_s3_bucket_replication_configuration", "exports_replica_replication").rule[0].destination,
    ).toMatchObject({
      replication_time: { status: "Enabled", time: { minutes: REPLICATION_TIME_CONTROL_MINUTES } },
      metrics: { status: "Enabled", event_threshold: { minutes: REPLICATION_TIME_CONTROL_MINUTES } },
    });
  });

  test("the role's policy is replicationStatements of this source, replica and keys", () => {
    expect(statements(json, "exports_replica_replication_policy_document").map((s) => s.sid)).toEqual(
      replicationStatements({ primaryRegion: "", drRegion: "", sourceArn: "", sourceKmsKeyArn: "", destinationArn: "", destinationKmsKeyArn: "" }).map(
        (s) => s.sid,
      ),
    );
    expect(sid(json, "exports_replica_replication_policy_document", "EncryptReplicasThroughS3")).toMatchObject({
      resources: [`arn:aws:kms:${DR}:123456789012:key/fixture-dr`],
      condition: expect.arrayContaining([{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${DR}.amazonaws.com`] }]),
    });
    expect(sid(json, "exports_replica_replication_policy_document", "DecryptSourceThroughS3").resources).toEqual([KEY]);
  });
});
