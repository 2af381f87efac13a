import type { ContainerLimitRange, NamespaceQuota } from "../modules/tenancy";
import type { EnvironmentName } from "../variables/project";
import type { BucketPurpose } from "../variables/storage";
import type { BudgetActionApprovalModel, CloudFrontPriceClass, CodebuildComputeType, EksLogType } from "../variables/aws-catalog";
import type { AvailabilityPolicy, DurabilityPolicy } from "./presets";
import type { CanaryStep } from "../modules/addons/delivery/argo-rollouts";

/**
 * One environment, as plain data. Every difference between dev, staging and
 * production is a value here, never an `if` in a module. Validated field by field
 * (environments/checks/, one file per section) before any stack is built.
 */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /**
   * The AWS account this environment lives in (12 digits), one account per environment:
   * every AWS provider of its stacks refuses any other (`allowed_account_ids`). The files
   * ship with placeholders (`PLACEHOLDER_ACCOUNT_IDS`); put the real id here or in
   * `AUTHORWORKS_ACCOUNT_IDS` before the first deploy.
   */
  readonly accountId: string;
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
  /** What a destroy or a delete may take with it (environments/presets.ts `DURABILITY`). */
  readonly durability: DurabilityPolicy;
  /** How much failure the environment rides out (environments/presets.ts `AVAILABILITY`). */
  readonly availability: AvailabilityPolicy;
  /** Service sizing (the spec's Kustomize base and overlays) and autoscaling, for the platform layer. */
  readonly workloads: WorkloadConfig;
  /**
   * Monthly AWS budget in USD (modules/monitoring): e-mail at 80 % of actual spend, chat at
   * 90 %, the critical topic and `budgetAction` at 100 %. Above the fixed monthly cost of the
   * environment (README "Cost per environment") by at least a quarter, so the 80 % alert does
   * not fire every month by design (checked by __tests__/environments/cost-estimate.test.ts).
   */
  readonly monthlyBudgetUsd: number;
  /** What happens at 100 % of `monthlyBudgetUsd` (modules/monitoring `BudgetRestriction`). */
  readonly budgetAction: BudgetActionConfig;
  /** The EKS cluster (modules/eks). */
  readonly kubernetes: KubernetesConfig;
  /** What runs inside the cluster (the `<env>-platform` stack). */
  readonly platform: PlatformConfig;
  /** Route53 zones and certificates (modules/dns). */
  readonly dns: DnsConfig;
  /** CloudFront and WAF (modules/cdn). */
  readonly edge: EdgeConfig;
  /** Threat detection, CI identity and secret rotation (modules/security). */
  readonly security: SecurityConfig;
  /** Alerting, dashboards and budgets (modules/monitoring) and the in-cluster stack. */
  readonly observability: ObservabilityConfig;
  /** GitOps, progressive delivery and CI runners (the platform stack). */
  readonly delivery: DeliveryConfig;
  /** AWS Backup and disaster recovery (modules/backup). */
  readonly backup: BackupConfig;
  /**
   * Replication to `drRegion` for a loss of the primary region (modules/dr): databases,
   * buckets, images, keys and secrets, with the recovery point objectives it must meet.
   * @default undefined (nothing replicated beyond `backup`)
   */
  readonly dr?: DisasterRecoveryConfig;
  /** Monthly restore tests of the backup vault's recovery points (modules/backup `RestoreTesting`). */
  readonly restoreTesting: RestoreTestingConfig;
  /**
   * This environment stands by for another one (its primary) in the primary's account and
   * DR region, from the same stacks: it serves the primary's names and data (replicated
   * backups, buckets, secrets and images) when the primary's region fails.
   * @default none (an environment of its own)
   */
  readonly standby?: StandbyConfig;
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
    /** false in a warm standby (checked): RDS Proxy targets no read replica. */
    readonly enabled: boolean;
    /** Share of the database's max_connections the proxy may open (1-100). */
    readonly maxConnectionsPercent: number;
  };
  /** Per-service differences from the defaults above, by service name from the catalogue. */
  readonly overrides?: readonly DatabaseOverride[];
  /**
   * Version of the master passwords of every service database (a whole number, at least 1).
   * Terraform writes a new random password to each instance and its secret only when this
   * changes (write-only arguments): raise it by one and apply to rotate them (modules/rds
   * README "Master password").
   */
  readonly masterPasswordVersion: number;
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

export interface WorkloadSize {
  readonly replicas: number;
  readonly requests: ContainerResources;
  readonly limits: ContainerResources;
}

/** What a service overlay may change; unset fields keep the defaults. */
export interface WorkloadOverride {
  readonly replicas?: number;
  readonly requests?: Partial<ContainerResources>;
  readonly limits?: Partial<ContainerResources>;
}

export interface WorkloadConfig {
  /** Container image tag deployed for every service (from its ECR repository). */
  readonly imageTag: string;
  /** Size of every service (the spec's base). */
  readonly defaults: WorkloadSize;
  /** Per-service differences from `defaults`, by service name from the catalogue (the spec's overlays). @default none */
  readonly overrides?: Readonly<Record<string, WorkloadOverride>>;
  /** ResourceQuota of each application namespace (modules/tenancy). */
  readonly quota: NamespaceQuota;
  /** Per-container defaults and ceiling in application namespaces (LimitRange). */
  readonly limitRange: ContainerLimitRange;
  /** The HPA of every service (modules/workloads/autoscaler.ts). */
  readonly autoscaling: AutoscalingConfig;
  /**
   * The Kubernetes Jobs that create each service's PostgreSQL user as the master user
   * (modules/workloads `DatabaseUsers`); the services wait for them. false: none, for a standby
   * whose databases are its primary's (`standby.readReplicas`, or `standby.restoreFrom`):
   * PostgreSQL roles are in the data, so the users exist, and a read replica refuses
   * `CREATE ROLE`. Accepted: true; false only with `standby.readReplicas` or
   * `standby.restoreFrom` (environments/checks/workloads.ts); a warm standby needs false.
   * @default true
   */
  readonly databaseUserJobs?: boolean;
}

/**
 * How fast an HPA may change a service's replica count in one direction: at most `pods`
 * pods per `periodSeconds`, acting on the most cautious recommendation of the last
 * `stabilizationWindowSeconds` (Kubernetes HPA `behavior.scaleUp` / `behavior.scaleDown`).
 */
export interface ScalingPolicy {
  /** Most pods added (scale-up) or removed (scale-down) per period; at least 1. */
  readonly pods: number;
  /** Length of the period `pods` counts over (seconds; Kubernetes accepts 1-1800). */
  readonly periodSeconds: number;
  /**
   * Seconds of past recommendations the HPA considers: the highest of them when scaling
   * down, the lowest when scaling up, so a short spike or dip moves nothing
   * (Kubernetes accepts 0-3600).
   */
  readonly stabilizationWindowSeconds: number;
}

export interface AutoscalingConfig {
  /** HPA floor (the larger of this and a service's replicas). Seed 003 `min_instances`: 2. */
  readonly minReplicas: number;
  /** HPA ceiling. Seed 003 `max_instances`: 20, which production applies; 10 elsewhere. */
  readonly maxReplicas: number;
  /** Average CPU utilisation (% of requests) the HPA keeps. Seed 003: 70. */
  readonly cpuUtilizationPercent: number;
  /** Average memory utilisation (% of requests) the HPA keeps. Seed 003: 80. */
  readonly memoryUtilizationPercent: number;
  /**
   * Inbound requests per second per pod, measured by its Linkerd proxy, above which the
   * HPA adds pods (a whole number, at least 1). Seed 003 `request_rate` trigger:
   * `SEED_SCALING.requestsPerSecond` (1000).
   */
  readonly requestsPerSecond: number;
  /** Scale-up rate and cooldown. Seed 003: `SEED_SCALING.scaleUp` (2 pods per minute, 3-minute window). */
  readonly scaleUp: ScalingPolicy;
  /** Scale-down rate and cooldown. Seed 003: `SEED_SCALING.scaleDown` (1 pod per 5 minutes, 10-minute window). */
  readonly scaleDown: ScalingPolicy;
}

/**
 * Seed 003 "Scaling Strategy" (`horizontal_scaling`): scale out at 1,000 req/s per
 * instance; add at most 2 instances a minute after a 3-minute cooldown; remove at most 1
 * every 5 minutes after a 10-minute cooldown. Every environment starts from these.
 */
export const SEED_SCALING: Pick<AutoscalingConfig, "requestsPerSecond" | "scaleUp" | "scaleDown"> = {
  requestsPerSecond: 1000,
  scaleUp: { pods: 2, periodSeconds: 60, stabilizationWindowSeconds: 180 },
  scaleDown: { pods: 1, periodSeconds: 300, stabilizationWindowSeconds: 600 },
};

export interface NodeGroupConfig {
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** gp3 root volume size (GiB). */
  readonly diskSizeGb: number;
}

export interface KubernetesConfig {
  /** Kubernetes minor version, one EKS offers (e.g. "1.34"). Pinned: upgrades are deliberate. */
  readonly version: string;
  /** CIDRs that may reach the public API endpoint; empty keeps the endpoint private only. */
  readonly publicAccessCidrs: readonly string[];
  /**
   * Control-plane logs sent to CloudWatch besides `api`, `audit` and `authenticator`,
   * which every cluster sends.
   */
  readonly additionalLogTypes: readonly Exclude<EksLogType, "api" | "audit" | "authenticator">[];
  /** IAM role (name, in this account) mapped to cluster administrators through an access entry. */
  readonly adminRoleName: string;
  /** IAM role (name, in this account) mapped to the developer group through an access entry. */
  readonly developerRoleName: string;
  /** Managed node groups, as the spec asks: system (critical add-ons), application, spot (batch). */
  readonly nodeGroups: {
    readonly system: NodeGroupConfig;
    readonly application: NodeGroupConfig;
    readonly spot: NodeGroupConfig;
  };
}

export interface PlatformConfig {
  /**
   * Also install ingress-nginx. Off: it was retired in March 2026 (no security fixes);
   * the AWS Load Balancer Controller is the ingress.
   */
  readonly ingressNginx: boolean;
  /** Contact address of the Let's Encrypt ACME account (cert-manager). */
  readonly acmeEmail: string;
  /**
   * What external-dns may do with the records it owns: `sync` deletes them when their
   * source goes; `upsert-only` never deletes (a zone that also holds hand-made records).
   */
  readonly externalDnsPolicy: "sync" | "upsert-only";
}

export interface DnsConfig {
  /** Public hosted zone of the environment: production owns the apex, dev and staging are sub-zones. */
  readonly zoneName: string;
  /**
   * Parent zone this stack writes its delegation records into (NS, and DS with DNSSEC).
   * When another environment owns it (its `zoneName`, like production's apex), the records
   * are written through that environment's `<prefix>-dns-delegation-<env>` role in its account;
   * a parent zone outside this project needs `parentZoneRoleArn`.
   * @default none (delegation is done at the registrar, by hand)
   */
  readonly parentZoneName?: string;
  /**
   * Role (ARN) in the account of a parent zone no environment owns, that this stack
   * assumes to write its delegation records; it needs `route53:ChangeResourceRecordSets`
   * on the parent zone for this zone's NS and DS records, and the reads of a zone lookup.
   * Refused when another environment owns the parent zone (its role is used).
   * @default none
   */
  readonly parentZoneRoleArn?: string;
  /** Private zone for internal names, associated with the VPC. */
  readonly privateZoneName: string;
  /** Sign the public zone with DNSSEC. */
  readonly dnssec: boolean;
  /**
   * Failover of the API host name `api.<zoneName>` from this region to the standby's
   * (modules/failover): Route 53 failover records PRIMARY and SECONDARY, CNAMEs to each
   * region's own name `api-<region>.<zoneName>`, each with an HTTPS health check; the
   * PRIMARY's pages the critical topic. Each region's external-dns then publishes only its
   * regional name. Needs `drRegion`.
   * @default none (external-dns publishes `api.<zoneName>` itself)
   */
  readonly failover?: DnsFailoverConfig;
}

/** A Route 53 HTTPS health check of an endpoint (ROUTE53_HEALTH_CHECK in variables/aws-catalog.ts). */
export interface EndpointHealthCheckConfig {
  /** Path requested, starting with `/` (a 2xx or 3xx answer within 2 s is healthy). */
  readonly path: string;
  /** Seconds between two requests of one health checker: 10 (fast, billed extra) or 30. */
  readonly intervalSeconds: number;
  /** Consecutive failures that make a checker see the endpoint unhealthy (and successes, healthy again): 1-10. */
  readonly failureThreshold: number;
}

export interface DnsFailoverConfig {
  /** Region the SECONDARY record sends to: `drRegion`, where the standby environment runs. */
  readonly secondaryRegion: string;
  /** TTL of the failover records (seconds, 0-60: what resolvers may cache after a switch). */
  readonly ttlSeconds: number;
  /** How Route 53 checks each region's API through its regional name and load balancer. */
  readonly healthCheck: EndpointHealthCheckConfig;
  /**
   * A warning alarm when the SECONDARY's health check fails for 5 minutes (modules/failover
   * `SECONDARY_ALARM`): with a running (warm) standby that check passes, and its failure leaves
   * the PRIMARY without a failover target. Accepted: true or false; true is required while
   * this environment's standby is warm (`standby.pilotLight` false, `readReplicas.promoted`
   * false) and refused while it is a pilot light (its check fails by design), both checked by
   * loadEnvironments, which sees both; true only in us-east-1 (Route 53's metrics and the
   * warning topic must share a region, environments/checks/dns.ts). @default false
   */
  readonly secondaryAlarm?: boolean;
}

/**
 * A warm standby: running (`pilotLight` false) on read replicas that still follow
 * (`readReplicas.promoted` false), so nothing of it may write (checks/standby.ts).
 */
export function isWarmStandby(standby: StandbyConfig | undefined): boolean {
  return standby?.pilotLight === false && standby.readReplicas?.promoted === false;
}

export interface StandbyConfig {
  /**
   * The environment this one takes over from. Same account and zone; this environment's
   * `region` is the primary's `drRegion`, where the primary replicates its data.
   */
  readonly primary: EnvironmentName;
  /**
   * Pilot light (true): only what must exist before a failover or takes long to create is
   * applied: the network (VPC, subnets, NAT, gateway endpoints, security and subnet groups),
   * the keys, the regional certificate, the private zone, the alert topics, the backup vault
   * and the CI roles, and the read replicas of `readReplicas`; no cluster, cache, web ACL nor
   * platform stack. false: everything. With `readReplicas` not promoted that is a warm standby
   * (the services run and read the replicas; nothing writes: environments/checks/standby.ts
   * names what must be off); promoted, or restored from `restoreFrom`, the databases are writable.
   */
  readonly pilotLight: boolean;
  /**
   * Whose application secrets (variables/secrets.ts) the platform stack reads: "own"
   * (`authorworks-<this environment>/<path>`, values put by operators here) or "primary"
   * (`authorworks-<primary>/<path>`: the primary's replicas in this region, modules/security
   * `secretReplica`, decrypted with the primary's `secrets` DR key), so a standby signs tokens
   * with its primary's key and needs nothing put before a failover. "primary" needs every path
   * the services and the platform stack read in the primary's `dr.secrets` (checked by
   * loadEnvironments) and is required of a warm standby. The cache's token is always this
   * environment's own (its own cache). Accepted: "own", "primary". @default "own"
   */
  readonly applicationSecrets?: "own" | "primary";
  /**
   * The primary's replicated automated backup each service database is restored from, by
   * service (`arn:aws:rds:<region>:<account>:auto-backup:ab-...`, listed by
   * `aws rds describe-db-instance-automated-backups --region <region>`), at its latest
   * restorable time. Required for every database when `pilotLight` is false; read when an
   * instance is created only (a later change does not replace it). The fallback when the
   * read replicas cannot be used (a corruption they copied, a broken replication): refused
   * together with `readReplicas`, which would have to be removed first (region-failure.md).
   * @default none
   */
  readonly restoreFrom?: Readonly<Record<string, string>>;
  /**
   * A cross-region read replica of each of the primary's service databases, in this
   * environment's region, network and DR database key (`alias/<prefix>-<primary>-database-dr`):
   * what holds the primary's databases to a few minutes of lag (the primary's
   * `dr.rpoMinutes.database` below 30 needs it, environments/config.ts). Built in pilot light
   * too; excludes `restoreFrom`. Both need the primary's `dr.databaseBackups`, with which the
   * primary makes the DR database key that encrypts them (checked by loadEnvironments).
   * @default none (the databases are restored from `restoreFrom` in a failover)
   */
  readonly readReplicas?: ReadReplicaConfig;
}

/**
 * The standby's read replicas (modules/rds `DatabaseReplica`). While they follow, each has
 * the sizes below; its storage is its source's (the standby's `database` section is the
 * primary's, checked by loadEnvironments), its replica lag pages the critical topic
 * (modules/monitoring `REPLICA_LAG_ALARM`). Once promoted, each takes the sizes of
 * `database` (the primary's): promoted by `aws rds promote-read-replica` or by the apply that
 * sets `promoted`, which also scales it (region-failure.md steps 4 and 6).
 */
export interface ReadReplicaConfig {
  /**
   * Instance class while following (RDS_POSTGRES_INSTANCE_CLASSES), with at least the memory
   * of each source's class (checked by loadEnvironments; `rdsInstanceMemoryGib`, variables/aws-catalog.ts):
   * RDS for PostgreSQL's default `max_connections` follows memory, and a promoted replica takes
   * its source's clients before any scale-up. A promotion then sets `database.instanceClass`.
   */
  readonly instanceClass: string;
  /** A standby instance in a second AZ while following (billed as a second instance). */
  readonly multiAz: boolean;
  /**
   * false: the replicas follow the primary's instances (read-only). true: promoted to
   * standalone, writable databases (the failover: `replicate_source_db` removed, which
   * breaks replication for good), at `database`'s sizes. false with `pilotLight` false is a
   * warm standby: accepted only with RDS Proxy off (`database.proxy.enabled`: it targets no
   * read replica), no database user Jobs (`workloads.databaseUserJobs`) and the primary's
   * application secrets (`applicationSecrets`), environments/checks/standby.ts. It also sets
   * the services' access to the primary's bucket replicas: read-only while false (replication
   * is one-way: an upload there would never reach the primary), read-write once true.
   */
  readonly promoted: boolean;
}

export interface EdgeConfig {
  /** CloudFront price class. */
  readonly priceClass: CloudFrontPriceClass;
  /** Host names CloudFront serves (inside dns.zoneName). */
  readonly aliases: readonly string[];
  /** WAF rate limit: requests per 5 minutes from one IP. */
  readonly wafRateLimit: number;
  /**
   * Path of a canary object the stack writes into the media bucket (its key is the path
   * without the leading `/`), which a Route 53 HTTPS health check requests through CloudFront
   * on each alias (modules/failover `EDGE_HEALTH_CHECK`: every 30 s, unhealthy after 3
   * failures); unhealthy pages the critical topic. No failover record: one distribution
   * serves every alias from every edge location.
   * @default none
   */
  readonly healthCheckPath?: string;
  /**
   * A hold on the gateway's regional web ACL (modules/cdn `gatewayWebAcl`, `WebAclHold`): a rule
   * before all others that blocks every request with 403, or every request but `allowPath`
   * (exactly; e.g. `/health`, so that Route 53 keeps seeing the region healthy). Set only
   * during a fail back (docs/runbooks/region-failure.md): kept here, an apply keeps it.
   * @default none
   */
  readonly gatewayHold?: GatewayHoldConfig;
}

/** `edge.gatewayHold`: `{}` blocks everything; `{ allowPath: "/health" }` everything but that path. */
export interface GatewayHoldConfig {
  /** The one path still answered, exactly (starting with `/`). @default none: everything is blocked */
  readonly allowPath?: string;
}

export interface SecurityConfig {
  /** GuardDuty detector with EKS and S3 protection. */
  readonly guardDuty: boolean;
  /** Security Hub with the AWS Foundational Security Best Practices standard. */
  readonly securityHub: boolean;
  /** GitHub repository (owner/name) whose workflows may deploy through OIDC. */
  readonly githubRepository: string;
  /**
   * Branch whose workflows may apply (pull requests only plan). AWS cannot check it
   * (STS sees only `aud` and `sub`, and an environment job's `sub` names the GitHub
   * environment): the GitHub environment's deployment branch policy must admit only this
   * branch (README "First deploy"); the workflows deploy from it.
   */
  readonly deployBranch: string;
  /**
   * Days between rotations (1-1000, Secrets Manager's `AutomaticallyAfterDays`): the automatic
   * rotation of the database master secrets (modules/rds `MasterSecretRotation`) and the period
   * of the operator rotations (modules/security README "Rotation"). Seed 003: 90.
   */
  readonly secretRotationDays: number;
}

export interface AlertThresholds {
  /** CPU utilisation alarm (%, seed 003: > 80). */
  readonly cpuPercent: number;
  /** Memory utilisation alarm (%, seed 003: > 90). */
  readonly memoryPercent: number;
  /** Disk utilisation alarm (%, seed 003: > 90). */
  readonly diskPercent: number;
  /** p99 response time alarm (ms, seed 003: > 500). */
  readonly p99LatencyMs: number;
  /** Error-rate alarm (%, seed 003: > 1). */
  readonly errorRatePercent: number;
}

/** Seed 003's key-metrics thresholds: every environment starts from these. */
export const SEED_ALERT_THRESHOLDS: AlertThresholds = { cpuPercent: 80, memoryPercent: 90, diskPercent: 90, p99LatencyMs: 500, errorRatePercent: 1 };

export interface ObservabilityConfig {
  /** E-mail addresses subscribed to the alert topics. */
  readonly alertEmails: readonly string[];
  /** HTTPS endpoint (chat or paging webhook) subscribed to the critical topic. @default none */
  readonly pagingWebhookUrl?: string;
  readonly thresholds: AlertThresholds;
  /** Prometheus retention (days) and its gp3 volume (GiB). */
  readonly prometheusRetentionDays: number;
  readonly prometheusStorageGb: number;
  /** Loki log retention (days). */
  readonly lokiRetentionDays: number;
  /** Share of traces kept (0-1): all in dev, a fraction in production. */
  readonly traceSamplingRatio: number;
}

export interface DeliveryConfig {
  /** Kubernetes manifests repository Argo CD syncs (https or ssh URL). */
  readonly manifestsRepoUrl: string;
  /** Git revision Argo CD follows. */
  readonly manifestsRevision: string;
  /** Automated sync with self-heal (dev, staging); manual in production. */
  readonly autoSync: boolean;
  /** GitHub Actions runner scale set bounds. */
  readonly runners: { readonly minRunners: number; readonly maxRunners: number };
  /**
   * Canary steps of every service's Rollout: `setWeight` percentages of requests (strictly
   * increasing, the last 100) and pauses. `[{ setWeight: 100 }]`: no canary and no analysis
   * (a warm standby, which only Route 53's checks reach: the analysis would find no requests,
   * stay inconclusive and hold every release at its first weight).
   * @default DEFAULT_CANARY_STEPS (seed 003: 10 %, 10 min, 50 %, 30 min, 100 %)
   */
  readonly canarySteps?: readonly CanaryStep[];
  /**
   * The public service's canary at its ALB (modules/workloads, Argo Rollouts' ALB traffic
   * routing). @default DEFAULT_PUBLIC_CANARY (verify target groups, no stickiness)
   */
  readonly publicCanary?: PublicCanaryConfig;
  /**
   * The runner CI deploys this environment's platform stack from: an AWS CodeBuild project
   * in the VPC (modules/ci-runner), the network path to the cluster's API endpoint.
   */
  readonly deployRunner: DeployRunnerConfig;
}

/** How the public service's ALB takes part in its canary. */
export interface PublicCanaryConfig {
  /**
   * Argo Rollouts checks with the AWS API that the ALB applies each step's weights, and
   * that new pods are registered before old ones go (`--aws-verify-target-group`; gives
   * the controller a role that reads load balancers).
   */
  readonly verifyTargetGroups: boolean;
  /**
   * Keep a client on the version it first reached for this many seconds (ALB target group
   * stickiness, 1-604800); shorter than every timed pause of `canarySteps`, or a step's
   * weight never reaches returning clients within it. @default none
   */
  readonly stickinessSeconds?: number;
}

export interface DeployRunnerConfig {
  /** CodeBuild compute type (`CODEBUILD_COMPUTE_TYPES`). */
  readonly computeType: CodebuildComputeType;
  /**
   * Longest job (minutes, up to 2160): more than the worst case of a first platform apply
   * (115 min, `PLATFORM_APPLY_WORST_CASE_SECONDS`), checked.
   */
  readonly timeoutMinutes: number;
  /** An existing CodeConnections connection to GitHub (ARN). @default a new one, to be completed in the console */
  readonly githubConnectionArn?: string;
  /**
   * Whether the GitHub connection is AVAILABLE (its handshake completed in the console,
   * README "First deploy"): only then can the CodeBuild webhook that makes the project a
   * runner be created. false on a first deploy; set it true and deploy again.
   */
  readonly connectionAvailable: boolean;
}

/**
 * The AWS Budgets action at 100 % of actual spend: an IAM policy denying the creation and
 * scaling of compute (EC2, Auto Scaling, EKS node groups, RDS instances, ElastiCache
 * nodes) is attached to the CI apply role, so deploys can no longer grow the bill; what
 * runs keeps running, and restores are not blocked (modules/monitoring README).
 */
export interface BudgetActionConfig {
  /**
   * `AUTOMATIC`: the policy is attached as soon as actual spend crosses 100 %. `MANUAL`: the
   * approvers are told and the policy is attached only when one of them approves it.
   */
  readonly approvalModel: BudgetActionApprovalModel;
  /**
   * E-mail addresses AWS Budgets tells when the action is pending approval (MANUAL) or has
   * run (AUTOMATIC): the action's subscribers. The people who approve need
   * `budgets:ExecuteBudgetAction` in this account. MANUAL needs at least one (nobody would
   * know the action waits); at most 10 (AWS Budgets' e-mail subscribers per notification).
   * The critical alert topic is always a subscriber too.
   */
  readonly approvers: readonly string[];
}

/**
 * Monthly restore tests (seed 003: "test_restore: monthly", "Monthly: backup restoration
 * test"): an AWS Backup restore testing plan restores a recovery point of every tagged RDS
 * instance and EBS volume from the environment's vault, keeps it for the validation window,
 * then deletes it; a failed restore alerts the warning topic. Limits: BACKUP_RESTORE_TESTING
 * (variables/aws-catalog.ts).
 */
export interface RestoreTestingConfig {
  /**
   * When a test starts: an AWS cron expression in UTC that runs once a month, day of month
   * (`cron(0 9 3 * ? *)`) or nth weekday (`cron(0 9 ? * TUE#1 *)`).
   */
  readonly schedule: string;
  /** Hours after the scheduled time within which the restore jobs must start, else they are cancelled (1-168). */
  readonly startWindowHours: number;
  /** Only recovery points created in the last this many days are picked (1-365). */
  readonly selectionWindowDays: number;
  /**
   * Hours a restored resource is kept for validation before AWS Backup deletes it (0-168):
   * the timeout of a validation, and the hours of instance cost each test adds.
   */
  readonly validationWindowHours: number;
}

export interface BackupConfig {
  /** AWS Backup retention of daily recovery points (days; seed: 7/30/90). */
  readonly retentionDays: number;
  /** Copy recovery points to a vault in this region (production: the DR region). @default no copy */
  readonly copyToRegion?: string;
  /** Lock the vault (WORM) against deletion of recovery points. */
  readonly vaultLock: boolean;
  /** Replicate the backups bucket to a bucket in the DR region. */
  readonly replicateBackupsBucket: boolean;
}

/**
 * What the environment replicates to its DR region (`drRegion`), and the recovery point
 * objectives that replication must meet for a loss of the primary region. Each objective is
 * checked against what AWS states for the configured mechanism (`DR_MECHANISM_RPO_MINUTES`
 * in variables/aws-catalog.ts, environments/checks/dr.ts). Design and costs: modules/dr/README.md.
 */
export interface DisasterRecoveryConfig {
  /**
   * Recovery point objectives for a loss of the primary region (minutes): the most writes a
   * failover to the DR region may lose. Seed 003 "Disaster Recovery": database 5, file storage 60.
   */
  readonly rpoMinutes: {
    /**
     * Databases: met by `databaseBackups` (at most 30), by `backup.copyToRegion` alone (at most
     * 1860), or, down to 5 (`REPLICA_MIN_RPO_MINUTES`), by the read replicas of the environment standing by for this one
     * (its `standby.readReplicas`; checked by loadEnvironments, which sees both).
     */
    readonly database: number;
    /** The buckets of `buckets.purposes`: met only with `buckets.replicationTimeControl` (15). */
    readonly objectStorage: number;
  };
  /**
   * RDS automated backups (daily snapshots and transaction logs) of every service database
   * replicated to `drRegion`, for point-in-time restore there.
   * @default undefined (the DR region holds only AWS Backup's daily copies, `backup.copyToRegion`)
   */
  readonly databaseBackups?: {
    /** Days of point-in-time restore kept in the DR region (1-35, RDS's limit). */
    readonly retentionDays: number;
  };
  /**
   * Buckets (variables/storage.ts purposes) replicated to `<prefix>-<purpose>-replica-<env>` in
   * `drRegion`. Not `backups` (`backup.replicateBackupsBucket` replicates it) and not `logs`
   * (SSE-S3 and unversioned: access logs are not recovered). A purpose whose catalogue
   * versioning is `"when-replicated"` (media) is versioned in this environment.
   * @default undefined (no bucket replicated)
   */
  readonly buckets?: {
    readonly purposes: readonly BucketPurpose[];
    /**
     * S3 Replication Time Control: AWS's SLA of 99.99 % of objects within 15 minutes, with
     * replication metrics; extra charge per GB replicated. Without it S3 gives no bound.
     */
    readonly replicationTimeControl: boolean;
    /**
     * CloudFront serves media from the media replica when the media bucket fails (an origin
     * group: media bucket, then its replica; modules/cdn `addMediaFailover`), per request and
     * without an apply. Needs `media` among `purposes`.
     */
    readonly mediaOriginFailover: boolean;
  };
  /** The environment's ECR repositories replicated to `drRegion` (same names; new pushes only). */
  readonly images: boolean;
  /**
   * Application secrets (paths of variables/secrets.ts) replicated to `drRegion` (same names,
   * encrypted there with the `secrets` DR key). Values follow the primary; rotation happens there.
   */
  readonly secrets: readonly string[];
}
