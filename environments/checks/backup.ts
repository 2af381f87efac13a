/**
 * Validation of the `backup` section of an environment file (modules/backup). Called through
 * ENVIRONMENT_CHECKS; every problem names the field, what it got and what is accepted.
 */
import { DEFAULT_LOCK_MIN_DAYS } from "../../modules/backup";
import { BACKUP_RESTORE_TESTING, BACKUP_RETENTION, REGIONS } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/**
 * Shortest retention a locked vault accepts from its rules (the lock's `min_retention_days`
 * in modules/backup): a rule keeping points for less would fail every job.
 */
export const VAULT_LOCK_MIN_RETENTION_DAYS = DEFAULT_LOCK_MIN_DAYS;

/**
 * AWS Backup's lifecycle rules: 1 to 36500 days, and a recovery point moved to cold storage
 * stays there at least 90 days (delete_after >= cold_storage_after + 90).
 */
export function checkBackupLifecycle(c: Checker, field: string, retentionDays: number, coldStorageAfterDays?: number): void {
  if (!c.intRange(field, retentionDays, BACKUP_RETENTION.min, BACKUP_RETENTION.max, "days (AWS Backup lifecycle)")) return;
  if (coldStorageAfterDays !== undefined && retentionDays < coldStorageAfterDays + BACKUP_RETENTION.coldStorageMinimum) {
    c.fail(
      field,
      retentionDays,
      `at least cold storage after (${coldStorageAfterDays}) + ${BACKUP_RETENTION.coldStorageMinimum} days: AWS Backup keeps cold recovery points ${BACKUP_RETENTION.coldStorageMinimum} days minimum`,
    );
  }
}

/**
 * An AWS cron expression (`cron(minutes hours day-of-month month day-of-week year)`, UTC) that
 * runs once a month: a fixed minute and hour, every month and year, and either one day of the
 * month 1-28 (every month has it) with day-of-week `?`, or the nth weekday (`TUE#1`, `3#2`,
 * n 1-4) with day-of-month `?` (AWS Backup Developer Guide, "Schedule expressions").
 */
export const MONTHLY_CRON = /^cron\((?:[0-5]?\d) (?:[01]?\d|2[0-3]) (?:(?:[1-9]|1\d|2[0-8]) \* \?|\? \* (?:[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)#[1-4]) \*\)$/;

/** `restoreTesting`: a monthly schedule and windows inside AWS Backup's limits. */
export function checkRestoreTesting(c: Checker, cfg: EnvironmentConfig): void {
  const r = cfg.restoreTesting;
  const l = BACKUP_RESTORE_TESTING;
  c.matches(
    "restoreTesting.schedule",
    r.schedule,
    MONTHLY_CRON,
    "an AWS cron expression (UTC) running once a month: cron(M H D * ? *) with D 1-28, or cron(M H ? * DAY#N *) with N 1-4, e.g. cron(0 9 ? * TUE#1 *)",
  );
  c.intRange("restoreTesting.startWindowHours", r.startWindowHours, l.startWindowHours.min, l.startWindowHours.max, "hours (AWS Backup StartWindowHours)");
  c.intRange(
    "restoreTesting.selectionWindowDays",
    r.selectionWindowDays,
    l.selectionWindowDays.min,
    l.selectionWindowDays.max,
    "days (AWS Backup SelectionWindowDays)",
  );
  c.intRange(
    "restoreTesting.validationWindowHours",
    r.validationWindowHours,
    l.validationWindowHours.min,
    l.validationWindowHours.max,
    "hours (AWS Backup ValidationWindowHours)",
  );
}

export function checkBackup(c: Checker, cfg: EnvironmentConfig): void {
  const b = cfg.backup;
  checkBackupLifecycle(c, "backup.retentionDays", b.retentionDays);
  c.boolean("backup.vaultLock", b.vaultLock);
  c.boolean("backup.replicateBackupsBucket", b.replicateBackupsBucket);

  const regions = Object.keys(REGIONS);
  if (b.copyToRegion !== undefined) {
    if (
      c.oneOf("backup.copyToRegion", b.copyToRegion, regions, `a region of variables/aws-catalog.ts other than region (${cfg.region}): ${regions.join(", ")}`)
    ) {
      if (b.copyToRegion === cfg.region) {
        c.fail(
          "backup.copyToRegion",
          b.copyToRegion,
          `a region other than region (${cfg.region}): a copy in the same region does not survive a region failure`,
        );
      } else if (cfg.drRegion === undefined) {
        c.fail(
          "drRegion",
          cfg.drRegion,
          `"${b.copyToRegion}" (backup.copyToRegion): the DR vault is created with the aws.dr provider, which exists only when drRegion is set`,
        );
      } else if (b.copyToRegion !== cfg.drRegion) {
        c.fail("backup.copyToRegion", b.copyToRegion, `drRegion ("${cfg.drRegion}"): the DR vault is created with the aws.dr provider in that region`);
      }
    }
  }
  if (b.replicateBackupsBucket === true && cfg.drRegion === undefined) {
    c.fail("backup.replicateBackupsBucket", true, "false unless drRegion is set: the replica bucket lives in the DR region");
  }
  if (b.vaultLock === true && Number.isInteger(b.retentionDays)) {
    // The continuous (PITR) rule keeps min(retentionDays, 35) days; both must reach the lock's minimum.
    const shortest = Math.min(b.retentionDays, BACKUP_RETENTION.continuousMax);
    if (shortest < VAULT_LOCK_MIN_RETENTION_DAYS) {
      c.fail(
        "backup.retentionDays",
        b.retentionDays,
        `at least ${VAULT_LOCK_MIN_RETENTION_DAYS} days with backup.vaultLock (the lock's minimum retention), or vaultLock false`,
      );
    }
  }
}
