/**
 * Validation of the `network` section of an environment file (modules/vpc), and the
 * subnet layout derived when the file gives none.
 */
import { MIN_AVAILABILITY_ZONES, REGIONS, VPC_CIDR_PREFIX } from "../../variables/aws-catalog";
import { Cidr, cidrSubnet, contains, overlaps, parseCidr } from "../../variables/cidr";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig, SubnetLayout } from "../types";

/** VPC prefix lengths accepted: from the largest VPC AWS allows (/16) to this project's floor, /24. */
const VPC_PREFIX = { min: VPC_CIDR_PREFIX.min, max: 24 } as const;
/** The derived layout splits the VPC in quarters: three private, the last for public and database. */
const DERIVED_LAYOUT_MAX_AZS = 3;

/**
 * Default subnet layout for a VPC: private subnets get a quarter of the VPC each
 * (pods take their IPs from them with the VPC CNI: a /18 in a /16 is 16k addresses),
 * public and database subnets are small slices of the last quarter.
 */
export function deriveSubnets(vpcCidr: string, azCount: number): SubnetLayout {
  const lastQuarter = cidrSubnet(vpcCidr, 2, 3);
  const range = [...Array(azCount).keys()];
  return {
    private: range.map((i) => cidrSubnet(vpcCidr, 2, i)),
    public: range.map((i) => cidrSubnet(lastQuarter, 6, i)),
    database: range.map((i) => cidrSubnet(lastQuarter, 6, 8 + i)),
  };
}

/** Checks `cfg.network`: the VPC CIDR, the AZ count the region allows, and the subnets (given or derived). */
export function checkNetwork(c: Checker, cfg: EnvironmentConfig): void {
  const azIds = REGIONS[cfg.region] ?? [];
  const vpc = parseCidr(cfg.network.cidr);
  if (!vpc || vpc.prefix < VPC_PREFIX.min || vpc.prefix > VPC_PREFIX.max) {
    c.fail("network.cidr", cfg.network.cidr, `an IPv4 network address in CIDR form a.b.c.d/n with n from ${VPC_PREFIX.min} to ${VPC_PREFIX.max}`);
  }
  // An unknown region is reported once (field "region"), not again as an AZ count it cannot have.
  const azOk =
    azIds.length === 0 || c.intRange("network.azCount", cfg.network.azCount, MIN_AVAILABILITY_ZONES, azIds.length, `(the usable AZs of ${cfg.region})`);
  c.oneOf("network.natGateways", cfg.network.natGateways, ["single", "one-per-az"]);
  if (!vpc || !azOk || azIds.length === 0) return;

  let subnets = cfg.network.subnets;
  if (!subnets) {
    if (cfg.network.azCount > DERIVED_LAYOUT_MAX_AZS) {
      c.fail(
        "network.subnets",
        undefined,
        `explicit subnet lists when network.azCount is above ${DERIVED_LAYOUT_MAX_AZS} (the derived layout covers up to ${DERIVED_LAYOUT_MAX_AZS} AZs)`,
      );
      return;
    }
    subnets = deriveSubnets(cfg.network.cidr, cfg.network.azCount);
  }

  const seen: Array<{ field: string; cidr: Cidr }> = [];
  for (const tier of ["public", "private", "database"] as const) {
    const list = subnets[tier] ?? [];
    if (list.length !== cfg.network.azCount) {
      c.fail(`network.subnets.${tier}`, list, `exactly ${cfg.network.azCount} CIDRs, one per availability zone (network.azCount)`);
    }
    list.forEach((text, i) => {
      const field = `network.subnets.${tier}[${i}]`;
      const sub = parseCidr(text);
      if (!sub || sub.prefix > VPC_CIDR_PREFIX.max) {
        c.fail(field, text, `an IPv4 network address in CIDR form a.b.c.d/n with n at most ${VPC_CIDR_PREFIX.max}`);
        return;
      }
      if (!contains(vpc, sub)) c.fail(field, text, `a block inside the VPC ${cfg.network.cidr}`);
      const clash = seen.find((s) => overlaps(s.cidr, sub));
      if (clash) c.problem(`${field}: ${text} overlaps ${clash.field} (${clash.cidr.text}); accepted: subnets that do not overlap`);
      seen.push({ field, cidr: sub });
    });
  }
}

/** The AZ ids and subnets an environment uses: its own subnet lists, or the derived layout. */
export function networkLayout(cfg: EnvironmentConfig): { azIds: string[]; subnets: SubnetLayout } {
  return {
    azIds: (REGIONS[cfg.region] ?? []).slice(0, cfg.network.azCount),
    subnets: cfg.network.subnets ?? deriveSubnets(cfg.network.cidr, cfg.network.azCount),
  };
}
