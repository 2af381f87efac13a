/**
 * Application secrets (API keys, external-service credentials, signing keys) as empty
 * Secrets Manager secrets, and the rotation schedule of secrets AWS rotates itself
 * (managed rotation; none at present: the database master secrets are Terraform's, modules/rds). Each secret is an `ISecret`; another stack
 * imports one by name (`ApplicationSecret.fromSecretName`) with the same grant.
 */
import { Construct } from "constructs";
import { DataAwsSecretsmanagerSecret } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { AwsContext, PolicyStatement, arnPrefix } from "../iam";
import { inlineGrant } from "../iam/grant";
import { IKey, keyServiceUseStatement } from "../kms";
import { SECRETS_MANAGER_ROTATION_DAYS } from "../../variables/aws-catalog";
import { PLATFORM_OWNER, SECRETS, SECRET_PATH, SecretDefinition } from "../../variables/secrets";
import { SERVICE_NAMES } from "../../variables/services";
import { slug } from "./policy";

export { SECRET_PATH } from "../../variables/secrets";

/** What reading one secret takes (DescribeSecret lets SDK caches check the version). */
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

/**
 * The ARN pattern of a secret by its name, in `aws`'s region and account: Secrets Manager ends
 * every secret's ARN with a hyphen and 6 random characters, which `-??????` matches and
 * nothing longer, so no other secret whose name starts the same (Secrets Manager User Guide,
 * "Permissions policy examples": wildcards in secret ARNs).
 */
export function secretNameArn(aws: AwsContext, name: string): string {
  return `${arnPrefix(aws, "secretsmanager")}:secret:${name}-??????`;
}

/** A Secrets Manager secret wherever it was made, with its read grant. */
export interface ISecret {
  /** Full secret name (`authorworks-dev/payments/stripe-api-key`). */
  readonly name: string;
  /** Secret ARN (with the random suffix Secrets Manager adds). */
  readonly arn: string;
  /**
   * Inline policy on `role`: read this secret (GetSecretValue, DescribeSecret) and decrypt
   * it with its key only through Secrets Manager and only for this secret (encryption
   * context `SecretARN`): `secretReadStatements`. Idempotent per role and secret.
   */
  grantRead(role: IamRole): IamRolePolicy;
}

/** What `ApplicationSecret.fromSecretName` needs. */
export interface SecretAttributes {
  /** Full secret name, e.g. `authorworks-dev/payments/stripe-api-key`. */
  readonly secretName: string;
  /** The key the secret is encrypted with (the `secrets` data key: `EncryptionKey.fromAliasName(..., names.kmsAlias(env, "secrets"))`). */
  readonly encryptionKey: IKey;
}

/** Where a secret's grants are made and how they are named; the owner and an import differ only in this. */
interface SecretGrantSite {
  /** The construct the grants are made under. */
  readonly scope: Construct;
  /** Construct-id suffix of the grant (`read-<path slug>`). */
  readonly what: string;
  /** Inline policy name (`secret-<slug>-read`). */
  readonly policyName: string;
  /** The key that encrypts the secret. */
  readonly key: { readonly arn: string; readonly region: string };
}

function grantSecretRead(secretArn: string, site: SecretGrantSite, role: IamRole): IamRolePolicy {
  return inlineGrant({
    scope: site.scope,
    role,
    what: site.what,
    policyName: site.policyName,
    statements: () => secretReadStatements(secretArn, site.key.arn, site.key.region),
  });
}

/**
 * One application secret of `ApplicationSecrets`: its resource, path and full name. Its
 * grants are made under the `ApplicationSecrets` construct (ids `grant-<role>-read-<path slug>`).
 */
export class ApplicationSecret implements ISecret {
  /**
   * A secret of another stack by its full name: an `aws_secretsmanager_secret` data source
   * (construct id `id`), so a plan fails while the secret does not exist; its ARN, suffix
   * included, is the lookup's. Grants are made under the data source, policy
   * `secret-<name slug>-read`.
   */
  public static fromSecretName(scope: Construct, id: string, attrs: SecretAttributes): ISecret {
    const lookup = new DataAwsSecretsmanagerSecret(scope, id, { name: attrs.secretName });
    const site: SecretGrantSite = { scope: lookup, what: "read", policyName: `secret-${slug(attrs.secretName)}-read`, key: attrs.encryptionKey };
    return { name: attrs.secretName, arn: lookup.arn, grantRead: (role) => grantSecretRead(lookup.arn, site, role) };
  }

  public readonly name: string;
  public readonly arn: string;

  constructor(
    public readonly resource: SecretsmanagerSecret,
    /** Path in the catalogue (`payments/stripe-api-key`). */
    public readonly path: string,
    private readonly site: SecretGrantSite,
  ) {
    this.name = resource.name;
    this.arn = resource.arn;
  }

  public grantRead(role: IamRole): IamRolePolicy {
    return grantSecretRead(this.arn, this.site, role);
  }
}

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
  /**
   * Replicas in another region (modules/dr): each secret of `paths` gets a `replica` block,
   * encrypted there with `kmsKeyArn` (a key of `region`). Secrets Manager keeps the replica's
   * name and value in step with the primary; it is read-only there until promoted.
   * @default no replica
   */
  readonly replica?: SecretReplica;
}

/** Where and which secrets `ApplicationSecrets` replicates. */
export interface SecretReplica {
  /** Region of the replicas (the environment's DR region). */
  readonly region: string;
  /** Key in `region` that encrypts the replicas (the `secrets` DR key). */
  readonly kmsKeyArn: string;
  /** Catalogue paths of the secrets to replicate. */
  readonly paths: readonly string[];
}

/** One empty Secrets Manager secret per definition; values are put by operators. */
export class ApplicationSecrets extends Construct {
  /** Secrets by path (`payments/stripe-api-key`). */
  public readonly secrets: Readonly<Record<string, SecretsmanagerSecret>>;
  /** The same secrets as `ISecret`s with their grants, by path. */
  public readonly bySecretPath: Readonly<Record<string, ApplicationSecret>>;
  /** Secret ARNs by path. */
  public readonly arns: Readonly<Record<string, string>>;
  /** Full secret names by path (`authorworks-dev/payments/stripe-api-key`). */
  public readonly names: Readonly<Record<string, string>>;
  public readonly definitions: readonly SecretDefinition[];

  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: ApplicationSecretsProps) {
    super(scope, id);
    this.namePrefix = props.namePrefix;
    this.definitions = props.definitions ?? SECRETS;
    checkDefinitions(this.definitions);

    const replica = props.replica;
    if (replica) checkReplica(replica, props.aws.region, this.definitions);
    const secrets: Record<string, SecretsmanagerSecret> = {};
    const bySecretPath: Record<string, ApplicationSecret> = {};
    const key = { arn: props.kmsKeyArn, region: props.aws.region };
    for (const def of this.definitions) {
      const name = `${props.namePrefix}/${def.path}`;
      // No aws_secretsmanager_secret_version: the value never passes through code or state.
      secrets[def.path] = new SecretsmanagerSecret(this, slug(def.path), {
        name,
        description: def.description,
        kmsKeyId: props.kmsKeyArn,
        recoveryWindowInDays: props.recoveryWindowDays,
        replica: replica?.paths.includes(def.path) ? [{ region: replica.region, kmsKeyId: replica.kmsKeyArn }] : undefined,
        tags: { Name: name, Service: def.owner },
      });
      const pathSlug = slug(def.path);
      bySecretPath[def.path] = new ApplicationSecret(secrets[def.path], def.path, {
        scope: this,
        what: `read-${pathSlug}`,
        policyName: `secret-${pathSlug}-read`,
        key,
      });
    }
    this.secrets = secrets;
    this.bySecretPath = bySecretPath;
    this.arns = Object.fromEntries(Object.entries(secrets).map(([path, s]) => [path, s.arn]));
    this.names = Object.fromEntries(this.definitions.map((d) => [d.path, `${props.namePrefix}/${d.path}`]));
  }

  /**
   * One secret with its grant.
   * @param secretName the path as in the catalogue (`payments/stripe-api-key`) or the full
   *   name (`authorworks-dev/payments/stripe-api-key`)
   */
  public secret(secretName: string): ApplicationSecret {
    const prefix = `${this.namePrefix}/`;
    const secretPath = secretName.startsWith(prefix) ? secretName.slice(prefix.length) : secretName;
    const secret = this.bySecretPath[secretPath];
    if (!secret) throw new Error(`unknown secret "${secretName}"; known: ${Object.keys(this.secrets).join(", ")}`);
    return secret;
  }

  /**
   * Inline policy on `role`: read exactly one secret (`ISecret.grantRead`). Idempotent per role and secret.
   * @param secretName the path or the full name, as for `secret`
   */
  public grantRead(role: IamRole, secretName: string): IamRolePolicy {
    return this.secret(secretName).grantRead(role);
  }
}

/** Least-privilege statements for reading one secret encrypted with `kmsKeyArn` (a key in `region`). */
export function secretReadStatements(secretArn: string, kmsKeyArn: string, region: string): PolicyStatement[] {
  return [
    { sid: "ReadSecret", actions: [...SECRET_READ_ACTIONS], resources: [secretArn] },
    keyServiceUseStatement(
      { arn: kmsKeyArn, region },
      {
        sid: "DecryptThroughSecretsManager",
        actions: ["kms:Decrypt"],
        service: "secretsmanager",
        // Secrets Manager puts the secret's ARN in the encryption context: this secret only.
        encryptionContext: { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [secretArn] },
      },
    ),
  ];
}

function checkReplica(replica: SecretReplica, region: string, defs: readonly SecretDefinition[]): void {
  if (replica.region === region) throw new Error(`secret replicas: region ${replica.region} is the secrets' own region`);
  const known = defs.map((d) => d.path);
  for (const p of replica.paths) {
    if (!known.includes(p)) throw new Error(`secret replicas: unknown secret "${p}"; known: ${known.join(", ")}`);
  }
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
   * by a stable name (e.g. RDS-managed master user secrets, `manage_master_user_password`,
   * which this project does not use: modules/rds). More can be added with `add`.
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
