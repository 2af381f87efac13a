/**
 * Validation of the `dns` section of an environment file (modules/dns). Called through
 * ENVIRONMENT_CHECKS; every problem names the field, what it got and what is accepted.
 */
import { IAM_ROLE_ARN } from "../../variables/aws-catalog";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig } from "../types";

/**
 * A lower-case fully qualified domain name without the trailing dot: at least two labels
 * of letters, digits and inner hyphens (1-63 characters each), 253 characters at most,
 * and a top-level label that starts with a letter.
 */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DOMAIN_DESCRIPTION =
  "a lower-case domain name such as dev.authorworks.io (labels of letters, digits and inner hyphens, no trailing dot, no wildcard)";

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
}
