/**
 * Validation of the `standby` section of an environment file: the environment a pilot-light
 * standby takes over from, and what it restores from when it runs. What relates it to its
 * primary (account, region, zone) is checked by loadEnvironments (environments/config.ts),
 * which sees both. Every problem names the field, what it got and what is accepted.
 */
import { RDS_AUTOMATED_BACKUPS_ARN, RDS_POSTGRES_INSTANCE_CLASSES } from "../../variables/aws-catalog";
import { ENVIRONMENT_NAMES } from "../../variables/project";
import { DATABASE_SERVICES } from "../../variables/services";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

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
    c.fail("standby", s, "{ primary, pilotLight, restoreFrom?, readReplicas? } (environments/types.ts StandbyConfig), or none");
    return;
  }
  const primaries = ENVIRONMENT_NAMES.filter((n) => n !== cfg.name);
  c.oneOf("standby.primary", s.primary, primaries, `another environment: ${primaries.join(", ")}`);
  c.boolean("standby.pilotLight", s.pilotLight);
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
    checkReadReplicas(c, replicas, s.pilotLight);
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

/** `standby.readReplicas`: the class and AZs while following, and whether promoted (which a running standby needs). */
function checkReadReplicas(c: Checker, r: unknown, pilotLight: unknown): void {
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
  if (c.boolean("standby.readReplicas.promoted", r.promoted) && pilotLight === false && r.promoted === false) {
    c.fail(
      "standby.readReplicas.promoted",
      r.promoted,
      "true with standby.pilotLight false: the services write to their databases, a read replica is read-only and RDS Proxy targets none " +
        "(promote them in the same change, docs/runbooks/region-failure.md step 4)",
    );
  }
}
