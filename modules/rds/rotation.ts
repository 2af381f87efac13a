/**
 * Automatic rotation of the databases' master secrets (`<identifier>/master`, Terraform's:
 * ./database.ts) every `rotationDays`: one Lambda function per environment (./rotation/,
 * bundled at synth) that Secrets Manager calls for each secret, and one rotation schedule
 * per secret. The function sets the new password on the instance itself (`ALTER ROLE`,
 * signed in with the current one), so Terraform's `password_wo` is left alone: it is sent
 * only when `database.masterPasswordVersion` changes (README "Master password").
 */
import { Construct } from "constructs";
import { TerraformAsset, AssetType } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { POSTGRES_PORT, SECRETS_MANAGER_ROTATION_DAYS, serviceEndpoint } from "../../variables/aws-catalog";
import type { StackContext } from "../context";
import { PolicyStatement, ServiceRole, arnPrefix } from "../iam";
import type { PostgresDatabase } from "./database";
import { ROTATION_HANDLER, ROTATION_RUNTIME, rotationBundle } from "./rotation/bundle";

/** Lambda's service principal (Lambda Developer Guide, "Defining Lambda function permissions with an execution role"). */
const LAMBDA_PRINCIPAL = "lambda.amazonaws.com";
/** Secrets Manager's service principal, which invokes rotation functions (Secrets Manager User Guide, "Permissions for rotation"). */
const SECRETS_MANAGER_PRINCIPAL = "secretsmanager.amazonaws.com";
/**
 * Seconds one step may take: three sign-ins of 5 s and two statements at most (./rotation/lambda.ts),
 * with room for a cold start in the VPC. Secrets Manager waits for each step.
 */
export const ROTATION_TIMEOUT_SECONDS = 60;
/** Memory of the function (MB): a Node.js process with pg. */
export const ROTATION_MEMORY_MB = 256;

/** Where the master secret's rotated password goes: the KMS key of its replica in another region. */
export interface RotationReplicaKey {
  readonly region: string;
  readonly kmsKeyArn: string;
}

export interface MasterSecretRotationProps {
  /** `namePrefix` (function, role, group names), `aws`, `keys.secrets` (the secrets), `keys.logs` and `logRetentionDays` (its log group). */
  readonly context: StackContext;
  /** The databases whose master secrets it rotates: those with a secret of their own (`masterSecret`; a replica has none). */
  readonly databases: readonly PostgresDatabase[];
  /** Days between rotations (`security.secretRotationDays`; a whole number, 1-1000: Secrets Manager's `AutomaticallyAfterDays`). */
  readonly rotationDays: number;
  /** The VPC of the databases. */
  readonly vpcId: string;
  /** Subnets of the function: the private ones (a route to Secrets Manager through NAT, and to the database subnets). */
  readonly subnetIds: readonly string[];
  /** The databases' security group: it gets an ingress rule on 5432 from the function's group. */
  readonly databaseSecurityGroupId: string;
  /** The master secrets' replica key (`masterSecretReplica` of ServiceDatabases): Secrets Manager re-encrypts every new version with it as the function. @default no replica */
  readonly replica?: RotationReplicaKey;
}

/** One rotation function for every master secret of the environment, and a schedule per secret. */
export class MasterSecretRotation extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: ServiceRole;
  public readonly securityGroup: SecurityGroup;
  public readonly logGroup: CloudwatchLogGroup;
  /** The package (`index.js` with pg), copied into the stack's `assets/`. */
  public readonly asset: TerraformAsset;
  /** Rotation schedules by service. */
  public readonly rotations: Readonly<Record<string, SecretsmanagerSecretRotation>>;
  /** Invoke permissions of Secrets Manager by service (one per secret, `aws:SourceArn` = the secret). */
  public readonly permissions: Readonly<Record<string, LambdaPermission>>;

  constructor(scope: Construct, id: string, props: MasterSecretRotationProps) {
    super(scope, id);
    const { context, rotationDays } = props;
    const { aws, namePrefix, keys } = context;
    const days = rotationDays;
    if (!Number.isInteger(days) || days < SECRETS_MANAGER_ROTATION_DAYS.min || days > SECRETS_MANAGER_ROTATION_DAYS.max) {
      throw new Error(
        `rds: rotationDays ${days}: Secrets Manager accepts a whole number from ${SECRETS_MANAGER_ROTATION_DAYS.min} to ${SECRETS_MANAGER_ROTATION_DAYS.max}`,
      );
    }
    const databases = props.databases.map((d) => {
      if (!d.masterSecret || !d.masterSecretValue) throw new Error(`rds: ${d.identifier} has no master secret of its own (a replica): nothing to rotate`);
      return { db: d, secret: d.masterSecret, value: d.masterSecretValue };
    });
    if (databases.length === 0) throw new Error("rds: MasterSecretRotation needs at least one database with a master secret");
    if (props.subnetIds.length === 0) throw new Error("rds: MasterSecretRotation needs the private subnets");
    const name = `${namePrefix}-master-secret-rotation`;
    const tags = { Name: name };

    const bundle = rotationBundle();
    this.asset = new TerraformAsset(this, "bundle", { path: bundle.zipPath, type: AssetType.FILE, assetHash: bundle.sha256Hex.slice(0, 32) });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${name}`,
      retentionInDays: context.logRetentionDays,
      kmsKeyId: keys.logs.arn,
      tags,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: `${name}: Lambda rotating the database master passwords`,
      vpcId: props.vpcId,
      tags,
    });
    const rule = { securityGroupId: this.securityGroup.id, ipProtocol: "tcp" };
    // Secrets Manager through the NAT gateways; DNS goes to the VPC resolver, which security groups do not filter.
    new VpcSecurityGroupEgressRule(this, "egress-https", {
      ...rule,
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS to Secrets Manager",
      tags: { Name: `${name}-egress-https` },
    });
    const toDatabases = new VpcSecurityGroupEgressRule(this, "egress-postgres", {
      ...rule,
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: props.databaseSecurityGroupId,
      description: "PostgreSQL to the database instances",
      tags: { Name: `${name}-egress-postgres` },
    });
    const fromFunction = new VpcSecurityGroupIngressRule(this, "database-ingress", {
      securityGroupId: props.databaseSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: this.securityGroup.id,
      description: `PostgreSQL from ${name}`,
      tags: { Name: `${name}-to-postgres` },
    });

    const ec2 = arnPrefix(aws, "ec2");
    const subnetArns = props.subnetIds.map((s) => `${ec2}:subnet/${s}`);
    const inVpc = { test: "ArnEquals", variable: "ec2:Vpc", values: [`${ec2}:vpc/${props.vpcId}`] };
    const secretArns = databases.map((d) => d.secret.arn);
    const viaSecretsManager = [aws.region, ...(props.replica ? [props.replica.region] : [])].map((r) => serviceEndpoint("secretsmanager", r));
    const statements: PolicyStatement[] = [
      {
        sid: "RotateMasterSecrets",
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        resources: secretArns,
      },
      // GetRandomPassword has no resource (Service Authorization Reference, "AWS Secrets Manager").
      { sid: "RandomPasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
      {
        // The secrets key, and its replica's key: Secrets Manager encrypts the replicated version as the caller.
        sid: "SecretsKeys",
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: [keys.secrets.arn, ...(props.replica ? [props.replica.kmsKeyArn] : [])],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: viaSecretsManager }],
      },
      { sid: "Logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] },
      // What Lambda does with the execution role to attach the function to the VPC (Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC").
      { sid: "VpcDescribe", actions: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], resources: ["*"] },
      {
        sid: "VpcEnisCreate",
        actions: ["ec2:CreateNetworkInterface"],
        resources: [`${ec2}:network-interface/*`, ...subnetArns, `${ec2}:security-group/${this.securityGroup.id}`],
      },
      {
        sid: "VpcEnisManage",
        actions: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        resources: [`${ec2}:network-interface/*`],
        conditions: [inVpc],
      },
    ];
    this.role = new ServiceRole(this, "role", {
      name,
      description: `${name}: rotates the master secrets of ${databases.map((d) => d.db.service).join(", ")} and their passwords`,
      service: LAMBDA_PRINCIPAL,
      statements,
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: name,
      description: "Secrets Manager rotation of the database master passwords (single user, PostgreSQL)",
      role: this.role.arn,
      runtime: ROTATION_RUNTIME,
      handler: ROTATION_HANDLER,
      architectures: ["arm64"],
      filename: this.asset.path,
      sourceCodeHash: bundle.sha256Base64,
      timeout: ROTATION_TIMEOUT_SECONDS,
      memorySize: ROTATION_MEMORY_MB,
      // No reserved concurrency: a few invocations every secretRotationDays need none, and
      // reserving any fails in an account whose concurrency quota is 10 (Lambda keeps 10 unreserved).
      vpcConfig: { subnetIds: [...props.subnetIds], securityGroupIds: [this.securityGroup.id] },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      tags,
      // The role's policy before the function: Lambda checks the ENI permissions on create.
      dependsOn: [this.logGroup, ...(this.role.policy ? [this.role.policy] : [])],
    });

    const rotations: Record<string, SecretsmanagerSecretRotation> = {};
    const permissions: Record<string, LambdaPermission> = {};
    for (const { db, secret, value } of databases) {
      const permission = new LambdaPermission(this, `${db.service}-invoke`, {
        statementId: `secretsmanager-${db.service}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: SECRETS_MANAGER_PRINCIPAL,
        sourceAccount: aws.accountId,
        sourceArn: secret.arn,
      });
      permissions[db.service] = permission;
      rotations[db.service] = new SecretsmanagerSecretRotation(this, `${db.service}-rotation`, {
        secretId: secret.id,
        rotationLambdaArn: this.function.arn,
        rotationRules: { automaticallyAfterDays: days },
        // Not on the first apply (the instance may be new). Secrets Manager then runs testSecret
        // once on an AWSPENDING version it makes and removes, which signs in to the instance.
        rotateImmediately: false,
        dependsOn: [permission, value, db.instance, toDatabases, fromFunction],
      });
    }
    this.rotations = rotations;
    this.permissions = permissions;
  }
}
