/**
 * One service's PostgreSQL instance with everything that belongs to it: parameter
 * group, log groups, master user secret, and (optionally) an RDS Proxy in front of it.
 */
import { Construct } from "constructs";
import { Fn, ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DataAwsDbProxy } from "@cdktf/provider-aws/lib/data-aws-db-proxy";
import { DataAwsSecretsmanagerSecret } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { POSTGRES_PORT, SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import { EphemeralRandomPassword } from "../../providers/ephemeral";
import { AwsContext, ServiceRole, arnPrefix, policyDocument } from "../iam";
import { DbParameter, parameterGroupFamily } from "./parameters";
import type { ServiceDatabasesProps } from "./index";

/** RDS CA with RSA-2048 keys, valid to 2061; clients pin the RDS CA bundle. */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";
/** Log types RDS for PostgreSQL exports to CloudWatch Logs. */
export const LOG_EXPORTS = ["postgresql", "upgrade"] as const;
/**
 * Create and update timeout of a replica or restored instance: seeding a cross-region replica
 * or replaying a restore takes longer than the provider's defaults (create 50 min, update 80 min,
 * terraform-provider-aws `internal/service/rds/instance.go`), after which the instance is left
 * tainted. 100 minutes stays inside the deploy job's 120 (.github/workflows/deploy-environment.yml)
 * and the apply role's 7200 s session, leaving 20 for init, plan and what comes before it: a job
 * killed mid-apply would not even record the instance in the state.
 */
export const LONG_OPERATION_TIMEOUT = "100m";
/** A PostgreSQL role name usable in an rds-db:connect ARN (no wildcards). */
const DB_USER = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * Characters of a master password: letters and digits only (about 238 bits at 40), so no
 * client has to escape it in a connection string; RDS for PostgreSQL accepts 8-128
 * printable characters other than `/`, `"`, `@` and space.
 */
export const MASTER_PASSWORD_LENGTH = 40;
/** The staging label of a secret's current version (Secrets Manager User Guide, "Secret versions"). */
export const CURRENT_STAGE = "AWSCURRENT";
/**
 * A staging label of ours on the master secret version Terraform writes: it keeps that version
 * from being deprecated (unlabelled) and deleted after rotations (README "Master password").
 */
export const TERRAFORM_STAGE = "TERRAFORM";

/**
 * Secrets Manager name of a database's master user secret: `<identifier>/master`
 * (`authorworks-dev-content/master`). Outside `<namePrefix>/*`, the prefix the External
 * Secrets controller and the application ClusterSecretStore read: only the namespaced store
 * of modules/workloads `DatabaseUsers` reaches it. Its DR replica has the same name.
 */
export function masterSecretName(identifier: string): string {
  return `${identifier}/master`;
}

/**
 * A service's PostgreSQL database as its clients see it, whether this stack owns it
 * (`PostgresDatabase`) or imports it by name (`PostgresDatabase.fromDatabaseAttributes`,
 * e.g. in the platform stack): where to connect, and `grantConnect`, written once for both.
 */
export interface IDatabase {
  /** Service (variables/services.ts) that owns the database. */
  readonly service: string;
  /** `authorworks-<env>-<service>`: instance identifier and proxy name. */
  readonly identifier: string;
  /** Database created at launch (`databaseName(service)`). */
  readonly databaseName: string;
  /** Instance host name: direct connections (the master user; clients where there is no proxy). */
  readonly address: string;
  /** `db-...` resource id of the instance (a new instance under the same identifier has a new one). */
  readonly resourceId: string;
  /** Where applications connect: the proxy endpoint when there is a proxy, else `address`. */
  readonly clientHost: string;
  /** Port of `clientHost` (PostgreSQL's 5432 for the instance and the proxy alike). */
  readonly clientPort: number;
  /**
   * Secrets Manager secret of the master user (`masterSecretName`, outside the environment's
   * prefix): JSON with `username`, `password`, `engine`, `host`, `port`, `dbname`.
   */
  readonly masterUserSecretArn: string;
  /** The master user's name (it signs in with its password, never with IAM tokens). */
  readonly masterUsername: string;
  /**
   * The users that sign in with IAM tokens: with a proxy, its role may sign in to the
   * instance as each of them (the owner grants it), so only these can get `grantConnect`.
   */
  readonly iamUsers: readonly string[];
  /** The `rds-db:connect` resource a client needs to sign in as `dbUser` at `clientHost`. */
  connectArn(dbUser: string): string;
  /**
   * Lets `role` sign in as `dbUser` with an IAM token at `clientHost`: `rds-db:connect` on
   * exactly that user. Idempotent per policy id.
   * @param id construct id of the policy. @default `connect-<dbUser>`
   */
  grantConnect(role: IamRole, dbUser: string, id?: string): IamRolePolicy;
}

/** What `PostgresDatabase.fromDatabaseAttributes` needs: the names the owning stack used. */
export interface DatabaseAttributes {
  /** Account, region and partition of the database (the `rds-db` ARNs). */
  readonly aws: AwsContext;
  readonly service: string;
  /** `authorworks-<env>-<service>`: looked up as instance identifier and, with `proxy`, as proxy name. */
  readonly identifier: string;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** The owner put an RDS Proxy in front of the instance (`database.proxy.enabled` of the environment). */
  readonly proxy: boolean;
  /** The owner's `iamUsers` (the users its proxy role may sign in as). @default none */
  readonly iamUsers?: readonly string[];
  /**
   * Name of the master user secret, looked up in this region: a read replica's (promoted or
   * not) is its source's, replicated here (`DatabaseReplica.masterSecretName`).
   * @default `masterSecretName(identifier)`
   */
  readonly masterSecretName?: string;
}

/** Sizes of one service database (`ResolvedDatabase` from environments/config.ts fits). */
export interface DatabaseSpec {
  /** Service name from variables/services.ts; becomes part of the identifier and the construct id. */
  readonly service: string;
  /** DB instance class, e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** Initial gp3 storage (GiB). */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling (GiB). */
  readonly maxAllocatedStorageGb: number;
  /**
   * PostgreSQL users that sign in with IAM tokens (the service's own user,
   * `databaseUser(service)`): with a proxy, its role may sign in as each. @default none
   */
  readonly iamUsers?: readonly string[];
  /**
   * Create the instance by a point-in-time restore of replicated automated backups (a
   * standby taking over, docs/runbooks/region-failure.md) instead of empty. Read on create
   * only: a later change never replaces the instance. @default none (a new, empty instance)
   */
  readonly restore?: DatabaseRestore;
  /**
   * Create the instance as a cross-region read replica of another region's instance (a
   * standby's pilot light, docs/runbooks/region-failure.md), or keep an instance that was one
   * after its promotion. Exclusive with `restore`. @default none (an instance of its own)
   */
  readonly replica?: DatabaseReplica;
}

/**
 * A read replica of an instance in another region. Its master user, database and password are
 * its source's: `username`, `db_name` and `password_wo` are not set while it follows (the
 * provider refuses them with `replicate_source_db`), and stay unset once promoted (`username`
 * and `db_name` force a new instance when they change; the password stays the source's, which
 * the source's master secret, replicated to this region, holds).
 */
export interface DatabaseReplica {
  /** The source instance's ARN (`arn:<partition>:rds:<region>:<account>:db:<identifier>`; cross-region replicas name their source by ARN). */
  readonly sourceArn: string;
  /** The KMS key (ARN, this region) the replica is encrypted with: an encrypted source's cross-region replica needs one. */
  readonly kmsKeyArn: string;
  /**
   * Name of the source's master secret (`masterSecretName` of the source's identifier),
   * replicated to this region by the source's stack: the replica's `masterUserSecretArn`.
   */
  readonly masterSecretName: string;
  /**
   * false: it follows its source (read-only; no backups, no backup tag, no final snapshot: RDS
   * refuses one for a replica). true: promoted to a standalone instance (`replicate_source_db`
   * removed, which the provider turns into PromoteReadReplica with `backup_retention_period`),
   * then managed like any other instance; its master password stays the source's.
   */
  readonly promoted: boolean;
}

/** Where a database is restored from: another region's instance's automated backups, replicated here. */
export interface DatabaseRestore {
  /** The replicated automated backups (`arn:aws:rds:<region>:<account>:auto-backup:ab-...`), restored at their latest restorable time. */
  readonly automatedBackupsArn: string;
  /** The KMS key (ARN, this region) the replicated backups are encrypted with; the restored instance keeps it. */
  readonly kmsKeyArn: string;
}

/** Settings shared by every database of one environment (built by `ServiceDatabases`). */
export interface PostgresDatabaseProps extends Pick<
  ServiceDatabasesProps,
  | "context"
  | "engineVersion"
  | "multiAz"
  | "backupRetentionDays"
  | "monitoringIntervalSeconds"
  | "performanceInsightsRetentionDays"
  | "proxy"
  | "masterPasswordVersion"
  | "secretRecoveryWindowDays"
  | "masterSecretReplica"
  | "deletionProtection"
  | "finalSnapshot"
  | "applyImmediately"
  | "dbSubnetGroupName"
  | "securityGroupIds"
  | "subnetIds"
> {
  readonly spec: DatabaseSpec;
  /** Extra tags on the instance (e.g. the AWS Backup selection tag). */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** `authorworks-<env>-<service>`. */
  readonly identifier: string;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  /** Enhanced Monitoring role; required when the interval is above 0. */
  readonly monitoringRoleArn?: string;
  /** What the instance waits for (the monitoring role's policy attachment). */
  readonly dependsOn?: ITerraformDependable[];
  readonly masterUsername: string;
  readonly databaseName: string;
  readonly parameters: readonly DbParameter[];
}

/** Where the master user secrets are replicated (the environment's DR region). */
export interface MasterSecretReplica {
  /** Region of the replicas. */
  readonly region: string;
  /** Key in `region` that encrypts them (the `secrets` DR key, modules/kms). */
  readonly kmsKeyArn: string;
}

/** A service's PostgreSQL instance and its RDS Proxy. */
export class PostgresDatabase extends Construct implements IDatabase {
  /**
   * A database another stack owns, found by its identifier: `aws_db_instance` (and
   * `aws_db_proxy` with `attrs.proxy`) data sources, so a plan fails at once when the
   * owning stack has not made it, and `grantConnect` works as on the owner. Only the
   * owner's `iamUsers` can be granted: the owner's proxy role must already sign in as them.
   */
  public static fromDatabaseAttributes(scope: Construct, id: string, attrs: DatabaseAttributes): IDatabase {
    return new ImportedDatabase(scope, id, attrs);
  }

  public readonly service: string;
  /** `authorworks-<env>-<service>` (instance identifier and proxy name). */
  public readonly identifier: string;
  public readonly instance: DbInstance;
  public readonly parameterGroup: DbParameterGroup;
  /** Log groups by export type (`postgresql`, `upgrade`), created before the instance. */
  public readonly logGroups: Readonly<Record<(typeof LOG_EXPORTS)[number], CloudwatchLogGroup>>;
  /** Instance host name (without port). */
  public readonly address: string;
  /** `host:port` of the instance. */
  public readonly endpoint: string;
  public readonly port: number;
  public readonly arn: string;
  /** `db-...` resource id (the `dbi_resource_id` used in rds-db:connect ARNs). */
  public readonly resourceId: string;
  /** Database created at launch, owned by the master user. */
  public readonly databaseName: string;
  public readonly masterUsername: string;
  /**
   * ARN of `masterSecret`. For direct admin connections to `address` (the Jobs creating
   * users); the proxy does not use it.
   */
  public readonly masterUserSecretArn: string;
  /**
   * The master user secret (`masterSecretName`), encrypted with `keys.secrets`: JSON with
   * `username`, `password`, `engine`, `host`, `port`, `dbname`, written write-only.
   * @default undefined for a replica (its source's secret, replicated here, holds its password)
   */
  public readonly masterSecret?: SecretsmanagerSecret;
  /** Its value: `secret_string_wo` from the same ephemeral password as the instance's `password_wo`. */
  public readonly masterSecretValue?: SecretsmanagerSecretVersion;
  /** The proxy, when the environment enables it. */
  public readonly proxy?: DbProxy;
  /** Proxy host name; applications connect here (IAM token, TLS) rather than to `address`. @default undefined when the proxy is disabled */
  public readonly proxyEndpoint?: string;
  /** `prx-...`, the proxy's resource id in rds-db:connect ARNs. */
  public readonly proxyResourceId?: string;
  /** The role the proxy assumes to sign in to the instance (rds-db:connect per allowed user). */
  public readonly proxyRole?: ServiceRole;
  public readonly clientHost: string;
  public readonly clientPort = POSTGRES_PORT;
  public readonly iamUsers: readonly string[];

  private readonly aws: AwsContext;
  private readonly proxyUserPolicies = new Map<string, IamRolePolicy>();

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const { spec, identifier } = props;
    this.service = spec.service;
    this.identifier = identifier;
    const { keys, logRetentionDays } = props.context;
    this.aws = props.context.aws;
    const tags = { Name: identifier, Service: spec.service };

    this.parameterGroup = new DbParameterGroup(this, "parameters", {
      // The family is part of the name: a major upgrade creates the new group first, then moves the instance.
      name: `${identifier}-${parameterGroupFamily(props.engineVersion)}`,
      family: parameterGroupFamily(props.engineVersion),
      description: `${identifier}: TLS only, slow-statement, connection and lock logging`,
      parameter: props.parameters.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod ?? "immediate" })),
      tags,
      lifecycle: { createBeforeDestroy: true },
    });

    // Created before the instance so RDS writes into groups with retention and KMS, not
    // into never-expiring groups of its own that Terraform does not know about.
    const logGroup = (type: (typeof LOG_EXPORTS)[number]): CloudwatchLogGroup =>
      new CloudwatchLogGroup(this, `${type}-logs`, {
        name: `/aws/rds/instance/${identifier}/${type}`,
        retentionInDays: logRetentionDays,
        kmsKeyId: keys.logs.arn,
        tags: { ...tags, Name: `${identifier}-${type}` },
      });
    this.logGroups = { postgresql: logGroup("postgresql"), upgrade: logGroup("upgrade") };

    const monitoring = props.monitoringIntervalSeconds > 0;
    if (monitoring && !props.monitoringRoleArn) {
      throw new Error(`rds: ${identifier}: monitoringIntervalSeconds is ${props.monitoringIntervalSeconds} but no monitoring role was given`);
    }
    const { restore, replica } = spec;
    if (restore && replica) throw new Error(`rds: ${identifier}: restore and replica are exclusive (a restored instance is no replica)`);
    // A following replica has its source's user, password and backups; a promoted one its own backups.
    const following = replica !== undefined && !replica.promoted;
    const ownUser = replica === undefined;
    // The master password: made on every plan and apply, in neither the JSON nor the state.
    // The instance (`password_wo`) and the secret (`secret_string_wo`) receive it only when
    // their shared version changes, so both always receive the same one.
    const masterPassword = ownUser ? new EphemeralRandomPassword(this, "master-password", { length: MASTER_PASSWORD_LENGTH, special: false }) : undefined;
    if (ownUser) {
      this.masterSecret = new SecretsmanagerSecret(this, "master-secret", {
        name: masterSecretName(identifier),
        description: `${identifier}: PostgreSQL master user`,
        kmsKeyId: keys.secrets.arn,
        recoveryWindowInDays: props.secretRecoveryWindowDays,
        replica: props.masterSecretReplica ? [{ region: props.masterSecretReplica.region, kmsKeyId: props.masterSecretReplica.kmsKeyArn }] : undefined,
        tags: { ...tags, Name: masterSecretName(identifier) },
      });
    }

    this.instance = new DbInstance(this, "instance", {
      identifier,
      engine: "postgres",
      // The major only: RDS picks the newest minor and upgrades minors in the maintenance window.
      engineVersion: props.engineVersion,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      instanceClass: spec.instanceClass,
      caCertIdentifier: CA_CERT_IDENTIFIER,

      allocatedStorage: spec.allocatedStorageGb,
      maxAllocatedStorage: spec.maxAllocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      // A restored instance is encrypted with its backups' key, a replica with the key given for this region.
      kmsKeyId: replica?.kmsKeyArn ?? restore?.kmsKeyArn ?? keys.database.arn,
      restoreToPointInTime: restore ? { sourceDbInstanceAutomatedBackupsArn: restore.automatedBackupsArn, useLatestRestorableTime: true } : undefined,
      replicateSourceDb: following ? replica.sourceArn : undefined,

      dbName: ownUser ? props.databaseName : undefined,
      username: ownUser ? props.masterUsername : undefined,
      // Not RDS-managed (manage_master_user_password): RDS makes no read replica of an
      // instance whose master password it manages. Write-only: never in plan or state. A
      // restored instance gets it by a ModifyDBInstance right after the restore. A replica
      // has its source's password, also once promoted (the source's master secret, replicated here).
      passwordWo: ownUser ? masterPassword!.result : undefined,
      passwordWoVersion: ownUser ? props.masterPasswordVersion : undefined,
      iamDatabaseAuthenticationEnabled: true,

      multiAz: props.multiAz,
      dbSubnetGroupName: props.dbSubnetGroupName,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      publiclyAccessible: false,
      port: POSTGRES_PORT,
      parameterGroupName: this.parameterGroup.name,

      backupRetentionPeriod: following ? 0 : props.backupRetentionDays,
      backupWindow: props.backupWindow,
      maintenanceWindow: props.maintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: following || !props.finalSnapshot,
      finalSnapshotIdentifier: !following && props.finalSnapshot ? `${identifier}-final` : undefined,
      deleteAutomatedBackups: !props.finalSnapshot,
      applyImmediately: props.applyImmediately,

      monitoringInterval: props.monitoringIntervalSeconds,
      monitoringRoleArn: monitoring ? props.monitoringRoleArn : undefined,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: keys.database.arn,
      performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays,
      enabledCloudwatchLogsExports: [...LOG_EXPORTS],

      // No backup selection tag on a following replica: its data is its source's, backed up there.
      tags: { ...tags, ...(following ? {} : props.instanceTags) },
      dependsOn: [this.logGroups.postgresql, this.logGroups.upgrade, ...(props.dependsOn ?? [])],
      // The restore source is a create-time input: its backups expire, and a plan must never replace the data it became.
      lifecycle: restore ? { ignoreChanges: ["restore_to_point_in_time"] } : undefined,
      // Seeding a replica, promoting it and replaying a restore outlast the provider's defaults.
      timeouts: replica || restore ? { create: LONG_OPERATION_TIMEOUT, update: LONG_OPERATION_TIMEOUT } : undefined,
    });

    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.port = this.instance.port;
    this.arn = this.instance.arn;
    this.resourceId = this.instance.resourceId;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;
    if (!this.masterSecret || !masterPassword) {
      // Looked up by name: the source's stack replicates it here; a plan fails at once without it.
      this.masterUserSecretArn = new DataAwsSecretsmanagerSecret(this, "source-master-secret", { name: replica!.masterSecretName }).arn;
    } else {
      this.masterSecretValue = new SecretsmanagerSecretVersion(this, "master-secret-value", {
        secretId: this.masterSecret.id,
        // The keys of RDS's own master secrets (username, password) and of its rotation templates.
        secretStringWo: Fn.jsonencode({
          username: props.masterUsername,
          password: masterPassword.result,
          engine: "postgres",
          host: this.instance.address,
          port: POSTGRES_PORT,
          dbname: props.databaseName,
        }),
        secretStringWoVersion: props.masterPasswordVersion,
        // TERRAFORM_STAGE keeps this version labelled once rotations (rotation.ts) have moved
        // AWSCURRENT and AWSPREVIOUS on: Secrets Manager deletes unlabelled versions, and the
        // provider would then create this one again, with a password the instance never got.
        versionStages: [CURRENT_STAGE, TERRAFORM_STAGE],
        lifecycle: {
          // A replaced instance is created with this apply's ephemeral password whatever the
          // version: the secret takes the same one in the same apply, or it keeps the old one.
          // Its id, not the instance: an in-place update (a class, a window) must not replace it.
          replaceTriggeredBy: [`${this.instance.terraformResourceType}.${this.instance.friendlyUniqueId}.id`],
          // A rotation moves AWSCURRENT to its own version: putting it back would restore a password the instance no longer has.
          ignoreChanges: ["version_stages"],
        },
      });
      this.masterUserSecretArn = this.masterSecret.arn;
    }

    if (props.proxy.enabled) {
      // End-to-end IAM authentication (default_auth_scheme = IAM_AUTH): clients sign in to the
      // proxy with an IAM token, and the proxy signs in to the instance with an IAM token of
      // its own for the same user. No secret per user, and the proxy never reads the master
      // secret. The role starts without permissions: allowProxyUser adds rds-db:connect per user.
      this.proxyRole = new ServiceRole(this, "proxy-role", {
        name: `${identifier}-proxy`,
        description: `RDS Proxy ${identifier}: signs in to its one instance with IAM tokens, as the users granted`,
        service: SERVICE_PRINCIPALS.rds,
      });
      // RDS Proxy writes its own log group; create it first with retention and KMS.
      const proxyLogs = new CloudwatchLogGroup(this, "proxy-logs", {
        name: `/aws/rds/proxy/${identifier}`,
        retentionInDays: logRetentionDays,
        kmsKeyId: keys.logs.arn,
        tags: { ...tags, Name: `${identifier}-proxy` },
      });
      const proxy = new DbProxy(this, "proxy", {
        name: identifier,
        engineFamily: "POSTGRESQL",
        // IAM tokens are bearer credentials: TLS is mandatory for them (and for everything else).
        requireTls: true,
        debugLogging: false,
        idleClientTimeout: 1800,
        roleArn: this.proxyRole.arn,
        // With IAM_AUTH no `auth` block is needed (the provider requires one only for NONE).
        defaultAuthScheme: "IAM_AUTH",
        vpcSecurityGroupIds: [...props.securityGroupIds],
        vpcSubnetIds: [...props.subnetIds],
        tags,
        dependsOn: [proxyLogs],
      });
      const targetGroup = new DbProxyDefaultTargetGroup(this, "proxy-target-group", {
        dbProxyName: proxy.name,
        connectionPoolConfig: {
          maxConnectionsPercent: props.proxy.maxConnectionsPercent,
          connectionBorrowTimeout: 120,
        },
      });
      new DbProxyTarget(this, "proxy-target", {
        dbProxyName: proxy.name,
        targetGroupName: targetGroup.name,
        dbInstanceIdentifier: this.instance.identifier,
      });
      this.proxy = proxy;
      this.proxyEndpoint = proxy.endpoint;
      // The proxy ARN is arn:<partition>:rds:<region>:<account>:db-proxy:prx-<id>; the last field is the id.
      this.proxyResourceId = proxyResourceId(proxy.arn);
    }
    this.clientHost = this.proxyEndpoint ?? this.address;
    this.iamUsers = [...(spec.iamUsers ?? [])];
    for (const user of this.iamUsers) this.allowProxyUser(user);
  }

  /**
   * Lets the proxy sign in to the instance as `dbUser` (`rds-db:connect` on
   * `dbuser:<instance resource_id>/<dbUser>` in the proxy role), which end-to-end IAM
   * authentication needs for every user that connects through the proxy. Idempotent: one
   * `aws_iam_role_policy` (construct id `proxy-connect-<dbUser>`) per user. `grantConnect`
   * and `connectArn` call it; call it yourself only for users whose client policy is
   * written elsewhere without `connectArn`.
   * @returns the proxy role's policy for `dbUser`, or undefined when the proxy is disabled.
   */
  public allowProxyUser(dbUser: string): IamRolePolicy | undefined {
    this.checkDbUser(dbUser);
    if (!this.proxyRole) return undefined;
    const existing = this.proxyUserPolicies.get(dbUser);
    if (existing) return existing;
    const doc = policyDocument(this, `proxy-connect-${dbUser}-document`, [
      { sid: "ProxySignsInWithIamToken", actions: ["rds-db:connect"], resources: [this.instanceConnectArn(dbUser)] },
    ]);
    const policy = new IamRolePolicy(this, `proxy-connect-${dbUser}`, {
      name: `${this.identifier}-proxy-connect-${dbUser}`,
      role: this.proxyRole.role.id,
      policy: doc.json,
    });
    this.proxyUserPolicies.set(dbUser, policy);
    return policy;
  }

  /**
   * The `rds-db:connect` resource a client needs to sign in as `dbUser`: on the proxy's
   * `prx-...` id when there is a proxy (clients connect there), else on the instance's
   * `resource_id`. With a proxy this also lets the proxy sign in as `dbUser`
   * (`allowProxyUser`), so a policy built from this ARN works end to end.
   */
  public connectArn(dbUser: string): string {
    this.checkDbUser(dbUser);
    if (this.proxyResourceId === undefined) return this.instanceConnectArn(dbUser);
    this.allowProxyUser(dbUser);
    return `${arnPrefix(this.aws, "rds-db")}:dbuser:${this.proxyResourceId}/${dbUser}`;
  }

  /**
   * Lets `role` sign in as `dbUser` with an IAM token: `rds-db:connect` on exactly that
   * user, on the proxy when enabled (and the proxy role on the instance for the same user),
   * else on the instance. The PostgreSQL role must exist with LOGIN and `rds_iam` granted
   * (a migration's job). Wildcard users are refused.
   * @param id construct id of the policy. @default `connect-<dbUser>`
   */
  public grantConnect(role: IamRole, dbUser: string, id?: string): IamRolePolicy {
    return grantConnectPolicy(this, this.identifier, role, dbUser, this.connectArn(dbUser), id);
  }

  /** `dbuser:<instance resource_id>/<dbUser>`: direct connections, and the proxy's own sign-in. */
  private instanceConnectArn(dbUser: string): string {
    return `${arnPrefix(this.aws, "rds-db")}:dbuser:${this.resourceId}/${dbUser}`;
  }

  private checkDbUser(dbUser: string): void {
    checkIamUser(this.identifier, this.masterUsername, dbUser);
  }
}

/** `prx-...` from a proxy ARN (`arn:<partition>:rds:<region>:<account>:db-proxy:prx-<id>`: the last field). */
function proxyResourceId(proxyArn: string): string {
  return Fn.element(Fn.split(":", proxyArn), 6);
}

function checkIamUser(identifier: string, masterUsername: string, dbUser: string): void {
  if (!DB_USER.test(dbUser)) {
    throw new Error(`rds: ${identifier}: dbUser "${dbUser}" is not a PostgreSQL role name (lower-case letters, digits, _; at most 63; no wildcards)`);
  }
  // Granting rds_iam to a PostgreSQL role turns its password off, which would lock out the
  // master user (its password is in its secret); applications use their own users.
  if (dbUser === masterUsername) {
    throw new Error(
      `rds: ${identifier}: "${dbUser}" is the master user; it signs in with the password in its secret, directly to the instance, not with IAM tokens`,
    );
  }
}

/** The one `rds-db:connect` policy of both sides (`IDatabase.grantConnect`). */
function grantConnectPolicy(scope: Construct, identifier: string, role: IamRole, dbUser: string, connectArn: string, id?: string): IamRolePolicy {
  const policyId = id ?? `connect-${dbUser}`;
  const existing = scope.node.tryFindChild(policyId);
  if (existing) return existing as IamRolePolicy;
  const doc = policyDocument(scope, `${policyId}-document`, [{ sid: "ConnectWithIamToken", actions: ["rds-db:connect"], resources: [connectArn] }]);
  return new IamRolePolicy(scope, policyId, { name: `${identifier}-connect-${dbUser}`, role: role.name, policy: doc.json });
}

/** `PostgresDatabase.fromDatabaseAttributes`: the owner's database read back by name. */
class ImportedDatabase extends Construct implements IDatabase {
  public readonly service: string;
  public readonly identifier: string;
  public readonly databaseName: string;
  public readonly masterUsername: string;
  public readonly address: string;
  public readonly resourceId: string;
  public readonly clientHost: string;
  public readonly clientPort = POSTGRES_PORT;
  public readonly masterUserSecretArn: string;
  public readonly iamUsers: readonly string[];
  public readonly instance: DataAwsDbInstance;
  public readonly proxy?: DataAwsDbProxy;
  private readonly aws: AwsContext;

  constructor(scope: Construct, id: string, attrs: DatabaseAttributes) {
    super(scope, id);
    this.aws = attrs.aws;
    this.service = attrs.service;
    this.identifier = attrs.identifier;
    this.databaseName = attrs.databaseName;
    this.masterUsername = attrs.masterUsername;
    this.iamUsers = [...(attrs.iamUsers ?? [])];
    this.iamUsers.forEach((u) => checkIamUser(this.identifier, this.masterUsername, u));
    this.instance = new DataAwsDbInstance(this, "instance", { dbInstanceIdentifier: attrs.identifier });
    this.address = this.instance.address;
    this.resourceId = this.instance.resourceId;
    this.masterUserSecretArn = new DataAwsSecretsmanagerSecret(this, "master-secret", {
      name: attrs.masterSecretName ?? masterSecretName(attrs.identifier),
    }).arn;
    if (attrs.proxy) this.proxy = new DataAwsDbProxy(this, "proxy", { name: attrs.identifier });
    this.clientHost = this.proxy?.endpoint ?? this.address;
  }

  public connectArn(dbUser: string): string {
    checkIamUser(this.identifier, this.masterUsername, dbUser);
    if (!this.proxy) return `${arnPrefix(this.aws, "rds-db")}:dbuser:${this.instance.resourceId}/${dbUser}`;
    if (!this.iamUsers.includes(dbUser)) {
      throw new Error(
        `rds: ${this.identifier}: the proxy signs in only as ${this.iamUsers.join(", ") || "no user"}; add "${dbUser}" to the database's iamUsers in the stack that owns it`,
      );
    }
    return `${arnPrefix(this.aws, "rds-db")}:dbuser:${proxyResourceId(this.proxy.arn)}/${dbUser}`;
  }

  public grantConnect(role: IamRole, dbUser: string, id?: string): IamRolePolicy {
    return grantConnectPolicy(this, this.identifier, role, dbUser, this.connectArn(dbUser), id);
  }
}
