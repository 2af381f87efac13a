/**
 * Validation of the `edge` section of an environment file (modules/cdn): CloudFront and
 * WAF. Aliases are checked against `dns.zoneName` (environments/checks/dns.ts).
 */
import { CLOUDFRONT_MAX_ALIASES, CLOUDFRONT_PRICE_CLASSES, WAF_RATE_LIMIT } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";
import { DOMAIN_DESCRIPTION, DOMAIN_NAME, isWithinZone } from "./dns";

/** Checks `cfg.edge`: price class, aliases inside the zone, the WAF rate limit. */
export function checkEdge(c: Checker, cfg: EnvironmentConfig): void {
  const dns = cfg.dns;
  const zoneOk = DOMAIN_NAME.test(dns.zoneName ?? "");
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
    if (zoneOk && !isWithinZone(alias, dns.zoneName))
      c.fail(field, alias, `a host name inside dns.zoneName (${dns.zoneName}): the alias records and the certificate live in that zone`);
    if (alias === apiHost)
      c.fail(field, alias, `a name other than ${apiHost}: that name is the API origin behind CloudFront (external-dns points it at the load balancer)`);
    if (seen.has(alias)) c.fail(field, alias, "each host name once (it is listed twice)");
    seen.add(alias);
  });
  c.intRange("edge.wafRateLimit", edge.wafRateLimit, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max, "requests per 5 minutes per IP (AWS WAF's limits)");
}
