/**
 * Cross-region replication of the service databases' automated backups: RDS copies each
 * instance's daily snapshot and its transaction logs to the DR region as they are ready, so
 * an instance can be restored there to any point of the retention window
 * (`aws rds restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn`).
 * Why this and not a cross-region read replica: modules/dr/README.md.
 */
import { Construct } from "constructs";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RDS_REPLICATED_BACKUP_RETENTION } from "../../variables/aws-catalog";

export interface DatabaseBackupReplicationProps {
  /** Provider of the DR region (`aws.dr`): the replication is started from the destination region. */
  readonly provider: AwsProvider;
  /** The source instances by service (`ServiceDatabases.instances`: their `arn`). */
  readonly databases: Readonly<Record<string, { readonly arn: string }>>;
  /** Key in the DR region that encrypts the replicated backups (the `database` DR key). */
  readonly kmsKeyArn: string;
  /** Days of point-in-time restore kept in the DR region (1-35). */
  readonly retentionDays: number;
}

/** One `aws_db_instance_automated_backups_replication` per service database, in the DR region. */
export class DatabaseBackupReplication extends Construct {
  /** By service name. */
  public readonly replications: Readonly<Record<string, DbInstanceAutomatedBackupsReplication>>;

  constructor(scope: Construct, id: string, props: DatabaseBackupReplicationProps) {
    super(scope, id);
    const r = RDS_REPLICATED_BACKUP_RETENTION;
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < r.min || props.retentionDays > r.max) {
      throw new Error(`DatabaseBackupReplication: retentionDays ${props.retentionDays} outside ${r.min}-${r.max}`);
    }
    const replications: Record<string, DbInstanceAutomatedBackupsReplication> = {};
    for (const [service, db] of Object.entries(props.databases)) {
      replications[service] = new DbInstanceAutomatedBackupsReplication(this, service, {
        provider: props.provider,
        sourceDbInstanceArn: db.arn,
        kmsKeyId: props.kmsKeyArn,
        retentionPeriod: props.retentionDays,
      });
    }
    this.replications = replications;
  }
}
