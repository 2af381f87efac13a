/**
 * A GitHub Actions runner inside the environment's VPC: an AWS CodeBuild project that
 * GitHub's `workflow_job` webhook starts for every job whose `runs-on` names it
 * (`codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`). It is how a
 * platform stack reaches a cluster whose API endpoint is private (production) or open
 * only to a few CIDRs (dev, staging): the runner's ENIs sit in the private subnets, and
 * the cluster's security group admits them on 443.
 *
 * The runner holds no deploy permissions of its own: a job signs in with GitHub OIDC
 * (the plan or apply role), as on a GitHub-hosted runner. Its service role may only write
 * its logs, manage its ENIs in the given subnets, use the GitHub connection and the
 * project's KMS key (through S3).
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { CODECONNECTIONS_NAME_MAX_LENGTH, SERVICE_PRINCIPALS, serviceEndpoint, type CodebuildComputeType } from "../../variables/aws-catalog";
import type { StackContext } from "../context";
import { PolicyStatement, ServiceRole, arnPrefix } from "../iam";

/**
 * Amazon Linux 2023 standard image 5.0: AWS CLI v2 (the platform stacks' exec credential
 * plugin), git, Node.js and Docker, maintained by AWS.
 */
export const RUNNER_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";
/** The webhook event that makes CodeBuild a GitHub Actions runner. */
export const RUNNER_WEBHOOK_EVENT = "WORKFLOW_JOB_QUEUED";

export interface CodeBuildRunnerProps {
  /** Project name: the label workflows use, `codebuild-<name>-${{ github.run_id }}-${{ github.run_attempt }}`. */
  readonly name: string;
  /**
   * The environment: `aws` (ARNs and conditions of the role), `keys.storage` (the build
   * output, which CodeBuild writes to S3, so the key must allow use through S3),
   * `keys.logs` and `logRetentionDays` (the log group: CloudWatch Logs may use that key; days).
   */
  readonly context: StackContext;
  /** GitHub repository `owner/name` whose jobs the runner takes. */
  readonly repository: string;
  readonly vpcId: string;
  /** Subnets of the runner's ENIs (private, with a NAT route to GitHub and the registries). */
  readonly subnetIds: readonly string[];
  /** Security group of the EKS cluster's API endpoint: gets an ingress rule on 443 from the runner. */
  readonly clusterSecurityGroupId: string;
  /**
   * Compute type. SMALL is 3 GiB and 2 vCPUs, MEDIUM 7 GiB and 4 vCPUs (CodeBuild's
   * table): a plan with the AWS provider needs a few GiB.
   * @default "BUILD_GENERAL1_MEDIUM"
   */
  readonly computeType?: CodebuildComputeType;
  /**
   * Longest job (minutes): a first platform apply may wait 115 min (README "Reaching the cluster").
   * @default 120
   */
  readonly timeoutMinutes?: number;
  /**
   * ARN of an existing AWS CodeConnections connection to GitHub (one per GitHub App
   * installation can serve several projects). @default a new connection, PENDING until
   * someone completes the GitHub handshake in the console (README "First deploy")
   */
  readonly connectionArn?: string;
  /**
   * Create the CodeBuild webhook that makes the project a GitHub Actions runner. CodeBuild
   * can only create it through an AVAILABLE connection: a new connection is PENDING until
   * its handshake is completed in the console, so a first apply sets this false.
   * @default true
   */
  readonly webhook?: boolean;
}

export class CodeBuildRunner extends Construct {
  public readonly project: CodebuildProject;
  public readonly projectName: string;
  /** The connection made here, when `connectionArn` was not given. */
  public readonly connection?: CodeconnectionsConnection;
  public readonly connectionArn: string;
  public readonly securityGroupId: string;
  public readonly role: ServiceRole;
  /** `runs-on` of a job on this runner (a GitHub Actions expression). */
  public readonly runsOn: string;

  constructor(scope: Construct, id: string, props: CodeBuildRunnerProps) {
    super(scope, id);
    const { name, context } = props;
    const { aws } = context;
    this.projectName = name;
    this.runsOn = `codebuild-${name}-\${{ github.run_id }}-\${{ github.run_attempt }}`;

    if (props.connectionArn) {
      this.connectionArn = props.connectionArn;
    } else {
      this.connection = new CodeconnectionsConnection(this, "connection", {
        name: name.slice(0, CODECONNECTIONS_NAME_MAX_LENGTH),
        providerType: "GitHub",
        tags: { Name: name },
      });
      this.connectionArn = this.connection.arn;
    }

    const logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/codebuild/${name}`,
      retentionInDays: context.logRetentionDays,
      kmsKeyId: context.keys.logs.arn,
      tags: { Name: name },
    });

    const sg = new SecurityGroup(this, "security-group", {
      name: `${name}-sg`,
      description: `${name}: GitHub Actions runner (CodeBuild) in the VPC`,
      vpcId: props.vpcId,
      tags: { Name: `${name}-sg` },
    });
    this.securityGroupId = sg.id;
    // HTTPS only: GitHub, the npm and Terraform registries, AWS APIs, the cluster endpoint.
    // DNS goes to the VPC resolver, which security groups do not filter.
    new VpcSecurityGroupEgressRule(this, "egress-https", {
      securityGroupId: sg.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS: GitHub, package registries, AWS APIs, the EKS endpoint",
      tags: { Name: `${name}-egress-https` },
    });
    new VpcSecurityGroupIngressRule(this, "cluster-api-from-runner", {
      securityGroupId: props.clusterSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: sg.id,
      description: `Kubernetes API from the CI runner ${name}`,
      tags: { Name: `${name}-to-cluster-api` },
    });

    const subnetArns = props.subnetIds.map((s) => `${arnPrefix(aws, "ec2")}:subnet/${s}`);
    const statements: PolicyStatement[] = [
      { sid: "Logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:*`] },
      {
        sid: "VpcDescribe",
        actions: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
        resources: ["*"],
      },
      {
        sid: "VpcEnisCreate",
        actions: ["ec2:CreateNetworkInterface"],
        resources: [`${arnPrefix(aws, "ec2")}:network-interface/*`, ...subnetArns, `${arnPrefix(aws, "ec2")}:security-group/${sg.id}`],
      },
      {
        sid: "VpcEnisDelete",
        actions: ["ec2:DeleteNetworkInterface"],
        resources: [`${arnPrefix(aws, "ec2")}:network-interface/*`],
        conditions: [{ test: "ArnEquals", variable: "ec2:Vpc", values: [`${arnPrefix(aws, "ec2")}:vpc/${props.vpcId}`] }],
      },
      {
        sid: "VpcEniPermission",
        actions: ["ec2:CreateNetworkInterfacePermission"],
        resources: [`${arnPrefix(aws, "ec2")}:network-interface/*`],
        conditions: [
          { test: "StringEquals", variable: "ec2:AuthorizedService", values: [SERVICE_PRINCIPALS.codeBuild] },
          { test: "ArnEquals", variable: "ec2:Subnet", values: subnetArns },
        ],
      },
      {
        sid: "GithubConnection",
        // A connection made before the 2024 rename has a codestar-connections ARN and actions.
        actions: ["codeconnections", "codestar-connections"].flatMap((p) => [`${p}:GetConnectionToken`, `${p}:GetConnection`, `${p}:UseConnection`]),
        resources: [this.connectionArn],
      },
      {
        sid: "ProjectKey",
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        resources: [context.keys.storage.arn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [serviceEndpoint("s3", aws.region)] }],
      },
    ];
    this.role = new ServiceRole(this, "role", {
      name,
      description: `CodeBuild project ${name} (GitHub Actions runner): logs, VPC ENIs, the GitHub connection; no deploy permissions`,
      service: SERVICE_PRINCIPALS.codeBuild,
      sourceAccount: aws.accountId,
      sourceArn: `${arnPrefix(aws, "codebuild")}:project/${name}`,
      statements,
    });

    this.project = new CodebuildProject(this, "project", {
      name,
      description: `GitHub Actions runner for ${props.repository} inside the VPC`,
      serviceRole: this.role.arn,
      buildTimeout: props.timeoutMinutes ?? 120,
      encryptionKey: context.keys.storage.arn,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: props.computeType ?? "BUILD_GENERAL1_MEDIUM",
        image: RUNNER_IMAGE,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: false,
      },
      source: {
        type: "GITHUB",
        location: `https://github.com/${props.repository}.git`,
        auth: { type: "CODECONNECTIONS", resource: this.connectionArn },
        gitCloneDepth: 1,
        reportBuildStatus: false,
      },
      vpcConfig: { vpcId: props.vpcId, subnets: [...props.subnetIds], securityGroupIds: [sg.id] },
      logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: "ENABLED" }, s3Logs: { status: "DISABLED" } },
      tags: { Name: name },
      // CodeBuild checks with the role that it can describe the VPC when the project is created.
      dependsOn: [this.role.policy!],
    });

    if (props.webhook === false) return;
    new CodebuildWebhook(this, "webhook", {
      projectName: this.project.name,
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: RUNNER_WEBHOOK_EVENT }] }],
    });
  }
}
