/**
 * Validation of the `durability` section of an environment file (environments/presets.ts):
 * each field in AWS's or Kubernetes' accepted range, and the settings that contradict it
 * elsewhere. Registered in ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { KMS_DELETION_WINDOW_DAYS, SECRETS_MANAGER_RECOVERY_WINDOW_DAYS } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

export function checkDurability(c: Checker, cfg: EnvironmentConfig): void {
  const d = cfg.durability;
  for (const field of ["deletionProtection", "finalSnapshots", "forceDestroy"] as const) {
    c.boolean(`durability.${field}`, d[field]);
  }
  c.intRange(
    "durability.keyDeletionWindowDays",
    d.keyDeletionWindowDays,
    KMS_DELETION_WINDOW_DAYS.min,
    KMS_DELETION_WINDOW_DAYS.max,
    "days (KMS ScheduleKeyDeletion)",
  );
  c.intRange(
    "durability.secretRecoveryWindowDays",
    d.secretRecoveryWindowDays,
    SECRETS_MANAGER_RECOVERY_WINDOW_DAYS.min,
    SECRETS_MANAGER_RECOVERY_WINDOW_DAYS.max,
    "days (Secrets Manager DeleteSecret)",
  );
  c.oneOf("durability.volumeReclaimPolicy", d.volumeReclaimPolicy, ["Delete", "Retain"]);
  c.oneOf("durability.traceStorage", d.traceStorage, ["memory", "badger"]);
  // A vault lock makes recovery points undeletable until they expire: force_destroy cannot empty it.
  if (cfg.backup.vaultLock === true && d.forceDestroy === true) {
    c.problem(
      "durability.forceDestroy (true) contradicts backup.vaultLock (true): a locked vault's recovery points cannot be deleted before they expire, so destroy would fail; accepted: forceDestroy false with a vault lock, or vaultLock false",
    );
  }
}
