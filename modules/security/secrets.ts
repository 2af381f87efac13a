/**
 * Application secrets (API keys, external-service credentials, signing keys) as empty
 * Secrets Manager secrets, and the rotation schedule of secrets AWS rotates itself
 * (the RDS-managed master user secrets).
 */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import type { AwsContext, PolicyStatement } from "../iam";
import { SECRETS_MANAGER_ROTATION_DAYS, serviceEndpoint } from "../../variables/aws-catalog";
import { PLATFORM_OWNER, SECRETS, SecretDefinition } from "../../variables/secrets";
import { SERVICE_NAMES } from "../../variables/services";
import { document, grantId, slug } from "./policy";

/** Lower-case path segments of letters, digits and hyphens separated by `/`. */
export const SECRET_PATH = /^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)*$/;

/** What reading one secret takes (DescribeSecret lets SDK caches check the version). */
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

export interface ApplicationSecretsProps {
  /** Prefix of every name, e.g. `authorworks-dev`: secrets are `<namePrefix>/<path>`. */
  readonly namePrefix: string;
  /** Account and region (the grants' `kms:ViaService` condition). */
  readonly aws: AwsContext;
  /** KMS key ARN of the secrets (the `secrets` data key of modules/kms). */
  readonly kmsKeyArn: string;
  /** Recovery window of a deleted secret (days, 7-30: Secrets Manager DeleteSecret). */
  readonly recoveryWindowDays: number;
  /** The secrets to create. @default SECRETS (variables/secrets.ts) */
  readonly definitions?: readonly SecretDefinition[];
}

/** One empty Secrets Manager secret per definition; values are put by operators. */
export class ApplicationSecrets extends Construct {
  /** Secrets by path (`payments/stripe-api-key`). */
  public readonly secrets: Readonly<Record<string, SecretsmanagerSecret>>;
  /** Secret ARNs by path. */
  public readonly arns: Readonly<Record<string, string>>;
  /** Full secret names by path (`authorworks-dev/payments/stripe-api-key`). */
  public readonly names: Readonly<Record<string, string>>;
  public readonly definitions: readonly SecretDefinition[];

  private readonly props: ApplicationSecretsProps;

  constructor(scope: Construct, id: string, props: ApplicationSecretsProps) {
    super(scope, id);
    this.props = props;
    this.definitions = props.definitions ?? SECRETS;
    checkDefinitions(this.definitions);

    const secrets: Record<string, SecretsmanagerSecret> = {};
    for (const def of this.definitions) {
      const name = `${props.namePrefix}/${def.path}`;
      // No aws_secretsmanager_secret_version: the value never passes through code or state.
      secrets[def.path] = new SecretsmanagerSecret(this, slug(def.path), {
        name,
        description: def.description,
        kmsKeyId: props.kmsKeyArn,
        recoveryWindowInDays: props.recoveryWindowDays,
        tags: { Name: name, Service: def.owner },
      });
    }
    this.secrets = secrets;
    this.arns = Object.fromEntries(Object.entries(secrets).map(([path, s]) => [path, s.arn]));
    this.names = Object.fromEntries(this.definitions.map((d) => [d.path, `${props.namePrefix}/${d.path}`]));
  }

  /**
   * Inline policy on `role`: read exactly one secret (GetSecretValue, DescribeSecret) and
   * decrypt it with the secrets key only through Secrets Manager and only for this secret
   * (encryption context `SecretARN`). Idempotent per role and secret.
   * @param secretName the path as in the catalogue (`payments/stripe-api-key`) or the full
   *   name (`authorworks-dev/payments/stripe-api-key`)
   */
  public grantRead(role: IamRole, secretName: string): IamRolePolicy {
    const prefix = `${this.props.namePrefix}/`;
    const secretPath = secretName.startsWith(prefix) ? secretName.slice(prefix.length) : secretName;
    const secret = this.secrets[secretPath];
    if (!secret) throw new Error(`unknown secret "${secretName}"; known: ${Object.keys(this.secrets).join(", ")}`);
    const id = grantId(role, `read-${slug(secretPath)}`);
    const existing = this.node.tryFindChild(id) as Construct | undefined;
    if (existing) return existing.node.findChild("policy") as IamRolePolicy;

    const scope = new Construct(this, id);
    const doc = document(scope, "document", secretReadStatements(secret.arn, this.props.kmsKeyArn, this.props.aws.region));
    return new IamRolePolicy(scope, "policy", { name: `secret-${slug(secretPath)}-read`, role: role.name, policy: doc.json });
  }
}

/** Least-privilege statements for reading one secret encrypted with `kmsKeyArn`. */
export function secretReadStatements(secretArn: string, kmsKeyArn: string, region: string): PolicyStatement[] {
  return [
    { sid: "ReadSecret", actions: [...SECRET_READ_ACTIONS], resources: [secretArn] },
    {
      sid: "DecryptThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [kmsKeyArn],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", region)] },
        // Secrets Manager puts the secret's ARN in the encryption context: this secret only.
        { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [secretArn] },
      ],
    },
  ];
}

function checkDefinitions(defs: readonly SecretDefinition[]): void {
  const seen = new Set<string>();
  for (const d of defs) {
    if (!SECRET_PATH.test(d.path)) throw new Error(`secret path "${d.path}": use lower-case segments of letters, digits and hyphens separated by "/"`);
    if (seen.has(d.path)) throw new Error(`secret path "${d.path}" is defined twice`);
    seen.add(d.path);
    for (const svc of [d.owner, ...(d.readers ?? [])]) {
      if (!SERVICE_NAMES.includes(svc) && svc !== PLATFORM_OWNER)
        throw new Error(`secret "${d.path}": unknown service "${svc}"; known: ${SERVICE_NAMES.join(", ")}`);
    }
  }
}

export interface ManagedSecretRotationProps {
  /** Days between rotations (Secrets Manager accepts 1-1000). */
  readonly rotationDays: number;
  /**
   * Secrets whose owning AWS service rotates them without a Lambda (managed rotation),
   * by a stable name: the RDS master user secrets by service
   * (`databases.instances[svc].masterUserSecretArn`). More can be added with `add`.
   * @default none
   */
  readonly secretArns?: Readonly<Record<string, string>>;
}

/**
 * The rotation schedule of managed secrets: `aws_secretsmanager_secret_rotation` with
 * `rotation_rules.automatically_after_days` and no `rotation_lambda_arn` (provider
 * support since v5.24, hashicorp/terraform-provider-aws#34180). RDS turns rotation on
 * with a 7-day schedule when it creates the secret; this sets the environment's period.
 */
export class ManagedSecretRotation extends Construct {
  public readonly rotationDays: number;
  private readonly byName: Record<string, SecretsmanagerSecretRotation> = {};

  constructor(scope: Construct, id: string, props: ManagedSecretRotationProps) {
    super(scope, id);
    const days = props.rotationDays;
    if (!Number.isInteger(days) || days < SECRETS_MANAGER_ROTATION_DAYS.min || days > SECRETS_MANAGER_ROTATION_DAYS.max) {
      throw new Error(
        `rotationDays ${days}: Secrets Manager accepts a whole number from ${SECRETS_MANAGER_ROTATION_DAYS.min} to ${SECRETS_MANAGER_ROTATION_DAYS.max}`,
      );
    }
    this.rotationDays = days;
    for (const [name, arn] of Object.entries(props.secretArns ?? {})) this.add(name, arn);
  }

  /** Rotation resources by name (service). */
  public get rotations(): Readonly<Record<string, SecretsmanagerSecretRotation>> {
    return { ...this.byName };
  }

  /** Sets the schedule of one managed secret; `name` (e.g. the service) becomes its construct id. */
  public add(name: string, secretArn: string): SecretsmanagerSecretRotation {
    if (this.byName[name]) throw new Error(`managed secret "${name}" already has a rotation schedule`);
    this.byName[name] = new SecretsmanagerSecretRotation(this, slug(name), {
      secretId: secretArn,
      rotationRules: { automaticallyAfterDays: this.rotationDays },
      // Changing the schedule must not rotate the master password on the spot (the
      // provider's default); the next rotation follows the new schedule.
      rotateImmediately: false,
    });
    return this.byName[name];
  }
}
