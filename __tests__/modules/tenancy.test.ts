import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RELOADER_NAMESPACE_SELECTOR } from "../../modules/addons/reloader";
import { Tenancy, TenancyProps } from "../../modules/tenancy";
import { APPLICATION_NAMESPACES } from "../../variables/platform";
import { publicLoadBalancerTarget } from "../../modules/workloads";
import { Json, resource, resourcesOf, synthWith } from "../helpers";

const QUOTA: TenancyProps["quota"] = {
  requests: { cpu: "32", memory: "48Gi" },
  limits: { cpu: "128", memory: "96Gi" },
  pods: 150,
  services: 20,
  persistentVolumeClaims: 10,
};
const LIMITS: TenancyProps["limitRange"] = {
  defaultRequest: { cpu: "100m", memory: "128Mi" },
  default: { cpu: "500m", memory: "512Mi" },
  max: { cpu: "2", memory: "2Gi" },
};

function synth(overrides: Partial<TenancyProps> = {}): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
    new Tenancy(stack, "tenancy", {
      environment: "production",
      vpcCidr: "10.30.0.0/16",
      databaseSubnetCidrs: ["10.30.200.0/24", "10.30.201.0/24", "10.30.202.0/24"],
      quota: QUOTA,
      limitRange: LIMITS,
      loadBalancerTargets: [publicLoadBalancerTarget()],
      ...overrides,
    });
  });
}

const NS_REF = "${kubernetes_namespace_v1.tenancy_namespace_authorworks.metadata[0].name}";
const policy = (json: Json, id: string) => resource(json, "kubernetes_network_policy_v1", `tenancy_authorworks_${id}`);
const ports = (list: Json[]) => list.map((p) => `${p.protocol}/${p.port}`);

describe("Tenancy", () => {
  const json = synth();

  describe("namespaces", () => {
    test("one per definition, labelled with tier, environment and Pod Security level", () => {
      const ns = resourcesOf(json, "kubernetes_namespace_v1");
      expect(Object.keys(ns).sort()).toEqual(["tenancy_namespace_authorworks", "tenancy_namespace_monitoring", "tenancy_namespace_platform_system"]);
      const labels = (id: string) => ns[id].metadata.labels;
      expect(labels("tenancy_namespace_authorworks")).toMatchObject({
        "authorworks.io/tier": "applications",
        "authorworks.io/environment": "production",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
      });
      expect(labels("tenancy_namespace_platform_system")).toMatchObject({ "authorworks.io/tier": "system", "pod-security.kubernetes.io/enforce": "baseline" });
      // node-exporter and Alloy need host access: privileged, but baseline is still warned and audited.
      expect(labels("tenancy_namespace_monitoring")).toMatchObject({
        "authorworks.io/tier": "monitoring",
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/warn": "baseline",
      });
      expect(labels("tenancy_namespace_monitoring")["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBeUndefined();
    });

    test("Reloader's namespace selector matches exactly the application namespaces as labelled here", () => {
      const [key, value] = RELOADER_NAMESPACE_SELECTOR.split("=");
      const selected = Object.values(resourcesOf(json, "kubernetes_namespace_v1"))
        .filter((n) => n.metadata.labels[key] === value)
        .map((n) => n.metadata.name);
      expect(selected).toEqual([...APPLICATION_NAMESPACES]);
    });

    test("Linkerd injection on application namespaces only", () => {
      const ns = resourcesOf(json, "kubernetes_namespace_v1");
      expect(ns.tenancy_namespace_authorworks.metadata.annotations["linkerd.io/inject"]).toBe("enabled");
      expect(ns.tenancy_namespace_monitoring.metadata.annotations["linkerd.io/inject"]).toBeUndefined();
      expect(ns.tenancy_namespace_platform_system.metadata.annotations["linkerd.io/inject"]).toBeUndefined();
    });

    test("the environment label follows the prop", () => {
      const dev = synth({ environment: "dev" });
      expect(resource(dev, "kubernetes_namespace_v1", "tenancy_namespace_authorworks").metadata.labels["authorworks.io/environment"]).toBe("dev");
    });
  });

  describe("network policies of the application namespace", () => {
    test("ten policies, all in the namespace (by reference, so they wait for it)", () => {
      const all = resourcesOf(json, "kubernetes_network_policy_v1");
      expect(Object.keys(all).sort()).toEqual(
        [
          "allow_data_tier",
          "allow_dns",
          "allow_https",
          "allow_linkerd",
          "allow_load_balancer_gateway",
          "allow_monitoring",
          "allow_pod_identity_agent",
          "allow_same_namespace",
          "allow_traces",
          "default_deny",
        ].map((x) => `tenancy_authorworks_${x}`),
      );
      for (const p of Object.values(all)) expect(p.metadata.namespace).toBe(NS_REF);
      // No other namespace gets policies.
      expect(Object.keys(synth({ loadBalancerTargets: [] }).resource.kubernetes_network_policy_v1)).toHaveLength(9);
    });

    test("traces: egress to the monitoring namespace on the OTLP ports only", () => {
      expect(policy(json, "allow_traces").spec.egress).toEqual([
        {
          to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [
            { port: "4317", protocol: "TCP" },
            { port: "4318", protocol: "TCP" },
          ],
        },
      ]);
    });

    test("default deny: every pod, both directions, no rule", () => {
      expect(policy(json, "default_deny")).toEqual({
        metadata: expect.objectContaining({ name: "default-deny" }),
        spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] },
      });
    });

    test("DNS: only to kube-dns pods in kube-system, UDP and TCP 53", () => {
      const spec = policy(json, "allow_dns").spec;
      expect(spec.policy_types).toEqual(["Egress"]);
      expect(spec.pod_selector).toEqual({});
      expect(spec.egress).toEqual([
        {
          to: [
            {
              namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } },
              pod_selector: { match_labels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
        },
      ]);
    });

    test("load balancer: the VPC range to the gateway pods' port only", () => {
      const spec = policy(json, "allow_load_balancer_gateway").spec;
      expect(spec.policy_types).toEqual(["Ingress"]);
      expect(spec.pod_selector).toEqual({ match_labels: { "app.kubernetes.io/name": "authorworks-gateway" } });
      expect(spec.ingress).toEqual([{ from: [{ ip_block: { cidr: "10.30.0.0/16" } }], ports: [{ port: "8080", protocol: "TCP" }] }]);
    });

    test("Linkerd: control plane to the proxy ports, proxies to the control plane", () => {
      const spec = policy(json, "allow_linkerd").spec;
      const linkerd = [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "linkerd" } } }];
      expect(spec.policy_types).toEqual(["Ingress", "Egress"]);
      expect(spec.ingress).toEqual([
        {
          from: linkerd,
          ports: [
            { port: "4143", protocol: "TCP" },
            { port: "4191", protocol: "TCP" },
          ],
        },
      ]);
      expect(spec.egress[0].to).toEqual(linkerd);
      expect(ports(spec.egress[0].ports)).toEqual(["TCP/8080", "TCP/8086", "TCP/8090", "TCP/4143"]);
    });

    test("same namespace: app port and the proxy ports, both ways, between the namespace's pods", () => {
      const spec = policy(json, "allow_same_namespace").spec;
      expect(spec.ingress).toEqual([{ from: [{ pod_selector: {} }], ports: expect.any(Array) }]);
      expect(spec.egress).toEqual([{ to: [{ pod_selector: {} }], ports: expect.any(Array) }]);
      expect(ports(spec.ingress[0].ports)).toEqual(["TCP/8080", "TCP/4143", "TCP/4191"]);
      expect(ports(spec.egress[0].ports)).toEqual(["TCP/8080", "TCP/4143", "TCP/4191"]);
    });

    test("monitoring: from the monitoring namespace to the metrics ports", () => {
      const spec = policy(json, "allow_monitoring").spec;
      expect(spec.policy_types).toEqual(["Ingress"]);
      expect(spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
      expect(ports(spec.ingress[0].ports)).toEqual(["TCP/8080", "TCP/4191"]);
    });

    test("data tier: the database subnets on PostgreSQL and Valkey ports only", () => {
      const spec = policy(json, "allow_data_tier").spec;
      expect(spec.policy_types).toEqual(["Egress"]);
      expect(spec.egress).toEqual([
        {
          to: [{ ip_block: { cidr: "10.30.200.0/24" } }, { ip_block: { cidr: "10.30.201.0/24" } }, { ip_block: { cidr: "10.30.202.0/24" } }],
          ports: [
            { port: "5432", protocol: "TCP" },
            { port: "6379", protocol: "TCP" },
          ],
        },
      ]);
    });

    test("HTTPS out to anywhere, nothing else", () => {
      expect(policy(json, "allow_https").spec.egress).toEqual([{ ports: [{ port: "443", protocol: "TCP" }] }]);
    });

    test("Pod Identity agent: only pods marked as AWS users, to the agent's link-local address", () => {
      const spec = policy(json, "allow_pod_identity_agent").spec;
      expect(spec.pod_selector).toEqual({ match_labels: { "authorworks.io/aws-identity": "true" } });
      expect(spec.egress).toEqual([{ to: [{ ip_block: { cidr: "169.254.170.23/32" } }], ports: [{ port: "80", protocol: "TCP" }] }]);
    });

    test("a load balancer target outside the application namespaces is refused", () => {
      expect(() => synth({ loadBalancerTargets: [{ ...publicLoadBalancerTarget(), namespace: "monitoring" }] })).toThrow(/not an application namespace/);
    });
  });

  describe("quota and limits", () => {
    test("ResourceQuota from the props, and no LoadBalancer or NodePort services", () => {
      const q = resource(json, "kubernetes_resource_quota_v1", "tenancy_authorworks_quota");
      expect(q.metadata.namespace).toBe(NS_REF);
      expect(q.spec.hard).toEqual({
        "requests.cpu": "32",
        "requests.memory": "48Gi",
        "limits.cpu": "128",
        "limits.memory": "96Gi",
        pods: "150",
        services: "20",
        persistentvolumeclaims: "10",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      });
      const small = synth({ quota: { ...QUOTA, pods: 60, requests: { cpu: "8", memory: "16Gi" } } });
      expect(resource(small, "kubernetes_resource_quota_v1", "tenancy_authorworks_quota").spec.hard).toMatchObject({
        pods: "60",
        "requests.cpu": "8",
        "requests.memory": "16Gi",
      });
    });

    test("LimitRange: container defaults and ceiling", () => {
      const l = resource(json, "kubernetes_limit_range_v1", "tenancy_authorworks_limit_range");
      expect(l.spec.limit).toEqual([
        { type: "Container", default_request: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" }, max: { cpu: "2", memory: "2Gi" } },
      ]);
    });
  });

  describe("RBAC", () => {
    const role = resource(json, "kubernetes_role_v1", "tenancy_authorworks_developer_role");
    const rules: Json[] = role.rule;
    const resources = rules.flatMap((r) => r.resources as string[]);

    test("developers: read on workloads, logs, exec and port-forward; never secrets, never wildcards", () => {
      expect(role.metadata.namespace).toBe(NS_REF);
      expect(resources).toEqual(
        expect.arrayContaining([
          "pods",
          "services",
          "configmaps",
          "deployments",
          "horizontalpodautoscalers",
          "ingresses",
          "pods/log",
          "pods/exec",
          "pods/portforward",
        ]),
      );
      expect(resources).not.toContain("secrets");
      expect(resources).not.toContain("*");
      expect(rules.flatMap((r) => r.verbs as string[])).not.toContain("*");
      const verbsOf = (res: string) => rules.filter((r) => r.resources.includes(res)).flatMap((r) => r.verbs);
      // WebSocket exec (kubectl 1.30+) is a GET; SPDY a POST.
      expect(verbsOf("pods/exec").sort()).toEqual(["create", "get"]);
      expect(verbsOf("pods/portforward").sort()).toEqual(["create", "get"]);
      expect(verbsOf("pods/log").sort()).toEqual(["get", "list", "watch"]);
      expect(verbsOf("deployments").sort()).toEqual(["get", "list", "watch"]);
    });

    test("developer role bound to the developers group; admins get the built-in admin role", () => {
      const dev = resource(json, "kubernetes_role_binding_v1", "tenancy_authorworks_developer_binding");
      expect(dev.role_ref).toEqual({
        api_group: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "${kubernetes_role_v1.tenancy_authorworks_developer_role.metadata[0].name}",
      });
      expect(dev.subject).toEqual([{ kind: "Group", name: "authorworks:developers", api_group: "rbac.authorization.k8s.io" }]);
      const admin = resource(json, "kubernetes_role_binding_v1", "tenancy_authorworks_admin_binding");
      expect(admin.metadata.namespace).toBe(NS_REF);
      expect(admin.role_ref).toEqual({ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" });
      expect(admin.subject).toEqual([{ kind: "Group", name: "authorworks:admins", api_group: "rbac.authorization.k8s.io" }]);
    });

    test("cluster-wide read for developers: nodes and namespaces, no secrets, no proxy or exec subresources", () => {
      const cr = resource(json, "kubernetes_cluster_role_v1", "tenancy_developer_cluster_read");
      const res = (cr.rule as Json[]).flatMap((r) => r.resources as string[]);
      expect(res).toEqual(expect.arrayContaining(["nodes", "namespaces", "persistentvolumes", "storageclasses"]));
      expect(res.filter((r) => r === "secrets" || r === "*" || r.includes("/"))).toEqual([]);
      expect(new Set((cr.rule as Json[]).flatMap((r) => r.verbs as string[]))).toEqual(new Set(["get", "list", "watch"]));
      const binding = resource(json, "kubernetes_cluster_role_binding_v1", "tenancy_developer_cluster_read_binding");
      expect(binding.role_ref.name).toBe("${kubernetes_cluster_role_v1.tenancy_developer_cluster_read.metadata[0].name}");
      expect(binding.subject.map((s: Json) => s.name)).toEqual(["authorworks:developers", "authorworks:admins"]);
    });

    test("group names come from the prop", () => {
      const custom = synth({ groups: { admins: "ops:admins", developers: "ops:devs" } });
      expect(resource(custom, "kubernetes_role_binding_v1", "tenancy_authorworks_developer_binding").subject[0].name).toBe("ops:devs");
      expect(resource(custom, "kubernetes_role_binding_v1", "tenancy_authorworks_admin_binding").subject[0].name).toBe("ops:admins");
    });
  });
});
