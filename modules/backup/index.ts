/**
 * Backups and disaster recovery: an AWS Backup vault and plans per environment (daily
 * snapshots of RDS, EBS and DynamoDB chosen by tag, continuous backup of RDS for
 * point-in-time restore) and, where the environment data asks for it, a copy of every
 * daily recovery point to a vault in the DR region, a vault lock, and S3 cross-region
 * replication of the backups bucket. Sources: seed 004 section 3 (daily snapshots,
 * point-in-time recovery, 7/30/90 days), seed 003 "Backup and Recovery" and
 * "Disaster Recovery" (see docs/runbooks for the RTO/RPO each scenario reaches).
 */
import { Construct } from "constructs";
import { BackupPlan, BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import {
  AWS_MANAGED_POLICIES,
  BACKUP_RESTORE_JOB,
  BACKUP_RETENTION,
  BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS,
  KMS_DELETION_WINDOW_DAYS,
  SERVICE_PRINCIPALS,
  managedPolicyArn,
  serviceEndpoint,
} from "../../variables/aws-catalog";
import type { StackContext } from "../context";
import { ServiceRole, arnPrefix, policyDocument } from "../iam";
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from "../kms";
import { ReplicatedBucket, buildBucketReplica } from "../s3/replication";
import { names, resourceName } from "../../variables/project";
import { ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS } from "../../variables/storage";
import { RestoreTesting, RestoreTestingProps } from "./restore-testing";

export * from "./restore-testing";

export { replicationStatements } from "../s3/replication";
export type { ReplicatedBucket, ReplicationPolicyInputs } from "../s3/replication";

/** Vault lock's default minimum retention (days): no recovery point younger than this can be deleted. */
export const DEFAULT_LOCK_MIN_DAYS = 7;

import { BACKUP_TAG } from "./tag";

export { BACKUP_TAG };

/** Daily at 05:00 UTC (off-peak for us-east-1 and us-west-2 users). */
export const DEFAULT_BACKUP_SCHEDULE = "cron(0 5 ? * * *)";

/**
 * Start and completion windows of both rules (minutes): a job not started within `start` of
 * its scheduled time is cancelled, one still running after `completion` is stopped.
 */
export const BACKUP_JOB_WINDOW_MINUTES = { start: 60, completion: 360 } as const;

/**
 * The most writes a region failure loses when the DR region holds only the daily copies
 * (minutes): a recovery point a day, which exists at the latest start + completion windows
 * after its scheduled time; the copy job's own duration comes on top (AWS gives no bound).
 */
export const DAILY_COPY_RPO_MINUTES = 24 * 60 + BACKUP_JOB_WINDOW_MINUTES.start + BACKUP_JOB_WINDOW_MINUTES.completion;

export interface BucketReplicationProps {
  /**
   * Source bucket (versioned, SSE-KMS with the context's storage key, as every bucket of
   * modules/s3 but logs: the replication role decrypts with that key through S3).
   */
  readonly source: ReplicatedBucket;
  /** Name of the replica bucket in the DR region (globally unique). */
  readonly destinationBucketName: string;
  /** Days a noncurrent version stays in the replica bucket. @default 90 (as the source backups bucket) */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * S3 Replication Time Control: 99.99 % of objects within 15 minutes, with metrics
   * (extra cost per GB). @default false (replication is usually seconds to minutes, no SLA)
   */
  readonly replicationTimeControl?: boolean;
}

export interface VaultLockOptions {
  /**
   * Nobody (compliance mode: not even root) may delete a recovery point younger than this.
   * Must not exceed the retention of any rule writing into the vault. @default 7
   */
  readonly minRetentionDays?: number;
  /** Recovery points kept longer than this are refused. @default the plan's `retentionDays` */
  readonly maxRetentionDays?: number;
  /**
   * Grace period (days, at least 3) after which the lock can no longer be changed or
   * removed (compliance mode). `null` gives governance mode: users with
   * backup:DeleteBackupVaultLockConfiguration can remove the lock at any time.
   * @default 3
   */
  readonly changeableForDays?: number | null;
}

export interface DisasterRecoveryRegion {
  /** Provider aliased to the DR region (`aws.dr`). */
  readonly provider: AwsProvider;
  /** The provider's region, e.g. `us-west-2`. */
  readonly region: string;
}

export interface BackupProps {
  /**
   * The environment: `environment` (vault, plan, role and rule names), `aws` (account and
   * primary region: ARN patterns of the selection, key policy conditions) and `keys.storage`
   * (the primary vault's key, which gets a statement letting AWS Backup use it for callers
   * in this account, kms:ViaService backup.<region>; and the replicated bucket's key).
   */
  readonly context: StackContext;
  /** Days a daily recovery point is kept (seed: 7/30/90). */
  readonly retentionDays: number;
  /** Days of point-in-time restore (continuous backup). @default min(retentionDays, 35) */
  readonly continuousRetentionDays?: number;
  /** Move daily recovery points to cold storage after this many days (kept 90 more at least). @default never */
  readonly coldStorageAfterDays?: number;
  /** Schedule of the daily rule (AWS Backup cron, UTC). @default DEFAULT_BACKUP_SCHEDULE */
  readonly schedule?: string;
  /** Tag that selects resources. @default BACKUP_TAG */
  readonly selectionTag?: { readonly key: string; readonly value: string };
  /** DR region and its provider; required by `copyToDr` and `replication`. @default none */
  readonly dr?: DisasterRecoveryRegion;
  /** Copy every daily recovery point to a vault in the DR region, same lifecycle. @default false */
  readonly copyToDr?: boolean;
  /** Lock the primary vault. @default no lock */
  readonly vaultLock?: VaultLockOptions;
  /** Replicate this bucket to a new bucket in the DR region. @default no replication */
  readonly replication?: BucketReplicationProps;
  /** Let `terraform destroy` delete vaults with recovery points and a non-empty replica bucket. @default false */
  readonly forceDestroy?: boolean;
  /**
   * SNS topic told about every backup, copy or restore job that fails, aborts or expires
   * (an EventBridge rule on AWS Backup's job state changes). The topic must let
   * events.amazonaws.com publish (and use its key): modules/monitoring's topics do.
   * @default no alerts
   */
  readonly failureTopicArn?: string;
  /**
   * Monthly restore tests of the vault's recovery points (`RestoreTesting`), restoring with
   * this module's role the resources carrying `selectionTag`. @default no restore tests
   */
  readonly restoreTesting?: Omit<RestoreTestingProps, "environment" | "vaultArn" | "roleArn" | "selectionTag">;
}

/** AWS Backup job states that need a human: the job did not produce a recovery point (backup) or its copy. */
export const FAILED_JOB_STATES = ["FAILED", "ABORTED", "EXPIRED"] as const;

/**
 * EventBridge pattern of failed backup, copy and restore jobs of one vault's account. Backup
 * and copy job events carry `state`, restore job events `status` (AWS Backup Developer Guide,
 * "Monitoring AWS Backup events using Amazon EventBridge"). Restore tests are left out: their
 * failures go to `RestoreTesting`'s own rule (a test is not an outage).
 */
export function failedJobsPattern(): object {
  return {
    source: ["aws.backup"],
    $or: [
      { "detail-type": ["Backup Job State Change", "Copy Job State Change"], detail: { state: [...FAILED_JOB_STATES] } },
      {
        "detail-type": ["Restore Job State Change"],
        detail: { status: [...BACKUP_RESTORE_JOB.failedStatuses], restoreTestingPlanArn: [{ exists: false }] },
      },
    ],
  };
}

/**
 * AWS Backup vault, plans and selections for one environment, with the production DR
 * pieces (DR vault and key, copy action, vault lock, bucket replication) driven by props.
 */
export class Backup extends Construct {
  public readonly vault: BackupVault;
  public readonly vaultName: string;
  public readonly vaultArn: string;
  /** Daily snapshots of tagged RDS instances, EBS volumes and DynamoDB tables. */
  public readonly dailyPlan: BackupPlan;
  /** Continuous backup (point-in-time restore) of tagged RDS instances. */
  public readonly continuousPlan: BackupPlan;
  /** Role AWS Backup assumes to back up and restore. */
  public readonly role: ServiceRole;
  /** The tag a resource needs to be backed up. */
  public readonly selectionTag: { readonly key: string; readonly value: string };
  public readonly vaultLock?: BackupVaultLockConfiguration;
  /** Key in the DR region (DR vault, replica bucket). */
  public readonly drKey?: KmsKey;
  public readonly drVault?: BackupVault;
  public readonly drVaultArn?: string;
  public readonly replicaBucket?: S3Bucket;
  public readonly replicaBucketArn?: string;
  public readonly replicationRole?: ServiceRole;
  public readonly replication?: S3BucketReplicationConfigurationA;
  /** EventBridge rule forwarding failed jobs to `failureTopicArn`. */
  public readonly failureRule?: CloudwatchEventRule;
  /** Monthly restore tests (with `restoreTesting`). */
  public readonly restoreTesting?: RestoreTesting;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const { aws, environment, keys } = props.context;
    const partition = aws.partition ?? "aws";
    const continuousDays = props.continuousRetentionDays ?? Math.min(props.retentionDays, BACKUP_RETENTION.continuousMax);
    validate(props, continuousDays);
    this.selectionTag = props.selectionTag ?? BACKUP_TAG;
    const needsDr = props.copyToDr === true || props.replication !== undefined;
    const dr = props.dr;
    if (needsDr && !dr) throw new Error("Backup: copyToDr and replication need `dr` (the DR region and its provider)");

    keys.storage.addPolicyStatements({
      sid: "UseThroughAwsBackup",
      actions: [...KEY_USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants"],
      resources: ["*"],
      principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${aws.accountId}:root`] }],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("backup", aws.region)] },
        { test: "StringEquals", variable: "kms:CallerAccount", values: [aws.accountId] },
      ],
    });

    const vaultName = resourceName(environment, "backup");
    this.vault = new BackupVault(this, "vault", {
      name: vaultName,
      kmsKeyArn: keys.storage.arn,
      forceDestroy: props.forceDestroy ?? false,
      tags: { Name: vaultName },
    });
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;

    if (props.failureTopicArn) {
      // EventBridge, not vault notifications: the vault's SNS events have no "failed" one
      // for backup jobs (BACKUP_JOB_COMPLETED carries every outcome, daily successes too).
      // Copy jobs run in the source region, so this rule sees the DR copies as well.
      this.failureRule = new CloudwatchEventRule(this, "failed-jobs", {
        name: resourceName(environment, "backup-failed-jobs"),
        description: "AWS Backup jobs that failed, aborted or expired: alert",
        eventPattern: JSON.stringify(failedJobsPattern()),
        tags: { Name: resourceName(environment, "backup-failed-jobs") },
      });
      new CloudwatchEventTarget(this, "failed-jobs-alert", { rule: this.failureRule.name, arn: props.failureTopicArn, targetId: "alerts" });
    }

    if (props.vaultLock) {
      const lock = props.vaultLock;
      const changeable = lock.changeableForDays === undefined ? BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS : lock.changeableForDays;
      this.vaultLock = new BackupVaultLockConfiguration(this, "vault-lock", {
        backupVaultName: this.vault.name,
        minRetentionDays: lock.minRetentionDays ?? DEFAULT_LOCK_MIN_DAYS,
        maxRetentionDays: lock.maxRetentionDays ?? props.retentionDays,
        changeableForDays: changeable ?? undefined,
      });
    }

    if (dr && needsDr) {
      // AWS Backup re-encrypts copies with the destination vault's key; S3 encrypts replicas with it.
      const drServices = ["backup", "rds", "ec2", "dynamodb", "s3"];
      const keyPolicy = policyDocument(this, "dr-key-policy", [
        {
          sid: "KeyAdministrationThroughIam",
          actions: KEY_ADMIN_ACTIONS,
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${aws.accountId}:root`] }],
        },
        {
          sid: "UseThroughBackupAndStorageServices",
          actions: [...KEY_USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${aws.accountId}:root`] }],
          conditions: [
            { test: "StringEquals", variable: "kms:ViaService", values: drServices.map((s) => serviceEndpoint(s, dr.region)) },
            { test: "StringEquals", variable: "kms:CallerAccount", values: [aws.accountId] },
          ],
        },
      ]);
      this.drKey = new KmsKey(this, "dr-key", {
        provider: dr.provider,
        description: `${resourceName(environment)}: disaster-recovery copies in ${dr.region} (AWS Backup vault, backups bucket replica)`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: KMS_DELETION_WINDOW_DAYS.max,
        policy: keyPolicy.json,
      });
      new KmsAlias(this, "dr-key-alias", { provider: dr.provider, name: names.drKmsAlias(environment, "backup"), targetKeyId: this.drKey.keyId });
    }

    if (dr && this.drKey && props.copyToDr) {
      const drVaultName = resourceName(environment, "backup-dr");
      this.drVault = new BackupVault(this, "dr-vault", {
        provider: dr.provider,
        name: drVaultName,
        kmsKeyArn: this.drKey.arn,
        forceDestroy: props.forceDestroy ?? false,
        tags: { Name: drVaultName },
      });
      this.drVaultArn = this.drVault.arn;
    }

    const lifecycle = { deleteAfter: props.retentionDays, coldStorageAfter: props.coldStorageAfterDays };
    const daily: BackupPlanRule = {
      ruleName: "daily",
      targetVaultName: this.vault.name,
      schedule: props.schedule ?? DEFAULT_BACKUP_SCHEDULE,
      scheduleExpressionTimezone: "Etc/UTC",
      startWindow: BACKUP_JOB_WINDOW_MINUTES.start,
      completionWindow: BACKUP_JOB_WINDOW_MINUTES.completion,
      lifecycle,
      recoveryPointTags: { Rule: "daily" },
      copyAction: this.drVaultArn ? [{ destinationVaultArn: this.drVaultArn, lifecycle }] : undefined,
    };
    this.dailyPlan = new BackupPlan(this, "daily-plan", {
      name: resourceName(environment, "daily"),
      rule: [daily],
      tags: { Name: resourceName(environment, "daily") },
    });
    // A separate plan: a continuous rule takes plain snapshots of types without PITR
    // support (EBS, DynamoDB), which would duplicate the daily rule's recovery points.
    this.continuousPlan = new BackupPlan(this, "continuous-plan", {
      name: resourceName(environment, "continuous"),
      rule: [
        {
          ruleName: "continuous",
          targetVaultName: this.vault.name,
          schedule: props.schedule ?? DEFAULT_BACKUP_SCHEDULE,
          scheduleExpressionTimezone: "Etc/UTC",
          enableContinuousBackup: true,
          startWindow: BACKUP_JOB_WINDOW_MINUTES.start,
          completionWindow: BACKUP_JOB_WINDOW_MINUTES.completion,
          lifecycle: { deleteAfter: continuousDays },
          recoveryPointTags: { Rule: "continuous" },
        },
      ],
      tags: { Name: resourceName(environment, "continuous") },
    });

    this.role = new ServiceRole(this, "role", {
      name: resourceName(environment, "backup"),
      description: "AWS Backup: back up and restore the environment's tagged resources",
      service: SERVICE_PRINCIPALS.backup,
      sourceAccount: aws.accountId,
      managedPolicyArns: [
        managedPolicyArn(AWS_MANAGED_POLICIES.backupServiceForBackup, partition),
        managedPolicyArn(AWS_MANAGED_POLICIES.backupServiceForRestores, partition),
      ],
    });

    // Conditions AND resources: only these types, and only when tagged. (`selection_tag`
    // would be ORed with `resources`, selecting every database of the account.)
    const tagCondition = [{ stringEquals: [{ key: `aws:ResourceTag/${this.selectionTag.key}`, value: this.selectionTag.value }] }];
    new BackupSelection(this, "daily-selection", {
      name: resourceName(environment, "daily"),
      planId: this.dailyPlan.id,
      iamRoleArn: this.role.arn,
      resources: [`${arnPrefix(aws, "rds")}:db:*`, `${arnPrefix(aws, "ec2")}:volume/*`, `${arnPrefix(aws, "dynamodb")}:table/*`],
      condition: tagCondition,
    });
    new BackupSelection(this, "continuous-selection", {
      name: resourceName(environment, "continuous"),
      planId: this.continuousPlan.id,
      iamRoleArn: this.role.arn,
      resources: [`${arnPrefix(aws, "rds")}:db:*`],
      condition: tagCondition,
    });

    if (props.restoreTesting) {
      this.restoreTesting = new RestoreTesting(this, "restore-testing", {
        ...props.restoreTesting,
        environment,
        vaultArn: this.vault.arn,
        roleArn: this.role.arn,
        selectionTag: this.selectionTag,
      });
    }

    if (props.replication && dr && this.drKey) {
      const made = this.replicate(props, props.replication, dr, this.drKey);
      this.replicaBucket = made.bucket;
      this.replicaBucketArn = made.bucket.arn;
      this.replicationRole = made.role;
      this.replication = made.replication;
    }
  }

  private replicate(
    props: BackupProps,
    rep: BucketReplicationProps,
    dr: DisasterRecoveryRegion,
    drKey: KmsKey,
  ): { bucket: S3Bucket; role: ServiceRole; replication: S3BucketReplicationConfigurationA } {
    const { aws, environment, keys } = props.context;
    // Built into this construct's scope: the replica keeps its addresses (backup_replica_bucket, ...).
    return buildBucketReplica(this, {
      aws,
      source: rep.source,
      sourceKmsKeyArn: keys.storage.arn,
      provider: dr.provider,
      region: dr.region,
      bucketName: rep.destinationBucketName,
      purpose: "backups-replica",
      kmsKeyArn: drKey.arn,
      lifecycleRules: [
        {
          id: "noncurrent-versions-and-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: rep.noncurrentVersionExpirationDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS }],
        },
      ],
      roleName: resourceName(environment, "backups-replication"),
      ruleId: "backups-to-dr",
      replicationTimeControl: rep.replicationTimeControl,
      forceDestroy: props.forceDestroy,
    });
  }
}

/** Throws on combinations AWS would refuse at apply time (environment data is checked earlier). */
function validate(props: BackupProps, continuousDays: number): void {
  const r = BACKUP_RETENTION;
  const fail = (msg: string): never => {
    throw new Error(`Backup: ${msg}`);
  };
  if (!Number.isInteger(props.retentionDays) || props.retentionDays < r.min || props.retentionDays > r.max) {
    fail(`retentionDays ${props.retentionDays} outside ${r.min}-${r.max}`);
  }
  if (!Number.isInteger(continuousDays) || continuousDays < r.min || continuousDays > r.continuousMax) {
    fail(`continuousRetentionDays ${continuousDays} outside ${r.min}-${r.continuousMax}`);
  }
  if (props.coldStorageAfterDays !== undefined && props.retentionDays < props.coldStorageAfterDays + r.coldStorageMinimum) {
    fail(`retentionDays ${props.retentionDays} must be at least coldStorageAfterDays + ${r.coldStorageMinimum}`);
  }
  if (props.copyToDr && props.dr && props.dr.region === props.context.aws.region)
    fail(`copy to the primary region ${props.context.aws.region} protects against nothing`);
  const lock = props.vaultLock;
  if (lock) {
    const min = lock.minRetentionDays ?? DEFAULT_LOCK_MIN_DAYS;
    const max = lock.maxRetentionDays ?? props.retentionDays;
    if (min > Math.min(props.retentionDays, continuousDays))
      fail(`vault lock minimum ${min} exceeds a rule's retention (daily ${props.retentionDays}, continuous ${continuousDays})`);
    if (max < props.retentionDays) fail(`vault lock maximum ${max} is below retentionDays ${props.retentionDays}`);
    const ch = lock.changeableForDays;
    if (ch !== undefined && ch !== null && ch < BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS)
      fail(`vault lock changeableForDays ${ch} below ${BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS}`);
  }
}
