/**
 * Secure defaults every bucket of this project has, wherever it is made: modules/s3's own
 * buckets and the replicas of modules/s3/replication.ts.
 */
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import type { PolicyStatement } from "../iam";

/** All four public-access blocks on `bucket` (a bucket id), through `provider` where given. */
export function blockAllPublicAccess(scope: Construct, id: string, bucket: string, provider?: AwsProvider): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, id, {
    provider,
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

/** The bucket policy statement refusing every request to `bucketArn` and its objects made without TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: "*", identifiers: ["*"] }],
    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}
