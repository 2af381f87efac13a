/**
 * Validation of the `database` section of an environment file (modules/rds): engine,
 * instance classes, storage, backups, monitoring, the proxy and per-service overrides.
 */
import {
  RDS_BACKUP_RETENTION,
  RDS_GP3_STORAGE_GIB,
  RDS_MONITORING_INTERVALS,
  RDS_POSTGRES_INSTANCE_CLASSES,
  RDS_POSTGRES_MAJOR_VERSIONS,
  isValidPerformanceInsightsRetention,
} from "../../variables/aws-catalog";
import { DATABASE_SERVICES, SERVICE_NAMES } from "../../variables/services";
import type { Checker } from "../../variables/validation";
import type { DatabaseOverride, EnvironmentConfig } from "../types";

function checkOverrides(c: Checker, overrides: readonly DatabaseOverride[]): void {
  const seen = new Set<string>();
  const dbServices = DATABASE_SERVICES.map((s) => s.name);
  overrides.forEach((o, i) => {
    const field = `database.overrides[${i}].service`;
    if (!SERVICE_NAMES.includes(o.service)) {
      c.fail(field, o.service, `a service from variables/services.ts that owns a database: ${dbServices.join(", ")}`);
    } else if (!dbServices.includes(o.service)) {
      c.fail(field, o.service, `a service that owns a database: ${dbServices.join(", ")}`);
    }
    if (seen.has(o.service)) c.fail(field, o.service, "each service at most once (it is listed twice)");
    seen.add(o.service);
  });
}

/** Checks `cfg.database`. */
export function checkDatabase(c: Checker, cfg: EnvironmentConfig): void {
  const db = cfg.database;
  c.oneOf(
    "database.engineVersion",
    db.engineVersion,
    RDS_POSTGRES_MAJOR_VERSIONS,
    `a PostgreSQL major version RDS supports: ${RDS_POSTGRES_MAJOR_VERSIONS.join(", ")}`,
  );
  checkOverrides(c, db.overrides ?? []);
  for (const [i, o] of [{ service: "*", ...db }, ...(db.overrides ?? [])].entries()) {
    const field = i === 0 ? "database" : `database.overrides[${i - 1}]`;
    if (o.instanceClass !== undefined) {
      c.oneOf(
        `${field}.instanceClass`,
        o.instanceClass,
        RDS_POSTGRES_INSTANCE_CLASSES,
        "an RDS for PostgreSQL instance class such as db.t4g.micro, db.m7g.large or db.r6g.large (see variables/aws-catalog.ts)",
      );
    }
    const storage = RDS_GP3_STORAGE_GIB;
    if (o.allocatedStorageGb !== undefined) c.intRange(`${field}.allocatedStorageGb`, o.allocatedStorageGb, storage.min, storage.max, "GiB (gp3)");
    if (o.maxAllocatedStorageGb !== undefined) c.intRange(`${field}.maxAllocatedStorageGb`, o.maxAllocatedStorageGb, storage.min, storage.max, "GiB (gp3)");
  }
  c.ordered("database.allocatedStorageGb", db.allocatedStorageGb, "database.maxAllocatedStorageGb", db.maxAllocatedStorageGb);
  (db.overrides ?? []).forEach((o, i) => {
    if (o.allocatedStorageGb === undefined && o.maxAllocatedStorageGb === undefined) return;
    const low = o.allocatedStorageGb ?? db.allocatedStorageGb;
    const high = o.maxAllocatedStorageGb ?? db.maxAllocatedStorageGb;
    c.ordered(`database.overrides[${i}].allocatedStorageGb`, low, `database.overrides[${i}].maxAllocatedStorageGb`, high);
  });
  // At least 1: RDS's 0 turns automated backups (and point-in-time restore) off.
  c.intRange("database.backupRetentionDays", db.backupRetentionDays, 1, RDS_BACKUP_RETENTION.max, "days (RDS's limit; longer retention belongs to AWS Backup)");
  c.oneOf("database.monitoringIntervalSeconds", db.monitoringIntervalSeconds, RDS_MONITORING_INTERVALS);
  if (!isValidPerformanceInsightsRetention(db.performanceInsightsRetentionDays)) {
    c.fail("database.performanceInsightsRetentionDays", db.performanceInsightsRetentionDays, "7, 731, or a multiple of 31 up to 713 (days)");
  }
  c.intRange("database.proxy.maxConnectionsPercent", db.proxy.maxConnectionsPercent, 1, 100, "%");
  if (!Number.isInteger(db.masterPasswordVersion) || db.masterPasswordVersion < 1) {
    c.fail("database.masterPasswordVersion", db.masterPasswordVersion, "a whole number of at least 1 (raise it by one to rotate the master passwords)");
  }
  c.boolean("database.multiAz", db.multiAz);
  c.boolean("database.proxy.enabled", db.proxy.enabled);
}
