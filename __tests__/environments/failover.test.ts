/**
 * DNS failover in the committed stacks: production writes the failover record set of
 * api.authorworks.io (PRIMARY us-east-1, SECONDARY us-west-2) with a health check each and
 * checks media.authorworks.io through CloudFront; each side's external-dns publishes only its
 * regional name. dev and staging have none of it and publish api.<zone> themselves.
 */
import { production } from "../../environments/production";
import { Json, resource } from "../helpers";
import { realStacks } from "../real-app";

const stacks = realStacks();
const res = (stack: string, type: string): Record<string, Json> => stacks[stack].resource[type] ?? {};
const ingress = (stack: string): Json => Object.values(res(stack, "kubernetes_ingress_v1"))[0];

describe("production: failover of api.authorworks.io", () => {
  const records = res("production", "aws_route53_record");
  const checks = res("production", "aws_route53_health_check");

  test("two CNAMEs named api.authorworks.io: PRIMARY to api-us-east-1 (gated), SECONDARY to api-us-west-2, 60 s TTL, each with its health check", () => {
    const failover = Object.entries(records).filter(([, r]) => r.failover_routing_policy !== undefined);
    expect(failover.map(([id]) => id).sort()).toEqual(["failover_api_primary", "failover_api_secondary"]);
    expect(records.failover_api_primary).toEqual({
      zone_id: "${aws_route53_zone.dns_zone.zone_id}",
      name: "api.authorworks.io",
      type: "CNAME",
      ttl: 60,
      records: ["api-us-east-1.authorworks.io"],
      set_identifier: "us-east-1",
      failover_routing_policy: { type: "PRIMARY" },
      health_check_id: "${aws_route53_health_check.failover_api_primary_gated_health_check.id}",
    });
    expect(records.failover_api_secondary).toEqual({
      zone_id: "${aws_route53_zone.dns_zone.zone_id}",
      name: "api.authorworks.io",
      type: "CNAME",
      ttl: 60,
      records: ["api-us-west-2.authorworks.io"],
      set_identifier: "us-west-2",
      failover_routing_policy: { type: "SECONDARY" },
      health_check_id: "${aws_route53_health_check.failover_api_secondary_health_check.id}",
    });
    // Nothing else in the stack writes the name the failover set owns.
    expect(Object.values(records).filter((r) => r.name === "api.authorworks.io")).toHaveLength(2);
  });

  test("health checks: HTTPS /health on each region's own name, every 10 s, 3 failures, SNI on", () => {
    for (const [id, region] of [
      ["failover_api_primary_health_check", "us-east-1"],
      ["failover_api_secondary_health_check", "us-west-2"],
    ]) {
      expect(checks[id]).toEqual({
        type: "HTTPS",
        fqdn: `api-${region}.authorworks.io`,
        port: 443,
        resource_path: "/health",
        request_interval: 10,
        failure_threshold: 3,
        enable_sni: true,
        tags: { Name: `authorworks-production-api-${region}` },
      });
    }
  });

  test("the gate: authorworks-production-failover-gate in us-west-2 (aws.dr); the PRIMARY needs its endpoint and no fence object", () => {
    expect(resource(stacks.production, "aws_s3_bucket", "failover_gate_bucket")).toMatchObject({
      provider: "aws.dr",
      bucket: "authorworks-production-failover-gate",
      force_destroy: false,
    });
    expect(stacks.production.provider.aws.find((p: Json) => p.alias === "dr").region).toBe("us-west-2");
    expect(checks.failover_gate_health_check).toMatchObject({
      fqdn: "authorworks-production-failover-gate.s3.us-west-2.amazonaws.com",
      resource_path: "/primary-fenced",
      invert_healthcheck: true,
    });
    expect(checks.failover_api_primary_gated_health_check).toMatchObject({
      type: "CALCULATED",
      child_health_threshold: 2,
      child_healthchecks: ["${aws_route53_health_check.failover_api_primary_health_check.id}", "${aws_route53_health_check.failover_gate_health_check.id}"],
    });
  });

  test("media.authorworks.io is checked through CloudFront on a canary object in the media bucket; no failover record for it", () => {
    expect(res("production", "aws_s3_object").edge_health_canary).toMatchObject({
      bucket: "${aws_s3_bucket.storage_media_bucket.bucket}",
      key: "_health/cloudfront.txt",
      cache_control: "no-store, max-age=0",
    });
    expect(checks.edge_health_media_health_check).toMatchObject({ fqdn: "media.authorworks.io", resource_path: "/_health/cloudfront.txt", type: "HTTPS" });
    const media = Object.values(records).filter((r) => r.name === "media.authorworks.io");
    expect(media.map((r) => [r.type, r.failover_routing_policy, r.alias.name])).toEqual([
      ["A", undefined, "${aws_cloudfront_distribution.cdn_distribution.domain_name}"],
      ["AAAA", undefined, "${aws_cloudfront_distribution.cdn_distribution.domain_name}"],
    ]);
  });

  test("the PRIMARY's and the media checks page the critical topic from us-east-1; the SECONDARY's does not (it fails while the standby is a pilot light)", () => {
    const alarms = Object.values(res("production", "aws_cloudwatch_metric_alarm")).filter((a) => a.namespace === "AWS/Route53");
    expect(alarms.map((a) => [a.alarm_name, a.dimensions.HealthCheckId, a.provider, a.alarm_actions]).sort()).toEqual([
      [
        "authorworks-production-api-primary-health",
        "${aws_route53_health_check.failover_api_primary_health_check.id}",
        "aws.global",
        ["${aws_sns_topic.monitoring_critical_topic.arn}"],
      ],
      [
        "authorworks-production-edge-media-health",
        "${aws_route53_health_check.edge_health_media_health_check.id}",
        "aws.global",
        ["${aws_sns_topic.monitoring_critical_topic.arn}"],
      ],
    ]);
    expect(stacks.production.provider.aws.find((p: Json) => p.alias === "global").region).toBe("us-east-1");
  });

  test("the values come from the environment file", () => {
    expect(production.dns.failover).toEqual({
      secondaryRegion: "us-west-2",
      ttlSeconds: 60,
      healthCheck: { path: "/health", intervalSeconds: 10, failureThreshold: 3 },
    });
  });
});

describe("the gateway Ingress: who publishes which name", () => {
  test("production-platform serves api and api-us-east-1; external-dns publishes api-us-east-1 only (annotation only)", () => {
    const i = ingress("production-platform");
    expect(i.metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]).toBe("api-us-east-1.authorworks.io");
    expect(i.metadata.annotations["external-dns.alpha.kubernetes.io/ingress-hostname-source"]).toBe("annotation-only");
    expect(i.spec.rule.map((r: Json) => r.host)).toEqual(["api.authorworks.io", "api-us-east-1.authorworks.io"]);
    expect(i.spec.tls).toEqual([{ hosts: ["api.authorworks.io", "api-us-east-1.authorworks.io"] }]);
    // Both names reach the gateway.
    for (const r of i.spec.rule) expect(r.http.path[0].backend.service.name).toBe("${kubernetes_service_v1.workloads_gateway_service.metadata[0].name}");
  });

  test.each(["dev", "staging"])("%s: no failover resources; its external-dns publishes api.<zone> from the rules", (env) => {
    expect(res(env, "aws_route53_health_check")).toEqual({});
    expect(Object.values(res(env, "aws_route53_record")).filter((r) => r.failover_routing_policy)).toEqual([]);
    expect(res(env, "aws_s3_object")).toEqual({});
    const i = ingress(`${env}-platform`);
    expect(i.metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]).toBe(`api.${env}.authorworks.io`);
    expect(i.metadata.annotations["external-dns.alpha.kubernetes.io/ingress-hostname-source"]).toBeUndefined();
    expect(i.spec.rule.map((r: Json) => r.host)).toEqual([`api.${env}.authorworks.io`]);
  });
});
