import { AVAILABILITY, DURABILITY } from "./presets";
import { EnvironmentConfig, SEED_ALERT_THRESHOLDS, SEED_SCALING } from "./types";

export const production: EnvironmentConfig = {
  name: "production",
  // Placeholder (PLACEHOLDER_ACCOUNT_IDS): the real id here or in AUTHORWORKS_ACCOUNT_IDS before the first deploy.
  accountId: "333333333333",
  region: "us-east-1",
  drRegion: "us-west-2",
  owner: "platform",
  costCenter: "authorworks-production",
  network: { cidr: "10.30.0.0/16", azCount: 3, natGateways: "one-per-az" },
  database: {
    engineVersion: "17",
    instanceClass: "db.r6g.large",
    multiAz: true,
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 1000,
    // RDS keeps at most 35 days; the seed's 90 days comes from AWS Backup.
    backupRetentionDays: 35,
    monitoringIntervalSeconds: 15,
    performanceInsightsRetentionDays: 31,
    proxy: { enabled: true, maxConnectionsPercent: 90 },
    masterPasswordVersion: 1,
  },
  cache: { engineVersion: "8.0", nodeType: "cache.r6g.large", nodes: 3, snapshotRetentionDays: 14 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 365 },
  logRetentionDays: 365,
  durability: DURABILITY.retained,
  availability: AVAILABILITY.high,
  // Seed 003 "test_restore: monthly": the first Tuesday of each month, 09:00 UTC (working hours).
  restoreTesting: { schedule: "cron(0 9 ? * TUE#1 *)", startWindowHours: 8, selectionWindowDays: 35, validationWindowHours: 4 },
  workloads: {
    imageTag: "1.0.0",
    defaults: { replicas: 2, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    // The spec's production overlay for the gateway.
    overrides: { gateway: { replicas: 5, requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } } },
    quota: { requests: { cpu: "32", memory: "48Gi" }, limits: { cpu: "128", memory: "96Gi" }, pods: 150, services: 20, persistentVolumeClaims: 10 },
    limitRange: { defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" }, max: { cpu: "2", memory: "2Gi" } },
    autoscaling: {
      minReplicas: 2,
      // Seed 003's max_instances applies here; dev and staging keep 10.
      maxReplicas: 20,
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      requestsPerSecond: SEED_SCALING.requestsPerSecond,
      scaleUp: SEED_SCALING.scaleUp,
      scaleDown: SEED_SCALING.scaleDown,
    },
  },
  monthlyBudgetUsd: 4000,
  budgetAction: { approvalModel: "MANUAL", approvers: ["platform@authorworks.io"] },
  kubernetes: {
    version: "1.35",
    additionalLogTypes: ["controllerManager", "scheduler"],
    publicAccessCidrs: [],
    adminRoleName: "AuthorWorksPlatformAdmin",
    developerRoleName: "AuthorWorksDeveloper",
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 3, desiredSize: 3, maxSize: 4, diskSizeGb: 50 },
      application: { instanceTypes: ["m7g.xlarge"], minSize: 3, desiredSize: 4, maxSize: 12, diskSizeGb: 100 },
      spot: { instanceTypes: ["m7g.large", "m6g.large", "c7g.large", "c6g.large"], minSize: 0, desiredSize: 2, maxSize: 10, diskSizeGb: 50 },
    },
  },
  platform: { ingressNginx: false, acmeEmail: "platform@authorworks.io", externalDnsPolicy: "upsert-only" },
  dns: {
    zoneName: "authorworks.io",
    privateZoneName: "production.authorworks.internal",
    dnssec: true,
    // api.authorworks.io: PRIMARY api-us-east-1, SECONDARY api-us-west-2 (production-dr). Fast checks
    // (10 s, billed extra): unhealthy after 3 x 10 s, then resolvers keep the old answer up to the
    // 60 s TTL (region-failure.md). production-dr runs warm, so its check passes: a failure warns
    // (secondaryAlarm), as it leaves no failover target.
    failover: {
      secondaryRegion: "us-west-2",
      ttlSeconds: 60,
      healthCheck: { path: "/health", intervalSeconds: 10, failureThreshold: 3 },
      secondaryAlarm: true,
    },
  },
  edge: {
    priceClass: "PriceClass_All",
    aliases: ["media.authorworks.io"],
    wafRateLimit: 1000,
    healthCheckPath: "/_health/cloudfront.txt",
  },
  security: { guardDuty: true, securityHub: true, githubRepository: "authorworks/authorworks-infra", deployBranch: "main", secretRotationDays: 90 },
  observability: {
    alertEmails: ["platform-alerts@authorworks.io", "oncall@authorworks.io"],
    pagingWebhookUrl: "https://hooks.authorworks.io/alerts/critical",
    thresholds: SEED_ALERT_THRESHOLDS,
    prometheusRetentionDays: 30,
    prometheusStorageGb: 200,
    lokiRetentionDays: 90,
    traceSamplingRatio: 0.1,
  },
  delivery: {
    manifestsRepoUrl: "https://github.com/authorworks/authorworks-k8s.git",
    manifestsRevision: "main",
    autoSync: false,
    runners: { minRunners: 2, maxRunners: 10 },
    deployRunner: { computeType: "BUILD_GENERAL1_MEDIUM", timeoutMinutes: 120, connectionAvailable: false },
  },
  backup: { retentionDays: 90, copyToRegion: "us-west-2", vaultLock: true, replicateBackupsBucket: true },
  dr: {
    // Seed 003 asks 5 minutes for the database and 60 for file storage. The database's 5 is
    // held by production-dr's cross-region read replicas (standby.readReplicas: their lag
    // alarm pages 2 minutes past 300 s); the replicated automated backups (at most 30 minutes behind,
    // AWS: 5-30) stay for point-in-time restores there. RTC bounds the buckets at 15.
    rpoMinutes: { database: 5, objectStorage: 60 },
    databaseBackups: { retentionDays: 7 },
    buckets: { purposes: ["content", "media", "exports"], replicationTimeControl: true, mediaOriginFailover: true },
    images: true,
    secrets: [
      "payments/stripe-api-key",
      "payments/stripe-webhook-secret",
      "email/sendgrid-api-key",
      "auth/jwt-signing-key",
      "github/app-credentials",
      "alerting/chat-webhook-url",
      "ci/github-runners-app",
    ],
  },
};
