import { production } from "./production";
import { EnvironmentConfig } from "./types";

/**
 * Production's warm standby in its DR region (docs/runbooks/region-failure.md). Same account
 * and public zone as production. It runs all the time, scaled down: the cluster, the cache, the
 * regional web ACL and its platform stack (production-dr-platform), the services reading a
 * read replica of each production database (read-only: RDS Proxy and the database user Jobs
 * off, the application secrets production's replicated ones). Route 53's failover records
 * (production's stack) send api.<zone> here on their own when production's health check
 * fails, so reads come back within about 2 minutes; a failover then promotes the replicas
 * (`standby.readReplicas.promoted`, writes) and scales up to production's sizes (the values
 * marked "Warm" below; the runbook's diff). Restoring from the replicated backups instead
 * (`standby.restoreFrom`, readReplicas removed) is the fallback for a corruption the replicas
 * copied.
 */
export const productionDr: EnvironmentConfig = {
  name: "production-dr",
  // The replicated backups, buckets, keys and secrets are in production's account (its aws.dr provider).
  accountId: production.accountId,
  region: "us-west-2",
  owner: "platform",
  costCenter: "authorworks-production",
  // One NAT gateway: an accepted single-AZ dependency for the standby and for the weeks of an
  // outage (a second AZ's NAT is a change of this value).
  network: { cidr: "10.31.0.0/16", azCount: 3, natGateways: "single" },
  // Warm: the services read the replicas directly (RDS Proxy targets no read replica). A
  // failover promotes them and keeps direct connections: the proxy would be a second change.
  database: { ...production.database, proxy: { ...production.database.proxy, enabled: false } },
  // Warm: one node of production's type. Failover: production's 3 (nodes are added in place, no type change).
  cache: { ...production.cache, nodes: 1 },
  storage: production.storage,
  logRetentionDays: production.logRetentionDays,
  durability: production.durability,
  // Production's, but database changes at once: a failover's scale-up of the promoted replicas
  // must not wait for Sunday's maintenance window (region-failure.md).
  availability: { ...production.availability, applyDatabaseChangesImmediately: true },
  workloads: {
    ...production.workloads,
    // Warm: one pod per service, two gateways (the SECONDARY's health check goes through them,
    // and one pod's restart would fail it), HPA floor 1. Failover: production's (2, 5, 2).
    defaults: { ...production.workloads.defaults, replicas: 1 },
    overrides: { gateway: { ...production.workloads.overrides?.gateway, replicas: 2 } },
    autoscaling: { ...production.workloads.autoscaling, minReplicas: 1 },
    // The users are production's, replicated with the data; a read replica refuses CREATE ROLE.
    // Stays false after a promotion: the promoted databases keep them.
    databaseUserJobs: false,
  },
  // Warm: $1,800, above the standby's fixed $1,355.32 (75 %, under the 80 % e-mail) and far
  // below production's, so a standby scaled up by accident (nodes, cache, runners left at a
  // failover's sizes) is caught. Failover: production's $4,000 (the runbook's diff), as it
  // carries production's spend; the budget action stays MANUAL (budgetAction below), so a
  // failover's spend is never cut automatically.
  monthlyBudgetUsd: 1800,
  kubernetes: {
    ...production.kubernetes,
    nodeGroups: {
      // Production's (highAvailability needs 3 nodes for its quorum add-ons; the same placement at a failover).
      system: production.kubernetes.nodeGroups.system,
      // Warm: one application node, production's type and ceiling; no spot. Failover: the Cluster
      // Autoscaler adds nodes up to maxSize as the HPAs scale up; minSize stays 1 (desiredSize is
      // ignored after creation, and a minSize above it fails: terraform-provider-aws#18310).
      application: { ...production.kubernetes.nodeGroups.application, minSize: 1, desiredSize: 1 },
      spot: { ...production.kubernetes.nodeGroups.spot, minSize: 0, desiredSize: 0 },
    },
  },
  platform: production.platform,
  // Production's zone (looked up, never created here); production signs it.
  dns: { zoneName: production.dns.zoneName, privateZoneName: "production-dr.authorworks.internal", dnssec: false },
  // No distribution: production's is global. The rate limit is the regional web ACL's, on this region's load balancer.
  edge: { priceClass: production.edge.priceClass, aliases: [], wafRateLimit: production.edge.wafRateLimit },
  security: production.security,
  observability: production.observability,
  delivery: {
    ...production.delivery,
    // Warm: no idle CI runners (the scale set starts them on demand). Failover: production's 2.
    runners: { ...production.delivery.runners, minRunners: 0 },
    // Warm: a release replaces the old version at once, with no canary analysis. Only Route 53's
    // checks reach the standby, so the analysis would find no requests, stay inconclusive and
    // hold the release at 10 %: the standby would serve old code at a failover. Failover:
    // production's canary (users' requests measure it again).
    canarySteps: [{ setWeight: 100 }],
  },
  // Its own vault, for the recovery points taken here; nothing is copied further.
  backup: { retentionDays: production.backup.retentionDays, vaultLock: production.backup.vaultLock, replicateBackupsBucket: false },
  // Production's approvers: at 100 % a person decides, so a failover's spend is never cut automatically.
  budgetAction: production.budgetAction,
  // Tests what this environment's vault holds.
  restoreTesting: production.restoreTesting,
  standby: {
    primary: "production",
    pilotLight: false,
    // Production's 7 application secrets, replicated here by production's dr.secrets: the
    // services sign and verify tokens with production's keys, and nothing is put before a failover.
    applicationSecrets: "primary",
    // What holds production's database objective at 5 minutes (dr.rpoMinutes.database), and
    // what the services read while warm. Each replica is production's class, db.r6g.large
    // (16 GiB, so production's default max_connections once promoted), single-AZ while it
    // follows; a failover promotes them (by the CLI, then promoted: true here), and the
    // reconciling apply gives them database's Multi-AZ and backups (region-failure.md steps 4, 6).
    readReplicas: { instanceClass: "db.r6g.large", multiAz: false, promoted: false },
  },
};
