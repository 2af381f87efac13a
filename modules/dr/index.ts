/**
 * Disaster-recovery replication of one environment to its DR region, for a loss of the
 * primary region: the service databases' automated backups (point-in-time restore there),
 * buckets (S3 replication, with Replication Time Control where the recovery point objective
 * needs a bound, and alarms on its metrics), and container images (ECR replication). The keys
 * it encrypts with in the DR region are `DataKeys.dr` (modules/kms); secret replicas are
 * `ApplicationSecrets.replica` (modules/security). Design, costs and what a failover can
 * lose: README.md.
 */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { StackContext } from "../context";
import type { IKey } from "../kms";
import { Severity, metricAlarm, replicationAlarms } from "../monitoring";
import { DatabaseBackupReplication } from "../rds";
import { ContainerRegistry, RegistryReplication } from "../registry";
import { BucketReplica, REPLICATION_TIME_CONTROL_MINUTES, StorageBucket, lifecycleRules } from "../s3";
import { BucketPurpose } from "../../variables/storage";
import { names, resourceName } from "../../variables/project";

export interface DisasterRecoveryProps {
  /**
   * The environment: `environment` (names of replicas, roles and alarms) and `aws` (account
   * and primary region: the replication roles' guards, the registry replicated from).
   */
  readonly context: StackContext;
  /** The DR region's provider (`aws.dr`) and its region. */
  readonly dr: { readonly provider: AwsProvider; readonly region: string };
  /**
   * Keys in the DR region (`DataKeys.dr`): `storage` for bucket replicas and images,
   * `database` for the replicated RDS backups. Each is required by what uses it.
   */
  readonly keys: { readonly storage?: IKey; readonly database?: IKey };
  /** Replicate the automated backups of these databases (`ServiceDatabases.instances`). @default none */
  readonly databaseBackups?: {
    readonly databases: Readonly<Record<string, { readonly arn: string }>>;
    /** Days of point-in-time restore kept in the DR region (1-35). */
    readonly retentionDays: number;
  };
  /** Replicate these buckets (versioned, SSE-KMS: `ObjectStorage` buckets of `replicatedPurposes`). @default none */
  readonly buckets?: {
    readonly sources: readonly StorageBucket[];
    /** First part of the replica names: `<prefix>-<purpose>-replica-<env>` (`names.replicaBucket`). */
    readonly bucketPrefix: string;
    /** The environment's log expiry, for catalogue lifecycles that use it (the replicas keep the source's lifecycle). */
    readonly logExpirationDays: number;
    /** S3 Replication Time Control (15-minute SLA, metrics, alarms). */
    readonly replicationTimeControl: boolean;
  };
  /** Replicate this registry's repositories. @default none */
  readonly registry?: ContainerRegistry;
  /** Topics by severity for the replication alarms (they need Replication Time Control's metrics). @default no alarms */
  readonly alarmTopicArns?: Readonly<Record<Severity, string>>;
  /** Let `terraform destroy` delete non-empty replica buckets. @default false */
  readonly forceDestroy?: boolean;
}

/** What modules/dr replicates for one environment. */
export class DisasterRecovery extends Construct {
  /** Replicated automated backups, when `databaseBackups` is set. */
  public readonly databaseBackups?: DatabaseBackupReplication;
  /** Replicas by bucket purpose. */
  public readonly replicas: Readonly<Partial<Record<BucketPurpose, BucketReplica>>>;
  /** Registry replication, when `registry` is set. */
  public readonly registry?: RegistryReplication;
  /** Replication alarms by id (`s3-<purpose>-replication-latency`, `-failed`). */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: DisasterRecoveryProps) {
    super(scope, id);
    const { aws, environment } = props.context;
    const { provider, region } = props.dr;
    if (region === aws.region) throw new Error(`DisasterRecovery: the DR region ${region} is the environment's own region`);
    const key = (cls: "storage" | "database", why: string): IKey => {
      const k = props.keys[cls];
      if (!k) throw new Error(`DisasterRecovery: ${why} needs the ${cls} key of the DR region (keys.${cls})`);
      if (k.region !== region) throw new Error(`DisasterRecovery: keys.${cls} is in ${k.region}, not in the DR region ${region}`);
      return k;
    };

    if (props.databaseBackups) {
      this.databaseBackups = new DatabaseBackupReplication(this, "databases", {
        provider,
        databases: props.databaseBackups.databases,
        kmsKeyArn: key("database", "databaseBackups").arn,
        retentionDays: props.databaseBackups.retentionDays,
      });
    }

    const replicas: Partial<Record<BucketPurpose, BucketReplica>> = {};
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const b = props.buckets;
    if (b) {
      const kmsKeyArn = key("storage", "buckets").arn;
      for (const source of b.sources) {
        const replica = this.replicate(props, b, source, kmsKeyArn);
        replicas[source.purpose] = replica;
        // Replication metrics exist only with Replication Time Control.
        if (b.replicationTimeControl && props.alarmTopicArns) {
          const target = { purpose: source.purpose, sourceBucket: source.name, destinationBucket: replica.name, ruleId: replica.ruleId };
          for (const spec of replicationAlarms(target, REPLICATION_TIME_CONTROL_MINUTES)) {
            alarms[spec.id] = metricAlarm(replica, spec, resourceName(environment, spec.id), props.alarmTopicArns[spec.severity]);
          }
        }
      }
    }
    this.replicas = replicas;
    this.alarms = alarms;

    if (props.registry) {
      this.registry = new RegistryReplication(this, "registry", {
        aws,
        namespace: props.registry.namespace,
        provider,
        region,
        kmsKeyArn: key("storage", "registry").arn,
        lifecycleRules: props.registry.lifecycleRules,
        roleName: resourceName(environment, "ecr-replication"),
      });
    }
  }

  private replicate(props: DisasterRecoveryProps, b: NonNullable<DisasterRecoveryProps["buckets"]>, source: StorageBucket, kmsKeyArn: string): BucketReplica {
    const { aws, environment } = props.context;
    const purpose = source.purpose;
    if (!source.versioning) throw new Error(`DisasterRecovery: bucket "${purpose}" is not versioned; S3 replicates only versioned buckets`);
    if (!source.encryptionKey) throw new Error(`DisasterRecovery: bucket "${purpose}" is not SSE-KMS; its replica would need another design`);
    return new BucketReplica(this, purpose, {
      aws,
      source,
      sourceKmsKeyArn: source.encryptionKey.arn,
      provider: props.dr.provider,
      region: props.dr.region,
      bucketName: names.replicaBucket(b.bucketPrefix, purpose, environment),
      purpose: `${purpose}-replica`,
      kmsKeyArn,
      // The catalogue's lifecycle, as on the source (the replica is versioned).
      lifecycleRules: lifecycleRules(source.definition, b.logExpirationDays, true),
      roleName: resourceName(environment, `${purpose}-replication`),
      ruleId: `${purpose}-to-dr`,
      replicationTimeControl: b.replicationTimeControl,
      forceDestroy: props.forceDestroy,
    });
  }
}
