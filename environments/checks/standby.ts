/**
 * Validation of the `standby` section of an environment file: the environment a standby takes
 * over from, what it restores from when it runs, and what a warm standby (running on replicas
 * that still follow) turns off because nothing may write. What relates it to its
 * primary (account, region, zone) is checked by loadEnvironments (environments/config.ts),
 * which sees both. Every problem names the field, what it got and what is accepted.
 */
import { RDS_AUTOMATED_BACKUPS_ARN, RDS_POSTGRES_INSTANCE_CLASSES } from "../../variables/aws-catalog";
import { ENVIRONMENT_NAMES } from "../../variables/project";
import { DATABASE_SERVICES } from "../../variables/services";
import type { Checker } from "../../variables/validation";
import { type EnvironmentConfig, isWarmStandby } from "../types";

/** What `standby.applicationSecrets` accepts (environments/types.ts StandbyConfig). */
export const APPLICATION_SECRETS_SOURCES = ["own", "primary"] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** How to list what `standby.restoreFrom` takes, for messages. */
export function describeRestoreSource(region: string, accountId: string): string {
  return (
    `arn:aws:rds:${region}:${accountId}:auto-backup:ab-... (the primary's replicated automated backup of that service, ` +
    `aws rds describe-db-instance-automated-backups --region ${region}; docs/runbooks/region-failure.md)`
  );
}

/** Checks `cfg.standby`: its primary, the pilot-light switch, and a restore source per database when it runs. */
export function checkStandby(c: Checker, cfg: EnvironmentConfig): void {
  const s = cfg.standby;
  if (s === undefined) return;
  if (!isObject(s)) {
    c.fail("standby", s, "{ primary, pilotLight, applicationSecrets?, restoreFrom?, readReplicas? } (environments/types.ts StandbyConfig), or none");
    return;
  }
  const primaries = ENVIRONMENT_NAMES.filter((n) => n !== cfg.name);
  c.oneOf("standby.primary", s.primary, primaries, `another environment: ${primaries.join(", ")}`);
  c.boolean("standby.pilotLight", s.pilotLight);
  if (s.applicationSecrets !== undefined) {
    c.oneOf(
      "standby.applicationSecrets",
      s.applicationSecrets,
      APPLICATION_SECRETS_SOURCES,
      `${APPLICATION_SECRETS_SOURCES.map((v) => JSON.stringify(v)).join(" or ")} (environments/types.ts StandbyConfig), or none ("own")`,
    );
  }
  // A standby is the DR side: nothing of it is copied further, and the zone is its primary's.
  if (cfg.drRegion !== undefined) c.fail("drRegion", cfg.drRegion, "none in a standby: it is its primary's DR region, nothing of it is replicated further");
  if (cfg.dr !== undefined) c.fail("dr", cfg.dr, "none in a standby: it holds its primary's replicas, and nothing of it is replicated further");
  if (cfg.dns.parentZoneName !== undefined) {
    c.fail("dns.parentZoneName", cfg.dns.parentZoneName, "none in a standby: it writes into its primary's zone (dns.zoneName), which the primary delegates");
  }
  if (cfg.dns.dnssec !== false) c.fail("dns.dnssec", cfg.dns.dnssec, "false in a standby: the primary owns and signs the zone");

  const services = DATABASE_SERVICES.map((d) => d.name);
  const sources = s.restoreFrom;
  const accepted = describeRestoreSource(cfg.region, cfg.accountId);
  if (sources !== undefined && !isObject(sources)) {
    c.fail("standby.restoreFrom", sources, `an object by service (${services.join(", ")}) of ${accepted}`);
    return;
  }
  for (const [service, arn] of Object.entries(sources ?? {})) {
    const field = `standby.restoreFrom.${service}`;
    if (!services.includes(service)) {
      c.fail(field, arn, `only the services that own a database: ${services.join(", ")}`);
      continue;
    }
    const m = typeof arn === "string" ? RDS_AUTOMATED_BACKUPS_ARN.exec(arn) : null;
    if (!m) c.fail(field, arn, accepted);
    else if (m[1] !== cfg.region)
      c.fail(field, arn, `a backup in this environment's region (${cfg.region}): a database restores from a backup in its own region; ${accepted}`);
    else if (m[2] !== cfg.accountId) c.fail(field, arn, `a backup in this environment's account (${cfg.accountId}); ${accepted}`);
  }
  const replicas = s.readReplicas;
  if (replicas !== undefined) {
    checkReadReplicas(c, replicas);
    if (isObject(replicas) && isWarmStandby(s)) checkWarmStandby(c, cfg);
    // One source per database: the replica it is, or the backups it is restored from.
    if (sources !== undefined) {
      c.fail(
        "standby.restoreFrom",
        sources,
        "none while standby.readReplicas is set (each database is its read replica); to restore from the replicated backups instead " +
          "(a corruption the replicas copied, a broken replication), remove standby.readReplicas first (docs/runbooks/region-failure.md)",
      );
    }
    return;
  }
  if (s.pilotLight === false) {
    for (const service of services.filter((svc) => sources?.[svc] === undefined)) {
      c.fail(
        `standby.restoreFrom.${service}`,
        undefined,
        `with standby.pilotLight false and no standby.readReplicas the ${service} database is restored, not created empty: ${accepted}`,
      );
    }
  }
}

/** `standby.readReplicas`: the class and AZs while following, and whether promoted. */
function checkReadReplicas(c: Checker, r: unknown): void {
  if (!isObject(r)) {
    c.fail("standby.readReplicas", r, "{ instanceClass, multiAz, promoted } (environments/types.ts ReadReplicaConfig), or none");
    return;
  }
  c.oneOf(
    "standby.readReplicas.instanceClass",
    r.instanceClass as string,
    RDS_POSTGRES_INSTANCE_CLASSES,
    "an RDS for PostgreSQL instance class such as db.t4g.medium or db.r6g.large (see variables/aws-catalog.ts)",
  );
  c.boolean("standby.readReplicas.multiAz", r.multiAz);
  c.boolean("standby.readReplicas.promoted", r.promoted);
}

/** Why each warm-standby field must be off, for the messages. */
const WARM = "with standby.pilotLight false and standby.readReplicas.promoted false (a warm standby: the services read the replicas, nothing writes)";

/**
 * A running standby on replicas that still follow (a warm standby): what needs a writable
 * database is off, each by a field of the file, not inferred by a module. RDS Proxy targets
 * no read replica (RDS User Guide, "Limitations for RDS Proxy":
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html); the database user
 * Jobs run CREATE ROLE, which a replica refuses, and the users are there anyway (roles
 * replicate with the data); the application secrets are the primary's replicas in this
 * region, the only ones with values before a failover.
 */
function checkWarmStandby(c: Checker, cfg: EnvironmentConfig): void {
  if (cfg.database.proxy?.enabled !== false) {
    c.fail(
      "database.proxy.enabled",
      cfg.database.proxy?.enabled,
      `false ${WARM}: RDS Proxy targets no read replica (RDS User Guide, Amazon RDS Proxy, limitations); or promote the replicas (docs/runbooks/region-failure.md)`,
    );
  }
  if (cfg.workloads.databaseUserJobs !== false) {
    c.fail(
      "workloads.databaseUserJobs",
      cfg.workloads.databaseUserJobs,
      `false ${WARM}: a read replica refuses CREATE ROLE, and the users are there already (PostgreSQL roles replicate with the data)`,
    );
  }
  if (cfg.standby?.applicationSecrets !== "primary") {
    c.fail(
      "standby.applicationSecrets",
      cfg.standby?.applicationSecrets,
      `"primary" ${WARM}: the services run before any failover, and only the primary's replicated secrets have values then`,
    );
  }
}
