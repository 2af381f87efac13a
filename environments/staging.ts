import { AVAILABILITY, DURABILITY } from "./presets";
import { EnvironmentConfig, SEED_ALERT_THRESHOLDS, SEED_SCALING } from "./types";

export const staging: EnvironmentConfig = {
  name: "staging",
  // Placeholder (PLACEHOLDER_ACCOUNT_IDS): the real id here or in AUTHORWORKS_ACCOUNT_IDS before the first deploy.
  accountId: "222222222222",
  region: "us-east-1",
  owner: "platform",
  costCenter: "authorworks-staging",
  network: { cidr: "10.20.0.0/16", azCount: 3, natGateways: "single" },
  database: {
    engineVersion: "17",
    instanceClass: "db.t4g.medium",
    multiAz: true,
    allocatedStorageGb: 50,
    maxAllocatedStorageGb: 200,
    backupRetentionDays: 30,
    monitoringIntervalSeconds: 30,
    performanceInsightsRetentionDays: 7,
    proxy: { enabled: true, maxConnectionsPercent: 90 },
    masterPasswordVersion: 1,
  },
  cache: { engineVersion: "8.0", nodeType: "cache.t4g.small", nodes: 2, snapshotRetentionDays: 7 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 90 },
  logRetentionDays: 90,
  durability: DURABILITY.retained,
  availability: AVAILABILITY.zonal,
  // Seed 003 "test_restore: monthly": the first Tuesday of each month, 09:00 UTC (working hours).
  restoreTesting: { schedule: "cron(0 9 ? * TUE#1 *)", startWindowHours: 24, selectionWindowDays: 30, validationWindowHours: 4 },
  workloads: {
    imageTag: "1.0.0",
    defaults: { replicas: 2, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    quota: { requests: { cpu: "12", memory: "24Gi" }, limits: { cpu: "48", memory: "48Gi" }, pods: 80, services: 20, persistentVolumeClaims: 10 },
    limitRange: { defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" }, max: { cpu: "2", memory: "2Gi" } },
    autoscaling: {
      minReplicas: 2,
      maxReplicas: 10,
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      requestsPerSecond: SEED_SCALING.requestsPerSecond,
      scaleUp: SEED_SCALING.scaleUp,
      scaleDown: SEED_SCALING.scaleDown,
    },
  },
  // Seed 003 said $450; the fixed cost of this design is about $1,123 a month (four Multi-AZ
  // databases, RDS Proxy, three nodes; README "Cost per environment"): 80 % of the budget sits
  // above it, so the 80 % e-mail does not fire every month.
  monthlyBudgetUsd: 1500,
  budgetAction: { approvalModel: "AUTOMATIC", approvers: [] },
  kubernetes: {
    version: "1.35",
    additionalLogTypes: ["controllerManager", "scheduler"],
    publicAccessCidrs: ["203.0.113.0/24"],
    adminRoleName: "AuthorWorksPlatformAdmin",
    developerRoleName: "AuthorWorksDeveloper",
    nodeGroups: {
      system: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 2, maxSize: 3, diskSizeGb: 50 },
      application: { instanceTypes: ["m7g.large"], minSize: 2, desiredSize: 3, maxSize: 6, diskSizeGb: 50 },
      spot: { instanceTypes: ["m7g.large", "m6g.large", "c7g.large", "c6g.large"], minSize: 0, desiredSize: 1, maxSize: 6, diskSizeGb: 50 },
    },
  },
  platform: { ingressNginx: false, acmeEmail: "platform@authorworks.io", externalDnsPolicy: "sync" },
  dns: { zoneName: "staging.authorworks.io", parentZoneName: "authorworks.io", privateZoneName: "staging.authorworks.internal", dnssec: false },
  edge: { priceClass: "PriceClass_100", aliases: ["media.staging.authorworks.io"], wafRateLimit: 2000 },
  security: { guardDuty: true, securityHub: true, githubRepository: "authorworks/authorworks-infra", deployBranch: "main", secretRotationDays: 90 },
  observability: {
    alertEmails: ["platform-alerts@authorworks.io"],
    thresholds: SEED_ALERT_THRESHOLDS,
    prometheusRetentionDays: 30,
    prometheusStorageGb: 100,
    lokiRetentionDays: 30,
    traceSamplingRatio: 0.5,
  },
  delivery: {
    manifestsRepoUrl: "https://github.com/authorworks/authorworks-k8s.git",
    manifestsRevision: "main",
    autoSync: true,
    runners: { minRunners: 1, maxRunners: 6 },
    deployRunner: { computeType: "BUILD_GENERAL1_MEDIUM", timeoutMinutes: 120, connectionAvailable: false },
  },
  backup: { retentionDays: 30, vaultLock: false, replicateBackupsBucket: false },
};
