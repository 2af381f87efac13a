/**
 * Typed references across stacks: a bucket, secret, topic or key made by one stack and the
 * same resource imported by name in another grant the same statements to the same role.
 * Each side is synthesized in its own stack, as the `<env>` and `<env>-platform` stacks
 * are; the policy documents are compared with the references to the resource and to its
 * key replaced by placeholders (the owner refers to its resource, the import to its lookup).
 * Names and account come from the synthetic environment (__tests__/fixtures/environment.ts).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { EncryptionKey, IKey } from "../../modules/kms";
import { AlertTopic, Monitoring } from "../../modules/monitoring";
import { IBucket, ObjectStorage, StorageBucket } from "../../modules/s3";
import { ApplicationSecret, ApplicationSecrets } from "../../modules/security";
import type { AuthorWorksStack } from "../../environments/stack-base";
import { namePrefix, names } from "../../variables/project";
import { BUCKETS, BucketPurpose } from "../../variables/storage";
import { Json, dataOf, resourcesOf, synthWith } from "../helpers";
import { FIXTURE } from "../fixtures/environment";
import { testContextWithDataKeys } from "../fixtures/context";

const ENV = FIXTURE.name;
const PREFIX = namePrefix(ENV);
const AWS = { accountId: FIXTURE.accountId, region: FIXTURE.region };
const BUCKET_PREFIX = FIXTURE.storage.bucketPrefix;
const bucketName = (p: BucketPurpose) => names.bucket(BUCKET_PREFIX, p, ENV);

/** The references an owner and an import write for the same resource, and their common placeholder. */
type Placeholders = Readonly<Record<string, string>>;

/** Every inline policy made by a grant: its construct path below the grant's scope, name, role and statements. */
function grants(json: Json, placeholders: Placeholders): Record<string, Json> {
  const docs = dataOf(json, "aws_iam_policy_document");
  const out: Record<string, Json> = {};
  for (const [id, policy] of Object.entries(resourcesOf(json, "aws_iam_role_policy"))) {
    const grant = id.indexOf("_grant_");
    if (grant < 0) continue;
    const doc = /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(policy.policy)![1];
    let text = JSON.stringify({ name: policy.name, role: policy.role, statement: docs[doc].statement });
    for (const [ref, placeholder] of Object.entries(placeholders)) text = text.split(ref).join(placeholder);
    out[id.slice(grant + 1)] = JSON.parse(text);
  }
  return out;
}

/** The grants of a side with one resource: `grants` without the ids. */
const grantList = (json: Json, placeholders: Placeholders): Json[] => Object.values(grants(json, placeholders));

/** Both sides' roles have the same construct path, so their grants have the same ids. */
const appRole = (stack: AuthorWorksStack) => new IamRole(stack, "app-role", { name: "app", assumeRolePolicy: "{}" });

/** One side: `build` makes the resource or its import and returns its grant, which is made twice for one role (idempotent). */
function synthGrantedTwice(build: (stack: AuthorWorksStack) => (role: IamRole) => unknown): Json {
  return synthWith((stack) => {
    const grant = build(stack);
    const role = appRole(stack);
    grant(role);
    grant(role);
  });
}

describe("IKey: an EncryptionKey and its import by alias", () => {
  let owner: IKey | undefined;
  let imported: IKey | undefined;
  const ownerJson = synthWith((stack) => {
    owner = testContextWithDataKeys(stack, { environment: ENV, aws: AWS, namePrefix: PREFIX }).keys.storage;
  });
  const importJson = synthWith((stack) => {
    imported = EncryptionKey.fromAliasName(stack, "storage-key", { aws: AWS, aliasName: names.kmsAlias(ENV, "storage") });
  });

  test("the import is an aws_kms_alias lookup of the owner's alias; its key ARN is the alias's target key", () => {
    expect(resourcesOf(ownerJson, "aws_kms_alias").keys_storage_alias.name).toBe(`alias/${PREFIX}-storage`);
    expect(dataOf(importJson, "aws_kms_alias")).toEqual({ storage_key: { name: `alias/${PREFIX}-storage` } });
    expect([imported!.aliasName, imported!.region]).toEqual([owner!.aliasName, owner!.region]);
    expect([owner!.aliasName, owner!.region]).toEqual([`alias/${PREFIX}-storage`, FIXTURE.region]);
  });

  test("serviceUseStatement: the same statement on either side, through the service in the key's region", () => {
    const use = {
      sid: "UseThroughS3",
      actions: ["kms:Decrypt"],
      service: "s3",
      encryptionContext: { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: ["arn:aws:s3:::b/*"] },
    };
    const expected = (arn: string) => ({
      sid: "UseThroughS3",
      actions: ["kms:Decrypt"],
      resources: [arn],
      conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${FIXTURE.region}.amazonaws.com`] }, use.encryptionContext],
    });
    expect(owner!.serviceUseStatement(use)).toEqual(expected(owner!.arn));
    expect(imported!.serviceUseStatement(use)).toEqual(expected(imported!.arn));
    expect(imported!.serviceUseStatement({ ...use, encryptionContext: undefined }).conditions).toHaveLength(1);
  });
});

describe("IBucket: StorageBucket and StorageBucket.fromBucketAttributes", () => {
  /** What each test grants, on either side. */
  const grantAll = (buckets: Record<BucketPurpose, IBucket>, role: IamRole) => {
    buckets.content.grantRead(role);
    buckets.exports.grantReadWrite(role, "exports/");
    buckets.logs.grantReadWrite(role, "application/");
    buckets.content.grantRead(role); // idempotent
  };
  const ownerJson = synthWith((stack) => {
    const context = testContextWithDataKeys(stack, { environment: ENV, aws: AWS, namePrefix: PREFIX });
    const storage = new ObjectStorage(stack, "storage", { context, bucketPrefix: BUCKET_PREFIX, logExpirationDays: FIXTURE.storage.logExpirationDays });
    grantAll(storage.buckets as Record<BucketPurpose, IBucket>, appRole(stack));
  });
  const importJson = synthWith((stack) => {
    const key = EncryptionKey.fromAliasName(stack, "storage-key", { aws: AWS, aliasName: names.kmsAlias(ENV, "storage") });
    const buckets = Object.fromEntries(
      BUCKETS.map((def) => [
        def.purpose,
        StorageBucket.fromBucketAttributes(stack, `${def.purpose}-bucket`, {
          aws: AWS,
          bucketName: bucketName(def.purpose),
          purpose: def.purpose,
          encryptionKey: def.encryption === "kms" ? key : undefined,
        }),
      ]),
    ) as Record<BucketPurpose, IBucket>;
    grantAll(buckets, appRole(stack));
  });

  const placeholders = (side: "owner" | "import"): Placeholders =>
    Object.fromEntries([
      ...BUCKETS.map((d) => [
        side === "owner" ? `\${aws_s3_bucket.storage_${d.purpose}_bucket.arn}` : `arn:aws:s3:::${bucketName(d.purpose)}`,
        `<${d.purpose}>`,
      ]),
      [side === "owner" ? "${aws_kms_key.keys_storage_key.arn}" : "${data.aws_kms_alias.storage_key.target_key_arn}", "<storage key>"],
    ]);
  const ownerGrants = grants(ownerJson, placeholders("owner"));
  const importGrants = grants(importJson, placeholders("import"));

  test("the import looks each bucket up by the name the owner gives it", () => {
    const made = Object.values(resourcesOf(ownerJson, "aws_s3_bucket")).map((b) => b.bucket);
    const looked = Object.values(dataOf(importJson, "aws_s3_bucket")).map((b) => b.bucket);
    expect(looked.sort()).toEqual(made.sort());
    expect(looked).toContain(`${BUCKET_PREFIX}-content-${ENV}`);
  });

  test("same grants on either side: ids, policy names, roles and statements", () => {
    expect(Object.keys(ownerGrants).sort()).toEqual([
      "grant_app_role_read_policy",
      "grant_app_role_read_write_application_policy",
      "grant_app_role_read_write_exports_policy",
    ]);
    expect(importGrants).toEqual(ownerGrants);
  });

  test("the statements are the bucket's, with its key through S3 only where the bucket is SSE-KMS", () => {
    const g = importGrants.grant_app_role_read_write_exports_policy;
    expect(g.name).toBe("s3-exports-read-write-exports");
    expect(g.role).toBe("${aws_iam_role.app_role.name}");
    expect(g.statement).toEqual([
      {
        sid: "ListBucket",
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: ["<exports>"],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: ["exports/*"] }],
      },
      {
        sid: "ReadWriteObjects",
        effect: "Allow",
        actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: ["<exports>/exports/*"],
      },
      {
        sid: "EncryptDecryptThroughS3",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["<storage key>"],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${FIXTURE.region}.amazonaws.com`] },
          { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: ["<exports>", "<exports>/*"] },
        ],
      },
    ]);
    expect(JSON.stringify(importGrants.grant_app_role_read_write_application_policy)).not.toContain("kms:");
  });

  test("the import names its policies after the bucket when it has no purpose", () => {
    const json = synthWith((stack) => {
      StorageBucket.fromBucketAttributes(stack, "shared", { aws: AWS, bucketName: "fixture-shared-bucket" }).grantRead(appRole(stack));
    });
    expect(Object.values(resourcesOf(json, "aws_iam_role_policy")).map((p) => p.name)).toEqual(["s3-fixture-shared-bucket-read"]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["shared_grant_app_role_read_policy"]);
  });

  test("the import refuses a key the catalogue contradicts, and an invalid name", () => {
    const build = (purpose: BucketPurpose, withKey: boolean, name = bucketName(purpose)) =>
      synthWith((stack) => {
        const key = EncryptionKey.fromAliasName(stack, "k", { aws: AWS, aliasName: "alias/k" });
        StorageBucket.fromBucketAttributes(stack, "b", { aws: AWS, bucketName: name, purpose, encryptionKey: withKey ? key : undefined });
      });
    expect(() => build("content", false)).toThrow(/\(content\): the catalogue makes it SSE-KMS: pass its encryptionKey/);
    expect(() => build("logs", true)).toThrow(/\(logs\): the catalogue makes it SSE-S3: pass no encryptionKey/);
    expect(() => build("content", true, "Not_A_Bucket")).toThrow(/"Not_A_Bucket" is not a valid S3 bucket name/);
    expect(() => build("content", true)).not.toThrow();
  });

  test("the import refuses a bad key prefix, naming the bucket's purpose", () => {
    expect(() =>
      synthWith((stack) => {
        StorageBucket.fromBucketAttributes(stack, "b", { aws: AWS, bucketName: bucketName("logs"), purpose: "logs" }).grantRead(appRole(stack), "/abs");
      }),
    ).toThrow(/key prefix "\/abs" for bucket "logs"/);
  });
});

describe("ISecret: an application secret and ApplicationSecret.fromSecretName", () => {
  const PATH = "payments/stripe-api-key";
  const NAME = `${PREFIX}/${PATH}`;
  const ownerJson = synthWith((stack) => {
    const { keys } = testContextWithDataKeys(stack, { environment: ENV, aws: AWS, namePrefix: PREFIX });
    const secrets = new ApplicationSecrets(stack, "secrets", { namePrefix: PREFIX, aws: AWS, kmsKeyArn: keys.secrets.arn, recoveryWindowDays: 13 });
    const role = appRole(stack);
    secrets.secret(PATH).grantRead(role);
    secrets.grantRead(role, NAME); // the same grant, by the full name
  });
  const importJson = synthGrantedTwice((stack) => {
    const key = EncryptionKey.fromAliasName(stack, "secrets-key", { aws: AWS, aliasName: names.kmsAlias(ENV, "secrets") });
    const secret = ApplicationSecret.fromSecretName(stack, "stripe-secret", { secretName: NAME, encryptionKey: key });
    return (role) => secret.grantRead(role);
  });
  const ownerGrants = grantList(ownerJson, {
    "${aws_secretsmanager_secret.secrets_payments_stripe_api_key.arn}": "<secret>",
    "${aws_kms_key.keys_secrets_key.arn}": "<key>",
  });
  const importGrants = grantList(importJson, {
    "${data.aws_secretsmanager_secret.stripe_secret.arn}": "<secret>",
    "${data.aws_kms_alias.secrets_key.target_key_arn}": "<key>",
  });

  test("the import looks the secret up by the owner's name", () => {
    expect(Object.values(resourcesOf(ownerJson, "aws_secretsmanager_secret")).map((s) => s.name)).toContain(NAME);
    expect(dataOf(importJson, "aws_secretsmanager_secret")).toEqual({ stripe_secret: { name: NAME } });
  });

  test("same statements on either side: read this secret, decrypt through Secrets Manager for it only", () => {
    expect(ownerGrants).toHaveLength(1);
    expect(importGrants).toHaveLength(1);
    expect(importGrants[0].statement).toEqual(ownerGrants[0].statement);
    expect(ownerGrants[0].statement).toEqual([
      { sid: "ReadSecret", effect: "Allow", actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: ["<secret>"] },
      {
        sid: "DecryptThroughSecretsManager",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: ["<key>"],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${FIXTURE.region}.amazonaws.com`] },
          { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: ["<secret>"] },
        ],
      },
    ]);
  });

  test("policy names: the owner's by catalogue path, the import's by full name", () => {
    expect(ownerGrants[0].name).toBe("secret-payments-stripe-api-key-read");
    expect(importGrants[0].name).toBe(`secret-${PREFIX}-payments-stripe-api-key-read`);
    expect(Object.keys(resourcesOf(ownerJson, "aws_iam_role_policy"))).toEqual(["secrets_grant_app_role_read_payments_stripe_api_key_policy"]);
    expect(Object.keys(resourcesOf(importJson, "aws_iam_role_policy"))).toEqual(["stripe_secret_grant_app_role_read_policy"]);
  });
});

describe("ITopic: an alert topic of Monitoring and AlertTopic.fromTopicName", () => {
  const ownerJson = synthGrantedTwice((stack) => {
    const globalProvider = new AwsProvider(stack, "aws-global", { alias: "global", region: "us-east-1" });
    const context = testContextWithDataKeys(stack, { environment: ENV, aws: AWS, namePrefix: PREFIX });
    const monitoring = new Monitoring(stack, "monitoring", {
      context,
      observability: FIXTURE.observability,
      monthlyBudgetUsd: FIXTURE.monthlyBudgetUsd,
      globalProvider,
      globalAlertsKey: new EncryptionKey(stack, "global-key", { aws: { ...AWS, region: "us-east-1" }, provider: globalProvider, alias: "g", description: "g" }),
      databases: [],
      cache: { replicationGroupId: "c", nodes: 1 },
      clusterName: "c",
      loadBalancerName: "lb",
      distributionId: "E1",
    });
    return (role) => monitoring.alertTopics.critical.grantPublish(role);
  });
  const importJson = synthGrantedTwice((stack) => {
    const key = EncryptionKey.fromAliasName(stack, "logs-key", { aws: AWS, aliasName: names.kmsAlias(ENV, "logs") });
    const topic = AlertTopic.fromTopicName(stack, "alerts-critical-topic", { topicName: names.alertTopic(ENV, "critical"), encryptionKey: key });
    return (role) => topic.grantPublish(role);
  });
  const ownerGrants = grantList(ownerJson, { "${aws_sns_topic.monitoring_critical_topic.arn}": "<topic>", "${aws_kms_key.keys_logs_key.arn}": "<key>" });
  const importGrants = grantList(importJson, {
    "${data.aws_sns_topic.alerts_critical_topic.arn}": "<topic>",
    "${data.aws_kms_alias.logs_key.target_key_arn}": "<key>",
  });

  test("the import looks the topic up by the owner's name; the key is the topic's", () => {
    expect(Object.values(resourcesOf(ownerJson, "aws_sns_topic")).map((t) => t.name)).toContain(`${PREFIX}-alerts-critical`);
    expect(resourcesOf(ownerJson, "aws_sns_topic").monitoring_critical_topic.kms_master_key_id).toBe("${aws_kms_key.keys_logs_key.arn}");
    expect(dataOf(importJson, "aws_sns_topic")).toEqual({ alerts_critical_topic: { name: `${PREFIX}-alerts-critical` } });
  });

  test("same grant on either side: publish to this topic, its key through SNS for this topic only", () => {
    expect(ownerGrants).toHaveLength(1);
    expect(importGrants).toEqual(ownerGrants);
    expect(ownerGrants[0]).toEqual({
      name: `sns-${PREFIX}-alerts-critical-publish`,
      role: "${aws_iam_role.app_role.name}",
      statement: [
        { sid: "Publish", effect: "Allow", actions: ["sns:Publish"], resources: ["<topic>"] },
        {
          sid: "EncryptThroughSns",
          effect: "Allow",
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["<key>"],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${FIXTURE.region}.amazonaws.com`] },
            { test: "StringEquals", variable: "kms:EncryptionContext:aws:sns:topicArn", values: ["<topic>"] },
          ],
        },
      ],
    });
  });

  test("an import without a key is an unencrypted topic: publish only", () => {
    const json = synthWith((stack) => {
      AlertTopic.fromTopicName(stack, "plain", { topicName: "fixture-plain" }).grantPublish(appRole(stack));
    });
    const [grant] = grantList(json, { "${data.aws_sns_topic.plain.arn}": "<topic>" });
    expect(grant.statement).toEqual([{ sid: "Publish", effect: "Allow", actions: ["sns:Publish"], resources: ["<topic>"] }]);
  });
});
