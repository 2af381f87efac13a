import { TerraformOutput } from "cdktf";
import { CodeBuildRunner, CodeBuildRunnerProps, RUNNER_IMAGE } from "../../modules/ci-runner";
import { Json, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { testContext } from "../fixtures/context";

const CONTEXT = testContext({ aws: { accountId: "444455556666", region: "eu-central-1" }, logRetentionDays: 14 });
const PROPS: CodeBuildRunnerProps = {
  name: "fixture-deploy-runner",
  context: CONTEXT,
  repository: "acme/platform",
  vpcId: "vpc-0fixture",
  subnetIds: ["subnet-0a", "subnet-0b"],
  clusterSecurityGroupId: "sg-0cluster",
  computeType: "BUILD_GENERAL1_LARGE",
  timeoutMinutes: 95,
};

function synth(overrides: Partial<CodeBuildRunnerProps> = {}): Json {
  return synthWith((stack) => {
    const r = new CodeBuildRunner(stack, "runner", { ...PROPS, ...overrides });
    new TerraformOutput(stack, "runs_on", { value: r.runsOn });
  });
}

describe("CodeBuildRunner", () => {
  const json = synth();

  test("a CodeBuild project in the given private subnets, with its own security group, the image with the AWS CLI, the given size and timeout", () => {
    expect(resource(json, "aws_codebuild_project", "runner_project")).toMatchObject({
      name: "fixture-deploy-runner",
      service_role: "${aws_iam_role.runner_role_role.arn}",
      build_timeout: 95,
      encryption_key: CONTEXT.keys.storage.arn,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: { type: "LINUX_CONTAINER", compute_type: "BUILD_GENERAL1_LARGE", image: RUNNER_IMAGE, privileged_mode: false },
      source: {
        type: "GITHUB",
        location: "https://github.com/acme/platform.git",
        auth: { type: "CODECONNECTIONS", resource: "${aws_codeconnections_connection.runner_connection.arn}" },
      },
      vpc_config: { vpc_id: "vpc-0fixture", subnets: ["subnet-0a", "subnet-0b"], security_group_ids: ["${aws_security_group.runner_security_group.id}"] },
      logs_config: { cloudwatch_logs: { group_name: "${aws_cloudwatch_log_group.runner_logs.name}", status: "ENABLED" } },
      depends_on: ["aws_iam_role_policy.runner_role_policy"],
    });
    expect(resource(json, "aws_cloudwatch_log_group", "runner_logs")).toMatchObject({
      name: "/aws/codebuild/fixture-deploy-runner",
      retention_in_days: 14,
      kms_key_id: CONTEXT.keys.logs.arn,
    });
  });

  test("GitHub starts it for queued workflow jobs; jobs select it by the project's label", () => {
    expect(resource(json, "aws_codebuild_webhook", "runner_webhook")).toEqual({
      project_name: "${aws_codebuild_project.runner_project.name}",
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
    });
    expect(json.output.runs_on.value).toBe("codebuild-fixture-deploy-runner-${{ github.run_id }}-${{ github.run_attempt }}");
  });

  test("network: HTTPS out only, and the cluster's security group admits the runner on 443", () => {
    expect(Object.values(resourcesOf(json, "aws_vpc_security_group_egress_rule"))).toEqual([
      expect.objectContaining({
        security_group_id: "${aws_security_group.runner_security_group.id}",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "0.0.0.0/0",
      }),
    ]);
    expect(Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule"))).toEqual([
      expect.objectContaining({
        security_group_id: "sg-0cluster",
        referenced_security_group_id: "${aws_security_group.runner_security_group.id}",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
      }),
    ]);
    expect(resource(json, "aws_security_group", "runner_security_group")).not.toHaveProperty("ingress");
  });

  test("the service role: CodeBuild of this project in this account only; logs, ENIs in the given subnets, the connection, the key; no deploy permissions", () => {
    const [trust] = statements(json, "runner_role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["444455556666"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:codebuild:eu-central-1:444455556666:project/fixture-deploy-runner"] },
    ]);
    const policy = statements(json, "runner_role_policy_document");
    const bySid = Object.fromEntries(policy.map((s: Json) => [s.sid, s]));
    expect(bySid.VpcEniPermission.condition).toEqual([
      { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
      {
        test: "ArnEquals",
        variable: "ec2:Subnet",
        values: ["arn:aws:ec2:eu-central-1:444455556666:subnet/subnet-0a", "arn:aws:ec2:eu-central-1:444455556666:subnet/subnet-0b"],
      },
    ]);
    // ENIs only in the given subnets and security group, deleted only in this VPC: no "*" on a restrictable action.
    expect(bySid.VpcEnisCreate.resources).toEqual([
      "arn:aws:ec2:eu-central-1:444455556666:network-interface/*",
      "arn:aws:ec2:eu-central-1:444455556666:subnet/subnet-0a",
      "arn:aws:ec2:eu-central-1:444455556666:subnet/subnet-0b",
      "arn:aws:ec2:eu-central-1:444455556666:security-group/${aws_security_group.runner_security_group.id}",
    ]);
    expect(bySid.VpcEnisDelete.condition).toEqual([
      { test: "ArnEquals", variable: "ec2:Vpc", values: ["arn:aws:ec2:eu-central-1:444455556666:vpc/vpc-0fixture"] },
    ]);
    expect(policy.filter((s: Json) => s.resources.includes("*")).map((s: Json) => s.sid)).toEqual(["VpcDescribe"]);
    expect(bySid.GithubConnection.resources).toEqual(["${aws_codeconnections_connection.runner_connection.arn}"]);
    expect(bySid.ProjectKey.resources).toEqual([CONTEXT.keys.storage.arn]);
    expect(bySid.ProjectKey.condition).toEqual([{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-central-1.amazonaws.com"] }]);
    const actions = policy.flatMap((s: Json) => s.actions as string[]);
    expect(actions.filter((a: string) => /^(iam|sts|eks|s3|rds|secretsmanager):/.test(a))).toEqual([]);
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
  });

  test("no webhook while the connection is not yet available (a first apply)", () => {
    const j = synth({ webhook: false });
    expect(resourcesOf(j, "aws_codebuild_webhook")).toEqual({});
    expect(resource(j, "aws_codebuild_project", "runner_project").name).toBe("fixture-deploy-runner");
  });

  test("an existing connection is used instead of a new one", () => {
    const arn = "arn:aws:codeconnections:eu-central-1:444455556666:connection/0e4b1b8c-1f5c-4a36-9d2b-6f2f1f0d9a11";
    const j = synth({ connectionArn: arn });
    expect(resourcesOf(j, "aws_codeconnections_connection")).toEqual({});
    expect(resource(j, "aws_codebuild_project", "runner_project").source.auth.resource).toBe(arn);
    expect(statements(j, "runner_role_policy_document").find((s: Json) => s.sid === "GithubConnection")?.resources).toEqual([arn]);
  });

  test("defaults: MEDIUM, 120 minutes, a new GitHub connection", () => {
    const j = synth({ computeType: undefined, timeoutMinutes: undefined });
    expect(resource(j, "aws_codebuild_project", "runner_project")).toMatchObject({
      build_timeout: 120,
      environment: { compute_type: "BUILD_GENERAL1_MEDIUM" },
    });
    expect(resource(j, "aws_codeconnections_connection", "runner_connection")).toMatchObject({ name: "fixture-deploy-runner", provider_type: "GitHub" });
    expect(dataOf(j, "aws_iam_policy_document")).toHaveProperty("runner_role_trust");
  });
});
