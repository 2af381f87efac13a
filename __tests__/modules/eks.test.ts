import { TerraformOutput } from "cdktf";
import { resolveEnvironment, ResolvedEnvironment } from "../../environments/config";
import type { EnvironmentConfig } from "../../environments/types";
import type { StackContext } from "../../modules/context";
import { ADMIN_GROUP, DEVELOPER_GROUP, EksCluster, EksClusterProps, NAME_PREFIX_MAX, nodeGroupArchitecture, nodeGroupNamePrefix } from "../../modules/eks";
import { ACCESS_GROUPS } from "../../variables/platform";
import { Json, dataOf, resource, resourcesOf, statements, synthWith } from "../helpers";
import { FIXTURE } from "../fixtures/environment";
import { testContextWithDataKeys } from "../fixtures/context";

const LOGS_KEY = "${aws_kms_key.keys_logs_key.arn}";
const SECRETS_KEY = "${aws_kms_key.eks_secrets_key_key.arn}";
const CLUSTER = "aws_eks_cluster";
const NG = "aws_eks_node_group";
const LT = "aws_launch_template";
const CLUSTER_SG = "${aws_eks_cluster.eks_cluster.vpc_config[0].cluster_security_group_id}";
const SUBNETS = ["subnet-0a", "subnet-0b", "subnet-0c"];
const GROUPS = ["system", "application", "spot"] as const;

/** Props exactly as the environment stack builds them (see the wiring in the module README). */
function propsFor(env: ResolvedEnvironment, context: StackContext): EksClusterProps {
  return {
    clusterName: `authorworks-${env.name}`,
    context,
    kubernetesVersion: env.kubernetes.version,
    subnetIds: SUBNETS,
    publicAccessCidrs: env.kubernetes.publicAccessCidrs,
    adminRoleName: env.kubernetes.adminRoleName,
    developerRoleName: env.kubernetes.developerRoleName,
    nodeGroups: env.kubernetes.nodeGroups,
    nodeSecurityGroupIds: ["sg-0app"],
    additionalLogTypes: env.kubernetes.additionalLogTypes,
    keyDeletionWindowDays: env.durability.keyDeletionWindowDays,
    zonalShift: env.availability.zonalShift,
    deletionProtection: env.durability.deletionProtection,
  };
}

function synth(
  cfg: EnvironmentConfig,
  change: (p: EksClusterProps) => EksClusterProps = (p) => p,
  extra?: (eks: EksCluster, stack: import("constructs").Construct) => void,
): Json {
  const env = resolveEnvironment(cfg);
  return synthWith((stack) => {
    const context = testContextWithDataKeys(stack, { environment: env.name, namePrefix: `authorworks-${env.name}`, logRetentionDays: env.logRetentionDays });
    const eks = new EksCluster(stack, "eks", change(propsFor(env, context)));
    extra?.(eks, stack);
  });
}

/**
 * The synthetic environment (__tests__/fixtures/environment.ts): values no real environment
 * has, distinct from each other (each node group its own sizes, types and disk), so a prop
 * ignored, replaced by a constant or wired to another prop shows below. Its cluster is
 * `authorworks-staging` (the fixture's name), its roles FixtureCluster{Admin,Developer}.
 */
const fixtureJson = synth(FIXTURE);
const K8S = FIXTURE.kubernetes;
const NAME = "authorworks-staging";
/** The fixture with one prop changed: each boolean is flipped on its own, so one wired to another or to a constant fails. */
const zonalShiftOn = synth(FIXTURE, (p) => ({ ...p, zonalShift: !FIXTURE.availability.zonalShift }));
const deletionProtectionOff = synth(FIXTURE, (p) => ({ ...p, deletionProtection: !FIXTURE.durability.deletionProtection }));
const privateOnly = synth(FIXTURE, (p) => ({ ...p, publicAccessCidrs: [] }));

/** Policy ARNs attached to the role with logical id `roleId`. */
function attachedPolicies(json: Json, roleId: string): string[] {
  return Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"))
    .filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`)
    .map((a) => a.policy_arn)
    .sort();
}

/** Conditions of a statement as { variable: [test, values] }. */
function conditionsOf(statement: Json): Record<string, [string, string[]]> {
  return Object.fromEntries((statement.condition ?? []).map((c: Json) => [c.variable, [c.test, c.values]]));
}

describe("EksCluster: control plane", () => {
  test("named after the environment, pinned version, private subnets, managed by the cluster role", () => {
    const c = resource(fixtureJson, CLUSTER, "eks_cluster");
    expect(c.name).toBe(NAME);
    expect(c.version).toBe("1.34");
    expect(c.vpc_config.subnet_ids).toEqual(SUBNETS);
    expect(c.role_arn).toBe("${aws_iam_role.eks_cluster_role_role.arn}");
    expect(c.vpc_config.security_group_ids).toBeUndefined();
  });

  test("endpoint is private; public only from the configured CIDRs, exactly those", () => {
    const vpc = resource(fixtureJson, CLUSTER, "eks_cluster").vpc_config;
    expect(vpc.endpoint_private_access).toBe(true);
    expect(vpc.endpoint_public_access).toBe(true);
    expect(vpc.public_access_cidrs).toEqual(["198.51.100.0/24", "192.0.2.128/25"]);
  });

  test("no public CIDRs: the public endpoint is off and lists none", () => {
    const vpc = resource(privateOnly, CLUSTER, "eks_cluster").vpc_config;
    expect(vpc.endpoint_private_access).toBe(true);
    expect(vpc.endpoint_public_access).toBe(false);
    expect(vpc.public_access_cidrs).toBeUndefined();
  });

  test("access entries only, no creator admin, no self-managed add-ons", () => {
    const c = resource(fixtureJson, CLUSTER, "eks_cluster");
    expect(c.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(c.bootstrap_self_managed_addons).toBe(false);
  });

  test("upgrade policy STANDARD by default, EXTENDED when asked; zonal shift and deletion protection follow props", () => {
    const cluster = (j: Json) => resource(j, CLUSTER, "eks_cluster");
    const [c, zonal, unprotected] = [cluster(fixtureJson), cluster(zonalShiftOn), cluster(deletionProtectionOff)];
    for (const x of [c, zonal, unprotected]) expect(x.upgrade_policy).toEqual({ support_type: "STANDARD" });
    // The fixture: zonal shift off, deletion protection on; then each flipped alone.
    expect([c.zonal_shift_config, c.deletion_protection]).toEqual([{ enabled: false }, true]);
    expect([zonal.zonal_shift_config, zonal.deletion_protection]).toEqual([{ enabled: true }, true]);
    expect([unprotected.zonal_shift_config, unprotected.deletion_protection]).toEqual([{ enabled: false }, false]);
    // Unset: both off.
    const unset = cluster(synth(FIXTURE, (x) => ({ ...x, zonalShift: undefined, deletionProtection: undefined })));
    expect([unset.zonal_shift_config, unset.deletion_protection]).toEqual([{ enabled: false }, false]);
    const ext = resource(
      synth(FIXTURE, (x) => ({ ...x, supportType: "EXTENDED" })),
      CLUSTER,
      "eks_cluster",
    );
    expect(ext.upgrade_policy).toEqual({ support_type: "EXTENDED" });
  });

  test("cluster role: eks.amazonaws.com for this account and cluster only, AmazonEKSClusterPolicy", () => {
    const [trust] = statements(fixtureJson, "eks_cluster_role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["eks.amazonaws.com"] }]);
    expect(trust.actions).toEqual(["sts:AssumeRole"]);
    expect(conditionsOf(trust)).toEqual({
      "aws:SourceAccount": ["StringEquals", ["123456789012"]],
      "aws:SourceArn": ["ArnLike", [`arn:aws:eks:us-east-1:123456789012:cluster/${NAME}`]],
    });
    expect(resource(fixtureJson, "aws_iam_role", "eks_cluster_role_role").name).toBe(`${NAME}-eks-cluster`);
    expect(attachedPolicies(fixtureJson, "eks_cluster_role_role")).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
  });
});

describe("EksCluster: secrets encryption", () => {
  test("envelope encryption of secrets with the dedicated key, which rotates and names the cluster role", () => {
    const c = resource(fixtureJson, CLUSTER, "eks_cluster");
    expect(c.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: SECRETS_KEY } });
    const key = resource(fixtureJson, "aws_kms_key", "eks_secrets_key_key");
    expect(key.enable_key_rotation).toBe(true);
    // The fixture's window (11 days, neither preset's 7 or 30); unset, the 30-day default.
    expect(key.deletion_window_in_days).toBe(FIXTURE.durability.keyDeletionWindowDays);
    expect(key.deletion_window_in_days).toBe(11);
    const unset = synth(FIXTURE, (p) => ({ ...p, keyDeletionWindowDays: undefined }));
    expect(resource(unset, "aws_kms_key", "eks_secrets_key_key").deletion_window_in_days).toBe(30);
    expect(resource(fixtureJson, "aws_kms_alias", "eks_secrets_key_alias").name).toBe(`alias/${NAME}-eks-secrets`);
    const users = statements(fixtureJson, "eks_secrets_key_policy").find((s) => s.sid === "NamedUsers")!;
    expect(users.principals).toEqual([{ type: "AWS", identifiers: ["${aws_iam_role.eks_cluster_role_role.arn}"] }]);
    const via = statements(fixtureJson, "eks_secrets_key_policy").find((s) => s.sid === "UseThroughNamedServices")!;
    expect(conditionsOf(via)["kms:ViaService"]).toEqual(["StringEquals", ["eks.us-east-1.amazonaws.com"]]);
  });

  test("the cluster role may use the key, and the cluster waits for that grant, its policy and the log group", () => {
    const [s] = statements(fixtureJson, "eks_cluster_role_secrets_key_document");
    expect(s.actions).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]);
    expect(s.resources).toEqual([SECRETS_KEY]);
    expect(resource(fixtureJson, "aws_iam_role_policy", "eks_cluster_role_secrets_key").role).toBe("${aws_iam_role.eks_cluster_role_role.id}");
    expect(resource(fixtureJson, CLUSTER, "eks_cluster").depends_on).toEqual([
      "aws_cloudwatch_log_group.eks_log_group",
      "aws_iam_role_policy_attachment.eks_cluster_role_cluster_policy",
      "aws_iam_role_policy.eks_cluster_role_secrets_key",
    ]);
  });

  test("a given key replaces the dedicated one", () => {
    const given = synth(FIXTURE, (p) => ({ ...p, secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/given" }));
    expect(resourcesOf(given, "aws_kms_key").eks_secrets_key_key).toBeUndefined();
    expect(resource(given, CLUSTER, "eks_cluster").encryption_config.provider.key_arn).toBe("arn:aws:kms:us-east-1:123456789012:key/given");
    expect(statements(given, "eks_cluster_role_secrets_key_document")[0].resources).toEqual(["arn:aws:kms:us-east-1:123456789012:key/given"]);
  });
});

describe("EksCluster: control-plane logs", () => {
  test("api, audit and authenticator, plus the fixture's scheduler, to our encrypted log group with the given retention", () => {
    expect(resource(fixtureJson, CLUSTER, "eks_cluster").enabled_cluster_log_types).toEqual(["api", "audit", "authenticator", "scheduler"]);
    const group = resource(fixtureJson, "aws_cloudwatch_log_group", "eks_log_group");
    expect(group).toMatchObject({ name: `/aws/eks/${NAME}/cluster`, retention_in_days: FIXTURE.logRetentionDays, kms_key_id: LOGS_KEY });
    expect(group.retention_in_days).toBe(545);
  });

  test("controller manager and scheduler logs are opt-in", () => {
    const none = synth(FIXTURE, (p) => ({ ...p, additionalLogTypes: undefined }));
    expect(resource(none, CLUSTER, "eks_cluster").enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
    const both = synth(FIXTURE, (p) => ({ ...p, additionalLogTypes: ["controllerManager", "scheduler"] }));
    expect(resource(both, CLUSTER, "eks_cluster").enabled_cluster_log_types).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
  });
});

describe("EksCluster: access entries", () => {
  test("group names are the shared constants", () => {
    expect([ADMIN_GROUP, DEVELOPER_GROUP]).toEqual(["authorworks:admins", "authorworks:developers"]);
    expect([ADMIN_GROUP, DEVELOPER_GROUP]).toEqual([ACCESS_GROUPS.admins, ACCESS_GROUPS.developers]);
  });

  test("admin role (ARN from the account id) is cluster admin at cluster scope and in the admins group", () => {
    const entry = resource(fixtureJson, "aws_eks_access_entry", "eks_admin_access");
    expect(entry).toMatchObject({
      cluster_name: "${aws_eks_cluster.eks_cluster.name}",
      principal_arn: "arn:aws:iam::123456789012:role/FixtureClusterAdmin",
      kubernetes_groups: ["authorworks:admins"],
      type: "STANDARD",
    });
    expect(resource(fixtureJson, "aws_eks_access_policy_association", "eks_admin_cluster_policy")).toEqual({
      cluster_name: "${aws_eks_cluster.eks_cluster.name}",
      principal_arn: "${aws_eks_access_entry.eks_admin_access.principal_arn}",
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
    });
  });

  test("developer role is in the developers group with no access policy (RBAC in the platform stack)", () => {
    expect(resource(fixtureJson, "aws_eks_access_entry", "eks_developer_access")).toMatchObject({
      principal_arn: "arn:aws:iam::123456789012:role/FixtureClusterDeveloper",
      kubernetes_groups: ["authorworks:developers"],
    });
    expect(Object.keys(resourcesOf(fixtureJson, "aws_eks_access_policy_association"))).toEqual(["eks_admin_cluster_policy"]);
  });

  test("optionally: view policy scoped to namespaces for developers, more cluster admins by id", () => {
    const json = synth(FIXTURE, (p) => ({
      ...p,
      developerViewNamespaces: ["authorworks"],
      additionalAdminPrincipalArns: { "ci-deploy": "arn:aws:iam::123456789012:role/authorworks-dev-deploy" },
    }));
    expect(resource(json, "aws_eks_access_policy_association", "eks_developer_namespace_policy")).toMatchObject({
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      access_scope: { type: "namespace", namespaces: ["authorworks"] },
    });
    expect(resource(json, "aws_eks_access_entry", "eks_ci_deploy_access")).toMatchObject({
      principal_arn: "arn:aws:iam::123456789012:role/authorworks-dev-deploy",
      kubernetes_groups: ["authorworks:admins"],
    });
    expect(resource(json, "aws_eks_access_policy_association", "eks_ci_deploy_cluster_policy").policy_arn).toBe(
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    );
    expect(() => synth(FIXTURE, (p) => ({ ...p, additionalAdminPrincipalArns: { admin: "arn:aws:iam::123456789012:role/x" } }))).toThrow(
      /"admin" must be a lower-case kebab id/,
    );
  });

  test("viewers: cluster-wide AmazonEKSAdminViewPolicy, no Kubernetes group; ids must not clash", () => {
    const json = synth(FIXTURE, (p) => ({
      ...p,
      additionalAdminPrincipalArns: { "ci-apply": "arn:aws:iam::123456789012:role/fixture-apply" },
      additionalViewerPrincipalArns: { "ci-plan": "arn:aws:iam::123456789012:role/fixture-plan" },
    }));
    const entry = resource(json, "aws_eks_access_entry", "eks_ci_plan_access");
    expect(entry).toMatchObject({ principal_arn: "arn:aws:iam::123456789012:role/fixture-plan", type: "STANDARD" });
    expect(entry).not.toHaveProperty("kubernetes_groups");
    expect(resource(json, "aws_eks_access_policy_association", "eks_ci_plan_cluster_policy")).toMatchObject({
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
      access_scope: { type: "cluster" },
    });
    expect(() =>
      synth(FIXTURE, (p) => ({
        ...p,
        additionalAdminPrincipalArns: { ci: "arn:aws:iam::1:role/a" },
        additionalViewerPrincipalArns: { ci: "arn:aws:iam::1:role/b" },
      })),
    ).toThrow(/additionalViewerPrincipalArns: "ci" must be a lower-case kebab id not used by another access entry/);
  });
});

describe("EksCluster: node group name prefixes", () => {
  test("the prefix is <cluster>-<group>- while it fits Terraform's 37 characters, cut to 37 where the cluster's name is long", () => {
    expect(NAME_PREFIX_MAX).toBe(37);
    expect(nodeGroupNamePrefix("authorworks-production", "application")).toBe("authorworks-production-application-");
    // production-dr's cluster: 38 characters whole.
    expect(nodeGroupNamePrefix("authorworks-production-dr", "application")).toBe("authorworks-production-dr-applicatio-");
    expect(nodeGroupNamePrefix("authorworks-production-dr", "application")).toHaveLength(37);
    expect(nodeGroupNamePrefix("authorworks-production-dr", "system")).toBe("authorworks-production-dr-system-");
  });

  test("a long cluster name keeps the launch templates' and tags' full names; only the group's prefix is cut", () => {
    const json = synth(FIXTURE, (p) => ({ ...p, clusterName: "authorworks-production-dr" }));
    expect(resource(json, NG, "eks_application_node_group").node_group_name_prefix).toBe("authorworks-production-dr-applicatio-");
    expect(resource(json, LT, "eks_application_launch_template").name).toBe("authorworks-production-dr-application");
  });

  test("prefixes that a cut would make equal are refused", () => {
    expect(() => synth(FIXTURE, (p) => ({ ...p, clusterName: "a".repeat(36) }))).toThrow(/node group name prefixes collide once cut to 37 characters/);
  });
});

describe("EksCluster: node groups", () => {
  test("three groups, each with its own configured sizes, types and disk (all distinct in the fixture), and the AL2023 arm64 AMI", () => {
    const json = fixtureJson;
    for (const g of GROUPS) {
      const spec = K8S.nodeGroups[g];
      const ng = resource(json, NG, `eks_${g}_node_group`);
      expect(ng.scaling_config).toEqual({ min_size: spec.minSize, desired_size: spec.desiredSize, max_size: spec.maxSize });
      expect(ng.instance_types).toEqual(spec.instanceTypes);
      expect(ng.ami_type).toBe("AL2023_ARM_64_STANDARD");
      expect(ng.node_group_name_prefix).toBe(`${NAME}-${g}-`);
      expect(ng.subnet_ids).toEqual(SUBNETS);
      expect(ng.version).toBe("${aws_eks_cluster.eks_cluster.version}");
      expect(ng.node_role_arn).toBe("${aws_iam_role.eks_node_role_role.arn}");
      expect(ng.update_config).toEqual({ max_unavailable_percentage: 33 });
      expect(ng.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["scaling_config[0].desired_size"] });
      expect(ng.disk_size).toBeUndefined();
      expect(resource(json, LT, `eks_${g}_launch_template`).block_device_mappings[0].ebs.volume_size).toBe(spec.diskSizeGb);
    }
    expect(Object.keys(resourcesOf(json, NG))).toHaveLength(3);
  });

  test("capacity types, taints and labels by purpose", () => {
    const ng = (g: string) => resource(fixtureJson, NG, `eks_${g}_node_group`);
    expect(ng("system")).toMatchObject({
      capacity_type: "ON_DEMAND",
      taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
      labels: { "authorworks.io/node-group": "system" },
    });
    expect(ng("application")).toMatchObject({ capacity_type: "ON_DEMAND", taint: [], labels: { "authorworks.io/node-group": "application" } });
    expect(ng("spot")).toMatchObject({
      capacity_type: "SPOT",
      taint: [{ key: "authorworks.io/batch", value: "true", effect: "NO_SCHEDULE" }],
      labels: { "authorworks.io/node-group": "spot" },
    });
    expect(ng("spot").instance_types.length).toBeGreaterThan(1);
  });

  test("launch templates: IMDSv2 only with hop limit 1, encrypted gp3 root, cluster SG plus the extra SGs, no custom AMI", () => {
    for (const g of GROUPS) {
      const lt = resource(fixtureJson, LT, `eks_${g}_launch_template`);
      expect(lt.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
      });
      expect(lt.block_device_mappings).toEqual([
        { device_name: "/dev/xvda", ebs: { volume_size: K8S.nodeGroups[g].diskSizeGb, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
      ]);
      expect(lt.vpc_security_group_ids).toEqual([CLUSTER_SG, "sg-0app"]);
      expect(lt.image_id).toBeUndefined();
      expect(lt.user_data).toBeUndefined();
      expect(lt.name).toBe(`${NAME}-${g}`);
      const ng = resource(fixtureJson, NG, `eks_${g}_node_group`);
      expect(ng.launch_template).toEqual({
        id: `\${aws_launch_template.eks_${g}_launch_template.id}`,
        version: `\${aws_launch_template.eks_${g}_launch_template.latest_version}`,
      });
    }
  });

  test("a volume key goes to the root volumes and, scoped through EC2, to the EBS CSI role", () => {
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/volumes";
    const json = synth(FIXTURE, (p) => ({ ...p, volumeKeyArn: KEY }));
    expect(resource(json, LT, "eks_spot_launch_template").block_device_mappings[0].ebs.kms_key_id).toBe(KEY);
    const kms = statements(json, "eks_aws_ebs_csi_driver_identity_policy_document");
    expect(kms.map((s) => s.sid)).toEqual(["GrantsForEbs", "EncryptedVolumes"]);
    for (const s of kms) {
      expect(s.resources).toEqual([KEY]);
      expect(conditionsOf(s)["kms:ViaService"]).toEqual(["StringEquals", ["ec2.us-east-1.amazonaws.com"]]);
    }
    expect(kms[0].actions).toEqual(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
    expect(conditionsOf(kms[0])["kms:GrantIsForAWSResource"]).toEqual(["Bool", ["true"]]);
    // Without a key: the default aws/ebs key, no KMS statements at all.
    expect(dataOf(fixtureJson, "aws_iam_policy_document").eks_aws_ebs_csi_driver_identity_policy_document).toBeUndefined();
  });

  test("cluster-autoscaler discovery tags on every group; spot can scale from zero via ASG node-template tags", () => {
    for (const g of GROUPS) {
      const tags = resource(fixtureJson, NG, `eks_${g}_node_group`).tags;
      expect(tags["k8s.io/cluster-autoscaler/enabled"]).toBe("true");
      expect(tags[`k8s.io/cluster-autoscaler/${NAME}`]).toBe("owned");
    }
    const spotTags = Object.values(resourcesOf(fixtureJson, "aws_autoscaling_group_tag")).filter((t) =>
      t.autoscaling_group_name.includes("eks_spot_node_group"),
    );
    expect(Object.fromEntries(spotTags.map((t) => [t.tag.key, t.tag.value]))).toEqual({
      "k8s.io/cluster-autoscaler/node-template/label/authorworks.io/node-group": "spot",
      "k8s.io/cluster-autoscaler/node-template/label/eks.amazonaws.com/capacityType": "SPOT",
      "k8s.io/cluster-autoscaler/node-template/taint/authorworks.io/batch": "true:NoSchedule",
    });
    for (const t of spotTags) {
      expect(t.autoscaling_group_name).toBe("${aws_eks_node_group.eks_spot_node_group.resources[0].autoscaling_groups[0].name}");
      expect(t.tag.propagate_at_launch).toBe(false);
    }
    expect(resource(fixtureJson, "aws_autoscaling_group_tag", "eks_system_asg_taint_criticaladdonsonly").tag.value).toBe("true:NoSchedule");
  });

  test("x86 instance types get the x86 AL2023 AMI; mixed architectures and bad sizes are refused", () => {
    const x86 = synth(FIXTURE, (p) => ({
      ...p,
      nodeGroups: { ...p.nodeGroups, application: { ...p.nodeGroups.application, instanceTypes: ["m7i.large", "m6a.large"] } },
    }));
    expect(resource(x86, NG, "eks_application_node_group").ami_type).toBe("AL2023_x86_64_STANDARD");
    expect(resource(x86, NG, "eks_system_node_group").ami_type).toBe("AL2023_ARM_64_STANDARD");
    const spec = K8S.nodeGroups.spot;
    expect(() => nodeGroupArchitecture("spot", { ...spec, instanceTypes: ["m7g.large", "m7i.large"] })).toThrow(
      /node group "spot": instance types mix architectures/,
    );
    expect(() => nodeGroupArchitecture("spot", { ...spec, instanceTypes: ["m7g.huge"] })).toThrow(/"m7g.huge" is not an EC2 instance type/);
    expect(() => nodeGroupArchitecture("application", { ...spec, minSize: 3, desiredSize: 2 })).toThrow(/node group "application": sizes/);
    expect(() =>
      synth(FIXTURE, (p) => ({ ...p, nodeGroups: { ...p.nodeGroups, system: { ...p.nodeGroups.system, desiredSize: p.nodeGroups.system.maxSize + 1 } } })),
    ).toThrow(/node group "system"/);
  });

  test("node role: worker node and ECR pull-only policies exactly (no CNI policy); SSM only when asked", () => {
    const [trust] = statements(fixtureJson, "eks_node_role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["ec2.amazonaws.com"] }]);
    expect(attachedPolicies(fixtureJson, "eks_node_role_role")).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    const ssm = synth(FIXTURE, (p) => ({ ...p, nodeSsmAccess: true }));
    expect(attachedPolicies(ssm, "eks_node_role_role")).toContain("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(attachedPolicies(ssm, "eks_node_role_role")).not.toContain("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
  });

  test("node groups wait for the node role's policies and the before-compute add-ons", () => {
    for (const g of GROUPS) {
      expect(resource(fixtureJson, NG, `eks_${g}_node_group`).depends_on).toEqual([
        "aws_iam_role_policy_attachment.eks_node_role_worker_node_policy",
        "aws_iam_role_policy_attachment.eks_node_role_registry_pull_policy",
        "aws_eks_addon.eks_vpc_cni",
        "aws_eks_addon.eks_kube_proxy",
        "aws_eks_addon.eks_eks_pod_identity_agent",
      ]);
    }
  });
});

describe("EksCluster: managed add-ons", () => {
  const ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver", "amazon-cloudwatch-observability"];
  const id = (name: string) => `eks_${name.replace(/-/g, "_")}`;

  test("all six, at the default version for the cluster's Kubernetes version, Terraform wins conflicts", () => {
    expect(Object.keys(resourcesOf(fixtureJson, "aws_eks_addon")).sort()).toEqual(ADDONS.map(id).sort());
    for (const name of ADDONS) {
      const a = resource(fixtureJson, "aws_eks_addon", id(name));
      expect(a).toMatchObject({
        cluster_name: "${aws_eks_cluster.eks_cluster.name}",
        addon_name: name,
        addon_version: `\${data.aws_eks_addon_version.${id(name)}_version.version}`,
        resolve_conflicts_on_create: "OVERWRITE",
        resolve_conflicts_on_update: "OVERWRITE",
      });
      expect(dataOf(fixtureJson, "aws_eks_addon_version")[`${id(name)}_version`]).toEqual({
        addon_name: name,
        kubernetes_version: "${aws_eks_cluster.eks_cluster.version}",
        most_recent: false,
      });
    }
  });

  test("coredns and the EBS CSI driver wait for every node group; vpc-cni, kube-proxy and the agent do not", () => {
    const groups = GROUPS.map((g) => `aws_eks_node_group.eks_${g}_node_group`);
    expect(resource(fixtureJson, "aws_eks_addon", "eks_coredns").depends_on).toEqual(groups);
    expect(resource(fixtureJson, "aws_eks_addon", "eks_aws_ebs_csi_driver").depends_on).toEqual(groups);
    for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
      expect(resource(fixtureJson, "aws_eks_addon", id(name)).depends_on).toBeUndefined();
    }
  });

  test("configuration: network policy enforcement in the VPC CNI; CoreDNS and the EBS CSI controller on system nodes", () => {
    expect(JSON.parse(resource(fixtureJson, "aws_eks_addon", "eks_vpc_cni").configuration_values)).toEqual({ enableNetworkPolicy: "true" });
    expect(JSON.parse(resource(fixtureJson, "aws_eks_addon", "eks_coredns").configuration_values)).toEqual({
      nodeSelector: { "authorworks.io/node-group": "system" },
    });
    expect(JSON.parse(resource(fixtureJson, "aws_eks_addon", "eks_aws_ebs_csi_driver").configuration_values)).toEqual({
      controller: { nodeSelector: { "authorworks.io/node-group": "system" } },
    });
    const off = synth(FIXTURE, (p) => ({ ...p, networkPolicy: false }));
    expect(resource(off, "aws_eks_addon", "eks_vpc_cni").configuration_values).toBeUndefined();
  });

  test.each([
    ["vpc-cni", "aws-node", ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]],
    ["aws-ebs-csi-driver", "ebs-csi-controller-sa", ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]],
  ])("%s: own Pod Identity role for kube-system/%s with exactly its policy", (name, sa, policies) => {
    const roleId = `${id(name)}_identity_role`;
    const [trust] = statements(fixtureJson, `${id(name)}_identity_trust`);
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }]);
    expect(trust.actions).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(conditionsOf(trust)).toEqual({
      "aws:SourceAccount": ["StringEquals", ["123456789012"]],
      "aws:SourceArn": ["ArnLike", [`arn:aws:eks:us-east-1:123456789012:podidentityassociation/${NAME}/*`]],
      "aws:RequestTag/kubernetes-namespace": ["StringEquals", ["kube-system"]],
      "aws:RequestTag/kubernetes-service-account": ["StringEquals", [sa]],
    });
    expect(attachedPolicies(fixtureJson, roleId)).toEqual(policies);
    expect(resource(fixtureJson, "aws_iam_role", roleId).name).toBe(`${NAME}-${name}`);
    // The add-on makes the association itself; no separate association resource.
    expect(resource(fixtureJson, "aws_eks_addon", id(name)).pod_identity_association).toEqual([
      { role_arn: `\${aws_iam_role.${roleId}.arn}`, service_account: sa },
    ]);
    expect(resourcesOf(fixtureJson, "aws_eks_pod_identity_association")).toEqual({});
  });

  test("Container Insights: the CloudWatch agent's own role, for amazon-cloudwatch/cloudwatch-agent, after the nodes", () => {
    const a = resource(fixtureJson, "aws_eks_addon", id("amazon-cloudwatch-observability"));
    expect(a.pod_identity_association).toEqual([
      { role_arn: "${aws_iam_role.eks_amazon_cloudwatch_observability_identity_role.arn}", service_account: "cloudwatch-agent" },
    ]);
    expect(attachedPolicies(fixtureJson, "eks_amazon_cloudwatch_observability_identity_role")).toEqual(["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]);
    expect(a.depends_on.some((d: string) => d.startsWith("aws_eks_node_group."))).toBe(true);
  });

  test("add-ons that do not call AWS get no role", () => {
    for (const name of ["kube-proxy", "eks-pod-identity-agent", "coredns"]) {
      expect(resource(fixtureJson, "aws_eks_addon", id(name)).pod_identity_association).toBeUndefined();
    }
    expect(Object.keys(resourcesOf(fixtureJson, "aws_iam_role")).sort()).toEqual([
      "eks_amazon_cloudwatch_observability_identity_role",
      "eks_aws_ebs_csi_driver_identity_role",
      "eks_cluster_role_role",
      "eks_node_role_role",
      "eks_vpc_cni_identity_role",
    ]);
  });
});

describe("EksCluster: network and boundaries", () => {
  test("private API access from listed CIDRs: 443 on the cluster security group", () => {
    const json = synth(FIXTURE, (p) => ({ ...p, privateAccessCidrs: ["10.30.0.0/16"] }));
    expect(resource(json, "aws_vpc_security_group_ingress_rule", "eks_api_from_10_30_0_0_16")).toMatchObject({
      security_group_id: CLUSTER_SG,
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: "10.30.0.0/16",
    });
    expect(resourcesOf(fixtureJson, "aws_vpc_security_group_ingress_rule")).toEqual({});
  });

  test("a permissions boundary goes on every role the module creates", () => {
    const B = "arn:aws:iam::123456789012:policy/authorworks-dev-boundary";
    const json = synth(FIXTURE, (p) => ({ ...p, permissionsBoundaryArn: B }));
    const roles = Object.values(resourcesOf(json, "aws_iam_role"));
    expect(roles).toHaveLength(5);
    for (const r of roles) expect(r.permissions_boundary).toBe(B);
    for (const r of Object.values(resourcesOf(fixtureJson, "aws_iam_role"))) expect(r.permissions_boundary).toBeUndefined();
  });
});

describe("EksCluster: outputs for the platform layer", () => {
  test("name, endpoint, CA, OIDC issuer, ARN, security groups and node role are references to the cluster", () => {
    const json = synth(FIXTURE, undefined, (eks, stack) => {
      const out = {
        name: eks.clusterName,
        endpoint: eks.endpoint,
        ca: eks.certificateAuthorityData,
        oidc: eks.oidcIssuerUrl,
        arn: eks.clusterArn,
        cluster_sg: eks.clusterSecurityGroupId,
        node_sg: eks.nodeSecurityGroupId,
        node_role: eks.nodeRoleArn,
        secrets_key: eks.secretsKeyArn,
        log_group: eks.logGroupName,
      };
      for (const [k, v] of Object.entries(out)) new TerraformOutput(stack, k, { value: v });
      new TerraformOutput(stack, "groups", { value: [eks.adminGroup, eks.developerGroup] });
    });
    const value = (k: string) => json.output[k].value;
    expect(value("name")).toBe("${aws_eks_cluster.eks_cluster.name}");
    expect(value("endpoint")).toBe("${aws_eks_cluster.eks_cluster.endpoint}");
    expect(value("ca")).toBe("${aws_eks_cluster.eks_cluster.certificate_authority[0].data}");
    expect(value("oidc")).toBe("${aws_eks_cluster.eks_cluster.identity[0].oidc[0].issuer}");
    expect(value("arn")).toBe("${aws_eks_cluster.eks_cluster.arn}");
    expect(value("cluster_sg")).toBe(CLUSTER_SG);
    expect(value("node_sg")).toBe(CLUSTER_SG);
    expect(value("node_role")).toBe("${aws_iam_role.eks_node_role_role.arn}");
    expect(value("secrets_key")).toBe(SECRETS_KEY);
    expect(value("log_group")).toBe("${aws_cloudwatch_log_group.eks_log_group.name}");
    expect(value("groups")).toEqual(["authorworks:admins", "authorworks:developers"]);
  });
});
