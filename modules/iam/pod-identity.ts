/**
 * IAM roles for Kubernetes service accounts through EKS Pod Identity, the successor of
 * IRSA: no OIDC provider, no role ARN annotation; the association (EKS API) binds one
 * namespace/service account to one role, and the Pod Identity agent on each node hands
 * the pods short-lived credentials.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import { AwsContext, PolicyStatement, policyDocument } from "./index";

export interface PodIdentityTrustProps {
  readonly aws: AwsContext;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * The trust statement of a Pod Identity role, narrowed to one account, one cluster and
 * one service account:
 * - `aws:SourceAccount`: the confused-deputy guard.
 * - `aws:SourceArn` like `arn:...:eks:<region>:<account>:podidentityassociation/<cluster>/*`:
 *   Pod Identity assumes the role on behalf of an *association*, so the source ARN is the
 *   association's (which starts with the cluster name), not the cluster's own ARN.
 * - `aws:RequestTag/kubernetes-namespace` and `.../kubernetes-service-account`: the session
 *   tags Pod Identity sets on every AssumeRole (EKS user guide, "Create IAM role with trust
 *   policy required by EKS Pod Identity"). Another association pointing at this role for
 *   a different service account (someone with eks:CreatePodIdentityAssociation and
 *   iam:PassRole) cannot use it. Session tags must therefore stay on (the default).
 */
export function podIdentityTrustStatement(props: PodIdentityTrustProps): PolicyStatement {
  const { aws } = props;
  const partition = aws.partition ?? "aws";
  return {
    sid: "EksPodIdentity",
    actions: ["sts:AssumeRole", "sts:TagSession"],
    principals: [{ type: "Service", identifiers: [SERVICE_PRINCIPALS.eksPodIdentity] }],
    conditions: [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] },
      {
        test: "ArnLike",
        variable: "aws:SourceArn",
        values: [`arn:${partition}:eks:${aws.region}:${aws.accountId}:podidentityassociation/${props.clusterName}/*`],
      },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-namespace", values: [props.namespace] },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-service-account", values: [props.serviceAccount] },
    ],
  };
}

export interface PodIdentityRoleProps {
  readonly aws: AwsContext;
  /** EKS cluster name (`names.cluster(env)`); the platform stack passes the name, not a reference. */
  readonly clusterName: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Service account the role is for. */
  readonly serviceAccount: string;
  /** IAM role name, e.g. `authorworks-dev-external-dns`. */
  readonly roleName: string;
  readonly description: string;
  /** Inline policy statements. @default none */
  readonly statements?: readonly PolicyStatement[];
  /**
   * AWS managed policies to attach, by a short stable id (the Terraform id of the
   * attachment), e.g. `{ "cni-policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" }`.
   * @default none
   */
  readonly managedPolicies?: Readonly<Record<string, string>>;
  /** Permissions boundary ARN (modules/security `PermissionsBoundary`). @default none */
  readonly permissionsBoundaryArn?: string;
  /**
   * Create the `aws_eks_pod_identity_association`. Turn off when an `aws_eks_addon`
   * makes the association itself (its `pod_identity_association` block).
   * @default true
   */
  readonly associate?: boolean;
}

/**
 * One IAM role for one service account: the Pod Identity trust policy
 * (`podIdentityTrustStatement`), its policies and (by default) the association.
 * Construct ids: `<id>_trust`, `<id>_role`, `<id>_policy`, `<id>_<managed id>`, `<id>_association`.
 */
export class PodIdentityRole extends Construct {
  public readonly role: IamRole;
  public readonly arn: string;
  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceAccount: string;
  /** The association, unless `associate` was false. */
  public readonly association?: EksPodIdentityAssociation;
  /** What a pod using this role must wait for: the association (or the role, when an add-on associates it). */
  public readonly ready: ITerraformDependable;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const trust = policyDocument(this, "trust", [podIdentityTrustStatement(props)]);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundaryArn,
      tags: { Name: props.roleName, "authorworks.io/service-account": `${props.namespace}/${props.serviceAccount}` },
    });
    this.arn = this.role.arn;
    this.name = this.role.name;
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount;
    for (const [attachmentId, policyArn] of Object.entries(props.managedPolicies ?? {})) {
      new IamRolePolicyAttachment(this, attachmentId, { role: this.role.name, policyArn });
    }
    if (props.statements?.length) {
      const doc = policyDocument(this, "policy-document", props.statements);
      new IamRolePolicy(this, "policy", { name: props.roleName, role: this.role.id, policy: doc.json });
    }
    if (props.associate ?? true) {
      this.association = new EksPodIdentityAssociation(this, "association", {
        clusterName: props.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.role.arn,
        tags: { Name: `${props.clusterName}-${props.namespace}-${props.serviceAccount}` },
      });
    }
    this.ready = this.association ?? this.role;
  }
}

/** `new PodIdentityRole(scope, id, props)`: the helper the platform stack uses for its add-ons. */
export function podIdentityRole(scope: Construct, id: string, props: PodIdentityRoleProps): PodIdentityRole {
  return new PodIdentityRole(scope, id, props);
}
