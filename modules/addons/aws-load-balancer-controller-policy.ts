/**
 * IAM policy of the AWS Load Balancer Controller, as data.
 *
 * Source: the controller's documented policy (kubernetes-sigs/aws-load-balancer-controller
 * `docs/install/iam_policy.json`, v2.14 to v3.5 line: adds DescribeListenerAttributes,
 * GetSecurityGroupsForVpc, capacity reservations, IPAM pools, route tables). Tightened
 * here where AWS allows it:
 * - every ARN names this account and region (upstream: `*:*`);
 * - the ownership tag `elbv2.k8s.aws/cluster` must equal THIS cluster's name
 *   (upstream only checks that the tag is present, so one cluster's controller could
 *   delete another cluster's load balancers in the same account);
 * - security-group rule changes are limited to groups in the cluster's VPC (`ec2:Vpc`);
 * - WAFv2 association is limited to the environment's regional web ACL;
 * - WAF Classic (`waf-regional:*`, end of life) and Shield Advanced actions are left
 *   out: the controller runs with `enableWaf=false` and `enableShield=false`.
 * What stays on `*` is what AWS cannot scope (Describe*, List*, Get* on EC2/ELB and
 * `acm:ListCertificates`).
 */
import { SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import type { PolicyStatement } from "../iam";
import type { AddonContext } from "./types";
import { regionalArn } from "./types";

/** Tag the controller puts on everything it creates; its value is the cluster name. */
export const ALB_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** Read-only calls AWS does not support resource-level permissions for. */
export const ALB_CONTROLLER_DESCRIBE_ACTIONS = [
  "ec2:DescribeAccountAttributes",
  "ec2:DescribeAddresses",
  "ec2:DescribeAvailabilityZones",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeVpcs",
  "ec2:DescribeVpcPeeringConnections",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeInstances",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeTags",
  "ec2:GetCoipPoolUsage",
  "ec2:DescribeCoipPools",
  "ec2:GetSecurityGroupsForVpc",
  "ec2:DescribeIpamPools",
  "ec2:DescribeRouteTables",
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeLoadBalancerAttributes",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeListenerCertificates",
  "elasticloadbalancing:DescribeSSLPolicies",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetGroupAttributes",
  "elasticloadbalancing:DescribeTargetHealth",
  "elasticloadbalancing:DescribeTags",
  "elasticloadbalancing:DescribeTrustStores",
  "elasticloadbalancing:DescribeListenerAttributes",
  "elasticloadbalancing:DescribeCapacityReservation",
  "acm:ListCertificates",
  "iam:ListServerCertificates",
] as const;

export function albControllerStatements(ctx: AddonContext): PolicyStatement[] {
  const partition = ctx.aws.partition ?? "aws";
  const cluster = ctx.clusterName;
  const elb = (r: string) => regionalArn(ctx, "elasticloadbalancing", r);
  const ec2 = (r: string) => regionalArn(ctx, "ec2", r);
  const securityGroups = ec2("security-group/*");
  const vpcArn = ec2(`vpc/${ctx.vpcId}`);
  const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
  const targetGroups = elb("targetgroup/*/*");
  const listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*"), elb("listener-rule/app/*/*/*"), elb("listener-rule/net/*/*/*")];
  const owned = { test: "StringEquals", variable: `aws:ResourceTag/${ALB_CLUSTER_TAG}`, values: [cluster] };
  const taggedAtCreate = { test: "StringEquals", variable: `aws:RequestTag/${ALB_CLUSTER_TAG}`, values: [cluster] };
  const keepsClusterTag = { test: "Null", variable: `aws:RequestTag/${ALB_CLUSTER_TAG}`, values: ["true"] };

  return [
    {
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${partition}:iam::${ctx.aws.accountId}:role/aws-service-role/${SERVICE_PRINCIPALS.elasticLoadBalancing}/*`],
      conditions: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: [SERVICE_PRINCIPALS.elasticLoadBalancing] }],
    },
    // AWS has no resource-level permissions for these reads.
    { sid: "Describe", actions: [...ALB_CONTROLLER_DESCRIBE_ACTIONS], resources: ["*"] },
    { sid: "ReadCertificates", actions: ["acm:DescribeCertificate"], resources: [regionalArn(ctx, "acm", "certificate/*")] },
    { sid: "ReadServerCertificates", actions: ["iam:GetServerCertificate"], resources: [`arn:${partition}:iam::${ctx.aws.accountId}:server-certificate/*`] },
    { sid: "ReadCognitoClients", actions: ["cognito-idp:DescribeUserPoolClient"], resources: [regionalArn(ctx, "cognito-idp", "userpool/*")] },
    {
      sid: "AssociateRegionalWebAcl",
      actions: ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      resources: [regionalArn(ctx, "wafv2", `regional/webacl/${ctx.regionalWebAclName}/*`), elb("loadbalancer/app/*/*")],
    },
    {
      sid: "OpenNodeSecurityGroupsInClusterVpc",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      resources: [securityGroups],
      conditions: [{ test: "ArnEquals", variable: "ec2:Vpc", values: [vpcArn] }],
    },
    { sid: "CreateSecurityGroupInClusterVpc", actions: ["ec2:CreateSecurityGroup"], resources: [vpcArn] },
    { sid: "CreateTaggedSecurityGroup", actions: ["ec2:CreateSecurityGroup"], resources: [securityGroups], conditions: [taggedAtCreate] },
    {
      sid: "TagSecurityGroupOnCreate",
      actions: ["ec2:CreateTags"],
      resources: [securityGroups],
      conditions: [{ test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateSecurityGroup"] }, taggedAtCreate],
    },
    { sid: "RetagOwnedSecurityGroups", actions: ["ec2:CreateTags", "ec2:DeleteTags"], resources: [securityGroups], conditions: [keepsClusterTag, owned] },
    {
      sid: "ManageOwnedSecurityGroups",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      resources: [securityGroups],
      conditions: [owned],
    },
    {
      sid: "CreateTaggedLoadBalancers",
      actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      resources: [...loadBalancers, targetGroups],
      conditions: [taggedAtCreate],
    },
    {
      sid: "TagLoadBalancersOnCreate",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [...loadBalancers, targetGroups],
      conditions: [
        { test: "StringEquals", variable: "elasticloadbalancing:CreateAction", values: ["CreateTargetGroup", "CreateLoadBalancer"] },
        taggedAtCreate,
      ],
    },
    {
      sid: "RetagOwnedLoadBalancers",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [...loadBalancers, targetGroups],
      conditions: [keepsClusterTag, owned],
    },
    {
      sid: "ManageOwnedLoadBalancers",
      actions: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      resources: [...loadBalancers, targetGroups],
      conditions: [owned],
    },
    { sid: "RegisterTargets", actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], resources: [targetGroups] },
    // Listeners and rules carry no ownership tag the controller relies on: account and region scope.
    {
      sid: "ManageListenersAndRules",
      actions: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:SetWebAcl",
      ],
      resources: [...loadBalancers, ...listeners],
    },
    { sid: "TagListenersAndRules", actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], resources: listeners },
  ];
}
