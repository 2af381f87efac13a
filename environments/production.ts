import type { EnvironmentConfig } from "./types";

export const production: EnvironmentConfig = {
  name: "production",
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
  },
  cache: { engineVersion: "8.0", nodeType: "cache.r6g.large", nodes: 3, snapshotRetentionDays: 14 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 365 },
  logRetentionDays: 365,
  protectData: true,
  workloads: {
    gateway: { replicas: 5, requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
  },
  monthlyBudgetUsd: 4000,
};
