/**
 * modules/failover on fixture values (no real environment's): the failover record set of one
 * host name, its health checks and alarm; the health checks of CloudFront aliases.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  DnsFailover,
  DnsFailoverProps,
  EDGE_HEALTH_CHECK,
  EdgeHealthChecks,
  EdgeHealthChecksProps,
  GATE_HEALTH_CHECK,
  FENCE_OBJECT_KEY,
  healthCheckAlarmSpec,
} from "../../modules/failover";
import { ROUTE53_HEALTH_CHECK } from "../../variables/aws-catalog";
import { testContext } from "../fixtures/context";
import { Json, resource, resourcesOf, statements, synthWith } from "../helpers";

const CONTEXT = testContext({ environment: "staging", namePrefix: "authorworks-staging" });
const TOPIC = "arn:aws:sns:us-east-1:123456789012:fixture-critical";
const ZONE = "fixture.example.net";

const FAILOVER: Omit<DnsFailoverProps, "alarm" | "gate"> = {
  context: CONTEXT,
  zoneId: "Z0FIXTURE",
  zoneName: ZONE,
  hostName: `api.${ZONE}`,
  primary: { region: "eu-west-3", target: `api-eu-west-3.${ZONE}` },
  secondary: { region: "ca-central-1", target: `api-ca-central-1.${ZONE}` },
  ttlSeconds: 37,
  healthCheck: { path: "/fixture/ready", intervalSeconds: 10, failureThreshold: 7 },
};

function synthFailover(overrides: Partial<DnsFailoverProps> = {}): Json {
  return synthWith((stack) => {
    const provider = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
    const dr = new AwsProvider(stack, "aws-dr", { region: "ca-central-1", alias: "dr" });
    new DnsFailover(stack, "failover", {
      ...FAILOVER,
      alarm: { topicArn: TOPIC, provider },
      gate: { bucketName: "fixture-failover-gate", provider: dr, region: "ca-central-1" },
      ...overrides,
    });
  });
}

describe("DnsFailover", () => {
  const json = synthFailover();
  const checks = resourcesOf(json, "aws_route53_health_check");
  const records = resourcesOf(json, "aws_route53_record");

  test("one CNAME per role, same name, set identifier = its region, the TTL given; the PRIMARY carries the gated check, the SECONDARY its endpoint's", () => {
    expect(Object.keys(records).sort()).toEqual(["failover_api_primary", "failover_api_secondary"]);
    expect(records.failover_api_primary).toMatchObject({
      zone_id: "Z0FIXTURE",
      name: `api.${ZONE}`,
      type: "CNAME",
      ttl: 37,
      records: [`api-eu-west-3.${ZONE}`],
      set_identifier: "eu-west-3",
      failover_routing_policy: { type: "PRIMARY" },
      health_check_id: "${aws_route53_health_check.failover_api_primary_gated_health_check.id}",
    });
    expect(records.failover_api_secondary).toMatchObject({
      name: `api.${ZONE}`,
      type: "CNAME",
      ttl: 37,
      records: [`api-ca-central-1.${ZONE}`],
      set_identifier: "ca-central-1",
      failover_routing_policy: { type: "SECONDARY" },
      health_check_id: "${aws_route53_health_check.failover_api_secondary_health_check.id}",
    });
    // Neither is an alias: a CNAME's target needs not exist yet, and an alias has no TTL.
    for (const r of Object.values(records)) expect(r.alias).toBeUndefined();
  });

  test("each endpoint check requests its own side's regional name over HTTPS, with SNI, at the path, interval and threshold given", () => {
    expect(Object.keys(checks).sort()).toEqual([
      "failover_api_primary_gated_health_check",
      "failover_api_primary_health_check",
      "failover_api_secondary_health_check",
      "failover_gate_health_check",
    ]);
    const expected = (fqdn: string, region: string) => ({
      type: "HTTPS",
      fqdn,
      port: 443,
      resource_path: "/fixture/ready",
      request_interval: 10,
      failure_threshold: 7,
      enable_sni: true,
      tags: { Name: `authorworks-staging-api-${region}` },
    });
    expect(checks.failover_api_primary_health_check).toEqual(expected(`api-eu-west-3.${ZONE}`, "eu-west-3"));
    expect(checks.failover_api_secondary_health_check).toEqual(expected(`api-ca-central-1.${ZONE}`, "ca-central-1"));
  });

  test("the PRIMARY is healthy only while its endpoint AND the gate are (CALCULATED, 2 of 2)", () => {
    expect(checks.failover_api_primary_gated_health_check).toEqual({
      type: "CALCULATED",
      child_healthchecks: ["${aws_route53_health_check.failover_api_primary_health_check.id}", "${aws_route53_health_check.failover_gate_health_check.id}"],
      child_health_threshold: 2,
      tags: { Name: "authorworks-staging-api-eu-west-3-gated" },
    });
  });

  test("the gate: a bucket in the SECONDARY's region where anyone may read one key over TLS, and no object of Terraform's in it", () => {
    const bucket = resource(json, "aws_s3_bucket", "failover_gate_bucket");
    expect(bucket).toEqual({ provider: "aws.dr", bucket: "fixture-failover-gate", force_destroy: false, tags: { Name: "fixture-failover-gate" } });
    // The fence is an operator's object: an apply must never write it, nor lift it by deleting it.
    expect(resourcesOf(json, "aws_s3_object")).toEqual({});
    expect(FENCE_OBJECT_KEY).toBe("primary-fenced");
    // Public reads through a policy only (ACLs blocked), SSE-S3 (anonymous reads cannot use a KMS key).
    expect(resource(json, "aws_s3_bucket_public_access_block", "failover_gate_public_access")).toMatchObject({
      provider: "aws.dr",
      block_public_acls: true,
      ignore_public_acls: true,
      block_public_policy: false,
      restrict_public_buckets: false,
    });
    expect(
      resource(json, "aws_s3_bucket_server_side_encryption_configuration", "failover_gate_encryption").rule[0].apply_server_side_encryption_by_default,
    ).toEqual({
      sse_algorithm: "AES256",
    });
    const [read, tls] = statements(json, "failover_gate_policy_document");
    expect(read).toEqual({
      sid: "RouteFiftyThreeReadsTheFence",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: ["${aws_s3_bucket.failover_gate_bucket.arn}/primary-fenced"],
      principals: [{ type: "*", identifiers: ["*"] }],
    });
    expect(tls).toMatchObject({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
    expect(resource(json, "aws_s3_bucket_policy", "failover_gate_policy").depends_on).toEqual([
      "aws_s3_bucket_public_access_block.failover_gate_public_access",
    ]);
    expect(checks.failover_gate_health_check).toEqual({
      type: "HTTPS",
      fqdn: "fixture-failover-gate.s3.ca-central-1.amazonaws.com",
      port: 443,
      resource_path: "/primary-fenced",
      request_interval: GATE_HEALTH_CHECK.intervalSeconds,
      failure_threshold: GATE_HEALTH_CHECK.failureThreshold,
      enable_sni: true,
      // Healthy while the fence cannot be read: the PRIMARY answers unless the fence exists.
      invert_healthcheck: true,
      tags: { Name: "authorworks-staging-failover-gate" },
    });
    expect(GATE_HEALTH_CHECK).toEqual({ intervalSeconds: 10, failureThreshold: 1 });
  });

  test("only the PRIMARY's health check pages: in us-east-1, on HealthCheckStatus < 1 for a minute, missing data breaching", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms)).toEqual(["failover_api_primary_health"]);
    expect(alarms.failover_api_primary_health).toEqual({
      provider: "aws.global",
      alarm_name: "authorworks-staging-api-primary-health",
      alarm_description: `[critical] Route 53 health check of api-eu-west-3.${ZONE}/fixture/ready is unhealthy`,
      namespace: ROUTE53_HEALTH_CHECK.metric.namespace,
      metric_name: "HealthCheckStatus",
      dimensions: { HealthCheckId: "${aws_route53_health_check.failover_api_primary_health_check.id}" },
      statistic: "Minimum",
      period: 60,
      evaluation_periods: 1,
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
      tags: { Name: "authorworks-staging-api-primary-health", Severity: "critical" },
    });
  });

  test("the construct ids follow the host name's label inside the zone", () => {
    const other = synthFailover({ hostName: `gateway.${ZONE}` });
    expect(Object.keys(resourcesOf(other, "aws_route53_record")).sort()).toEqual(["failover_gateway_primary", "failover_gateway_secondary"]);
  });

  test("the alarm spec is global (us-east-1): Route 53 publishes health-check metrics there only", () => {
    expect(ROUTE53_HEALTH_CHECK.metric.region).toBe("us-east-1");
    expect(healthCheckAlarmSpec("x", "hc", "y").global).toBe(true);
  });
});

describe("EdgeHealthChecks", () => {
  const PROPS: Omit<EdgeHealthChecksProps, "alarm"> = {
    context: CONTEXT,
    zoneName: ZONE,
    hostNames: [`cdn.${ZONE}`, `img.${ZONE}`, `cdn.${ZONE}`],
    path: "/probe/edge-fixture.txt",
    bucketName: "fixture-media-bucket",
  };
  const synthEdge = (overrides: Partial<EdgeHealthChecksProps> = {}): Json =>
    synthWith((stack) => {
      const provider = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
      new EdgeHealthChecks(stack, "edge", { ...PROPS, alarm: { topicArn: TOPIC, provider }, ...overrides });
    });
  const json = synthEdge();

  test("a canary object at the path's key in the bucket, that no cache keeps", () => {
    expect(resource(json, "aws_s3_object", "edge_canary")).toEqual({
      bucket: "fixture-media-bucket",
      key: "probe/edge-fixture.txt",
      content: "ok\n",
      content_type: "text/plain",
      cache_control: "no-store, max-age=0",
    });
  });

  test("one HTTPS health check of the canary per distinct host name, each with a critical alarm in us-east-1", () => {
    const checks = resourcesOf(json, "aws_route53_health_check");
    expect(Object.keys(checks).sort()).toEqual(["edge_cdn_health_check", "edge_img_health_check"]);
    expect(checks.edge_img_health_check).toEqual({
      type: "HTTPS",
      fqdn: `img.${ZONE}`,
      port: 443,
      resource_path: "/probe/edge-fixture.txt",
      request_interval: EDGE_HEALTH_CHECK.intervalSeconds,
      failure_threshold: EDGE_HEALTH_CHECK.failureThreshold,
      enable_sni: true,
      tags: { Name: "authorworks-staging-img-edge" },
    });
    expect(EDGE_HEALTH_CHECK).toEqual({ intervalSeconds: 30, failureThreshold: 3 });
    const tuned = resourcesOf(synthEdge({ settings: { intervalSeconds: 10, failureThreshold: 5 } }), "aws_route53_health_check");
    expect(tuned.edge_img_health_check).toMatchObject({ request_interval: 10, failure_threshold: 5 });
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms).sort()).toEqual(["edge_cdn_health", "edge_img_health"]);
    expect(alarms.edge_cdn_health).toMatchObject({
      provider: "aws.global",
      alarm_name: "authorworks-staging-edge-cdn-health",
      dimensions: { HealthCheckId: "${aws_route53_health_check.edge_cdn_health_check.id}" },
      alarm_actions: [TOPIC],
      threshold: 1,
      comparison_operator: "LessThanThreshold",
    });
    // No failover record: one distribution serves every alias.
    expect(resourcesOf(json, "aws_route53_record")).toEqual({});
  });
});
