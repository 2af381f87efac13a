/**
 * One PostgreSQL instance per service that owns data (variables/services.ts), sized
 * by the environment, each with its own parameter group, log groups and RDS Proxy.
 * See README.md for the design and for why RDS Proxy stands in for PgBouncer.
 */
import { Construct } from "constructs";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AWS_MANAGED_POLICIES, MIN_AVAILABILITY_ZONES, RDS_POSTGRES_MASTER_USERNAME, SERVICE_PRINCIPALS, managedPolicyArn } from "../../variables/aws-catalog";
import type { StackContext } from "../context";
import { ServiceRole } from "../iam";
import { DatabaseSpec, MasterSecretReplica, PostgresDatabase } from "./database";
import { DbParameter, defaultParameters, mergeParameters } from "./parameters";
import { checkWindows } from "./windows";

export { DatabaseBackupReplication } from "./backup-replication";
export type { DatabaseBackupReplicationProps } from "./backup-replication";
export { CA_CERT_IDENTIFIER, CURRENT_STAGE, LOG_EXPORTS, MASTER_PASSWORD_LENGTH, PostgresDatabase, TERRAFORM_STAGE, masterSecretName } from "./database";
export type { DatabaseAttributes, DatabaseReplica, DatabaseSpec, IDatabase, MasterSecretReplica, PostgresDatabaseProps } from "./database";
export { defaultParameters, parameterGroupFamily } from "./parameters";
export { MasterSecretRotation, ROTATION_MEMORY_MB, ROTATION_TIMEOUT_SECONDS } from "./rotation";
export type { MasterSecretRotationProps, RotationReplicaKey } from "./rotation";
export type { DbParameter } from "./parameters";
export { checkWindows } from "./windows";

/** Daily automated backup window (UTC): 03:00-04:00 is night in the Americas and early morning in Europe. */
export const DEFAULT_BACKUP_WINDOW = "03:00-04:00";
/** Weekly maintenance window (UTC), after the backup window of the same night. */
export const DEFAULT_MAINTENANCE_WINDOW = "sun:04:30-sun:05:30";

export interface ServiceDatabasesProps {
  /**
   * The environment: `namePrefix` (`authorworks-<env>`; instance identifiers are
   * `<namePrefix>-<service>`), `aws` (ARNs: rds-db:connect, managed policies), `keys.database`
   * (storage, snapshots, Performance Insights), `keys.secrets` (the master user secrets),
   * `keys.logs` and `logRetentionDays` (database and proxy log groups; days, a CloudWatch value).
   */
  readonly context: StackContext;
  /** PostgreSQL major version, e.g. "17" (parameter group family `postgres17`); minors upgrade automatically. */
  readonly engineVersion: string;
  /** One entry per service database (`ResolvedEnvironment.databases`); the service name is the construct id. */
  readonly databases: readonly DatabaseSpec[];
  /** Synchronous standby in a second AZ. */
  readonly multiAz: boolean;
  /** Automated backup retention (days, 1-35). */
  readonly backupRetentionDays: number;
  /** Enhanced Monitoring interval (seconds: 0, 1, 5, 10, 15, 30, 60); 0 turns it off and creates no role. */
  readonly monitoringIntervalSeconds: number;
  /** Performance Insights retention (7, 731 or a multiple of 31 days). */
  readonly performanceInsightsRetentionDays: number;
  /** RDS Proxy per instance (connection pooling, end-to-end IAM authentication, failover). */
  readonly proxy: {
    readonly enabled: boolean;
    /** Share of the instance's max_connections the proxy may open (1-100). */
    readonly maxConnectionsPercent: number;
  };
  /**
   * Version of every master password (`database.masterPasswordVersion`, a whole number of
   * at least 1). Terraform writes a fresh password to each instance (`password_wo_version`)
   * and its secret (`secret_string_wo_version`) only when this changes: raising it and
   * applying rotates them all.
   */
  readonly masterPasswordVersion: number;
  /** Recovery window of a deleted master secret (days, 7-30: Secrets Manager DeleteSecret). */
  readonly secretRecoveryWindowDays: number;
  /**
   * A replica of every master secret in another region (the DR region): the password a
   * cross-region copy of an instance keeps. @default no replica
   */
  readonly masterSecretReplica?: MasterSecretReplica;
  /** Deletion protection on every instance: a delete fails until a deploy lifts it. */
  readonly deletionProtection: boolean;
  /**
   * A final snapshot (`<identifier>-final`) when an instance is deleted, and its automated
   * backups kept (point-in-time restore) after it; false deletes both.
   */
  readonly finalSnapshot: boolean;
  /** Apply disruptive changes (instance class, storage type) at once; false waits for the maintenance window. */
  readonly applyImmediately: boolean;
  /** DB subnet group (from the vpc module) over the database subnets. */
  readonly dbSubnetGroupName: string;
  /** Security groups of the database tier (instances and proxies). */
  readonly securityGroupIds: readonly string[];
  /** Database subnet ids, for the proxies (at least two AZs). */
  readonly subnetIds: readonly string[];
  /** Extra tags on every instance, e.g. the AWS Backup selection tag (modules/backup `BACKUP_TAG`). @default none */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** Daily backup window, `hh:mm-hh:mm` UTC; must not overlap the maintenance window. @default "03:00-04:00" */
  readonly backupWindow?: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC. @default "sun:04:30-sun:05:30" */
  readonly maintenanceWindow?: string;
  /** Master user name (its password lives only in its Secrets Manager secret). @default "dbadmin" */
  readonly masterUsername?: string;
  /** Statements slower than this are logged (ms). @default 1000 */
  readonly slowStatementMs?: number;
  /** Parameters added to (or replacing, by name) the defaults of every instance. @default none */
  readonly parameters?: readonly DbParameter[];
}

/** Master user name unless `masterUsername` says otherwise. */
export const DEFAULT_MASTER_USERNAME = "dbadmin";

/** `<namePrefix>-<service>`: instance identifier and proxy name of a service's database. */
export function databaseIdentifier(namePrefix: string, service: string): string {
  return `${namePrefix}-${service}`;
}

/** The database created in each instance: `<service>` with `-` as `_`, suffixed `_db` ("user" alone is reserved in PostgreSQL). */
export function databaseName(service: string): string {
  return `${service.replace(/-/g, "_")}_db`;
}

/**
 * The PostgreSQL user a service signs in as (IAM authentication): `<service>_app`, with
 * `-` as `_` ("user" alone is reserved in PostgreSQL). It owns the service's database.
 */
export function databaseUser(service: string): string {
  return `${service.replace(/-/g, "_")}_app`;
}

/**
 * PostgreSQL instances (and proxies) for every service that owns data. Each instance's
 * proxy may sign in as the service's own user (`databaseUser`) and the spec's `iamUsers`.
 */
export class ServiceDatabases extends Construct {
  /** By service name, e.g. `instances.content`. */
  public readonly instances: Readonly<Record<string, PostgresDatabase>>;
  /** The Enhanced Monitoring role shared by the instances. @default undefined when the interval is 0 */
  public readonly monitoringRole?: ServiceRole;

  constructor(scope: Construct, id: string, props: ServiceDatabasesProps) {
    super(scope, id);
    validate(props);
    const { namePrefix, aws } = props.context;
    const backupWindow = props.backupWindow ?? DEFAULT_BACKUP_WINDOW;
    const maintenanceWindow = props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    checkWindows(backupWindow, maintenanceWindow);

    let monitoringAttachment: IamRolePolicyAttachment | undefined;
    if (props.monitoringIntervalSeconds > 0) {
      this.monitoringRole = new ServiceRole(this, "monitoring-role", {
        name: `${namePrefix}-rds-monitoring`,
        description: `${namePrefix}: RDS Enhanced Monitoring publishes OS metrics to CloudWatch Logs`,
        service: SERVICE_PRINCIPALS.rdsMonitoring,
      });
      // Attached here (not through ServiceRole) so the instances can wait for it: RDS checks the role on create.
      monitoringAttachment = new IamRolePolicyAttachment(this, "monitoring-policy", {
        role: this.monitoringRole.name,
        policyArn: managedPolicyArn(AWS_MANAGED_POLICIES.rdsEnhancedMonitoring, aws.partition),
      });
    }

    const parameters = mergeParameters(defaultParameters({ slowStatementMs: props.slowStatementMs ?? 1000, tempFileKb: 10240 }), props.parameters ?? []);
    const instances: Record<string, PostgresDatabase> = {};
    for (const spec of props.databases) {
      instances[spec.service] = new PostgresDatabase(this, spec.service, {
        ...props,
        spec: { ...spec, iamUsers: [...new Set([databaseUser(spec.service), ...(spec.iamUsers ?? [])])] },
        identifier: databaseIdentifier(namePrefix, spec.service),
        backupWindow,
        maintenanceWindow,
        monitoringRoleArn: this.monitoringRole?.arn,
        dependsOn: monitoringAttachment ? [monitoringAttachment] : undefined,
        masterUsername: props.masterUsername ?? DEFAULT_MASTER_USERNAME,
        databaseName: databaseName(spec.service),
        parameters,
      });
    }
    this.instances = instances;
  }
}

/** What the module relies on beyond the environment checks (environments/checks/database.ts: ranges and catalogues). */
function validate(props: ServiceDatabasesProps): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of props.databases) {
    if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(d.service)) problems.push(`service "${d.service}" is not a lower-case DNS label`);
    if (seen.has(d.service)) problems.push(`service "${d.service}" is listed twice`);
    seen.add(d.service);
    if (d.allocatedStorageGb > d.maxAllocatedStorageGb)
      problems.push(`${d.service}: allocatedStorageGb ${d.allocatedStorageGb} exceeds maxAllocatedStorageGb ${d.maxAllocatedStorageGb}`);
  }
  if (!/^\d+(\.\d+)?$/.test(props.engineVersion)) problems.push(`engineVersion "${props.engineVersion}" is not a PostgreSQL version such as "17"`);
  if (props.securityGroupIds.length === 0) problems.push("securityGroupIds is empty (instances would get the VPC default group)");
  if (props.proxy.enabled && props.subnetIds.length < MIN_AVAILABILITY_ZONES) problems.push("the proxy needs subnetIds in at least two availability zones");
  if (!Number.isInteger(props.masterPasswordVersion) || props.masterPasswordVersion < 1) {
    problems.push(`masterPasswordVersion ${props.masterPasswordVersion} must be a whole number of at least 1`);
  }
  if (props.masterSecretReplica?.region === props.context.aws.region)
    problems.push(`masterSecretReplica: region ${props.context.aws.region} is the databases' own region`);
  if (props.masterUsername !== undefined && !RDS_POSTGRES_MASTER_USERNAME.test(props.masterUsername)) {
    problems.push(`masterUsername "${props.masterUsername}" must be 1-63 lower-case letters, digits or _, starting with a letter`);
  }
  if (problems.length) throw new Error(`rds: ${problems.join("; ")}`);
}
