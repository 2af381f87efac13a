/**
 * CI identity: GitHub Actions signs in through OIDC (no stored AWS keys) and assumes
 * one of two roles per environment: `plan` from pull requests (read-only, scoped) and
 * `apply` only from a job running in the environment's GitHub environment, whose
 * deployment branch policy admits the deploy branch only (deploy permissions, IAM
 * limited to bounded project roles). Trust conditions use only the claims AWS STS
 * evaluates for GitHub tokens: `aud` and `sub`.
 */
import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsContext, Condition } from "../iam";
import { AWS_MANAGED_POLICIES, GITHUB_OIDC_AUDIENCE, managedPolicyArn, serviceEndpoint } from "../../variables/aws-catalog";
import { ENVIRONMENT_NAMES, EnvironmentName } from "../../variables/project";
import { BOUNDARY_EDIT_ACTIONS, BOUNDARY_REMOVAL_ACTIONS, BOUNDARY_REQUIRED_ACTIONS } from "./boundary";
import { Statement, document, iamArn } from "./policy";

/** GitHub's OIDC issuer (host); the audience its tokens carry for AWS is GITHUB_OIDC_AUDIENCE (variables/aws-catalog.ts). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Where Terraform state lives (the bootstrap stack's bucket and lock table). */
export interface TerraformStateAccess {
  /** State bucket name. */
  readonly bucket: string;
  /** DynamoDB lock table name. */
  readonly lockTable: string;
  /** Region of the bucket and table. */
  readonly region: string;
  /**
   * KMS key of the bucket and table.
   * @default any key in `region` carrying the alias `alias/<bucket>` (what modules/state-backend creates), matched with `kms:ResourceAliases`
   */
  readonly kmsKeyArn?: string;
  /**
   * Stacks whose state the roles use: state keys are `<stack>/terraform.tfstate`.
   * @default [environment, `${environment}-platform`]
   */
  readonly stacks?: readonly string[];
}

/**
 * What a Terraform plan reads to refresh this project's resources: configuration,
 * never data (no object reads, secret values, log events, table items or queue
 * messages). Extend it when a module adds a service.
 */
export const PLAN_READ_ACTIONS: readonly string[] = [
  "sts:GetCallerIdentity",
  "tag:GetResources",
  "iam:Get*",
  "iam:List*",
  "ec2:Describe*",
  "ec2:GetEbsDefaultKmsKeyId",
  "ec2:GetEbsEncryptionByDefault",
  "ec2:GetLaunchTemplateData",
  "ec2:GetManagedPrefixListEntries",
  "elasticloadbalancing:Describe*",
  "autoscaling:Describe*",
  "eks:Describe*",
  "eks:List*",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "elasticache:Describe*",
  "elasticache:ListTagsForResource",
  "dynamodb:Describe*",
  "dynamodb:ListTables",
  "dynamodb:ListTagsOfResource",
  "s3:ListAllMyBuckets",
  "s3:GetAccountPublicAccessBlock",
  "s3:GetBucket*",
  // HeadBucket: how the provider reads an aws_s3_bucket (resource or data source) at all.
  "s3:ListBucket",
  "s3:GetLifecycleConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetAccelerateConfiguration",
  "s3:GetIntelligentTieringConfiguration",
  "s3:GetAnalyticsConfiguration",
  "s3:GetInventoryConfiguration",
  "s3:GetMetricsConfiguration",
  "kms:Describe*",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:List*",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:ListSecrets",
  "secretsmanager:ListSecretVersionIds",
  "ecr:Describe*",
  "ecr:GetLifecyclePolicy",
  "ecr:GetRepositoryPolicy",
  "ecr:GetRegistryPolicy",
  "ecr:GetRegistryScanningConfiguration",
  "ecr:ListTagsForResource",
  "logs:Describe*",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "logs:GetDelivery*",
  "cloudwatch:Describe*",
  "cloudwatch:GetDashboard",
  "cloudwatch:GetMetricStream",
  "cloudwatch:List*",
  "guardduty:Get*",
  "guardduty:List*",
  "securityhub:Describe*",
  "securityhub:Get*",
  "securityhub:List*",
  "cloudtrail:Describe*",
  "cloudtrail:GetTrail",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:GetEventSelectors",
  "cloudtrail:ListTags",
  "route53:Get*",
  "route53:List*",
  "acm:Describe*",
  "acm:List*",
  "acm:GetCertificate",
  "cloudfront:Get*",
  "cloudfront:List*",
  "cloudfront:Describe*",
  "wafv2:Get*",
  "wafv2:List*",
  "wafv2:Describe*",
  "sns:GetTopicAttributes",
  "sns:GetSubscriptionAttributes",
  "sns:List*",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:List*",
  "events:Describe*",
  "events:List*",
  "backup:Describe*",
  "backup:Get*",
  "backup:List*",
  "budgets:ViewBudget",
  "budgets:DescribeBudgetAction",
  "budgets:ListTagsForResource",
  // The platform stack's chat forwarder (modules/monitoring ChatForwarder).
  "pipes:DescribePipe",
  "pipes:ListTagsForResource",
  "codebuild:BatchGetProjects",
  "codeconnections:GetConnection",
  "codeconnections:ListTagsForResource",
];

/**
 * What a plan reads of a Lambda function and its invoke permissions (terraform-provider-aws
 * `aws_lambda_function` and `aws_lambda_permission` reads): `allowPlanToReadFunctions`.
 */
export const PLAN_FUNCTION_READ_ACTIONS: readonly string[] = [
  "lambda:GetFunction",
  "lambda:GetFunctionCodeSigningConfig",
  "lambda:ListVersionsByFunction",
  "lambda:GetPolicy",
];

/** IAM changes of the project's roles that cannot carry an `iam:PermissionsBoundary` condition. */
const ROLE_MAINTENANCE_ACTIONS = [
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PassRole",
];
const POLICY_MAINTENANCE_ACTIONS = [
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
];
const INSTANCE_PROFILE_ACTIONS = [
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
];
const OIDC_PROVIDER_ACTIONS = [
  "iam:CreateOpenIDConnectProvider",
  "iam:DeleteOpenIDConnectProvider",
  "iam:UpdateOpenIDConnectProviderThumbprint",
  "iam:AddClientIDToOpenIDConnectProvider",
  "iam:RemoveClientIDFromOpenIDConnectProvider",
  "iam:TagOpenIDConnectProvider",
  "iam:UntagOpenIDConnectProvider",
];
/** Any change to a CI role: only an administrator changes what CI may do. */
const CI_ROLE_CHANGE_ACTIONS = [
  ...new Set([...BOUNDARY_REQUIRED_ACTIONS.filter((a) => a.includes("Role")), ...ROLE_MAINTENANCE_ACTIONS.filter((a) => a !== "iam:PassRole")]),
];

export interface GithubDeployRolesProps {
  readonly environment: EnvironmentName;
  /** Prefix of every name, e.g. `authorworks-dev`: roles `<namePrefix>-github-plan` and `-github-apply`. */
  readonly namePrefix: string;
  readonly aws: AwsContext;
  /** GitHub repository `owner/name` whose workflows may sign in (validated by environments/checks/security.ts). */
  readonly repository: string;
  /**
   * Branch whose jobs may apply, e.g. `main`. STS cannot check it (the `sub` of an
   * environment job names the environment, not the branch): it goes into the apply role's
   * description, and the GitHub environment's deployment branch policy must admit only it.
   */
  readonly deployBranch: string;
  /**
   * ARN of an existing GitHub OIDC provider. There can be one per URL per account: when
   * several environments share an account, one creates it and the others pass its ARN.
   * @default a new `token.actions.githubusercontent.com` provider
   */
  readonly oidcProviderArn?: string;
  /** Terraform state the roles use; omit on Terraform Cloud (its runs have their own credentials). @default none */
  readonly state?: TerraformStateAccess;
  /** The permissions boundary every role the apply role creates must carry. */
  readonly permissionsBoundaryArn: string;
  /** Name of the boundary policy (the apply role may not edit it). */
  readonly permissionsBoundaryName: string;
  /** KMS key of the secrets a plan may read (see `allowPlanToReadSecrets`). */
  readonly secretsKeyArn: string;
  /**
   * Secrets whose value a plan reads because Terraform manages a version of them (the
   * cache AUTH token); more can be added with `allowPlanToReadSecrets`. @default none
   */
  readonly planSecretArns?: readonly string[];
  /**
   * Roles in other accounts that the stacks' providers assume (`assume_role`), e.g. the
   * parent zone's delegation role: a plan signs into them too, so the plan role may
   * assume them. The apply role may anyway (PowerUserAccess includes STS). @default none
   */
  readonly planAssumableRoleArns?: readonly string[];
  /** Maximum session of the plan role (seconds). @default 3600 */
  readonly planMaxSessionSeconds?: number;
  /** Maximum session of the apply role (seconds): creating a cluster and Multi-AZ databases takes longer than an hour. @default 7200 */
  readonly applyMaxSessionSeconds?: number;
}

/** The GitHub OIDC provider (or an existing one) and the plan and apply roles of one environment. */
export class GithubDeployRoles extends Construct {
  /** Created provider, when `oidcProviderArn` was not given. */
  public readonly oidcProvider?: IamOpenidConnectProvider;
  public readonly oidcProviderArn: string;
  public readonly planRole: IamRole;
  public readonly applyRole: IamRole;
  /** `sub` claims the plan and apply roles accept. */
  public readonly planSubject: string;
  public readonly applySubject: string;

  private readonly props: GithubDeployRolesProps;
  private readonly planSecretArns: string[] = [];
  private readonly planSecretKeyArns: string[] = [];

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    this.props = props;
    const { aws, namePrefix, environment, repository } = props;
    const partition = aws.partition ?? "aws";

    if (props.oidcProviderArn) {
      this.oidcProviderArn = props.oidcProviderArn;
    } else {
      this.oidcProvider = new IamOpenidConnectProvider(this, "oidc-provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        // No thumbprint_list: optional in provider 6.x (the IAM API made it optional in 2024),
        // and AWS validates GitHub's certificate against its trusted root CAs, ignoring
        // thumbprints for this issuer (since July 2023).
        tags: { Name: GITHUB_OIDC_HOST },
      });
      this.oidcProviderArn = this.oidcProvider.arn;
    }

    this.planSubject = `repo:${repository}:pull_request`;
    this.applySubject = `repo:${repository}:environment:${environment}`;
    const audience: Condition = { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [GITHUB_OIDC_AUDIENCE] };
    const federated = [{ type: "Federated" as const, identifiers: [this.oidcProviderArn] }];

    const planTrust = document(this, "plan-trust", [
      {
        sid: "GithubPullRequests",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: federated,
        conditions: [audience, { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [this.planSubject] }],
      },
    ]);
    // STS evaluates only `aud` and `sub` of a GitHub token: a condition on any other claim
    // (`ref`, `job_workflow_ref`...) never matches. The branch is therefore enforced by the
    // GitHub environment itself (its deployment branch policy, README "First deploy"): a
    // job gets `sub = repo:OWNER/REPO:environment:NAME` only when that policy let it run.
    const applyTrust = document(this, "apply-trust", [
      {
        sid: "GithubDeployEnvironment",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: federated,
        conditions: [audience, { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [this.applySubject] }],
      },
    ]);

    const planName = `${namePrefix}-github-plan`;
    const applyName = `${namePrefix}-github-apply`;
    this.planRole = new IamRole(this, "plan-role", {
      name: planName,
      description: `${namePrefix}: terraform plan from pull requests of ${repository}`,
      assumeRolePolicy: planTrust.json,
      maxSessionDuration: props.planMaxSessionSeconds ?? 3600,
      tags: { Name: planName },
    });
    this.applyRole = new IamRole(this, "apply-role", {
      name: applyName,
      description: `${namePrefix}: terraform apply from ${repository} branch ${props.deployBranch}, GitHub environment ${environment}`,
      assumeRolePolicy: applyTrust.json,
      maxSessionDuration: props.applyMaxSessionSeconds ?? 7200,
      tags: { Name: applyName },
    });

    // ---- plan: scoped reads, state, and the secrets Terraform manages versions of
    const stateStatements = props.state ? terraformStateStatements(aws, environment, props.state, "read") : [];
    const planStatements: Statement[] = [
      { sid: "ReadConfiguration", actions: PLAN_READ_ACTIONS, resources: ["*"] },
      {
        sid: "ReadPublicParameters",
        actions: ["ssm:GetParameter", "ssm:GetParameters"],
        resources: [`arn:${partition}:ssm:*::parameter/aws/service/*`],
      },
      ...stateStatements,
      ...(props.planAssumableRoleArns?.length
        ? [{ sid: "AssumeProviderRoles", actions: ["sts:AssumeRole"], resources: [...props.planAssumableRoleArns] }]
        : []),
    ];
    const planPolicy = document(this, "plan-policy-document", planStatements);
    new IamRolePolicy(this, "plan-policy", { name: `${planName}-read`, role: this.planRole.id, policy: planPolicy.json });

    // ---- apply: PowerUserAccess (everything but IAM, Organizations and Account management)
    // plus IAM limited to bounded project roles
    new IamRolePolicyAttachment(this, "apply-power-user", {
      role: this.applyRole.name,
      policyArn: managedPolicyArn(AWS_MANAGED_POLICIES.powerUser, partition),
    });
    const arn = (resource: string) => iamArn(partition, aws.accountId, resource);
    const projectRoles = arn(`role/${namePrefix}-*`);
    const boundaryArn = arn(`policy/${props.permissionsBoundaryName}`);
    const applyStatements: Statement[] = [
      { sid: "ReadIam", actions: ["iam:Get*", "iam:List*"], resources: ["*"] },
      {
        sid: "ChangeProjectRolesWithBoundary",
        actions: BOUNDARY_REQUIRED_ACTIONS.filter((a) => a.includes("Role")),
        resources: [projectRoles],
        conditions: [{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [props.permissionsBoundaryArn] }],
      },
      { sid: "MaintainProjectRoles", actions: ROLE_MAINTENANCE_ACTIONS, resources: [projectRoles] },
      { sid: "MaintainProjectPolicies", actions: POLICY_MAINTENANCE_ACTIONS, resources: [arn(`policy/${namePrefix}-*`)] },
      { sid: "MaintainProjectInstanceProfiles", actions: INSTANCE_PROFILE_ACTIONS, resources: [arn(`instance-profile/${namePrefix}-*`)] },
      { sid: "MaintainOidcProviders", actions: OIDC_PROVIDER_ACTIONS, resources: [arn("oidc-provider/*")] },
      { sid: "DenyBoundaryEdits", effect: "Deny", actions: BOUNDARY_EDIT_ACTIONS, resources: [boundaryArn] },
      { sid: "DenyBoundaryRemoval", effect: "Deny", actions: BOUNDARY_REMOVAL_ACTIONS, resources: ["*"] },
      { sid: "DenyCiRoleChanges", effect: "Deny", actions: CI_ROLE_CHANGE_ACTIONS, resources: [arn(`role/${planName}`), arn(`role/${applyName}`)] },
    ];
    if (props.state) {
      // PowerUserAccess reaches every object of the state bucket: keep this environment's
      // apply role out of the other environments' state (and the bootstrap's).
      const others = ENVIRONMENT_NAMES.filter((e) => e !== environment).flatMap((e) => [e, `${e}-platform`]);
      applyStatements.push({
        sid: "DenyOtherEnvironmentsState",
        effect: "Deny",
        actions: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"],
        resources: [...others, "bootstrap"].map((s) => `arn:${partition}:s3:::${props.state!.bucket}/${s}/*`),
      });
    }
    const applyPolicy = document(this, "apply-policy-document", applyStatements);
    new IamRolePolicy(this, "apply-policy", { name: `${applyName}-iam`, role: this.applyRole.id, policy: applyPolicy.json });

    if (props.planSecretArns?.length) this.allowPlanToReadSecrets(props.planSecretArns);
  }

  /**
   * Lets the plan role read the value of these secrets, encrypted with `keyArn`: only those
   * whose version Terraform manages, which a refresh reads back (the cache AUTH token), or
   * which a data source reads. One inline policy collects every call, so the order of
   * construction does not matter.
   * @param keyArn @default `secretsKeyArn` (the environment's secrets key)
   */
  public allowPlanToReadSecrets(secretArns: readonly string[], keyArn: string = this.props.secretsKeyArn): void {
    if (secretArns.length === 0) return;
    const first = this.planSecretArns.length === 0;
    this.planSecretArns.push(...secretArns.filter((a) => !this.planSecretArns.includes(a)));
    if (!this.planSecretKeyArns.includes(keyArn)) this.planSecretKeyArns.push(keyArn);
    if (!first) return;
    const doc = document(this, "plan-secrets-document", [
      {
        sid: "ReadManagedSecretVersions",
        actions: ["secretsmanager:GetSecretValue"],
        resources: Lazy.listValue({ produce: () => this.planSecretArns }) as unknown as string[],
      },
      {
        sid: "DecryptManagedSecretVersions",
        actions: ["kms:Decrypt"],
        resources: Lazy.listValue({ produce: () => this.planSecretKeyArns }) as unknown as string[],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("secretsmanager", this.props.aws.region)] }],
      },
    ]);
    new IamRolePolicy(this, "plan-secrets", { name: `${this.props.namePrefix}-github-plan-secrets`, role: this.planRole.id, policy: doc.json });
  }

  /**
   * Lets the plan role read the environment's Lambda functions (`<namePrefix>-*`: the master
   * secret rotation of modules/rds) and their invoke permissions, `PLAN_FUNCTION_READ_ACTIONS`;
   * GetFunction's code link reaches only a bundle of this repository. Its own inline policy
   * (`<namePrefix>-github-plan-functions`), made once, only where a stack has a function.
   */
  public allowPlanToReadFunctions(): void {
    if (this.node.tryFindChild("plan-functions")) return;
    const { aws, namePrefix } = this.props;
    const doc = document(this, "plan-functions-document", [
      {
        sid: "ReadProjectFunctions",
        actions: PLAN_FUNCTION_READ_ACTIONS,
        resources: [`arn:${aws.partition ?? "aws"}:lambda:${aws.region}:${aws.accountId}:function:${namePrefix}-*`],
      },
    ]);
    new IamRolePolicy(this, "plan-functions", { name: `${namePrefix}-github-plan-functions`, role: this.planRole.id, policy: doc.json });
  }
}

/**
 * Statements for using this environment's Terraform state: list the bucket, read (and
 * for "read-write" write) the state objects, take the DynamoDB lock, and use the state
 * key only through S3 and DynamoDB. A plan takes the lock too, so both modes write lock items.
 */
export function terraformStateStatements(aws: AwsContext, environment: EnvironmentName, state: TerraformStateAccess, mode: "read" | "read-write"): Statement[] {
  const partition = aws.partition ?? "aws";
  const bucketArn = `arn:${partition}:s3:::${state.bucket}`;
  const stacks = state.stacks ?? [environment, `${environment}-platform`];
  const viaServices = [serviceEndpoint("s3", state.region), serviceEndpoint("dynamodb", state.region)];
  const keyConditions: Condition[] = [{ test: "StringEquals", variable: "kms:ViaService", values: viaServices }];
  if (!state.kmsKeyArn) {
    keyConditions.push({ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [`alias/${state.bucket}`] });
  }
  return [
    { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucketArn] },
    {
      sid: mode === "read" ? "ReadState" : "ReadWriteState",
      actions: mode === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: stacks.map((s) => `${bucketArn}/${s}/*`),
    },
    {
      sid: "StateLock",
      actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      resources: [`arn:${partition}:dynamodb:${state.region}:${aws.accountId}:table/${state.lockTable}`],
    },
    {
      sid: "StateKey",
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      resources: [state.kmsKeyArn ?? `arn:${partition}:kms:${state.region}:${aws.accountId}:key/*`],
      conditions: keyConditions,
    },
  ];
}
