import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Json, dataOf, resource, resourcesOf, sid, statements, synthWith } from "../helpers";
import { ContentDelivery, ContentDeliveryProps, HOLD_RULE, MANAGED_RULE_GROUPS, RATE_LIMIT_RULE } from "../../modules/cdn";
import { PolicyStatement, policyDocument } from "../../modules/iam";
import type { AuthorWorksStack } from "../../environments/stack-base";
import { ObjectStorage } from "../../modules/s3";
import type { EnvironmentConfig } from "../../environments/types";
import { names } from "../../variables/project";
import { FIXTURE } from "../fixtures/environment";
import { stubKeys, testContext } from "../fixtures/context";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const DISTRIBUTION_ARN = "${aws_cloudfront_distribution.cdn_distribution.arn}";
const MEDIA_ARN = "${aws_s3_bucket.storage_media_bucket.arn}";
const LOGS_ARN = "${aws_s3_bucket.storage_logs_bucket.arn}";

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: zone
 * fixture.authorworks.net, aliases cdn. and img.fixture.authorworks.net, PriceClass_200, a
 * WAF rate limit of 1777: values no real environment has, so a prop ignored or replaced by
 * a constant fails. The variants change one field each.
 */
const ENV = FIXTURE;
const RENAMED: EnvironmentConfig = { ...FIXTURE, name: "production" };
const OTHER_ZONE: EnvironmentConfig = { ...FIXTURE, dns: { ...FIXTURE.dns, zoneName: "other-fixture.authorworks.net" } };
const OTHER_EDGE: EnvironmentConfig = { ...FIXTURE, edge: { priceClass: "PriceClass_All", aliases: ["cdn.fixture.authorworks.net"], wafRateLimit: 4321 } };

type Extra = Partial<Omit<ContentDeliveryProps, "mediaBucket" | "logsBucket" | "globalProvider">>;

/** A CDN for `env` on real buckets from modules/s3 (their policies take the statements); `extra.context` serves both. */
function synth(env: EnvironmentConfig = ENV, extra: Extra = {}, onBuilt?: (cdn: ContentDelivery, stack: AuthorWorksStack) => void): Json {
  return synthWith((stack) => {
    const globalProvider = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
    const context = extra.context ?? testContext({ environment: env.name });
    const storage = new ObjectStorage(stack, "storage", { context, logExpirationDays: 30 });
    const cdn = new ContentDelivery(stack, "cdn", {
      context,
      globalProvider,
      zoneName: env.dns.zoneName,
      zoneId: "Z0123456789ABCDEFGHIJ",
      aliases: env.edge.aliases,
      certificateArn: CERT,
      priceClass: env.edge.priceClass,
      wafRateLimit: env.edge.wafRateLimit,
      mediaBucket: storage.buckets.media,
      logsBucket: storage.buckets.logs,
      ...extra,
    });
    new TerraformOutput(stack, "regional_web_acl_arn", { value: cdn.regionalWebAclArn });
    new TerraformOutput(stack, "distribution_id", { value: cdn.distributionId });
    onBuilt?.(cdn, stack);
  });
}

const distribution = (json: Json) => resource(json, "aws_cloudfront_distribution", "cdn_distribution");
const origin = (json: Json, id: string) => distribution(json).origin.find((o: Json) => o.origin_id === id);

describe("ContentDelivery media origin (Origin Access Control)", () => {
  const json = synth();

  test("OAC for S3 that always signs with SigV4", () => {
    expect(resource(json, "aws_cloudfront_origin_access_control", "cdn_origin_access_control")).toMatchObject({
      name: "authorworks-staging-media",
      origin_access_control_origin_type: "s3",
      signing_behavior: "always",
      signing_protocol: "sigv4",
    });
  });

  test("the media origin is the bucket's regional domain, signed through the OAC, with no origin access identity", () => {
    const media = origin(json, "media");
    expect(media).toEqual({
      origin_id: "media",
      domain_name: "${aws_s3_bucket.storage_media_bucket.bucket_regional_domain_name}",
      origin_access_control_id: "${aws_cloudfront_origin_access_control.cdn_origin_access_control.id}",
    });
    expect(media.s3_origin_config).toBeUndefined();
    expect(resourcesOf(json, "aws_cloudfront_origin_access_identity")).toEqual({});
    expect(distribution(json).default_cache_behavior.target_origin_id).toBe("media");
  });

  test("the media bucket policy lets CloudFront read objects for this distribution only", () => {
    const s = sid(json, "storage_media_policy_document", "CloudFrontOriginAccessControlRead");
    expect(s.effect).toBe("Allow");
    expect(s.actions).toEqual(["s3:GetObject"]);
    expect(s.resources).toEqual([`${MEDIA_ARN}/*`]);
    expect(s.principals).toEqual([{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }]);
    expect(s.condition).toEqual([{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }]);
    // The TLS-only deny the bucket module writes is still there.
    expect(sid(json, "storage_media_policy_document", "DenyInsecureTransport").effect).toBe("Deny");
    // No other bucket is opened to CloudFront.
    expect(statements(json, "storage_content_policy_document").map((x) => x.sid)).not.toContain("CloudFrontOriginAccessControlRead");
  });

  test("the storage key statement (kms:Decrypt for this distribution) is exposed and added to the context's storage key, no other key", () => {
    const keys = stubKeys();
    let exposed: PolicyStatement | undefined;
    // Render the exposed statement the way a key policy would, to read its resolved references.
    const json = synth(ENV, { context: testContext({ environment: ENV.name, keys }) }, (cdn, stack) => {
      exposed = cdn.kmsKeyPolicyStatement;
      policyDocument(stack, "key-policy", [cdn.kmsKeyPolicyStatement]);
    });
    expect(keys.storage.statements).toEqual([exposed]);
    expect([keys.database, keys.logs, keys.secrets].map((k) => k.statements)).toEqual([[], [], []]);
    const [s] = statements(json, "key_policy");
    expect(s.actions).toEqual(["kms:Decrypt"]);
    expect(s.resources).toEqual(["*"]);
    expect(s.principals).toEqual([{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }]);
    expect(s.condition).toEqual([{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }]);
  });
});

describe("ContentDelivery API origin", () => {
  const json = synth();

  test("api.<zone> over HTTPS only, TLS 1.2", () => {
    expect(origin(json, "api")).toEqual({
      origin_id: "api",
      domain_name: "api.fixture.authorworks.net",
      custom_origin_config: { http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] },
    });
    expect(origin(synth(OTHER_ZONE), "api").domain_name).toBe("api.other-fixture.authorworks.net");
  });

  test("/api/* is not cached and gets every viewer value except Host", () => {
    const [api] = distribution(json).ordered_cache_behavior;
    expect(api).toMatchObject({
      path_pattern: "/api/*",
      target_origin_id: "api",
      viewer_protocol_policy: "redirect-to-https",
      allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cache_policy_id: "${data.aws_cloudfront_cache_policy.cdn_caching_disabled.id}",
      origin_request_policy_id: "${data.aws_cloudfront_origin_request_policy.cdn_all_viewer_except_host.id}",
      response_headers_policy_id: "${aws_cloudfront_response_headers_policy.cdn_security_headers.id}",
    });
    expect(dataOf(json, "aws_cloudfront_cache_policy").cdn_caching_disabled).toEqual({ name: "Managed-CachingDisabled" });
    expect(dataOf(json, "aws_cloudfront_origin_request_policy").cdn_all_viewer_except_host).toEqual({ name: "Managed-AllViewerExceptHostHeader" });
  });
});

describe("ContentDelivery distribution settings", () => {
  const json = synth();

  test("TLS 1.2 (2021 policy) with the us-east-1 certificate over SNI; HTTP/2 and 3; IPv6; HTTPS redirect", () => {
    const d = distribution(json);
    expect(d.viewer_certificate).toEqual({ acm_certificate_arn: CERT, ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
    expect(d.http_version).toBe("http2and3");
    expect(d.is_ipv6_enabled).toBe(true);
    expect(d.enabled).toBe(true);
    expect(d.default_cache_behavior.viewer_protocol_policy).toBe("redirect-to-https");
    expect(d.default_cache_behavior.cache_policy_id).toBe("${aws_cloudfront_cache_policy.cdn_media_cache_policy.id}");
  });

  test.each([
    ["the fixture", "PriceClass_200", ["cdn.fixture.authorworks.net", "img.fixture.authorworks.net"], ENV],
    ["other edge settings", "PriceClass_All", ["cdn.fixture.authorworks.net"], OTHER_EDGE],
  ] as const)("price class and aliases follow the environment (%s: %s, %j)", (_, priceClass, aliases, env) => {
    const d = distribution(env === ENV ? json : synth(env));
    expect(d.price_class).toBe(priceClass);
    expect(d.aliases).toEqual(aliases);
  });

  test("security response headers: HSTS two years with preload, nosniff, DENY framing, strict referrer; no CSP unless given", () => {
    const policy = resource(json, "aws_cloudfront_response_headers_policy", "cdn_security_headers").security_headers_config;
    expect(policy.strict_transport_security).toEqual({ access_control_max_age_sec: 63072000, include_subdomains: true, preload: true, override: true });
    expect(policy.content_type_options).toEqual({ override: true });
    expect(policy.frame_options).toEqual({ frame_option: "DENY", override: true });
    expect(policy.referrer_policy).toEqual({ referrer_policy: "strict-origin-when-cross-origin", override: true });
    expect(policy.content_security_policy).toBeUndefined();
    const csp = "default-src 'none'; img-src 'self'; media-src 'self'";
    const withCsp = resource(synth(ENV, { contentSecurityPolicy: csp }), "aws_cloudfront_response_headers_policy", "cdn_security_headers");
    expect(withCsp.security_headers_config.content_security_policy).toEqual({ content_security_policy: csp, override: true });
  });

  test("the media cache key is the path only, with compressed variants", () => {
    const p = resource(json, "aws_cloudfront_cache_policy", "cdn_media_cache_policy").parameters_in_cache_key_and_forwarded_to_origin;
    expect(p.cookies_config).toEqual({ cookie_behavior: "none" });
    expect(p.query_strings_config).toEqual({ query_string_behavior: "none" });
    expect(p.enable_accept_encoding_brotli).toBe(true);
    expect(p.enable_accept_encoding_gzip).toBe(true);
  });

  test("alias A and AAAA records for every alias point at the distribution", () => {
    expect(Object.keys(resourcesOf(json, "aws_route53_record")).sort()).toEqual(["cdn_cdn_a", "cdn_cdn_aaaa", "cdn_img_a", "cdn_img_aaaa"]);
    for (const [label, type] of [
      ["cdn", "a"],
      ["cdn", "aaaa"],
      ["img", "a"],
      ["img", "aaaa"],
    ]) {
      expect(resource(json, "aws_route53_record", `cdn_${label}_${type}`)).toEqual({
        zone_id: "Z0123456789ABCDEFGHIJ",
        name: `${label}.fixture.authorworks.net`,
        type: type.toUpperCase(),
        alias: {
          name: "${aws_cloudfront_distribution.cdn_distribution.domain_name}",
          zone_id: "${aws_cloudfront_distribution.cdn_distribution.hosted_zone_id}",
          evaluate_target_health: false,
        },
      });
    }
    const two = synth(ENV, { aliases: ["media.fixture.authorworks.net", "assets.fixture.authorworks.net"] });
    expect(Object.keys(resourcesOf(two, "aws_route53_record")).sort()).toEqual(["cdn_assets_a", "cdn_assets_aaaa", "cdn_media_a", "cdn_media_aaaa"]);
  });
});

describe("ContentDelivery standard logging v2", () => {
  const json = synth();

  test("no legacy logging_config (it needs bucket ACLs, which the logs bucket disables)", () => {
    expect(distribution(json).logging_config).toBeUndefined();
  });

  test("delivery source (us-east-1, ACCESS_LOGS) -> S3 destination under cloudfront/ -> delivery", () => {
    expect(resource(json, "aws_cloudwatch_log_delivery_source", "cdn_log_source")).toMatchObject({
      provider: "aws.global",
      name: "authorworks-staging-cloudfront-access",
      log_type: "ACCESS_LOGS",
      resource_arn: DISTRIBUTION_ARN,
    });
    expect(resource(json, "aws_cloudwatch_log_delivery_destination", "cdn_log_destination")).toMatchObject({
      provider: "aws.global",
      delivery_destination_type: "S3",
      delivery_destination_configuration: [{ destination_resource_arn: `${LOGS_ARN}/cloudfront` }],
    });
    expect(resource(json, "aws_cloudwatch_log_delivery", "cdn_log_delivery")).toMatchObject({
      provider: "aws.global",
      delivery_source_name: "${aws_cloudwatch_log_delivery_source.cdn_log_source.name}",
      delivery_destination_arn: "${aws_cloudwatch_log_delivery_destination.cdn_log_destination.arn}",
      s3_delivery_configuration: [{ suffix_path: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enable_hive_compatible_path: false }],
    });
  });

  test("the logs bucket lets the log delivery service write under cloudfront/ for this account's delivery source", () => {
    const s = sid(json, "storage_logs_policy_document", "CloudFrontStandardLogsDelivery");
    expect(s.actions).toEqual(["s3:PutObject"]);
    expect(s.resources).toEqual([`${LOGS_ARN}/cloudfront/*`]);
    expect(s.principals).toEqual([{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }]);
    expect(s.condition).toEqual([
      { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:logs:us-east-1:123456789012:delivery-source:authorworks-staging-cloudfront-access"] },
    ]);
  });

  test("the delivery is created after the logs bucket policy when the bucket exposes it", () => {
    expect(resource(json, "aws_cloudwatch_log_delivery", "cdn_log_delivery").depends_on).toEqual(["aws_s3_bucket_policy.storage_logs_policy"]);
  });
});

describe("ContentDelivery WAF", () => {
  const json = synth();
  const cloudfront = resource(json, "aws_wafv2_web_acl", "cdn_web_acl_acl");
  const regional = resource(json, "aws_wafv2_web_acl", "cdn_regional_web_acl_acl");

  test("the distribution is associated with the CLOUDFRONT ACL (web_acl_id = the ACL's ARN), created in us-east-1", () => {
    expect(distribution(json).web_acl_id).toBe("${aws_wafv2_web_acl.cdn_web_acl_acl.arn}");
    expect(cloudfront.scope).toBe("CLOUDFRONT");
    expect(cloudfront.provider).toBe("aws.global");
    expect(cloudfront.name).toBe("authorworks-staging-cloudfront");
    expect(cloudfront.default_action).toEqual({ allow: {} });
  });

  test("descriptions use only the characters WAF accepts (tflint's AWS ruleset pattern)", () => {
    for (const acl of [cloudfront, regional]) expect(acl.description).toMatch(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/);
  });

  test("the REGIONAL ACL is in the environment's region, named for the platform stack's lookup, its ARN an output", () => {
    expect(regional.scope).toBe("REGIONAL");
    expect(regional.provider).toBeUndefined();
    expect(regional.name).toBe(names.regionalWebAcl("staging"));
    expect(regional.name).toBe("authorworks-staging-regional");
    expect(json.output.regional_web_acl_arn.value).toBe("${aws_wafv2_web_acl.cdn_regional_web_acl_acl.arn}");
  });

  test.each([
    ["CLOUDFRONT", "cdn_web_acl_acl"],
    ["REGIONAL", "cdn_regional_web_acl_acl"],
  ])("%s: the four AWS managed groups (no override) and the rate limit, each with metrics", (_scope, id) => {
    const acl = resource(json, "aws_wafv2_web_acl", id);
    const rules: Json[] = acl.rule;
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [10, "AWSManagedRulesAmazonIpReputationList"],
      [20, RATE_LIMIT_RULE],
      [30, "AWSManagedRulesCommonRuleSet"],
      [40, "AWSManagedRulesKnownBadInputsRuleSet"],
      [50, "AWSManagedRulesSQLiRuleSet"],
    ]);
    for (const group of MANAGED_RULE_GROUPS) {
      const r = rules.find((x) => x.name === group)!;
      expect(r.statement.managed_rule_group_statement).toMatchObject({ vendor_name: "AWS", name: group });
      expect(r.override_action).toEqual({ none: {} });
      expect(r.action).toBeUndefined();
    }
    const rate = rules.find((r) => r.name === RATE_LIMIT_RULE)!;
    expect(rate.action).toEqual({ block: {} });
    expect(rate.statement.rate_based_statement).toMatchObject({ limit: 1777, evaluation_window_sec: 300 });
    for (const r of [...rules, acl]) {
      expect(r.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
      expect(r.visibility_config.metric_name).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
    }
    expect(new Set(rules.map((r) => r.visibility_config.metric_name)).size).toBe(rules.length);
  });

  test("a gateway hold: on the REGIONAL ACL only, a blocking rule at priority 0 before all others; everything, or all but one exact path", () => {
    const rules = (j: Json, id: string): Json[] => resource(j, "aws_wafv2_web_acl", id).rule;
    const path = { field_to_match: { uri_path: {} }, text_transformation: [{ priority: 0, type: "NONE" }] };
    const everything = synth(ENV, { gatewayHold: {} });
    expect(rules(everything, "cdn_regional_web_acl_acl")[0]).toEqual({
      name: HOLD_RULE,
      priority: 0,
      action: { block: {} },
      // A URI path of 0 bytes or more: every request.
      statement: { size_constraint_statement: { ...path, comparison_operator: "GE", size: 0 } },
      visibility_config: { cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: "authorworks-staging-regional-Hold" },
    });
    expect(rules(everything, "cdn_regional_web_acl_acl").slice(1)).toEqual(rules(json, "cdn_regional_web_acl_acl"));
    // The distribution's ACL never holds: CloudFront keeps serving media from its other origins.
    expect(rules(everything, "cdn_web_acl_acl")).toEqual(rules(json, "cdn_web_acl_acl"));
    const allButHealth = synth(ENV, { gatewayHold: { allowPath: "/fixture-health" } });
    expect(rules(allButHealth, "cdn_regional_web_acl_acl")[0].statement).toEqual({
      not_statement: { statement: [{ byte_match_statement: { ...path, positional_constraint: "EXACTLY", search_string: "/fixture-health" } }] },
    });
    // None by default.
    expect(rules(json, "cdn_regional_web_acl_acl").map((r) => r.name)).not.toContain(HOLD_RULE);
  });

  test("rate limits per IP at CloudFront, per forwarded viewer IP at the load balancer (behind CloudFront)", () => {
    const rate = (acl: Json) => acl.rule.find((r: Json) => r.name === RATE_LIMIT_RULE).statement.rate_based_statement;
    expect(rate(cloudfront).aggregate_key_type).toBe("IP");
    expect(rate(cloudfront).forwarded_ip_config).toBeUndefined();
    expect(rate(regional).aggregate_key_type).toBe("FORWARDED_IP");
    expect(rate(regional).forwarded_ip_config).toEqual({ header_name: "X-Forwarded-For", fallback_behavior: "MATCH" });
  });

  test("only the common rule set's body-size rule is switched to count", () => {
    const common = cloudfront.rule.find((r: Json) => r.name === "AWSManagedRulesCommonRuleSet").statement.managed_rule_group_statement;
    expect(common.rule_action_override).toEqual([{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }]);
    const others = cloudfront.rule.filter((r: Json) => r.statement.managed_rule_group_statement && r.name !== "AWSManagedRulesCommonRuleSet");
    expect(others.map((r: Json) => r.statement.managed_rule_group_statement.rule_action_override)).toEqual([undefined, undefined, undefined]);
  });

  // The rate limit and the name each varied alone.
  test.each([
    ["the fixture", 1777, "authorworks-staging", ENV],
    ["other edge settings", 4321, "authorworks-staging", OTHER_EDGE],
    ["renamed", 1777, "authorworks-production", RENAMED],
  ] as const)("%s: the rate limit (%p) and the ACL names (%s) follow the environment", (_, limit, prefix, env) => {
    const j = env === ENV ? json : synth(env);
    for (const id of ["cdn_web_acl_acl", "cdn_regional_web_acl_acl"]) {
      const rate = resource(j, "aws_wafv2_web_acl", id).rule.find((r: Json) => r.name === RATE_LIMIT_RULE);
      expect(rate.statement.rate_based_statement.limit).toBe(limit);
    }
    expect(resource(j, "aws_wafv2_web_acl", "cdn_regional_web_acl_acl").name).toBe(`${prefix}-regional`);
    expect(resource(j, "aws_wafv2_web_acl", "cdn_web_acl_acl").name).toBe(`${prefix}-cloudfront`);
  });

  test("WAF logging is off by default; on, each ACL logs to its own aws-waf-logs- group in its region, credentials redacted", () => {
    expect(resourcesOf(json, "aws_wafv2_web_acl_logging_configuration")).toEqual({});
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({});
    const context = testContext({ environment: ENV.name, logRetentionDays: 90 });
    const logged = synth(ENV, { context, wafLogging: {} });
    expect(resource(logged, "aws_cloudwatch_log_group", "cdn_web_acl_log_group")).toMatchObject({
      provider: "aws.global",
      name: "aws-waf-logs-authorworks-staging-cloudfront",
      retention_in_days: 90,
    });
    expect(resource(logged, "aws_cloudwatch_log_group", "cdn_web_acl_log_group").kms_key_id).toBeUndefined();
    expect(resource(logged, "aws_cloudwatch_log_group", "cdn_regional_web_acl_log_group")).toMatchObject({
      name: "aws-waf-logs-authorworks-staging-regional",
      retention_in_days: 90,
      kms_key_id: context.keys.logs.arn,
    });
    const GLOBAL_KEY = "arn:aws:kms:us-east-1:123456789012:key/fixture-logs-global";
    expect(resource(synth(ENV, { context, wafLogging: { globalKmsKeyArn: GLOBAL_KEY } }), "aws_cloudwatch_log_group", "cdn_web_acl_log_group").kms_key_id).toBe(
      GLOBAL_KEY,
    );
    const config = resource(logged, "aws_wafv2_web_acl_logging_configuration", "cdn_web_acl_logging");
    expect(config.provider).toBe("aws.global");
    expect(config.resource_arn).toBe("${aws_wafv2_web_acl.cdn_web_acl_acl.arn}");
    expect(config.log_destination_configs).toEqual(["${aws_cloudwatch_log_group.cdn_web_acl_log_group.arn}"]);
    expect(config.redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
    expect(resource(logged, "aws_wafv2_web_acl_logging_configuration", "cdn_regional_web_acl_logging").provider).toBeUndefined();
  });
});

describe("ContentDelivery.addMediaFailover: the media replica as the origin group's secondary", () => {
  const REPLICA_ARN = "arn:aws:s3:::fixture-media-replica";
  const REPLICA_DOMAIN = "fixture-media-replica.s3.eu-north-1.amazonaws.com";
  const replicaStatements: PolicyStatement[] = [];
  const replicaKey = stubKeys().storage;
  const replica = { arn: REPLICA_ARN, regionalDomainName: REPLICA_DOMAIN, addPolicyStatements: (...s: PolicyStatement[]) => replicaStatements.push(...s) };
  // The statements are rendered through policy documents of the test stack, which resolve the distribution's ARN.
  const json = synth(ENV, {}, (cdn, stack) => {
    cdn.addMediaFailover(replica, replicaKey);
    policyDocument(stack, "replica-doc", replicaStatements);
    policyDocument(stack, "replica-key-doc", replicaKey.statements);
  });
  const d = distribution(json);

  test("the replica is an origin of its own, signed with the distribution's Origin Access Control", () => {
    expect(origin(json, "media-replica")).toEqual({
      origin_id: "media-replica",
      domain_name: REPLICA_DOMAIN,
      origin_access_control_id: "${aws_cloudfront_origin_access_control.cdn_origin_access_control.id}",
    });
    expect(d.origin.map((o: Json) => o.origin_id)).toEqual(["media", "api", "media-replica"]);
    // The media bucket is given up on after one 5 s connection attempt (CloudFront's default: 3 x 10 s).
    expect(origin(json, "media")).toMatchObject({ connection_attempts: 1, connection_timeout: 5 });
    expect(origin(synth(), "media").connection_attempts).toBeUndefined();
  });

  test("the default behaviour targets a group: the media bucket first, the replica on 5xx", () => {
    expect(d.origin_group).toEqual([
      {
        origin_id: "media-failover",
        failover_criteria: { status_codes: [500, 502, 503, 504] },
        member: [{ origin_id: "media" }, { origin_id: "media-replica" }],
      },
    ]);
    expect(d.default_cache_behavior.target_origin_id).toBe("media-failover");
    // An origin group serves only GET, HEAD and OPTIONS; the API behaviour still goes to the API.
    expect(d.default_cache_behavior.allowed_methods).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(d.ordered_cache_behavior.map((b: Json) => b.target_origin_id)).toEqual(["api"]);
  });

  test("the replica and its key admit this distribution only, as the media bucket and its key do", () => {
    expect(statements(json, "replica_doc")).toEqual([
      {
        sid: "CloudFrontOriginAccessControlRead",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: [`${REPLICA_ARN}/*`],
        principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }],
      },
    ]);
    expect(statements(json, "replica_key_doc").map((s) => [s.sid, s.actions, s.condition])).toEqual([
      ["CloudFrontDecryptMedia", ["kms:Decrypt"], [{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }]],
    ]);
  });

  test("without it there is no group and media is served from the media bucket alone", () => {
    const plain = distribution(synth());
    expect(plain.origin_group).toBeUndefined();
    expect(plain.default_cache_behavior.target_origin_id).toBe("media");
  });

  test("a second call is refused", () => {
    expect(() =>
      synth(ENV, {}, (cdn) => {
        cdn.addMediaFailover(replica, stubKeys().storage);
        cdn.addMediaFailover(replica, stubKeys().storage);
      }),
    ).toThrow("the media failover origin is already set");
  });
});
