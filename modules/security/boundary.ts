/**
 * The permissions boundary of every role this project creates (service roles, pod
 * roles, controllers): the most such a role can ever do, whatever policies it gets.
 */
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { AwsContext } from "../iam";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Statement, document, iamArn, statementBlocks } from "./policy";

/**
 * What the platform's roles may use at all (their own policies narrow it): the data
 * services, the cluster and its controllers (load balancers, DNS, certificates, node
 * provisioning), observability and messaging. KMS only for using keys, never managing them.
 */
export const PLATFORM_ACTIONS: readonly string[] = [
  "s3:*",
  "secretsmanager:GetSecretValue",
  "secretsmanager:DescribeSecret",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "rds:*",
  "rds-db:connect",
  "elasticache:*",
  "dynamodb:*",
  "backup:*",
  "ecr:*",
  "eks:*",
  "eks-auth:AssumeRoleForPodIdentity",
  "ec2:*",
  "elasticloadbalancing:*",
  "autoscaling:*",
  "route53:*",
  "acm:*",
  "wafv2:*",
  "shield:GetSubscriptionState",
  "cognito-idp:DescribeUserPoolClient",
  "cloudfront:CreateInvalidation",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "pricing:GetProducts",
  "logs:*",
  "cloudwatch:*",
  "xray:*",
  "aps:*",
  "sqs:*",
  "sns:*",
  "ses:*",
  "events:*",
  "tag:GetResources",
  "sts:AssumeRole",
  "sts:TagSession",
  "sts:GetCallerIdentity",
  // The CI runner (modules/ci-runner) checks out through its GitHub connection.
  "codeconnections:GetConnection",
  "codeconnections:GetConnectionToken",
  "codeconnections:UseConnection",
  "codestar-connections:GetConnection",
  "codestar-connections:GetConnectionToken",
  "codestar-connections:UseConnection",
];

/**
 * IAM that workloads legitimately need under the boundary: reading, passing the
 * project's own roles (node provisioning), instance profiles and service-linked roles.
 */
export const BOUNDED_IAM_ACTIONS: readonly string[] = [
  "iam:GetRole",
  "iam:GetInstanceProfile",
  "iam:ListInstanceProfiles",
  "iam:ListInstanceProfilesForRole",
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:CreateServiceLinkedRole",
  // The AWS Load Balancer Controller's policy reads IAM server certificates (listener certificates).
  "iam:ListServerCertificates",
  "iam:GetServerCertificate",
];

/** Role and user changes that must never produce an entity without this boundary. */
export const BOUNDARY_REQUIRED_ACTIONS: readonly string[] = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:CreateUser",
  "iam:PutUserPermissionsBoundary",
  "iam:PutUserPolicy",
  "iam:DeleteUserPolicy",
  "iam:AttachUserPolicy",
  "iam:DetachUserPolicy",
];

/** What a bounded role may do with a restriction policy (`restrictionPolicyNames`): put it on a role, take it off. */
export const RESTRICTION_ACTIONS: readonly string[] = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];

/**
 * What a secret rotation function does besides reading (`allowSecretRotation`): write the new
 * version and move its staging labels (Secrets Manager User Guide, "Permissions for rotation").
 */
export const SECRET_ROTATION_ACTIONS: readonly string[] = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"];

/** Changing the boundary policy itself. */
export const BOUNDARY_EDIT_ACTIONS: readonly string[] = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
];

/** Taking the boundary off a role or user. */
export const BOUNDARY_REMOVAL_ACTIONS: readonly string[] = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"];

/** Switching off or blinding the audit and detection services. */
export const SECURITY_TAMPERING_ACTIONS: readonly string[] = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "guardduty:DeleteDetector",
  "guardduty:UpdateDetector",
  "guardduty:CreateFilter",
  "guardduty:UpdateFilter",
  "guardduty:DeletePublishingDestination",
  "guardduty:DisassociateFromMasterAccount",
  "guardduty:DisassociateFromAdministratorAccount",
  "guardduty:StopMonitoringMembers",
  "guardduty:DeleteMembers",
  "guardduty:DisassociateMembers",
  "securityhub:DisableSecurityHub",
  "securityhub:BatchDisableStandards",
  "securityhub:UpdateStandardsControl",
  "securityhub:UpdateSecurityHubConfiguration",
  "securityhub:BatchUpdateFindings",
  "securityhub:DisableImportFindingsForProduct",
  "securityhub:DisassociateFromMasterAccount",
  "securityhub:DisassociateFromAdministratorAccount",
  "securityhub:DeleteMembers",
  "securityhub:DisassociateMembers",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
];

/**
 * Global services (and global calls of regional ones) that the region guard exempts:
 * their requests are signed for us-east-1 whatever region the caller works in.
 */
export const GLOBAL_ACTIONS: readonly string[] = [
  "iam:*",
  "sts:*",
  "organizations:*",
  "account:*",
  "route53:*",
  "route53domains:*",
  "cloudfront:*",
  "globalaccelerator:*",
  "waf:*",
  "shield:*",
  "support:*",
  "health:*",
  "trustedadvisor:*",
  "budgets:*",
  "ce:*",
  "cur:*",
  "pricing:*",
  "s3:ListAllMyBuckets",
  "s3:GetAccountPublicAccessBlock",
  "ec2:DescribeRegions",
];

export interface PermissionsBoundaryProps {
  /** Prefix of every name: the policy is `<namePrefix>-boundary`; bounded roles may pass only `<namePrefix>-*` roles. */
  readonly namePrefix: string;
  /** Account and partition (the boundary's own ARN, built without a reference so the document does not depend on the policy). */
  readonly aws: AwsContext;
  /** Regions bounded roles may act in; global services are exempt. Include us-east-1 where CloudFront certificates, WAF or DNSSEC keys live. */
  readonly regions: readonly string[];
  /** What bounded roles may use at all. @default PLATFORM_ACTIONS */
  readonly allowedActions?: readonly string[];
  /**
   * Deny-only policies (names, in this account) that bounded roles may attach to and detach
   * from the project's roles, whether those carry the boundary or not (the CI apply role does
   * not): the budget action's restriction (`names.budgetRestrictionPolicy`), which AWS Budgets
   * applies with a bounded execution role. A deny can only take permissions away, so this
   * opens no way to more. @default none
   */
  readonly restrictionPolicyNames?: readonly string[];
}

/** The `<namePrefix>-boundary` managed policy. Give its `arn` as `permissionsBoundary` to every role the project creates. */
export class PermissionsBoundary extends Construct {
  public readonly policy: IamPolicy;
  /** ARN of the policy (a reference: roles that use it wait for it). */
  public readonly arn: string;
  public readonly name: string;
  private readonly props: PermissionsBoundaryProps;
  private readonly statements: Statement[];
  private readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    if (props.regions.length === 0) throw new Error("PermissionsBoundary: regions must name at least the environment's region");
    this.name = `${props.namePrefix}-boundary`;
    const self = iamArn(props.aws.partition, props.aws.accountId, `policy/${this.name}`);
    const projectRoles = iamArn(props.aws.partition, props.aws.accountId, `role/${props.namePrefix}-*`);
    const restrictions = (props.restrictionPolicyNames ?? []).map((name) => iamArn(props.aws.partition, props.aws.accountId, `policy/${name}`));
    this.props = props;
    const statements: Statement[] = [
      { sid: "AllowPlatformServices", actions: props.allowedActions ?? PLATFORM_ACTIONS, resources: ["*"] },
      { sid: "AllowWorkloadIam", actions: BOUNDED_IAM_ACTIONS, resources: ["*"] },
      { sid: "AllowPassingProjectRoles", actions: ["iam:PassRole"], resources: [projectRoles] },
      ...(restrictions.length
        ? [
            {
              sid: "AllowRestrictionPolicies",
              actions: RESTRICTION_ACTIONS,
              resources: [projectRoles],
              conditions: [{ test: "ArnEquals", variable: "iam:PolicyARN", values: restrictions }],
            },
          ]
        : []),
      {
        sid: "DenyRoleChangesWithoutBoundary",
        effect: "Deny",
        actions: BOUNDARY_REQUIRED_ACTIONS,
        resources: ["*"],
        // Conditions are ANDed: attaching or detaching a restriction policy is the one change
        // allowed on a role without this boundary (a request without iam:PolicyARN, such as
        // PutRolePolicy, matches ArnNotEquals: still denied).
        conditions: [
          { test: "StringNotEquals", variable: "iam:PermissionsBoundary", values: [self] },
          ...(restrictions.length ? [{ test: "ArnNotEquals", variable: "iam:PolicyARN", values: restrictions }] : []),
        ],
      },
      { sid: "DenyBoundaryEdits", effect: "Deny", actions: BOUNDARY_EDIT_ACTIONS, resources: [self] },
      { sid: "DenyBoundaryRemoval", effect: "Deny", actions: BOUNDARY_REMOVAL_ACTIONS, resources: ["*"] },
      {
        sid: "DenyOtherRegions",
        effect: "Deny",
        notActions: GLOBAL_ACTIONS,
        resources: ["*"],
        conditions: [{ test: "StringNotEquals", variable: "aws:RequestedRegion", values: [...new Set(props.regions)] }],
      },
      { sid: "DenySecurityTampering", effect: "Deny", actions: SECURITY_TAMPERING_ACTIONS, resources: ["*"] },
    ];
    this.statements = statements;
    const doc = document(this, "document", statements);
    this.document = doc;
    this.policy = new IamPolicy(this, "policy", {
      name: this.name,
      description: `${props.namePrefix}: permissions boundary of every role the project creates`,
      policy: doc.json,
      tags: { Name: this.name },
    });
    this.arn = this.policy.arn;
  }

  /**
   * Lets bounded roles rotate the secrets named `<namePrefix>-*` (the database master secrets,
   * modules/rds `MasterSecretRotation`): `SECRET_ROTATION_ACTIONS` on those secrets and
   * `secretsmanager:GetRandomPassword` (no resource). Reading them is in `PLATFORM_ACTIONS`.
   * Idempotent; the statements go before the denies.
   */
  public allowSecretRotation(): void {
    if (this.statements.some((s) => s.sid === "AllowSecretRotation")) return;
    const { aws, namePrefix } = this.props;
    const added: Statement[] = [
      {
        sid: "AllowSecretRotation",
        actions: SECRET_ROTATION_ACTIONS,
        resources: [`arn:${aws.partition ?? "aws"}:secretsmanager:*:${aws.accountId}:secret:${namePrefix}-*`],
      },
      { sid: "AllowRandomPasswords", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
    ];
    this.statements.splice(
      this.statements.findIndex((s) => s.effect === "Deny"),
      0,
      ...added,
    );
    this.document.putStatement(statementBlocks(this.statements));
  }
}
