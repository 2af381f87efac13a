/**
 * The bucket catalogue: which S3 buckets every environment has, what each one holds,
 * whether it keeps versions, and how its objects age. Shared by all environments;
 * the only per-environment values are the name prefix and the log expiry
 * (`storage` in the environment file). `modules/s3` turns this data into resources.
 *
 * Sources: seed 004 "Object Storage" (the five service buckets), seed 004 "Artifact
 * Repository" (S3 for build artifacts), seed 003 "Object Storage" (uploads: infrequent
 * access at 30 days, Glacier at 90, expiry at 365; backups versioned and replicated).
 */

export const BUCKET_PURPOSES = ["content", "media", "exports", "backups", "logs", "artifacts"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** Lifecycle target classes used here (the S3 API names). */
export type TransitionStorageClass = "STANDARD_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";

export interface Transition {
  /** Days after creation (current versions) or after becoming noncurrent (noncurrent versions). */
  readonly days: number;
  readonly storageClass: TransitionStorageClass;
}

/**
 * When current objects expire: a fixed number of days, or the environment's
 * `storage.logExpirationDays` (the logs bucket, whose retention differs per environment).
 */
export type Expiration = { readonly days: number } | { readonly fromEnvironment: "logExpirationDays" };

export interface NoncurrentVersionPolicy {
  /** Moves of noncurrent versions to cheaper classes. @default none */
  readonly transitions?: readonly Transition[];
  /** Days after becoming noncurrent when a version is deleted. */
  readonly expireAfterDays: number;
  /** Noncurrent versions kept regardless of age (the newest N). @default none */
  readonly keepNewest?: number;
}

export interface LifecyclePolicy {
  /** Current versions move to these classes (ascending days). */
  readonly transitions: readonly Transition[];
  /** Current versions expire. @default never */
  readonly expiration?: Expiration;
  /** Versioned buckets only (`versioned` true, or `"when-replicated"` where replicated): how old versions age and when they go. */
  readonly noncurrentVersions?: NoncurrentVersionPolicy;
}

export interface BucketDefinition {
  readonly purpose: BucketPurpose;
  readonly description: string;
  /**
   * Versioning: on (`true`: the data must survive overwrites and deletes, and can be
   * replicated), off, or `"when-replicated"`: on only in an environment that replicates the
   * bucket to its DR region (S3 replicates only from a versioned bucket; `dr.buckets`), so
   * the others keep no old versions they would pay for.
   */
  readonly versioned: boolean | "when-replicated";
  /**
   * Default encryption. `kms`: SSE-KMS with the environment's storage key and S3
   * Bucket Keys. `s3-managed`: SSE-S3 (AES256), only for the access-log target,
   * because S3 server access logging cannot deliver into a bucket whose default
   * encryption is SSE-KMS.
   */
  readonly encryption: "kms" | "s3-managed";
  /** S3 server access logs of this bucket go to the logs bucket. False only for the logs bucket itself (no self-logging loop). */
  readonly accessLogged: boolean;
  readonly lifecycle: LifecyclePolicy;
}

/** Every bucket aborts incomplete multipart uploads after this many days (parts are billed until then). */
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;

/** The bucket that receives S3 server access logs of all others. */
export const ACCESS_LOG_BUCKET: BucketPurpose = "logs";

/** Key prefix in the logs bucket under which server access logs of bucket `<purpose>` land. */
export function accessLogPrefix(purpose: BucketPurpose): string {
  return `s3-access-logs/${purpose}/`;
}

/**
 * Objects below this size are not transitioned: the per-object transition request and
 * the infrequent-access minimums cost more than they save (S3's default since 2024,
 * stated explicitly so the plan shows it).
 */
export const TRANSITION_MINIMUM_OBJECT_SIZE = "all_storage_classes_128K";

/** Read by the application straight from S3 or the CDN: Glacier Instant Retrieval keeps GetObject working. */
const TIER_READABLE: readonly Transition[] = [
  { days: 30, storageClass: "STANDARD_IA" },
  { days: 90, storageClass: "GLACIER_IR" },
];
/** Read rarely and never by a user request (restores, audits): Glacier Flexible Retrieval, the cheaper class. */
const TIER_ARCHIVE: readonly Transition[] = [
  { days: 30, storageClass: "STANDARD_IA" },
  { days: 90, storageClass: "GLACIER" },
];

export const BUCKETS: readonly BucketDefinition[] = [
  {
    purpose: "content",
    description: "Book content: manuscripts, chapters, revisions",
    versioned: true,
    encryption: "kms",
    accessLogged: true,
    lifecycle: {
      transitions: TIER_READABLE,
      noncurrentVersions: { transitions: [{ days: 30, storageClass: "STANDARD_IA" }], expireAfterDays: 90, keepNewest: 3 },
    },
  },
  {
    purpose: "media",
    description: "Media files (images, audio, video); served by the CDN through CloudFront Origin Access Control",
    versioned: "when-replicated",
    encryption: "kms",
    accessLogged: true,
    // Old versions exist only where the bucket is replicated (versioned): a month to undo a delete.
    lifecycle: { transitions: TIER_READABLE, noncurrentVersions: { expireAfterDays: 30 } },
  },
  {
    purpose: "exports",
    description: "Exported content (EPUB/PDF); can be regenerated, so it expires like seed 003's uploads",
    versioned: true,
    encryption: "kms",
    accessLogged: true,
    lifecycle: {
      transitions: TIER_READABLE,
      expiration: { days: 365 },
      noncurrentVersions: { expireAfterDays: 30 },
    },
  },
  {
    purpose: "backups",
    description: "Database backups; versioned so production can replicate it cross-region",
    versioned: true,
    encryption: "kms",
    accessLogged: true,
    lifecycle: {
      transitions: TIER_ARCHIVE,
      noncurrentVersions: { expireAfterDays: 90 },
    },
  },
  {
    purpose: "logs",
    description: "Application logs and S3 server access logs of the other buckets",
    versioned: false,
    encryption: "s3-managed",
    accessLogged: false,
    lifecycle: { transitions: TIER_ARCHIVE, expiration: { fromEnvironment: "logExpirationDays" } },
  },
  {
    purpose: "artifacts",
    description: "Build artifacts from CI",
    versioned: true,
    encryption: "kms",
    accessLogged: true,
    lifecycle: {
      transitions: TIER_READABLE,
      noncurrentVersions: { expireAfterDays: 30 },
    },
  },
];

/** Whether a bucket of `def` is versioned: always, never, or where the environment replicates it (`replicated`). */
export function isVersioned(def: BucketDefinition, replicated = false): boolean {
  return def.versioned === true || (def.versioned === "when-replicated" && replicated);
}

export function bucketDefinition(purpose: BucketPurpose): BucketDefinition {
  const found = BUCKETS.find((b) => b.purpose === purpose);
  if (!found) throw new Error(`unknown bucket purpose "${purpose}"; known: ${BUCKET_PURPOSES.join(", ")}`);
  return found;
}

/** `<prefix>-<purpose>-<env>`, the seed's naming (`authorworks-content-dev`). */
export function bucketName(prefix: string, purpose: BucketPurpose, environment: string): string {
  return `${prefix}-${purpose}-${environment}`;
}
