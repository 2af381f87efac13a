/**
 * The edge of one environment: a CloudFront distribution serving the media bucket
 * (through Origin Access Control) and the API (`/api/*`, through the gateway's load
 * balancer), security response headers, standard logging v2 into the logs bucket,
 * a CLOUDFRONT-scope WAF on the distribution, a REGIONAL WAF for the load balancer,
 * and alias records in the public zone.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import {
  CloudfrontDistribution,
  CloudfrontDistributionDefaultCacheBehavior,
  CloudfrontDistributionOrigin,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { DataAwsCloudfrontCachePolicy } from "@cdktf/provider-aws/lib/data-aws-cloudfront-cache-policy";
import { DataAwsCloudfrontOriginRequestPolicy } from "@cdktf/provider-aws/lib/data-aws-cloudfront-origin-request-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { StackContext } from "../context";
import { PolicyStatement } from "../iam";
import type { PolicyKey } from "../kms";
import { CloudFrontPriceClass, GLOBAL_REGION, SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import { names, resourceName } from "../../variables/project";
import { WebAcl, WebAclHold, WebAclLoggingProps } from "./waf";

export * from "./waf";

/** AWS managed policies used by the API behaviour (looked up by name, so the plan shows what they are). */
export const MANAGED_CACHING_DISABLED = "Managed-CachingDisabled";
export const MANAGED_ALL_VIEWER_EXCEPT_HOST = "Managed-AllViewerExceptHostHeader";
/** HSTS max-age: two years, what the preload list asks for. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
/** Origin ids inside the distribution. */
export const MEDIA_ORIGIN_ID = "media";
export const API_ORIGIN_ID = "api";
/** The media bucket's replica in the DR region (`addMediaFailover`). */
export const MEDIA_REPLICA_ORIGIN_ID = "media-replica";
/** Origin group of the media bucket and its replica: the default behaviour's target once `addMediaFailover` is called. */
export const MEDIA_ORIGIN_GROUP_ID = "media-failover";
/**
 * Status codes from the media bucket on which CloudFront retries the request on the replica
 * (a timeout or refused connection fails over too). The 5xx an S3 outage returns; a 403 or 404
 * is an answer about the object and is passed on. Accepted by CloudFront: 400, 403, 404, 416,
 * 500, 502, 503, 504 (CloudFront Developer Guide, "Optimize high availability with CloudFront
 * origin failover").
 */
export const MEDIA_FAILOVER_STATUS_CODES = [500, 502, 503, 504] as const;
/**
 * The media bucket's connection attempts and timeout (seconds) once it fails over: CloudFront's
 * defaults are 3 attempts of 10 s, a 30 s wait per request before the replica is tried.
 * Accepted by CloudFront: 1-3 attempts, 1-10 s (CloudFront Developer Guide, "Origin settings").
 */
export const MEDIA_FAILOVER_CONNECTION = { attempts: 1, timeoutSeconds: 5 } as const;

/** What the CDN needs of the media bucket (`ObjectStorage.buckets.media`). */
export interface OriginBucket {
  readonly arn: string;
  /** `<bucket>.s3.<region>.amazonaws.com` */
  readonly regionalDomainName: string;
  /** Adds statements to the bucket policy. */
  addPolicyStatements(...statements: PolicyStatement[]): void;
}

/** What the CDN needs of the logs bucket (`ObjectStorage.buckets.logs`): SSE-S3, ACLs disabled. */
export interface LogBucket {
  readonly arn: string;
  /** The bucket policy resource: log delivery is created after it. @default no explicit dependency */
  readonly policy?: ITerraformDependable;
  addPolicyStatements(...statements: PolicyStatement[]): void;
}

export interface ContentDeliveryProps {
  /**
   * The environment: `environment` (names, `names.regionalWebAcl`, and the metric prefix),
   * `aws` (account: log-delivery conditions), `keys.storage` (gets `kmsKeyPolicyStatement`:
   * CloudFront may decrypt media objects for this distribution only), and with `wafLogging`
   * `keys.logs` and `logRetentionDays` (the REGIONAL ACL's log group; days).
   */
  readonly context: StackContext;
  /** Provider in us-east-1 (`providers.global`): CLOUDFRONT WAF and the log delivery source. */
  readonly globalProvider: AwsProvider;
  /** Public zone name (`env.dns.zoneName`): the API origin is `api.<zoneName>`. */
  readonly zoneName: string;
  /** Public zone id (`DnsZones.zoneId`): alias records for `aliases` are made there. */
  readonly zoneId: string;
  /** Host names the distribution serves (`env.edge.aliases`), inside `zoneName`. */
  readonly aliases: readonly string[];
  /** Validated us-east-1 certificate covering `aliases` (`DnsZones.cloudFrontCertificateArn`). */
  readonly certificateArn: string;
  /** CloudFront price class (`env.edge.priceClass`). */
  readonly priceClass: CloudFrontPriceClass;
  /** WAF rate limit: requests per 5 minutes from one IP (`env.edge.wafRateLimit`). */
  readonly wafRateLimit: number;
  /** A hold on the gateway's REGIONAL ACL (`env.edge.gatewayHold`); the CLOUDFRONT ACL never holds. @default none */
  readonly gatewayHold?: WebAclHold;
  /** The media bucket (SSE-KMS): default origin, through Origin Access Control. */
  readonly mediaBucket: OriginBucket;
  /** The logs bucket: standard logs v2 land under `<logPrefix>/`. */
  readonly logsBucket: LogBucket;
  /** Host name of the API origin (external-dns points it at the gateway's load balancer). @default `api.<zoneName>` */
  readonly apiOriginDomainName?: string;
  /** Path pattern routed to the API. @default "/api/*" */
  readonly apiPathPattern?: string;
  /** Content-Security-Policy header value. @default none (media responses are not documents) */
  readonly contentSecurityPolicy?: string;
  /** Key prefix of the standard logs in the logs bucket (no slashes). @default "cloudfront" */
  readonly logPrefix?: string;
  /**
   * WAF request logs for both ACLs, kept `context.logRetentionDays`; the REGIONAL ACL's
   * log group is encrypted with `context.keys.logs`. @default off
   */
  readonly wafLogging?: {
    /**
     * Key for the CLOUDFRONT ACL's log group, in us-east-1 (`DataKeys.globalLogs` when the
     * environment is elsewhere). @default AWS-owned encryption
     */
    readonly globalKmsKeyArn?: string;
  };
}

/**
 * The REGIONAL web ACL of the gateway's load balancer (construct id `regional-web-acl`,
 * name `names.regionalWebAcl(env)`, which the platform stack looks up): the distribution's
 * rules, counting requests per viewer (`FORWARDED_IP`: API traffic reaches the load balancer
 * from CloudFront's edge servers). With `logging`, request logs in a log group encrypted with
 * `context.keys.logs`, kept `context.logRetentionDays`. A standby, which has no distribution,
 * builds it alone. With `hold`, a rule before all others blocks what the load balancer serves
 * (the fail back of docs/runbooks/region-failure.md).
 */
export function gatewayWebAcl(
  scope: Construct,
  props: { readonly context: StackContext; readonly wafRateLimit: number; readonly logging: boolean; readonly hold?: WebAclHold },
): WebAcl {
  const { environment: env, keys, logRetentionDays } = props.context;
  return new WebAcl(scope, "regional-web-acl", {
    name: names.regionalWebAcl(env),
    description: `${resourceName(env)}: load balancers of the gateway, attached by the AWS Load Balancer Controller`,
    scope: "REGIONAL",
    rateLimit: props.wafRateLimit,
    rateLimitKey: "FORWARDED_IP",
    logging: props.logging ? { retentionDays: logRetentionDays, kmsKeyArn: keys.logs.arn } : undefined,
    hold: props.hold,
  });
}

/** Stable construct id part for an alias: `media` for `media.dev.authorworks.io`. */
function aliasLabel(alias: string, zone: string): string {
  const relative = alias === zone ? "apex" : alias.endsWith(`.${zone}`) ? alias.slice(0, -(zone.length + 1)) : alias;
  return relative
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}

/** The CloudFront distribution, its policies and logs, both web ACLs and the alias records. */
export class ContentDelivery extends Construct {
  public readonly distribution: CloudfrontDistribution;
  public readonly distributionId: string;
  public readonly distributionArn: string;
  /** `dxxxx.cloudfront.net` */
  public readonly domainName: string;
  /** CloudFront's hosted zone id, for alias records elsewhere. */
  public readonly hostedZoneId: string;
  public readonly originAccessControl: CloudfrontOriginAccessControl;
  /** The origins and the default (media) behaviour, kept so that `addMediaFailover` can extend them. */
  private readonly origins: CloudfrontDistributionOrigin[];
  private readonly mediaBehavior: CloudfrontDistributionDefaultCacheBehavior;
  /** The DR replica origin, once `addMediaFailover` is called. */
  private mediaReplica?: OriginBucket;
  /** The media bucket's statement for this distribution (Origin Access Control). */
  private readonly mediaReadStatement: PolicyStatement;
  public readonly webAcl: WebAcl;
  /** ARN of the CLOUDFRONT-scope ACL attached to the distribution. */
  public readonly webAclArn: string;
  public readonly regionalWebAcl: WebAcl;
  /** ARN of the REGIONAL ACL, for the Ingress annotation `alb.ingress.kubernetes.io/wafv2-acl-arn`. */
  public readonly regionalWebAclArn: string;
  /** `names.regionalWebAcl(env)`: how the platform stack finds the REGIONAL ACL. */
  public readonly regionalWebAclName: string;
  /**
   * Key policy statement the storage key needs so CloudFront can decrypt media objects
   * (SSE-KMS) for this distribution only.
   */
  public readonly kmsKeyPolicyStatement: PolicyStatement;
  /** Key prefix of the standard logs in the logs bucket (`cloudfront/`). */
  public readonly logPrefix: string;
  /** Alias records by alias name: A and AAAA. */
  public readonly aliasRecords: Readonly<Record<string, { a: Route53Record; aaaa: Route53Record }>>;

  constructor(scope: Construct, id: string, props: ContentDeliveryProps) {
    super(scope, id);
    const { environment: env, aws, keys, logRetentionDays } = props.context;
    const name = (...parts: string[]) => resourceName(env, ...parts);
    const partition = aws.partition ?? "aws";
    const apiHost = props.apiOriginDomainName ?? `api.${props.zoneName}`;

    // --- WAF: one ACL per scope, same rules.
    const logging = (kmsKeyArn?: string): WebAclLoggingProps | undefined => (props.wafLogging ? { retentionDays: logRetentionDays, kmsKeyArn } : undefined);
    this.webAcl = new WebAcl(this, "web-acl", {
      provider: props.globalProvider,
      name: name("cloudfront"),
      description: `${name()}: CloudFront distribution`,
      scope: "CLOUDFRONT",
      rateLimit: props.wafRateLimit,
      logging: logging(props.wafLogging?.globalKmsKeyArn),
    });
    this.webAclArn = this.webAcl.arn;
    this.regionalWebAclName = names.regionalWebAcl(env);
    this.regionalWebAcl = gatewayWebAcl(this, {
      context: props.context,
      wafRateLimit: props.wafRateLimit,
      logging: Boolean(props.wafLogging),
      hold: props.gatewayHold,
    });
    this.regionalWebAclArn = this.regionalWebAcl.arn;

    // --- Policies.
    this.originAccessControl = new CloudfrontOriginAccessControl(this, "origin-access-control", {
      name: name("media"),
      description: `${name()}: CloudFront to the media bucket`,
      originAccessControlOriginType: "s3",
      // Every origin request is signed; S3 trusts only the bucket policy below.
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const mediaCache = new CloudfrontCachePolicy(this, "media-cache-policy", {
      name: name("media"),
      comment: "Media objects: keyed by path only, compressed variants cached separately",
      minTtl: 0,
      defaultTtl: 86_400,
      maxTtl: 31_536_000,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "none" },
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      },
    });
    const cachingDisabled = new DataAwsCloudfrontCachePolicy(this, "caching-disabled", { name: MANAGED_CACHING_DISABLED });
    const allViewerExceptHost = new DataAwsCloudfrontOriginRequestPolicy(this, "all-viewer-except-host", { name: MANAGED_ALL_VIEWER_EXCEPT_HOST });

    const headers = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: name("security-headers"),
      comment: "HSTS (preload), nosniff, no framing, strict referrer",
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        contentSecurityPolicy: props.contentSecurityPolicy ? { contentSecurityPolicy: props.contentSecurityPolicy, override: true } : undefined,
      },
    });

    // --- Distribution.
    // Origin groups take only GET, HEAD and OPTIONS: the media behaviour allows no more.
    this.origins = [
      { originId: MEDIA_ORIGIN_ID, domainName: props.mediaBucket.regionalDomainName, originAccessControlId: this.originAccessControl.id },
      {
        originId: API_ORIGIN_ID,
        domainName: apiHost,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
        },
      },
    ];
    this.mediaBehavior = {
      targetOriginId: MEDIA_ORIGIN_ID,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: mediaCache.id,
      responseHeadersPolicyId: headers.id,
    };
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${name()}: media and API`,
      aliases: [...props.aliases],
      priceClass: props.priceClass,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      webAclId: this.webAcl.arn,
      origin: this.origins,
      defaultCacheBehavior: this.mediaBehavior,
      orderedCacheBehavior: [
        {
          pathPattern: props.apiPathPattern ?? "/api/*",
          targetOriginId: API_ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cachedMethods: ["GET", "HEAD"],
          compress: true,
          cachePolicyId: cachingDisabled.id,
          // Everything the viewer sent except Host: the origin is reached by its own name (TLS SNI).
          originRequestPolicyId: allViewerExceptHost.id,
          responseHeadersPolicyId: headers.id,
        },
      ],
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: props.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      tags: { Name: name("cdn") },
    });
    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.domainName = this.distribution.domainName;
    this.hostedZoneId = this.distribution.hostedZoneId;

    // --- Media bucket and key: this distribution only.
    const thisDistribution = [{ test: "StringEquals", variable: "AWS:SourceArn", values: [this.distribution.arn] }];
    this.mediaReadStatement = {
      sid: "CloudFrontOriginAccessControlRead",
      actions: ["s3:GetObject"],
      resources: [`${props.mediaBucket.arn}/*`],
      principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.cloudFront] }],
      conditions: thisDistribution,
    };
    props.mediaBucket.addPolicyStatements(this.mediaReadStatement);
    this.kmsKeyPolicyStatement = {
      sid: "CloudFrontDecryptMedia",
      actions: ["kms:Decrypt"],
      resources: ["*"],
      principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.cloudFront] }],
      conditions: thisDistribution,
    };
    keys.storage.addPolicyStatements(this.kmsKeyPolicyStatement);

    // --- Standard logging v2 (CloudWatch vended logs): the legacy logging_config needs bucket
    // ACLs, which the logs bucket disables (BucketOwnerEnforced).
    const prefix = props.logPrefix ?? "cloudfront";
    this.logPrefix = `${prefix}/`;
    const deliverySourceName = name("cloudfront-access");
    props.logsBucket.addPolicyStatements({
      sid: "CloudFrontStandardLogsDelivery",
      actions: ["s3:PutObject"],
      resources: [`${props.logsBucket.arn}/${prefix}/*`],
      principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.logDelivery] }],
      conditions: [
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
        {
          test: "ArnLike",
          variable: "aws:SourceArn",
          values: [`arn:${partition}:logs:${GLOBAL_REGION}:${aws.accountId}:delivery-source:${deliverySourceName}`],
        },
      ],
    });
    const source = new CloudwatchLogDeliverySource(this, "log-source", {
      provider: props.globalProvider,
      name: deliverySourceName,
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.arn,
      tags: { Name: deliverySourceName },
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "log-destination", {
      provider: props.globalProvider,
      name: name("cloudfront-logs-s3"),
      outputFormat: "w3c",
      deliveryDestinationType: "S3",
      deliveryDestinationConfiguration: [{ destinationResourceArn: `${props.logsBucket.arn}/${prefix}` }],
      tags: { Name: name("cloudfront-logs-s3") },
    });
    new CloudwatchLogDelivery(this, "log-delivery", {
      provider: props.globalProvider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      s3DeliveryConfiguration: [{ suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: false }],
      tags: { Name: name("cloudfront-access-logs") },
      // The first delivery checks its write permission.
      dependsOn: props.logsBucket.policy ? [props.logsBucket.policy] : undefined,
    });

    // --- Alias records in the public zone.
    const records: Record<string, { a: Route53Record; aaaa: Route53Record }> = {};
    for (const alias of new Set(props.aliases)) {
      const label = aliasLabel(alias, props.zoneName);
      const record = (type: "A" | "AAAA") =>
        new Route53Record(this, `${label}-${type.toLowerCase()}`, {
          zoneId: props.zoneId,
          name: alias,
          type,
          alias: { name: this.distribution.domainName, zoneId: this.distribution.hostedZoneId, evaluateTargetHealth: false },
        });
      records[alias] = { a: record("A"), aaaa: record("AAAA") };
    }
    this.aliasRecords = records;
  }

  /**
   * Serves media from `replica` (the media bucket's replica in the DR region, modules/dr) when
   * the media bucket fails: an origin group whose primary is the media bucket and whose
   * secondary is the replica, as the default behaviour's target. CloudFront retries a request
   * on the replica after a connection failure, a timeout or one of
   * `MEDIA_FAILOVER_STATUS_CODES`, per request, with no DNS change and no apply during an
   * outage. The replica's bucket policy and `replicaKey`'s policy let this distribution read
   * and decrypt (Origin Access Control, `AWS:SourceArn`), as for the media bucket.
   * @throws Error when called twice
   */
  public addMediaFailover(replica: OriginBucket, replicaKey: PolicyKey): void {
    if (this.mediaReplica) throw new Error(`${this.node.path}: the media failover origin is already set`);
    this.mediaReplica = replica;
    // A request waits for the media bucket's connection attempts before it fails over: one
    // attempt of 5 s, not CloudFront's default 3 x 10 s (limits 1-3 attempts, 1-10 s). A
    // spurious failover is harmless: the replica holds the same objects, 15 minutes behind at most.
    const [media, ...others] = this.origins;
    this.distribution.putOrigin([
      { ...media, connectionAttempts: MEDIA_FAILOVER_CONNECTION.attempts, connectionTimeout: MEDIA_FAILOVER_CONNECTION.timeoutSeconds },
      ...others,
      { originId: MEDIA_REPLICA_ORIGIN_ID, domainName: replica.regionalDomainName, originAccessControlId: this.originAccessControl.id },
    ]);
    this.distribution.putOriginGroup([
      {
        originId: MEDIA_ORIGIN_GROUP_ID,
        failoverCriteria: { statusCodes: [...MEDIA_FAILOVER_STATUS_CODES] },
        member: [{ originId: MEDIA_ORIGIN_ID }, { originId: MEDIA_REPLICA_ORIGIN_ID }],
      },
    ]);
    this.distribution.putDefaultCacheBehavior({ ...this.mediaBehavior, targetOriginId: MEDIA_ORIGIN_GROUP_ID });
    replica.addPolicyStatements({ ...this.mediaReadStatement, resources: [`${replica.arn}/*`] });
    replicaKey.addPolicyStatements(this.kmsKeyPolicyStatement);
  }
}
