/**
 * DNS failover between two regions and health checks of what CloudFront serves:
 * Route 53 HTTPS health checks, failover records PRIMARY/SECONDARY for a shared host name
 * (CNAMEs to each region's own name), and alarms on the health checks' status, which
 * Route 53 publishes in us-east-1 only. See README.md for who writes which record.
 */
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { ROUTE53_HEALTH_CHECK } from "../../variables/aws-catalog";
import { resourceName } from "../../variables/project";
import type { StackContext } from "../context";
import { recordLabel } from "../dns";
import { policyDocument } from "../iam";
import { denyInsecureTransport } from "../s3/defaults";
import { metricAlarm } from "../monitoring/alarm-resource";
import type { AlarmSpec } from "../monitoring/alarms";

/** HTTPS, the port every health check here requests. */
export const HTTPS_PORT = 443;
/** Period of the health-check alarms (seconds): Route 53 publishes HealthCheckStatus every minute. */
export const HEALTH_ALARM_PERIOD_SECONDS = 60;
/**
 * Key of the fence object: while it exists, the PRIMARY may not answer. Terraform never
 * writes it (an operator does, to fence), so no apply can lift a fence.
 */
export const FENCE_OBJECT_KEY = "primary-fenced";
/**
 * How the gate is checked: every 10 s, one result enough to change its status (Route 53's
 * failure threshold counts both ways), so writing the fence object holds the traffic on the
 * SECONDARY within about 10 s, and deleting it lets the PRIMARY answer again as fast.
 */
export const GATE_HEALTH_CHECK = { intervalSeconds: 10, failureThreshold: 1 } as const;

/**
 * Minutes the SECONDARY's check must fail before its warning alarm fires: a warm standby's
 * rollout or node replacement may fail it for a minute or two (one pod per service), which
 * is no loss of the failover target worth a message.
 */
export const SECONDARY_ALARM_MINUTES = 5;

/** Route 53's two failover roles, in the order of a record set's answers. */
export const FAILOVER_ROLES = ["PRIMARY", "SECONDARY"] as const;
export type FailoverRole = (typeof FAILOVER_ROLES)[number];

/** How a Route 53 health checker requests an endpoint (`EndpointHealthCheckConfig` of an environment). */
export interface HealthCheckSettings {
  /** Path requested over HTTPS, starting with `/`. */
  readonly path: string;
  /** Seconds between two requests of one checker: 10 or 30 (`ROUTE53_HEALTH_CHECK.intervalsSeconds`). */
  readonly intervalSeconds: number;
  /** Consecutive failures (or successes) that change a checker's view: 1-10. */
  readonly failureThreshold: number;
}

/** Where the alarms of the health checks notify: a topic and a provider in us-east-1, where Route 53's metrics are. */
export interface HealthAlarmTarget {
  /** SNS topic in us-east-1 (`Monitoring.globalCriticalTopicArn`). */
  readonly topicArn: string;
  /** Provider in us-east-1 (`providers.global`). */
  readonly provider: AwsProvider;
}

/** One side of a failover record set. */
export interface FailoverSide {
  /** Region serving this side: the record's set identifier. */
  readonly region: string;
  /** The name this side answers with (the CNAME's value), e.g. `api-us-east-1.authorworks.io`. */
  readonly target: string;
}

export interface DnsFailoverProps {
  /** The environment: `environment` names the health checks (`Name` tag) and the alarm. */
  readonly context: StackContext;
  /** Public zone the records are written to (`DnsZones.zoneId`). */
  readonly zoneId: string;
  /** Its name: gives construct ids their label (`api` for `api.<zone>`). */
  readonly zoneName: string;
  /** The shared host name, e.g. `api.authorworks.io`. */
  readonly hostName: string;
  /** The side answering while its health check passes. */
  readonly primary: FailoverSide;
  /** The side answering when the primary fails and this side's health check passes. */
  readonly secondary: FailoverSide;
  /** TTL of both records (seconds). */
  readonly ttlSeconds: number;
  /** How each side's `target` is checked (HTTPS on port 443, SNI on). */
  readonly healthCheck: HealthCheckSettings;
  /** The PRIMARY's health-check alarm (critical). */
  readonly alarm: HealthAlarmTarget;
  /**
   * A warning alarm on the SECONDARY's health check (`SECONDARY_ALARM_MINUTES` failing),
   * for a standby that runs (warm): its check passes, and its failure leaves the PRIMARY
   * without a failover target. `topicArn` is the warning topic, in us-east-1 like `alarm`'s.
   * @default none (a pilot light's check fails by design)
   */
  readonly secondaryAlarm?: HealthAlarmTarget;
  /**
   * The gate, in the SECONDARY's region: a bucket where one key (`FENCE_OBJECT_KEY`) may be
   * read by anyone, and an inverted Route 53 check of it; the PRIMARY is healthy only while
   * its endpoint is and that object does not exist. Writing the object (S3 in that region:
   * no us-east-1 API) keeps the traffic on the SECONDARY, also once the primary region
   * answers again, until it is deleted.
   */
  readonly gate: FailoverGateProps;
}

/** Where the gate lives. */
export interface FailoverGateProps {
  /** Bucket name (`names.failoverGate`). */
  readonly bucketName: string;
  /** Provider in the SECONDARY's region (`providers.dr`). */
  readonly provider: AwsProvider;
  /** That region. */
  readonly region: string;
  /** Let `terraform destroy` delete the bucket with a fence object in it (an operator's: see FENCE_OBJECT_KEY). @default false */
  readonly forceDestroy?: boolean;
}

/**
 * An HTTPS health check of `fqdn` (SNI on, the certificate not validated by Route 53);
 * `inverted`: healthy when the request fails.
 */
function httpsHealthCheck(scope: Construct, id: string, fqdn: string, settings: HealthCheckSettings, name: string, inverted = false): Route53HealthCheck {
  return new Route53HealthCheck(scope, id, {
    type: "HTTPS",
    fqdn,
    port: HTTPS_PORT,
    resourcePath: settings.path,
    requestInterval: settings.intervalSeconds,
    failureThreshold: settings.failureThreshold,
    // The load balancer picks the certificate and the Ingress rule by this name.
    enableSni: true,
    ...(inverted ? { invertHealthcheck: true } : {}),
    tags: { Name: name },
  });
}

/**
 * Pages when Route 53 sees the endpoint unhealthy (HealthCheckStatus below 1 for a minute).
 * Missing data pages too: the status stops only when the check or its metrics do.
 */
export function healthCheckAlarmSpec(id: string, healthCheckId: string, what: string): AlarmSpec {
  const m = ROUTE53_HEALTH_CHECK.metric;
  return {
    id,
    description: `Route 53 health check of ${what} is unhealthy`,
    severity: "critical",
    comparison: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: "breaching",
    metric: {
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: { [m.dimension]: healthCheckId },
      period: HEALTH_ALARM_PERIOD_SECONDS,
      statistic: "Minimum",
    },
    global: true,
  };
}

/**
 * Failover records for one host name: a CNAME PRIMARY and a CNAME SECONDARY, each with the
 * HTTPS health check of its side's own name. Route 53 answers PRIMARY while its check passes,
 * SECONDARY when it fails and the SECONDARY's passes, and PRIMARY again when both fail (so a
 * standby that is not running never takes the traffic).
 */
export class DnsFailover extends Construct {
  /** Health checks of each side's endpoint, by role. */
  public readonly healthChecks: Readonly<Record<FailoverRole, Route53HealthCheck>>;
  /** The gate's bucket and its (inverted) health check of the fence object. */
  public readonly gate: { readonly bucket: S3Bucket; readonly healthCheck: Route53HealthCheck };
  /** What the PRIMARY record carries: its endpoint's check AND the gate's, healthy while unfenced (CALCULATED, 2 of 2). */
  public readonly primaryHealthCheck: Route53HealthCheck;
  /** The two records by role. */
  public readonly records: Readonly<Record<FailoverRole, Route53Record>>;
  /** The PRIMARY's health-check alarm. */
  public readonly alarm: CloudwatchMetricAlarm;
  /** The SECONDARY's health-check alarm (warning), with `secondaryAlarm`. */
  public readonly secondaryAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DnsFailoverProps) {
    super(scope, id);
    const label = recordLabel(props.hostName, props.zoneName);
    const sides: Record<FailoverRole, FailoverSide> = { PRIMARY: props.primary, SECONDARY: props.secondary };
    const checks = {} as Record<FailoverRole, Route53HealthCheck>;
    const records = {} as Record<FailoverRole, Route53Record>;
    for (const role of FAILOVER_ROLES) {
      const side = sides[role];
      checks[role] = httpsHealthCheck(
        this,
        `${label}-${role.toLowerCase()}-health-check`,
        side.target,
        props.healthCheck,
        resourceName(props.context.environment, label, side.region),
      );
    }
    this.gate = this.buildGate(props);
    this.primaryHealthCheck = new Route53HealthCheck(this, `${label}-primary-gated-health-check`, {
      type: "CALCULATED",
      childHealthchecks: [checks.PRIMARY.id, this.gate.healthCheck.id],
      childHealthThreshold: 2,
      tags: { Name: resourceName(props.context.environment, label, props.primary.region, "gated") },
    });
    const recordCheck: Record<FailoverRole, Route53HealthCheck> = { PRIMARY: this.primaryHealthCheck, SECONDARY: checks.SECONDARY };
    for (const role of FAILOVER_ROLES) {
      const side = sides[role];
      const key = `${label}-${role.toLowerCase()}`;
      // A CNAME, not an alias: its target needs not exist when written (the SECONDARY's appears
      // only when the standby runs), and its TTL is what resolvers may cache after a switch.
      records[role] = new Route53Record(this, key, {
        zoneId: props.zoneId,
        name: props.hostName,
        type: "CNAME",
        ttl: props.ttlSeconds,
        records: [side.target],
        setIdentifier: side.region,
        failoverRoutingPolicy: { type: role },
        healthCheckId: recordCheck[role].id,
      });
    }
    this.healthChecks = checks;
    this.records = records;
    // The SECONDARY's check fails while the standby is a pilot light: only the PRIMARY pages.
    const spec = healthCheckAlarmSpec(`${label}-primary-health`, checks.PRIMARY.id, `${props.primary.target}${props.healthCheck.path}`);
    this.alarm = metricAlarm(this, spec, resourceName(props.context.environment, spec.id), props.alarm.topicArn, props.alarm.provider);
    // A warm standby's does not: its failure is a lost failover target, not an outage (a warning, not a page).
    if (props.secondaryAlarm) {
      const base = healthCheckAlarmSpec(
        `${label}-secondary-health`,
        checks.SECONDARY.id,
        `${props.secondary.target}${props.healthCheck.path} (the failover target)`,
      );
      const secondary: AlarmSpec = { ...base, severity: "warning", evaluationPeriods: SECONDARY_ALARM_MINUTES };
      this.secondaryAlarm = metricAlarm(
        this,
        secondary,
        resourceName(props.context.environment, secondary.id),
        props.secondaryAlarm.topicArn,
        props.secondaryAlarm.provider,
      );
    }
  }

  /**
   * A bucket in the SECONDARY's region where anyone may read one key, the fence object
   * (nothing else is public: no listing, no other key), SSE-S3 (an anonymous read of an
   * SSE-KMS object is refused), TLS only; and an inverted HTTPS check of that key through the
   * regional endpoint. Without the object S3 answers 403 (no s3:ListBucket, so no 404), which
   * Route 53 counts as a failure and the inversion as healthy; with it, 200, so unhealthy.
   * Anything else that fails the request (S3 in that region down, the bucket gone) leaves the
   * gate open: only a fence that exists closes it.
   */
  private buildGate(props: DnsFailoverProps): DnsFailover["gate"] {
    const g = props.gate;
    const provider = g.provider;
    const bucket = new S3Bucket(this, "gate-bucket", { provider, bucket: g.bucketName, forceDestroy: g.forceDestroy ?? false, tags: { Name: g.bucketName } });
    new S3BucketOwnershipControls(this, "gate-ownership", { provider, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "gate-encryption", {
      provider,
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
    });
    // ACLs stay blocked; a bucket policy may grant the public read of the one key below.
    const publicAccess = new S3BucketPublicAccessBlock(this, "gate-public-access", {
      provider,
      bucket: bucket.id,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    const objectArn = `${bucket.arn}/${FENCE_OBJECT_KEY}`;
    const document = policyDocument(this, "gate-policy-document", [
      { sid: "RouteFiftyThreeReadsTheFence", actions: ["s3:GetObject"], resources: [objectArn], principals: [{ type: "*", identifiers: ["*"] }] },
      denyInsecureTransport(bucket.arn),
    ]);
    new S3BucketPolicy(this, "gate-policy", { provider, bucket: bucket.id, policy: document.json, dependsOn: [publicAccess] });
    const healthCheck = httpsHealthCheck(
      this,
      "gate-health-check",
      `${g.bucketName}.s3.${g.region}.amazonaws.com`,
      { path: `/${FENCE_OBJECT_KEY}`, ...GATE_HEALTH_CHECK },
      resourceName(props.context.environment, "failover-gate"),
      true,
    );
    return { bucket, healthCheck };
  }
}

/**
 * How the CloudFront aliases are checked: every 30 s, unhealthy after 3 failures (about 90 s).
 * Nothing fails over on it, so the standard interval is enough to page.
 */
export const EDGE_HEALTH_CHECK = { intervalSeconds: 30, failureThreshold: 3 } as const;

export interface EdgeHealthChecksProps {
  /** The environment: `environment` names the health checks and the alarms. */
  readonly context: StackContext;
  /** Public zone name: construct ids are labelled by each name's part inside it (`media`). */
  readonly zoneName: string;
  /** Host names CloudFront serves (`env.edge.aliases`): one health check and alarm each. */
  readonly hostNames: readonly string[];
  /** Path of the canary object the checks request; its key in `bucketName` is the path without the leading `/`. */
  readonly path: string;
  /** Interval and failure threshold of the checks. @default EDGE_HEALTH_CHECK (30 s, 3) */
  readonly settings?: Omit<HealthCheckSettings, "path">;
  /** The bucket behind the distribution's default behaviour (the media bucket), where the canary object is written. */
  readonly bucketName: string;
  /** The alarms (critical). */
  readonly alarm: HealthAlarmTarget;
}

/**
 * Health checks of names CloudFront serves, through CloudFront to its origin: a small
 * canary object in the origin bucket that no cache keeps (so every check reaches the
 * origin), and per name an HTTPS check of it and an alarm. No failover record: one
 * distribution serves every edge location, and an alternate domain name can belong to one
 * distribution only.
 */
export class EdgeHealthChecks extends Construct {
  /** The canary object. */
  public readonly canary: S3Object;
  /** Health checks by host name. */
  public readonly healthChecks: Readonly<Record<string, Route53HealthCheck>>;
  /** Alarms by host name. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: EdgeHealthChecksProps) {
    super(scope, id);
    this.canary = new S3Object(this, "canary", {
      bucket: props.bucketName,
      key: props.path.replace(/^\/+/, ""),
      content: "ok\n",
      contentType: "text/plain",
      // Neither CloudFront nor a browser may keep it: a check that reaches the origin sees the origin.
      cacheControl: "no-store, max-age=0",
    });
    const settings = { path: props.path, ...(props.settings ?? EDGE_HEALTH_CHECK) };
    const checks: Record<string, Route53HealthCheck> = {};
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    for (const host of new Set(props.hostNames)) {
      const label = recordLabel(host, props.zoneName);
      checks[host] = httpsHealthCheck(this, `${label}-health-check`, host, settings, resourceName(props.context.environment, label, "edge"));
      const spec = healthCheckAlarmSpec(`${label}-health`, checks[host].id, `${host}${props.path} (CloudFront)`);
      alarms[host] = metricAlarm(this, spec, resourceName(props.context.environment, "edge", spec.id), props.alarm.topicArn, props.alarm.provider);
    }
    this.healthChecks = checks;
    this.alarms = alarms;
  }
}
