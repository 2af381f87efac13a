/**
 * Validation of the `dns` and `edge` sections of an environment file (modules/dns,
 * modules/cdn). Called from `resolveEnvironment`; every problem names the field, what it
 * got and what is accepted.
 */
import { CLOUDFRONT_MAX_ALIASES, CLOUDFRONT_PRICE_CLASSES, IAM_ROLE_ARN, WAF_RATE_LIMIT } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/**
 * A lower-case fully qualified domain name without the trailing dot: at least two labels
 * of letters, digits and inner hyphens (1-63 characters each), 253 characters at most,
 * and a top-level label that starts with a letter.
 */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_DESCRIPTION = "a lower-case domain name such as dev.authorworks.io (labels of letters, digits and inner hyphens, no trailing dot, no wildcard)";

/** `name` is `zone` or a name below it. */
export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

export function checkEdge(c: Checker, cfg: EnvironmentConfig): void {
  const dns = cfg.dns;
  const zoneOk = c.matches("dns.zoneName", dns.zoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
  if (dns.parentZoneName !== undefined) {
    const parentOk = c.matches("dns.parentZoneName", dns.parentZoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
    if (parentOk && zoneOk && !(dns.zoneName !== dns.parentZoneName && isWithinZone(dns.zoneName, dns.parentZoneName))) {
      c.fail("dns.parentZoneName", dns.parentZoneName, `a proper suffix of dns.zoneName (${dns.zoneName}), e.g. "${dns.zoneName.split(".").slice(1).join(".")}"`);
    }
  }
  if (dns.parentZoneRoleArn !== undefined) {
    c.matches("dns.parentZoneRoleArn", dns.parentZoneRoleArn, IAM_ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
    if (dns.parentZoneName === undefined) c.fail("dns.parentZoneRoleArn", dns.parentZoneRoleArn, "only together with dns.parentZoneName (the zone the role writes into)");
    else if (IAM_ROLE_ARN.exec(dns.parentZoneRoleArn)?.[1] === cfg.accountId) {
      c.fail("dns.parentZoneRoleArn", dns.parentZoneRoleArn, `a role in another account than this environment's (${cfg.accountId}): one account per environment, the parent zone belongs to another`);
    }
  }
  const privateOk = c.matches("dns.privateZoneName", dns.privateZoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
  if (privateOk && zoneOk && dns.privateZoneName === dns.zoneName) {
    c.fail("dns.privateZoneName", dns.privateZoneName, `a name other than dns.zoneName: a private zone of the same name hides the public records (media, api) from inside the VPC`);
  }
  if (typeof dns.dnssec !== "boolean") c.fail("dns.dnssec", dns.dnssec, "true or false");

  const edge = cfg.edge;
  c.oneOf("edge.priceClass", edge.priceClass, CLOUDFRONT_PRICE_CLASSES);
  const aliases = Array.isArray(edge.aliases) ? edge.aliases : [];
  if (aliases.length < 1 || aliases.length > CLOUDFRONT_MAX_ALIASES) {
    c.fail("edge.aliases", edge.aliases, `1 to ${CLOUDFRONT_MAX_ALIASES} host names inside dns.zoneName`);
  }
  const apiHost = `api.${dns.zoneName}`;
  const seen = new Set<string>();
  aliases.forEach((alias, i) => {
    const field = `edge.aliases[${i}]`;
    if (!c.matches(field, alias, DOMAIN_NAME, DOMAIN_DESCRIPTION)) return;
    if (zoneOk && !isWithinZone(alias, dns.zoneName)) c.fail(field, alias, `a host name inside dns.zoneName (${dns.zoneName}): the alias records and the certificate live in that zone`);
    if (alias === apiHost) c.fail(field, alias, `a name other than ${apiHost}: that name is the API origin behind CloudFront (external-dns points it at the load balancer)`);
    if (seen.has(alias)) c.fail(field, alias, "each host name once (it is listed twice)");
    seen.add(alias);
  });
  c.intRange("edge.wafRateLimit", edge.wafRateLimit, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max, "requests per 5 minutes per IP (AWS WAF's limits)");
}
