/**
 * Validation of `env.kubernetes` (the EKS cluster, modules/eks): the version EKS offers,
 * node group sizes and instance types, who may reach the API, and the IAM role names the
 * access entries are built from. Registered in ENVIRONMENT_CHECKS (environments/checks/index.ts).
 */
import { contains, parseCidr } from "../../variables/cidr";
import {
  EC2_INSTANCE_TYPE,
  EKS_CALENDAR_CHECKED_ON,
  EKS_LIMITS,
  EKS_LOG_TYPES,
  EKS_VERSION_CALENDAR,
  IAM_ROLE_NAME,
  instanceArchitecture,
} from "../../variables/aws-catalog";
import { EKS_REQUIRED_LOG_TYPES, EKS_STANDARD_VERSIONS, eksSupportStatus } from "../../variables/eks";
import type { Checker } from "../../variables/validation";
import type { EnvironmentConfig, NodeGroupConfig } from "../types";

/** Private and special-purpose ranges: the public endpoint never sees a source address from them. */
const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10"].map((c) => parseCidr(c)!);

function checkVersion(c: Checker, version: string): void {
  const field = "kubernetes.version";
  const standard = EKS_STANDARD_VERSIONS.join(", ");
  const status = eksSupportStatus(version);
  if (status === "standard") return;
  if (status === "extended") {
    const v = EKS_VERSION_CALENDAR.find((x) => x.version === version)!;
    c.fail(
      field,
      version,
      `a Kubernetes version in EKS standard support on ${EKS_CALENDAR_CHECKED_ON}: ${standard} (${version} left standard support on ${v.endOfStandardSupport}: extended support bills six times the cluster price, and under upgrade policy STANDARD EKS upgrades it by itself)`,
    );
    return;
  }
  c.fail(field, version, `a Kubernetes version EKS offers in standard support (calendar of ${EKS_CALENDAR_CHECKED_ON}, variables/aws-catalog.ts): ${standard}`);
}

function checkNodeGroup(c: Checker, name: string, g: NodeGroupConfig): void {
  const field = `kubernetes.nodeGroups.${name}`;
  const types = g.instanceTypes ?? [];
  if (types.length === 0) c.fail(`${field}.instanceTypes`, types, "at least one EC2 instance type");
  const arches = new Map<string, string[]>();
  types.forEach((t, i) => {
    const arch = instanceArchitecture(t);
    if (!arch) {
      c.fail(`${field}.instanceTypes[${i}]`, t, `an EC2 instance type such as "m7g.large" or "c6gn.2xlarge" (${EC2_INSTANCE_TYPE})`);
      return;
    }
    arches.set(arch, [...(arches.get(arch) ?? []), t]);
  });
  if (arches.size > 1) {
    const mix = [...arches].map(([arch, ts]) => `${arch}: ${ts.join(", ")}`).join("; ");
    c.problem(
      `${field}.instanceTypes: mixes CPU architectures (${mix}); accepted: instance types of one architecture per node group (one AMI type serves one architecture; Graviton arm64 types such as m7g, c7g, t4g)`,
    );
  }
  if (new Set(types).size !== types.length) c.fail(`${field}.instanceTypes`, types, "each instance type at most once");
  if (name === "spot" && types.length === 1) {
    c.fail(
      `${field}.instanceTypes`,
      types,
      "at least two instance types for spot (each type is a separate spot capacity pool; one pool is interrupted all at once)",
    );
  }

  // The system group runs CoreDNS and the EBS CSI controller: with no node, the first apply waits for them forever.
  const minFloor = name === "system" ? 1 : 0;
  const okMin = c.intRange(
    `${field}.minSize`,
    g.minSize,
    minFloor,
    EKS_LIMITS.maxNodesPerGroup,
    name === "system" ? "(cluster-critical add-ons need a system node)" : "",
  );
  const okDesired = c.intRange(`${field}.desiredSize`, g.desiredSize, 0, EKS_LIMITS.maxNodesPerGroup);
  const okMax = c.intRange(`${field}.maxSize`, g.maxSize, 1, EKS_LIMITS.maxNodesPerGroup, `(EKS managed node group quota)`);
  if (okMin && okDesired) c.ordered(`${field}.minSize`, g.minSize, `${field}.desiredSize`, g.desiredSize);
  if (okDesired && okMax) c.ordered(`${field}.desiredSize`, g.desiredSize, `${field}.maxSize`, g.maxSize);
  c.intRange(
    `${field}.diskSizeGb`,
    g.diskSizeGb,
    EKS_LIMITS.minRootVolumeGb,
    EKS_LIMITS.maxRootVolumeGb,
    `GiB (gp3; the AL2023 AMI needs ${EKS_LIMITS.minRootVolumeGb})`,
  );
}

/** Validates `cfg.kubernetes`; problems go to `c` (field paths like `kubernetes.nodeGroups.spot.minSize`). */
export function checkKubernetes(c: Checker, cfg: EnvironmentConfig): void {
  const k = cfg.kubernetes;
  checkVersion(c, k.version);

  for (const name of ["system", "application", "spot"] as const) {
    const g = k.nodeGroups?.[name];
    if (!g) c.fail(`kubernetes.nodeGroups.${name}`, g, "a node group (instanceTypes, minSize, desiredSize, maxSize, diskSizeGb)");
    else checkNodeGroup(c, name, g);
  }

  const optionalLogTypes = EKS_LOG_TYPES.filter((t) => !EKS_REQUIRED_LOG_TYPES.includes(t));
  const logTypes = k.additionalLogTypes;
  if (!Array.isArray(logTypes) || logTypes.some((t) => !optionalLogTypes.includes(t)) || new Set(logTypes).size !== logTypes.length) {
    c.fail(
      "kubernetes.additionalLogTypes",
      logTypes,
      `a list of distinct control-plane log types among ${optionalLogTypes.map((t) => `"${t}"`).join(", ")} (${EKS_REQUIRED_LOG_TYPES.join(", ")} are always on), possibly empty`,
    );
  }

  const cidrs = k.publicAccessCidrs ?? [];
  if (cidrs.length > EKS_LIMITS.maxPublicAccessCidrs) {
    c.fail("kubernetes.publicAccessCidrs", cidrs.length, `at most ${EKS_LIMITS.maxPublicAccessCidrs} CIDR blocks (EKS limit)`);
  }
  cidrs.forEach((text, i) => {
    const field = `kubernetes.publicAccessCidrs[${i}]`;
    const cidr = parseCidr(text);
    if (!cidr) {
      c.fail(field, text, "an IPv4 network address in CIDR form a.b.c.d/n (host bits zero)");
      return;
    }
    if (cidr.prefix === 0) {
      c.fail(field, text, "specific public CIDRs (office, VPN egress), or none for a private endpoint; 0.0.0.0/0 opens the API endpoint to the internet");
      return;
    }
    const inside = NON_PUBLIC_RANGES.find((r) => contains(r, cidr));
    if (inside)
      c.fail(
        field,
        text,
        `a public address range (${text} is inside ${inside.text}, which never reaches the public endpoint; private access goes through the VPC)`,
      );
  });
  if (new Set(cidrs).size !== cidrs.length) c.fail("kubernetes.publicAccessCidrs", cidrs, "each CIDR at most once");

  const roleNameAccepted = "an IAM role name in this account (1-64 letters, digits and + = , . @ _ -; no path, no ARN)";
  c.matches("kubernetes.adminRoleName", k.adminRoleName, IAM_ROLE_NAME, roleNameAccepted);
  c.matches("kubernetes.developerRoleName", k.developerRoleName, IAM_ROLE_NAME, roleNameAccepted);
  if (k.adminRoleName && k.adminRoleName === k.developerRoleName) {
    c.fail("kubernetes.developerRoleName", k.developerRoleName, "a role other than kubernetes.adminRoleName (EKS allows one access entry per principal)");
  }
}
