/** CloudFront publishes its metrics in us-east-1 only (dimension Region=Global). */
export const CLOUDFRONT_REGION = "us-east-1";
