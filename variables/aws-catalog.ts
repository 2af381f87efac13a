/**
 * Facts about AWS that validation checks environment files against, offline.
 * Kept as data so a reviewer can see (and update) what is accepted.
 */

/**
 * Regions an environment (`region`, `drRegion`, `backup.copyToRegion`) may use: the
 * commercial regions AWS enables by default, each with the availability-zone IDs usable
 * for EKS. AZ IDs (not names) because names are shuffled per account. Left out: the AZ IDs
 * EKS refuses for control-plane subnets (use1-az3; usw1-az2 and cac1-az3, which new
 * accounts do not get either); the opt-in regions an account must enable first (af-south-1,
 * ap-east-1, eu-south-1, me-south-1 and most regions launched since 2019: the Graviton
 * classes and services used here are not all offered there; add one once checked);
 * GovCloud and China (other partitions).
 * us-east-1 is always used as well, through the `aws.global` provider (CloudFront's
 * certificate, WAF and metrics).
 */
export const REGIONS: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"],
  "us-east-2": ["use2-az1", "use2-az2", "use2-az3"],
  "us-west-1": ["usw1-az1", "usw1-az3"],
  "us-west-2": ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
  "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
  "sa-east-1": ["sae1-az1", "sae1-az2", "sae1-az3"],
  "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-az3"],
  "eu-west-2": ["euw2-az1", "euw2-az2", "euw2-az3"],
  "eu-west-3": ["euw3-az1", "euw3-az2", "euw3-az3"],
  "eu-central-1": ["euc1-az1", "euc1-az2", "euc1-az3"],
  "eu-north-1": ["eun1-az1", "eun1-az2", "eun1-az3"],
  "ap-south-1": ["aps1-az1", "aps1-az2", "aps1-az3"],
  "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az4"],
  "ap-northeast-2": ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"],
  "ap-northeast-3": ["apne3-az1", "apne3-az2", "apne3-az3"],
  "ap-southeast-1": ["apse1-az1", "apse1-az2", "apse1-az3"],
  "ap-southeast-2": ["apse2-az1", "apse2-az2", "apse2-az3"],
};

function classes(prefix: string, families: readonly string[], sizes: readonly string[]): string[] {
  return families.flatMap((f) => sizes.map((s) => `${prefix}.${f}.${s}`));
}

const BURSTABLE = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
const GRAVITON = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const INTEL_M5_R5 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];
const INTEL_6I = [...INTEL_M5_R5, "32xlarge"];

/** DB instance classes RDS offers for PostgreSQL (current generations). */
export const RDS_POSTGRES_INSTANCE_CLASSES: ReadonlySet<string> = new Set([
  ...classes("db", ["t3", "t4g"], BURSTABLE),
  ...classes("db", ["m6g", "m7g", "r6g", "r7g"], GRAVITON),
  ...classes("db", ["m5", "r5"], INTEL_M5_R5),
  ...classes("db", ["m6i", "r6i"], INTEL_6I),
]);

/** RDS PostgreSQL major versions in standard support; the parameter group family follows. */
export const RDS_POSTGRES_MAJOR_VERSIONS = ["14", "15", "16", "17"] as const;

/** ElastiCache node types (current generations) that run Valkey. */
export const ELASTICACHE_NODE_TYPES: ReadonlySet<string> = new Set([
  ...classes("cache", ["t3", "t4g"], ["micro", "small", "medium"]),
  ...classes("cache", ["m6g", "m7g", "r6g", "r7g"], GRAVITON),
  ...classes("cache", ["m5", "r5"], ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
]);

/** Valkey versions ElastiCache offers, with their parameter group family. */
export const VALKEY_VERSIONS: Readonly<Record<string, string>> = {
  "7.2": "valkey7",
  "8.0": "valkey8",
  "8.1": "valkey8",
};

/** The only retention periods CloudWatch Logs accepts (days). 0 (never expire) is refused on purpose. */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** RDS automated backups: 0 disables them, 35 is the maximum. We require at least 1. */
export const RDS_BACKUP_RETENTION = { min: 1, max: 35 } as const;

/** Enhanced Monitoring granularities RDS accepts (seconds); 0 turns it off. */
export const RDS_MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/** Performance Insights retention: 7 days (free) or a whole number of months (31 x n) up to 731. */
export function isValidPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713);
}

/** ElastiCache keeps automatic snapshots for at most 35 days. */
export const ELASTICACHE_SNAPSHOT_RETENTION = { min: 0, max: 35 } as const;

/** KMS ScheduleKeyDeletion: the waiting period is 7 to 30 days (AWS KMS API Reference, PendingWindowInDays). */
export const KMS_DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;

/**
 * Secrets Manager DeleteSecret: the recovery window is 7 to 30 days (AWS Secrets Manager API
 * Reference, RecoveryWindowInDays); 0 in the provider would delete without recovery, refused here.
 */
export const SECRET_RECOVERY_WINDOW_DAYS = { min: 7, max: 30 } as const;
