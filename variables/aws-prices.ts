/**
 * AWS on-demand list prices in us-east-1 (USD) that the cost estimate (environments/cost-estimate.ts,
 * README "Cost per environment") multiplies by what the stacks create. Each price names where
 * it was read: `source` is the page or file that states the figure, `official` the AWS pricing
 * page it restates (check there when a price looks off). Most come from two files in AWS's own
 * aws/agent-toolkit-for-aws repository that record rates read from the AWS Price List API; the
 * rest from the pages named. A price not found in any of them is not here, and the estimate
 * shows that line as "not priced" instead of guessing.
 */

/** The region the prices below are for. */
export const PRICES_REGION = "us-east-1";

/**
 * What is known of another region's rates, by region: the estimate prices every environment at
 * PRICES_REGION's rates and says this next to an environment elsewhere.
 */
export const OTHER_REGION_RATES: Readonly<Record<string, string>> = {
  "us-west-2":
    "the AWS Price List of 2026-10-06 gives it the same RDS for PostgreSQL, EC2 and NAT gateway rates as us-east-1 (John-Almos/CommitCost snapshot.json, `PRICE_LIST_SNAPSHOT` in variables/aws-prices.ts); its other rates are not sourced",
};

/** When the prices below were read. */
export const PRICES_CHECKED_ON = "2026-11-30";

/** Hours in a billing month for hourly prices (AWS Pricing Calculator's convention; also the sources'). */
export const HOURS_PER_MONTH = 730;

export type PriceUnit = "hour" | "GB-month" | "month" | "vCPU-hour";

export interface Price {
  readonly usd: number;
  readonly unit: PriceUnit;
  /** Where the figure was read (URL). */
  readonly source: string;
  /** The AWS pricing page it restates. */
  readonly official: string;
}

/** aws/agent-toolkit-for-aws `aws-infra-pricing.json`: "refreshed via the AWS Pricing MCP server" on 2026-10-05, us-east-1. */
const AWS_TOOLKIT_RATES =
  "https://github.com/aws/agent-toolkit-for-aws/blob/0bafe83cbcd470c9f9370f20bc586cc6faa2844f/plugins/aws-startup-advisor/skills/heroku-to-aws/references/vendored/pricing/aws-infra-pricing.json";
/** aws/agent-toolkit-for-aws `pricing-cache.md`: "sourced from AWS Price List API", last updated 2026-09-03, us-east-1. */
const AWS_TOOLKIT_CACHE =
  "https://github.com/aws/agent-toolkit-for-aws/blob/02b472450a79c1f00d705f9649717dce6ea55bf3/plugins/aws-startup-advisor/skills/gcp-to-aws/references/shared/pricing-cache.md";

/**
 * John-Almos/CommitCost `snapshot.json`: "AWS Price List bulk API, public on-demand offer files",
 * generated 2026-10-06 (RDS and EC2 offers of that day), us-east-1 and us-west-2 among others.
 */
const PRICE_LIST_SNAPSHOT = "https://github.com/John-Almos/CommitCost/blob/61194272cb257d525471c035591a280e3e6dd9ea/engine/src/cost/aws/snapshot.json";

/** api-evangelist/amazon-route53-resolver: the Route 53 pricing page's prices, each "found verbatim in the fetched page text", read 2026-09-20. */
const ROUTE53_PRICING_TRANSCRIPT =
  "https://github.com/api-evangelist/amazon-route53-resolver/blob/1c78eb06bd0bfa4611316eca2dd0240ad0bb733e/plans/amazon-route53-resolver-plans-pricing.yml";

const price = (usd: number, unit: PriceUnit, source: string, official: string): Price => ({ usd, unit, source, official });

/** Prices of one unit each. */
export const PRICES = {
  eksCluster: price(0.1, "hour", AWS_TOOLKIT_CACHE, "https://aws.amazon.com/eks/pricing/"),
  natGateway: price(0.045, "hour", AWS_TOOLKIT_CACHE, "https://aws.amazon.com/vpc/pricing/"),
  publicIpv4: price(0.005, "hour", "https://www.doit.com/aws-public-ipv4-price-increase-the-complete-guide/", "https://aws.amazon.com/vpc/pricing/"),
  applicationLoadBalancer: price(0.0225, "hour", AWS_TOOLKIT_CACHE, "https://aws.amazon.com/elasticloadbalancing/pricing/"),
  ebsGp3: price(0.08, "GB-month", AWS_TOOLKIT_RATES, "https://aws.amazon.com/ebs/pricing/"),
  rdsGp3SingleAz: price(
    0.115,
    "GB-month",
    "https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/",
    "https://aws.amazon.com/rds/postgresql/pricing/",
  ),
  rdsGp3MultiAz: price(0.23, "GB-month", AWS_TOOLKIT_RATES, "https://aws.amazon.com/rds/postgresql/pricing/"),
  rdsProxyVcpu: price(0.015, "vCPU-hour", AWS_TOOLKIT_RATES, "https://aws.amazon.com/rds/proxy/pricing/"),
  wafWebAcl: price(5, "month", "https://c3x.dev/blog/aws-waf-cost-explained/", "https://aws.amazon.com/waf/pricing/"),
  wafRule: price(1, "month", "https://c3x.dev/blog/aws-waf-cost-explained/", "https://aws.amazon.com/waf/pricing/"),
  cloudWatchAlarm: price(0.1, "month", AWS_TOOLKIT_RATES, "https://aws.amazon.com/cloudwatch/pricing/"),
  cloudWatchDashboard: price(3, "month", AWS_TOOLKIT_CACHE, "https://aws.amazon.com/cloudwatch/pricing/"),
  kmsKey: price(1, "month", "https://www.wring.co/blog/aws-kms-pricing-guide", "https://aws.amazon.com/kms/pricing/"),
  secret: price(0.4, "month", AWS_TOOLKIT_RATES, "https://aws.amazon.com/secrets-manager/pricing/"),
  hostedZone: price(0.5, "month", AWS_TOOLKIT_RATES, "https://aws.amazon.com/route53/pricing/"),
  healthCheck: price(0.5, "month", AWS_TOOLKIT_CACHE, "https://aws.amazon.com/route53/pricing/"),
  /** Each optional feature of a health check of an AWS endpoint: HTTPS, string matching, the 10 s interval, latency measurement. */
  healthCheckOptionalFeature: price(1, "month", ROUTE53_PRICING_TRANSCRIPT, "https://aws.amazon.com/route53/pricing/"),
} as const satisfies Record<string, Price>;
export type PriceId = keyof typeof PRICES;

const EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/";
/** EC2 Linux on-demand, per instance-hour. */
export const EC2_HOURLY: Readonly<Record<string, Price>> = {
  "t4g.medium": price(0.0336, "hour", AWS_TOOLKIT_RATES, EC2),
  "t4g.large": price(0.0672, "hour", AWS_TOOLKIT_RATES, EC2),
  "m7g.large": price(0.0816, "hour", AWS_TOOLKIT_RATES, EC2),
  "m7g.xlarge": price(0.1632, "hour", AWS_TOOLKIT_RATES, EC2),
};

const RDS = "https://aws.amazon.com/rds/postgresql/pricing/";
/** RDS for PostgreSQL on-demand, per instance-hour, by deployment (a Multi-AZ instance is billed for its standby too). */
export const RDS_POSTGRES_HOURLY: Readonly<Record<string, { readonly singleAz?: Price; readonly multiAz?: Price }>> = {
  "db.t4g.micro": {
    singleAz: price(0.016, "hour", "https://infratally.com/articles/aws-rds-pricing-explained-2026.html", RDS),
    multiAz: price(0.032, "hour", AWS_TOOLKIT_RATES, RDS),
  },
  "db.t4g.medium": {
    singleAz: price(0.065, "hour", "https://infratally.com/articles/aws-rds-pricing-explained-2026.html", RDS),
    multiAz: price(0.129, "hour", AWS_TOOLKIT_RATES, RDS),
  },
  "db.r6g.large": {
    singleAz: price(0.225, "hour", PRICE_LIST_SNAPSHOT, RDS),
    multiAz: price(0.45, "hour", AWS_TOOLKIT_RATES, RDS),
  },
};

/** Where RDS_VCPUS come from: RDS User Guide, "Hardware specifications for DB instance classes". */
export const RDS_VCPUS_SOURCE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html";

/** vCPUs of the RDS classes used here: what RDS Proxy bills by (RDS_VCPUS_SOURCE). */
export const RDS_VCPUS: Readonly<Record<string, number>> = { "db.t4g.micro": 2, "db.t4g.medium": 2, "db.r6g.large": 2 };

const ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/";
/**
 * ElastiCache node-hours at the Redis OSS rate: an upper bound for Valkey nodes, which cost "up
 * to 20 % lower" per node (ElastiCache FAQ, https://amazonaws.cn/en/elasticache/faqs/); the
 * sources list no Valkey node rate for these types.
 */
export const CACHE_NODE_HOURLY: Readonly<Record<string, Price>> = {
  "cache.t4g.micro": price(0.016, "hour", AWS_TOOLKIT_RATES, ELASTICACHE),
  "cache.t4g.small": price(0.032, "hour", AWS_TOOLKIT_RATES, ELASTICACHE),
  "cache.r6g.large": price(0.206, "hour", AWS_TOOLKIT_CACHE, ELASTICACHE),
};
