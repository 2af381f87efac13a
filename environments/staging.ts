import type { EnvironmentConfig } from "./types";

export const staging: EnvironmentConfig = {
  name: "staging",
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
  },
  cache: { engineVersion: "8.0", nodeType: "cache.t4g.small", nodes: 2, snapshotRetentionDays: 7 },
  storage: { bucketPrefix: "authorworks", logExpirationDays: 90 },
  logRetentionDays: 90,
  protectData: true,
  workloads: {
    gateway: { replicas: 2, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
  },
  monthlyBudgetUsd: 450,
};
