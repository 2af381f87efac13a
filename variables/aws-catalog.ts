/**
 * Facts about AWS: values AWS defines (regions, ports, service principals, names, limits
 * and the fixed lists its APIs accept), as opposed to values this project chooses. The
 * validation checks (environments/checks/) and the modules both
 * import them from here, so a fact AWS changes is changed once. Each names its source: the
 * AWS documentation page, by title, or its URL. Everything here is data read offline; a
 * reviewer can see (and update) what is accepted.
 */

// ---------------------------------------------------------------------------------------
// Regions and accounts

/**
 * Regions an environment (`region`, `drRegion`, `backup.copyToRegion`) may use: the
 * commercial regions AWS enables by default, each with the availability-zone IDs usable
 * for EKS. AZ IDs (not names) because names are shuffled per account (AWS RAM User Guide,
 * "Availability Zone IDs for your AWS resources"). Left out: the AZ IDs EKS refuses for
 * control-plane subnets (EKS User Guide, "View Amazon EKS networking requirements for VPC
 * and subnets": use1-az3; usw1-az2 and cac1-az3, which new accounts do not get either);
 * the opt-in regions an account must enable first (af-south-1, ap-east-1, eu-south-1,
 * me-south-1 and most regions launched since 2019: the Graviton classes and services used
 * here are not all offered there; add one once checked); GovCloud and China (other
 * partitions).
 * GLOBAL_REGION is always used as well, through the `aws.global` provider.
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

/**
 * US East (N. Virginia), where AWS keeps what belongs to CloudFront, whatever the
 * environment's region: the ACM certificate of a distribution (ACM User Guide, "Supported
 * Regions"), web ACLs of scope CLOUDFRONT (AWS WAF API Reference, CreateWebACL `Scope`),
 * CloudFront's CloudWatch metrics (dimension Region=Global) and its log delivery source
 * (CloudFront Developer Guide, "Monitor CloudFront metrics with Amazon CloudWatch",
 * "Configure standard logging (v2)"), and the KMS key behind a Route 53 DNSSEC key-signing key
 * (Route 53 Developer Guide, "Working with customer managed keys for DNSSEC").
 */
export const GLOBAL_REGION = "us-east-1";

/**
 * Availability zones a cluster and a database need at least: EKS wants its subnets in two
 * AZs (EKS User Guide, "View Amazon EKS networking requirements for VPC and subnets"), and
 * so does a DB subnet group (RDS User Guide, "Working with a DB instance in a VPC").
 */
export const MIN_AVAILABILITY_ZONES = 2;

/** A 12-digit AWS account id (AWS Account Management Reference Guide, "View AWS account identifiers"). */
export const AWS_ACCOUNT_ID = /^\d{12}$/;

/**
 * A tag value every AWS service accepts: up to 256 letters, digits, spaces and
 * `_ . : / = + - @` (Tagging AWS Resources and Tag Editor User Guide, "Tag naming limits
 * and requirements"). AWS also allows an empty value; the tags validated with this are required.
 */
export const AWS_TAG_VALUE = /^[\w .:/=+@-]{1,256}$/;

// ---------------------------------------------------------------------------------------
// Service principals and endpoints

/**
 * Service principals this project names in trust and resource policies (IAM User Guide,
 * "AWS JSON policy elements: Principal", section "AWS service principals"; each service's
 * guide names its own).
 */
export const SERVICE_PRINCIPALS = {
  backup: "backup.amazonaws.com",
  budgets: "budgets.amazonaws.com",
  cloudFront: "cloudfront.amazonaws.com",
  cloudWatch: "cloudwatch.amazonaws.com",
  codeBuild: "codebuild.amazonaws.com",
  ec2: "ec2.amazonaws.com",
  eks: "eks.amazonaws.com",
  /** EKS Pod Identity (EKS User Guide, "Learn how EKS Pod Identity grants pods access to AWS services"). */
  eksPodIdentity: "pods.eks.amazonaws.com",
  /** Also the path of its service-linked role (IAM User Guide, "Using service-linked roles"). */
  elasticLoadBalancing: "elasticloadbalancing.amazonaws.com",
  eventBridge: "events.amazonaws.com",
  /** EventBridge Pipes (EventBridge User Guide, "Amazon EventBridge Pipes permissions"). */
  pipes: "pipes.amazonaws.com",
  /** CloudWatch Logs vended log delivery (CloudWatch Logs User Guide, "Enable logging from AWS services"). */
  logDelivery: "delivery.logs.amazonaws.com",
  rds: "rds.amazonaws.com",
  /** RDS Enhanced Monitoring (RDS User Guide, "Setting up and enabling Enhanced Monitoring"). */
  rdsMonitoring: "monitoring.rds.amazonaws.com",
  /** Route 53 DNSSEC signing (Route 53 Developer Guide, "Working with customer managed keys for DNSSEC"). */
  route53Dnssec: "dnssec-route53.amazonaws.com",
  s3: "s3.amazonaws.com",
  /** SNS delivering to an SQS queue (SNS Developer Guide, "Fanout to Amazon SQS queues"). */
  sns: "sns.amazonaws.com",
  /** S3 server access logging (S3 User Guide, "Enabling Amazon S3 server access logging"). */
  s3Logging: "logging.s3.amazonaws.com",
  vpcFlowLogs: "vpc-flow-logs.amazonaws.com",
} as const;

/**
 * `<service>.<region>.amazonaws.com`: a service's regional endpoint (AWS General Reference,
 * "AWS service endpoints"). It is also what the `kms:ViaService` condition key names (KMS
 * Developer Guide, "AWS KMS condition keys") and CloudWatch Logs' regional service
 * principal (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key
 * Management Service").
 */
export function serviceEndpoint(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

/** `com.amazonaws.<region>.<service>`: the service name of a VPC endpoint (PrivateLink Guide, "AWS services that integrate with AWS PrivateLink"). */
export function vpcEndpointServiceName(service: string, region: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com`, an account's private registry (ECR User Guide, "Amazon ECR private registry"). */
export function ecrRegistryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
}

/**
 * The audience GitHub's OIDC tokens carry for AWS STS (IAM User Guide, "Create a role for
 * OpenID Connect federation": `sts.amazonaws.com` with the official action).
 */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

// ---------------------------------------------------------------------------------------
// IAM

/** Characters of an IAM role name (IAM API Reference, CreateRole `RoleName`: `[\w+=,.@-]+`). */
const ROLE_NAME_CHARACTER = String.raw`[\w+=,.@-]`;

/** An IAM role name (no path): letters, digits and + = , . @ _ -, at most 64 characters (IAM API Reference, CreateRole). */
export const IAM_ROLE_NAME = new RegExp(`^${ROLE_NAME_CHARACTER}{1,64}$`);

/**
 * An IAM role ARN (commercial, GovCloud or China partition, optional path); group 1 is the
 * account (IAM User Guide, "IAM identifiers").
 */
export const IAM_ROLE_ARN = new RegExp(`^arn:aws(?:-cn|-us-gov)?:iam::(\\d{12}):role\\/(?:${ROLE_NAME_CHARACTER}+\\/)*${ROLE_NAME_CHARACTER}{1,64}$`);

/**
 * AWS managed IAM policies used here, as the path after `arn:<partition>:iam::aws:policy/`
 * (AWS Managed Policy Reference Guide, one page per policy).
 */
export const AWS_MANAGED_POLICIES = {
  eksCluster: "AmazonEKSClusterPolicy",
  eksWorkerNode: "AmazonEKSWorkerNodePolicy",
  /** Pull-only ECR access (2024): narrower than AmazonEC2ContainerRegistryReadOnly (no listing, no describing). */
  ecrPullOnly: "AmazonEC2ContainerRegistryPullOnly",
  ssmManagedInstanceCore: "AmazonSSMManagedInstanceCore",
  eksCni: "AmazonEKS_CNI_Policy",
  cloudWatchAgentServer: "CloudWatchAgentServerPolicy",
  ebsCsiDriver: "service-role/AmazonEBSCSIDriverPolicy",
  rdsEnhancedMonitoring: "service-role/AmazonRDSEnhancedMonitoringRole",
  backupServiceForBackup: "service-role/AWSBackupServiceRolePolicyForBackup",
  backupServiceForRestores: "service-role/AWSBackupServiceRolePolicyForRestores",
  powerUser: "PowerUserAccess",
} as const;

/** ARN of an AWS managed policy (a value of AWS_MANAGED_POLICIES). */
export function managedPolicyArn(name: string, partition = "aws"): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

// ---------------------------------------------------------------------------------------
// EC2, EBS and VPC

/**
 * An EC2 instance type: family (`m7g`, `c6gn`, `m7i-flex`, `t4g`) and size (`large`,
 * `2xlarge`, `metal`, `metal-24xl`) (EC2 Instance Types guide, "Amazon EC2 instance type
 * naming conventions").
 */
export const EC2_INSTANCE_TYPE = /^([a-z]+[1-9]\d*[a-z]*(?:-flex)?)\.(nano|micro|small|medium|large|\d{0,2}xlarge|metal(?:-\d+xl)?)$/;

export type CpuArchitecture = "arm64" | "x86_64";

/**
 * The CPU architecture of an instance type, from its family: Graviton families have a
 * `g` right after the generation digit (`m7g`, `c6gn`, `t4g`, `r8gd`, `im4gn`, `g5g`);
 * `a1` is the first Graviton (same naming conventions page). Everything else here is
 * x86_64. Undefined when the type is not an instance type at all.
 */
export function instanceArchitecture(instanceType: string): CpuArchitecture | undefined {
  const m = EC2_INSTANCE_TYPE.exec(instanceType);
  if (!m) return undefined;
  const family = m[1];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

/** Size of a gp3 volume (GiB): 1 GiB to 16 TiB (EBS User Guide, "Amazon EBS General Purpose SSD volumes"). */
export const EBS_GP3_SIZE_GIB = { min: 1, max: 16384 } as const;

/**
 * Prefix lengths of an IPv4 VPC or subnet CIDR block: /16 (largest) to /28 (smallest)
 * (VPC User Guide, "VPC CIDR blocks" and "Subnet CIDR blocks").
 */
export const VPC_CIDR_PREFIX = { min: 16, max: 28 } as const;

// ---------------------------------------------------------------------------------------
// EKS

/** One Kubernetes minor version on EKS (dates ISO yyyy-mm-dd, from the EKS release calendar). */
export interface EksVersion {
  readonly version: string;
  /** Available on EKS. */
  readonly released: string;
  /** Standard support ends (14 months after release): after it, extended support or an automatic upgrade. */
  readonly endOfStandardSupport: string;
  /** Extended support ends (12 months later): EKS then upgrades the control plane itself. */
  readonly endOfExtendedSupport: string;
}

/**
 * The day EKS_VERSION_CALENDAR was read. Support status (variables/eks.ts) is computed
 * against this date, not the clock, so synth gives the same answer on every machine and
 * every day; update both together.
 */
export const EKS_CALENDAR_CHECKED_ON = "2026-11-01";

/**
 * The EKS Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * as read on EKS_CALENDAR_CHECKED_ON. 1.36 reached EKS on 2026-06-02; no 1.37 had been announced.
 */
export const EKS_VERSION_CALENDAR: readonly EksVersion[] = [
  { version: "1.36", released: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
  { version: "1.35", released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
  { version: "1.34", released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.33", released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.32", released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.31", released: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.30", released: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
];

/** `upgrade_policy.support_type`: what EKS does when standard support of the version ends (EKS API Reference, UpgradePolicyRequest). */
export type EksSupportType = "STANDARD" | "EXTENDED";

/** Control-plane log types EKS can send to CloudWatch Logs (EKS User Guide, "Send control plane logs to CloudWatch Logs"). */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type EksLogType = (typeof EKS_LOG_TYPES)[number];

/** EKS access policies used here, as the path after `arn:<partition>:eks::aws:cluster-access-policy/` (EKS User Guide, "Review access policy permissions"). */
export const EKS_ACCESS_POLICIES = {
  clusterAdmin: "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  view: "AmazonEKSViewPolicy",
  /** Read everything in the cluster, Secrets included: what a Terraform plan of the platform stack refreshes (Helm keeps its releases in Secrets). */
  adminView: "AmazonEKSAdminViewPolicy",
} as const;

/** ARN of an EKS access policy (a value of EKS_ACCESS_POLICIES). */
export function accessPolicyArn(name: string, partition = "aws"): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** EKS-optimized Amazon Linux 2023 AMI type of a managed node group, by architecture (EKS API Reference, Nodegroup `amiType`). */
export const AL2023_AMI_TYPES: Readonly<Record<CpuArchitecture, string>> = {
  arm64: "AL2023_ARM_64_STANDARD",
  x86_64: "AL2023_x86_64_STANDARD",
};

/** Limits of managed node groups and the cluster endpoint (EKS User Guide, "View and manage Amazon EKS and Fargate service quotas"). */
export const EKS_LIMITS = {
  /** Nodes per managed node group (default quota). */
  maxNodesPerGroup: 450,
  /** CIDR blocks in `public_access_cidrs` (public endpoint access CIDR ranges per cluster). */
  maxPublicAccessCidrs: 40,
  /** gp3 root volume: the AL2023 AMI snapshot is 20 GiB. */
  minRootVolumeGb: 20,
  maxRootVolumeGb: EBS_GP3_SIZE_GIB.max,
} as const;

/**
 * The EKS Pod Identity agent: a hostNetwork DaemonSet serving credentials on this link-local
 * address (EKS User Guide, "Set up the Amazon EKS Pod Identity Agent") and port 80.
 */
export const EKS_POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;

// ---------------------------------------------------------------------------------------
// RDS for PostgreSQL

/** The port RDS for PostgreSQL listens on by default (RDS User Guide, "Settings for DB instances": Database port). */
export const POSTGRES_PORT = 5432;

function classes(prefix: string, families: readonly string[], sizes: readonly string[]): string[] {
  return families.flatMap((f) => sizes.map((s) => `${prefix}.${f}.${s}`));
}

const BURSTABLE = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
const GRAVITON = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const INTEL_M5_R5 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];
const INTEL_6I = [...INTEL_M5_R5, "32xlarge"];

/** DB instance classes RDS offers for PostgreSQL, current generations (RDS User Guide, "Supported DB engines for DB instance classes"). */
export const RDS_POSTGRES_INSTANCE_CLASSES: ReadonlySet<string> = new Set([
  ...classes("db", ["t3", "t4g"], BURSTABLE),
  ...classes("db", ["m6g", "m7g", "r6g", "r7g"], GRAVITON),
  ...classes("db", ["m5", "r5"], INTEL_M5_R5),
  ...classes("db", ["m6i", "r6i"], INTEL_6I),
]);

/** GiB of memory of the burstable sizes (t3, t4g): micro 1 doubling to 2xlarge 32. */
const BURSTABLE_MEMORY_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
/** GiB of memory per vCPU of the general-purpose (m) and memory-optimized (r) families. */
const MEMORY_GIB_PER_VCPU: Readonly<Record<string, number>> = { m: 4, r: 8 };

/**
 * Memory (GiB) of an instance class of `RDS_POSTGRES_INSTANCE_CLASSES` (RDS User Guide,
 * "Hardware specifications for DB instance classes"): burstable sizes from micro (1) to 2xlarge
 * (32); m and r sizes have 2 vCPUs at `large`, 4 at `xlarge`, 4N at `Nxlarge`, and 4 (m) or 8
 * (r) GiB per vCPU. It sets RDS for PostgreSQL's default `max_connections`,
 * `LEAST({DBInstanceClassMemory/9531392}, 5000)` (RDS User Guide, "Maximum number of database
 * connections"). undefined for a class outside the catalogue.
 */
export function rdsInstanceMemoryGib(instanceClass: string): number | undefined {
  if (!RDS_POSTGRES_INSTANCE_CLASSES.has(instanceClass)) return undefined;
  const [, family, size] = instanceClass.split(".");
  if (family.startsWith("t")) return BURSTABLE_MEMORY_GIB[size];
  const vcpus = size === "large" ? 2 : 4 * (size === "xlarge" ? 1 : Number(size.replace("xlarge", "")));
  return vcpus * MEMORY_GIB_PER_VCPU[family[0]];
}

/**
 * RDS PostgreSQL major versions in standard support (Amazon RDS for PostgreSQL Release
 * Calendar); the parameter group family follows (`postgres<major>`).
 */
export const RDS_POSTGRES_MAJOR_VERSIONS = ["14", "15", "16", "17"] as const;

/** A master user name for RDS for PostgreSQL: 1-63 letters, digits or _, a letter first (RDS User Guide, "Naming constraints in Amazon RDS"). */
export const RDS_POSTGRES_MASTER_USERNAME = /^[a-z][a-z0-9_]{0,62}$/;

/** gp3 storage of an RDS for PostgreSQL instance (GiB): 20 GiB to 64 TiB (RDS User Guide, "Amazon RDS DB instance storage"). */
export const RDS_GP3_STORAGE_GIB = { min: 20, max: 65536 } as const;

/** Automated backup retention (days): 0 turns automated backups off, 35 is the maximum (RDS User Guide, "Introduction to backups"). */
export const RDS_BACKUP_RETENTION = { min: 0, max: 35 } as const;

/** Enhanced Monitoring granularities RDS accepts (seconds); 0 turns it off (RDS User Guide, "Setting up and enabling Enhanced Monitoring"). */
export const RDS_MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/**
 * Performance Insights retention: 7 days (free) or a whole number of months (31 x n) up to
 * 731 (RDS API Reference, CreateDBInstance `PerformanceInsightsRetentionPeriod`).
 */
export function isValidPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713);
}

/**
 * ARN of a DB instance's automated backups, as a replicated copy in another region is named
 * (RDS API Reference, DBInstanceAutomatedBackup `DBInstanceAutomatedBackupsArn`:
 * `arn:aws:rds:us-east-1:123456789012:auto-backup:ab-L2IJCEXJP7XQ7HOJ4SIEXAMPLE`); groups:
 * region, account.
 */
export const RDS_AUTOMATED_BACKUPS_ARN = /^arn:aws(?:-cn|-us-gov)?:rds:([a-z0-9-]+):(\d{12}):auto-backup:ab-[A-Za-z0-9]+$/;

/** Shortest backup or maintenance window RDS accepts (minutes) (RDS User Guide, "Backup window" and "Maintaining a DB instance"). */
export const RDS_MIN_WINDOW_MINUTES = 30;

/**
 * Retention of automated backups replicated to another region (days) (RDS User Guide,
 * "Enabling cross-Region automated backups for Amazon RDS"). The API reference
 * (StartDBInstanceAutomatedBackupsReplication `BackupRetentionPeriod`) states no range: this
 * is the range RDS's own automated backups have when on (RDS_BACKUP_RETENTION from 1).
 */
export const RDS_REPLICATED_BACKUP_RETENTION = { min: 1, max: RDS_BACKUP_RETENTION.max } as const;

// ---------------------------------------------------------------------------------------
// ElastiCache (Valkey)

/** The port ElastiCache for Valkey (and Redis OSS) listens on by default (ElastiCache API Reference, CreateReplicationGroup `Port`). */
export const VALKEY_PORT = 6379;

/** ElastiCache node types (current generations) that run Valkey (ElastiCache User Guide, "Supported node types"). */
export const ELASTICACHE_NODE_TYPES: ReadonlySet<string> = new Set([
  ...classes("cache", ["t3", "t4g"], ["micro", "small", "medium"]),
  ...classes("cache", ["m6g", "m7g", "r6g", "r7g"], GRAVITON),
  ...classes("cache", ["m5", "r5"], ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
]);

/** Valkey versions ElastiCache offers, with their parameter group family (ElastiCache User Guide, "Supported engines and versions", "Valkey parameters"). */
export const VALKEY_VERSIONS: Readonly<Record<string, string>> = {
  "7.2": "valkey7",
  "8.0": "valkey8",
  "8.1": "valkey8",
};

/** ElastiCache keeps automatic snapshots for at most 35 days; 0 turns them off (ElastiCache API Reference, CreateReplicationGroup `SnapshotRetentionLimit`). */
export const ELASTICACHE_SNAPSHOT_RETENTION = { min: 0, max: 35 } as const;

/** Nodes of a replication group without cluster mode: a primary and up to 5 replicas (ElastiCache User Guide, "Adding a read replica for Valkey or Redis OSS (Cluster Mode Disabled)"). */
export const ELASTICACHE_NODES = { min: 1, max: 6 } as const;

/** Shortest snapshot or maintenance window ElastiCache accepts (minutes) (ElastiCache API Reference, CreateReplicationGroup `SnapshotWindow`, `PreferredMaintenanceWindow`). */
export const ELASTICACHE_MIN_WINDOW_MINUTES = 60;

/** Longest replication group id (ElastiCache API Reference, CreateReplicationGroup `ReplicationGroupId`). */
export const ELASTICACHE_REPLICATION_GROUP_ID_MAX_LENGTH = 40;

/**
 * The only non-alphanumeric characters ElastiCache accepts in an AUTH token
 * (CreateReplicationGroup API: "the only permitted printable special characters are
 * !, &, #, $, ^, <, >, and -").
 */
export const ELASTICACHE_AUTH_TOKEN_SPECIAL_CHARACTERS = "!&#$^<>-";

// ---------------------------------------------------------------------------------------
// CloudWatch Logs, KMS, Secrets Manager

/**
 * The only retention periods CloudWatch Logs accepts (days) (CloudWatch Logs API Reference,
 * PutRetentionPolicy `retentionInDays`). 0 (never expire) is left out on purpose.
 */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Days between scheduling a KMS key's deletion and the deletion (KMS API Reference, ScheduleKeyDeletion `PendingWindowInDays`). */
export const KMS_DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;

/** The key a Route 53 DNSSEC key-signing key needs (Route 53 Developer Guide, "Working with customer managed keys for DNSSEC"). */
export const ROUTE53_DNSSEC_KEY = { spec: "ECC_NIST_P256", usage: "SIGN_VERIFY" } as const;

/**
 * Route 53 health checks of an endpoint (Route 53 Developer Guide, "Values that you specify
 * when you create or update health checks" and "How Amazon Route 53 determines whether a
 * health check is healthy"):
 * - `intervalsSeconds`: the request interval each health checker uses (10 is "fast").
 * - `failureThreshold`: consecutive failures (or, to recover, successes) a checker needs to
 *   change its view of the endpoint.
 * - `healthyAboveFraction`: the endpoint is healthy while more than this share of checkers
 *   says so.
 * - `connectSeconds`, `responseSeconds`: an HTTPS checker needs a TCP connection within 4 s
 *   and a 2xx or 3xx status within 2 s after it; the certificate is not validated.
 * - `metric`: the status metric (1 healthy, 0 unhealthy), published in us-east-1 only, so its
 *   alarms live there ("Monitoring health check status and getting notifications").
 */
export const ROUTE53_HEALTH_CHECK = {
  intervalsSeconds: [10, 30],
  failureThreshold: { min: 1, max: 10 },
  healthyAboveFraction: 0.18,
  connectSeconds: 4,
  responseSeconds: 2,
  metric: { namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimension: "HealthCheckId", region: GLOBAL_REGION },
} as const;

/**
 * TTL of a record set (seconds): 0 to 2147483647 (Route 53 API Reference, ResourceRecordSet
 * `TTL`). For a record associated with a health check Route 53 recommends 60 or less "so
 * clients respond quickly to changes in health status" (Developer Guide, "Values specific
 * for failover records": TTL).
 */
export const ROUTE53_TTL_SECONDS = { min: 0, max: 2_147_483_647, failoverRecommendedMax: 60 } as const;

/** Secrets Manager accepts `automatically_after_days` from 1 to 1000 (Secrets Manager API Reference, RotationRulesType). */
export const SECRETS_MANAGER_ROTATION_DAYS = { min: 1, max: 1000 } as const;

/** Recovery window of a deleted secret (days) (Secrets Manager API Reference, DeleteSecret `RecoveryWindowInDays`). */
export const SECRETS_MANAGER_RECOVERY_WINDOW_DAYS = { min: 7, max: 30 } as const;

// ---------------------------------------------------------------------------------------
// AWS Backup

/**
 * AWS Backup's retention limits (days): a lifecycle from 1 day to 100 years, a recovery
 * point in cold storage kept at least 90 days (AWS Backup API Reference, Lifecycle), and
 * continuous backups (point-in-time restore) kept at most 35 days (AWS Backup Developer
 * Guide, "Continuous backups and point-in-time recovery (PITR)").
 */
export const BACKUP_RETENTION = { min: 1, max: 36500, continuousMax: 35, coldStorageMinimum: 90 } as const;

/** Vault lock: the shortest grace period before a compliance-mode lock becomes immutable (AWS Backup API Reference, PutBackupVaultLockConfiguration `ChangeableForDays`). */
export const BACKUP_VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3;

/**
 * AWS Backup restore testing limits (AWS Backup Developer Guide, API reference):
 * - `startWindowHours`: hours after the scheduled time within which a restore job must
 *   start, else it is cancelled: 1 to 168 (RestoreTestingPlanForCreate `StartWindowHours`,
 *   default 24, "maximum value of 168 hours (one week)").
 * - `selectionWindowDays`: only recovery points created within this many days are
 *   candidates: 1 to 365 (RestoreTestingRecoveryPointSelection `SelectionWindowDays`, default 30).
 * - `validationWindowHours`: hours a restored resource is kept for validation before AWS
 *   Backup deletes it: 0 to 168 (RestoreTestingSelectionForCreate `ValidationWindowHours`).
 * - `nameMaxLength`, `name`: plan and selection names are letters, digits and underscores,
 *   at most 50 characters (RestoreTestingPlanForCreate `RestoreTestingPlanName`,
 *   RestoreTestingSelectionForCreate `RestoreTestingSelectionName`).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForCreate.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForCreate.html
 */
export const BACKUP_RESTORE_TESTING = {
  startWindowHours: { min: 1, max: 168 },
  selectionWindowDays: { min: 1, max: 365 },
  validationWindowHours: { min: 0, max: 168 },
  nameMaxLength: 50,
  name: /^[A-Za-z0-9_]{1,50}$/,
} as const;

/**
 * How a restore test picks its recovery point (RestoreTestingRecoveryPointSelection
 * `Algorithm`): the latest in the selection window, or a random one in it.
 */
export const BACKUP_RESTORE_TESTING_ALGORITHMS = ["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"] as const;
export type RestoreTestingAlgorithm = (typeof BACKUP_RESTORE_TESTING_ALGORITHMS)[number];

/** Recovery point kinds a restore test may use (RestoreTestingRecoveryPointSelection `RecoveryPointTypes`). */
export const BACKUP_RECOVERY_POINT_TYPES = ["CONTINUOUS", "SNAPSHOT"] as const;
export type RecoveryPointType = (typeof BACKUP_RECOVERY_POINT_TYPES)[number];

/**
 * Restore metadata keys a restore test of an RDS DB instance may override (AWS Backup
 * Developer Guide, "Restore testing inferred metadata", row "Amazon RDS instances"): list
 * values (`vpcSecurityGroupIds`) are JSON-array strings. AWS Backup itself infers
 * `publiclyAccessible` false, `multiAz` false, `deletionProtection` false and an identifier
 * starting with `awsbackup-restore-test-`.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html
 */
export const RDS_RESTORE_METADATA_KEYS = {
  dbSubnetGroupName: "dbSubnetGroupName",
  vpcSecurityGroupIds: "vpcSecurityGroupIds",
  publiclyAccessible: "publiclyAccessible",
} as const;

/**
 * AWS Backup restore job states in the EventBridge "Restore Job State Change" event, which
 * names them `status` (backup and copy job events say `state`), and the validation and
 * deletion statuses of a restore test's job (AWS Backup Developer Guide, "Monitoring AWS
 * Backup events using Amazon EventBridge"; API reference DescribeRestoreJob `Status`,
 * `ValidationStatus`, `DeletionStatus`).
 */
export const BACKUP_RESTORE_JOB = {
  failedStatuses: ["FAILED", "ABORTED"],
  failedValidationStatuses: ["FAILED", "TIMED_OUT"],
  failedDeletionStatuses: ["FAILED"],
} as const;

// ---------------------------------------------------------------------------------------
// Disaster recovery: what a replication mechanism guarantees

/**
 * The most recent writes (minutes) each cross-region mechanism may not yet have copied when
 * the primary region is lost: the recovery point objective it can be held to
 * (environments/checks/dr.ts).
 * - `s3ReplicationTimeControl`: S3 Replication Time Control replicates 99.99 % of objects
 *   within 15 minutes, under an SLA (S3 User Guide, "Meeting compliance requirements with S3
 *   Replication Time Control"). Plain S3 replication has no bound ("most objects replicate
 *   within 15 minutes, but sometimes replication can take a couple of hours or more", S3
 *   User Guide, "Troubleshooting replication"), so it has no entry: no objective is met by it.
 * - `rdsBackupReplication`: RDS automated backups replication copies snapshots and
 *   transaction logs asynchronously; AWS states an RPO of 5-30 minutes, depending on log
 *   generation and network transfer (AWS Prescriptive Guidance, "Disaster recovery for Amazon
 *   RDS Standard Edition", section "Amazon RDS PITR snapshot replication"). The upper end is
 *   the bound. The lower end is RDS's own log upload: the latest restorable time is "typically
 *   within the last five minutes" (RDS User Guide, "Restoring a DB instance to a specified time").
 * Cross-region read replicas have no entry: AWS states no bound for their lag, which their
 * ReplicaLag alarm watches instead (modules/monitoring `REPLICA_MIN_RPO_MINUTES`).
 */
export const DR_MECHANISM_RPO_MINUTES = { s3ReplicationTimeControl: 15, rdsBackupReplication: 30 } as const;

// ---------------------------------------------------------------------------------------
// CodeBuild and CodeConnections

/** CodeBuild Linux compute types a runner may use (CodeBuild User Guide, "Build environment compute modes and types"). */
export const CODEBUILD_COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
] as const;
export type CodebuildComputeType = (typeof CODEBUILD_COMPUTE_TYPES)[number];

/** CodeBuild's build timeout bounds (minutes) (CodeBuild API Reference, CreateProject `timeoutInMinutes`). */
export const CODEBUILD_TIMEOUT_MINUTES = { min: 5, max: 2160 } as const;

/** Longest CodeConnections connection name (CodeConnections API Reference, CreateConnection `ConnectionName`). */
export const CODECONNECTIONS_NAME_MAX_LENGTH = 32;

/**
 * A GitHub connection's ARN: `codeconnections`, or `codestar-connections` for one made
 * before the 2024 rename (Developer Tools console User Guide, "Connections rename - Summary of changes").
 */
export const CODECONNECTIONS_CONNECTION_ARN = /^arn:aws(-[a-z]+)*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;

// ---------------------------------------------------------------------------------------
// CloudFront and AWS WAF

/** CloudFront price classes, the API's names (CloudFront Developer Guide, "Choose the price class for a CloudFront distribution"). */
export const CLOUDFRONT_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type CloudFrontPriceClass = (typeof CLOUDFRONT_PRICE_CLASSES)[number];

/** Alternate domain names one distribution may have (CloudFront Developer Guide, "Quotas": default quota). */
export const CLOUDFRONT_MAX_ALIASES = 100;

/**
 * WAF rate-based rule limit (requests per evaluation window per key): AWS lowered the
 * minimum from 100 to 10 in 2024; the maximum is 2,000,000,000 (AWS WAF Developer Guide,
 * "Rate-based rule statement").
 */
export const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;

// ---------------------------------------------------------------------------------------
// Budgets and S3

/** E-mail subscribers one AWS Budgets notification accepts (Billing and Cost Management API Reference, NotificationWithSubscribers). */
export const BUDGETS_MAX_EMAIL_SUBSCRIBERS = 10;

/**
 * Budget action approval models (Billing and Cost Management API Reference,
 * CreateBudgetAction `ApprovalModel`): AUTOMATIC runs the action when the threshold is
 * crossed; MANUAL notifies the action's subscribers and waits for someone to approve it
 * (console or `aws budgets execute-budget-action --execution-type APPROVE_BUDGET_ACTION`).
 */
export const BUDGET_ACTION_APPROVAL_MODELS = ["AUTOMATIC", "MANUAL"] as const;
export type BudgetActionApprovalModel = (typeof BUDGET_ACTION_APPROVAL_MODELS)[number];

/** S3 general purpose bucket names (the subset of the rules that matters for names we build) (S3 User Guide, "General purpose bucket naming rules"). */
export const S3_BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
