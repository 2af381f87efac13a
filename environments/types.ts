import type { EnvironmentName } from "../variables/project";

/**
 * One environment, as plain data. Every difference between dev, staging and
 * production is a value here, never an `if` in a module. Validated by
 * `environments/config.ts` before any stack is built.
 */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /**
   * The AWS account this environment lives in. When set, the provider refuses to
   * run against any other account (`allowed_account_ids`).
   * @default undefined (no account guard; set it before the first apply)
   */
  readonly accountId?: string;
  /** Primary region. */
  readonly region: string;
  /** Region for disaster-recovery copies; gets an aliased provider `aws.dr`. @default undefined (none) */
  readonly drRegion?: string;
  /** Team answering for the environment (tag `Owner`). */
  readonly owner: string;
  /** Cost centre (tag `CostCenter`). */
  readonly costCenter: string;

  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  readonly storage: StorageConfig;
  /** CloudWatch Logs retention for flow logs, database and cache logs (days; CloudWatch's fixed list). */
  readonly logRetentionDays: number;
  /** Deletion protection on databases and caches, final snapshots on destroy. */
  readonly protectData: boolean;
  /** Gateway sizing (the spec's Kustomize overlay) and autoscaling, for the platform layer. */
  readonly workloads: WorkloadConfig;
  /** Monthly AWS budget in USD; alerts at 80/90/100 %. */
  readonly monthlyBudgetUsd: number;
}

export interface NetworkConfig {
  /** VPC CIDR; distinct per environment so the VPCs can be peered. */
  readonly cidr: string;
  /** How many availability zones to spread over (EKS needs at least 2). */
  readonly azCount: number;
  /** NAT gateways: one shared (cheap) or one per AZ (no cross-AZ dependency). */
  readonly natGateways: "single" | "one-per-az";
  /**
   * Explicit subnet CIDRs, one per AZ in each tier.
   * @default derived from `cidr`: private /18s (pod IPs, VPC CNI), public and database /24s
   */
  readonly subnets?: SubnetLayout;
}

export interface SubnetLayout {
  readonly public: readonly string[];
  readonly private: readonly string[];
  readonly database: readonly string[];
}

export interface DatabaseConfig {
  /** PostgreSQL major version (minor upgrades are automatic). */
  readonly engineVersion: string;
  /** Instance class for every service database unless overridden. */
  readonly instanceClass: string;
  readonly multiAz: boolean;
  /** Initial storage (GiB, gp3). */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling (GiB). */
  readonly maxAllocatedStorageGb: number;
  /** Automated backup retention (days, 1-35). Longer retention is AWS Backup's job. */
  readonly backupRetentionDays: number;
  /** Enhanced Monitoring interval in seconds (0 turns it off). */
  readonly monitoringIntervalSeconds: number;
  /** Performance Insights retention (7 days is free). */
  readonly performanceInsightsRetentionDays: number;
  /** RDS Proxy connection pooling (the spec's PgBouncer). */
  readonly proxy: {
    readonly enabled: boolean;
    /** Share of the database's max_connections the proxy may open (1-100). */
    readonly maxConnectionsPercent: number;
  };
  /** Per-service differences from the defaults above, by service name from the catalogue. */
  readonly overrides?: readonly DatabaseOverride[];
}

export interface DatabaseOverride {
  readonly service: string;
  readonly instanceClass?: string;
  readonly allocatedStorageGb?: number;
  readonly maxAllocatedStorageGb?: number;
}

export interface CacheConfig {
  /** Valkey version (see variables/aws-catalog.ts). */
  readonly engineVersion: string;
  readonly nodeType: string;
  /** Primary plus replicas; more than one turns on Multi-AZ and automatic failover. */
  readonly nodes: number;
  /** Automatic snapshot retention (days, 0-35). */
  readonly snapshotRetentionDays: number;
}

export interface StorageConfig {
  /** First part of every bucket name: `<prefix>-<purpose>-<env>`. */
  readonly bucketPrefix: string;
  /** Days after which objects in the logs bucket expire. */
  readonly logExpirationDays: number;
}

export interface ContainerResources {
  readonly cpu: string;
  readonly memory: string;
}

export interface WorkloadConfig {
  readonly gateway: {
    readonly replicas: number;
    readonly requests: ContainerResources;
    readonly limits: ContainerResources;
  };
  readonly autoscaling: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilizationPercent: number;
    readonly memoryUtilizationPercent: number;
  };
}
