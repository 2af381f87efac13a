/**
 * Instance metadata (IMDS) and pods: the nodes keep IMDSv2 with hop limit 1, so a pod in
 * its own network namespace cannot reach it (nor the node role's credentials). Agents
 * that need per-instance data run with hostNetwork (EKS add-ons); every pod-network
 * agent that calls AWS gets its region (and VPC) explicitly, credentials come from Pod
 * Identity, and no NetworkPolicy opens the metadata address. The decision and the
 * per-agent table are in modules/eks/README.md ("Instance metadata and pods").
 */
import { LABELS } from "../../variables/platform";
import { Json, resourcesOf, valuesOf } from "../helpers";
import { realStack } from "../real-app";

const ENVS = ["dev", "staging", "production"] as const;
const stacks = Object.fromEntries(ENVS.map((env) => [env, { aws: realStack(env), platform: realStack(`${env}-platform`) }]));

/** The instance metadata service's address. */
const IMDS = "169.254.169.254";

function ipv4(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

describe("nodes: IMDSv2, hop limit 1", () => {
  test.each(ENVS)("%s: every launch template requires tokens and answers one hop only", (env) => {
    const templates = Object.values(resourcesOf(stacks[env].aws, "aws_launch_template"));
    expect(templates).toHaveLength(3);
    for (const lt of templates)
      expect(lt.metadata_options).toMatchObject({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
  });

  test.each(ENVS)("%s: the agents that read instance data run as EKS add-ons (hostNetwork DaemonSets), not in the platform stack", (env) => {
    const addons = Object.values(resourcesOf(stacks[env].aws, "aws_eks_addon")).map((a) => a.addon_name);
    expect(addons).toEqual(expect.arrayContaining(["vpc-cni", "eks-pod-identity-agent", "amazon-cloudwatch-observability", "aws-ebs-csi-driver"]));
  });
});

describe("pod-network agents that call AWS are told what they would look up", () => {
  test.each(ENVS)("%s: load balancer controller region and VPC, Cluster Autoscaler and external-dns region", (env) => {
    const json = stacks[env].platform;
    expect(valuesOf(json, "addons_aws_load_balancer_controller_release")).toMatchObject({
      region: "us-east-1",
      vpcId: "${data.aws_eks_cluster.cluster.vpc_config[0].vpc_id}",
    });
    expect(valuesOf(json, "addons_cluster_autoscaler_release").awsRegion).toBe("us-east-1");
    expect(valuesOf(json, "addons_external_dns_release").env).toContainEqual({ name: "AWS_DEFAULT_REGION", value: "us-east-1" });
  });

  test.each(ENVS)("%s: Loki's S3 client and cert-manager's Route53 solver name their region", (env) => {
    const json = stacks[env].platform;
    expect(valuesOf(json, "addons_loki_release").loki.storage.object_store.s3).toMatchObject({ region: "us-east-1", endpoint: "s3.us-east-1.amazonaws.com" });
    const issuers = (valuesOf(json, "addons_cert_manager_letsencrypt_issuers").resources as Json[]).filter((r) => r.kind === "ClusterIssuer");
    expect(issuers).toHaveLength(2);
    for (const issuer of issuers) for (const s of issuer.spec.acme.solvers) expect(s.dns01.route53.region).toBe("us-east-1");
  });

  test.each(ENVS)("%s: every service with an AWS role gets AWS_REGION; the others call no AWS API", (env) => {
    const deployments = Object.values(resourcesOf(stacks[env].platform, "kubernetes_deployment_v1"));
    const withRole = deployments.filter((d) => d.spec.template.metadata.labels[LABELS.awsIdentity] === "true");
    expect(withRole.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const vars = d.spec.template.spec.container[0].env;
      if (withRole.includes(d)) expect(vars).toContainEqual({ name: "AWS_REGION", value: "us-east-1" });
      else expect(vars).toBeUndefined();
    }
  });
});

describe("network policies agree with the hop limit", () => {
  test.each(ENVS)("%s: no egress rule opens the metadata address", (env) => {
    for (const [id, policy] of Object.entries(resourcesOf(stacks[env].platform, "kubernetes_network_policy_v1"))) {
      for (const rule of (policy.spec.egress ?? []) as Json[]) {
        const ports = ((rule.ports ?? []) as Json[]).map((p) => String(p.port));
        const httpOpen = ports.length === 0 || ports.includes("80");
        const peers = (rule.to ?? []) as Json[];
        // No peers: every destination; an ipBlock reaches IMDS unless its `except` cuts it out.
        const reachesImds =
          peers.length === 0 ||
          peers.some((p) => p.ip_block && cidrContains(p.ip_block.cidr, IMDS) && !((p.ip_block.except ?? []) as string[]).some((e) => cidrContains(e, IMDS)));
        expect({ id, open: httpOpen && reachesImds }).toEqual({ id, open: false });
      }
    }
  });

  test("the Pod Identity agent (the credentials pods do use) is reachable, and is not IMDS", () => {
    const policy = resourcesOf(stacks.production.platform, "kubernetes_network_policy_v1").tenancy_authorworks_allow_pod_identity_agent;
    expect(policy.spec.egress).toEqual([{ ports: [{ port: "80", protocol: "TCP" }], to: [{ ip_block: { cidr: "169.254.170.23/32" } }] }]);
    expect(cidrContains("169.254.170.23/32", IMDS)).toBe(false);
  });
});
