/**
 * Environments outside us-east-1: every stack synthesizes, what AWS accepts only in
 * us-east-1 goes through the `aws.global` provider with keys and topics made there, the
 * rest stays in the environment's region; a region the catalogue does not know stops synth.
 */
import { Testing } from "cdktf";
import { buildApp } from "../../environments/app";
import { loadEnvironments, resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import type { EnvironmentConfig } from "../../environments/types";
import { REGIONS } from "../../variables/aws-catalog";
import { ConfigError } from "../../variables/validation";
import { Json, loadableAlone, resource, sid } from "../helpers";
import { realStack } from "../real-app";
import { synthApp } from "../synth-app";

/** `type.id` of every resource the stack makes through `provider` (`aws.global`, `aws.dr`), sorted. */
function madeThrough(json: Json, provider: string): string[] {
  const found: string[] = [];
  for (const [type, byId] of Object.entries<Record<string, Json>>(json.resource)) {
    for (const [id, r] of Object.entries(byId)) if (r.provider === provider) found.push(`${type}.${id}`);
  }
  return found.sort();
}

/** The resources AWS accepts only in us-east-1 (or that serve only those), in any environment. */
const US_EAST_1_ONLY = [
  // CloudFront's certificate is read from us-east-1 only.
  "aws_acm_certificate.dns_cloudfront_certificate_certificate",
  "aws_acm_certificate_validation.dns_cloudfront_certificate_validation",
  // CLOUDFRONT-scope WAF and its logging.
  "aws_wafv2_web_acl.cdn_web_acl_acl",
  "aws_wafv2_web_acl_logging_configuration.cdn_web_acl_logging",
  "aws_cloudwatch_log_group.cdn_web_acl_log_group",
  // CloudFront's vended logs (delivery source in CloudFront's region).
  "aws_cloudwatch_log_delivery.cdn_log_delivery",
  "aws_cloudwatch_log_delivery_destination.cdn_log_destination",
  "aws_cloudwatch_log_delivery_source.cdn_log_source",
  // CloudFront metrics exist in us-east-1 only; alarm actions must be in the alarm's region.
  "aws_cloudwatch_metric_alarm.monitoring_cloudfront_5xx_rate",
];
/** What only an environment outside us-east-1 adds there: the logs key's twin and the critical topic's. */
const US_EAST_1_TWINS = [
  "aws_kms_alias.keys_logs_global_alias",
  "aws_kms_key.keys_logs_global_key",
  "aws_sns_topic.monitoring_critical_global_topic",
  "aws_sns_topic_policy.monitoring_critical_global_topic_policy",
  "aws_sns_topic_subscription.monitoring_critical_global_email_platform_alerts_authorworks_io",
];
/** DNSSEC signs with an asymmetric key in us-east-1 (Route 53's requirement). */
const DNSSEC_KEY = ["aws_kms_alias.dns_dnssec_key_alias", "aws_kms_key.dns_dnssec_key"];

describe("an environment in eu-west-1 (dev with only the region changed)", () => {
  const euDev: EnvironmentConfig = { ...dev, region: "eu-west-1" };
  const stacks = synthApp({ environments: [loadableAlone(euDev)] });
  const json = stacks.dev;

  test("synthesizes all its stacks", () => {
    expect(Object.keys(stacks)).toEqual(["bootstrap", "dev", "dev-platform"]);
    for (const name of ["dev", "dev-platform"]) expect(Object.keys(stacks[name].resource).length).toBeGreaterThan(10);
  });

  test("the platform stack's providers get their token for the cluster in eu-west-1", () => {
    const exec = stacks["dev-platform"].provider.kubernetes[0].exec[0];
    expect(exec.args).toEqual(["eks", "get-token", "--cluster-name", "authorworks-dev", "--region", "eu-west-1", "--output", "json"]);
    expect(stacks["dev-platform"].provider.helm[0].kubernetes.exec.args).toEqual(exec.args);
  });

  test("its default provider is in eu-west-1, aws.global in us-east-1 where the stack has something there", () => {
    expect(stacks.dev.provider.aws.map((p: Json) => [p.alias ?? "default", p.region])).toEqual([
      ["default", "eu-west-1"],
      ["global", "us-east-1"],
      // Route 53 is global: the parent zone's provider stays in us-east-1.
      ["parent_zone", "us-east-1"],
    ]);
    // The platform stack makes nothing in us-east-1: no provider there (tflint reports an unused one).
    expect(stacks["dev-platform"].provider.aws.map((p: Json) => [p.alias ?? "default", p.region])).toEqual([["default", "eu-west-1"]]);
  });

  test("exactly the us-east-1-only resources carry provider aws.global", () => {
    expect(madeThrough(json, "aws.global")).toEqual([...US_EAST_1_ONLY, ...US_EAST_1_TWINS].sort());
  });

  test("their regional counterparts stay on the default provider", () => {
    for (const [type, id] of [
      ["aws_acm_certificate", "dns_regional_certificate_certificate"],
      ["aws_wafv2_web_acl", "cdn_regional_web_acl_acl"],
      ["aws_cloudwatch_log_group", "cdn_regional_web_acl_log_group"],
      ["aws_kms_key", "keys_logs_key"],
      ["aws_sns_topic", "monitoring_critical_topic"],
      ["aws_sns_topic", "monitoring_warning_topic"],
      ["aws_cloudwatch_metric_alarm", "monitoring_rds_content_cpu"],
      ["aws_cloudfront_distribution", "cdn_distribution"],
    ]) {
      expect([type, id, resource(json, type, id).provider]).toEqual([type, id, undefined]);
    }
    expect(madeThrough(stacks["dev-platform"], "aws.global")).toEqual([]);
  });

  test("the us-east-1 resources use the us-east-1 logs key and topic, never the regional ones", () => {
    const globalKey = "${aws_kms_key.keys_logs_global_key.arn}";
    expect(resource(json, "aws_cloudwatch_log_group", "cdn_web_acl_log_group").kms_key_id).toBe(globalKey);
    expect(resource(json, "aws_sns_topic", "monitoring_critical_global_topic")).toMatchObject({
      name: "authorworks-dev-alerts-critical-global",
      kms_master_key_id: globalKey,
    });
    const alarm = resource(json, "aws_cloudwatch_metric_alarm", "monitoring_cloudfront_5xx_rate");
    expect(alarm.alarm_actions).toEqual(["${aws_sns_topic.monitoring_critical_global_topic.arn}"]);
    expect(alarm.ok_actions).toEqual(["${aws_sns_topic.monitoring_critical_global_topic.arn}"]);
    // The regional ones keep the regional key.
    expect(resource(json, "aws_cloudwatch_log_group", "cdn_regional_web_acl_log_group").kms_key_id).toBe("${aws_kms_key.keys_logs_key.arn}");
    expect(resource(json, "aws_sns_topic", "monitoring_critical_topic").kms_master_key_id).toBe("${aws_kms_key.keys_logs_key.arn}");
  });

  test("the us-east-1 logs key lets CloudWatch Logs of us-east-1 and the alarm publishers use it", () => {
    expect(sid(json, "keys_logs_global_policy", "CloudWatchLogsForThisAccount").principals).toEqual([
      { type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] },
    ]);
    expect(sid(json, "keys_logs_global_policy", "AlertPublishersUseKey").principals[0].identifiers).toContain("cloudwatch.amazonaws.com");
    expect(sid(json, "keys_logs_policy", "CloudWatchLogsForThisAccount").principals[0].identifiers).toEqual(["logs.eu-west-1.amazonaws.com"]);
  });

  test("CloudFront gets the us-east-1 certificate and ACL", () => {
    const distribution = resource(json, "aws_cloudfront_distribution", "cdn_distribution");
    expect(distribution.viewer_certificate.acm_certificate_arn).toBe("${aws_acm_certificate_validation.dns_cloudfront_certificate_validation.certificate_arn}");
    expect(distribution.web_acl_id).toBe("${aws_wafv2_web_acl.cdn_web_acl_acl.arn}");
  });

  test("subnets are in the region's AZ IDs; the boundary allows the region and us-east-1", () => {
    expect(resource(json, "aws_subnet", "network_private_euw1_az1").availability_zone_id).toBe("euw1-az1");
    expect(resource(json, "aws_subnet", "network_private_euw1_az2").availability_zone_id).toBe("euw1-az2");
    const regions = sid(json, "security_boundary_document", "DenyOtherRegions").condition[0].values;
    expect(regions).toEqual(["eu-west-1", "us-east-1"]);
  });
});

describe("production in eu-central-1 with its DR region eu-west-1", () => {
  const euProduction: EnvironmentConfig = {
    ...loadableAlone(production),
    region: "eu-central-1",
    drRegion: "eu-west-1",
    // No SECONDARY warning alarm outside us-east-1 (checkFailover): the warning topic is regional.
    dns: { ...production.dns, failover: { ...production.dns.failover!, secondaryRegion: "eu-west-1", secondaryAlarm: false } },
    backup: { ...production.backup, copyToRegion: "eu-west-1" },
  };
  const json = synthApp({ environments: [euProduction] }).production;

  test("three providers: the region, aws.dr and aws.global", () => {
    expect(json.provider.aws.map((p: Json) => [p.alias ?? "default", p.region])).toEqual([
      ["default", "eu-central-1"],
      ["dr", "eu-west-1"],
      ["global", "us-east-1"],
    ]);
  });

  test("the DNSSEC key joins the us-east-1 resources; the DR copies stay on aws.dr", () => {
    // production also pages: its second address and the paging webhook subscribe to the us-east-1 topic too.
    const productionSubscriptions = [
      "aws_sns_topic_subscription.monitoring_critical_global_email_oncall_authorworks_io",
      "aws_sns_topic_subscription.monitoring_critical_global_webhook",
    ];
    // Route 53 publishes health-check metrics in us-east-1 only: production's health alarms are there, on the us-east-1 topic.
    const healthAlarms = ["aws_cloudwatch_metric_alarm.edge_health_media_health", "aws_cloudwatch_metric_alarm.failover_api_primary_health"];
    expect(madeThrough(json, "aws.global")).toEqual([...US_EAST_1_ONLY, ...US_EAST_1_TWINS, ...productionSubscriptions, ...DNSSEC_KEY, ...healthAlarms].sort());
    for (const id of ["edge_health_media_health", "failover_api_primary_health"]) {
      expect(resource(json, "aws_cloudwatch_metric_alarm", id).alarm_actions).toEqual(["${aws_sns_topic.monitoring_critical_global_topic.arn}"]);
    }
    expect(madeThrough(json, "aws.dr")).toContain("aws_backup_vault.backup_dr_vault");
    expect(madeThrough(json, "aws.dr")).not.toContain("aws_kms_key.keys_logs_global_key");
  });
});

describe("in us-east-1 nothing is twinned", () => {
  test("dev (the committed one): the same us-east-1 resources on aws.global, no second key or topic", () => {
    const json = realStack("dev");
    expect(json.provider.aws[0].region).toBe("us-east-1");
    expect(madeThrough(json, "aws.global")).toEqual([...US_EAST_1_ONLY].sort());
    expect(resource(json, "aws_cloudwatch_log_group", "cdn_web_acl_log_group").kms_key_id).toBe("${aws_kms_key.keys_logs_key.arn}");
    expect(resource(json, "aws_cloudwatch_metric_alarm", "monitoring_cloudfront_5xx_rate").alarm_actions).toEqual([
      "${aws_sns_topic.monitoring_critical_topic.arn}",
    ]);
  });
});

describe("the region catalogue", () => {
  /** Region code direction -> the letters of its AZ IDs (`eu-west-1` -> `euw1`). */
  const DIRECTION: Record<string, string> = { east: "e", west: "w", north: "n", south: "s", central: "c", northeast: "ne", southeast: "se" };

  test.each(Object.entries(REGIONS))("%s: AZ IDs of that region, at least two, no duplicates", (region, azIds) => {
    const [area, direction, number] = region.split("-");
    expect(DIRECTION[direction]).toBeDefined();
    for (const az of azIds) expect(az).toMatch(new RegExp(`^${area}${DIRECTION[direction]}${number}-az\\d$`));
    expect(azIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(azIds).size).toBe(azIds.length);
  });

  test("leaves out the AZ IDs EKS refuses for cluster subnets", () => {
    const all = Object.values(REGIONS).flat();
    for (const refused of ["use1-az3", "usw1-az2", "cac1-az3"]) expect(all).not.toContain(refused);
  });

  test.each(Object.keys(REGIONS))("dev validates in %s", (region) => {
    // Two AZs: the smallest region (us-west-1) has two usable ones.
    expect(resolveEnvironment({ ...dev, region }).azIds).toEqual(REGIONS[region].slice(0, 2));
  });
});

describe("a region the catalogue does not know stops synth with one message", () => {
  /** The ConfigError message `configs` produce (fails if none). */
  function errorOf(configs: EnvironmentConfig[]): string {
    try {
      loadEnvironments(configs);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error("expected a ConfigError");
  }
  const accepted = `a commercial region of variables/aws-catalog.ts (REGIONS): ${Object.keys(REGIONS).join(", ")}`;

  test.each([
    ["an unknown code", "mars-north-1"],
    ["an opt-in region not catalogued", "af-south-1"],
    ["GovCloud", "us-gov-west-1"],
    ["an AZ name instead of a region", "eu-west-1a"],
  ])("%s (%s)", (_name, region) => {
    // azCount 3 as well: an unknown region must not also produce an AZ-count complaint.
    const message = errorOf([{ ...dev, region, network: { ...dev.network, azCount: 3 } }]);
    expect(message).toBe(`Invalid configuration for environment "dev" (nothing was synthesized):\n  - region: got "${region}"; accepted: ${accepted}`);
  });

  test("an unknown DR region names drRegion", () => {
    const message = errorOf([{ ...production, drRegion: "eu-west-9" }]);
    expect(message).toContain(`  - drRegion: got "eu-west-9"; accepted: ${accepted}`);
  });

  test("more AZs than a catalogued region has names the region's count", () => {
    const message = errorOf([{ ...dev, region: "us-west-1", network: { ...dev.network, azCount: 3 } }]);
    expect(message).toBe(
      `Invalid configuration for environment "dev" (nothing was synthesized):\n  - network.azCount: got 3; accepted: a whole number from 2 to 2 (the usable AZs of us-west-1)`,
    );
  });

  test("buildApp refuses before anything is built", () => {
    expect(() => buildApp({ environments: [{ ...dev, region: "mars-north-1" }], processEnv: {}, outdir: Testing.app().outdir })).toThrow(ConfigError);
  });
});
