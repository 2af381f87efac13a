/**
 * The one place environment files are validated and resolved (derived values filled
 * in). main.ts calls `loadEnvironments()` before building any stack, so a bad value
 * stops synth with a single ConfigError and nothing is written.
 */
import { IAM_ROLE_ARN, rdsInstanceMemoryGib } from "../variables/aws-catalog";
import { overlaps, parseCidr } from "../variables/cidr";
import { EnvironmentName, names } from "../variables/project";
import { DATABASE_SERVICES } from "../variables/services";
import { PLATFORM_OWNER, PLATFORM_STACK_SECRET_PATHS, SECRETS } from "../variables/secrets";
import { ConfigError, Checker } from "../variables/validation";
import { ENVIRONMENT_CHECKS } from "./checks";
import { networkLayout } from "./checks/network";
import { checkDatabaseObjective } from "./checks/dr";
import { checkShape } from "./checks/shape";
import { type EnvironmentConfig, type SubnetLayout, isWarmStandby } from "./types";

/** One service database with the environment's defaults and overrides applied. */
export interface ResolvedDatabase {
  readonly service: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  /**
   * The replicated automated backups a running standby restores this database from
   * (`standby.restoreFrom`). @default none (a new, empty database; nothing in a pilot light)
   */
  readonly restoreFrom?: string;
  /**
   * This database is a cross-region read replica of the primary's instance of the same service
   * (`standby.readReplicas`): following it (`instanceClass` is then the replicas') or promoted.
   * @default none
   */
  readonly readReplica?: { readonly promoted: boolean };
}

/** What a standby's stack needs of its primary (filled by `loadEnvironments`). */
export interface PrimaryOfStandby {
  readonly name: EnvironmentName;
  /** The primary's region: where its instances, the replicas' sources, live. */
  readonly region: string;
  /** The primary's `dr.rpoMinutes.database`: the replica lag alarm's threshold derives from it. @default none (no dr section) */
  readonly databaseRpoMinutes?: number;
}

/** Where an environment writes its delegation records: the parent zone, its account and the role assumed there. */
export interface ParentZoneAccess {
  readonly zoneName: string;
  readonly accountId: string;
  readonly roleArn: string;
  /** The environment owning the zone, when this project manages it. @default none (an outside zone) */
  readonly ownerEnvironment?: EnvironmentName;
}

/** A zone of another environment, delegated from this environment's zone. */
export interface DelegatedZone {
  readonly zoneName: string;
  readonly environment: EnvironmentName;
  /** The account that writes the delegation records (and assumes `names.dnsDelegationRole`). */
  readonly accountId: string;
}

/** An environment after validation, with derived values filled in. */
export interface ResolvedEnvironment extends EnvironmentConfig {
  /** Availability-zone IDs used, in order (subnet i sits in azIds[i]). */
  readonly azIds: readonly string[];
  readonly subnets: SubnetLayout;
  readonly databases: readonly ResolvedDatabase[];
  /**
   * The parent zone's account and role, when `dns.parentZoneName` is set: from
   * `dns.parentZoneRoleArn`, or resolved by `loadEnvironments` from the owning environment.
   * @default none
   */
  readonly parentZone?: ParentZoneAccess;
  /** Zones of other environments delegated from this one's zone (filled by `loadEnvironments`). @default [] */
  readonly delegatedZones: readonly DelegatedZone[];
  /** A standby's primary, when loaded with it (filled by `loadEnvironments`). @default none */
  readonly primary?: PrimaryOfStandby;
}

function resolveDatabases(cfg: EnvironmentConfig): ResolvedDatabase[] {
  const db = cfg.database;
  return DATABASE_SERVICES.map((s) => {
    const o = db.overrides?.find((x) => x.service === s.name);
    const restoreFrom = cfg.standby?.pilotLight === false ? cfg.standby.restoreFrom?.[s.name] : undefined;
    const replicas = cfg.standby?.readReplicas;
    return {
      service: s.name,
      // A following replica has the replicas' class; a promoted one the database's.
      instanceClass: replicas && !replicas.promoted ? replicas.instanceClass : (o?.instanceClass ?? db.instanceClass),
      allocatedStorageGb: o?.allocatedStorageGb ?? db.allocatedStorageGb,
      maxAllocatedStorageGb: o?.maxAllocatedStorageGb ?? db.maxAllocatedStorageGb,
      ...(restoreFrom ? { restoreFrom } : {}),
      ...(replicas ? { readReplica: { promoted: replicas.promoted } } : {}),
    };
  });
}

/** Validates one environment file; throws a ConfigError listing every problem. */
export function resolveEnvironment(cfg: EnvironmentConfig): ResolvedEnvironment {
  const c = new Checker(String(cfg?.name));
  checkShape(c, cfg, Object.keys(ENVIRONMENT_CHECKS));
  // The value checks read the sections: only once they are all there.
  c.done();
  // In field order; a check covering several fields (region and drRegion) runs once.
  for (const check of new Set(Object.values(ENVIRONMENT_CHECKS))) check(c, cfg);
  c.done();
  const roleArn = cfg.dns.parentZoneRoleArn;
  const parentZone = cfg.dns.parentZoneName && roleArn ? { zoneName: cfg.dns.parentZoneName, accountId: IAM_ROLE_ARN.exec(roleArn)![1], roleArn } : undefined;
  return { ...cfg, ...networkLayout(cfg), databases: resolveDatabases(cfg), parentZone, delegatedZones: [] };
}

/**
 * Validates every environment, then checks what relates them: names are unique, each
 * has its own account (GuardDuty, Security Hub and the GitHub OIDC provider exist once
 * per account), VPC CIDRs do not overlap (so the VPCs can be peered), and a parent zone is
 * either another environment's zone (whose delegation role is then used) or comes with
 * `dns.parentZoneRoleArn`; and a database objective below what an environment's own copies
 * hold is held by the read replicas of a standby loaded with it (`checkDatabaseObjective`).
 */
export function loadEnvironments(configs: readonly EnvironmentConfig[]): ResolvedEnvironment[] {
  const resolved = configs.map(resolveEnvironment);
  for (const [i, a] of resolved.entries()) {
    for (const b of resolved.slice(i + 1)) {
      if (a.name === b.name) throw new ConfigError(b.name, [`name: "${b.name}" is defined twice; accepted: each environment once`]);
      // A standby shares its primary's account (in another region: GuardDuty and Security Hub
      // are regional; it uses the primary's GitHub OIDC provider).
      const pair = a.standby?.primary === b.name || b.standby?.primary === a.name;
      if (a.accountId === b.accountId && !pair) {
        throw new ConfigError(b.name, [
          `accountId: ${b.accountId} is also environment "${a.name}"'s; accepted: an account of its own (GuardDuty, Security Hub and the GitHub OIDC provider exist once per account, so two environments in one account collide on them)`,
        ]);
      }
      if (overlaps(parseCidr(a.network.cidr)!, parseCidr(b.network.cidr)!)) {
        throw new ConfigError(b.name, [
          `network.cidr: ${b.network.cidr} overlaps environment "${a.name}" (${a.network.cidr}); accepted: a VPC CIDR no other environment uses, so VPCs can be peered`,
        ]);
      }
    }
  }
  for (const env of resolved) checkStandbyPair(env, resolved);
  // A standby serves its primary's zone but does not own it.
  const owners = resolved.filter((o) => o.standby === undefined);
  const withParents = resolved.map((env): ResolvedEnvironment => {
    const parentName = env.dns.parentZoneName;
    if (!parentName) return env;
    const owner = owners.find((o) => o.dns.zoneName === parentName);
    if (owner && env.dns.parentZoneRoleArn !== undefined) {
      throw new ConfigError(env.name, [
        `dns.parentZoneRoleArn: ${env.dns.parentZoneRoleArn} is set although environment "${owner.name}" owns ${parentName}; accepted: no role ARN (${owner.name}'s ${names.dnsDelegationRole(owner.name, env.name)} is used)`,
      ]);
    }
    if (owner) {
      const roleArn = `arn:aws:iam::${owner.accountId}:role/${names.dnsDelegationRole(owner.name, env.name)}`;
      return { ...env, parentZone: { zoneName: parentName, accountId: owner.accountId, roleArn, ownerEnvironment: owner.name } };
    }
    if (!env.parentZone) {
      throw new ConfigError(env.name, [
        `dns.parentZoneName: ${parentName} is no loaded environment's dns.zoneName (${owners.map((o) => o.dns.zoneName).join(", ")}) and dns.parentZoneRoleArn is not set; ` +
          "accepted: another environment's zone (load it too: its account and delegation role are used), or a role ARN in the account owning the zone (dns.parentZoneRoleArn)",
      ]);
    }
    return env;
  });
  // What a standby adds to its primary's objectives: its read replicas.
  for (const env of resolved) {
    const c = new Checker(env.name);
    checkDatabaseObjective(c, env, standbyOf(env, resolved));
    c.done();
  }
  return withParents.map((env) => {
    const primary = withParents.find((p) => p.name === env.standby?.primary);
    return {
      ...env,
      delegatedZones: withParents
        .filter((child) => child.parentZone?.ownerEnvironment === env.name)
        .map((child) => ({ zoneName: child.dns.zoneName, environment: child.name, accountId: child.accountId })),
      ...(primary ? { primary: { name: primary.name, region: primary.region, databaseRpoMinutes: primary.dr?.rpoMinutes.database } } : {}),
    };
  });
}

/**
 * The application secrets a standby reads with `standby.applicationSecrets` "primary": every
 * path a service owns or reads, and those the platform stack reads with data sources.
 */
export const STANDBY_READ_SECRET_PATHS: readonly string[] = SECRETS.filter(
  (d) => d.owner !== PLATFORM_OWNER || PLATFORM_STACK_SECRET_PATHS.includes(d.path),
).map((d) => d.path);

/** The loaded environment standing by for `env` (`standby.primary` naming it), if any. */
function standbyOf(env: ResolvedEnvironment, all: readonly ResolvedEnvironment[]): ResolvedEnvironment | undefined {
  return all.find((o) => o.standby?.primary === env.name);
}

/**
 * A standby and its primary, when both are loaded: the same account and zone, the standby in
 * the primary's DR region (where the primary replicates its data), the primary's failover
 * records, if any, sending there, and read replicas on their sources' version and storage. A
 * standby loaded without its primary is checked alone, and then has no read replicas.
 */
function checkStandbyPair(env: ResolvedEnvironment, all: readonly ResolvedEnvironment[]): void {
  const primaryName = env.standby?.primary;
  const primary = primaryName && all.find((o) => o.name === primaryName);
  if (!primary) {
    // A replica's source and its lag threshold are the primary's: nothing to build them from.
    if (env.standby?.readReplicas) {
      throw new ConfigError(env.name, [
        `standby.readReplicas: got ${JSON.stringify(env.standby.readReplicas)}; accepted: none unless its primary "${primaryName}" is loaded with it (each replica's source and lag threshold are the primary's)`,
      ]);
    }
    if (env.standby?.applicationSecrets === "primary") {
      throw new ConfigError(env.name, [
        `standby.applicationSecrets: got "primary"; accepted: "own" (or none) unless its primary "${primaryName}" is loaded with it (its dr.secrets must replicate what is read)`,
      ]);
    }
    return;
  }
  const problems: string[] = [];
  const need = (field: string, got: unknown, expected: unknown, why: string) => {
    if (got !== expected)
      problems.push(`${field}: got ${JSON.stringify(got ?? null)}; accepted: ${JSON.stringify(expected ?? null)} (${primary.name}'s), ${why}`);
  };
  if (primary.standby !== undefined) problems.push(`standby.primary: "${primary.name}" is itself a standby; accepted: an environment that is not`);
  need("accountId", env.accountId, primary.accountId, "the replicated backups, buckets, keys and secrets are in the primary's account");
  need("region", env.region, primary.drRegion, "its drRegion: where the primary replicates its data");
  need("dns.zoneName", env.dns.zoneName, primary.dns.zoneName, "the standby serves the primary's names");
  need("storage.bucketPrefix", env.storage.bucketPrefix, primary.storage.bucketPrefix, "the replicated buckets are named with the primary's prefix");
  // Both are encrypted with the primary's DR database key, which the primary makes with its replicated backups.
  for (const field of ["readReplicas", "restoreFrom"] as const) {
    if (env.standby?.[field] !== undefined && !primary.dr?.databaseBackups) {
      problems.push(
        `standby.${field}: got ${JSON.stringify(env.standby[field])}; accepted: none unless ${primary.name} sets dr.databaseBackups ` +
          `(its DR database key, ${names.drKmsAlias(primary.name, "database")} in ${env.region}, encrypts the standby's databases)`,
      );
    }
  }
  if (env.standby?.readReplicas) {
    const why = "a read replica runs its source's major version, on its source's storage";
    need("database.engineVersion", env.database.engineVersion, primary.database.engineVersion, why);
    for (const d of env.databases) {
      const p = primary.databases.find((x) => x.service === d.service);
      need(`database.allocatedStorageGb (${d.service})`, d.allocatedStorageGb, p?.allocatedStorageGb, why);
      need(`database.maxAllocatedStorageGb (${d.service})`, d.maxAllocatedStorageGb, p?.maxAllocatedStorageGb, why);
      // A promoted replica serves the primary's clients at once, before any scale-up: with less
      // memory its default max_connections is lower, and a full connection pool is refused.
      const memory = rdsInstanceMemoryGib(d.instanceClass);
      const sourceMemory = p && rdsInstanceMemoryGib(p.instanceClass);
      if (p && (memory === undefined || sourceMemory === undefined || memory < sourceMemory)) {
        problems.push(
          `standby.readReplicas.instanceClass (${d.service}): got "${d.instanceClass}" (${memory ?? "unknown"} GiB); accepted: a class with at least the memory of ` +
            `${primary.name}'s "${p.instanceClass}" (${sourceMemory ?? "unknown"} GiB): RDS for PostgreSQL's default max_connections follows memory, and a promoted replica takes its source's clients`,
        );
      }
    }
  }
  if (env.standby?.applicationSecrets === "primary") {
    const replicated = primary.dr?.secrets ?? [];
    const missing = STANDBY_READ_SECRET_PATHS.filter((p) => !replicated.includes(p));
    if (missing.length) {
      problems.push(
        `standby.applicationSecrets: got "primary" but ${primary.name}'s dr.secrets does not replicate ${missing.join(", ")}; accepted: "own", or every path the services and ` +
          `the platform stack read in ${primary.name}'s dr.secrets (${STANDBY_READ_SECRET_PATHS.join(", ")}): only replicated secrets exist in ${env.region}`,
      );
    }
  }
  // A warm standby's health check passes, and its failure leaves the PRIMARY without a failover
  // target: it must warn. A pilot light's fails by design: an alarm on it would never clear.
  const failover = primary.dns.failover;
  const warm = isWarmStandby(env.standby);
  if (failover && warm && failover.secondaryAlarm !== true) {
    problems.push(
      `${primary.name}'s dns.failover.secondaryAlarm: got ${JSON.stringify(failover.secondaryAlarm ?? null)}; accepted: true while ${env.name} is a warm standby ` +
        "(standby.pilotLight false, standby.readReplicas.promoted false): its health check passes, and its failure leaves no failover target",
    );
  }
  if (failover && env.standby?.pilotLight === true && failover.secondaryAlarm === true) {
    problems.push(
      `${primary.name}'s dns.failover.secondaryAlarm: got true; accepted: false (or none) while ${env.name} is a pilot light (standby.pilotLight true): its health check fails by design, the alarm would never clear`,
    );
  }
  const failoverTo = primary.dns.failover?.secondaryRegion;
  if (failoverTo !== undefined && failoverTo !== env.region) {
    problems.push(
      `region: got "${env.region}"; accepted: "${failoverTo}" (${primary.name}'s dns.failover.secondaryRegion), or that field changed: the SECONDARY record sends to the standby's region`,
    );
  }
  if (problems.length) throw new ConfigError(env.name, problems);
}

export type { EnvironmentName };
