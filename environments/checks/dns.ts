/**
 * Validation of the `dns` section of an environment file (modules/dns). Called through
 * ENVIRONMENT_CHECKS; every problem names the field, what it got and what is accepted.
 */
import { GLOBAL_REGION, IAM_ROLE_ARN, REGIONS, ROUTE53_HEALTH_CHECK, ROUTE53_TTL_SECONDS } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EndpointHealthCheckConfig, EnvironmentConfig } from "../types";

/**
 * A lower-case fully qualified domain name without the trailing dot: at least two labels
 * of letters, digits and inner hyphens (1-63 characters each), 253 characters at most,
 * and a top-level label that starts with a letter.
 */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DOMAIN_DESCRIPTION =
  "a lower-case domain name such as dev.authorworks.io (labels of letters, digits and inner hyphens, no trailing dot, no wildcard)";

/** A health check's path: `/` and letters, digits and . _ ~ / - (Route 53 `ResourcePath`: 255 characters at most). */
export const HEALTH_CHECK_PATH = /^\/[A-Za-z0-9._~/-]{0,254}$/;
export const HEALTH_CHECK_PATH_DESCRIPTION = "a path starting with / of letters, digits and . _ ~ / - (255 characters at most)";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A Route 53 HTTPS health check's settings at `field`: its path, interval (10 or 30 s) and
 * failure threshold (1-10). @returns whether the section is there (its values may still be wrong)
 */
export function checkHealthCheck(c: Checker, field: string, hc: EndpointHealthCheckConfig | undefined, missing: string): boolean {
  if (!isObject(hc)) {
    c.fail(field, hc, missing);
    return false;
  }
  c.matches(`${field}.path`, hc.path, HEALTH_CHECK_PATH, HEALTH_CHECK_PATH_DESCRIPTION);
  c.oneOf(
    `${field}.intervalSeconds`,
    hc.intervalSeconds,
    ROUTE53_HEALTH_CHECK.intervalsSeconds,
    `${ROUTE53_HEALTH_CHECK.intervalsSeconds.join(" or ")} (seconds between two requests of one Route 53 health checker)`,
  );
  const t = ROUTE53_HEALTH_CHECK.failureThreshold;
  c.intRange(`${field}.failureThreshold`, hc.failureThreshold, t.min, t.max, "consecutive failed requests (Route 53)");
  return true;
}

/** `cfg.dns.failover`: a secondary region that is the DR region, a short TTL and the health check every record needs. */
function checkFailover(c: Checker, cfg: EnvironmentConfig): void {
  const f = cfg.dns.failover;
  if (f === undefined) return;
  if (!isObject(f)) {
    c.fail("dns.failover", f, "{ secondaryRegion, ttlSeconds, healthCheck } (environments/types.ts DnsFailoverConfig), or none");
    return;
  }
  if (cfg.standby !== undefined) {
    c.fail("dns.failover", "(set)", `none in a standby: its primary's stack (${cfg.standby?.primary}) writes both failover records`);
  }
  const regions = Object.keys(REGIONS);
  if (c.oneOf("dns.failover.secondaryRegion", f.secondaryRegion, regions, `a region of variables/aws-catalog.ts (REGIONS): ${regions.join(", ")}`)) {
    if (f.secondaryRegion === cfg.region) {
      c.fail(
        "dns.failover.secondaryRegion",
        f.secondaryRegion,
        `a region other than region (${cfg.region}): both records would send to the region that failed`,
      );
    } else if (cfg.drRegion === undefined) {
      c.fail("drRegion", cfg.drRegion, `"${f.secondaryRegion}" (dns.failover.secondaryRegion): the standby runs where the data is replicated, the DR region`);
    } else if (f.secondaryRegion !== cfg.drRegion) {
      c.fail("dns.failover.secondaryRegion", f.secondaryRegion, `drRegion ("${cfg.drRegion}"): the standby runs where the data is replicated`);
    }
  }
  c.intRange(
    "dns.failover.ttlSeconds",
    f.ttlSeconds,
    ROUTE53_TTL_SECONDS.min,
    ROUTE53_TTL_SECONDS.failoverRecommendedMax,
    "seconds (Route 53 recommends 60 or less for records with health checks: resolvers keep the old answer that long after a switch)",
  );
  if (f.secondaryAlarm !== undefined && c.boolean("dns.failover.secondaryAlarm", f.secondaryAlarm) && f.secondaryAlarm && cfg.region !== GLOBAL_REGION) {
    c.fail(
      "dns.failover.secondaryAlarm",
      f.secondaryAlarm,
      `false (or none) outside ${GLOBAL_REGION} (region is ${cfg.region}): Route 53 publishes health-check metrics in ${GLOBAL_REGION} only, and the alarm notifies this environment's warning topic, which must be in the alarm's region`,
    );
  }
  checkHealthCheck(
    c,
    "dns.failover.healthCheck",
    f.healthCheck,
    "{ path, intervalSeconds, failureThreshold }: Route 53 treats a failover record without a health check as always healthy, so a PRIMARY without one never fails over",
  );
}

/** `name` is `zone` or a name below it. */
export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Checks `cfg.dns`: zone names, the parent zone and its role, DNSSEC. */
export function checkDns(c: Checker, cfg: EnvironmentConfig): void {
  const dns = cfg.dns;
  const zoneOk = c.matches("dns.zoneName", dns.zoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
  if (dns.parentZoneName !== undefined) {
    const parentOk = c.matches("dns.parentZoneName", dns.parentZoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
    if (parentOk && zoneOk && !(dns.zoneName !== dns.parentZoneName && isWithinZone(dns.zoneName, dns.parentZoneName))) {
      c.fail(
        "dns.parentZoneName",
        dns.parentZoneName,
        `a proper suffix of dns.zoneName (${dns.zoneName}), e.g. "${dns.zoneName.split(".").slice(1).join(".")}"`,
      );
    }
  }
  if (dns.parentZoneRoleArn !== undefined) {
    c.matches("dns.parentZoneRoleArn", dns.parentZoneRoleArn, IAM_ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
    if (dns.parentZoneName === undefined)
      c.fail("dns.parentZoneRoleArn", dns.parentZoneRoleArn, "only together with dns.parentZoneName (the zone the role writes into)");
    else if (IAM_ROLE_ARN.exec(dns.parentZoneRoleArn)?.[1] === cfg.accountId) {
      c.fail(
        "dns.parentZoneRoleArn",
        dns.parentZoneRoleArn,
        `a role in another account than this environment's (${cfg.accountId}): one account per environment, the parent zone belongs to another`,
      );
    }
  }
  const privateOk = c.matches("dns.privateZoneName", dns.privateZoneName, DOMAIN_NAME, DOMAIN_DESCRIPTION);
  if (privateOk && zoneOk && dns.privateZoneName === dns.zoneName) {
    c.fail(
      "dns.privateZoneName",
      dns.privateZoneName,
      `a name other than dns.zoneName: a private zone of the same name hides the public records (media, api) from inside the VPC`,
    );
  }
  c.boolean("dns.dnssec", dns.dnssec);
  checkFailover(c, cfg);
}
