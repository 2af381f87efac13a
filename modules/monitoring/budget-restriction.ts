/**
 * Seed 003 "Budget Alerts", 100 %: "restrict non-critical resources". An AWS Budgets action
 * (`aws_budgets_budget_action`, APPLY_IAM_POLICY) attaches a deny policy on creating and
 * scaling compute to the roles that deploy (the CI apply role), once actual spend crosses
 * the budget: deploys can no longer grow the bill, what runs keeps running, and restores
 * and deletions stay allowed. Approval is per environment: AUTOMATIC runs at once, MANUAL
 * waits for one of the subscribers to approve.
 */
import { Construct } from "constructs";
import { BudgetsBudgetAction } from "@cdktf/provider-aws/lib/budgets-budget-action";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { StackContext } from "../context";
import { PolicyStatement, ServiceRole, iamRoleArn, policyDocument } from "../iam";
import { BudgetActionApprovalModel, SERVICE_PRINCIPALS } from "../../variables/aws-catalog";
import { resourceName } from "../../variables/project";

/**
 * What the restriction denies: creating compute and growing it (instances, Auto Scaling
 * groups, EKS node groups and their sizes, RDS instances and replicas, ElastiCache nodes).
 * Not denied: anything that shrinks or removes compute, configuration that adds no capacity,
 * and restores (RestoreDBInstanceFromDBSnapshot / ToPointInTime, AWS Backup): recovery is
 * never "non-critical".
 */
export const COMPUTE_GROWTH_ACTIONS: readonly string[] = [
  "ec2:RunInstances",
  "ec2:StartInstances",
  "autoscaling:CreateAutoScalingGroup",
  "autoscaling:UpdateAutoScalingGroup",
  "autoscaling:SetDesiredCapacity",
  "eks:CreateNodegroup",
  "eks:UpdateNodegroupConfig",
  "eks:CreateFargateProfile",
  "rds:CreateDBInstance",
  "rds:CreateDBInstanceReadReplica",
  "rds:CreateDBCluster",
  "rds:ModifyDBInstance",
  "elasticache:CreateCacheCluster",
  "elasticache:CreateReplicationGroup",
  "elasticache:IncreaseReplicaCount",
  "elasticache:ModifyReplicationGroup",
];

/** The deny policy's statements (one statement; Resource "*" because the roles may create anything of these). */
export function computeGrowthDenyStatements(): PolicyStatement[] {
  return [{ sid: "DenyComputeGrowthOverBudget", effect: "Deny", actions: [...COMPUTE_GROWTH_ACTIONS], resources: ["*"] }];
}

export interface BudgetRestrictionProps {
  /** The environment: `environment` (names, tags), `aws` (role ARNs, trust conditions). */
  readonly context: StackContext;
  /** Name of the budget the action belongs to (`aws_budgets_budget.name`). */
  readonly budgetName: string;
  /**
   * Name of the deny policy. The permissions boundary must let bounded roles attach and
   * detach exactly this policy (modules/security `PermissionsBoundaryProps.restrictionPolicyNames`),
   * or the execution role, which carries the boundary, cannot apply it to an unbounded role.
   */
  readonly policyName: string;
  /** Roles (names, in this account) the policy is attached to: the ones that deploy. */
  readonly roleNames: readonly string[];
  /** AUTOMATIC or MANUAL (environment `budgetAction.approvalModel`). */
  readonly approvalModel: BudgetActionApprovalModel;
  /** E-mail subscribers: told that the action waits (MANUAL) or ran (AUTOMATIC). */
  readonly approvers: readonly string[];
  /** SNS topic subscribed too (the critical alert topic). */
  readonly topicArn: string;
  /** Percentage of actual spend at which the action runs. @default 100 */
  readonly thresholdPercent?: number;
}

/** The deny policy, the role AWS Budgets applies it with, and the budget action. */
export class BudgetRestriction extends Construct {
  public readonly policy: IamPolicy;
  /** Role AWS Budgets assumes to attach and detach the policy. */
  public readonly executionRole: ServiceRole;
  public readonly action: BudgetsBudgetAction;

  constructor(scope: Construct, id: string, props: BudgetRestrictionProps) {
    super(scope, id);
    const { aws, environment } = props.context;
    if (props.roleNames.length === 0) throw new Error("BudgetRestriction: roleNames is empty (the action would restrict nothing)");
    if (props.approvalModel === "MANUAL" && props.approvers.length === 0) {
      throw new Error("BudgetRestriction: MANUAL approval needs at least one approver (nobody would be told the action waits)");
    }
    const partition = aws.partition ?? "aws";

    const deny = policyDocument(this, "policy-document", computeGrowthDenyStatements());
    this.policy = new IamPolicy(this, "policy", {
      name: props.policyName,
      description: `${resourceName(environment)}: attached by the budget action at ${props.thresholdPercent ?? 100} % of the monthly budget; denies creating and scaling compute`,
      policy: deny.json,
      tags: { Name: props.policyName },
    });

    // Least privilege: attach and detach this one policy, on these roles only.
    const roleArns = props.roleNames.map((name) => iamRoleArn(aws, name));
    const roleName = resourceName(environment, "budget-action");
    this.executionRole = new ServiceRole(this, "execution-role", {
      name: roleName,
      description: `AWS Budgets: attach ${props.policyName} to the deploy roles at the budget threshold, and detach it when reversed`,
      service: SERVICE_PRINCIPALS.budgets,
      sourceAccount: aws.accountId,
      sourceArn: `arn:${partition}:budgets::${aws.accountId}:budget/${props.budgetName}/action/*`,
      statements: [
        {
          sid: "ApplyTheRestriction",
          actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
          resources: roleArns,
          conditions: [{ test: "ArnEquals", variable: "iam:PolicyARN", values: [this.policy.arn] }],
        },
      ],
    });

    this.action = new BudgetsBudgetAction(this, "action", {
      budgetName: props.budgetName,
      actionType: "APPLY_IAM_POLICY",
      approvalModel: props.approvalModel,
      notificationType: "ACTUAL",
      actionThreshold: { actionThresholdType: "PERCENTAGE", actionThresholdValue: props.thresholdPercent ?? 100 },
      definition: { iamActionDefinition: { policyArn: this.policy.arn, roles: [...props.roleNames] } },
      executionRoleArn: this.executionRole.arn,
      subscriber: [{ subscriptionType: "SNS", address: props.topicArn }, ...props.approvers.map((address) => ({ subscriptionType: "EMAIL", address }))],
      tags: { Name: resourceName(environment, "budget-action") },
      // The role can do its work as soon as the action exists.
      dependsOn: this.executionRole.policy ? [this.executionRole.policy] : undefined,
    });
  }
}
