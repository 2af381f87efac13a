/**
 * What this project derives from and chooses about Amazon EKS: where a Kubernetes version
 * stands on the EKS calendar, the control-plane logs always on, the managed add-ons every
 * cluster gets, and the node group label. The EKS facts themselves (calendar, log types,
 * managed and access policies, instance types, limits) are in variables/aws-catalog.ts.
 */
import { EKS_CALENDAR_CHECKED_ON, EKS_VERSION_CALENDAR, EksLogType } from "./aws-catalog";

export type EksSupportStatus = "standard" | "extended" | "unsupported";

/** Where `version` stands on `on` (default: the calendar date): standard, extended or gone/unknown. */
export function eksSupportStatus(version: string, on: string = EKS_CALENDAR_CHECKED_ON): EksSupportStatus {
  const v = EKS_VERSION_CALENDAR.find((x) => x.version === version);
  if (!v || on < v.released) return "unsupported";
  if (on < v.endOfStandardSupport) return "standard";
  if (on < v.endOfExtendedSupport) return "extended";
  return "unsupported";
}

/** Versions in EKS standard support on the calendar date (what environments may pin). */
export const EKS_STANDARD_VERSIONS: readonly string[] = EKS_VERSION_CALENDAR.filter((v) => eksSupportStatus(v.version) === "standard").map((v) => v.version);
/** Versions only in (paid) extended support on the calendar date. */
export const EKS_EXTENDED_VERSIONS: readonly string[] = EKS_VERSION_CALENDAR.filter((v) => eksSupportStatus(v.version) === "extended").map((v) => v.version);

/** Always on: who called the API (api, audit) and how IAM principals were mapped (authenticator). */
export const EKS_REQUIRED_LOG_TYPES: readonly EksLogType[] = ["api", "audit", "authenticator"];

/** One EKS managed add-on and, where it calls AWS, the service account its Pod Identity role is for. */
export interface EksAddonDefinition {
  readonly name: string;
  /**
   * Installed before the node groups: DaemonSets that are ACTIVE with zero nodes and that
   * nodes need to become Ready (CNI, kube-proxy) or to get credentials (Pod Identity agent).
   * The others (Deployments) are DEGRADED until a node runs them, so they wait for the nodes.
   */
  readonly beforeCompute: boolean;
  /** Service account of the add-on's AWS-calling pods (in kube-system, or the namespace modules/eks gives its role). @default none (no AWS access) */
  readonly serviceAccount?: string;
}

/** The managed add-ons every cluster gets, by name. */
export const EKS_ADDONS = {
  "vpc-cni": { name: "vpc-cni", beforeCompute: true, serviceAccount: "aws-node" },
  "kube-proxy": { name: "kube-proxy", beforeCompute: true },
  "eks-pod-identity-agent": { name: "eks-pod-identity-agent", beforeCompute: true },
  coredns: { name: "coredns", beforeCompute: false },
  "aws-ebs-csi-driver": { name: "aws-ebs-csi-driver", beforeCompute: false, serviceAccount: "ebs-csi-controller-sa" },
  // Container Insights: the node CPU/memory/filesystem metrics the monitoring module alarms on.
  "amazon-cloudwatch-observability": { name: "amazon-cloudwatch-observability", beforeCompute: false, serviceAccount: "cloudwatch-agent" },
} as const satisfies Record<string, EksAddonDefinition>;
export type EksAddonName = keyof typeof EKS_ADDONS;

/** Where EKS add-ons run. */
export const ADDON_NAMESPACE = "kube-system";

/** Label key every node carries with its node group's name (add-ons select the system nodes by it). */
export const NODE_GROUP_LABEL = "authorworks.io/node-group";
