import type { EnvironmentConfig } from "./types";

export const dev: EnvironmentConfig = {
  name: "dev",
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
  },
  cache: { engineVersion: "8.0", nodeType: "cache.t4g.micro", nodes: 1, snapshotRetentionDays: 1 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 30 },
  logRetentionDays: 30,
  protectData: false,
  workloads: {
    gateway: { replicas: 2, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
  },
  monthlyBudgetUsd: 80,
};
