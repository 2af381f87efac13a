/**
 * Validation of the `dr` section of an environment file (modules/dr): what is replicated to
 * `drRegion`, and whether the configured mechanisms meet the section's recovery point
 * objectives. Called through ENVIRONMENT_CHECKS; every problem names the field, what it got
 * and what is accepted.
 */
import { DAILY_COPY_RPO_MINUTES } from "../../modules/backup";
import { REPLICA_IDLE_LAG_SECONDS, REPLICA_LAG_ALARM, REPLICA_MIN_RPO_MINUTES } from "../../modules/monitoring";
import { DR_MECHANISM_RPO_MINUTES, RDS_REPLICATED_BACKUP_RETENTION } from "../../variables/aws-catalog";
import { SECRETS } from "../../variables/secrets";
import { BUCKETS, BucketPurpose } from "../../variables/storage";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/** Longest recovery point objective accepted (minutes): a week, well past a daily copy's. */
export const MAX_RPO_MINUTES = 7 * 24 * 60;

/**
 * Buckets `dr.buckets` may replicate: versioned (always, or when replicated), and not the
 * backups bucket, which `backup.replicateBackupsBucket` replicates (a bucket has one
 * replication configuration).
 */
export const REPLICABLE_PURPOSES: readonly BucketPurpose[] = BUCKETS.filter((b) => b.versioned !== false && b.purpose !== "backups").map((b) => b.purpose);

/** How one component reaches the DR region, and the most writes a region failure can lose with it. */
export interface RecoveryMechanism {
  /** The mechanism, as the environment file configures it. */
  readonly mechanism: string;
  /** Worst-case recovery point (minutes) and its source. @default undefined (no bound) */
  readonly rpo?: { readonly minutes: number; readonly source: string };
}

/**
 * What copies the databases to `drRegion`: the read replicas of the environment standing by for
 * `cfg` (`standby`, when it has `standby.readReplicas`), else replicated automated backups,
 * else AWS Backup's daily copies, else nothing. Promoted replicas count: they kept the objective
 * up to the failover that promoted them.
 */
export function databaseRecovery(cfg: EnvironmentConfig, standby?: EnvironmentConfig): RecoveryMechanism {
  if (standby?.standby?.readReplicas) {
    const { periodSeconds, evaluationPeriods } = REPLICA_LAG_ALARM;
    return {
      mechanism: `cross-region read replicas (${standby.name}'s standby.readReplicas)`,
      rpo: {
        minutes: REPLICA_MIN_RPO_MINUTES,
        source:
          "asynchronous, no AWS bound: their ReplicaLag alarm pages once the lag stays above the objective for " +
          `${(periodSeconds * evaluationPeriods) / 60} minutes, never below ${REPLICA_IDLE_LAG_SECONDS} s, the lag an idle source shows (modules/monitoring REPLICA_LAG_ALARM, REPLICA_IDLE_LAG_SECONDS)`,
      },
    };
  }
  if (cfg.dr?.databaseBackups) {
    return {
      mechanism: "RDS automated backups replication (dr.databaseBackups)",
      rpo: { minutes: DR_MECHANISM_RPO_MINUTES.rdsBackupReplication, source: "transaction logs copied asynchronously, 5-30 minutes behind per AWS" },
    };
  }
  if (cfg.backup.copyToRegion !== undefined) {
    return {
      mechanism: "AWS Backup's daily copies (backup.copyToRegion)",
      rpo: { minutes: DAILY_COPY_RPO_MINUTES, source: "one recovery point a day, plus the backup job windows" },
    };
  }
  return { mechanism: "nothing copied to drRegion (neither dr.databaseBackups nor backup.copyToRegion)" };
}

/** What copies the buckets of `dr.buckets` to `drRegion`. */
export function objectStorageRecovery(cfg: EnvironmentConfig): RecoveryMechanism {
  const buckets = cfg.dr?.buckets;
  if (!buckets) return { mechanism: "nothing replicated (no dr.buckets)" };
  if (buckets.replicationTimeControl === true) {
    return {
      mechanism: "S3 replication with Replication Time Control",
      rpo: { minutes: DR_MECHANISM_RPO_MINUTES.s3ReplicationTimeControl, source: "SLA: 99.99 % of objects within 15 minutes" },
    };
  }
  return { mechanism: "S3 replication without Replication Time Control (most objects within 15 minutes, some hours later)" };
}

/** `target` is a whole number of minutes the mechanism guarantees; `remedy` says what would meet a lower one. */
function checkObjective(c: Checker, field: string, target: number, recovery: RecoveryMechanism, remedy: string): void {
  if (!c.intRange(field, target, 1, MAX_RPO_MINUTES, "minutes")) return;
  const rpo = recovery.rpo;
  if (rpo === undefined) c.fail(field, target, `an objective only with a bounded mechanism: ${recovery.mechanism} guarantees no recovery point; ${remedy}`);
  else if (target < rpo.minutes) c.fail(field, target, `at least ${rpo.minutes} minutes, what ${recovery.mechanism} may lose (${rpo.source}); ${remedy}`);
}

/**
 * `dr.rpoMinutes.database` against the best mechanism of `cfg` and of the environment standing
 * by for it (`standby`, when loaded with it: environments/config.ts `loadEnvironments`).
 */
export function checkDatabaseObjective(c: Checker, cfg: EnvironmentConfig, standby: EnvironmentConfig | undefined): void {
  if (cfg.dr === undefined) return;
  checkObjective(
    c,
    "dr.rpoMinutes.database",
    cfg.dr.rpoMinutes.database,
    databaseRecovery(cfg, standby),
    `dr.databaseBackups bounds it at ${DR_MECHANISM_RPO_MINUTES.rdsBackupReplication} minutes; down to ${REPLICA_MIN_RPO_MINUTES}, ` +
      `an environment standing by for ${cfg.name} (standby.primary "${cfg.name}") with standby.readReplicas, loaded with it: a cross-region read replica per database (modules/dr/README.md)`,
  );
}

/** Each of `values` from `allowed`, each once. */
function checkList(c: Checker, field: string, values: readonly string[], allowed: readonly string[], describe: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (!allowed.includes(v)) c.fail(`${field}[${i}]`, v, `${describe}: ${allowed.join(", ")}`);
    else if (seen.has(v)) c.fail(`${field}[${i}]`, v, `each at most once (it is listed twice)`);
    seen.add(v);
  });
}

export function checkDr(c: Checker, cfg: EnvironmentConfig): void {
  const dr = cfg.dr;
  if (dr === undefined) return;
  if (cfg.drRegion === undefined) {
    c.fail("drRegion", cfg.drRegion, `a region other than region (${cfg.region}) when dr is set: every replica is made there, through the aws.dr provider`);
    return;
  }
  if (dr.databaseBackups) {
    const r = RDS_REPLICATED_BACKUP_RETENTION;
    c.intRange("dr.databaseBackups.retentionDays", dr.databaseBackups.retentionDays, r.min, r.max, "days (RDS's automated backup retention)");
  }
  if (dr.buckets) {
    if (dr.buckets.purposes.length === 0) c.fail("dr.buckets.purposes", [], `at least one of ${REPLICABLE_PURPOSES.join(", ")}, or no dr.buckets`);
    checkList(
      c,
      "dr.buckets.purposes",
      dr.buckets.purposes,
      REPLICABLE_PURPOSES,
      "a versioned bucket of variables/storage.ts other than backups (backup.replicateBackupsBucket replicates it)",
    );
    c.boolean("dr.buckets.replicationTimeControl", dr.buckets.replicationTimeControl);
    c.boolean("dr.buckets.mediaOriginFailover", dr.buckets.mediaOriginFailover);
    if (dr.buckets.mediaOriginFailover === true && !dr.buckets.purposes.includes("media")) {
      c.fail("dr.buckets.mediaOriginFailover", true, 'false unless "media" is among dr.buckets.purposes: the failover origin is the media replica');
    }
  }
  c.boolean("dr.images", dr.images);
  checkList(
    c,
    "dr.secrets",
    dr.secrets,
    SECRETS.map((s) => s.path),
    "a secret path of variables/secrets.ts",
  );

  // Down to what a standby's read replicas guard; between that and this environment's own
  // mechanism, loadEnvironments decides (checkDatabaseObjective), seeing the standby.
  const target = dr.rpoMinutes.database;
  const own = databaseRecovery(cfg).rpo;
  if (target >= REPLICA_MIN_RPO_MINUTES && (own === undefined || target < own.minutes))
    c.intRange("dr.rpoMinutes.database", target, 1, MAX_RPO_MINUTES, "minutes");
  else checkDatabaseObjective(c, cfg, undefined);
  checkObjective(
    c,
    "dr.rpoMinutes.objectStorage",
    dr.rpoMinutes.objectStorage,
    objectStorageRecovery(cfg),
    `dr.buckets with replicationTimeControl true bounds it at ${DR_MECHANISM_RPO_MINUTES.s3ReplicationTimeControl} minutes; no S3 mechanism has a lower bound`,
  );
}
