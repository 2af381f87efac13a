/**
 * Named policies an environment picks: how much a delete may take with it (durability)
 * and how much failure it rides out (availability). Each is a plain object with every
 * setting spelled out, so the environment files show the choice and a reviewer can read
 * what it means here; modules take the concrete fields, never the preset's name.
 */

/**
 * What a `destroy`, a replaced resource or a deleted claim may take with it.
 * Validated by environments/checks/durability.ts.
 */
export interface DurabilityPolicy {
  /** Name shown in messages and docs. */
  readonly name: string;
  /**
   * Deletion protection on the RDS instances, the EKS cluster and the gateway's load
   * balancer: a delete fails until it is lifted by a deploy.
   */
  readonly deletionProtection: boolean;
  /**
   * Final snapshots when a database (`<identifier>-final`) or the cache (`<prefix>-cache-final`)
   * is deleted, and RDS automated backups kept after their instance (point-in-time restore).
   */
  readonly finalSnapshots: boolean;
  /**
   * Delete containers with their contents on destroy: S3 buckets (`force_destroy`), ECR
   * repositories (`force_delete`), Backup vaults and Route53 zones with their records.
   */
  readonly forceDestroy: boolean;
  /** Waiting period before a scheduled KMS key deletion (days, 7-30: KMS ScheduleKeyDeletion). */
  readonly keyDeletionWindowDays: number;
  /** Recovery window of a deleted Secrets Manager secret (days, 7-30: DeleteSecret). */
  readonly secretRecoveryWindowDays: number;
  /** Reclaim policy of the default gp3 StorageClass: `Retain` keeps an EBS volume whose claim is deleted. */
  readonly volumeReclaimPolicy: "Delete" | "Retain";
  /** Jaeger's trace store: `memory` (lost on restart) or `badger` (a persistent volume). */
  readonly traceStorage: "memory" | "badger";
}

/** How much failure an environment rides out, and when disruptive changes happen. */
export interface AvailabilityPolicy {
  /** Name shown in messages and docs. */
  readonly name: string;
  /**
   * Cluster controllers run two replicas with disruption budgets and anti-affinity, Argo CD
   * runs Redis HA, and Loki runs SimpleScalable (switching Loki's mode moves its data).
   * Needs `HA_MIN_SYSTEM_NODES` system nodes (environments/checks/availability.ts).
   */
  readonly highAvailability: boolean;
  /** EKS zonal shift: ARC may move traffic away from an impaired availability zone. */
  readonly zonalShift: boolean;
  /**
   * Apply disruptive RDS changes (instance class, storage type) at once; false waits for
   * the maintenance window.
   */
  readonly applyDatabaseChangesImmediately: boolean;
}

/** Durability presets. */
export const DURABILITY = {
  /** Rebuilt at will (dev): everything goes on destroy, after AWS's shortest waiting periods. */
  disposable: {
    name: "disposable",
    deletionProtection: false,
    finalSnapshots: false,
    forceDestroy: true,
    keyDeletionWindowDays: 7,
    secretRecoveryWindowDays: 7,
    volumeReclaimPolicy: "Delete",
    traceStorage: "memory",
  },
  /** Data that must survive a mistake: protected, snapshotted, retained, longest waiting periods. */
  retained: {
    name: "retained",
    deletionProtection: true,
    finalSnapshots: true,
    forceDestroy: false,
    keyDeletionWindowDays: 30,
    secretRecoveryWindowDays: 30,
    volumeReclaimPolicy: "Retain",
    traceStorage: "badger",
  },
} as const satisfies Record<string, DurabilityPolicy>;

/** The system node group's minimum size that highly available controllers need (two replicas spread, one node drained). */
export const HA_MIN_SYSTEM_NODES = 3;

/** Availability presets. */
export const AVAILABILITY = {
  /** One replica per controller, changes applied at once (dev). */
  single: { name: "single", highAvailability: false, zonalShift: false, applyDatabaseChangesImmediately: true },
  /** Single controllers, but zonal shift and changes in the maintenance window (staging: production's behaviour on fewer nodes). */
  zonal: { name: "zonal", highAvailability: false, zonalShift: true, applyDatabaseChangesImmediately: false },
  /** Replicated controllers, zonal shift, changes in the maintenance window (production). */
  high: { name: "high", highAvailability: true, zonalShift: true, applyDatabaseChangesImmediately: false },
} as const satisfies Record<string, AvailabilityPolicy>;
