/**
 * The security layer of one environment: application secrets in Secrets Manager (no
 * values in code) and the rotation schedule of the secrets AWS rotates, GuardDuty and
 * Security Hub, the GitHub Actions OIDC sign-in with plan and apply roles, and the
 * permissions boundary of every role the project creates. The KMS keys live in
 * modules/kms; this module uses the secrets key of the StackContext.
 */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { StackContext } from "../context";
import type { SecretDefinition } from "../../variables/secrets";
import { PermissionsBoundary } from "./boundary";
import { GuardDuty, GuardDutyProps, SecurityHub } from "./detection";
import { GithubDeployRoles, TerraformStateAccess } from "./github";
import { ApplicationSecrets, ManagedSecretRotation, SecretReplica } from "./secrets";

export * from "./boundary";
export * from "./detection";
export * from "./github";
export * from "./secrets";

export interface SecurityProps {
  /**
   * The environment: `environment` (GitHub trust subjects, state paths), `namePrefix`
   * (secret, role and boundary names), `aws` (ARNs, KMS and region conditions) and
   * `keys.secrets` (the application secrets; the plan role decrypts through Secrets Manager).
   */
  readonly context: StackContext;
  /** Recovery window of deleted secrets (days, 7-30: Secrets Manager DeleteSecret). */
  readonly secretRecoveryWindowDays: number;
  /** Days between rotations of the secrets AWS rotates (`env.security.secretRotationDays`, 1-1000). */
  readonly secretRotationDays: number;
  /**
   * Secrets an AWS service rotates itself (managed rotation, no Lambda), by a stable name:
   * their rotation schedule is set to `secretRotationDays`. None at present: the database
   * master secrets are Terraform's, rotated by a function of ours (modules/rds `MasterSecretRotation`).
   * When such secrets are built after this construct, call `rotateManagedSecrets` instead.
   * @default none
   */
  readonly databaseSecretArns?: Readonly<Record<string, string>>;
  /** GuardDuty detector with S3, EKS and RDS protection (`env.security.guardDuty`). */
  readonly guardDuty: boolean;
  /** Security Hub with the Foundational Security Best Practices standard (`env.security.securityHub`). */
  readonly securityHub: boolean;
  /** Detector options. @default FIFTEEN_MINUTES publishing, RDS login events on, malware protection off */
  readonly guardDutyOptions?: GuardDutyProps;
  /** GitHub repository `owner/name` whose workflows may deploy (`env.security.githubRepository`). */
  readonly githubRepository: string;
  /** Branch whose jobs may apply (`env.security.deployBranch`). */
  readonly deployBranch: string;
  /** Existing GitHub OIDC provider of the account. @default one is created (one per account: see README) */
  readonly githubOidcProviderArn?: string;
  /** Terraform state (bucket, lock table, region) the CI roles use. @default none (Terraform Cloud) */
  readonly state?: TerraformStateAccess;
  /**
   * Regions other than `aws.region` that the boundary lets roles act in: us-east-1 for
   * CloudFront certificates, CLOUDFRONT WAF and DNSSEC keys, and the DR region.
   * @default none
   */
  readonly additionalRegions?: readonly string[];
  /**
   * Secrets whose value the plan role must read because Terraform manages a version of
   * them (the cache AUTH token), encrypted with `context.keys.secrets`; or call
   * `allowPlanToReadSecrets` later. @default none
   */
  readonly planSecretArns?: readonly string[];
  /** Roles in other accounts the stacks' providers assume (GithubDeployRoles `planAssumableRoleArns`). @default none */
  readonly planAssumableRoleArns?: readonly string[];
  /** The application secrets. @default SECRETS (variables/secrets.ts) */
  readonly secrets?: readonly SecretDefinition[];
  /** Replicas of application secrets in the DR region (`ApplicationSecretsProps.replica`). @default none */
  readonly secretReplica?: SecretReplica;
  /** Deny-only policies bounded roles may attach to project roles (PermissionsBoundaryProps `restrictionPolicyNames`). @default none */
  readonly restrictionPolicyNames?: readonly string[];
}

/** Secrets, rotation, threat detection, CI roles and the permissions boundary of one environment. */
export class Security extends Construct {
  public readonly secrets: ApplicationSecrets;
  public readonly rotation: ManagedSecretRotation;
  public readonly guardDuty?: GuardDuty;
  public readonly securityHub?: SecurityHub;
  public readonly boundary: PermissionsBoundary;
  public readonly github: GithubDeployRoles;

  /** Application secret ARNs by path (`payments/stripe-api-key`). */
  public readonly secretArns: Readonly<Record<string, string>>;
  /** GuardDuty detector id, when enabled. */
  public readonly detectorId?: string;
  public readonly oidcProviderArn: string;
  public readonly planRoleArn: string;
  public readonly applyRoleArn: string;
  /** Role names, for EKS access entries (plan: view, apply: cluster admin). */
  public readonly planRoleName: string;
  public readonly applyRoleName: string;
  /** Give this as `permissionsBoundary` to every role the project creates. */
  public readonly permissionsBoundaryArn: string;

  constructor(scope: Construct, id: string, props: SecurityProps) {
    super(scope, id);
    const { environment, namePrefix: prefix, aws, keys } = props.context;

    this.secrets = new ApplicationSecrets(this, "secrets", {
      namePrefix: prefix,
      aws,
      kmsKeyArn: keys.secrets.arn,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      definitions: props.secrets,
      replica: props.secretReplica,
    });
    this.rotation = new ManagedSecretRotation(this, "rds-secret-rotation", {
      secretArns: props.databaseSecretArns,
      rotationDays: props.secretRotationDays,
    });

    if (props.guardDuty) this.guardDuty = new GuardDuty(this, "guardduty", props.guardDutyOptions);
    if (props.securityHub) this.securityHub = new SecurityHub(this, "security-hub", { aws });

    this.boundary = new PermissionsBoundary(this, "boundary", {
      namePrefix: prefix,
      aws,
      regions: [aws.region, ...(props.additionalRegions ?? [])],
      restrictionPolicyNames: props.restrictionPolicyNames,
    });
    this.github = new GithubDeployRoles(this, "github", {
      environment,
      namePrefix: prefix,
      aws,
      repository: props.githubRepository,
      deployBranch: props.deployBranch,
      oidcProviderArn: props.githubOidcProviderArn,
      state: props.state,
      permissionsBoundaryArn: this.boundary.arn,
      permissionsBoundaryName: this.boundary.name,
      secretsKeyArn: keys.secrets.arn,
      planSecretArns: props.planSecretArns,
      planAssumableRoleArns: props.planAssumableRoleArns,
    });

    this.secretArns = this.secrets.arns;
    this.detectorId = this.guardDuty?.detectorId;
    this.oidcProviderArn = this.github.oidcProviderArn;
    this.planRoleArn = this.github.planRole.arn;
    this.applyRoleArn = this.github.applyRole.arn;
    this.planRoleName = this.github.planRole.name;
    this.applyRoleName = this.github.applyRole.name;
    this.permissionsBoundaryArn = this.boundary.arn;
  }

  /**
   * Sets the rotation schedule (`secretRotationDays`) of secrets AWS rotates itself, by
   * a stable name: `security.rotateManagedSecrets({ <name>: <secret ARN>, ... })`.
   */
  public rotateManagedSecrets(secretArns: Readonly<Record<string, string>>): void {
    for (const [name, arn] of Object.entries(secretArns)) this.rotation.add(name, arn);
  }

  /**
   * For a secret rotation function of the environment (modules/rds `MasterSecretRotation`):
   * bounded roles may rotate its `<namePrefix>-*` secrets (`PermissionsBoundary.allowSecretRotation`)
   * and the plan role may read its functions (`GithubDeployRoles.allowPlanToReadFunctions`).
   */
  public allowSecretRotation(): void {
    this.boundary.allowSecretRotation();
    this.github.allowPlanToReadFunctions();
  }

  /** Lets the plan role read secrets a plan reads, encrypted with `keyArn` (see `GithubDeployRoles.allowPlanToReadSecrets`). @default the environment's secrets key */
  public allowPlanToReadSecrets(secretArns: readonly string[], keyArn?: string): void {
    this.github.allowPlanToReadSecrets(secretArns, keyArn);
  }

  /** Inline policy on `role`: read one application secret (see `ApplicationSecrets.grantRead`). */
  public grantRead(role: IamRole, secretName: string): IamRolePolicy {
    return this.secrets.grantRead(role, secretName);
  }
}
