/**
 * Validation of the `edge` section of an environment file (modules/cdn): CloudFront and
 * WAF. Aliases are checked against `dns.zoneName` (environments/checks/dns.ts).
 */
import { CLOUDFRONT_MAX_ALIASES, CLOUDFRONT_PRICE_CLASSES, WAF_RATE_LIMIT } from "../../variables/aws-catalog";
import { regionalApiHostName } from "../../variables/platform";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";
import { DOMAIN_DESCRIPTION, DOMAIN_NAME, HEALTH_CHECK_PATH, HEALTH_CHECK_PATH_DESCRIPTION, isWithinZone } from "./dns";

/** Checks `cfg.edge`: price class, aliases inside the zone (none in a standby), the WAF rate limit, the gateway hold, the health check's path. */
export function checkEdge(c: Checker, cfg: EnvironmentConfig): void {
  const dns = cfg.dns;
  const zoneOk = DOMAIN_NAME.test(dns.zoneName ?? "");
  const edge = cfg.edge;
  c.oneOf("edge.priceClass", edge.priceClass, CLOUDFRONT_PRICE_CLASSES);
  const aliases = Array.isArray(edge.aliases) ? edge.aliases : [];
  if (cfg.standby !== undefined) {
    // A standby builds no distribution: its primary's serves every edge location.
    if (!Array.isArray(edge.aliases) || aliases.length > 0) {
      c.fail("edge.aliases", edge.aliases, `[] in a standby: ${cfg.standby?.primary}'s distribution serves its names`);
    }
    if (edge.healthCheckPath !== undefined) c.fail("edge.healthCheckPath", edge.healthCheckPath, "none in a standby: there is no distribution to check");
  } else if (aliases.length < 1 || aliases.length > CLOUDFRONT_MAX_ALIASES) {
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
    const regional = [cfg.region, cfg.dns.failover?.secondaryRegion].filter((r) => r !== undefined).map((r) => regionalApiHostName(dns.zoneName, r));
    if (regional.includes(alias))
      c.fail(field, alias, `a name other than ${regional.join(" and ")}: each region's external-dns points its own name at its load balancer`);
    if (seen.has(alias)) c.fail(field, alias, "each host name once (it is listed twice)");
    seen.add(alias);
  });
  c.intRange("edge.wafRateLimit", edge.wafRateLimit, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max, "requests per 5 minutes per IP (AWS WAF's limits)");
  const hold = edge.gatewayHold;
  if (hold !== undefined) {
    if (typeof hold !== "object" || hold === null || Object.keys(hold).some((k) => k !== "allowPath")) {
      c.fail("edge.gatewayHold", hold, '{} (block every request) or { allowPath: "/health" } (block every request but that path), or none');
    } else if (hold.allowPath !== undefined) {
      c.matches("edge.gatewayHold.allowPath", hold.allowPath, HEALTH_CHECK_PATH, HEALTH_CHECK_PATH_DESCRIPTION);
    }
    // A pilot light has no gateway and no regional web ACL: a hold there would hold nothing.
    if (cfg.standby?.pilotLight === true)
      c.fail("edge.gatewayHold", hold, "none while standby.pilotLight is true: a pilot light has no gateway web ACL to hold");
  }
  if (edge.healthCheckPath !== undefined) {
    const path = edge.healthCheckPath;
    if (c.matches("edge.healthCheckPath", path, HEALTH_CHECK_PATH, HEALTH_CHECK_PATH_DESCRIPTION) && /^\/+$|\/$/.test(path)) {
      c.fail("edge.healthCheckPath", path, "the path of an object (the canary written into the media bucket), not a folder: e.g. /_health/cloudfront.txt");
    }
  }
}
