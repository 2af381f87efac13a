import { AVAILABILITY, DURABILITY } from "./presets";
import { EnvironmentConfig, SEED_ALERT_THRESHOLDS, SEED_SCALING } from "./types";

export const dev: EnvironmentConfig = {
  name: "dev",
  // Placeholder (PLACEHOLDER_ACCOUNT_IDS): the real id here or in AUTHORWORKS_ACCOUNT_IDS before the first deploy.
  accountId: "111111111111",
  region: "us-east-1",
  owner: "platform",
  costCenter: "authorworks-dev",
  network: { cidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
  database: {
    engineVersion: "17",
    instanceClass: "db.t4g.micro",
    multiAz: false,
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    backupRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    performanceInsightsRetentionDays: 7,
    // RDS Proxy bills at least 2 vCPUs per proxy (~$22/month each): four would exceed the dev budget.
    proxy: { enabled: false, maxConnectionsPercent: 90 },
    masterPasswordVersion: 1,
  },
  cache: { engineVersion: "8.0", nodeType: "cache.t4g.micro", nodes: 1, snapshotRetentionDays: 1 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 30 },
  logRetentionDays: 30,
  durability: DURABILITY.disposable,
  availability: AVAILABILITY.single,
  // Seed 003 "test_restore: monthly": the first Tuesday of each month, 09:00 UTC (working hours).
  restoreTesting: { schedule: "cron(0 9 ? * TUE#1 *)", startWindowHours: 24, selectionWindowDays: 7, validationWindowHours: 2 },
  workloads: {
    imageTag: "1.0.0",
    defaults: { replicas: 2, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    quota: { requests: { cpu: "8", memory: "16Gi" }, limits: { cpu: "40", memory: "32Gi" }, pods: 60, services: 20, persistentVolumeClaims: 5 },
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
  // Seed 003's $80 assumed local development, not a cloud environment of this design: its fixed cost
  // is about $402 a month (README "Cost per environment"; the EKS control plane, NAT gateway, load
  // balancer and their public addresses alone are $133). 80 % of the budget sits above it, so the
  // 80 % e-mail does not fire every month.
  monthlyBudgetUsd: 600,
  budgetAction: { approvalModel: "AUTOMATIC", approvers: [] },
  kubernetes: {
    version: "1.35",
    additionalLogTypes: [],
    publicAccessCidrs: ["203.0.113.0/24"],
    adminRoleName: "AuthorWorksPlatformAdmin",
    developerRoleName: "AuthorWorksDeveloper",
    nodeGroups: {
      system: { instanceTypes: ["t4g.medium"], minSize: 2, desiredSize: 2, maxSize: 3, diskSizeGb: 30 },
      application: { instanceTypes: ["t4g.large"], minSize: 1, desiredSize: 2, maxSize: 4, diskSizeGb: 50 },
      spot: { instanceTypes: ["m7g.large", "m6g.large", "c7g.large", "c6g.large"], minSize: 0, desiredSize: 0, maxSize: 4, diskSizeGb: 50 },
    },
  },
  platform: { ingressNginx: false, acmeEmail: "platform@authorworks.io", externalDnsPolicy: "sync" },
  dns: { zoneName: "dev.authorworks.io", parentZoneName: "authorworks.io", privateZoneName: "dev.authorworks.internal", dnssec: false },
  edge: { priceClass: "PriceClass_100", aliases: ["media.dev.authorworks.io"], wafRateLimit: 2000 },
  security: { guardDuty: true, securityHub: false, githubRepository: "authorworks/authorworks-infra", deployBranch: "main", secretRotationDays: 90 },
  observability: {
    alertEmails: ["platform-alerts@authorworks.io"],
    thresholds: SEED_ALERT_THRESHOLDS,
    prometheusRetentionDays: 30,
    prometheusStorageGb: 50,
    lokiRetentionDays: 7,
    traceSamplingRatio: 1,
  },
  delivery: {
    manifestsRepoUrl: "https://github.com/authorworks/authorworks-k8s.git",
    manifestsRevision: "main",
    autoSync: true,
    runners: { minRunners: 0, maxRunners: 4 },
    deployRunner: { computeType: "BUILD_GENERAL1_MEDIUM", timeoutMinutes: 120, connectionAvailable: false },
  },
  backup: { retentionDays: 7, vaultLock: false, replicateBackupsBucket: false },
};
