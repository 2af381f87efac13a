import { Testing } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { Release } from "@cdktf/provider-helm/lib/release";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { AuthorWorksStack } from "../../environments/stack-base";
import { manifestObjects, orderAfterAdmissionWebhooks, selects } from "../../modules/addons/admission";
import { CHART_ADMISSION } from "../../modules/addons/admission-catalog";
import { helmRelease } from "../../modules/addons/types";
import { CHARTS } from "../../variables/charts";
import { Json } from "../helpers";

/** A stack with the ordering aspect; `build` adds resources. */
function stackWith(build: (stack: AuthorWorksStack) => void): AuthorWorksStack {
  const stack = new AuthorWorksStack(Testing.app(), "test");
  new KubernetesProvider(stack, "kubernetes", {});
  new HelmProvider(stack, "helm", {});
  build(stack);
  orderAfterAdmissionWebhooks(stack, CHARTS, CHART_ADMISSION);
  return stack;
}
const synth = (stack: AuthorWorksStack): Json => JSON.parse(Testing.synth(stack));
const alb = (stack: AuthorWorksStack, dependsOn?: Release[]) =>
  helmRelease(stack, "alb", {
    name: "aws-load-balancer-controller",
    chart: CHARTS.awsLoadBalancerController,
    namespace: "kube-system",
    values: { clusterName: "c" },
    dependsOn,
  });

describe("label selectors (Kubernetes semantics)", () => {
  const labels = { a: "1", b: "2" };
  test.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { a: "1" } }, true],
    [{ matchLabels: { a: "2" } }, false],
    [{ matchExpressions: [{ key: "a", operator: "In" as const, values: ["1", "3"] }] }, true],
    [{ matchExpressions: [{ key: "c", operator: "In" as const, values: ["1"] }] }, false],
    [{ matchExpressions: [{ key: "a", operator: "NotIn" as const, values: ["1"] }] }, false],
    // NotIn holds for a missing key.
    [{ matchExpressions: [{ key: "c", operator: "NotIn" as const, values: ["1"] }] }, true],
    [{ matchExpressions: [{ key: "b", operator: "Exists" as const }] }, true],
    [{ matchExpressions: [{ key: "b", operator: "DoesNotExist" as const }] }, false],
    [{ matchLabels: { a: "1" }, matchExpressions: [{ key: "c", operator: "Exists" as const }] }, false],
  ])("%j -> %s", (selector, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });
});

describe("manifest objects", () => {
  test("a namespaced manifest lands in the release namespace unless it names one; a Rollout stands for its pods too", () => {
    expect(manifestObjects({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "r", labels: { app: "x" } } }, "apps")).toEqual([
      { group: "argoproj.io", kind: "Rollout", namespace: "apps", labels: { app: "x" } },
      { group: "", kind: "Pod", namespace: "apps", labels: { app: "x" } },
    ]);
    expect(manifestObjects({ apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "c", namespace: "other" } }, "apps")).toEqual([
      { group: "cert-manager.io", kind: "Certificate", namespace: "other", labels: {} },
    ]);
  });

  test("cluster-scoped kinds have no namespace", () => {
    expect(manifestObjects({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "i" } }, "apps")[0].namespace).toBeUndefined();
  });
});

describe("orderAfterAdmissionWebhooks", () => {
  test("a Service made without dependencies waits for the load balancer controller; one that already does is left alone", () => {
    const json = synth(
      stackWith((stack) => {
        const controller = alb(stack);
        const ns = new NamespaceV1(stack, "ns", { metadata: { name: "apps" } });
        new ServiceV1(stack, "bare", { metadata: { name: "bare", namespace: ns.metadata.name }, spec: { port: [{ port: 80 }] } });
        const chart = helmRelease(stack, "chart", {
          name: "metrics-server",
          chart: CHARTS.metricsServer,
          namespace: "kube-system",
          values: {},
          dependsOn: [controller],
        });
        new ServiceV1(stack, "after_chart", { metadata: { name: "after", namespace: "apps" }, spec: { port: [{ port: 80 }] }, dependsOn: [chart] });
      }),
    );
    expect(json.resource.kubernetes_service_v1.bare.depends_on).toEqual(["helm_release.alb"]);
    // Through metrics-server, which waits for the controller: nothing added.
    expect(json.resource.kubernetes_service_v1.after_chart.depends_on).toEqual(["helm_release.chart"]);
    // The controller's own objects are exempt; a Namespace is not intercepted.
    expect(json.resource.helm_release.alb.depends_on).toBeUndefined();
    expect(json.resource.kubernetes_namespace_v1.ns.depends_on).toBeUndefined();
  });

  test("custom resources of a raw release wait for the webhook of their group", () => {
    const json = synth(
      stackWith((stack) => {
        helmRelease(stack, "cert_manager", { name: "cert-manager", chart: CHARTS.certManager, namespace: "cert-manager", values: {} });
        helmRelease(stack, "issuers", {
          name: "issuers",
          chart: CHARTS.raw,
          namespace: "cert-manager",
          values: { resources: [{ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "x" } }] },
        });
      }),
    );
    expect(json.resource.helm_release.issuers.depends_on).toEqual(["helm_release.cert_manager"]);
  });

  test("refuses an order that would be a cycle", () => {
    const stack = stackWith((stack) => {
      const issuers = helmRelease(stack, "issuers", {
        name: "issuers",
        chart: CHARTS.raw,
        namespace: "cert-manager",
        values: { resources: [{ apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "x" } }] },
      });
      helmRelease(stack, "cert_manager", { name: "cert-manager", chart: CHARTS.certManager, namespace: "cert-manager", values: {}, dependsOn: [issuers] });
    });
    expect(() => Testing.synth(stack)).toThrow(
      "admission ordering: helm_release.issuers creates a Issuer object, which webhook.cert-manager.io (helm_release.cert_manager) intercepts, but helm_release.cert_manager already depends on helm_release.issuers",
    );
  });

  test("refuses a release of a chart whose admission is not declared", () => {
    const stack = stackWith((stack) => {
      new Release(stack, "stray", { name: "stray", chart: "stray", repository: "https://charts.example.com" });
    });
    expect(() => Testing.synth(stack)).toThrow("helm_release.stray: chart https://charts.example.com stray is not in variables/charts.ts");
  });

  test("refuses a kubernetes_* type whose kind it does not know", () => {
    const stack = stackWith((stack) => {
      new PodV1(stack, "pod", { metadata: { name: "p" }, spec: { container: [{ name: "c", image: "busybox" }] } });
    });
    expect(() => Testing.synth(stack)).toThrow("kubernetes_pod_v1.pod: kubernetes_pod_v1 is not in KUBERNETES_RESOURCE_KINDS");
  });
});
