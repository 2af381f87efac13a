import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { PodIdentityRole } from "../iam/pod-identity";
import { CHARTS } from "../../variables/charts";
import { albControllerStatements } from "./aws-load-balancer-controller-policy";
import { AddonContext, PlatformAddon, Placement, Resources, Toleration, addonRoleName, helmRelease } from "./types";

/** Chart values we set (subset of the chart's values.yaml). */
export interface AwsLoadBalancerControllerValues {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  readonly ingressClass: string;
  readonly createIngressClassResource: boolean;
  readonly ingressClassConfig: { readonly default: boolean };
  readonly enableWaf: boolean;
  readonly enableWafv2: boolean;
  readonly enableShield: boolean;
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

export interface AwsLoadBalancerControllerProps {
  /** Controller replicas (leader election: one active, the rest take over). @default 2 */
  readonly replicas?: number;
  /** Make `alb` the cluster's default IngressClass. @default true */
  readonly defaultIngressClass?: boolean;
}

export const ALB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The AWS Load Balancer Controller: the cluster's ingress (Ingress -> ALB, Service of
 * type LoadBalancer -> NLB), with its IAM policy through Pod Identity.
 */
export class AwsLoadBalancerControllerAddon implements PlatformAddon {
  public readonly name = "aws-load-balancer-controller";
  public readonly namespace = "kube-system";

  constructor(private readonly props: AwsLoadBalancerControllerProps = {}) {}

  public values(ctx: AddonContext): AwsLoadBalancerControllerValues {
    return {
      clusterName: ctx.clusterName,
      // Set explicitly: pods cannot read region and VPC from IMDS (hop limit 1 on EKS nodes).
      region: ctx.aws.region,
      vpcId: ctx.vpcId,
      replicaCount: this.props.replicas ?? 2,
      serviceAccount: { create: true, name: ALB_CONTROLLER_SERVICE_ACCOUNT },
      ingressClass: "alb",
      createIngressClassResource: true,
      ingressClassConfig: { default: this.props.defaultIngressClass ?? true },
      // WAF Classic is end of life and Shield Advanced is not subscribed: off, and not in the policy.
      enableWaf: false,
      enableWafv2: true,
      enableShield: false,
      podDisruptionBudget: { maxUnavailable: 1 },
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    };
  }

  public deploy(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const role = new PodIdentityRole(scope, "pod-identity", {
      aws: ctx.aws,
      clusterName: ctx.clusterName,
      namespace: this.namespace,
      serviceAccount: ALB_CONTROLLER_SERVICE_ACCOUNT,
      roleName: addonRoleName(ctx, "aws-load-balancer-controller"),
      description: `AWS Load Balancer Controller of ${ctx.clusterName}`,
      statements: albControllerStatements(ctx),
    });
    const release = helmRelease(scope, "release", {
      name: this.name,
      chart: CHARTS.awsLoadBalancerController,
      namespace: this.namespace,
      values: this.values(ctx),
      // The association must exist before the pods start, or they run without credentials.
      dependsOn: [...after, role.ready],
    });
    return [release];
  }
}
