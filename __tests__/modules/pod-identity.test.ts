import { PodIdentityRole } from "../../modules/iam/pod-identity";
import { TEST_AWS, resource, statements, synthWith } from "../helpers";

describe("PodIdentityRole", () => {
  const json = synthWith(
    (stack) =>
      new PodIdentityRole(stack, "dns", {
        aws: TEST_AWS,
        clusterName: "authorworks-dev",
        namespace: "kube-system",
        serviceAccount: "external-dns",
        roleName: "authorworks-dev-external-dns",
        description: "external-dns",
        statements: [{ actions: ["route53:ChangeResourceRecordSets"], resources: ["arn:aws:route53:::hostedzone/Z1"] }],
        managedPolicies: { example: "arn:aws:iam::aws:policy/Example" },
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/authorworks-dev-boundary",
      }),
  );

  test("trust: Pod Identity only, for this account, this cluster's associations and one service account", () => {
    const [trust] = statements(json, "dns_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }]);
    expect(trust.actions).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:eks:us-east-1:123456789012:podidentityassociation/authorworks-dev/*"] },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-namespace", values: ["kube-system"] },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-service-account", values: ["external-dns"] },
    ]);
  });

  test("bound to exactly one service account, with its policies", () => {
    expect(resource(json, "aws_eks_pod_identity_association", "dns_association")).toMatchObject({
      cluster_name: "authorworks-dev",
      namespace: "kube-system",
      service_account: "external-dns",
      role_arn: "${aws_iam_role.dns_role.arn}",
    });
    expect(statements(json, "dns_policy_document")[0].resources).toEqual(["arn:aws:route53:::hostedzone/Z1"]);
    expect(resource(json, "aws_iam_role_policy_attachment", "dns_example").policy_arn).toBe("arn:aws:iam::aws:policy/Example");
    expect(resource(json, "aws_iam_role", "dns_role").permissions_boundary).toBe("arn:aws:iam::123456789012:policy/authorworks-dev-boundary");
  });
});
