/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: the trust
 * policy names the Pod Identity service, limited to this account and cluster, and the
 * association binds the role to exactly one namespace/service account.
 */
import { Construct } from "constructs";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsContext, PolicyStatement, policyDocument } from "./index";

export interface PodIdentityRoleProps {
  readonly aws: AwsContext;
  /** EKS cluster name. */
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** IAM role name. */
  readonly roleName: string;
  readonly description: string;
  /** Inline policy. @default none */
  readonly statements?: readonly PolicyStatement[];
  /** AWS managed policies to attach (ARNs). @default none */
  readonly managedPolicyArns?: readonly string[];
  /** Permissions boundary ARN. @default none */
  readonly permissionsBoundary?: string;
}

export class PodIdentityRole extends Construct {
  public readonly role: IamRole;
  public readonly arn: string;
  public readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const partition = props.aws.partition ?? "aws";
    const trust = policyDocument(this, "trust", [
      {
        sid: "EksPodIdentity",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        principals: [{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }],
        conditions: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [props.aws.accountId] },
          { test: "ArnEquals", variable: "aws:SourceArn", values: [`arn:${partition}:eks:${props.aws.region}:${props.aws.accountId}:cluster/${props.clusterName}`] },
        ],
      },
    ]);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundary,
    });
    this.arn = this.role.arn;
    (props.managedPolicyArns ?? []).forEach((arn, i) => new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn }));
    if (props.statements?.length) {
      const doc = policyDocument(this, "policy-document", props.statements);
      new IamRolePolicy(this, "policy", { name: props.roleName, role: this.role.id, policy: doc.json });
    }
    this.association = new EksPodIdentityAssociation(this, "association", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }
}
