/**
 * The one place environment files are validated and resolved (derived values filled
 * in). main.ts calls `loadEnvironments()` before building any stack, so a bad value
 * stops synth with a single ConfigError and nothing is written.
 */
import {
  AWS_ACCOUNT_ID,
  AWS_TAG_VALUE,
  CLOUDWATCH_RETENTION_DAYS,
  ELASTICACHE_NODES,
  ELASTICACHE_NODE_TYPES,
  ELASTICACHE_SNAPSHOT_RETENTION,
  IAM_ROLE_ARN,
  MIN_AVAILABILITY_ZONES,
  RDS_BACKUP_RETENTION,
  RDS_GP3_STORAGE_GIB,
  RDS_MONITORING_INTERVALS,
  RDS_POSTGRES_INSTANCE_CLASSES,
  RDS_POSTGRES_MAJOR_VERSIONS,
  REGIONS,
  S3_BUCKET_NAME,
  VALKEY_VERSIONS,
  VPC_CIDR_PREFIX,
  isValidPerformanceInsightsRetention,
} from "../variables/aws-catalog";
import { Cidr, cidrSubnet, contains, overlaps, parseCidr } from "../variables/cidr";
import { ENVIRONMENT_NAMES, EnvironmentName, names } from "../variables/project";
import { DATABASE_SERVICES, SERVICE_NAMES } from "../variables/services";
import { Checker, ConfigError, DNS_LABEL } from "../variables/validation";
import { checkAvailability } from "./checks/availability";
import { checkBackup } from "./checks/backup";
import { checkDelivery } from "./checks/delivery";
import { checkDurability } from "./checks/durability";
import { checkMonitoring } from "./checks/monitoring";
import { checkObservability } from "./checks/observability";
import { checkEdge } from "./checks/edge";
import { checkKubernetes } from "./checks/kubernetes";
import { checkPlatform } from "./checks/platform";
import { checkSecurity } from "./checks/security";
import { checkPlatformWorkloads } from "./checks/workloads";
import { parseCpuMillis, parseMemoryBytes } from "../variables/quantities";
import type { DatabaseOverride, EnvironmentConfig, SubnetLayout, WorkloadOverride, WorkloadSize } from "./types";

/** One service database with the environment's defaults and overrides applied. */
export interface ResolvedDatabase {
  readonly service: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
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
}

/** VPC prefix lengths accepted: from the largest VPC AWS allows (/16) to this project's floor, /24. */
const VPC_PREFIX = { min: VPC_CIDR_PREFIX.min, max: 24 } as const;
/** The derived layout splits the VPC in quarters: three private, the last for public and database. */
const DERIVED_LAYOUT_MAX_AZS = 3;

/**
 * Default subnet layout for a VPC: private subnets get a quarter of the VPC each
 * (pods take their IPs from them with the VPC CNI: a /18 in a /16 is 16k addresses),
 * public and database subnets are small slices of the last quarter.
 */
export function deriveSubnets(vpcCidr: string, azCount: number): SubnetLayout {
  const lastQuarter = cidrSubnet(vpcCidr, 2, 3);
  const range = [...Array(azCount).keys()];
  return {
    private: range.map((i) => cidrSubnet(vpcCidr, 2, i)),
    public: range.map((i) => cidrSubnet(lastQuarter, 6, i)),
    database: range.map((i) => cidrSubnet(lastQuarter, 6, 8 + i)),
  };
}

function checkNetwork(c: Checker, cfg: EnvironmentConfig): { azIds: string[]; subnets: SubnetLayout } | undefined {
  const azIds = REGIONS[cfg.region] ?? [];
  const vpc = parseCidr(cfg.network.cidr);
  if (!vpc || vpc.prefix < VPC_PREFIX.min || vpc.prefix > VPC_PREFIX.max) {
    c.fail("network.cidr", cfg.network.cidr, `an IPv4 network address in CIDR form a.b.c.d/n with n from ${VPC_PREFIX.min} to ${VPC_PREFIX.max}`);
  }
  // An unknown region is reported once (field "region"), not again as an AZ count it cannot have.
  const azOk = azIds.length === 0 || c.intRange("network.azCount", cfg.network.azCount, MIN_AVAILABILITY_ZONES, azIds.length, `(the usable AZs of ${cfg.region})`);
  c.oneOf("network.natGateways", cfg.network.natGateways, ["single", "one-per-az"]);
  if (!vpc || !azOk || azIds.length === 0) return undefined;

  let subnets = cfg.network.subnets;
  if (!subnets) {
    if (cfg.network.azCount > DERIVED_LAYOUT_MAX_AZS) {
      c.fail("network.subnets", undefined, `explicit subnet lists when network.azCount is above ${DERIVED_LAYOUT_MAX_AZS} (the derived layout covers up to ${DERIVED_LAYOUT_MAX_AZS} AZs)`);
      return undefined;
    }
    subnets = deriveSubnets(cfg.network.cidr, cfg.network.azCount);
  }

  const seen: Array<{ field: string; cidr: Cidr }> = [];
  for (const tier of ["public", "private", "database"] as const) {
    const list = subnets[tier] ?? [];
    if (list.length !== cfg.network.azCount) {
      c.fail(`network.subnets.${tier}`, list, `exactly ${cfg.network.azCount} CIDRs, one per availability zone (network.azCount)`);
    }
    list.forEach((text, i) => {
      const field = `network.subnets.${tier}[${i}]`;
      const sub = parseCidr(text);
      if (!sub || sub.prefix > VPC_CIDR_PREFIX.max) {
        c.fail(field, text, `an IPv4 network address in CIDR form a.b.c.d/n with n at most ${VPC_CIDR_PREFIX.max}`);
        return;
      }
      if (!contains(vpc, sub)) c.fail(field, text, `a block inside the VPC ${cfg.network.cidr}`);
      const clash = seen.find((s) => overlaps(s.cidr, sub));
      if (clash) c.problem(`${field}: ${text} overlaps ${clash.field} (${clash.cidr.text}); accepted: subnets that do not overlap`);
      seen.push({ field, cidr: sub });
    });
  }
  return { azIds: azIds.slice(0, cfg.network.azCount), subnets };
}

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

function resolveDatabases(cfg: EnvironmentConfig): ResolvedDatabase[] {
  const db = cfg.database;
  return DATABASE_SERVICES.map((s) => {
    const o = db.overrides?.find((x) => x.service === s.name);
    return {
      service: s.name,
      instanceClass: o?.instanceClass ?? db.instanceClass,
      allocatedStorageGb: o?.allocatedStorageGb ?? db.allocatedStorageGb,
      maxAllocatedStorageGb: o?.maxAllocatedStorageGb ?? db.maxAllocatedStorageGb,
    };
  });
}

function checkSize(c: Checker, field: string, size: WorkloadOverride, base: WorkloadSize): void {
  const replicas = size.replicas ?? base.replicas;
  const requests = { ...base.requests, ...size.requests };
  const limits = { ...base.limits, ...size.limits };
  if (size.replicas !== undefined) c.intRange(`${field}.replicas`, replicas, 1, 100);
  const quantities: Array<[string, string, (q: string) => number | undefined, string]> = [
    ["requests.cpu", requests.cpu, parseCpuMillis, 'a Kubernetes CPU quantity such as "500m" or "1"'],
    ["limits.cpu", limits.cpu, parseCpuMillis, 'a Kubernetes CPU quantity such as "500m" or "1"'],
    ["requests.memory", requests.memory, parseMemoryBytes, 'a Kubernetes memory quantity such as "512Mi" or "1Gi"'],
    ["limits.memory", limits.memory, parseMemoryBytes, 'a Kubernetes memory quantity such as "512Mi" or "1Gi"'],
  ];
  const parsed = new Map<string, number | undefined>();
  for (const [name, q, parse, accepted] of quantities) {
    const v = parse(q);
    parsed.set(name, v);
    if (v === undefined) c.fail(`${field}.${name}`, q, accepted);
  }
  for (const r of ["cpu", "memory"] as const) {
    const [req, lim] = [parsed.get(`requests.${r}`), parsed.get(`limits.${r}`)];
    if (req !== undefined && lim !== undefined && req > lim) {
      c.problem(`${field}.requests.${r} (${requests[r]}) exceeds ${field}.limits.${r} (${limits[r]}); accepted: requests <= limits`);
    }
  }
}

function checkWorkloads(c: Checker, cfg: EnvironmentConfig): void {
  const w = cfg.workloads;
  c.matches("workloads.imageTag", w.imageTag, /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an OCI image tag (letters, digits, _ . -; at most 128 characters)");
  c.intRange("workloads.defaults.replicas", w.defaults.replicas, 1, 100);
  checkSize(c, "workloads.defaults", w.defaults, w.defaults);
  for (const [name, size] of Object.entries(w.overrides ?? {})) {
    if (!SERVICE_NAMES.includes(name)) c.fail("workloads.overrides", name, `service names from variables/services.ts: ${SERVICE_NAMES.join(", ")}`);
    else checkSize(c, `workloads.overrides.${name}`, size ?? {}, w.defaults);
  }
  const a = w.autoscaling;
  c.intRange("workloads.autoscaling.minReplicas", a.minReplicas, 1, 1000);
  c.intRange("workloads.autoscaling.maxReplicas", a.maxReplicas, 1, 1000);
  c.ordered("workloads.autoscaling.minReplicas", a.minReplicas, "workloads.autoscaling.maxReplicas", a.maxReplicas);
  c.intRange("workloads.autoscaling.cpuUtilizationPercent", a.cpuUtilizationPercent, 1, 100, "%");
  c.intRange("workloads.autoscaling.memoryUtilizationPercent", a.memoryUtilizationPercent, 1, 100, "%");
}

/** Validates one environment file; throws a ConfigError listing every problem. */
export function resolveEnvironment(cfg: EnvironmentConfig): ResolvedEnvironment {
  const c = new Checker(String(cfg.name));
  c.oneOf("name", cfg.name, ENVIRONMENT_NAMES);
  c.matches("accountId", cfg.accountId, AWS_ACCOUNT_ID, "a 12-digit AWS account id");
  const regions = Object.keys(REGIONS);
  const acceptedRegions = `a commercial region of variables/aws-catalog.ts (REGIONS): ${regions.join(", ")}`;
  c.oneOf("region", cfg.region, regions, acceptedRegions);
  if (cfg.drRegion !== undefined) {
    c.oneOf("drRegion", cfg.drRegion, regions, acceptedRegions);
    if (cfg.drRegion === cfg.region) c.fail("drRegion", cfg.drRegion, `a region other than region (${cfg.region})`);
  }
  const tagValue = "a tag value (1-256 letters, digits, spaces and _ . : / = + - @)";
  c.matches("owner", cfg.owner, AWS_TAG_VALUE, tagValue);
  c.matches("costCenter", cfg.costCenter, AWS_TAG_VALUE, tagValue);

  const network = checkNetwork(c, cfg);

  const db = cfg.database;
  c.oneOf("database.engineVersion", db.engineVersion, RDS_POSTGRES_MAJOR_VERSIONS, `a PostgreSQL major version RDS supports: ${RDS_POSTGRES_MAJOR_VERSIONS.join(", ")}`);
  checkOverrides(c, db.overrides ?? []);
  for (const [i, o] of [{ service: "*", ...db }, ...(db.overrides ?? [])].entries()) {
    const field = i === 0 ? "database" : `database.overrides[${i - 1}]`;
    if (o.instanceClass !== undefined) {
      c.oneOf(`${field}.instanceClass`, o.instanceClass, RDS_POSTGRES_INSTANCE_CLASSES, "an RDS for PostgreSQL instance class such as db.t4g.micro, db.m7g.large or db.r6g.large (see variables/aws-catalog.ts)");
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

  const cache = cfg.cache;
  c.oneOf("cache.engineVersion", cache.engineVersion, Object.keys(VALKEY_VERSIONS), `a Valkey version ElastiCache offers: ${Object.keys(VALKEY_VERSIONS).join(", ")}`);
  c.oneOf("cache.nodeType", cache.nodeType, ELASTICACHE_NODE_TYPES, "an ElastiCache node type such as cache.t4g.micro or cache.r7g.large (see variables/aws-catalog.ts)");
  c.intRange("cache.nodes", cache.nodes, ELASTICACHE_NODES.min, ELASTICACHE_NODES.max, `(a primary and up to ${ELASTICACHE_NODES.max - 1} replicas)`);
  c.intRange("cache.snapshotRetentionDays", cache.snapshotRetentionDays, ELASTICACHE_SNAPSHOT_RETENTION.min, ELASTICACHE_SNAPSHOT_RETENTION.max, "days");

  c.matches("storage.bucketPrefix", cfg.storage.bucketPrefix, DNS_LABEL, "a lower-case DNS label (letters, digits, hyphens; starts and ends with a letter or digit)");
  const longest = `${cfg.storage.bucketPrefix}-artifacts-${cfg.name}`;
  if (cfg.storage.bucketPrefix && !S3_BUCKET_NAME.test(longest)) {
    c.fail("storage.bucketPrefix", cfg.storage.bucketPrefix, `a prefix that keeps bucket names valid (the longest is "${longest}", at most 63 characters)`);
  }
  c.intRange("storage.logExpirationDays", cfg.storage.logExpirationDays, 1, 3650, "days");
  c.oneOf("logRetentionDays", cfg.logRetentionDays, CLOUDWATCH_RETENTION_DAYS, `a retention CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} (days)`);
  checkWorkloads(c, cfg);
  checkPlatformWorkloads(c, cfg);

  checkEdge(c, cfg);
  checkKubernetes(c, cfg);
  checkPlatform(c, cfg);
  checkSecurity(c, cfg);
  checkDelivery(c, cfg);
  checkMonitoring(c, cfg);
  checkObservability(c, cfg);
  checkBackup(c, cfg);
  checkDurability(c, cfg);
  checkAvailability(c, cfg);

  c.done();
  // c.done() threw if network was undefined (every undefined path records a problem).
  const roleArn = cfg.dns.parentZoneRoleArn;
  const parentZone = cfg.dns.parentZoneName && roleArn ? { zoneName: cfg.dns.parentZoneName, accountId: IAM_ROLE_ARN.exec(roleArn)![1], roleArn } : undefined;
  return { ...cfg, ...network!, databases: resolveDatabases(cfg), parentZone, delegatedZones: [] };
}

/**
 * Validates every environment, then checks what relates them: names are unique, each
 * has its own account (GuardDuty, Security Hub and the GitHub OIDC provider exist once
 * per account), VPC CIDRs do not overlap (so the VPCs can be peered), and a parent zone is
 * either another environment's zone (whose delegation role is then used) or comes with
 * `dns.parentZoneRoleArn`.
 */
export function loadEnvironments(configs: readonly EnvironmentConfig[]): ResolvedEnvironment[] {
  const resolved = configs.map(resolveEnvironment);
  for (const [i, a] of resolved.entries()) {
    for (const b of resolved.slice(i + 1)) {
      if (a.name === b.name) throw new ConfigError(b.name, [`name: "${b.name}" is defined twice; accepted: each environment once`]);
      if (a.accountId === b.accountId) {
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
  const withParents = resolved.map((env): ResolvedEnvironment => {
    const parentName = env.dns.parentZoneName;
    if (!parentName) return env;
    const owner = resolved.find((o) => o.dns.zoneName === parentName);
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
        `dns.parentZoneName: ${parentName} is no loaded environment's dns.zoneName (${resolved.map((o) => o.dns.zoneName).join(", ")}) and dns.parentZoneRoleArn is not set; ` +
          "accepted: another environment's zone (load it too: its account and delegation role are used), or a role ARN in the account owning the zone (dns.parentZoneRoleArn)",
      ]);
    }
    return env;
  });
  return withParents.map((env) => ({
    ...env,
    delegatedZones: withParents
      .filter((child) => child.parentZone?.ownerEnvironment === env.name)
      .map((child) => ({ zoneName: child.dns.zoneName, environment: child.name, accountId: child.accountId })),
  }));
}

export type { EnvironmentName };
