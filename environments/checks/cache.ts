/** Validation of the `cache` section of an environment file (modules/redis). */
import { ELASTICACHE_NODES, ELASTICACHE_NODE_TYPES, ELASTICACHE_SNAPSHOT_RETENTION, VALKEY_VERSIONS } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/** Checks `cfg.cache`. */
export function checkCache(c: Checker, cfg: EnvironmentConfig): void {
  const cache = cfg.cache;
  c.oneOf(
    "cache.engineVersion",
    cache.engineVersion,
    Object.keys(VALKEY_VERSIONS),
    `a Valkey version ElastiCache offers: ${Object.keys(VALKEY_VERSIONS).join(", ")}`,
  );
  c.oneOf(
    "cache.nodeType",
    cache.nodeType,
    ELASTICACHE_NODE_TYPES,
    "an ElastiCache node type such as cache.t4g.micro or cache.r7g.large (see variables/aws-catalog.ts)",
  );
  c.intRange("cache.nodes", cache.nodes, ELASTICACHE_NODES.min, ELASTICACHE_NODES.max, `(a primary and up to ${ELASTICACHE_NODES.max - 1} replicas)`);
  c.intRange("cache.snapshotRetentionDays", cache.snapshotRetentionDays, ELASTICACHE_SNAPSHOT_RETENTION.min, ELASTICACHE_SNAPSHOT_RETENTION.max, "days");
}
