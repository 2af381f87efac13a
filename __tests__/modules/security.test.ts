import { TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Json, TEST_AWS, dataOf, resource, resourcesOf, sid, statements, synthWith } from "../helpers";
import { testContext } from "../fixtures/context";
import { ServiceRole } from "../../modules/iam";
import {
  BOUNDARY_REQUIRED_ACTIONS,
  PLAN_FUNCTION_READ_ACTIONS,
  SECRET_ROTATION_ACTIONS,
  GLOBAL_ACTIONS,
  PLAN_READ_ACTIONS,
  SECURITY_TAMPERING_ACTIONS,
  Security,
  SecurityProps,
  foundationalStandardArn,
} from "../../modules/security";
import type { EnvironmentConfig } from "../../environments/types";
import { namePrefix } from "../../variables/project";
import { SECRETS } from "../../variables/secrets";
import type { AuthorWorksStack } from "../../environments/stack-base";
import { FIXTURE } from "../fixtures/environment";

/** The context's secrets key (a stub in TEST_AWS's account and region). */
const SECRETS_KEY = testContext().keys.secrets.arn;
const DB_SECRETS = {
  user: "${aws_db_instance.rds_user_instance.master_user_secret[0].secret_arn}",
  content: "${aws_db_instance.rds_content_instance.master_user_secret[0].secret_arn}",
};
const CACHE_SECRET = "${aws_secretsmanager_secret.cache_auth_token.arn}";
const STATE = { bucket: "authorworks-terraform-state", lockTable: "authorworks-terraform-locks", region: "us-east-1" };
const BOUNDARY_SELF = "arn:aws:iam::123456789012:policy/authorworks-staging-boundary";

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: secrets
 * recovered for 13 days and rotated every 45, GuardDuty off, Security Hub on, repository
 * fixture-org/fixture-infra, branch release/fixture, DR region eu-north-1: values no real
 * environment has, so a prop ignored or replaced by a constant fails.
 */
const ENV = FIXTURE;
/** The fixture under each other accepted name, for what the name decides (trust subjects, state paths). */
const RENAMED = { dev: { ...FIXTURE, name: "dev" }, production: { ...FIXTURE, name: "production" } } as const satisfies Record<string, EnvironmentConfig>;
/** The fixture with another repository, to vary the repository alone. */
const OTHER_REPOSITORY: EnvironmentConfig = { ...FIXTURE, security: { ...FIXTURE.security, githubRepository: "other-fixture-org/other-infra" } };

/** Props from an environment file, as the environment stack wires them; `aws` is the context's. */
function propsFor(env: EnvironmentConfig, overrides: Partial<SecurityProps> = {}, aws = TEST_AWS): SecurityProps {
  return {
    context: testContext({ environment: env.name, namePrefix: `authorworks-${env.name}`, aws }),
    secretRecoveryWindowDays: env.durability.secretRecoveryWindowDays,
    secretRotationDays: env.security.secretRotationDays,
    databaseSecretArns: DB_SECRETS,
    guardDuty: env.security.guardDuty,
    securityHub: env.security.securityHub,
    githubRepository: env.security.githubRepository,
    deployBranch: env.security.deployBranch,
    state: STATE,
    additionalRegions: ["us-east-1", ...(env.drRegion ? [env.drRegion] : [])],
    planSecretArns: [CACHE_SECRET],
    ...overrides,
  };
}

function synth(overrides: Partial<SecurityProps> = {}, extra?: (s: Security, stack: AuthorWorksStack) => void, env: EnvironmentConfig = ENV): Json {
  return synthWith((stack) => {
    const security = new Security(stack, "security", propsFor(env, overrides));
    extra?.(security, stack);
  });
}

function condition(stmt: Json, variable: string): Json {
  const found = (stmt.condition ?? []).find((c: Json) => c.variable === variable);
  if (!found) throw new Error(`no condition on ${variable}`);
  return found;
}

const allActions = (json: Json, doc: string): string[] =>
  statements(json, doc)
    .filter((s) => s.effect === "Allow")
    .flatMap((s) => s.actions ?? []);

describe("application secrets", () => {
  const json = synth();
  const secrets = resourcesOf(json, "aws_secretsmanager_secret");

  test("one secret per catalogue entry, named <namePrefix>/<path>, encrypted with the secrets key", () => {
    expect(Object.keys(secrets)).toHaveLength(SECRETS.length);
    expect(
      Object.values(secrets)
        .map((s) => s.name)
        .sort(),
    ).toEqual(SECRETS.map((d) => `authorworks-staging/${d.path}`).sort());
    for (const s of Object.values(secrets)) expect(s.kms_key_id).toBe(SECRETS_KEY);
    expect(resource(json, "aws_secretsmanager_secret", "security_secrets_payments_stripe_api_key")).toMatchObject({
      name: "authorworks-staging/payments/stripe-api-key",
      tags: { Name: "authorworks-staging/payments/stripe-api-key", Service: "subscription" },
    });
  });

  test("the catalogue names owning services and includes the expected external credentials", () => {
    const owners = Object.fromEntries(SECRETS.map((d) => [d.path, d.owner]));
    expect(owners).toMatchObject({
      "payments/stripe-api-key": "subscription",
      "email/sendgrid-api-key": "notification",
      "auth/jwt-signing-key": "user",
      "github/app-credentials": "content",
    });
  });

  test("the fixture's recovery window (13 days) on every secret", () => {
    expect(Object.values(secrets).map((s) => s.recovery_window_in_days)).toEqual(Array(SECRETS.length).fill(13));
    expect(ENV.durability.secretRecoveryWindowDays).toBe(13);
  });

  test.each([
    [7, 7],
    [23, 23],
  ])("secretRecoveryWindowDays %p: recovery window %p days on every secret", (secretRecoveryWindowDays, days) => {
    const all = Object.values(resourcesOf(synth({ secretRecoveryWindowDays }), "aws_secretsmanager_secret"));
    expect(all.map((s) => s.recovery_window_in_days)).toEqual(Array(SECRETS.length).fill(days));
  });

  test("no secret value anywhere in the synthesized JSON", () => {
    const text = JSON.stringify(json);
    expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual({});
    expect(text).not.toMatch(/secret_string|secret_binary|secret_string_wo/);
    expect(text).not.toMatch(/sk_(live|test)_|whsec_[A-Za-z0-9]|SG\.[A-Za-z0-9_-]{10,}|BEGIN [A-Z ]*PRIVATE KEY/);
    expect(Object.values(secrets).every((s) => Object.keys(s).sort().join() === "description,kms_key_id,name,recovery_window_in_days,tags")).toBe(true);
  });

  test("grantRead: exactly one secret, decrypt only through Secrets Manager for that secret", () => {
    const j = synth({}, (s, stack) => {
      const role = new IamRole(stack, "app-role", { name: "app", assumeRolePolicy: "{}" });
      s.grantRead(role, "payments/stripe-api-key");
      s.grantRead(role, "authorworks-staging/payments/stripe-api-key"); // full name, same grant
    });
    const policies = resourcesOf(j, "aws_iam_role_policy");
    const grants = Object.entries(policies).filter(([id]) => id.includes("grant"));
    expect(grants).toHaveLength(1);
    const [id, policy] = grants[0];
    expect(id).toBe("security_secrets_grant_app_role_read_payments_stripe_api_key_policy");
    expect(policy.role).toBe("${aws_iam_role.app_role.name}");
    expect(policy.name).toBe("secret-payments-stripe-api-key-read");
    const doc = "security_secrets_grant_app_role_read_payments_stripe_api_key_document";
    const arn = "${aws_secretsmanager_secret.security_secrets_payments_stripe_api_key.arn}";
    expect(sid(j, doc, "ReadSecret")).toMatchObject({
      effect: "Allow",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [arn],
    });
    const decrypt = sid(j, doc, "DecryptThroughSecretsManager");
    expect(decrypt.actions).toEqual(["kms:Decrypt"]);
    expect(decrypt.resources).toEqual([SECRETS_KEY]);
    expect(condition(decrypt, "kms:ViaService").values).toEqual(["secretsmanager.us-east-1.amazonaws.com"]);
    expect(condition(decrypt, "kms:EncryptionContext:SecretARN")).toEqual({ test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [arn] });
    expect(statements(j, doc)).toHaveLength(2);
  });

  test("grantRead refuses an unknown secret", () => {
    expect(() => synth({}, (s, stack) => s.grantRead(new IamRole(stack, "r", { name: "r", assumeRolePolicy: "{}" }), "payments/paypal"))).toThrow(
      /unknown secret "payments\/paypal"/,
    );
  });

  test("a definition with an unknown owner or a bad path is refused", () => {
    const base = SECRETS[0];
    expect(() => synth({ secrets: [{ ...base, owner: "billing" }] })).toThrow(/unknown service "billing"/);
    expect(() => synth({ secrets: [{ ...base, path: "Payments/Key" }] })).toThrow(/secret path "Payments\/Key"/);
    expect(() => synth({ secrets: [base, base] })).toThrow(/defined twice/);
  });
});

describe("rotation of the RDS-managed master user secrets", () => {
  test.each([90, 30])("every database secret rotates every %p days, no Lambda, not on apply", (days) => {
    const rotations = resourcesOf(synth({ secretRotationDays: days }), "aws_secretsmanager_secret_rotation");
    expect(Object.keys(rotations).sort()).toEqual(["security_rds_secret_rotation_content", "security_rds_secret_rotation_user"]);
    expect(rotations.security_rds_secret_rotation_user).toEqual({
      secret_id: DB_SECRETS.user,
      rotation_rules: { automatically_after_days: days },
      rotate_immediately: false,
    });
    expect(rotations.security_rds_secret_rotation_content.secret_id).toBe(DB_SECRETS.content);
    expect(JSON.stringify(rotations)).not.toContain("rotation_lambda_arn");
  });

  test("no databases, no rotation resources", () => {
    expect(resourcesOf(synth({ databaseSecretArns: {} }), "aws_secretsmanager_secret_rotation")).toEqual({});
  });

  test.each([0, 1001, 7.5])("a period Secrets Manager refuses (%p) stops synth", (days) => {
    expect(() => synth({ secretRotationDays: days })).toThrow(/from 1 to 1000/);
  });

  test("an environment's configured period (the fixture's 45 days) on every database secret", () => {
    const r = resourcesOf(synth(), "aws_secretsmanager_secret_rotation");
    expect(Object.values(r).map((x) => x.rotation_rules.automatically_after_days)).toEqual([45, 45]);
    expect(ENV.security.secretRotationDays).toBe(45);
  });
});

describe("GuardDuty", () => {
  const json = synth({ guardDuty: true });
  const detectorRef = "${aws_guardduty_detector.security_guardduty_detector.id}";
  const feature = (j: Json, id: string) => resource(j, "aws_guardduty_detector_feature", `security_guardduty_${id}`);

  test("detector enabled, publishing every 15 minutes, no deprecated datasources block", () => {
    expect(resource(json, "aws_guardduty_detector", "security_guardduty_detector")).toEqual({ enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES" });
  });

  test("S3, EKS audit logs and runtime monitoring with the EKS add-on managed by GuardDuty", () => {
    expect(feature(json, "s3_protection")).toEqual({ detector_id: detectorRef, name: "S3_DATA_EVENTS", status: "ENABLED" });
    expect(feature(json, "eks_audit_logs")).toEqual({ detector_id: detectorRef, name: "EKS_AUDIT_LOGS", status: "ENABLED" });
    const runtime = feature(json, "runtime_monitoring");
    expect(runtime).toMatchObject({ detector_id: detectorRef, name: "RUNTIME_MONITORING", status: "ENABLED" });
    expect(runtime.additional_configuration).toEqual([
      { name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" },
      { name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "DISABLED" },
      { name: "EC2_AGENT_MANAGEMENT", status: "DISABLED" },
    ]);
    // EKS_RUNTIME_MONITORING and RUNTIME_MONITORING together are refused by AWS.
    const names = Object.values(resourcesOf(json, "aws_guardduty_detector_feature")).map((f) => f.name);
    expect(names).not.toContain("EKS_RUNTIME_MONITORING");
    expect(new Set(names).size).toBe(names.length);
  });

  test("RDS login events on and malware protection off by default; options switch them", () => {
    expect(feature(json, "rds_login_events")).toMatchObject({ name: "RDS_LOGIN_EVENTS", status: "ENABLED" });
    expect(feature(json, "malware_protection")).toMatchObject({ name: "EBS_MALWARE_PROTECTION", status: "DISABLED" });
    const j = synth({ guardDuty: true, guardDutyOptions: { rdsLoginEvents: false, malwareProtection: true, findingPublishingFrequency: "ONE_HOUR" } });
    expect(feature(j, "rds_login_events").status).toBe("DISABLED");
    expect(feature(j, "malware_protection").status).toBe("ENABLED");
    expect(resource(j, "aws_guardduty_detector", "security_guardduty_detector").finding_publishing_frequency).toBe("ONE_HOUR");
  });

  test("guardDuty false: no detector, no features", () => {
    const j = synth({ guardDuty: false });
    expect(resourcesOf(j, "aws_guardduty_detector")).toEqual({});
    expect(resourcesOf(j, "aws_guardduty_detector_feature")).toEqual({});
  });

  test("detectorId is the detector's id; undefined when off", () => {
    const j = synth({ guardDuty: true }, (s, stack) => new TerraformOutput(stack, "detector", { value: s.detectorId }));
    expect(j.output.detector.value).toBe(detectorRef);
    let off: string | undefined = "x";
    synth({ guardDuty: false }, (s) => (off = s.detectorId));
    expect(off).toBeUndefined();
  });
});

describe("Security Hub", () => {
  test("account without default standards, consolidated findings, FSBP v1.0.0 in the environment's region", () => {
    const j = synthWith((stack) => new Security(stack, "security", propsFor(ENV, { securityHub: true }, { ...TEST_AWS, region: "eu-west-1" })));
    expect(resource(j, "aws_securityhub_account", "security_security_hub_account")).toEqual({
      enable_default_standards: false,
      control_finding_generator: "SECURITY_CONTROL",
      auto_enable_controls: true,
    });
    expect(resource(j, "aws_securityhub_standards_subscription", "security_security_hub_foundational_best_practices")).toEqual({
      standards_arn: "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
      depends_on: ["aws_securityhub_account.security_security_hub_account"],
    });
    expect(foundationalStandardArn({ region: "us-gov-west-1", partition: "aws-us-gov" })).toBe(
      "arn:aws-us-gov:securityhub:us-gov-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
    );
  });

  // The fixture has Security Hub on and GuardDuty off; each is flipped alone, so one wired
  // to the other, or to a constant, fails.
  test.each([
    ["the fixture", true, false, {}],
    ["Security Hub off", false, false, { securityHub: false }],
    ["GuardDuty on", true, true, { guardDuty: true }],
  ] as const)("%s: Security Hub %p, GuardDuty %p, each from its own prop", (_, hub, guardDuty, overrides) => {
    const j = synth(overrides);
    expect(Object.keys(resourcesOf(j, "aws_securityhub_account"))).toHaveLength(hub ? 1 : 0);
    expect(Object.keys(resourcesOf(j, "aws_securityhub_standards_subscription"))).toHaveLength(hub ? 1 : 0);
    expect(Object.keys(resourcesOf(j, "aws_guardduty_detector"))).toHaveLength(guardDuty ? 1 : 0);
  });
});

describe("GitHub OIDC and deploy roles", () => {
  const provider = "${aws_iam_openid_connect_provider.security_github_oidc_provider.arn}";

  test("the OIDC provider: GitHub's issuer, audience sts.amazonaws.com, no thumbprints", () => {
    expect(resource(synth(), "aws_iam_openid_connect_provider", "security_github_oidc_provider")).toEqual({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
      tags: { Name: "token.actions.githubusercontent.com" },
    });
  });

  test.each([ENV, RENAMED.production, OTHER_REPOSITORY])("$name, $security.githubRepository: plan role trusts pull requests of the repository only", (env) => {
    const j = synth({}, undefined, env);
    const [stmt, ...rest] = statements(j, "security_github_plan_trust");
    expect(rest).toHaveLength(0);
    expect(stmt.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(stmt.principals).toEqual([{ type: "Federated", identifiers: [provider] }]);
    expect(stmt.condition).toEqual([
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: [`repo:${env.security.githubRepository}:pull_request`] },
    ]);
    expect(resource(j, "aws_iam_role", "security_github_plan_role")).toMatchObject({
      name: `${namePrefix(env.name)}-github-plan`,
      assume_role_policy: "${data.aws_iam_policy_document.security_github_plan_trust.json}",
      max_session_duration: 3600,
    });
  });

  test.each([ENV, RENAMED.production, OTHER_REPOSITORY])(
    "$name, $security.githubRepository: apply role trusts the environment's GitHub environment, on aud and sub only",
    (env) => {
      const j = synth({}, undefined, env);
      const [stmt, ...rest] = statements(j, "security_github_apply_trust");
      expect(rest).toHaveLength(0);
      expect(stmt.principals).toEqual([{ type: "Federated", identifiers: [provider] }]);
      expect(stmt.condition).toEqual([
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
        {
          test: "StringEquals",
          variable: "token.actions.githubusercontent.com:sub",
          values: [`repo:${env.security.githubRepository}:environment:${env.name}`],
        },
      ]);
      // No wildcard anywhere in a trust condition (StringEquals, exact values).
      expect(JSON.stringify(stmt.condition)).not.toMatch(/\*|StringLike/);
      expect(resource(j, "aws_iam_role", "security_github_apply_role").name).toBe(`${namePrefix(env.name)}-github-apply`);
      expect(resource(j, "aws_iam_role", "security_github_apply_role").description).toContain(
        `${env.security.githubRepository} branch release/fixture, GitHub environment ${env.name}`,
      );
    },
  );

  test("repository and branch flow into the trust policies and the apply role's description", () => {
    const j = synth({ githubRepository: "acme/platform", deployBranch: "release/2026" });
    expect(condition(statements(j, "security_github_plan_trust")[0], "token.actions.githubusercontent.com:sub").values).toEqual([
      "repo:acme/platform:pull_request",
    ]);
    const apply = statements(j, "security_github_apply_trust")[0];
    expect(condition(apply, "token.actions.githubusercontent.com:sub").values).toEqual(["repo:acme/platform:environment:staging"]);
    expect(resource(j, "aws_iam_role", "security_github_apply_role").description).toContain("branch release/2026, GitHub environment staging");
  });

  test("an existing OIDC provider is used instead of creating one (one per account)", () => {
    const existing = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const j = synth({ githubOidcProviderArn: existing }, (s, stack) => new TerraformOutput(stack, "oidc", { value: s.oidcProviderArn }));
    expect(resourcesOf(j, "aws_iam_openid_connect_provider")).toEqual({});
    expect(statements(j, "security_github_plan_trust")[0].principals[0].identifiers).toEqual([existing]);
    expect(statements(j, "security_github_apply_trust")[0].principals[0].identifiers).toEqual([existing]);
    expect(j.output.oidc.value).toBe(existing);
  });
});

describe("plan role permissions", () => {
  const json = synth();
  const doc = "security_github_plan_policy_document";

  test("attached inline to the plan role", () => {
    expect(resource(json, "aws_iam_role_policy", "security_github_plan_policy")).toEqual({
      name: "authorworks-staging-github-plan-read",
      role: "${aws_iam_role.security_github_plan_role.id}",
      policy: "${data.aws_iam_policy_document.security_github_plan_policy_document.json}",
    });
    expect(resourcesOf(json, "aws_iam_role_policy_attachment").security_github_plan_power_user).toBeUndefined();
  });

  test("configuration reads only: no data reads, no writes, no service wildcards", () => {
    const read = sid(json, doc, "ReadConfiguration");
    expect(read.resources).toEqual(["*"]);
    expect(read.actions).toEqual([...PLAN_READ_ACTIONS]);
    for (const a of read.actions as string[]) {
      expect(a).toMatch(/^[a-z0-9-]+:(Describe|Get|List|View|BatchGet)[A-Za-z*]*$/);
      expect(a).not.toMatch(
        /:\*$|GetSecretValue|GetObject|GetLogEvents|ReceiveMessage|dynamodb:(GetItem|Query|Scan|BatchGetItem)|kms:(Decrypt|GenerateDataKey)/,
      );
    }
  });

  test("state: list the bucket, read this environment's state keys, take the lock, use the state key through S3/DynamoDB", () => {
    expect(sid(json, doc, "ListStateBucket")).toMatchObject({ actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::authorworks-terraform-state"] });
    expect(sid(json, doc, "ReadState")).toMatchObject({
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::authorworks-terraform-state/staging/*", "arn:aws:s3:::authorworks-terraform-state/staging-platform/*"],
    });
    expect(sid(json, doc, "StateLock")).toMatchObject({
      actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/authorworks-terraform-locks"],
    });
    const key = sid(json, doc, "StateKey");
    expect(key.resources).toEqual(["arn:aws:kms:us-east-1:123456789012:key/*"]);
    expect(condition(key, "kms:ResourceAliases")).toEqual({
      test: "ForAnyValue:StringEquals",
      variable: "kms:ResourceAliases",
      values: ["alias/authorworks-terraform-state"],
    });
    expect(condition(key, "kms:ViaService").values).toEqual(["s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"]);
  });

  test("production reads production state only; an explicit state key replaces the alias match", () => {
    const j = synth({ state: { ...STATE, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/state" } }, undefined, RENAMED.production);
    expect(sid(j, doc, "ReadState").resources).toEqual([
      "arn:aws:s3:::authorworks-terraform-state/production/*",
      "arn:aws:s3:::authorworks-terraform-state/production-platform/*",
    ]);
    const key = sid(j, doc, "StateKey");
    expect(key.resources).toEqual(["arn:aws:kms:us-east-1:123456789012:key/state"]);
    expect(key.condition.map((c: Json) => c.variable)).toEqual(["kms:ViaService"]);
  });

  test("secret values: only the secrets Terraform manages versions of (the cache token), in their own policy", () => {
    expect(allActions(json, doc)).not.toContain("secretsmanager:GetSecretValue");
    const secretsDoc = "security_github_plan_secrets_document";
    expect(resource(json, "aws_iam_role_policy", "security_github_plan_secrets")).toEqual({
      name: "authorworks-staging-github-plan-secrets",
      role: "${aws_iam_role.security_github_plan_role.id}",
      policy: "${data.aws_iam_policy_document.security_github_plan_secrets_document.json}",
    });
    expect(sid(json, secretsDoc, "ReadManagedSecretVersions")).toMatchObject({ actions: ["secretsmanager:GetSecretValue"], resources: [CACHE_SECRET] });
    const decrypt = sid(json, secretsDoc, "DecryptManagedSecretVersions");
    expect(decrypt.actions).toEqual(["kms:Decrypt"]);
    expect(decrypt.resources).toEqual([SECRETS_KEY]);
    expect(condition(decrypt, "kms:ViaService").values).toEqual(["secretsmanager.us-east-1.amazonaws.com"]);
  });

  test("no managed secret versions: no secret values at all", () => {
    const none = synth({ planSecretArns: [] });
    expect(resourcesOf(none, "aws_iam_role_policy").security_github_plan_secrets).toBeUndefined();
    expect(dataOf(none, "aws_iam_policy_document").security_github_plan_secrets_document).toBeUndefined();
    const planDocs = Object.entries(dataOf(none, "aws_iam_policy_document")).filter(([id]) => id.startsWith("security_github_plan"));
    expect(planDocs.map(([id]) => id).sort()).toEqual(["security_github_plan_policy_document", "security_github_plan_trust"]);
    expect(JSON.stringify(planDocs)).not.toContain("GetSecretValue");
  });

  test("without S3 state (Terraform Cloud) no state statements", () => {
    const j = synth({ state: undefined });
    expect(statements(j, doc).map((s) => s.sid)).toEqual(["ReadConfiguration", "ReadPublicParameters"]);
    expect(statements(j, "security_github_apply_policy_document").map((s) => s.sid)).not.toContain("DenyOtherEnvironmentsState");
  });
});

describe("apply role permissions", () => {
  const json = synth();
  const doc = "security_github_apply_policy_document";
  const boundaryRef = "${aws_iam_policy.security_boundary_policy.arn}";

  test("PowerUserAccess plus an inline IAM policy", () => {
    expect(resource(json, "aws_iam_role_policy_attachment", "security_github_apply_power_user")).toEqual({
      role: "${aws_iam_role.security_github_apply_role.name}",
      policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess",
    });
    expect(resource(json, "aws_iam_role_policy", "security_github_apply_policy").role).toBe("${aws_iam_role.security_github_apply_role.id}");
    expect(resource(json, "aws_iam_role", "security_github_apply_role").max_session_duration).toBe(7200);
  });

  test("roles it creates or changes must carry the boundary, and only the project's roles", () => {
    const stmt = sid(json, doc, "ChangeProjectRolesWithBoundary");
    expect(stmt.effect).toBe("Allow");
    expect(stmt.actions).toEqual(expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"]));
    expect(stmt.resources).toEqual(["arn:aws:iam::123456789012:role/authorworks-staging-*"]);
    expect(stmt.condition).toEqual([{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundaryRef] }]);
    // No other allow statement grants a boundary-conditioned action.
    const others = statements(json, doc).filter((s) => s.effect === "Allow" && s.sid !== "ChangeProjectRolesWithBoundary");
    for (const s of others)
      for (const a of s.actions) expect(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"]).not.toContain(a);
    expect(sid(json, doc, "MaintainProjectRoles").resources).toEqual(["arn:aws:iam::123456789012:role/authorworks-staging-*"]);
    expect(sid(json, doc, "MaintainProjectPolicies").resources).toEqual(["arn:aws:iam::123456789012:policy/authorworks-staging-*"]);
  });

  test("cannot edit or remove the boundary, nor change the CI roles themselves", () => {
    expect(sid(json, doc, "DenyBoundaryEdits")).toMatchObject({
      effect: "Deny",
      actions: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      resources: [BOUNDARY_SELF],
    });
    expect(sid(json, doc, "DenyBoundaryRemoval")).toMatchObject({ effect: "Deny", resources: ["*"] });
    expect(sid(json, doc, "DenyBoundaryRemoval").actions).toContain("iam:DeleteRolePermissionsBoundary");
    const ci = sid(json, doc, "DenyCiRoleChanges");
    expect(ci.effect).toBe("Deny");
    expect(ci.resources).toEqual([
      "arn:aws:iam::123456789012:role/authorworks-staging-github-plan",
      "arn:aws:iam::123456789012:role/authorworks-staging-github-apply",
    ]);
    expect(ci.actions).toEqual(expect.arrayContaining(["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole"]));
  });

  test.each([
    [ENV, ["dev", "dev-platform", "production", "production-platform", "production-dr", "production-dr-platform", "bootstrap"]],
    [RENAMED.dev, ["staging", "staging-platform", "production", "production-platform", "production-dr", "production-dr-platform", "bootstrap"]],
    [RENAMED.production, ["dev", "dev-platform", "staging", "staging-platform", "production-dr", "production-dr-platform", "bootstrap"]],
  ] as const)("$name cannot touch other environments' state", (env, others) => {
    const stmt = sid(synth({}, undefined, env), doc, "DenyOtherEnvironmentsState");
    expect(stmt.effect).toBe("Deny");
    expect(stmt.resources).toEqual(others.map((o) => `arn:aws:s3:::authorworks-terraform-state/${o}/*`));
    expect(stmt.resources.join()).not.toContain(`/${env.name}/`);
  });
});

describe("permissions boundary", () => {
  const json = synth();
  const doc = "security_boundary_document";

  test("a managed policy <namePrefix>-boundary", () => {
    expect(resource(json, "aws_iam_policy", "security_boundary_policy")).toMatchObject({
      name: "authorworks-staging-boundary",
      policy: "${data.aws_iam_policy_document.security_boundary_document.json}",
    });
  });

  test("denies creating or changing roles and users without this boundary", () => {
    const stmt = sid(json, doc, "DenyRoleChangesWithoutBoundary");
    expect(stmt).toMatchObject({ effect: "Deny", resources: ["*"], actions: [...BOUNDARY_REQUIRED_ACTIONS] });
    expect(stmt.actions).toEqual(
      expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:CreateUser"]),
    );
    expect(stmt.condition).toEqual([{ test: "StringNotEquals", variable: "iam:PermissionsBoundary", values: [BOUNDARY_SELF] }]);
  });

  test("denies editing, deleting and removing the boundary", () => {
    expect(sid(json, doc, "DenyBoundaryEdits")).toMatchObject({ effect: "Deny", resources: [BOUNDARY_SELF] });
    expect(sid(json, doc, "DenyBoundaryEdits").actions).toEqual(
      expect.arrayContaining(["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"]),
    );
    expect(sid(json, doc, "DenyBoundaryRemoval")).toMatchObject({
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
      resources: ["*"],
    });
  });

  test("denies other regions except global services; the extra regions are allowed", () => {
    const stmt = sid(json, doc, "DenyOtherRegions");
    expect(stmt.effect).toBe("Deny");
    expect(stmt.actions).toBeUndefined();
    expect(stmt.not_actions).toEqual([...GLOBAL_ACTIONS]);
    expect(stmt.not_actions).toEqual(expect.arrayContaining(["iam:*", "sts:*", "cloudfront:*", "route53:*"]));
    // The environment's region, us-east-1 (listed once) and the fixture's DR region.
    expect(stmt.condition).toEqual([{ test: "StringNotEquals", variable: "aws:RequestedRegion", values: ["us-east-1", "eu-north-1"] }]);
    const prod = synthWith(
      (stack) => new Security(stack, "security", propsFor(ENV, { additionalRegions: ["us-east-1", "us-west-2"] }, { ...TEST_AWS, region: "eu-west-1" })),
    );
    expect(condition(sid(prod, doc, "DenyOtherRegions"), "aws:RequestedRegion").values).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
  });

  test("denies switching off CloudTrail, GuardDuty and Security Hub", () => {
    const stmt = sid(json, doc, "DenySecurityTampering");
    expect(stmt).toMatchObject({ effect: "Deny", resources: ["*"], actions: [...SECURITY_TAMPERING_ACTIONS] });
    expect(stmt.actions).toEqual(
      expect.arrayContaining([
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "guardduty:DeleteDetector",
        "guardduty:UpdateDetector",
        "securityhub:DisableSecurityHub",
        "securityhub:BatchDisableStandards",
      ]),
    );
  });

  test("allows what the platform needs, never IAM writes beyond workload needs, PassRole only for project roles", () => {
    const allowed = allActions(json, doc);
    expect(allowed).toEqual(expect.arrayContaining(["s3:*", "rds-db:connect", "eks:*", "ecr:*", "secretsmanager:GetSecretValue", "kms:Decrypt"]));
    expect(allowed).not.toContain("*");
    expect(allowed.filter((a) => a.startsWith("iam:") && /Create(Role|User|Policy)|Put|Attach|Delete(Role|Policy)|UpdateAssumeRolePolicy/.test(a))).toEqual([]);
    expect(allowed).not.toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion"]));
    expect(sid(json, doc, "AllowPassingProjectRoles")).toMatchObject({
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::123456789012:role/authorworks-staging-*"],
    });
  });

  test("fits the 6,144-character limit of a managed policy, with secret rotation allowed", () => {
    // What IAM counts: the policy JSON without whitespace. Tokens are short here, as in real ARNs.
    const largest = synth({}, (s) => s.allowSecretRotation());
    expect(sid(largest, doc, "AllowSecretRotation")).toBeDefined();
    const stmts = statements(largest, doc).map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      Action: s.actions,
      NotAction: s.not_actions,
      Resource: s.resources,
      Condition: s.condition?.map((c: Json) => ({ [c.test]: { [c.variable]: c.values } })),
    }));
    expect(JSON.stringify({ Version: "2012-10-17", Statement: stmts }).length).toBeLessThan(6144);
  });

  test("its ARN is an output other modules pass as permissionsBoundary", () => {
    const j = synth({}, (s, stack) => {
      new TerraformOutput(stack, "boundary", { value: s.permissionsBoundaryArn });
      new ServiceRole(stack, "bounded", {
        name: "authorworks-staging-x",
        description: "x",
        service: "ec2.amazonaws.com",
        permissionsBoundary: s.permissionsBoundaryArn,
      });
    });
    expect(j.output.boundary.value).toBe("${aws_iam_policy.security_boundary_policy.arn}");
    expect(resource(j, "aws_iam_role", "bounded_role").permissions_boundary).toBe("${aws_iam_policy.security_boundary_policy.arn}");
  });
});

describe("permissions boundary: secret rotation (modules/rds MasterSecretRotation)", () => {
  const doc = "security_boundary_document";
  const sids = (j: Json) => statements(j, doc).map((st: Json) => st.sid);

  test("not allowed until asked: bounded roles read secrets, never write them", () => {
    const json = synth();
    expect(sids(json)).not.toContain("AllowSecretRotation");
    expect(allActions(json, doc).filter((a) => a.startsWith("secretsmanager:"))).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
  });

  test("allowSecretRotation: Put/UpdateSecretVersionStage on <namePrefix>-* secrets only, GetRandomPassword, before the denies; idempotent", () => {
    const json = synth({}, (s) => {
      s.allowSecretRotation();
      s.allowSecretRotation();
    });
    expect(sid(json, doc, "AllowSecretRotation")).toEqual({
      sid: "AllowSecretRotation",
      effect: "Allow",
      actions: [...SECRET_ROTATION_ACTIONS],
      resources: ["arn:aws:secretsmanager:*:123456789012:secret:authorworks-staging-*"],
    });
    expect(SECRET_ROTATION_ACTIONS).toEqual(["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]);
    expect(sid(json, doc, "AllowRandomPasswords")).toEqual({
      sid: "AllowRandomPasswords",
      effect: "Allow",
      actions: ["secretsmanager:GetRandomPassword"],
      resources: ["*"],
    });
    const order = sids(json);
    expect(order.filter((x: string) => x === "AllowSecretRotation")).toHaveLength(1);
    expect(order.indexOf("AllowRandomPasswords")).toBeLessThan(order.indexOf("DenyRoleChangesWithoutBoundary"));
    // Everything else as without it.
    const without = synth();
    expect(statements(json, doc).filter((st: Json) => !["AllowSecretRotation", "AllowRandomPasswords"].includes(st.sid))).toEqual(statements(without, doc));
  });

  test("and the plan role reads the environment's functions (<namePrefix>-*) and their permissions, in a policy of its own", () => {
    expect(resourcesOf(synth(), "aws_iam_role_policy").security_github_plan_functions).toBeUndefined();
    const json = synth({}, (s) => {
      s.allowSecretRotation();
      s.allowSecretRotation();
    });
    expect(statements(json, "security_github_plan_functions_document")).toEqual([
      {
        sid: "ReadProjectFunctions",
        effect: "Allow",
        actions: [...PLAN_FUNCTION_READ_ACTIONS],
        resources: ["arn:aws:lambda:us-east-1:123456789012:function:authorworks-staging-*"],
      },
    ]);
    expect(PLAN_FUNCTION_READ_ACTIONS).toEqual([
      "lambda:GetFunction",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:ListVersionsByFunction",
      "lambda:GetPolicy",
    ]);
    expect(resource(json, "aws_iam_role_policy", "security_github_plan_functions")).toEqual({
      name: "authorworks-staging-github-plan-functions",
      role: "${aws_iam_role.security_github_plan_role.id}",
      policy: "${data.aws_iam_policy_document.security_github_plan_functions_document.json}",
    });
  });
});

describe("late binding (databases and cache are built after the boundary exists)", () => {
  test("rotateManagedSecrets and allowPlanToReadSecrets after construction give the same resources", () => {
    const late = synth({ databaseSecretArns: undefined, planSecretArns: undefined }, (s) => {
      s.rotateManagedSecrets({ user: DB_SECRETS.user });
      s.rotateManagedSecrets({ content: DB_SECRETS.content });
      s.allowPlanToReadSecrets([CACHE_SECRET]);
      s.allowPlanToReadSecrets(["arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf", CACHE_SECRET]);
    });
    const rotations = resourcesOf(late, "aws_secretsmanager_secret_rotation");
    expect(Object.keys(rotations).sort()).toEqual(["security_rds_secret_rotation_content", "security_rds_secret_rotation_user"]);
    expect(rotations.security_rds_secret_rotation_content).toEqual({
      secret_id: DB_SECRETS.content,
      rotation_rules: { automatically_after_days: 45 },
      rotate_immediately: false,
    });
    expect(sid(late, "security_github_plan_secrets_document", "ReadManagedSecretVersions").resources).toEqual([
      CACHE_SECRET,
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf",
    ]);
    expect(Object.keys(resourcesOf(late, "aws_iam_role_policy")).filter((k) => k.includes("plan_secrets"))).toEqual(["security_github_plan_secrets"]);
  });

  test("a secret gets one schedule only", () => {
    expect(() => synth({}, (s) => s.rotateManagedSecrets({ user: DB_SECRETS.user }))).toThrow(/"user" already has a rotation schedule/);
  });
});

describe("outputs", () => {
  test("secret ARNs by path, role ARNs and names, provider ARN", () => {
    const j = synth({}, (s, stack) => {
      new TerraformOutput(stack, "secrets", { value: s.secretArns });
      new TerraformOutput(stack, "roles", {
        value: { plan: s.planRoleArn, apply: s.applyRoleArn, planName: s.planRoleName, applyName: s.applyRoleName, oidc: s.oidcProviderArn },
      });
    });
    expect(j.output.secrets.value).toEqual(
      Object.fromEntries(SECRETS.map((d) => [d.path, `\${aws_secretsmanager_secret.security_secrets_${d.path.replace(/[^a-z0-9]+/g, "_")}.arn}`])),
    );
    expect(j.output.roles.value).toEqual({
      plan: "${aws_iam_role.security_github_plan_role.arn}",
      apply: "${aws_iam_role.security_github_apply_role.arn}",
      planName: "${aws_iam_role.security_github_plan_role.name}",
      applyName: "${aws_iam_role.security_github_apply_role.name}",
      oidc: "${aws_iam_openid_connect_provider.security_github_oidc_provider.arn}",
    });
  });

  test("only the expected policy documents exist (nothing hand-written)", () => {
    expect(Object.keys(dataOf(synth(), "aws_iam_policy_document")).sort()).toEqual([
      "security_boundary_document",
      "security_github_apply_policy_document",
      "security_github_apply_trust",
      "security_github_plan_policy_document",
      "security_github_plan_secrets_document",
      "security_github_plan_trust",
    ]);
  });
});
