/**
 * Cross-region replication of one bucket: a replica bucket in another region (made through
 * that region's provider) with the secure defaults of modules/s3, a replication role that
 * reads the source's versions and writes replicas only, and the replication configuration
 * on the source. modules/backup (the backups bucket) and modules/dr (content, media,
 * exports) both build their replicas with it.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SERVICE_PRINCIPALS, serviceEndpoint } from "../../variables/aws-catalog";
import { AwsContext, PolicyStatement, ServiceRole, policyDocument, statementBlock } from "../iam";
import { blockAllPublicAccess, denyInsecureTransport } from "./defaults";

/**
 * S3 Replication Time Control's only accepted threshold (minutes), for the SLA and the
 * metrics' event threshold (S3 API Reference, ReplicationTimeValue `Minutes`: valid value 15).
 */
export const REPLICATION_TIME_CONTROL_MINUTES = 15;

/** The bucket to replicate (modules/s3 `StorageBucket` fits). */
export interface ReplicatedBucket {
  readonly name: string;
  readonly arn: string;
  /** Terraform id (the bucket name). */
  readonly id: string;
  /** The bucket's versioning resource: replication needs versioning first. @default no dependency */
  readonly versioning?: ITerraformDependable;
}

export interface BucketReplicaProps {
  /** Account and primary region: the role's confused-deputy guard and the source key's `kms:ViaService`. */
  readonly aws: AwsContext;
  /** Source bucket: versioned and SSE-KMS with `sourceKmsKeyArn` (the role decrypts through S3). */
  readonly source: ReplicatedBucket;
  /** Default encryption key of the source bucket (in `aws.region`). */
  readonly sourceKmsKeyArn: string;
  /** Provider of the replica's region (`aws.dr`); every replica resource is made through it. */
  readonly provider: AwsProvider;
  /** The replica's region (the provider's). */
  readonly region: string;
  /** Name of the replica bucket (globally unique), e.g. `names.replicaBucket(...)`. */
  readonly bucketName: string;
  /** `Purpose` tag of the replica bucket, e.g. `content-replica`. */
  readonly purpose: string;
  /** Key in `region` that encrypts the replicas (default encryption and the replication rule). */
  readonly kmsKeyArn: string;
  /** Lifecycle rules of the replica bucket (it is versioned: bound its noncurrent versions). */
  readonly lifecycleRules: S3BucketLifecycleConfigurationRule[];
  /** Name of the replication role (and of its inline policy). */
  readonly roleName: string;
  /** Id of the replication rule, e.g. `content-to-dr`. */
  readonly ruleId: string;
  /**
   * S3 Replication Time Control: 99.99 % of objects within 15 minutes under an SLA, with
   * replication metrics (extra charge per GB replicated). @default false (no bound)
   */
  readonly replicationTimeControl?: boolean;
  /** Let `terraform destroy` delete a non-empty replica bucket. @default false */
  readonly forceDestroy?: boolean;
}

/** What `buildBucketReplica` makes. */
export interface BucketReplicaResources {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  readonly role: ServiceRole;
  readonly rolePolicy: IamRolePolicy;
  readonly replication: S3BucketReplicationConfigurationA;
  /** Adds statements to the replica's bucket policy (after its TLS-only statement); any time before synthesis. */
  addPolicyStatements(...statements: PolicyStatement[]): void;
}

/**
 * Builds a replica of `props.source` directly in `scope`, with fixed construct ids
 * (`replica-bucket`, `replica-versioning`, ..., `replication-role`, `replication`): modules/backup
 * keeps its replica's addresses by building into its own scope; `BucketReplica` gives each
 * replica a scope of its own.
 */
export function buildBucketReplica(scope: Construct, props: BucketReplicaProps): BucketReplicaResources {
  const { provider, bucketName: name } = props;
  const bucket = new S3Bucket(scope, "replica-bucket", {
    provider,
    bucket: name,
    forceDestroy: props.forceDestroy ?? false,
    tags: { Name: name, Purpose: props.purpose },
  });
  const versioning = new S3BucketVersioningA(scope, "replica-versioning", {
    provider,
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "replica-encryption", {
    provider,
    bucket: bucket.id,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
        bucketKeyEnabled: true,
        blockedEncryptionTypes: ["SSE-C"],
      },
    ],
  });
  const pab = blockAllPublicAccess(scope, "replica-public-access-block", bucket.id, provider);
  new S3BucketOwnershipControls(scope, "replica-ownership", {
    provider,
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  const statements: PolicyStatement[] = [denyInsecureTransport(bucket.arn)];
  const policy = policyDocument(scope, "replica-policy-document", statements);
  const addPolicyStatements = (...more: PolicyStatement[]): void => {
    statements.push(...more);
    policy.putStatement(statements.map(statementBlock));
  };
  new S3BucketPolicy(scope, "replica-policy", { provider, bucket: bucket.id, policy: policy.json, dependsOn: [pab] });
  new S3BucketLifecycleConfiguration(scope, "replica-lifecycle", {
    provider,
    bucket: bucket.id,
    rule: props.lifecycleRules,
    dependsOn: [versioning],
  });

  const src = props.source;
  const role = new ServiceRole(scope, "replication-role", {
    name: props.roleName,
    description: `S3 replication of ${name} sources to the DR region`,
    service: SERVICE_PRINCIPALS.s3,
    sourceAccount: props.aws.accountId,
  });
  const doc = policyDocument(
    scope,
    "replication-policy-document",
    replicationStatements({
      primaryRegion: props.aws.region,
      drRegion: props.region,
      sourceArn: src.arn,
      sourceKmsKeyArn: props.sourceKmsKeyArn,
      destinationArn: bucket.arn,
      destinationKmsKeyArn: props.kmsKeyArn,
    }),
  );
  const rolePolicy = new IamRolePolicy(scope, "replication-policy", { name: props.roleName, role: role.role.id, policy: doc.json });
  const rtc = props.replicationTimeControl === true;
  const minutes = REPLICATION_TIME_CONTROL_MINUTES;
  const replication = new S3BucketReplicationConfigurationA(scope, "replication", {
    bucket: src.id,
    role: role.arn,
    rule: [
      {
        id: props.ruleId,
        status: "Enabled",
        priority: 1,
        filter: { prefix: "" },
        // A delete hides the object in the replica too (what the application sees after a
        // failover matches the primary); version deletions are never replicated, so the old
        // version stays recoverable there until its noncurrent expiry.
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: bucket.arn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: props.kmsKeyArn },
          ...(rtc ? { replicationTime: { status: "Enabled", time: { minutes } }, metrics: { status: "Enabled", eventThreshold: { minutes } } } : {}),
        },
      },
    ],
    // S3 refuses replication unless both buckets are versioned; the role's policy comes first too.
    dependsOn: [versioning, rolePolicy, ...(src.versioning ? [src.versioning] : [])],
  });
  return { bucket, versioning, role, rolePolicy, replication, addPolicyStatements };
}

/** One replica of a bucket in a scope of its own (`<id>_replica_bucket`, `<id>_replication`, ...). */
export class BucketReplica extends Construct {
  public readonly bucket: S3Bucket;
  /** Replica bucket name. */
  public readonly name: string;
  public readonly arn: string;
  /** `<bucket>.s3.<DR region>.amazonaws.com`: an origin of its own (CloudFront origin failover). */
  public readonly regionalDomainName: string;
  public readonly role: ServiceRole;
  public readonly replication: S3BucketReplicationConfigurationA;
  /** Id of the replication rule (a dimension of its replication metrics). */
  public readonly ruleId: string;
  private readonly made: BucketReplicaResources;

  constructor(scope: Construct, id: string, props: BucketReplicaProps) {
    super(scope, id);
    this.ruleId = props.ruleId;
    const made = buildBucketReplica(this, props);
    this.bucket = made.bucket;
    this.name = made.bucket.bucket;
    this.arn = made.bucket.arn;
    this.role = made.role;
    this.replication = made.replication;
    this.regionalDomainName = made.bucket.bucketRegionalDomainName;
    this.made = made;
  }

  /** Adds statements to the replica's bucket policy (e.g. CloudFront Origin Access Control). */
  public addPolicyStatements(...statements: PolicyStatement[]): void {
    this.made.addPolicyStatements(...statements);
  }
}

export interface ReplicationPolicyInputs {
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly sourceArn: string;
  readonly sourceKmsKeyArn: string;
  readonly destinationArn: string;
  readonly destinationKmsKeyArn: string;
}

/** The replication role's statements: read the source versions, write replicas, the two keys through S3 only. */
export function replicationStatements(i: ReplicationPolicyInputs): PolicyStatement[] {
  return [
    { sid: "ReadReplicationConfiguration", actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [i.sourceArn] },
    {
      sid: "ReadSourceVersions",
      actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
      resources: [`${i.sourceArn}/*`],
    },
    { sid: "WriteReplicas", actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: [`${i.destinationArn}/*`] },
    {
      sid: "DecryptSourceThroughS3",
      actions: ["kms:Decrypt"],
      resources: [i.sourceKmsKeyArn],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("s3", i.primaryRegion)] },
        { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [i.sourceArn, `${i.sourceArn}/*`] },
      ],
    },
    {
      sid: "EncryptReplicasThroughS3",
      // GenerateDataKey: the replica bucket uses S3 Bucket Keys.
      actions: ["kms:Encrypt", "kms:GenerateDataKey"],
      resources: [i.destinationKmsKeyArn],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("s3", i.drRegion)] },
        { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [i.destinationArn, `${i.destinationArn}/*`] },
      ],
    },
  ];
}
