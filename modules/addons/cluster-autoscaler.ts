import type { PolicyStatement } from "../iam";
import { CHARTS } from "../../variables/charts";
import { ChartAdmission, POD, SERVICE, noWebhooks } from "./admission";
import { HelmAddon, HelmAddonRole } from "./helm-addon";
import { AddonContext, Placement, Resources, Toleration, controllerReplicas, regionalArn } from "./types";

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/** Chart values we set (subset of the cluster-autoscaler chart's values.yaml). */
export interface ClusterAutoscalerValues {
  readonly cloudProvider: "aws";
  readonly awsRegion: string;
  readonly autoDiscovery: { readonly clusterName: string };
  readonly image: { readonly tag: string };
  readonly replicaCount: number;
  readonly rbac: { readonly serviceAccount: { readonly create: boolean; readonly name: string } };
  readonly extraArgs: Readonly<Record<string, string | number | boolean>>;
  readonly priorityClassName: string;
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

export interface ClusterAutoscalerProps {
  /** Image tag; its minor must equal the cluster's Kubernetes minor (variables/charts.ts). */
  readonly imageTag: string;
  /** How to pick the node group to grow. @default "least-waste" */
  readonly expander?: "least-waste" | "priority" | "random" | "most-pods";
}

/** ASG tag EKS managed node groups carry, value `owned`: the autoscaler may only touch those. */
export function clusterOwnershipTag(clusterName: string): string {
  return `k8s.io/cluster-autoscaler/${clusterName}`;
}

/** Actions AWS does not support resource-level permissions for. */
export const CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS = [
  "autoscaling:DescribeAutoScalingGroups",
  "autoscaling:DescribeAutoScalingInstances",
  "autoscaling:DescribeLaunchConfigurations",
  "autoscaling:DescribeScalingActivities",
  "autoscaling:DescribeTags",
  "ec2:DescribeImages",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeLaunchTemplateVersions",
  "ec2:GetInstanceTypesFromInstanceRequirements",
];

export function clusterAutoscalerStatements(ctx: AddonContext): PolicyStatement[] {
  return [
    {
      sid: "ScaleThisClustersNodeGroups",
      actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      resources: [regionalArn(ctx, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
      conditions: [
        { test: "StringEquals", variable: `aws:ResourceTag/${clusterOwnershipTag(ctx.clusterName)}`, values: ["owned"] },
        { test: "StringEquals", variable: "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled", values: ["true"] },
      ],
    },
    { sid: "DescribeThisClustersNodeGroups", actions: ["eks:DescribeNodegroup"], resources: [regionalArn(ctx, "eks", `nodegroup/${ctx.clusterName}/*/*`)] },
    // AWS has no resource-level permissions for these reads.
    { sid: "Describe", actions: CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS, resources: ["*"] },
  ];
}

/** No webhook; a Deployment and its metrics Service. */
export const CLUSTER_AUTOSCALER_ADMISSION: ChartAdmission = noWebhooks(
  "cluster-autoscaler chart templates/ (deployment.yaml, service.yaml, rbac): no webhook configuration",
  [SERVICE, POD],
);

/** Cluster Autoscaler: grows and shrinks the managed node groups found by their tags. */
export class ClusterAutoscalerAddon extends HelmAddon<ClusterAutoscalerValues> {
  public readonly name = "cluster-autoscaler";
  public readonly namespace = "kube-system";
  public readonly chart = CHARTS.clusterAutoscaler;
  public readonly role: HelmAddonRole = {
    serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    description: (ctx) => `Cluster Autoscaler of ${ctx.clusterName}`,
    statements: clusterAutoscalerStatements,
  };

  constructor(private readonly props: ClusterAutoscalerProps) {
    super();
  }

  public values(ctx: AddonContext): ClusterAutoscalerValues {
    return {
      cloudProvider: "aws",
      awsRegion: ctx.aws.region,
      autoDiscovery: { clusterName: ctx.clusterName },
      image: { tag: this.props.imageTag },
      // Leader election: one active; a second only shortens failover.
      replicaCount: controllerReplicas(ctx),
      rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
      extraArgs: {
        expander: this.props.expander ?? "least-waste",
        // The spot group lists several instance types; balance across equivalent groups and AZs.
        "balance-similar-node-groups": true,
        "skip-nodes-with-system-pods": false,
        "skip-nodes-with-local-storage": false,
      },
      priorityClassName: "system-cluster-critical",
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } },
    };
  }
}
