import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DATA_CLASSES, DATA_CLASS_SERVICES, DataClass, DataKeys, EncryptionKey } from "../../modules/kms";
import { names } from "../../variables/project";
import { FIXTURE } from "../fixtures/environment";
import { TEST_AWS, resource, resourcesOf, statements, synthWith } from "../helpers";

describe("kms module", () => {
  const json = synthWith((stack) => new DataKeys(stack, "keys", { aws: TEST_AWS, namePrefix: "authorworks-test", deletionWindowDays: 7 }));

  test("one rotating key and alias per data class", () => {
    expect(Object.keys(resourcesOf(json, "aws_kms_key")).sort()).toEqual(["keys_database_key", "keys_logs_key", "keys_secrets_key", "keys_storage_key"]);
    for (const cls of ["storage", "database", "logs", "secrets"]) {
      expect(resource(json, "aws_kms_key", `keys_${cls}_key`)).toMatchObject({
        enable_key_rotation: true,
        rotation_period_in_days: 365,
        deletion_window_in_days: 7,
      });
      expect(resource(json, "aws_kms_alias", `keys_${cls}_alias`)).toEqual({
        name: `alias/authorworks-test-${cls}`,
        target_key_id: `\${aws_kms_key.keys_${cls}_key.key_id}`,
      });
    }
  });

  test("the account administers keys through IAM but cannot use them outside the named services", () => {
    const [admin, use] = statements(json, "keys_database_policy");
    expect(admin.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }]);
    expect(admin.actions).not.toContain("kms:Decrypt");
    expect(admin.actions).not.toContain("kms:*");
    expect(use.actions).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"]));
    expect(use.condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: ["rds.us-east-1.amazonaws.com", "elasticache.us-east-1.amazonaws.com"] },
      { test: "StringEquals", variable: "kms:CallerAccount", values: ["123456789012"] },
    ]);
    expect(statements(json, "keys_storage_policy")[1].condition[0].values).toEqual(["s3.us-east-1.amazonaws.com"]);
    expect(statements(json, "keys_secrets_policy")[1].condition[0].values).toEqual(["secretsmanager.us-east-1.amazonaws.com"]);
  });

  test("the logs key lets CloudWatch Logs encrypt only this account's log groups in the region", () => {
    const logs = statements(json, "keys_logs_policy");
    expect(logs).toHaveLength(2);
    expect(logs[1].principals).toEqual([{ type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] }]);
    expect(logs[1].condition).toEqual([
      { test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: ["arn:aws:logs:us-east-1:123456789012:log-group:*"] },
    ]);
    expect(resource(json, "aws_kms_key", "keys_logs_key").policy).toBe("${data.aws_iam_policy_document.keys_logs_policy.json}");
  });

  test("named users get exactly the envelope-encryption actions", () => {
    const single = synthWith(
      (stack) => new EncryptionKey(stack, "k", { aws: TEST_AWS, alias: "a", description: "d", users: ["arn:aws:iam::123456789012:role/app"] }),
    );
    const [, users] = statements(single, "k_policy");
    expect(users.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:role/app"] }]);
    expect(users.actions).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]);
    expect(resource(single, "aws_kms_key", "k_key").deletion_window_in_days).toBe(30);
  });

  test("without `global` there is no second-region key", () => {
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).not.toContain("keys_logs_global_key");
  });
});

describe("kms module: a logs key in a second region", () => {
  const eu = { ...TEST_AWS, region: "eu-west-1" };
  const json = synthWith((stack) => {
    const global = new AwsProvider(stack, "aws-global", { alias: "global", region: "us-east-1" });
    new DataKeys(stack, "keys", { aws: eu, namePrefix: "authorworks-test", deletionWindowDays: 7, global: { provider: global, region: "us-east-1" } });
  });

  test("is made through that region's provider, with its own alias; the data class keys stay regional", () => {
    expect(resource(json, "aws_kms_key", "keys_logs_global_key")).toMatchObject({
      provider: "aws.global",
      enable_key_rotation: true,
      deletion_window_in_days: 7,
    });
    expect(resource(json, "aws_kms_alias", "keys_logs_global_alias")).toEqual({
      provider: "aws.global",
      name: "alias/authorworks-test-logs-global",
      target_key_id: "${aws_kms_key.keys_logs_global_key.key_id}",
    });
    for (const cls of ["storage", "database", "logs", "secrets"]) expect(resource(json, "aws_kms_key", `keys_${cls}_key`).provider).toBeUndefined();
  });

  test("its policy names CloudWatch Logs of that region, not the environment's", () => {
    const [, logs] = statements(json, "keys_logs_global_policy");
    expect(logs.principals).toEqual([{ type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] }]);
    expect(logs.condition[0].values).toEqual(["arn:aws:logs:us-east-1:123456789012:log-group:*"]);
    expect(statements(json, "keys_logs_policy")[1].principals[0].identifiers).toEqual(["logs.eu-west-1.amazonaws.com"]);
  });
});

describe("kms module: keys in the DR region", () => {
  /** The fixture's regions: ap-northeast-2, DR eu-north-1. */
  const aws = { ...TEST_AWS, region: FIXTURE.region };
  const DR = FIXTURE.drRegion!;
  const build = (dataClasses: readonly DataClass[], region = DR) =>
    synthWith((stack) => {
      const dr = new AwsProvider(stack, "aws-dr", { alias: "dr", region });
      new DataKeys(stack, "keys", { aws, namePrefix: "authorworks-staging", deletionWindowDays: 11, dr: { provider: dr, region, dataClasses } });
    });
  const json = build(["storage", "database", "secrets"]);

  test("one key per named class, made through the DR provider, alias <prefix>-<class>-dr (names.drKmsAlias)", () => {
    expect(
      Object.keys(resourcesOf(json, "aws_kms_key"))
        .filter((id) => id.endsWith("_dr_key"))
        .sort(),
    ).toEqual(["keys_database_dr_key", "keys_secrets_dr_key", "keys_storage_dr_key"]);
    for (const cls of ["storage", "database", "secrets"] as const) {
      expect(resource(json, "aws_kms_key", `keys_${cls}_dr_key`)).toMatchObject({ provider: "aws.dr", enable_key_rotation: true, deletion_window_in_days: 11 });
      expect(resource(json, "aws_kms_alias", `keys_${cls}_dr_alias`)).toEqual({
        provider: "aws.dr",
        name: names.drKmsAlias("staging", cls),
        target_key_id: `\${aws_kms_key.keys_${cls}_dr_key.key_id}`,
      });
    }
  });

  test("each is usable only through its class's services in the DR region, not the primary's", () => {
    for (const cls of ["storage", "database", "secrets"] as const) {
      const use = statements(json, `keys_${cls}_dr_policy`).find((s) => s.sid === "UseThroughNamedServices")!;
      expect(use.condition[0]).toEqual({
        test: "StringEquals",
        variable: "kms:ViaService",
        values: DATA_CLASS_SERVICES[cls].map((s) => `${s}.${DR}.amazonaws.com`),
      });
    }
  });

  test("only the classes asked for; the primary keys stay in the primary region", () => {
    const one = build(["database"]);
    expect(Object.keys(resourcesOf(one, "aws_kms_key")).sort()).toEqual([
      "keys_database_dr_key",
      "keys_database_key",
      "keys_logs_key",
      "keys_secrets_key",
      "keys_storage_key",
    ]);
    for (const cls of DATA_CLASSES) expect(resource(one, "aws_kms_key", `keys_${cls}_key`).provider).toBeUndefined();
  });

  test("a DR region equal to the keys' own region is refused", () => {
    expect(() => build(["storage"], FIXTURE.region)).toThrow(`DataKeys: the DR region ${FIXTURE.region} is the keys' own region`);
  });
});
