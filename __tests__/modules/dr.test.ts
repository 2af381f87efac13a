/**
 * modules/dr on the synthetic environment (__tests__/fixtures/environment.ts): primary
 * ap-northeast-2, DR eu-north-1, media and content replicated with Replication Time Control,
 * replicated backups kept 31 days, images and two secrets replicated. Each variant turns one
 * thing off; the errors are what the module refuses whatever the environment data says.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DisasterRecovery, DisasterRecoveryProps } from "../../modules/dr";
import { DataKeys } from "../../modules/kms";
import { DatabaseBackupReplication } from "../../modules/rds";
import { ContainerRegistry, RegistryReplication } from "../../modules/registry";
import { ObjectStorage } from "../../modules/s3";
import { ApplicationSecrets } from "../../modules/security";
import { names } from "../../variables/project";
import type { AuthorWorksStack } from "../../environments/stack-base";
import { FIXTURE } from "../fixtures/environment";
import { testContext } from "../fixtures/context";
import { Json, resource, resourcesOf, statements, synthWith } from "../helpers";

const F = FIXTURE;
const FDR = F.dr!;
const DR = F.drRegion!;
const AWS = { accountId: F.accountId, region: F.region };
const PREFIX = `authorworks-${F.name}`;
const TOPICS = { critical: "arn:aws:sns:ap-northeast-2:424242424242:fixture-critical", warning: "arn:aws:sns:ap-northeast-2:424242424242:fixture-warning" };
const DB_ARNS = { content: "arn:aws:rds:ap-northeast-2:424242424242:db:fixture-content", user: "arn:aws:rds:ap-northeast-2:424242424242:db:fixture-user" };

/** The stack pieces environment-stack.ts wires, on the fixture; `overrides` replace DisasterRecovery props. */
function build(stack: AuthorWorksStack, overrides: (base: DisasterRecoveryProps) => Partial<DisasterRecoveryProps> = () => ({})): DisasterRecovery {
  const provider = new AwsProvider(stack, "aws-dr", { alias: "dr", region: DR });
  const keys = new DataKeys(stack, "keys", { aws: AWS, namePrefix: PREFIX, dr: { provider, region: DR, dataClasses: ["storage", "database", "secrets"] } });
  const context = testContext({ environment: F.name, namePrefix: PREFIX, aws: AWS, keys });
  const storage = new ObjectStorage(stack, "storage", {
    context,
    bucketPrefix: F.storage.bucketPrefix,
    logExpirationDays: F.storage.logExpirationDays,
    replicatedPurposes: FDR.buckets!.purposes,
  });
  const registry = new ContainerRegistry(stack, "registry", { context, forceDelete: false });
  const base: DisasterRecoveryProps = {
    context,
    dr: { provider, region: DR },
    keys: { storage: keys.dr.storage, database: keys.dr.database },
    databaseBackups: {
      databases: Object.fromEntries(Object.entries(DB_ARNS).map(([s, arn]) => [s, { arn }])),
      retentionDays: FDR.databaseBackups!.retentionDays,
    },
    buckets: {
      sources: FDR.buckets!.purposes.map((p) => storage.buckets[p]),
      bucketPrefix: F.storage.bucketPrefix,
      logExpirationDays: F.storage.logExpirationDays,
      replicationTimeControl: FDR.buckets!.replicationTimeControl,
    },
    registry,
    alarmTopicArns: TOPICS,
  };
  return new DisasterRecovery(stack, "dr", { ...base, ...overrides(base) });
}

const json = synthWith((stack) => build(stack));
const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;

describe("DisasterRecovery on the fixture", () => {
  test("databases: one replication per database, in the DR region, with the database DR key and the environment's retention", () => {
    expect(resourcesOf(json, "aws_db_instance_automated_backups_replication")).toEqual({
      dr_databases_content: {
        provider: "aws.dr",
        source_db_instance_arn: DB_ARNS.content,
        kms_key_id: ref("aws_kms_key", "keys_database_dr_key", "arn"),
        retention_period: 31,
      },
      dr_databases_user: {
        provider: "aws.dr",
        source_db_instance_arn: DB_ARNS.user,
        kms_key_id: ref("aws_kms_key", "keys_database_dr_key", "arn"),
        retention_period: 31,
      },
    });
  });

  test("buckets: a replica per listed purpose, named by names.replicaBucket, and no other", () => {
    const replicas = Object.values(resourcesOf(json, "aws_s3_bucket")).filter((b) => b.provider === "aws.dr");
    expect(replicas.map((b) => b.bucket).sort()).toEqual(["content", "media"].map((p) => names.replicaBucket(F.storage.bucketPrefix, p, F.name)));
    expect(replicas.map((b) => b.bucket)).toContain("awfixture-media-replica-staging");
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket_replication_configuration")).sort()).toEqual(["dr_content_replication", "dr_media_replication"]);
  });

  test("buckets: each replica ages like its source and is encrypted with the storage DR key", () => {
    for (const p of ["media", "content"]) {
      expect(resource(json, "aws_s3_bucket_lifecycle_configuration", `dr_${p}_replica_lifecycle`).rule).toEqual(
        resource(json, "aws_s3_bucket_lifecycle_configuration", `storage_${p}_lifecycle`).rule,
      );
      expect(resource(json, "aws_s3_bucket_replication_configuration", `dr_${p}_replication`).rule[0].destination.encryption_configuration).toEqual({
        replica_kms_key_id: ref("aws_kms_key", "keys_storage_dr_key", "arn"),
      });
      expect(resource(json, "aws_iam_role", `dr_${p}_replication_role_role`).name).toBe(`${PREFIX}-${p}-replication`);
    }
  });

  test("buckets: with Replication Time Control, a latency alarm (warning) and a failure alarm (critical) per replica", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms).sort()).toEqual([
      "dr_content_s3_content_replication_failed",
      "dr_content_s3_content_replication_latency",
      "dr_media_s3_media_replication_failed",
      "dr_media_s3_media_replication_latency",
    ]);
    expect(alarms.dr_media_s3_media_replication_latency).toMatchObject({
      alarm_name: `${PREFIX}-s3-media-replication-latency`,
      alarm_actions: [TOPICS.warning],
      dimensions: {
        SourceBucket: ref("aws_s3_bucket", "storage_media_bucket", "bucket"),
        DestinationBucket: ref("aws_s3_bucket", "dr_media_replica_bucket", "bucket"),
        RuleId: "media-to-dr",
      },
    });
    expect(alarms.dr_media_s3_media_replication_failed.alarm_actions).toEqual([TOPICS.critical]);
  });

  test("images: the registry's namespace replicates to the DR region; the template uses the storage DR key and the primary's lifecycle", () => {
    expect(resource(json, "aws_ecr_replication_configuration", "dr_registry_configuration").replication_configuration.rule[0]).toEqual({
      destination: [{ region: DR, registry_id: F.accountId }],
      repository_filter: [{ filter: `${PREFIX}/`, filter_type: "PREFIX_MATCH" }],
    });
    expect(resource(json, "aws_ecr_repository_creation_template", "dr_registry_template")).toMatchObject({
      provider: "aws.dr",
      prefix: PREFIX,
      encryption_configuration: [{ encryption_type: "KMS", kms_key: ref("aws_kms_key", "keys_storage_dr_key", "arn") }],
      lifecycle_policy: resource(json, "aws_ecr_lifecycle_policy", "registry_content_lifecycle").policy,
    });
    expect(statements(json, "dr_registry_role_policy_document")[0].resources).toEqual([`arn:aws:ecr:${DR}:${F.accountId}:repository/${PREFIX}/*`]);
  });
});

describe("DisasterRecovery: each part is optional", () => {
  test("without Replication Time Control: no SLA, no metrics, no alarms", () => {
    const plain = synthWith((stack) => build(stack, (b) => ({ buckets: { ...b.buckets!, replicationTimeControl: false } })));
    for (const p of ["media", "content"]) {
      const destination = resource(plain, "aws_s3_bucket_replication_configuration", `dr_${p}_replication`).rule[0].destination;
      expect([destination.replication_time, destination.metrics]).toEqual([undefined, undefined]);
    }
    expect(resourcesOf(plain, "aws_cloudwatch_metric_alarm")).toEqual({});
  });

  test("no alarm topics: replication without alarms", () => {
    expect(
      resourcesOf(
        synthWith((stack) => build(stack, () => ({ alarmTopicArns: undefined }))),
        "aws_cloudwatch_metric_alarm",
      ),
    ).toEqual({});
  });

  test.each([
    ["databaseBackups", "aws_db_instance_automated_backups_replication"],
    ["buckets", "aws_s3_bucket_replication_configuration"],
    ["registry", "aws_ecr_replication_configuration"],
  ] as const)("without %s there is no %s", (prop, type) => {
    const without = synthWith((stack) => build(stack, () => ({ [prop]: undefined })));
    expect(resourcesOf(without, type)).toEqual({});
  });
});

describe("DisasterRecovery: what it refuses", () => {
  test("a DR region equal to the environment's own", () => {
    expect(() => synthWith((stack) => build(stack, (b) => ({ dr: { ...b.dr, region: F.region } })))).toThrow(
      `DisasterRecovery: the DR region ${F.region} is the environment's own region`,
    );
  });

  test("a part without the DR key it encrypts with, or with a key of another region", () => {
    expect(() => synthWith((stack) => build(stack, (b) => ({ keys: { ...b.keys, database: undefined } })))).toThrow(
      "DisasterRecovery: databaseBackups needs the database key of the DR region (keys.database)",
    );
    const primaryKey = {
      arn: "arn:aws:kms:ap-northeast-2:424242424242:key/primary",
      aliasName: "alias/primary",
      region: F.region,
      serviceUseStatement: () => ({ actions: [] }),
    };
    expect(() => synthWith((stack) => build(stack, (b) => ({ keys: { ...b.keys, storage: primaryKey } })))).toThrow(
      `DisasterRecovery: keys.storage is in ${F.region}, not in the DR region ${DR}`,
    );
  });

  test("a bucket that is not versioned", () => {
    expect(() =>
      synthWith((stack) =>
        build(stack, (b) => {
          const storage = new ObjectStorage(stack, "unversioned", { context: b.context, bucketPrefix: "unversioned", logExpirationDays: 30 });
          return { buckets: { ...b.buckets!, sources: [storage.buckets.media] } };
        }),
      ),
    ).toThrow('DisasterRecovery: bucket "media" is not versioned; S3 replicates only versioned buckets');
  });
});

describe("the parts on their own", () => {
  const provider = (stack: AuthorWorksStack) => new AwsProvider(stack, "aws-dr", { alias: "dr", region: DR });

  test.each([0, 36, 1.5])("DatabaseBackupReplication refuses retention %p", (retentionDays) => {
    expect(() =>
      synthWith((stack) => new DatabaseBackupReplication(stack, "replication", { provider: provider(stack), databases: {}, kmsKeyArn: "k", retentionDays })),
    ).toThrow(`DatabaseBackupReplication: retentionDays ${retentionDays} outside 1-35`);
  });

  test("RegistryReplication refuses its own region as the DR region", () => {
    expect(() =>
      synthWith(
        (stack) =>
          new RegistryReplication(stack, "replication", {
            aws: AWS,
            namespace: PREFIX,
            provider: provider(stack),
            region: F.region,
            kmsKeyArn: "k",
            lifecycleRules: [],
            roleName: "r",
          }),
      ),
    ).toThrow(`RegistryReplication: the DR region ${F.region} is the registry's own region`);
  });

  describe("ApplicationSecrets replicas", () => {
    const secrets = (replica: ConstructorParameters<typeof ApplicationSecrets>[2]["replica"]): Json =>
      synthWith(
        (stack) => new ApplicationSecrets(stack, "secrets", { namePrefix: PREFIX, aws: AWS, kmsKeyArn: "primary-key", recoveryWindowDays: 13, replica }),
      );
    const drKey = `arn:aws:kms:${DR}:424242424242:key/fixture-secrets-dr`;
    const json = secrets({ region: DR, kmsKeyArn: drKey, paths: FDR.secrets });

    test("exactly the listed secrets get a replica, same name, with the DR key", () => {
      const replicated = Object.values(resourcesOf(json, "aws_secretsmanager_secret"))
        .filter((s) => s.replica)
        .map((s) => [s.name, s.replica]);
      expect(Object.fromEntries(replicated)).toEqual(
        Object.fromEntries(FDR.secrets.map((p) => [names.secret(F.name, p), [{ region: DR, kms_key_id: drKey }]])),
      );
    });

    test("an unknown path, and the secrets' own region, are refused", () => {
      expect(() => secrets({ region: DR, kmsKeyArn: drKey, paths: ["payments/paypal-api-key"] })).toThrow(
        /secret replicas: unknown secret "payments\/paypal-api-key"; known: /,
      );
      expect(() => secrets({ region: F.region, kmsKeyArn: drKey, paths: [] })).toThrow(`secret replicas: region ${F.region} is the secrets' own region`);
    });
  });
});
