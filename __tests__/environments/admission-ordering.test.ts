/**
 * First-apply ordering against admission webhooks, derived from the synthesized JSON of
 * the platform stacks: every resource that creates an object a declared webhook
 * intercepts (failurePolicy Fail, or a mutation required where it is) must reach the
 * release installing that webhook through Terraform's own graph (depends_on and
 * references), and that release must wait for readiness.
 */
import { Testing } from "cdktf";
import { resolveEnvironment } from "../../environments/config";
import { production } from "../../environments/production";
import { PlatformStack } from "../../environments/platform-stack";
import type { EnvironmentConfig } from "../../environments/types";
import { AdmissionRequirement, TerraformNode, admissionRequirements, releaseInfo } from "../../modules/addons/admission";
import { CHART_ADMISSION } from "../../modules/addons/admission-catalog";
import type { S3StateSettings } from "../../providers/state";
import { CHARTS } from "../../variables/charts";
import { Json, release, resourcesOf, valuesOf } from "../helpers";
import { realStack } from "../real-app";

const S3: S3StateSettings = { kind: "s3", bucket: "authorworks-terraform-state", lockTable: "authorworks-terraform-locks", region: "us-east-1" };

function synth(cfg: EnvironmentConfig): Json {
  return JSON.parse(Testing.synth(new PlatformStack(Testing.app(), resolveEnvironment(cfg), S3)));
}

const withIngressNginx = (cfg: EnvironmentConfig): EnvironmentConfig => ({ ...cfg, platform: { ...cfg.platform, ingressNginx: true } });
// The committed app's platform stacks, and production's with ingress-nginx.
const STACKS: Record<string, Json> = {
  dev: realStack("dev-platform"),
  staging: realStack("staging-platform"),
  production: realStack("production-platform"),
  "production with ingress-nginx": synth(withIngressNginx(production)),
};
const NAMES = Object.keys(STACKS);

const ALB = "helm_release.addons_aws_load_balancer_controller_release";
const LINKERD = "helm_release.addons_linkerd_control_plane";

function nodesOf(json: Json): TerraformNode[] {
  return Object.entries(json.resource as Record<string, Record<string, Json>>).flatMap(([type, byId]) =>
    Object.entries(byId).map(([id, config]) => ({ address: `${type}.${id}`, type, config })),
  );
}

/**
 * Terraform's dependency graph, written here independently of the module: explicit
 * depends_on, and every `type.name` a `${...}` expression names.
 */
function graphOf(json: Json): Map<string, Set<string>> {
  const nodes = nodesOf(json);
  const known = new Set(nodes.map((n) => n.address));
  const graph = new Map<string, Set<string>>();
  for (const n of nodes) {
    const deps = new Set<string>((n.config.depends_on as string[] | undefined) ?? []);
    const text = JSON.stringify({ ...n.config, depends_on: undefined, "//": undefined });
    for (const [, expr] of text.matchAll(/\$\{([^}]*)\}/g)) {
      for (const [, type, id] of expr.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        if (known.has(`${type}.${id}`)) deps.add(`${type}.${id}`);
      }
    }
    graph.set(n.address, deps);
  }
  return graph;
}

function upstreamOf(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph.get(from) ?? [])];
  while (todo.length) {
    const a = todo.pop()!;
    if (seen.has(a)) continue;
    seen.add(a);
    todo.push(...(graph.get(a) ?? []));
  }
  return seen;
}

const requirementsOf = (json: Json): AdmissionRequirement[] => admissionRequirements(nodesOf(json), CHARTS, CHART_ADMISSION);
const describeReq = (r: AdmissionRequirement) => `${r.consumer} -> ${r.installer} (${r.webhook}: ${r.object.kind})`;

/** Requirements the JSON does not meet, readable. */
function unmet(json: Json): string[] {
  const graph = graphOf(json);
  return requirementsOf(json)
    .filter((r) => !upstreamOf(graph, r.consumer).has(r.installer))
    .map(describeReq);
}

const has = (json: Json, consumer: string, installer: string) => requirementsOf(json).some((r) => r.consumer === consumer && r.installer === installer);

describe("admission webhooks: what they intercept waits for them", () => {
  test.each(NAMES)("%s: every intercepted object's resource depends (transitively) on the release installing the webhook", (name) => {
    const json = STACKS[name];
    expect(requirementsOf(json).length).toBeGreaterThan(20);
    expect(unmet(json)).toEqual([]);
  });

  test.each(NAMES)("%s: the dependency graph has no cycle", (name) => {
    const graph = graphOf(STACKS[name]);
    for (const a of graph.keys()) expect(upstreamOf(graph, a).has(a)).toBe(false);
  });

  test("removing one depends_on is caught", () => {
    const json = structuredClone(STACKS.production);
    const service = json.resource.kubernetes_service_v1.workloads_gateway_service;
    expect(service.depends_on).toEqual([ALB, LINKERD]);
    // Through Linkerd (after cert-manager, after the controller) the Service still waits for the controller...
    service.depends_on = [LINKERD];
    expect(unmet(json)).toEqual([]);
    // ...without it, for neither. The Ingress still waits through the routes release (after every add-on)...
    delete service.depends_on;
    expect(unmet(json)).toEqual([
      `kubernetes_service_v1.workloads_gateway_service -> ${ALB} (mservice.elbv2.k8s.aws: Service)`,
      `kubernetes_service_v1.workloads_gateway_service -> ${LINKERD} (linkerd-proxy-injector.linkerd.io: Service)`,
    ]);
    // ...and without that, not through the Service it references either.
    const ingress = json.resource.kubernetes_ingress_v1.workloads_ingress;
    expect(ingress.depends_on).toEqual(["helm_release.workloads_routes"]);
    delete ingress.depends_on;
    expect(unmet(json)).toEqual([
      `kubernetes_ingress_v1.workloads_ingress -> ${ALB} (vingress.elbv2.k8s.aws: Ingress)`,
      `kubernetes_service_v1.workloads_gateway_service -> ${ALB} (mservice.elbv2.k8s.aws: Service)`,
      `kubernetes_service_v1.workloads_gateway_service -> ${LINKERD} (linkerd-proxy-injector.linkerd.io: Service)`,
    ]);

    const certManager = structuredClone(STACKS.dev);
    const r = certManager.resource.helm_release.addons_cert_manager_release;
    r.depends_on = r.depends_on.filter((d: string) => d !== ALB);
    expect(unmet(certManager)).toContain(`helm_release.addons_cert_manager_release -> ${ALB} (mservice.elbv2.k8s.aws: Service)`);
  });

  test.each(NAMES)("%s: the load balancer controller's Service mutator: every Service (application ones and every chart's) comes after it", (name) => {
    const json = STACKS[name];
    for (const id of Object.keys(resourcesOf(json, "kubernetes_service_v1"))) expect(has(json, `kubernetes_service_v1.${id}`, ALB)).toBe(true);
    // Every chart that makes a Service, whatever its namespace (kube-system too).
    for (const id of [
      "addons_cert_manager_release",
      "addons_trust_manager_release",
      "addons_external_dns_release",
      "addons_cluster_autoscaler_release",
      "addons_metrics_server_release",
      "addons_linkerd_control_plane",
      "addons_kube_prometheus_stack_release",
      "addons_argo_cd_release",
    ]) {
      expect(has(json, `helm_release.${id}`, ALB)).toBe(true);
    }
    // Its own objects are exempt (object selector), and charts without a Service need not wait.
    expect(has(json, ALB, ALB)).toBe(false);
    expect(has(json, "helm_release.addons_linkerd_crds", ALB)).toBe(false);
    // The gateway Ingress: the controller's Ingress validator.
    expect(requirementsOf(json)).toContainEqual(
      expect.objectContaining({ consumer: "kubernetes_ingress_v1.workloads_ingress", installer: ALB, webhook: "vingress.elbv2.k8s.aws" }),
    );
  });

  test("cert-manager and trust-manager: the custom resources of the raw releases and of charts come after their webhooks", () => {
    const json = STACKS.dev;
    const cm = "helm_release.addons_cert_manager_release";
    expect(has(json, "helm_release.addons_cert_manager_letsencrypt_issuers", cm)).toBe(true);
    expect(has(json, "helm_release.addons_linkerd_identity", cm)).toBe(true);
    expect(has(json, "helm_release.addons_linkerd_identity", "helm_release.addons_trust_manager_release")).toBe(true);
    // Charts whose webhook certificate is a cert-manager Certificate.
    expect(has(json, "helm_release.addons_trust_manager_release", cm)).toBe(true);
    expect(has(json, "helm_release.addons_opentelemetry_operator_release", cm)).toBe(true);
    // The OpenTelemetryCollector comes after the operator's webhooks.
    expect(has(json, "helm_release.addons_opentelemetry_operator_collector", "helm_release.addons_opentelemetry_operator_release")).toBe(true);
  });

  test.each(NAMES)("%s: the ClusterSecretStore waits for ESO's webhook, which waits for readiness; ESO's Services for the load balancer controller", (name) => {
    const json = STACKS[name];
    const eso = "helm_release.addons_external_secrets_release";
    expect(requirementsOf(json)).toContainEqual(
      expect.objectContaining({
        consumer: "helm_release.addons_external_secrets_secret_store",
        installer: eso,
        webhook: "validate.clustersecretstore.external-secrets.io",
      }),
    );
    expect(release(json, "addons_external_secrets_release")).toMatchObject({ wait: true });
    expect(has(json, eso, ALB)).toBe(true);
    // Reloader makes no Service: it need not wait for the controller's Service mutator.
    expect(has(json, "helm_release.addons_reloader_release", ALB)).toBe(false);
  });

  test("Linkerd's proxy injector: fail-closed in production (every meshable namespace waits), required where injection is on everywhere", () => {
    for (const name of ["dev", "production"]) {
      // The application namespace injects: its pods and Services come after the injector in every environment.
      expect(has(STACKS[name], "kubernetes_service_v1.workloads_gateway_service", LINKERD)).toBe(true);
      expect(has(STACKS[name], "helm_release.workloads_rollouts", LINKERD)).toBe(true);
      // kube-system and cert-manager are outside its namespace selector.
      expect(has(STACKS[name], "helm_release.addons_metrics_server_release", LINKERD)).toBe(false);
      expect(has(STACKS[name], "helm_release.addons_trust_manager_release", LINKERD)).toBe(false);
    }
    expect(valuesOf(STACKS.production, "addons_linkerd_control_plane").webhookFailurePolicy).toBe("Fail");
    expect(has(STACKS.production, "helm_release.addons_kube_prometheus_stack_release", LINKERD)).toBe(true);
    expect(has(STACKS.production, "helm_release.addons_external_dns_release", LINKERD)).toBe(true);
    // Ignore and no injection in monitoring: nothing to wait for there.
    expect(valuesOf(STACKS.dev, "addons_linkerd_control_plane").webhookFailurePolicy).toBe("Ignore");
    expect(has(STACKS.dev, "helm_release.addons_kube_prometheus_stack_release", LINKERD)).toBe(false);
  });

  test("ingress-nginx, when installed, validates every Ingress: the gateway Ingress waits for it", () => {
    const json = STACKS["production with ingress-nginx"];
    expect(has(json, "kubernetes_ingress_v1.workloads_ingress", "helm_release.addons_ingress_nginx_release")).toBe(true);
    expect(unmet(json)).toEqual([]);
  });

  test.each(NAMES)("%s: every release installing a webhook that orders something waits for readiness", (name) => {
    const json = STACKS[name];
    const installers = new Set(requirementsOf(json).map((r) => r.installer.replace(/^helm_release\./, "")));
    expect([...installers].sort()).toEqual(
      expect.arrayContaining([
        "addons_aws_load_balancer_controller_release",
        "addons_cert_manager_release",
        "addons_linkerd_control_plane",
        "addons_opentelemetry_operator_release",
        "addons_trust_manager_release",
      ]),
    );
    for (const id of installers) {
      expect(release(json, id)).toMatchObject({ wait: true });
      expect(release(json, id).timeout).toBeGreaterThanOrEqual(600);
    }
    // Webhook servers with a readiness gap of their own, closed with what their charts offer.
    expect(valuesOf(json, "addons_aws_load_balancer_controller_release").readinessProbe).toMatchObject({ httpGet: { path: "/readyz", port: 61779 } });
    expect(valuesOf(json, "addons_cert_manager_release").startupapicheck).toMatchObject({ enabled: true });
    expect(valuesOf(json, "addons_trust_manager_release").startupapicheck).toMatchObject({ enabled: true });
  });
});

describe("every chart declares what it brings to admission", () => {
  test("one declaration per chart of the catalogue (possibly without webhooks)", () => {
    expect(Object.keys(CHART_ADMISSION).sort()).toEqual(Object.keys(CHARTS).sort());
    for (const a of Object.values(CHART_ADMISSION)) expect(a.source).toMatch(/\S/);
  });

  test.each(NAMES)("%s: every helm_release is of a catalogued chart", (name) => {
    for (const n of nodesOf(STACKS[name]).filter((n) => n.type === "helm_release")) {
      expect(() => releaseInfo(n, CHARTS, CHART_ADMISSION)).not.toThrow();
    }
  });

  test("the inventory with the values each stack sets: Fail webhooks by release", () => {
    const failing = (json: Json) =>
      Object.fromEntries(
        nodesOf(json)
          .filter((n) => n.type === "helm_release")
          .map((n) => {
            const r = releaseInfo(n, CHARTS, CHART_ADMISSION);
            return [
              n.address.replace(/^helm_release\.addons_/, ""),
              r.admission
                .webhooks(r.values)
                .filter((w) => w.failurePolicy === "Fail")
                .map((w) => w.name),
            ];
          })
          .filter(([, names]) => names.length > 0),
      );
    expect(failing(STACKS.production)).toEqual({
      aws_load_balancer_controller_release: [
        "mpod.elbv2.k8s.aws",
        "quicid.elbv2.k8s.aws",
        "alb-target-control.namespace.elbv2.k8s.aws",
        "alb-target-control.object.elbv2.k8s.aws",
        "mtargetgroupbinding.elbv2.k8s.aws",
        "vingressclassparams.elbv2.k8s.aws",
        "vtargetgroupbinding.elbv2.k8s.aws",
        "mservice.elbv2.k8s.aws",
        "vingress.elbv2.k8s.aws",
      ],
      cert_manager_release: ["webhook.cert-manager.io", "webhook.cert-manager.io"],
      trust_manager_release: ["trust.cert-manager.io"],
      linkerd_control_plane: ["linkerd-proxy-injector.linkerd.io", "linkerd-sp-validator.linkerd.io", "linkerd-policy-validator.linkerd.io"],
      opentelemetry_operator_release: [
        "mopentelemetrycollectorbeta.kb.io",
        "vopentelemetrycollectorcreateupdatebeta.kb.io",
        "minstrumentation.kb.io",
        "vinstrumentationcreateupdate.kb.io",
      ],
      external_secrets_release: [
        "validate.secretstore.external-secrets.io",
        "validate.clustersecretstore.external-secrets.io",
        "validate.externalsecret.external-secrets.io",
      ],
    });
    // Without high availability Linkerd's webhooks fail open; kube-prometheus-stack's always do here.
    expect(failing(STACKS.dev).linkerd_control_plane).toBeUndefined();
    expect(failing(STACKS.dev).kube_prometheus_stack_release).toBeUndefined();
    expect(failing(STACKS["production with ingress-nginx"]).ingress_nginx_release).toEqual(["validate.nginx.ingress.kubernetes.io"]);
  });
});
