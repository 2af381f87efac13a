/**
 * DNS failover in the committed stacks: production writes the failover record set of
 * api.authorworks.io (PRIMARY us-east-1, SECONDARY us-west-2) with a health check each and
 * checks media.authorworks.io through CloudFront; each side's external-dns publishes only its
 * regional name. dev and staging have none of it and publish api.<zone> themselves.
 */
import { production } from "../../environments/production";
import { Json, loadableAlone, resource, resourcesOf } from "../helpers";
import { realStacks } from "../real-app";
import { synthApp } from "../synth-app";
import { SECONDARY_ALARM_MINUTES } from "../../modules/failover";

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

  test("the PRIMARY's and the media checks page the critical topic from us-east-1; the SECONDARY's warns after 5 minutes (a warm standby's check passes: its failure leaves no failover target)", () => {
    const alarms = Object.values(res("production", "aws_cloudwatch_metric_alarm")).filter((a) => a.namespace === "AWS/Route53");
    expect(alarms.map((a) => [a.alarm_name, a.dimensions.HealthCheckId, a.provider, a.alarm_actions]).sort()).toEqual([
      [
        "authorworks-production-api-primary-health",
        "${aws_route53_health_check.failover_api_primary_health_check.id}",
        "aws.global",
        ["${aws_sns_topic.monitoring_critical_topic.arn}"],
      ],
      [
        "authorworks-production-api-secondary-health",
        "${aws_route53_health_check.failover_api_secondary_health_check.id}",
        "aws.global",
        ["${aws_sns_topic.monitoring_warning_topic.arn}"],
      ],
      [
        "authorworks-production-edge-media-health",
        "${aws_route53_health_check.edge_health_media_health_check.id}",
        "aws.global",
        ["${aws_sns_topic.monitoring_critical_topic.arn}"],
      ],
    ]);
    expect(stacks.production.provider.aws.find((p: Json) => p.alias === "global").region).toBe("us-east-1");
    const secondary = resource(stacks.production, "aws_cloudwatch_metric_alarm", "failover_api_secondary_health");
    expect(secondary).toMatchObject({
      metric_name: "HealthCheckStatus",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      period: 60,
      statistic: "Minimum",
      evaluation_periods: SECONDARY_ALARM_MINUTES,
      treat_missing_data: "breaching",
      ok_actions: ["${aws_sns_topic.monitoring_warning_topic.arn}"],
      tags: { Name: "authorworks-production-api-secondary-health", Severity: "warning" },
    });
    expect(SECONDARY_ALARM_MINUTES).toBe(5);
    // The warning topic is production's own, in us-east-1 like the alarm.
    expect(resource(stacks.production, "aws_sns_topic", "monitoring_warning_topic").provider).toBeUndefined();
  });

  test("the values come from the environment file", () => {
    expect(production.dns.failover).toEqual({
      secondaryRegion: "us-west-2",
      ttlSeconds: 60,
      healthCheck: { path: "/health", intervalSeconds: 10, failureThreshold: 3 },
      secondaryAlarm: true,
    });
  });

  test("without secondaryAlarm there is no SECONDARY alarm (a pilot light's check fails by design)", () => {
    const off = { ...loadableAlone(production), dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryAlarm: false } } };
    const json = synthApp({ environments: [off] }).production;
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((id) => id.startsWith("failover_"))).toEqual(["failover_api_primary_health"]);
  });

  test("secondaryAlarm outside us-east-1 is refused (Route 53's metrics and the warning topic must share us-east-1), and a non-boolean too", () => {
    const eu = { ...loadableAlone(production), region: "eu-central-1", drRegion: "eu-west-1", backup: { ...production.backup, copyToRegion: "eu-west-1" } };
    const euFailover = { ...eu, dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryRegion: "eu-west-1" } } };
    expect(() => synthApp({ environments: [euFailover] })).toThrow(
      "dns.failover.secondaryAlarm: got true; accepted: false (or none) outside us-east-1 (region is eu-central-1): Route 53 publishes health-check metrics in us-east-1 only",
    );
    const bad = { ...loadableAlone(production), dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryAlarm: "yes" as never } } };
    expect(() => synthApp({ environments: [bad] })).toThrow('environment "production"');
    expect(() => synthApp({ environments: [bad] })).toThrow('dns.failover.secondaryAlarm: got "yes"; accepted: true or false');
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
