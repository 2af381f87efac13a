import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { BackupConfig, EnvironmentConfig } from "../../environments/types";
import { VAULT_LOCK_MIN_RETENTION_DAYS, checkBackup, checkBackupLifecycle } from "../../environments/checks/backup";
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
