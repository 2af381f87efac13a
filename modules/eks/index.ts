/**
 * The Kubernetes cluster of one environment (seed 004 section 2): an EKS control plane
 * in the private subnets with a private API endpoint, envelope-encrypted secrets, audit
 * logs, access entries instead of the aws-auth ConfigMap, three managed node groups
 * (system, application, spot) and the EKS managed add-ons with Pod Identity roles.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { StackContext } from "../context";
import { PolicyStatement, arnPrefix, policyDocument } from "../iam";
import { EncryptionKey, KEY_USE_ACTIONS } from "../kms";
import { ACCESS_GROUPS } from "../../variables/platform";
import {
  AWS_MANAGED_POLICIES,
  EKS_ACCESS_POLICIES,
  EksLogType,
  EksSupportType,
  SERVICE_PRINCIPALS,
  accessPolicyArn,
  managedPolicyArn,
  serviceEndpoint,
} from "../../variables/aws-catalog";
import { ADDON_NAMESPACE, EKS_ADDONS, EKS_REQUIRED_LOG_TYPES, EksAddonName, NODE_GROUP_LABEL } from "../../variables/eks";
import { ManagedNodeGroup, NAME_PREFIX_MAX, NodeGroupRole, NodeGroupSpec, nodeGroupNamePrefix } from "./node-group";
import { PodIdentityRole } from "../iam/pod-identity";

export { ManagedNodeGroup, NAME_PREFIX_MAX, nodeGroupArchitecture, nodeGroupNamePrefix, nodeTemplateTags } from "./node-group";
export type { ManagedNodeGroupProps, NodeGroupRole, NodeGroupSpec, NodeTaint } from "./node-group";
export { PodIdentityRole, podIdentityRole, podIdentityTrustStatement } from "../iam/pod-identity";
export type { PodIdentityRoleProps, PodIdentityTrustProps } from "../iam/pod-identity";

/** Kubernetes group of cluster administrators (access entry of the admin role). RBAC in the platform stack binds it. */
export const ADMIN_GROUP: string = ACCESS_GROUPS.admins;
/** Kubernetes group of developers (access entry of the developer role). RBAC in the platform stack binds it. */
export const DEVELOPER_GROUP: string = ACCESS_GROUPS.developers;

/** The three node groups seed 004 asks for. */
export type NodeGroupName = "system" | "application" | "spot";

/** What each node group is for. Names are the keys of `env.kubernetes.nodeGroups`. */
export const NODE_GROUP_ROLES: Readonly<Record<NodeGroupName, NodeGroupRole>> = {
  system: {
    capacityType: "ON_DEMAND",
    // Only pods that tolerate it (CoreDNS, the EBS CSI controller, the platform's add-ons) run here.
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }],
    description: "cluster-critical add-ons (on-demand)",
  },
  application: {
    capacityType: "ON_DEMAND",
    taints: [],
    description: "business services (on-demand)",
  },
  spot: {
    capacityType: "SPOT",
    // Batch jobs opt in by tolerating the taint; services never land on interruptible nodes by accident.
    taints: [{ key: "authorworks.io/batch", value: "true", effect: "NoSchedule" }],
    description: "batch processing (spot)",
  },
};

export interface EksClusterProps {
  /** Cluster name: `names.cluster(env)` from variables/project.ts (the platform stack finds the cluster by it). */
  readonly clusterName: string;
  /**
   * The environment: `aws` (ARNs and trust conditions), `keys.logs` and `logRetentionDays`
   * (the control-plane log group; days, a value CloudWatch accepts).
   */
  readonly context: StackContext;
  /** Kubernetes minor version (`env.kubernetes.version`), pinned: upgrades are a deliberate change here. */
  readonly kubernetesVersion: string;
  /** Private subnets for the control-plane ENIs and the nodes (pods take their IPs from them). */
  readonly subnetIds: string[];
  /**
   * CIDRs allowed to reach the public API endpoint. Empty turns the public endpoint off
   * (the API is then reachable only from inside the VPC).
   */
  readonly publicAccessCidrs: readonly string[];
  /**
   * CIDRs inside the network (VPN, self-hosted CI runners) allowed to reach the private
   * endpoint on 443: ingress rules on the cluster security group. @default none
   */
  readonly privateAccessCidrs?: readonly string[];
  /** IAM role name (in this account) mapped to cluster administrators. */
  readonly adminRoleName: string;
  /** IAM role name (in this account) mapped to the developer group. */
  readonly developerRoleName: string;
  /**
   * More principals that get cluster-admin access entries, by a stable id, e.g.
   * `{ "ci-deploy": deployRole.arn }` (the identity that applies the platform stack). @default none
   */
  readonly additionalAdminPrincipalArns?: Readonly<Record<string, string>>;
  /**
   * Principals that may read the whole cluster, Secrets included (`AmazonEKSAdminViewPolicy`,
   * no Kubernetes group), by a stable id, e.g. `{ "github-plan": planRole.arn }`: a plan of
   * the platform stack refreshes Secrets and Helm releases (stored in Secrets). @default none
   */
  readonly additionalViewerPrincipalArns?: Readonly<Record<string, string>>;
  /**
   * Namespaces in which developers get the EKS `AmazonEKSViewPolicy` access policy. Unset:
   * developers get no access policy and only what RBAC in the platform stack binds to
   * their group. @default none (RBAC only)
   */
  readonly developerViewNamespaces?: readonly string[];
  /** The three managed node groups (`env.kubernetes.nodeGroups`). */
  readonly nodeGroups: Readonly<Record<NodeGroupName, NodeGroupSpec>>;
  /**
   * Security groups the nodes (and so the pods, with the VPC CNI) carry besides the
   * cluster's primary security group, e.g. the app tier's, which the data tier admits.
   * @default none
   */
  readonly nodeSecurityGroupIds?: readonly string[];
  /** Control-plane logs besides api, audit and authenticator. @default none */
  readonly additionalLogTypes?: readonly Exclude<EksLogType, "api" | "audit" | "authenticator">[];
  /**
   * KMS key for envelope encryption of Kubernetes secrets. Unset: the module creates a
   * dedicated key (`alias/<cluster>-eks-secrets`, yearly rotation). @default dedicated key
   */
  readonly secretsKeyArn?: string;
  /** Deletion window of the dedicated secrets key (7-30 days). @default 30 */
  readonly keyDeletionWindowDays?: number;
  /**
   * KMS key of EBS volumes (node root volumes and, through the EBS CSI driver, persistent
   * volumes). Its key policy must let the Auto Scaling service-linked role use it.
   * @default the account's default EBS key (aws/ebs)
   */
  readonly volumeKeyArn?: string;
  /** What EKS does at the end of standard support: upgrade (STANDARD) or bill extended support (EXTENDED). @default "STANDARD" */
  readonly supportType?: EksSupportType;
  /** ARC zonal shift for the control plane's load balancing. @default false */
  readonly zonalShift?: boolean;
  /** Refuse to delete the cluster (EKS deletion protection). @default false */
  readonly deletionProtection?: boolean;
  /** Attach AmazonSSMManagedInstanceCore to the node role (Session Manager shell on nodes). @default false */
  readonly nodeSsmAccess?: boolean;
  /** Enforce Kubernetes NetworkPolicies with the VPC CNI's network policy agent. @default true */
  readonly networkPolicy?: boolean;
  /** Permissions boundary of every role the module creates. @default none */
  readonly permissionsBoundaryArn?: string;
}

interface RoleSpec {
  readonly name: string;
  readonly description: string;
  readonly trust: PolicyStatement;
  /** Managed policies by attachment id. */
  readonly managed: Readonly<Record<string, string>>;
  readonly permissionsBoundaryArn?: string;
}

/** A role assumed by an AWS service, with managed policies attached under readable ids. */
class ModuleRole extends Construct {
  public readonly role: IamRole;
  /** The attachments: whatever uses the role depends on them (and is deleted before them). */
  public readonly grants: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, spec: RoleSpec) {
    super(scope, id);
    const trust = policyDocument(this, "trust", [spec.trust]);
    this.role = new IamRole(this, "role", {
      name: spec.name,
      description: spec.description,
      assumeRolePolicy: trust.json,
      permissionsBoundary: spec.permissionsBoundaryArn,
      tags: { Name: spec.name },
    });
    for (const [attachmentId, policyArn] of Object.entries(spec.managed)) {
      this.grants.push(new IamRolePolicyAttachment(this, attachmentId, { role: this.role.name, policyArn }));
    }
  }
}

/**
 * An EKS cluster with its node groups and managed add-ons. Construct ids (under the
 * construct's own id, e.g. `eks`): `cluster`, `log-group`, `secrets-key`, `cluster-role`,
 * `node-role`, `<group>` (system, application, spot), `<add-on name>`,
 * `<add-on>-identity`, `admin-access`, `developer-access`.
 */
export class EksCluster extends Construct {
  public readonly cluster: EksClusterResource;
  public readonly clusterName: string;
  public readonly clusterArn: string;
  /** API server endpoint (https URL). */
  public readonly endpoint: string;
  /** Base64 PEM of the cluster CA (for Kubernetes/Helm provider configuration). */
  public readonly certificateAuthorityData: string;
  /** OIDC issuer URL of the cluster (for IRSA, should a tool still need it). */
  public readonly oidcIssuerUrl: string;
  /** Kubernetes version as the cluster reports it. */
  public readonly kubernetesVersion: string;
  /** The cluster security group EKS creates (control plane ENIs and managed nodes). */
  public readonly clusterSecurityGroupId: string;
  /** Security group of the nodes: the cluster's primary security group. */
  public readonly nodeSecurityGroupId: string;
  public readonly clusterRoleArn: string;
  public readonly nodeRoleArn: string;
  public readonly nodeRoleName: string;
  /** KMS key encrypting Kubernetes secrets. */
  public readonly secretsKeyArn: string;
  /** The dedicated secrets key, when the module created it. */
  public readonly secretsKey?: EncryptionKey;
  /** `/aws/eks/<cluster>/cluster`. */
  public readonly logGroupName: string;
  public readonly nodeGroups: Readonly<Record<NodeGroupName, ManagedNodeGroup>>;
  public readonly addons: Readonly<Record<EksAddonName, EksAddon>>;
  /** Pod Identity roles of the add-ons that call AWS (vpc-cni, aws-ebs-csi-driver). */
  public readonly addonRoles: Readonly<Partial<Record<EksAddonName, PodIdentityRole>>>;
  /** Kubernetes group of the admin role's access entry. */
  public readonly adminGroup = ADMIN_GROUP;
  /** Kubernetes group of the developer role's access entry. */
  public readonly developerGroup = DEVELOPER_GROUP;
  private readonly partition: string;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const { clusterName, context } = props;
    const { aws } = context;
    const partition = aws.partition ?? "aws";
    this.partition = partition;
    this.name = clusterName;
    const clusterArn = `${arnPrefix(aws, "eks")}:cluster/${clusterName}`;
    const roleArn = (name: string) => `arn:${partition}:iam::${aws.accountId}:role/${name}`;
    const boundary = props.permissionsBoundaryArn;

    // --- Control-plane logs: our log group (retention, KMS) before EKS would make its own.
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/eks/${clusterName}/cluster`,
      retentionInDays: context.logRetentionDays,
      kmsKeyId: context.keys.logs.arn,
      tags: { Name: `${clusterName}-control-plane` },
    });
    this.logGroupName = logGroup.name;

    // --- Cluster role: assumed by EKS for this cluster only.
    const clusterRole = new ModuleRole(this, "cluster-role", {
      name: `${clusterName}-eks-cluster`,
      description: `EKS control plane of ${clusterName}`,
      trust: {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.eks] }],
        conditions: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [clusterArn] },
        ],
      },
      managed: { "cluster-policy": managedPolicyArn(AWS_MANAGED_POLICIES.eksCluster, partition) },
      permissionsBoundaryArn: boundary,
    });
    this.clusterRoleArn = clusterRole.role.arn;

    // --- Secrets key: dedicated unless one is given (see README).
    if (props.secretsKeyArn) {
      this.secretsKeyArn = props.secretsKeyArn;
    } else {
      this.secretsKey = new EncryptionKey(this, "secrets-key", {
        aws,
        alias: `${clusterName}-eks-secrets`,
        description: `${clusterName}: envelope encryption of Kubernetes secrets (EKS)`,
        viaServices: ["eks"],
        users: [clusterRole.role.arn],
        deletionWindowDays: props.keyDeletionWindowDays,
      });
      this.secretsKeyArn = this.secretsKey.arn;
    }
    const clusterKeyPolicy = new IamRolePolicy(this, "cluster-role-secrets-key", {
      name: `${clusterName}-eks-secrets-key`,
      role: clusterRole.role.id,
      policy: policyDocument(this, "cluster-role-secrets-key-document", [
        { sid: "EnvelopeEncryptionOfSecrets", actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], resources: [this.secretsKeyArn] },
      ]).json,
    });

    // --- The cluster.
    const publicAccess = props.publicAccessCidrs.length > 0;
    this.cluster = new EksClusterResource(this, "cluster", {
      name: clusterName,
      version: props.kubernetesVersion,
      roleArn: clusterRole.role.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? [...props.publicAccessCidrs] : undefined,
      },
      accessConfig: {
        // Access entries only: the aws-auth ConfigMap is ignored, access is in the EKS API (and this code).
        authenticationMode: "API",
        // The identity running `terraform apply` would otherwise become an invisible cluster
        // admin that no code shows (and the setting cannot be changed later): admins are
        // the access entries below.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      // EKS would install its own unmanaged vpc-cni, kube-proxy and CoreDNS; the managed add-ons below replace them.
      bootstrapSelfManagedAddons: false,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.secretsKeyArn } },
      enabledClusterLogTypes: [...EKS_REQUIRED_LOG_TYPES, ...(props.additionalLogTypes ?? [])],
      upgradePolicy: { supportType: props.supportType ?? "STANDARD" },
      zonalShiftConfig: { enabled: props.zonalShift ?? false },
      deletionProtection: props.deletionProtection ?? false,
      tags: { Name: clusterName },
      dependsOn: [logGroup, ...clusterRole.grants, clusterKeyPolicy],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    this.kubernetesVersion = this.cluster.version;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.nodeSecurityGroupId = this.clusterSecurityGroupId;

    for (const cidr of props.privateAccessCidrs ?? []) {
      new VpcSecurityGroupIngressRule(this, `api-from-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: this.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: `Kubernetes API (private endpoint) from ${cidr}`,
        tags: { Name: `${clusterName}-api-from-${cidr}` },
      });
    }

    // --- Access entries (no aws-auth ConfigMap).
    this.accessEntry("admin", roleArn(props.adminRoleName), [ADMIN_GROUP], { policy: EKS_ACCESS_POLICIES.clusterAdmin });
    for (const [entryId, arn] of Object.entries(props.additionalAdminPrincipalArns ?? {})) {
      if (!/^[a-z][a-z0-9-]*$/.test(entryId) || entryId === "admin" || entryId === "developer") {
        throw new Error(
          `additionalAdminPrincipalArns: "${entryId}" must be a lower-case kebab id other than "admin" and "developer" (it names the access entry)`,
        );
      }
      this.accessEntry(entryId, arn, [ADMIN_GROUP], { policy: EKS_ACCESS_POLICIES.clusterAdmin });
    }
    for (const [entryId, arn] of Object.entries(props.additionalViewerPrincipalArns ?? {})) {
      if (!/^[a-z][a-z0-9-]*$/.test(entryId) || ["admin", "developer", ...Object.keys(props.additionalAdminPrincipalArns ?? {})].includes(entryId)) {
        throw new Error(
          `additionalViewerPrincipalArns: "${entryId}" must be a lower-case kebab id not used by another access entry (it names the access entry)`,
        );
      }
      this.accessEntry(entryId, arn, [], { policy: EKS_ACCESS_POLICIES.adminView });
    }
    this.accessEntry(
      "developer",
      roleArn(props.developerRoleName),
      [DEVELOPER_GROUP],
      props.developerViewNamespaces?.length ? { policy: EKS_ACCESS_POLICIES.view, namespaces: props.developerViewNamespaces } : undefined,
    );

    // --- Node role: what the kubelet and the node need, nothing for pods (no CNI policy:
    // the VPC CNI has its own Pod Identity role; pods cannot reach IMDS anyway).
    const nodeRole = new ModuleRole(this, "node-role", {
      name: `${clusterName}-eks-node`,
      description: `EKS managed nodes of ${clusterName}`,
      trust: { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.ec2] }] },
      managed: {
        "worker-node-policy": managedPolicyArn(AWS_MANAGED_POLICIES.eksWorkerNode, partition),
        "registry-pull-policy": managedPolicyArn(AWS_MANAGED_POLICIES.ecrPullOnly, partition),
        ...(props.nodeSsmAccess ? { "ssm-policy": managedPolicyArn(AWS_MANAGED_POLICIES.ssmManagedInstanceCore, partition) } : {}),
      },
      permissionsBoundaryArn: boundary,
    });
    this.nodeRoleArn = nodeRole.role.arn;
    this.nodeRoleName = nodeRole.role.name;

    // --- Add-on roles (Pod Identity, associated by the add-on itself).
    const vpcCniRole = this.addonRole("vpc-cni", props, {
      description: "VPC CNI (aws-node): ENIs and IP addresses for pods",
      managedPolicies: { "cni-policy": managedPolicyArn(AWS_MANAGED_POLICIES.eksCni, partition) },
    });
    const ebsCsiRole = this.addonRole("aws-ebs-csi-driver", props, {
      description: "EBS CSI driver controller: volumes and snapshots for persistent volumes",
      managedPolicies: { "ebs-csi-policy": managedPolicyArn(AWS_MANAGED_POLICIES.ebsCsiDriver, partition) },
      statements: props.volumeKeyArn ? ebsCsiKeyStatements(props.volumeKeyArn, aws.region) : undefined,
    });
    const cloudWatchRole = this.addonRole("amazon-cloudwatch-observability", props, {
      description: "CloudWatch agent (Container Insights): node and pod metrics",
      managedPolicies: { "cloudwatch-agent-policy": managedPolicyArn(AWS_MANAGED_POLICIES.cloudWatchAgentServer, partition) },
      namespace: "amazon-cloudwatch",
    });
    this.addonRoles = { "vpc-cni": vpcCniRole, "aws-ebs-csi-driver": ebsCsiRole, "amazon-cloudwatch-observability": cloudWatchRole };

    // --- Add-ons that must exist before nodes: vpc-cni (nodes are NotReady without a CNI),
    // kube-proxy (aws-node reaches the API through the kubernetes Service), Pod Identity agent.
    const systemSelector = { nodeSelector: { [NODE_GROUP_LABEL]: "system" } };
    const addons: Partial<Record<EksAddonName, EksAddon>> = {};
    addons["vpc-cni"] = this.addon("vpc-cni", {
      role: vpcCniRole,
      configuration: (props.networkPolicy ?? true) ? { enableNetworkPolicy: "true" } : undefined,
    });
    addons["kube-proxy"] = this.addon("kube-proxy", {});
    addons["eks-pod-identity-agent"] = this.addon("eks-pod-identity-agent", {});
    const beforeCompute = Object.values(EKS_ADDONS)
      .filter((a) => a.beforeCompute)
      .map((a) => addons[a.name as EksAddonName]!);

    // --- Node groups.
    const securityGroupIds = [this.clusterSecurityGroupId, ...(props.nodeSecurityGroupIds ?? [])];
    const groups = {} as Record<NodeGroupName, ManagedNodeGroup>;
    for (const name of Object.keys(NODE_GROUP_ROLES) as NodeGroupName[]) {
      groups[name] = new ManagedNodeGroup(this, name, {
        clusterName,
        clusterNameRef: this.cluster.name,
        kubernetesVersion: this.cluster.version,
        name,
        spec: props.nodeGroups[name],
        role: NODE_GROUP_ROLES[name],
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: props.subnetIds,
        securityGroupIds,
        volumeKeyArn: props.volumeKeyArn,
        dependsOn: [...nodeRole.grants, ...beforeCompute],
      });
    }
    // Cut prefixes of a long cluster name must still tell the groups apart.
    const prefixes = Object.keys(groups).map((n) => nodeGroupNamePrefix(clusterName, n));
    if (new Set(prefixes).size !== prefixes.length)
      throw new Error(`${clusterName}: node group name prefixes collide once cut to ${NAME_PREFIX_MAX} characters: ${prefixes.join(", ")}`);
    this.nodeGroups = groups;
    const nodeGroupResources = Object.values(groups).map((g) => g.nodeGroup);

    // --- Add-ons that run Deployments: they stay DEGRADED (and Terraform waits, then fails)
    // until a node can run them, so they come after the node groups. Both pin to the system nodes.
    addons.coredns = this.addon("coredns", { configuration: systemSelector, dependsOn: nodeGroupResources });
    addons["aws-ebs-csi-driver"] = this.addon("aws-ebs-csi-driver", {
      role: ebsCsiRole,
      configuration: { controller: systemSelector },
      dependsOn: nodeGroupResources,
    });
    // Its agent is a DaemonSet on every node; its operator waits for a node like coredns.
    addons["amazon-cloudwatch-observability"] = this.addon("amazon-cloudwatch-observability", { role: cloudWatchRole, dependsOn: nodeGroupResources });
    this.addons = addons as Record<EksAddonName, EksAddon>;
  }

  private accessEntry(entryId: string, principalArn: string, groups: string[], access?: { policy: string; namespaces?: readonly string[] }): void {
    const entry = new EksAccessEntry(this, `${entryId}-access`, {
      clusterName: this.cluster.name,
      principalArn,
      kubernetesGroups: groups.length ? groups : undefined,
      type: "STANDARD",
      tags: { Name: `${this.name}-${entryId}` },
    });
    if (!access) return;
    new EksAccessPolicyAssociation(this, `${entryId}-${access.namespaces ? "namespace" : "cluster"}-policy`, {
      clusterName: this.cluster.name,
      principalArn: entry.principalArn,
      policyArn: accessPolicyArn(access.policy, this.partition),
      accessScope: access.namespaces ? { type: "namespace", namespaces: [...access.namespaces] } : { type: "cluster" },
    });
  }

  private addonRole(
    name: EksAddonName,
    props: EksClusterProps,
    spec: { description: string; managedPolicies: Record<string, string>; statements?: PolicyStatement[]; namespace?: string },
  ): PodIdentityRole {
    const serviceAccount = (EKS_ADDONS[name] as { serviceAccount?: string }).serviceAccount!;
    return new PodIdentityRole(this, `${name}-identity`, {
      aws: props.context.aws,
      clusterName: props.clusterName,
      namespace: spec.namespace ?? ADDON_NAMESPACE,
      serviceAccount,
      roleName: `${props.clusterName}-${name}`,
      description: `${props.clusterName}: ${spec.description}`,
      managedPolicies: spec.managedPolicies,
      statements: spec.statements,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      associate: false,
    });
  }

  private addon(name: EksAddonName, opts: { role?: PodIdentityRole; configuration?: object; dependsOn?: ITerraformDependable[] }): EksAddon {
    // The default version EKS validated for the cluster's Kubernetes version: add-ons
    // follow control-plane upgrades, and the plan shows every version change.
    const version = new DataAwsEksAddonVersion(this, `${name}-version`, {
      addonName: name,
      kubernetesVersion: this.cluster.version,
      mostRecent: false,
    });
    return new EksAddon(this, name, {
      clusterName: this.cluster.name,
      addonName: name,
      addonVersion: version.version,
      resolveConflictsOnCreate: "OVERWRITE",
      // Terraform is the only writer of add-on settings: drift made by hand is overwritten.
      resolveConflictsOnUpdate: "OVERWRITE",
      configurationValues: opts.configuration ? JSON.stringify(opts.configuration) : undefined,
      podIdentityAssociation: opts.role ? [{ roleArn: opts.role.arn, serviceAccount: opts.role.serviceAccount }] : undefined,
      tags: { Name: `${this.name}-${name}` },
      dependsOn: opts.dependsOn,
    });
  }
}

/**
 * KMS for encrypted persistent volumes, scoped to one key and to use through EC2:
 * grants for EBS (attach needs one per volume) and data-key operations.
 */
export function ebsCsiKeyStatements(keyArn: string, region: string): PolicyStatement[] {
  const viaEc2 = { test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("ec2", region)] };
  return [
    {
      sid: "GrantsForEbs",
      actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      resources: [keyArn],
      conditions: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }, viaEc2],
    },
    { sid: "EncryptedVolumes", actions: KEY_USE_ACTIONS, resources: [keyArn], conditions: [viaEc2] },
  ];
}
