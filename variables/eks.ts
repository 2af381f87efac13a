/**
 * Facts about Amazon EKS that validation and modules/eks use, offline: the Kubernetes
 * versions EKS offers and their support windows, the managed add-ons, the AWS managed
 * policies, and how an EC2 instance type maps to a node AMI. Kept as data so a reviewer
 * can see (and update) what is accepted.
 */

/** One Kubernetes minor version on EKS (dates ISO yyyy-mm-dd, from the EKS release calendar). */
export interface EksVersion {
  readonly version: string;
  /** Available on EKS. */
  readonly released: string;
  /** Standard support ends (14 months after release): after it, extended support or an automatic upgrade. */
  readonly endOfStandardSupport: string;
  /** Extended support ends (12 months later): EKS then upgrades the control plane itself. */
  readonly endOfExtendedSupport: string;
}

/**
 * The day the calendar below was read. Support status is computed against this date,
 * not the clock, so synth gives the same answer on every machine and every day; update
 * both together.
 */
export const EKS_CALENDAR_CHECKED_ON = "2026-11-01";

/**
 * The EKS Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * as read on EKS_CALENDAR_CHECKED_ON. 1.36 reached EKS on 2026-06-02; no 1.37 had been announced.
 */
export const EKS_VERSION_CALENDAR: readonly EksVersion[] = [
  { version: "1.36", released: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
  { version: "1.35", released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
  { version: "1.34", released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.33", released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.32", released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.31", released: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.30", released: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
];

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

/** `upgrade_policy.support_type`: what EKS does when standard support of the version ends. */
export type EksSupportType = "STANDARD" | "EXTENDED";

/** Control-plane log types EKS can send to CloudWatch Logs. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type EksLogType = (typeof EKS_LOG_TYPES)[number];
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
  /** Service account (in kube-system) of the add-on's AWS-calling pods. @default none (no AWS access) */
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

/** AWS managed IAM policies (path after `arn:<partition>:iam::aws:policy/`). */
export const EKS_MANAGED_POLICIES = {
  cluster: "AmazonEKSClusterPolicy",
  workerNode: "AmazonEKSWorkerNodePolicy",
  /** Pull-only ECR access (2024): narrower than AmazonEC2ContainerRegistryReadOnly (no listing, no describing). */
  registryPull: "AmazonEC2ContainerRegistryPullOnly",
  ssm: "AmazonSSMManagedInstanceCore",
  cni: "AmazonEKS_CNI_Policy",
  cloudWatchAgent: "CloudWatchAgentServerPolicy",
  ebsCsi: "service-role/AmazonEBSCSIDriverPolicy",
} as const;

export function managedPolicyArn(name: string, partition = "aws"): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** EKS access policies (path after `arn:<partition>:eks::aws:cluster-access-policy/`). */
export const EKS_ACCESS_POLICIES = {
  clusterAdmin: "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  view: "AmazonEKSViewPolicy",
  /** Read everything in the cluster, Secrets included: what a Terraform plan of the platform stack refreshes (Helm keeps its releases in Secrets). */
  adminView: "AmazonEKSAdminViewPolicy",
} as const;

export function accessPolicyArn(name: string, partition = "aws"): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** An IAM role name (no path): letters, digits and + = , . @ _ -, at most 64 characters. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * An EC2 instance type: family (`m7g`, `c6gn`, `m7i-flex`, `t4g`) and size (`large`,
 * `2xlarge`, `metal`, `metal-24xl`).
 */
export const EC2_INSTANCE_TYPE = /^([a-z]+[1-9]\d*[a-z]*(?:-flex)?)\.(nano|micro|small|medium|large|\d{0,2}xlarge|metal(?:-\d+xl)?)$/;

export type CpuArchitecture = "arm64" | "x86_64";

/**
 * The CPU architecture of an instance type, from its family: Graviton families have a
 * `g` right after the generation digit (`m7g`, `c6gn`, `t4g`, `r8gd`, `im4gn`, `g5g`);
 * `a1` is the first Graviton. Everything else here is x86_64. Undefined when the type
 * is not an instance type at all.
 */
export function instanceArchitecture(instanceType: string): CpuArchitecture | undefined {
  const m = EC2_INSTANCE_TYPE.exec(instanceType);
  if (!m) return undefined;
  const family = m[1];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

/** EKS-optimized Amazon Linux 2023 AMI type of a managed node group, by architecture. */
export const AL2023_AMI_TYPES: Readonly<Record<CpuArchitecture, string>> = {
  arm64: "AL2023_ARM_64_STANDARD",
  x86_64: "AL2023_x86_64_STANDARD",
};

/** Label key every node carries with its node group's name (add-ons select the system nodes by it). */
export const NODE_GROUP_LABEL = "authorworks.io/node-group";

/** Limits of managed node groups and the cluster endpoint (EKS service quotas and API). */
export const EKS_LIMITS = {
  /** Nodes per managed node group (default quota). */
  maxNodesPerGroup: 450,
  /** CIDR blocks in `public_access_cidrs`. */
  maxPublicAccessCidrs: 40,
  /** gp3 root volume: the AL2023 AMI snapshot is 20 GiB; gp3 goes up to 16 TiB. */
  minRootVolumeGb: 20,
  maxRootVolumeGb: 16384,
} as const;
