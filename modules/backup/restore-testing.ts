/**
 * Monthly restore tests (seed 003: "test_restore: monthly", "Monthly: backup restoration
 * test"): an AWS Backup restore testing plan that restores a recovery point of every tagged
 * RDS instance and EBS volume from the environment's vault, keeps the restored resource for a
 * validation window, then lets AWS Backup delete it; a test that fails, whose validation fails
 * or times out, or whose restored resource cannot be deleted alerts a topic.
 */
import { Construct } from "constructs";
import { BackupRestoreTestingPlan } from "@cdktf/provider-aws/lib/backup-restore-testing-plan";
import { BackupRestoreTestingSelection } from "@cdktf/provider-aws/lib/backup-restore-testing-selection";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import {
  BACKUP_RECOVERY_POINT_TYPES,
  BACKUP_RESTORE_JOB,
  BACKUP_RESTORE_TESTING,
  RDS_RESTORE_METADATA_KEYS,
  RecoveryPointType,
  RestoreTestingAlgorithm,
} from "../../variables/aws-catalog";
import { EnvironmentName, resourceName } from "../../variables/project";

/**
 * A restored database lands where the originals live: in the database subnets (no route out
 * of the VPC) behind the database security group, never publicly accessible.
 */
export interface RestoredDatabasePlacement {
  /** DB subnet group of the restored instance (the environment's database subnets). */
  readonly subnetGroupName: string;
  /** Security groups of the restored instance (the database tier's). */
  readonly securityGroupIds: readonly string[];
}

export interface RestoreTestingProps {
  readonly environment: EnvironmentName;
  /** ARN of the vault whose recovery points are restored. */
  readonly vaultArn: string;
  /** Role AWS Backup restores with (modules/backup's, with the restore managed policy). */
  readonly roleArn: string;
  /** Tag that selects the tested resources, as the backup selections do (`BACKUP_TAG`). */
  readonly selectionTag: { readonly key: string; readonly value: string };
  /** AWS cron expression (UTC) of the tests, once a month (environments/checks/backup.ts `MONTHLY_CRON`). */
  readonly schedule: string;
  /** Hours within which the restore jobs must start (1-168). */
  readonly startWindowHours: number;
  /** Recovery points of the last this many days are candidates (1-365). */
  readonly selectionWindowDays: number;
  /** Hours a restored resource is kept before AWS Backup deletes it (0-168). */
  readonly validationWindowHours: number;
  /** Where a restored RDS instance is placed. */
  readonly database: RestoredDatabasePlacement;
  /**
   * Which recovery point of the window is restored. RANDOM tests, over the months, the
   * daily snapshots (kept longest and copied to the DR region) as well as point-in-time
   * restores. @default "RANDOM_WITHIN_WINDOW"
   */
  readonly algorithm?: RestoreTestingAlgorithm;
  /** Recovery point kinds restored. @default ["CONTINUOUS", "SNAPSHOT"] */
  readonly recoveryPointTypes?: readonly RecoveryPointType[];
  /**
   * SNS topic told about a failed test (an EventBridge rule on this plan's restore jobs).
   * The topic must let events.amazonaws.com publish (modules/monitoring's topics do).
   * @default no alerts
   */
  readonly alertTopicArn?: string;
}

/** The plan's restore-job events that need a human: the job failed, its validation failed or timed out, or its restored resource was not deleted. */
export function failedRestoreTestsPattern(planArn: string): object {
  return {
    source: ["aws.backup"],
    "detail-type": ["Restore Job State Change"],
    detail: {
      restoreTestingPlanArn: [planArn],
      $or: [
        { status: [...BACKUP_RESTORE_JOB.failedStatuses] },
        { validationStatus: [...BACKUP_RESTORE_JOB.failedValidationStatuses] },
        { deletionStatus: [...BACKUP_RESTORE_JOB.failedDeletionStatuses] },
      ],
    },
  };
}

/** A restore testing plan name: the resource name with underscores (AWS Backup allows letters, digits and `_` only). */
export function restoreTestingPlanName(environment: EnvironmentName): string {
  return resourceName(environment, "restore", "tests").replace(/-/g, "_");
}

/** The restore testing plan, its RDS and EBS selections and the alert rule. */
export class RestoreTesting extends Construct {
  public readonly plan: BackupRestoreTestingPlan;
  public readonly planName: string;
  /** Restores of the tagged RDS instances, placed as `database` says. */
  public readonly databaseSelection: BackupRestoreTestingSelection;
  /** Restores of the tagged EBS volumes. */
  public readonly volumeSelection: BackupRestoreTestingSelection;
  /** EventBridge rule of failed tests (with `alertTopicArn`). */
  public readonly alertRule?: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    validate(props);
    this.planName = restoreTestingPlanName(props.environment);
    this.plan = new BackupRestoreTestingPlan(this, "plan", {
      name: this.planName,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours: props.startWindowHours,
      recoveryPointSelection: [
        {
          algorithm: props.algorithm ?? "RANDOM_WITHIN_WINDOW",
          includeVaults: [props.vaultArn],
          recoveryPointTypes: [...(props.recoveryPointTypes ?? BACKUP_RECOVERY_POINT_TYPES)],
          selectionWindowDays: props.selectionWindowDays,
        },
      ],
      tags: { Name: resourceName(props.environment, "restore-tests") },
    });

    // The protected resources of the type that carry the backup tag.
    const taggedOnly = [{ stringEquals: [{ key: `aws:ResourceTag/${props.selectionTag.key}`, value: props.selectionTag.value }] }];
    const selection = (selectionId: string, name: string, resourceType: string, overrides?: Record<string, string>) =>
      new BackupRestoreTestingSelection(this, selectionId, {
        name,
        restoreTestingPlanName: this.plan.name,
        protectedResourceType: resourceType,
        iamRoleArn: props.roleArn,
        // Conditions, not ARNs: hashicorp/aws takes exactly one of the two (the API's "*" with conditions).
        protectedResourceConditions: taggedOnly,
        restoreMetadataOverrides: overrides,
        validationWindowHours: props.validationWindowHours,
      });
    const k = RDS_RESTORE_METADATA_KEYS;
    this.databaseSelection = selection("rds", "rds_instances", "RDS", {
      [k.dbSubnetGroupName]: props.database.subnetGroupName,
      // A JSON array in a string: how AWS Backup takes list-valued restore metadata.
      [k.vpcSecurityGroupIds]: JSON.stringify([...props.database.securityGroupIds]),
      [k.publiclyAccessible]: "false",
    });
    // A restored volume is encrypted and placed in a random availability zone (AWS Backup's inferred metadata): nothing to override.
    this.volumeSelection = selection("ebs", "ebs_volumes", "EBS");

    if (props.alertTopicArn) {
      const ruleName = resourceName(props.environment, "restore-tests-failed");
      this.alertRule = new CloudwatchEventRule(this, "failed", {
        name: ruleName,
        description: "AWS Backup restore tests that failed, failed validation or left their restored resource: alert",
        eventPattern: JSON.stringify(failedRestoreTestsPattern(this.plan.arn)),
        tags: { Name: ruleName },
      });
      new CloudwatchEventTarget(this, "failed-alert", { rule: this.alertRule.name, arn: props.alertTopicArn, targetId: "alerts" });
    }
  }
}

/** Throws on values AWS Backup refuses (environment data is checked earlier, with messages naming the field). */
function validate(p: RestoreTestingProps): void {
  const l = BACKUP_RESTORE_TESTING;
  const range = (name: string, v: number, r: { readonly min: number; readonly max: number }) => {
    if (!Number.isInteger(v) || v < r.min || v > r.max) throw new Error(`RestoreTesting: ${name} ${v} outside ${r.min}-${r.max}`);
  };
  range("startWindowHours", p.startWindowHours, l.startWindowHours);
  range("selectionWindowDays", p.selectionWindowDays, l.selectionWindowDays);
  range("validationWindowHours", p.validationWindowHours, l.validationWindowHours);
  const name = restoreTestingPlanName(p.environment);
  if (!l.name.test(name)) throw new Error(`RestoreTesting: plan name ${name} is not ${l.nameMaxLength} letters, digits or underscores at most`);
  if (p.database.securityGroupIds.length === 0)
    throw new Error("RestoreTesting: database.securityGroupIds is empty (a restored instance would get the VPC's default group)");
}
