import { production } from "./production";
import { EnvironmentConfig } from "./types";

/**
 * Production's pilot-light standby in its DR region (docs/runbooks/region-failure.md). Same
 * account and public zone as production, same sizes: during a failover it carries
 * production's load. With `standby.pilotLight` true only the network, keys, certificate,
 * alert topics, backup vault, CI roles and a read replica of each production database
 * exist; a failover sets it false and promotes the replicas (`standby.readReplicas.promoted`).
 * Restoring from the replicated backups instead (`standby.restoreFrom`, readReplicas removed)
 * is the fallback for a corruption the replicas copied.
 */
export const productionDr: EnvironmentConfig = {
  name: "production-dr",
  // The replicated backups, buckets, keys and secrets are in production's account (its aws.dr provider).
  accountId: production.accountId,
  region: "us-west-2",
  owner: "platform",
  costCenter: "authorworks-production",
  // One NAT gateway: nothing runs behind it until a failover, when one shared NAT is an
  // accepted single-AZ dependency for the weeks of the outage.
  network: { cidr: "10.31.0.0/16", azCount: 3, natGateways: "single" },
  database: production.database,
  cache: production.cache,
  storage: production.storage,
  logRetentionDays: production.logRetentionDays,
  durability: production.durability,
  // Production's, but database changes at once: a failover's scale-up of the promoted replicas
  // must not wait for Sunday's maintenance window (region-failure.md step 5).
  availability: { ...production.availability, applyDatabaseChangesImmediately: true },
  workloads: production.workloads,
  // Production's: a pilot light stays far below it; during a failover this environment carries
  // production's spend, and a budget action at 100 % must not stop the failover.
  monthlyBudgetUsd: production.monthlyBudgetUsd,
  kubernetes: production.kubernetes,
  platform: production.platform,
  // Production's zone (looked up, never created here); production signs it.
  dns: { zoneName: production.dns.zoneName, privateZoneName: "production-dr.authorworks.internal", dnssec: false },
  // No distribution: production's is global. The rate limit is the regional web ACL's, on this region's load balancer.
  edge: { priceClass: production.edge.priceClass, aliases: [], wafRateLimit: production.edge.wafRateLimit },
  security: production.security,
  observability: production.observability,
  delivery: production.delivery,
  // Its own vault, for the recovery points taken while it runs; nothing is copied further.
  backup: { retentionDays: production.backup.retentionDays, vaultLock: production.backup.vaultLock, replicateBackupsBucket: false },
  // Production's approvers: at 100 % a person decides, so a failover's spend is never cut automatically.
  budgetAction: production.budgetAction,
  // Tests what this environment's vault holds: nothing in pilot light, production's data while it runs.
  restoreTesting: production.restoreTesting,
  standby: {
    primary: "production",
    pilotLight: true,
    // What holds production's database objective at 5 minutes (dr.rpoMinutes.database). Each
    // replica is production's class, db.r6g.large (16 GiB, so production's default
    // max_connections once promoted), single-AZ while it follows; a failover adds the second
    // AZ in the same apply as the promotion (region-failure.md step 5).
    readReplicas: { instanceClass: "db.r6g.large", multiAz: false, promoted: false },
  },
};
