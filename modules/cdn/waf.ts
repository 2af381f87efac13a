/**
 * A WAFv2 web ACL with the AWS managed baseline (IP reputation, common rule set, known bad
 * inputs, SQL injection) and a per-IP rate limit. Used twice by the CDN module: scope
 * CLOUDFRONT (us-east-1) for the distribution and scope REGIONAL for the load balancer the
 * AWS Load Balancer Controller creates.
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";

/** Seconds over which the rate-based rule counts requests (WAF accepts 60, 120, 300, 600). */
export const RATE_LIMIT_WINDOW_SECONDS = 300;

/** The AWS managed rule groups every ACL runs, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;
export type ManagedRuleGroup = (typeof MANAGED_RULE_GROUPS)[number];

/** Name of the rate-based rule. */
export const RATE_LIMIT_RULE = "RateLimitPerIp";

/** Name of the hold rule (`WebAclProps.hold`), evaluated before every other rule. */
export const HOLD_RULE = "Hold";

/**
 * A hold: one rule at priority 0, before every other, that blocks (403) every request, or
 * every request but those whose path is exactly `allowPath`. Used to keep a load balancer
 * from serving while it must not (docs/runbooks/region-failure.md, "Fail back"): kept in
 * the configuration, so that no apply can lift it by accident.
 */
export interface WebAclHold {
  /** The one path still answered (exact match, e.g. the health check's `/health`). @default none: everything is blocked */
  readonly allowPath?: string;
}

/**
 * Rules of the common rule set that only count by default. SizeRestrictions_BODY blocks
 * bodies over 8 KB: the API takes manuscripts and chapters as JSON, routinely larger.
 */
export const DEFAULT_COUNT_ONLY_COMMON_RULES: readonly string[] = ["SizeRestrictions_BODY"];

export interface WebAclLoggingProps {
  /** Retention of the WAF log group (days; a value CloudWatch Logs accepts). */
  readonly retentionDays: number;
  /** KMS key for the log group; must be in the ACL's region and allow CloudWatch Logs. @default AWS-owned encryption */
  readonly kmsKeyArn?: string;
}

export interface WebAclProps {
  /** ACL name (also the metric prefix). */
  readonly name: string;
  readonly description: string;
  /** CLOUDFRONT (must be created in us-east-1) or REGIONAL (load balancers, API Gateway). */
  readonly scope: "CLOUDFRONT" | "REGIONAL";
  /** Requests per 5 minutes from one IP before it is blocked (10 - 2,000,000,000). */
  readonly rateLimit: number;
  /**
   * What the rate limit counts per: the connecting IP, or the first address of
   * X-Forwarded-For. Behind CloudFront the connecting IPs are CloudFront's edge servers,
   * shared by many viewers: a per-IP limit there would block whole edge locations.
   * @default "IP"
   */
  readonly rateLimitKey?: "IP" | "FORWARDED_IP";
  /** Provider the ACL is created with (the us-east-1 alias for CLOUDFRONT). @default the stack's default provider */
  readonly provider?: AwsProvider;
  /** Common-rule-set rules switched to count. @default DEFAULT_COUNT_ONLY_COMMON_RULES */
  readonly countOnlyCommonRules?: readonly string[];
  /** Full request logs to CloudWatch Logs (`aws-waf-logs-<name>`). @default off (metrics and sampled requests only) */
  readonly logging?: WebAclLoggingProps;
  /** A hold rule before all others. @default none */
  readonly hold?: WebAclHold;
}

/** The hold rule's statement: every request (a URI path of 0 bytes or more), or every request whose path is not `allowPath`. */
function holdStatement(hold: WebAclHold): Record<string, unknown> {
  const path = (match: Record<string, unknown>) => ({ field_to_match: { uri_path: {} }, text_transformation: [{ priority: 0, type: "NONE" }], ...match });
  if (hold.allowPath === undefined) return { size_constraint_statement: path({ comparison_operator: "GE", size: 0 }) };
  return { not_statement: { statement: [{ byte_match_statement: path({ positional_constraint: "EXACTLY", search_string: hold.allowPath }) }] } };
}

function visibility(metricName: string) {
  return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

/** One web ACL with its rules, metrics and optional logging. */
export class WebAcl extends Construct {
  public readonly acl: Wafv2WebAcl;
  public readonly arn: string;
  public readonly id: string;
  public readonly name: string;
  public readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const countOnly = props.countOnlyCommonRules ?? DEFAULT_COUNT_ONLY_COMMON_RULES;
    const managed = (group: ManagedRuleGroup, priority: number): Wafv2WebAclRule => ({
      name: group,
      priority,
      // The group's own actions apply (block); "count" here would disable the whole group.
      overrideAction: { none: {} },
      // `statement` is untyped in the binding: Terraform's (snake_case) names.
      statement: {
        managed_rule_group_statement: {
          vendor_name: "AWS",
          name: group,
          ...(group === "AWSManagedRulesCommonRuleSet" && countOnly.length
            ? { rule_action_override: countOnly.map((rule) => ({ name: rule, action_to_use: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(`${props.name}-${group}`),
    });

    this.acl = new Wafv2WebAcl(this, "acl", {
      provider: props.provider,
      name: props.name,
      description: props.description,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: [
        ...(props.hold
          ? [
              {
                name: HOLD_RULE,
                priority: 0,
                action: { block: {} },
                statement: holdStatement(props.hold),
                visibilityConfig: visibility(`${props.name}-${HOLD_RULE}`),
              },
            ]
          : []),
        // Known-bad addresses first: cheapest (25 WCU) and they never count towards the rate limit.
        managed("AWSManagedRulesAmazonIpReputationList", 10),
        {
          name: RATE_LIMIT_RULE,
          priority: 20,
          action: { block: {} },
          statement: {
            rate_based_statement: {
              limit: props.rateLimit,
              aggregate_key_type: props.rateLimitKey ?? "IP",
              evaluation_window_sec: RATE_LIMIT_WINDOW_SECONDS,
              // A request without a usable header is still counted and limited.
              ...(props.rateLimitKey === "FORWARDED_IP" ? { forwarded_ip_config: { header_name: "X-Forwarded-For", fallback_behavior: "MATCH" } } : {}),
            },
          },
          visibilityConfig: visibility(`${props.name}-${RATE_LIMIT_RULE}`),
        },
        managed("AWSManagedRulesCommonRuleSet", 30),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 40),
        managed("AWSManagedRulesSQLiRuleSet", 50),
      ],
      visibilityConfig: visibility(props.name),
      tags: { Name: props.name },
    });
    this.arn = this.acl.arn;
    this.id = this.acl.id;
    this.name = this.acl.name;

    if (props.logging) {
      this.logGroup = new CloudwatchLogGroup(this, "log-group", {
        provider: props.provider,
        // WAF only delivers to log groups whose name starts with aws-waf-logs-.
        name: `aws-waf-logs-${props.name}`,
        retentionInDays: props.logging.retentionDays,
        kmsKeyId: props.logging.kmsKeyArn,
        tags: { Name: `aws-waf-logs-${props.name}` },
      });
      new Wafv2WebAclLoggingConfiguration(this, "logging", {
        provider: props.provider,
        resourceArn: this.acl.arn,
        logDestinationConfigs: [this.logGroup.arn],
        // Credentials and sessions never reach the logs.
        redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
      });
    }
  }
}
