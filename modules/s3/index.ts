/**
 * Object storage: the buckets of `variables/storage.ts` for one environment, each with
 * default encryption, all four public-access blocks, ACLs disabled, a TLS-only bucket
 * policy, server access logging into the logs bucket, versioning where the catalogue
 * asks for it and a lifecycle configuration. Consumers get access through grant methods.
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsS3Bucket } from "@cdktf/provider-aws/lib/data-aws-s3-bucket";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { StackContext } from "../context";
import { blockAllPublicAccess, denyInsecureTransport } from "./defaults";
import { AwsContext, PolicyStatement, policyDocument, statementBlock } from "../iam";
import { grantSlug, inlineGrant } from "../iam/grant";
import { IKey, keyServiceUseStatement } from "../kms";
import { PROJECT } from "../../variables/project";
import {
  ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  ACCESS_LOG_BUCKET,
  BUCKETS,
  BucketDefinition,
  BucketPurpose,
  LifecyclePolicy,
  TRANSITION_MINIMUM_OBJECT_SIZE,
  Transition,
  accessLogPrefix,
  bucketName,
  isVersioned,
} from "../../variables/storage";
import { S3_BUCKET_NAME, SERVICE_PRINCIPALS } from "../../variables/aws-catalog";

export type { BucketPurpose } from "../../variables/storage";
export { BucketReplica, REPLICATION_TIME_CONTROL_MINUTES, buildBucketReplica, replicationStatements } from "./replication";
export type { BucketReplicaProps, BucketReplicaResources, ReplicatedBucket, ReplicationPolicyInputs } from "./replication";

/** Object actions a reader needs (current versions only). */
export const S3_READ_OBJECT_ACTIONS = ["s3:GetObject"];
/** Object actions a writer needs on top of reading, including multipart uploads. */
export const S3_WRITE_OBJECT_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

export interface StorageBucketProps {
  /** What the bucket is for, from `variables/storage.ts`. */
  readonly definition: BucketDefinition;
  /** Bucket name (globally unique). */
  readonly bucketName: string;
  /**
   * The environment: `aws` (the log-delivery condition, the grants' `kms:ViaService`) and
   * `keys.storage` (default encryption when `definition.encryption` is `kms`).
   */
  readonly context: StackContext;
  /** Expiry of the logs bucket's objects, for a lifecycle with `fromEnvironment: "logExpirationDays"`. */
  readonly logExpirationDays: number;
  /** Bucket receiving this bucket's S3 server access logs. @default none (no access logging) */
  readonly accessLogTarget?: StorageBucket;
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /**
   * The environment replicates this bucket to its DR region (modules/dr): versioning is
   * turned on where the catalogue says `"when-replicated"`; refused for an unversioned bucket.
   * @default false
   */
  readonly replicated?: boolean;
}

/** The storage classes S3 refuses to transition into before this many days (current versions). */
const MINIMUM_TRANSITION_DAYS: Partial<Record<Transition["storageClass"], number>> = { STANDARD_IA: 30 };

/**
 * Lifecycle transitions that can coexist with the expiry: S3 refuses a transition on or
 * after the expiration day, so an environment with short log retention (dev: 30 days)
 * simply keeps its logs in Standard until they expire.
 */
export function effectiveTransitions(transitions: readonly Transition[], expirationDays: number | undefined): Transition[] {
  return transitions.filter((t) => expirationDays === undefined || t.days < expirationDays);
}

/**
 * A bucket wherever it was made, with the grants of its objects: `StorageBucket` (the
 * `<env>` stack's) and `StorageBucket.fromBucketAttributes` (another stack's, by name)
 * grant the same statements.
 */
export interface IBucket {
  /** Bucket name. */
  readonly name: string;
  /** `arn:<partition>:s3:::<name>` */
  readonly arn: string;
  /** Region of the bucket (the grants' `kms:ViaService` endpoint is in it). */
  readonly region: string;
  /** Catalogue purpose (`variables/storage.ts`), when the bucket is one of the catalogue's. */
  readonly purpose?: BucketPurpose;
  /** Its default SSE-KMS key. @default undefined (SSE-S3) */
  readonly encryptionKey?: IKey;
  /** Statements for reading objects (under `keyPrefix`, if given) and decrypting them. */
  readStatements(keyPrefix?: string): PolicyStatement[];
  /** Statements for reading, writing and deleting objects (under `keyPrefix`, if given). */
  readWriteStatements(keyPrefix?: string): PolicyStatement[];
  /** Inline policy on `role`: read objects of this bucket (under `keyPrefix`). Idempotent per role, mode and prefix. */
  grantRead(role: IamRole, keyPrefix?: string): IamRolePolicy;
  /** Inline policy on `role`: read, write and delete objects of this bucket (under `keyPrefix`). Idempotent per role, mode and prefix. */
  grantReadWrite(role: IamRole, keyPrefix?: string): IamRolePolicy;
}

/** What `StorageBucket.fromBucketAttributes` needs. */
export interface BucketAttributes {
  /** The importing stack's account, region and partition; the bucket is in `aws.region`. */
  readonly aws: AwsContext;
  /** Bucket name, e.g. `names.bucket(prefix, "content", env)`. */
  readonly bucketName: string;
  /**
   * Catalogue purpose: names the grants' policies (`s3-<purpose>-read`) and says whether
   * the bucket is SSE-KMS. @default none: policies are named after the bucket
   */
  readonly purpose?: BucketPurpose;
  /**
   * The bucket's default SSE-KMS key (e.g. `EncryptionKey.fromAliasName(..., names.kmsAlias(env, "storage"))`).
   * Required when the catalogue makes `purpose` SSE-KMS, refused when it makes it SSE-S3.
   * @default none (SSE-S3: the grants have no KMS statement)
   */
  readonly encryptionKey?: IKey;
}

/**
 * The statements of one access mode on any `IBucket`, and the grant that puts them on a
 * role: what `StorageBucket` and an imported bucket share. `label` names the policy
 * (`s3-<label>-<mode>`); `scope` holds the grant constructs.
 */
function bucketStatements(bucket: IBucket, label: string, mode: BucketAccessMode, keyPrefix?: string): PolicyStatement[] {
  if (keyPrefix !== undefined && (keyPrefix === "" || keyPrefix.startsWith("/") || /[*?]/.test(keyPrefix))) {
    throw new Error(`key prefix "${keyPrefix}" for bucket "${label}": use a non-empty prefix without a leading "/" or wildcards, e.g. "exports/"`);
  }
  return bucketAccessStatements({ bucketArn: bucket.arn, kmsKeyArn: bucket.encryptionKey?.arn, region: bucket.region, mode, keyPrefix });
}

function grantBucket(bucket: IBucket, scope: Construct, label: string, role: IamRole, mode: BucketAccessMode, keyPrefix?: string): IamRolePolicy {
  const suffix = keyPrefix ? `-${grantSlug(keyPrefix)}` : "";
  return inlineGrant({
    scope,
    role,
    what: `${mode}${suffix}`,
    policyName: `s3-${label}-${mode}${suffix}`,
    statements: () => bucketStatements(bucket, label, mode, keyPrefix),
  });
}

/**
 * A bucket of another stack, by name. It is looked up (an `aws_s3_bucket` data source), so
 * a plan of this stack fails while the bucket does not exist (the owning stack not applied,
 * or the two stacks disagreeing on the name), and the lookup is in the synthesized JSON,
 * where a test can check it against the owning stack. The ARN is built from the name (S3
 * ARNs hold neither account nor region), so the grants' policies read plainly in a plan.
 */
class ImportedBucket implements IBucket {
  public readonly name: string;
  public readonly arn: string;
  public readonly region: string;
  public readonly purpose?: BucketPurpose;
  public readonly encryptionKey?: IKey;
  private readonly label: string;

  constructor(
    /** The `aws_s3_bucket` data source; the grants are made under it. */
    public readonly lookup: DataAwsS3Bucket,
    attrs: BucketAttributes,
  ) {
    const name = attrs.bucketName;
    if (!Token.isUnresolved(name) && !S3_BUCKET_NAME.test(name)) {
      throw new Error(`bucket name "${name}" is not a valid S3 bucket name (3-63 lower-case letters, digits, hyphens)`);
    }
    const def = attrs.purpose && BUCKETS.find((b) => b.purpose === attrs.purpose);
    if (def && (def.encryption === "kms") !== Boolean(attrs.encryptionKey)) {
      throw new Error(
        `bucket "${name}" (${def.purpose}): the catalogue makes it ${def.encryption === "kms" ? "SSE-KMS: pass its encryptionKey" : "SSE-S3: pass no encryptionKey"}`,
      );
    }
    this.name = name;
    this.arn = `arn:${attrs.aws.partition ?? "aws"}:s3:::${name}`;
    this.region = attrs.aws.region;
    this.purpose = attrs.purpose;
    this.encryptionKey = attrs.encryptionKey;
    this.label = attrs.purpose ?? grantSlug(name);
  }

  public readStatements(keyPrefix?: string): PolicyStatement[] {
    return bucketStatements(this, this.label, "read", keyPrefix);
  }

  public readWriteStatements(keyPrefix?: string): PolicyStatement[] {
    return bucketStatements(this, this.label, "read-write", keyPrefix);
  }

  public grantRead(role: IamRole, keyPrefix?: string): IamRolePolicy {
    return grantBucket(this, this.lookup, this.label, role, "read", keyPrefix);
  }

  public grantReadWrite(role: IamRole, keyPrefix?: string): IamRolePolicy {
    return grantBucket(this, this.lookup, this.label, role, "read-write", keyPrefix);
  }
}

/**
 * One bucket with its encryption, public access block, ownership controls, TLS-only
 * policy, optional access logging, versioning and lifecycle.
 */
export class StorageBucket extends Construct implements IBucket {
  /**
   * A bucket of another stack by name (construct id `id` is the `aws_s3_bucket` data
   * source's), with the grants of a `StorageBucket`. See `ImportedBucket` for why it is
   * looked up and why its ARN is built from the name.
   */
  public static fromBucketAttributes(scope: Construct, id: string, attrs: BucketAttributes): IBucket {
    return new ImportedBucket(new DataAwsS3Bucket(scope, id, { bucket: attrs.bucketName }), attrs);
  }

  public readonly purpose: BucketPurpose;
  public readonly definition: BucketDefinition;
  public readonly bucket: S3Bucket;
  /** Bucket name (reference to the resource, so users depend on it). */
  public readonly name: string;
  public readonly arn: string;
  /** Terraform id (the bucket name). */
  public readonly id: string;
  public readonly region: string;
  /** The storage key when `definition.encryption` is `kms`. */
  public readonly encryptionKey?: IKey;
  /** `<bucket>.s3.<region>.amazonaws.com`, the origin domain CloudFront needs. */
  public readonly regionalDomainName: string;
  public readonly versioning?: S3BucketVersioningA;
  public readonly policy: S3BucketPolicy;
  public readonly policyDocument: DataAwsIamPolicyDocument;
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  public readonly logging?: S3BucketLoggingA;
  /** Key prefix of this bucket's server access logs in the target bucket. @default undefined (not logged) */
  public readonly accessLogPrefix?: string;

  private readonly aws: AwsContext;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: StorageBucketProps) {
    super(scope, id);
    const def = props.definition;
    this.purpose = def.purpose;
    this.definition = def;
    this.aws = props.context.aws;
    this.region = this.aws.region;
    this.encryptionKey = def.encryption === "kms" ? props.context.keys.storage : undefined;
    const kmsKeyArn = this.encryptionKey?.arn;

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      tags: { Name: props.bucketName, Purpose: def.purpose },
    });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.id = this.bucket.id;
    this.regionalDomainName = this.bucket.bucketRegionalDomainName;

    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
              // One KMS call per bucket key period instead of per object: cheaper, fewer throttles.
              bucketKeyEnabled: true,
              blockedEncryptionTypes: ["SSE-C"],
            }
          : {
              // SSE-S3: the only default encryption S3 server access log delivery supports.
              applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
              blockedEncryptionTypes: ["SSE-C"],
            },
      ],
    });

    const publicAccessBlock = blockAllPublicAccess(this, "public-access-block", this.bucket.id);

    // ACLs off: the bucket owner owns every object; access is decided by policies only.
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    this.statements = [denyInsecureTransport(this.arn)];
    this.policyDocument = policyDocument(this, "policy-document", this.statements);
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: this.policyDocument.json,
      // Both calls change the bucket's access settings; S3 rejects them when concurrent.
      dependsOn: [publicAccessBlock],
    });

    const versioned = isVersioned(def, props.replicated);
    if (versioned) {
      this.versioning = new S3BucketVersioningA(this, "versioning", {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }

    if (props.accessLogTarget) {
      const target = props.accessLogTarget;
      this.accessLogPrefix = accessLogPrefix(def.purpose);
      target.addPolicyStatements({
        sid: `ServerAccessLogsFrom${def.purpose.charAt(0).toUpperCase()}${def.purpose.slice(1)}`,
        actions: ["s3:PutObject"],
        resources: [`${target.arn}/${this.accessLogPrefix}*`],
        principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.s3Logging] }],
        conditions: [
          { test: "ArnLike", variable: "aws:SourceArn", values: [this.arn] },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [this.aws.accountId] },
        ],
      });
      this.logging = new S3BucketLoggingA(this, "logging", {
        bucket: this.bucket.id,
        targetBucket: target.id,
        targetPrefix: this.accessLogPrefix,
        // Date-partitioned keys, so Athena can prune by day.
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        // Delivery permission exists before logging starts.
        dependsOn: [target.policy],
      });
    }

    this.lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      transitionDefaultMinimumObjectSize: TRANSITION_MINIMUM_OBJECT_SIZE,
      rule: lifecycleRules(def, props.logExpirationDays, versioned),
      // Noncurrent-version rules on a bucket whose versioning is not on yet are rejected.
      dependsOn: this.versioning ? [this.versioning] : undefined,
    });

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (!S3_BUCKET_NAME.test(props.bucketName))
          errors.push(`bucket name "${props.bucketName}" is not a valid S3 bucket name (3-63 lower-case letters, digits, hyphens)`);
        if (def.versioned === false && def.lifecycle.noncurrentVersions)
          errors.push(`bucket "${def.purpose}" has a noncurrent-version policy but is never versioned`);
        if (def.versioned === "when-replicated" && !def.lifecycle.noncurrentVersions)
          errors.push(`bucket "${def.purpose}" is versioned when replicated but has no noncurrent-version policy (old versions would never expire)`);
        if (props.replicated && !versioned) errors.push(`bucket "${def.purpose}" is never versioned, so S3 cannot replicate it`);
        const exp = expirationDays(def.lifecycle, props.logExpirationDays);
        if (exp !== undefined && !(Number.isInteger(exp) && exp >= 1))
          errors.push(`bucket "${def.purpose}": expiration must be a whole number of days >= 1 (got ${exp})`);
        for (const t of def.lifecycle.transitions) {
          const min = MINIMUM_TRANSITION_DAYS[t.storageClass] ?? 0;
          if (t.days < min) errors.push(`bucket "${def.purpose}": S3 refuses a transition to ${t.storageClass} before ${min} days (got ${t.days})`);
        }
        return errors;
      },
    });
  }

  /**
   * Adds statements to this bucket's policy (e.g. CloudFront Origin Access Control on the
   * media bucket). Can be called any time before synthesis; the policy is re-rendered.
   */
  public addPolicyStatements(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
    this.policyDocument.putStatement(this.statements.map(statementBlock));
  }

  public readStatements(keyPrefix?: string): PolicyStatement[] {
    return bucketStatements(this, this.purpose, "read", keyPrefix);
  }

  public readWriteStatements(keyPrefix?: string): PolicyStatement[] {
    return bucketStatements(this, this.purpose, "read-write", keyPrefix);
  }

  public grantRead(role: IamRole, keyPrefix?: string): IamRolePolicy {
    return grantBucket(this, this, this.purpose, role, "read", keyPrefix);
  }

  public grantReadWrite(role: IamRole, keyPrefix?: string): IamRolePolicy {
    return grantBucket(this, this, this.purpose, role, "read-write", keyPrefix);
  }
}

export type BucketAccessMode = "read" | "read-write";

export interface BucketAccess {
  readonly bucketArn: string;
  /** The bucket's SSE-KMS key; omit for SSE-S3 buckets. */
  readonly kmsKeyArn?: string;
  readonly region: string;
  readonly mode: BucketAccessMode;
  /** Limit to keys under this prefix (e.g. `exports/`). @default the whole bucket */
  readonly keyPrefix?: string;
}

/**
 * Least-privilege statements for using one bucket: list (under the prefix), object
 * actions, and the KMS key only through S3 for this bucket. Every `IBucket`'s statements
 * and grants come from it.
 */
export function bucketAccessStatements(a: BucketAccess): PolicyStatement[] {
  const objects = `${a.bucketArn}/${a.keyPrefix ?? ""}*`;
  const write = a.mode === "read-write";
  const statements: PolicyStatement[] = [
    {
      sid: "ListBucket",
      actions: ["s3:ListBucket"],
      resources: [a.bucketArn],
      conditions: a.keyPrefix ? [{ test: "StringLike", variable: "s3:prefix", values: [`${a.keyPrefix}*`] }] : undefined,
    },
    {
      sid: write ? "ReadWriteObjects" : "ReadObjects",
      actions: write ? [...S3_READ_OBJECT_ACTIONS, ...S3_WRITE_OBJECT_ACTIONS] : [...S3_READ_OBJECT_ACTIONS],
      resources: [objects],
    },
  ];
  if (a.kmsKeyArn) {
    statements.push(
      keyServiceUseStatement(
        { arn: a.kmsKeyArn, region: a.region },
        {
          sid: write ? "EncryptDecryptThroughS3" : "DecryptThroughS3",
          actions: write ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
          service: "s3",
          // With S3 Bucket Keys the encryption context is the bucket ARN (object ARN without): either way, this bucket only.
          encryptionContext: { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [a.bucketArn, `${a.bucketArn}/*`] },
        },
      ),
    );
  }
  return statements;
}

function expirationDays(policy: LifecyclePolicy, logExpirationDays: number): number | undefined {
  const e = policy.expiration;
  if (!e) return undefined;
  return "days" in e ? e.days : logExpirationDays;
}

/**
 * The catalogue's lifecycle policy as S3 rules; every rule covers the whole bucket (`filter {}`).
 * @param versioned whether the bucket keeps versions (`isVersioned`): only then does the noncurrent-version rule apply.
 */
export function lifecycleRules(def: BucketDefinition, logExpirationDays: number, versioned = isVersioned(def)): S3BucketLifecycleConfigurationRule[] {
  const policy = def.lifecycle;
  const exp = expirationDays(policy, logExpirationDays);
  const transitions = effectiveTransitions(policy.transitions, exp);
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: [{}],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS }],
    },
  ];
  if (transitions.length || exp !== undefined) {
    rules.push({
      id: "current-versions",
      status: "Enabled",
      filter: [{}],
      transition: transitions.length ? transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) : undefined,
      expiration: exp !== undefined ? [{ days: exp }] : undefined,
    });
  }
  const nc = policy.noncurrentVersions;
  if (versioned && nc) {
    rules.push({
      id: "noncurrent-versions",
      status: "Enabled",
      filter: [{}],
      noncurrentVersionTransition: nc.transitions?.length ? nc.transitions.map((t) => ({ noncurrentDays: t.days, storageClass: t.storageClass })) : undefined,
      noncurrentVersionExpiration: [{ noncurrentDays: nc.expireAfterDays, newerNoncurrentVersions: nc.keepNewest }],
      // A delete marker with no versions left behind is clutter that slows listing.
      expiration: [{ expiredObjectDeleteMarker: true }],
    });
  }
  return rules;
}

export interface ObjectStorageProps {
  /**
   * The environment: `environment` (the last part of every bucket name), `aws` (log-delivery
   * conditions, the grants' `kms:ViaService` condition) and `keys.storage` (default
   * encryption of every bucket but logs).
   */
  readonly context: StackContext;
  /** First part of every bucket name: `<prefix>-<purpose>-<env>`. @default "authorworks" */
  readonly bucketPrefix?: string;
  /** Days after which objects in the logs bucket expire (the environment's `storage.logExpirationDays`). */
  readonly logExpirationDays: number;
  /** Let `terraform destroy` delete non-empty buckets (dev only). @default false */
  readonly forceDestroy?: boolean;
  /**
   * Purposes the environment replicates to its DR region (`dr.buckets.purposes`): versioned
   * even where the catalogue versions them only `"when-replicated"`. @default none
   */
  readonly replicatedPurposes?: readonly BucketPurpose[];
}

/** Every bucket of the catalogue for one environment. */
export class ObjectStorage extends Construct {
  public readonly buckets: Readonly<Record<BucketPurpose, StorageBucket>>;

  constructor(scope: Construct, id: string, props: ObjectStorageProps) {
    super(scope, id);
    const prefix = props.bucketPrefix ?? PROJECT;
    const make = (def: BucketDefinition, accessLogTarget?: StorageBucket): StorageBucket =>
      new StorageBucket(this, def.purpose, {
        definition: def,
        bucketName: bucketName(prefix, def.purpose, props.context.environment),
        context: props.context,
        logExpirationDays: props.logExpirationDays,
        forceDestroy: props.forceDestroy,
        accessLogTarget,
        replicated: props.replicatedPurposes?.includes(def.purpose),
      });

    // The log target first: the others add their delivery statements to its policy.
    const logDef = BUCKETS.find((b) => b.purpose === ACCESS_LOG_BUCKET)!;
    const logs = make(logDef);
    const buckets = { [logDef.purpose]: logs } as Record<BucketPurpose, StorageBucket>;
    for (const def of BUCKETS) {
      if (def.purpose === ACCESS_LOG_BUCKET) continue;
      buckets[def.purpose] = make(def, def.accessLogged ? logs : undefined);
    }
    this.buckets = buckets;
  }
}
