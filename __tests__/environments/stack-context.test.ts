/**
 * The environment stack's `StackContext`: built from the environment and its DataKeys, and
 * what every module of the stack was given. Read through the synthesized JSON: every
 * resource in the environment's region that takes a KMS key holds the context's key of its
 * data class, and every log group keeps the context's retention, so a module handed another
 * key, another retention or a context of its own fails here. Built from the synthetic
 * environment (outside us-east-1, so the global logs key exists and must not leak in).
 */
import { Testing } from "cdktf";
import { buildApp } from "../../environments/app";
import type { EnvironmentStack } from "../../environments/environment-stack";
import { DATA_CLASSES, DataClass, EncryptionKey } from "../../modules/kms";
import { FIXTURE } from "../fixtures/environment";
import type { Json } from "../helpers";

const F = FIXTURE;
const app = buildApp({ environments: [F], processEnv: {}, outdir: Testing.app().outdir });
const stack = app.node.findChild(F.name) as EnvironmentStack;
const json: Json = JSON.parse(Testing.synth(stack, true));
const { context } = stack;
/** How the JSON references an `EncryptionKey`'s ARN. */
const arnRef = (key: EncryptionKey): string => `\${aws_kms_key.${stack.getLogicalId(key.key)}.arn}`;
/** The context's key of a data class, as the JSON references it (the first test checks it is the stack's DataKeys' key). */
const keyRef = (cls: DataClass): string => arnRef(stack.keys[cls]);

/** `[resource type, what the attribute is, data class, read it (undefined: this resource takes no key)]`. */
type KeyUse = readonly [type: string, attribute: string, cls: DataClass, read: (r: Json) => unknown];
const KEY_USES: readonly KeyUse[] = [
  ["aws_cloudwatch_log_group", "kms_key_id", "logs", (r) => r.kms_key_id],
  ["aws_sns_topic", "kms_master_key_id", "logs", (r) => r.kms_master_key_id],
  ["aws_secretsmanager_secret", "kms_key_id", "secrets", (r) => r.kms_key_id],
  ["aws_db_instance", "kms_key_id", "database", (r) => r.kms_key_id],
  ["aws_db_instance", "performance_insights_kms_key_id", "database", (r) => r.performance_insights_kms_key_id],
  ["aws_elasticache_replication_group", "kms_key_id", "database", (r) => r.kms_key_id],
  [
    "aws_s3_bucket_server_side_encryption_configuration",
    "SSE-KMS key",
    "storage",
    (r) =>
      r.rule[0].apply_server_side_encryption_by_default.sse_algorithm === "aws:kms"
        ? r.rule[0].apply_server_side_encryption_by_default.kms_master_key_id
        : undefined,
  ],
  ["aws_ecr_repository", "encryption_configuration kms_key", "storage", (r) => r.encryption_configuration[0].kms_key],
  ["aws_codebuild_project", "encryption_key", "storage", (r) => r.encryption_key],
  ["aws_backup_vault", "kms_key_arn", "storage", (r) => r.kms_key_arn],
];

/** Resources of `type` made through the stack's default provider (the environment's region). */
const regional = (type: string): [string, Json][] => Object.entries<Json>(json.resource[type] ?? {}).filter(([, r]) => r.provider === undefined);

describe("the environment stack's StackContext", () => {
  test("is built from the environment: its name, the stack's account and region, name prefix, log retention, and the stack's data keys", () => {
    expect(context.environment).toBe(F.name);
    expect(context.aws).toBe(stack.aws);
    expect(context.aws.region).toBe(F.region);
    expect(context.namePrefix).toBe(`authorworks-${F.name}`);
    expect(context.logRetentionDays).toBe(F.logRetentionDays);
    expect(Object.keys(context.keys).sort()).toEqual([...DATA_CLASSES].sort());
    for (const cls of DATA_CLASSES) expect(context.keys[cls]).toBe(stack.keys[cls]);
    // Four distinct keys, so a resource holding the wrong class's key is told apart.
    expect(new Set(DATA_CLASSES.map(keyRef)).size).toBe(DATA_CLASSES.length);
  });

  test.each(KEY_USES)("every %s in the region: %s is the context's %s key", (type, _attribute, cls, read) => {
    const uses = regional(type)
      .map(([id, r]) => [id, read(r)] as const)
      .filter(([, key]) => key !== undefined);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter(([, key]) => key !== keyRef(cls))).toEqual([]);
  });

  test("every log group keeps the context's retention; those in us-east-1 use the global logs key", () => {
    const groups = Object.entries<Json>(json.resource.aws_cloudwatch_log_group);
    expect(groups.filter(([, g]) => g.retention_in_days !== context.logRetentionDays)).toEqual([]);
    const global = groups.filter(([, g]) => g.provider !== undefined);
    expect(global.length).toBeGreaterThan(0);
    expect(global.map(([, g]) => [g.provider, g.kms_key_id])).toEqual(global.map(() => ["aws.global", arnRef(stack.keys.globalLogs!)]));
  });
});
