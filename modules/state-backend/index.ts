/**
 * Where every other stack keeps its Terraform state: a versioned, KMS-encrypted,
 * private S3 bucket and a DynamoDB lock table. Both are `prevent_destroy`: losing
 * them loses track of every real resource.
 */
import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { AwsContext, policyDocument } from "../iam";
import { EncryptionKey } from "../kms";

export interface StateBackendProps {
  readonly aws: AwsContext;
  /** State bucket name (globally unique). */
  readonly bucketName: string;
  /** Lock table name. */
  readonly lockTableName: string;
  /** Days to keep state versions that have been superseded. @default 90 */
  readonly noncurrentVersionDays?: number;
}

export class StateBackend extends Construct {
  public readonly bucket: S3Bucket;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly lockTable: DynamodbTable;
  public readonly lockTableName: string;
  public readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const protect = { preventDestroy: true };

    // State holds every secret Terraform ever read: its own key, usable through S3 and DynamoDB only.
    this.key = new EncryptionKey(this, "key", {
      aws: props.aws,
      alias: `${props.bucketName}`,
      description: "Terraform state bucket and lock table",
      viaServices: ["s3", "dynamodb"],
    });
    this.key.key.lifecycle = protect;

    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, lifecycle: protect, tags: { Name: props.bucketName } });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      // SSE-C explicitly blocked (the S3 default for new buckets since 2026): written out, so a plan never diffs on it.
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
          blockedEncryptionTypes: ["SSE-C"],
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      dependsOn: [versioning],
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 90, newerNoncurrentVersions: 10 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const policy = policyDocument(this, "bucket-policy-document", [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        resources: [this.bucket.arn, `${this.bucket.arn}/*`],
        principals: [{ type: "*", identifiers: ["*"] }],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    new S3BucketPolicy(this, "bucket-policy", { bucket: this.bucket.id, policy: policy.json });

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: props.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      deletionProtectionEnabled: true,
      lifecycle: protect,
      tags: { Name: props.lockTableName },
    });
    this.lockTableName = this.lockTable.name;
  }
}
