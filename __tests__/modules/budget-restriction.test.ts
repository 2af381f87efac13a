/**
 * The budget action at 100 % (modules/monitoring/budget-restriction.ts), built through
 * `Monitoring` as the environment stack does, with the synthetic environment's approval
 * model and approvers (__tests__/fixtures/environment.ts: MANUAL, two approvers).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Monitoring, MonitoringProps, COMPUTE_GROWTH_ACTIONS } from "../../modules/monitoring";
import { PermissionsBoundary } from "../../modules/security";
import { Json, TEST_AWS, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { FIXTURE } from "../fixtures/environment";
import { testContextWithDataKeys } from "../fixtures/context";

const APPLY_ROLE = "fixture-deploy-apply";
const POLICY = "authorworks-staging-budget-restrict-compute";

function build(action: MonitoringProps["budgetAction"]): Json {
  return synthWith((stack) => {
    new Monitoring(stack, "monitoring", {
      context: testContextWithDataKeys(stack, { environment: FIXTURE.name, logRetentionDays: FIXTURE.logRetentionDays }),
      observability: FIXTURE.observability,
      monthlyBudgetUsd: FIXTURE.monthlyBudgetUsd,
      globalProvider: new AwsProvider(stack, "aws-global", { alias: "global", region: "us-east-1" }),
      databases: [],
      cache: { replicationGroupId: "authorworks-test-cache", nodes: 1 },
      clusterName: "authorworks-test",
      loadBalancerName: "authorworks-test-api",
      distributionId: "E123CDN",
      budgetAction: action,
    });
  });
}

const json = build({ policyName: POLICY, roleNames: [APPLY_ROLE], ...FIXTURE.budgetAction });
const action = resource(json, "aws_budgets_budget_action", "monitoring_budget_action_action");
const CRITICAL = "${aws_sns_topic.monitoring_critical_topic.arn}";
const POLICY_ARN = "${aws_iam_policy.monitoring_budget_action_policy.arn}";

describe("budget action", () => {
  test("at 100 % of actual spend on this budget, applies an IAM policy, with the environment's approval model", () => {
    expect(action).toMatchObject({
      budget_name: "${aws_budgets_budget.monitoring_budget.name}",
      notification_type: "ACTUAL",
      action_type: "APPLY_IAM_POLICY",
      action_threshold: { action_threshold_type: "PERCENTAGE", action_threshold_value: 100 },
      approval_model: "MANUAL",
      execution_role_arn: "${aws_iam_role.monitoring_budget_action_execution_role_role.arn}",
    });
  });

  test("the policy it attaches is the deny policy made here, attached to the deploy role only", () => {
    expect(action.definition).toEqual({ iam_action_definition: { policy_arn: POLICY_ARN, roles: [APPLY_ROLE] } });
    expect(resource(json, "aws_iam_policy", "monitoring_budget_action_policy")).toMatchObject({
      name: POLICY,
      policy: "${data.aws_iam_policy_document.monitoring_budget_action_policy_document.json}",
    });
  });

  test("subscribers: the critical topic and every approver", () => {
    expect(action.subscriber).toEqual([
      { subscription_type: "SNS", address: CRITICAL },
      { subscription_type: "EMAIL", address: "fixture-budget-approver@authorworks.net" },
      { subscription_type: "EMAIL", address: "fixture-finance@authorworks.net" },
    ]);
  });

  test("AUTOMATIC without approvers: the topic is told", () => {
    const auto = build({ policyName: POLICY, roleNames: [APPLY_ROLE], approvalModel: "AUTOMATIC", approvers: [] });
    const a = resource(auto, "aws_budgets_budget_action", "monitoring_budget_action_action");
    expect([a.approval_model, a.subscriber]).toEqual(["AUTOMATIC", [{ subscription_type: "SNS", address: CRITICAL }]]);
  });

  test("no budgetAction, no action, policy or role", () => {
    const none = build(undefined);
    expect(resourcesOf(none, "aws_budgets_budget_action")).toEqual({});
    expect(resourcesOf(none, "aws_iam_policy")).toEqual({});
    expect(resourcesOf(none, "aws_iam_role")).toEqual({});
  });
});

describe("the deny policy: creating and scaling compute", () => {
  const [deny] = statements(json, "monitoring_budget_action_policy_document");

  test("one Deny statement on every resource, exactly COMPUTE_GROWTH_ACTIONS", () => {
    expect(statements(json, "monitoring_budget_action_policy_document")).toHaveLength(1);
    expect(deny).toMatchObject({ effect: "Deny", resources: ["*"], sid: "DenyComputeGrowthOverBudget" });
    expect(deny.actions).toEqual([...COMPUTE_GROWTH_ACTIONS]);
  });

  test("covers new and larger instances, node groups, databases and cache nodes", () => {
    for (const a of [
      "ec2:RunInstances",
      "autoscaling:SetDesiredCapacity",
      "eks:CreateNodegroup",
      "eks:UpdateNodegroupConfig",
      "rds:CreateDBInstance",
      "elasticache:IncreaseReplicaCount",
    ]) {
      expect(deny.actions).toContain(a);
    }
  });

  test("never blocks recovery or shrinking: restores, deletions, terminations stay allowed", () => {
    for (const a of [
      "rds:RestoreDBInstanceFromDBSnapshot",
      "rds:RestoreDBInstanceToPointInTime",
      "rds:DeleteDBInstance",
      "ec2:TerminateInstances",
      "autoscaling:TerminateInstanceInAutoScalingGroup",
      "eks:DeleteNodegroup",
      "elasticache:DecreaseReplicaCount",
      "backup:StartRestoreJob",
    ]) {
      expect(deny.actions).not.toContain(a);
    }
    expect(deny.actions.some((a: string) => a.includes("*"))).toBe(false);
  });
});

describe("the execution role", () => {
  test("trusted by AWS Budgets of this account, for this budget's actions only", () => {
    const [trust] = statements(json, "monitoring_budget_action_execution_role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["budgets.amazonaws.com"] }]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_AWS.accountId] },
      {
        test: "ArnLike",
        variable: "aws:SourceArn",
        values: [`arn:aws:budgets::${TEST_AWS.accountId}:budget/\${aws_budgets_budget.monitoring_budget.name}/action/*`],
      },
    ]);
  });

  test("least privilege: attach and detach this policy, on the deploy role, nothing else", () => {
    expect(statements(json, "monitoring_budget_action_execution_role_policy_document")).toEqual([
      {
        sid: "ApplyTheRestriction",
        effect: "Allow",
        actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        resources: [`arn:aws:iam::${TEST_AWS.accountId}:role/${APPLY_ROLE}`],
        condition: [{ test: "ArnEquals", variable: "iam:PolicyARN", values: [POLICY_ARN] }],
      },
    ]);
    expect(resource(json, "aws_iam_role", "monitoring_budget_action_execution_role_role").name).toBe("authorworks-staging-budget-action");
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
  });

  test("the action waits for the role's policy", () => {
    expect(action.depends_on).toEqual(["aws_iam_role_policy.monitoring_budget_action_execution_role_policy"]);
  });
});

describe("the permissions boundary admits the restriction and nothing else of the kind", () => {
  const boundary = (names?: string[]) =>
    synthWith((stack) => {
      new PermissionsBoundary(stack, "boundary", { namePrefix: "authorworks-staging", aws: TEST_AWS, regions: ["us-east-1"], restrictionPolicyNames: names });
    });
  const arn = `arn:aws:iam::${TEST_AWS.accountId}:policy/${POLICY}`;
  const doc = (j: Json) => statements(j, Object.keys(dataOf(j, "aws_iam_policy_document"))[0]);

  test("bounded roles may attach and detach the restriction policy to project roles", () => {
    expect(doc(boundary([POLICY])).find((s) => s.sid === "AllowRestrictionPolicies")).toEqual({
      sid: "AllowRestrictionPolicies",
      effect: "Allow",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [`arn:aws:iam::${TEST_AWS.accountId}:role/authorworks-staging-*`],
      condition: [{ test: "ArnEquals", variable: "iam:PolicyARN", values: [arn] }],
    });
  });

  test("the deny on changing roles without the boundary spares only that policy", () => {
    const deny = doc(boundary([POLICY])).find((s) => s.sid === "DenyRoleChangesWithoutBoundary")!;
    expect(deny.condition).toEqual([
      { test: "StringNotEquals", variable: "iam:PermissionsBoundary", values: [`arn:aws:iam::${TEST_AWS.accountId}:policy/authorworks-staging-boundary`] },
      { test: "ArnNotEquals", variable: "iam:PolicyARN", values: [arn] },
    ]);
  });

  test("without restriction policies the boundary is unchanged", () => {
    const plain = doc(boundary());
    expect(plain.find((s) => s.sid === "AllowRestrictionPolicies")).toBeUndefined();
    expect(plain.find((s) => s.sid === "DenyRoleChangesWithoutBoundary")!.condition).toHaveLength(1);
  });
});

describe("direct misuse throws", () => {
  test("MANUAL without approvers", () => {
    expect(() => build({ policyName: POLICY, roleNames: [APPLY_ROLE], approvalModel: "MANUAL", approvers: [] })).toThrow(
      "BudgetRestriction: MANUAL approval needs at least one approver",
    );
  });

  test("no role to restrict", () => {
    expect(() => build({ policyName: POLICY, roleNames: [], approvalModel: "AUTOMATIC", approvers: [] })).toThrow("BudgetRestriction: roleNames is empty");
  });
});
