import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { BackupConfig, EnvironmentConfig } from "../../environments/types";
import { MONTHLY_CRON, VAULT_LOCK_MIN_RETENTION_DAYS, checkBackup, checkBackupLifecycle, checkRestoreTesting } from "../../environments/checks/backup";
import { resolveEnvironment } from "../../environments/config";
import { loadableAlone } from "../helpers";
import { Checker } from "../../variables/validation";
import { checkErrorOf, expectCheckPasses } from "./check-helpers";

/** `base` (dev unless given) with parts of `backup` and top-level fields replaced. */
function withBackup(backup: Partial<BackupConfig>, top: Partial<EnvironmentConfig> = {}, base: EnvironmentConfig = dev): EnvironmentConfig {
  return { ...base, ...top, backup: { ...base.backup, ...backup } };
}

const errorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkBackup, cfg);

describe("checkBackup on the committed environments", () => {
  test.each([dev, staging, production])("$name passes", (env) => {
    expectCheckPasses(checkBackup, env);
  });

  test("production copies to its DR region and replicates; dev and staging do neither", () => {
    expect(production.backup.copyToRegion).toBe(production.drRegion);
    expect(production.backup.replicateBackupsBucket).toBe(true);
    for (const env of [dev, staging]) expect([env.backup.copyToRegion, env.backup.replicateBackupsBucket]).toEqual([undefined, false]);
  });
});

describe("checkBackup: retention", () => {
  test.each([0, -1, 36501, 7.5])("retentionDays %p is refused with AWS Backup's range", (retentionDays) => {
    const msg = errorOf(withBackup({ retentionDays }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`backup.retentionDays: got ${retentionDays}`);
    expect(msg).toContain("accepted: a whole number from 1 to 36500 days");
  });

  test.each([1, 36500])("retentionDays %p (a limit) passes", (retentionDays) => {
    const c = new Checker("dev");
    checkBackup(c, withBackup({ retentionDays }));
    expect(c.ok).toBe(true);
  });

  test("cold storage needs 90 more days of retention", () => {
    const c = new Checker("dev");
    checkBackupLifecycle(c, "backup.retentionDays", 119, 30);
    expect(() => c.done()).toThrow(/backup\.retentionDays: got 119; accepted: at least cold storage after \(30\) \+ 90 days/);
    const ok = new Checker("dev");
    checkBackupLifecycle(ok, "backup.retentionDays", 120, 30);
    expect(ok.ok).toBe(true);
  });
});

describe("checkBackup: copy region", () => {
  test("a copy to the environment's own region is refused", () => {
    const msg = errorOf(withBackup({ copyToRegion: "us-east-1" }, { drRegion: "us-east-1" }));
    expect(msg).toContain('backup.copyToRegion: got "us-east-1"');
    expect(msg).toContain("accepted: a region other than region (us-east-1)");
  });

  test("a region outside the catalogue is refused, listing the catalogue", () => {
    const msg = errorOf(withBackup({ copyToRegion: "ap-southeast-3" }, { drRegion: "ap-southeast-3" }));
    expect(msg).toContain('backup.copyToRegion: got "ap-southeast-3"');
    expect(msg).toMatch(/accepted: a region of variables\/aws-catalog\.ts .*us-west-2/);
  });

  test("a copy without drRegion (no aws.dr provider) is refused", () => {
    const msg = errorOf(withBackup({ copyToRegion: "us-west-2" }));
    expect(msg).toContain("drRegion: got nothing");
    expect(msg).toContain('accepted: "us-west-2" (backup.copyToRegion)');
  });

  test("a copy to a region other than drRegion is refused", () => {
    const msg = errorOf(withBackup({ copyToRegion: "us-east-2" }, { drRegion: "us-west-2" }));
    expect(msg).toContain('backup.copyToRegion: got "us-east-2"; accepted: drRegion ("us-west-2")');
  });
});

describe("checkBackup: replication and vault lock", () => {
  test("replicating the backups bucket without a DR region is refused", () => {
    const msg = errorOf(withBackup({ replicateBackupsBucket: true }));
    expect(msg).toContain("backup.replicateBackupsBucket: got true; accepted: false unless drRegion is set");
  });

  test("replication with drRegion passes", () => {
    const c = new Checker("dev");
    checkBackup(c, withBackup({ replicateBackupsBucket: true }, { drRegion: "us-west-2" }));
    expect(c.ok).toBe(true);
  });

  test(`vault lock with a retention below the lock's minimum (${VAULT_LOCK_MIN_RETENTION_DAYS}) is refused`, () => {
    const msg = errorOf(withBackup({ vaultLock: true, retentionDays: VAULT_LOCK_MIN_RETENTION_DAYS - 1 }));
    expect(msg).toContain(`backup.retentionDays: got ${VAULT_LOCK_MIN_RETENTION_DAYS - 1}`);
    expect(msg).toContain(`accepted: at least ${VAULT_LOCK_MIN_RETENTION_DAYS} days with backup.vaultLock`);
    // The same retention without a lock is fine.
    const c = new Checker("dev");
    checkBackup(c, withBackup({ vaultLock: false, retentionDays: VAULT_LOCK_MIN_RETENTION_DAYS - 1 }));
    expect(c.ok).toBe(true);
  });

  test("a non-boolean vaultLock is refused", () => {
    const msg = errorOf(withBackup({ vaultLock: "yes" as unknown as boolean }));
    expect(msg).toContain('backup.vaultLock: got "yes"; accepted: true or false');
  });
});

describe("checkRestoreTesting: AWS Backup's limits and a monthly schedule", () => {
  const withTests = (restoreTesting: Partial<EnvironmentConfig["restoreTesting"]>, base: EnvironmentConfig = dev): EnvironmentConfig => ({
    ...base,
    restoreTesting: { ...base.restoreTesting, ...restoreTesting },
  });
  const testsErrorOf = (cfg: EnvironmentConfig): string => checkErrorOf(checkRestoreTesting, cfg);

  test.each([dev, staging, production])("$name passes, monthly", (env) => {
    expectCheckPasses(checkRestoreTesting, env);
    expect(env.restoreTesting.schedule).toMatch(MONTHLY_CRON);
  });

  test.each([
    ["startWindowHours", 0, "a whole number from 1 to 168 hours (AWS Backup StartWindowHours)"],
    ["startWindowHours", 169, "a whole number from 1 to 168 hours (AWS Backup StartWindowHours)"],
    ["selectionWindowDays", 0, "a whole number from 1 to 365 days (AWS Backup SelectionWindowDays)"],
    ["selectionWindowDays", 366, "a whole number from 1 to 365 days (AWS Backup SelectionWindowDays)"],
    ["validationWindowHours", -1, "a whole number from 0 to 168 hours (AWS Backup ValidationWindowHours)"],
    ["validationWindowHours", 169, "a whole number from 0 to 168 hours (AWS Backup ValidationWindowHours)"],
    ["validationWindowHours", 1.5, "a whole number from 0 to 168 hours (AWS Backup ValidationWindowHours)"],
  ] as const)("%s %p is outside AWS's limits: refused, naming the environment, the field and the range", (field, value, accepted) => {
    const msg = testsErrorOf(withTests({ [field]: value }));
    expect(msg).toContain('environment "dev"');
    expect(msg).toContain(`restoreTesting.${field}: got ${value}; accepted: ${accepted}`);
  });

  test.each([
    ["restoreTesting.startWindowHours", { startWindowHours: 1 }],
    ["restoreTesting.startWindowHours", { startWindowHours: 168 }],
    ["restoreTesting.selectionWindowDays", { selectionWindowDays: 1 }],
    ["restoreTesting.selectionWindowDays", { selectionWindowDays: 365 }],
    ["restoreTesting.validationWindowHours", { validationWindowHours: 0 }],
    ["restoreTesting.validationWindowHours", { validationWindowHours: 168 }],
  ] as const)("%s at a limit passes (%p)", (_field, value) => {
    expectCheckPasses(checkRestoreTesting, withTests(value));
  });

  test.each([
    "cron(0 9 * * ? *)", // daily
    "cron(0 9 ? * TUE *)", // weekly
    "cron(0 9 31 * ? *)", // not every month has a 31st
    "cron(0 9 ? * TUE#5 *)", // nor a fifth Tuesday
    "cron(0 9 1 1 ? *)", // yearly
    "rate(30 days)",
    "0 9 1 * *",
  ])("schedule %p is not once a month: refused", (schedule) => {
    const msg = testsErrorOf(withTests({ schedule }));
    expect(msg).toContain(`restoreTesting.schedule: got ${JSON.stringify(schedule)}; accepted: an AWS cron expression (UTC) running once a month`);
  });

  test.each(["cron(0 9 1 * ? *)", "cron(30 23 28 * ? *)", "cron(0 9 ? * 3#2 *)", "cron(0 6 ? * MON#4 *)"])("schedule %p (monthly) passes", (schedule) => {
    expectCheckPasses(checkRestoreTesting, withTests({ schedule }));
  });

  test("a bad value stops synth with the same message (resolveEnvironment)", () => {
    expect(() => resolveEnvironment(withTests({ startWindowHours: 200 }, loadableAlone(staging)))).toThrow(
      /environment "staging"[\s\S]*restoreTesting\.startWindowHours: got 200; accepted: a whole number from 1 to 168 hours/,
    );
  });
});
