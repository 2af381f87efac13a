/**
 * One EKS managed node group with its launch template (IMDSv2, encrypted gp3 root
 * volume, security groups) and the cluster-autoscaler tags.
 */
import { Construct } from "constructs";
import { ITerraformDependable, Token } from "cdktf";
import { AutoscalingGroupTagA as AutoscalingGroupTag } from "@cdktf/provider-aws/lib/autoscaling-group-tag";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AL2023_AMI_TYPES, CpuArchitecture, EC2_INSTANCE_TYPE, EKS_LIMITS, instanceArchitecture } from "../../variables/aws-catalog";
import { NODE_GROUP_LABEL } from "../../variables/eks";

/** Size and instance types of one node group (the shape of `env.kubernetes.nodeGroups.<name>`). */
export interface NodeGroupSpec {
  /** EC2 instance types, one architecture; several for spot (more capacity pools). */
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  /** Initial node count; the cluster autoscaler owns it afterwards. */
  readonly desiredSize: number;
  readonly maxSize: number;
  /** gp3 root volume size (GiB). */
  readonly diskSizeGb: number;
}

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

/** What a node group is for: capacity type, taints and labels. */
export interface NodeGroupRole {
  readonly capacityType: "ON_DEMAND" | "SPOT";
  readonly taints: readonly NodeTaint[];
  /** Extra labels; `authorworks.io/node-group=<name>` is always set. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly description: string;
}

const EKS_TAINT_EFFECT: Record<NodeTaint["effect"], string> = {
  NoSchedule: "NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** Terraform's limit on `node_group_name_prefix` (it appends a 26-character suffix; names max 63). */
export const NAME_PREFIX_MAX = 37;

/**
 * `node_group_name_prefix` of a group: `<cluster>-<group>-`, cut to NAME_PREFIX_MAX characters
 * where the cluster's name is long (`authorworks-production-dr-applicatio-`). Only this prefix
 * has the limit: the launch template and the tags keep the full name.
 */
export function nodeGroupNamePrefix(clusterName: string, group: string): string {
  const full = `${clusterName}-${group}`;
  return full.length < NAME_PREFIX_MAX ? `${full}-` : `${full.slice(0, NAME_PREFIX_MAX - 1)}-`;
}

export interface ManagedNodeGroupProps {
  /** Cluster name as a literal (names and tags stay readable in the plan). */
  readonly clusterName: string;
  /** The cluster resource's `name` attribute (a reference: the group waits for the cluster). */
  readonly clusterNameRef: string;
  /** The cluster's Kubernetes version (a reference, so nodes follow control-plane upgrades). */
  readonly kubernetesVersion: string;
  /** Short name: system, application, spot. */
  readonly name: string;
  readonly spec: NodeGroupSpec;
  readonly role: NodeGroupRole;
  readonly nodeRoleArn: string;
  readonly subnetIds: string[];
  /** Security groups of the nodes: the cluster's primary SG first, then any extra ones. */
  readonly securityGroupIds: string[];
  /** KMS key of the root volumes. @default the account's default EBS key (aws/ebs) */
  readonly volumeKeyArn?: string;
  /** Created before the node group (IAM attachments, before-compute add-ons). */
  readonly dependsOn: ITerraformDependable[];
}

/** Checks a node group spec; returns its single CPU architecture. Throws with the group named. */
export function nodeGroupArchitecture(name: string, spec: NodeGroupSpec): CpuArchitecture {
  if (spec.instanceTypes.length === 0) throw new Error(`node group "${name}": needs at least one instance type`);
  const arches = new Set<CpuArchitecture>();
  for (const t of spec.instanceTypes) {
    const arch = instanceArchitecture(t);
    if (!arch) throw new Error(`node group "${name}": "${t}" is not an EC2 instance type (${EC2_INSTANCE_TYPE})`);
    arches.add(arch);
  }
  if (arches.size > 1)
    throw new Error(`node group "${name}": instance types mix architectures (${spec.instanceTypes.join(", ")}); one AMI type serves one architecture`);
  const { minSize, desiredSize, maxSize } = spec;
  const whole = [minSize, desiredSize, maxSize].every((n) => Number.isInteger(n));
  const ordered = 0 <= minSize && minSize <= desiredSize && desiredSize <= maxSize;
  if (!whole || !ordered || maxSize < 1 || maxSize > EKS_LIMITS.maxNodesPerGroup) {
    throw new Error(
      `node group "${name}": sizes must be whole numbers with 0 <= min <= desired <= max, 1 <= max <= ${EKS_LIMITS.maxNodesPerGroup} (got min ${minSize}, desired ${desiredSize}, max ${maxSize})`,
    );
  }
  if (!(Number.isInteger(spec.diskSizeGb) && spec.diskSizeGb >= EKS_LIMITS.minRootVolumeGb && spec.diskSizeGb <= EKS_LIMITS.maxRootVolumeGb)) {
    throw new Error(`node group "${name}": diskSizeGb ${spec.diskSizeGb} must be ${EKS_LIMITS.minRootVolumeGb}-${EKS_LIMITS.maxRootVolumeGb} GiB`);
  }
  return [...arches][0];
}

/** `k8s.io/cluster-autoscaler/node-template/...` tags: what a node of the group would look like (scale from zero). */
export function nodeTemplateTags(labels: Readonly<Record<string, string>>, taints: readonly NodeTaint[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) tags[`k8s.io/cluster-autoscaler/node-template/label/${k}`] = v;
  for (const t of taints) tags[`k8s.io/cluster-autoscaler/node-template/taint/${t.key}`] = `${t.value}:${t.effect}`;
  return tags;
}

/**
 * A managed node group on the EKS-optimized AL2023 AMI (no custom AMI: EKS merges its
 * bootstrap into the launch template). Construct ids: `<id>_launch_template`,
 * `<id>_node_group`, `<id>_asg_<tag>`.
 */
export class ManagedNodeGroup extends Construct {
  public readonly nodeGroup: EksNodeGroup;
  public readonly launchTemplate: LaunchTemplate;
  public readonly amiType: string;
  public readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    const { spec, role, clusterName, name } = props;
    const arch = nodeGroupArchitecture(name, spec);
    this.amiType = AL2023_AMI_TYPES[arch];
    const fullName = `${clusterName}-${name}`;
    this.labels = { [NODE_GROUP_LABEL]: name, ...role.labels };

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: fullName,
      description: `${fullName}: ${role.description}`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: props.securityGroupIds,
      metadataOptions: {
        httpEndpoint: "enabled",
        // IMDSv2 only; hop limit 1 keeps pods (one hop further, in their own network
        // namespace) off the node's credentials: pods get AWS access through Pod Identity.
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: spec.diskSizeGb,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: props.volumeKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { Name: fullName, [NODE_GROUP_LABEL]: name },
      })),
      tags: { Name: fullName },
    });

    const autoscalerTags = nodeTemplateTags(
      // EKS labels spot nodes itself; the autoscaler needs to know before the first one exists.
      role.capacityType === "SPOT" ? { ...this.labels, "eks.amazonaws.com/capacityType": "SPOT" } : this.labels,
      role.taints,
    );
    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterNameRef,
      // A prefix and create-before-destroy: changes that replace the group (instance
      // types, capacity type) bring the new group up before the old one drains.
      nodeGroupNamePrefix: nodeGroupNamePrefix(clusterName, name),
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: this.amiType,
      capacityType: role.capacityType,
      instanceTypes: [...spec.instanceTypes],
      scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      labels: this.labels,
      taint: role.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
      tags: {
        Name: fullName,
        // Auto-discovery (`--node-group-auto-discovery=asg:tag=...`); EKS also puts these two on the ASG.
        "k8s.io/cluster-autoscaler/enabled": "true",
        [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
        ...autoscalerTags,
      },
      lifecycle: {
        createBeforeDestroy: true,
        // The cluster autoscaler owns the node count; Terraform sets it once at creation.
        // Without this every plan would reset the group to its initial size.
        ignoreChanges: ["scaling_config[0].desired_size"],
      },
      dependsOn: props.dependsOn,
    });

    // Node group tags do not reach the Auto Scaling group; the autoscaler reads the node
    // template (labels, taints) from the ASG when the group has no node to look at.
    const asgName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
    for (const [key, value] of Object.entries(autoscalerTags)) {
      const tagId = key
        .replace(/^k8s\.io\/cluster-autoscaler\/node-template\//, "")
        .replace(/[^A-Za-z0-9]+/g, "-")
        .toLowerCase();
      new AutoscalingGroupTag(this, `asg-${tagId}`, {
        autoscalingGroupName: asgName,
        tag: { key, value, propagateAtLaunch: false },
      });
    }
  }
}
