import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { AddonContext, PlatformAddon, PlatformAddons, SYSTEM_PLACEMENT, installOrder, standardAddons } from "../../modules/addons";
import {
  ANALYSIS_TEMPLATE,
  DEFAULT_CANARY_STEPS,
  DeliveryAddonsOptions,
  PROMETHEUS_URL,
  defaultCanaryStrategy,
  deliveryAddons,
  githubOrgUrl,
} from "../../modules/addons/delivery";
import { DENIED_KINDS, SHARED_KINDS } from "../../modules/addons/delivery/argo-cd";
import type { EnvironmentConfig } from "../../environments/types";
import { Testing } from "cdktf";
import { buildApp } from "../../environments/app";
import { CHARTS } from "../../variables/charts";
import { FIXTURE } from "../fixtures/environment";
import type { EnvironmentName } from "../../variables/project";
import { Json, TEST_AWS, dataOf, resource, resourcesOf, rawResource, statements, synthWith, release, valuesOf, cataloguedRelease } from "../helpers";
import { stubKeys } from "../fixtures/context";

function ctx(environment: EnvironmentName, highAvailability = false): AddonContext {
  return {
    environment,
    aws: TEST_AWS,
    clusterName: `authorworks-${environment}`,
    vpcId: "vpc-0123456789abcdef0",
    hostedZone: { name: `${environment}.authorworks.io`, zoneId: "Z0TESTZONE", arn: "arn:aws:route53:::hostedzone/Z0TESTZONE" },
    regionalWebAclName: `authorworks-${environment}-regional`,
    placement: SYSTEM_PLACEMENT,
    highAvailability,
    namePrefix: `authorworks-${environment}`,
  };
}

/** The options the platform stack passes, from an environment's data. */
function optionsOf(env: EnvironmentConfig): DeliveryAddonsOptions {
  return { ...env.delivery, githubRepository: env.security.githubRepository };
}

function synth(env: EnvironmentConfig, extra: PlatformAddon[] = [], highAvailability = false): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    new PlatformAddons(stack, "addons", { context: ctx(env.name, highAvailability), addons: [...extra, ...deliveryAddons(optionsOf(env))] });
  });
}

/** API group and kind of each Kubernetes provider resource type (the provider's schema). */
const KUBERNETES_RESOURCE_KINDS: Record<string, string> = {
  kubernetes_config_map_v1: "/ConfigMap",
  kubernetes_deployment_v1: "apps/Deployment",
  kubernetes_horizontal_pod_autoscaler_v2: "autoscaling/HorizontalPodAutoscaler",
  kubernetes_ingress_v1: "networking.k8s.io/Ingress",
  kubernetes_job_v1: "batch/Job",
  kubernetes_limit_range_v1: "/LimitRange",
  kubernetes_network_policy_v1: "networking.k8s.io/NetworkPolicy",
  kubernetes_persistent_volume_claim_v1: "/PersistentVolumeClaim",
  kubernetes_pod_disruption_budget_v1: "policy/PodDisruptionBudget",
  kubernetes_resource_quota_v1: "/ResourceQuota",
  kubernetes_role_binding_v1: "rbac.authorization.k8s.io/RoleBinding",
  kubernetes_role_v1: "rbac.authorization.k8s.io/Role",
  kubernetes_secret_v1: "/Secret",
  kubernetes_service_account_v1: "/ServiceAccount",
  kubernetes_service_v1: "/Service",
};

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: manifests
 * at https://git.fixture.authorworks.net/fixture/manifests.git, revision fixture-revision,
 * no automated sync, 20-24 runners for fixture-org: values no real environment has, so an
 * option ignored or replaced by a constant fails. The variants change one field each: sync
 * automated; the name production (which decides the developers' sync right).
 */
const REPO = "https://git.fixture.authorworks.net/fixture/manifests.git";
const PRODUCTION: EnvironmentConfig = { ...FIXTURE, name: "production" };
const JSONS = {
  fixture: synth(FIXTURE),
  autoSync: synth({ ...FIXTURE, delivery: { ...FIXTURE.delivery, autoSync: true } }),
  production: synth(PRODUCTION),
};
const fixtureJson = JSONS.fixture;

describe("Helm releases", () => {
  test.each([
    ["addons_argo_cd_release", CHARTS.argoCd, "argo-cd", "argocd"],
    ["addons_argo_cd_applications", CHARTS.raw, "authorworks-applications", "argocd"],
    ["addons_argo_rollouts_release", CHARTS.argoRollouts, "argo-rollouts", "argo-rollouts"],
    ["addons_argo_rollouts_analysis_templates", CHARTS.raw, "canary-analysis-templates", "argo-rollouts"],
    ["addons_arc_controller_release", CHARTS.arcController, "arc-controller", "arc-systems"],
    ["addons_arc_runners_release", CHARTS.arcRunnerScaleSet, "authorworks-staging", "arc-runners"],
  ])("%s: catalogued chart at its pinned version, release name, namespace", (id, chart, name, namespace) => {
    expect(release(fixtureJson, id)).toMatchObject(cataloguedRelease(chart, name, namespace));
  });

  test("ARC charts come from the OCI registry, at the same version", () => {
    expect(CHARTS.arcController.repository).toBe("oci://ghcr.io/actions/actions-runner-controller-charts");
    expect(CHARTS.arcRunnerScaleSet.version).toBe(CHARTS.arcController.version);
  });

  test("the installer creates the four namespaces; the runners' namespace is labelled baseline", () => {
    const ns = resourcesOf(fixtureJson, "kubernetes_namespace_v1");
    expect(
      Object.values(ns)
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(["arc-runners", "arc-systems", "argo-rollouts", "argocd"]);
    expect(ns["addons_namespace_arc_runners"]).toMatchObject({
      metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline", "authorworks.io/tier": "ci" } },
    });
  });

  test("CR releases wait for their controller's release (they plan on an empty cluster)", () => {
    expect(release(fixtureJson, "addons_argo_cd_applications").depends_on).toEqual(["helm_release.addons_argo_cd_release"]);
    expect(release(fixtureJson, "addons_argo_rollouts_analysis_templates").depends_on).toEqual(["helm_release.addons_argo_rollouts_release"]);
  });

  test("the runner scale set is installed after the controller, its secret and its network policies", () => {
    const deps = release(fixtureJson, "addons_arc_runners_release").depends_on as string[];
    expect(deps).toEqual(
      expect.arrayContaining([
        "helm_release.addons_arc_controller_release",
        "kubernetes_secret_v1.addons_arc_runners_github_app_secret",
        "kubernetes_network_policy_v1.addons_arc_runners_default_deny",
        "kubernetes_network_policy_v1.addons_arc_runners_allow_egress",
      ]),
    );
  });

  test("the delivery add-ons install after the standard ones without conflicting names", () => {
    const all = [
      ...standardAddons({
        acmeEmail: "platform@authorworks.io",
        externalDnsPolicy: "sync",
        clusterAutoscalerImageTag: "v1.34.0",
        externalSecrets: { secretsKeyArn: stubKeys().secrets.arn },
        reloader: { argoRollouts: true },
      }),
      ...deliveryAddons(optionsOf(FIXTURE)),
    ];
    const order = installOrder(all).map((a) => a.name);
    expect(order.indexOf("arc-runners")).toBeGreaterThan(order.indexOf("arc-controller"));
    // Reloader's chart grants the Rollout permissions only when the Rollout CRD exists at install.
    expect(order.indexOf("reloader")).toBeGreaterThan(order.indexOf("argo-rollouts"));
    expect(new Set(order).size).toBe(all.length);
  });
});

describe("Argo CD", () => {
  // autoSync and the name each varied alone: the sync policy follows autoSync only.
  test.each([
    ["fixture", false],
    ["autoSync", true],
    ["production", false],
  ] as const)("%s: automated sync with prune and self-heal = %s", (variant, automated) => {
    const set = rawResource(JSONS[variant], "addons_argo_cd_applications", "ApplicationSet");
    const policy = set.spec.template.spec.syncPolicy;
    if (automated) {
      expect(policy.automated).toEqual({ prune: true, selfHeal: true });
    } else {
      expect(policy).not.toHaveProperty("automated");
    }
    expect(policy.syncOptions).toContain("CreateNamespace=false");
  });

  test.each([
    ["fixture", "staging"],
    ["production", "production"],
  ] as const)("%s: ApplicationSet = one Application per overlays/<env>/* directory of the manifests repo, at the configured revision", (variant, env) => {
    const set = rawResource(JSONS[variant], "addons_argo_cd_applications", "ApplicationSet");
    expect(set.metadata).toEqual({ name: `authorworks-${env}`, namespace: "argocd" });
    expect(set.spec.generators).toEqual([{ git: { repoURL: REPO, revision: "fixture-revision", directories: [{ path: `overlays/${env}/*` }] } }]);
    expect(set.spec.template.metadata.name).toBe("{{.path.basename}}");
    expect(set.spec.template.spec).toMatchObject({
      project: `authorworks-${env}`,
      source: { repoURL: REPO, targetRevision: "fixture-revision", path: "{{.path.path}}" },
      destination: { server: "https://kubernetes.default.svc", namespace: "authorworks" },
    });
  });

  test("the revision comes from the configuration", () => {
    const json = synthWith((stack) => {
      new KubernetesProvider(stack, "kubernetes", {});
      new HelmProvider(stack, "helm", {});
      new PlatformAddons(stack, "addons", { context: ctx("staging"), addons: deliveryAddons({ ...optionsOf(FIXTURE), manifestsRevision: "release-2026.11" }) });
    });
    const set = rawResource(json, "addons_argo_cd_applications", "ApplicationSet");
    expect(set.spec.generators[0].git.revision).toBe("release-2026.11");
    expect(set.spec.template.spec.source.targetRevision).toBe("release-2026.11");
  });

  test("AppProject: the manifests repo is the only source; destinations are the application namespaces of this cluster", () => {
    const project = rawResource(fixtureJson, "addons_argo_cd_applications", "AppProject");
    expect(project.metadata).toEqual({ name: "authorworks-staging", namespace: "argocd" });
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(project.spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: "authorworks" }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
  });

  describe("one owner per object: the AppProject's namespace blacklist, against what the platform stack makes", () => {
    // The whole platform stack of the synthetic environment: the kinds Terraform manages are read from it, not restated.
    const app = buildApp({ environments: [FIXTURE], processEnv: {}, outdir: Testing.app().outdir });
    const platform: Json = JSON.parse(Testing.synth(app.node.findChild(`${FIXTURE.name}-platform`) as never, true));
    const project = rawResource(platform, "addons_argo_cd_applications", "AppProject");
    const blacklist = (project.spec.namespaceResourceBlacklist as Json[]).map((k) => `${k.group}/${k.kind}`);
    const namespaceName = (ns: string | undefined): string | undefined => {
      const ref = /^\$\{kubernetes_namespace_v1\.([\w-]+)\.metadata\[0\]\.name\}$/.exec(ns ?? "");
      return ref ? resource(platform, "kubernetes_namespace_v1", ref[1]).metadata.name : ns;
    };
    const appNamespaces = new Set((project.spec.destinations as Json[]).map((d) => d.namespace as string));
    /** `group/kind` of every object Terraform makes in a namespace Argo CD may deploy to: kubernetes_* resources and raw-chart manifests. */
    const terraformOwned = new Set<string>();
    for (const [type, byId] of Object.entries<Record<string, Json>>(platform.resource)) {
      if (!type.startsWith("kubernetes_")) continue;
      for (const r of Object.values(byId)) {
        const md = Array.isArray(r.metadata) ? r.metadata[0] : r.metadata;
        if (!appNamespaces.has(namespaceName(md?.namespace) as string)) continue;
        const kind = KUBERNETES_RESOURCE_KINDS[type];
        if (!kind) throw new Error(`${type} in an application namespace: add its group/kind to KUBERNETES_RESOURCE_KINDS`);
        terraformOwned.add(kind);
      }
    }
    // Raw-chart releases install their `resources` list as manifests.
    for (const r of Object.values(resourcesOf(platform, "helm_release")).filter(
      (x) => x.chart === CHARTS.raw.chart && x.repository === CHARTS.raw.repository,
    )) {
      const manifests = JSON.parse((r.values as string[])[0]).resources as Json[];
      for (const m of manifests) {
        if (appNamespaces.has(namespaceName(m.metadata?.namespace ?? r.namespace) as string))
          terraformOwned.add(`${String(m.apiVersion).includes("/") ? String(m.apiVersion).split("/")[0] : ""}/${m.kind}`);
      }
    }

    test("the platform stack does make objects in the application namespaces (the derivation sees them)", () => {
      expect(appNamespaces.size).toBeGreaterThan(0);
      expect(terraformOwned).toContain("apps/Deployment");
      expect(terraformOwned).toContain("argoproj.io/Rollout");
    });

    const shared = SHARED_KINDS.map((k) => `${k.group}/${k.kind}`);
    test("every kind Terraform manages in an application namespace is excluded from Argo CD (no two controllers on one object), but the shared ones", () => {
      expect([...terraformOwned].filter((k) => !blacklist.includes(k) && !shared.includes(k)).sort()).toEqual([]);
      expect(shared.filter((k) => !terraformOwned.has(k))).toEqual([]);
    });

    test("nothing else is excluded: each blacklisted kind is one Terraform manages there or a denied one, listed once", () => {
      const denied = DENIED_KINDS.map((k) => `${k.group}/${k.kind}`);
      expect(blacklist.filter((k) => !terraformOwned.has(k))).toEqual(denied);
      expect(denied).toEqual(["external-secrets.io/SecretStore"]);
      expect(new Set(blacklist).size).toBe(blacklist.length);
    });

    test("what the manifests repository must carry stays syncable: configuration, Jobs and CronJobs, monitors; secret delivery does not", () => {
      for (const kind of ["/ConfigMap", "/Secret", "batch/Job", "batch/CronJob", "monitoring.coreos.com/ServiceMonitor"]) {
        expect(blacklist).not.toContain(kind);
      }
      for (const kind of ["/Secret", "batch/CronJob", "monitoring.coreos.com/ServiceMonitor"]) expect(terraformOwned).not.toContain(kind);
      expect(blacklist).toEqual(expect.arrayContaining(["external-secrets.io/ExternalSecret", "external-secrets.io/SecretStore"]));
    });

    test("no cluster-scoped kind may be synced: the cluster resource whitelist is empty", () => {
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
    });
  });

  test("RBAC: admins are role:admin; developers read and sync outside production, read only in production; nothing by default", () => {
    const devRbac = valuesOf(fixtureJson, "addons_argo_cd_release").configs.rbac;
    const prodRbac = valuesOf(JSONS.production, "addons_argo_cd_release").configs.rbac;
    const devLines = (devRbac["policy.csv"] as string).split("\n");
    const prodLines = (prodRbac["policy.csv"] as string).split("\n");
    for (const lines of [devLines, prodLines]) {
      expect(lines).toContain("g, authorworks:admins, role:admin");
      expect(lines).toContain("g, authorworks:developers, role:authorworks-developer");
    }
    expect(devLines).toContain("p, role:authorworks-developer, applications, get, authorworks-staging/*, allow");
    expect(devLines).toContain("p, role:authorworks-developer, applications, sync, authorworks-staging/*, allow");
    expect(prodLines).toContain("p, role:authorworks-developer, applications, get, authorworks-production/*, allow");
    expect(prodLines.filter((l) => l.includes(", sync,"))).toEqual([]);
    // Developers never get write actions other than sync.
    expect([...devLines, ...prodLines].filter((l) => /, (create|update|delete|override|action\/)/.test(l))).toEqual([]);
    expect(devRbac["policy.default"]).toBe("");
    expect(devRbac.scopes).toBe("[groups]");
  });

  test("on the system nodes; replicated only with high availability; no Dex, no exec", () => {
    const single = valuesOf(fixtureJson, "addons_argo_cd_release");
    expect(single.global).toEqual({ nodeSelector: SYSTEM_PLACEMENT.nodeSelector, tolerations: SYSTEM_PLACEMENT.tolerations });
    expect(single.server.replicas).toBe(1);
    expect(single["redis-ha"].enabled).toBe(false);
    expect(single.dex.enabled).toBe(false);
    expect(single.configs.cm["exec.enabled"]).toBe(false);
    const ha = valuesOf(synth(FIXTURE, [], true), "addons_argo_cd_release");
    expect(ha.server.replicas).toBe(2);
    expect(ha.repoServer.replicas).toBe(2);
    expect(ha["redis-ha"].enabled).toBe(true);
    expect(ha["redis-ha"].tolerations).toEqual(SYSTEM_PLACEMENT.tolerations);
    // The redis-ha sub-chart's HAProxy takes the sub-chart's tolerations; it has no key of its own.
    expect(ha["redis-ha"]).not.toHaveProperty("haproxy");
  });
});

describe("Argo Rollouts", () => {
  test("default canary: 10 % -> pause 10 min -> 50 % -> pause 30 min -> 100 %, with background analysis", () => {
    const s = defaultCanaryStrategy({ service: "gateway", namespace: "authorworks" });
    expect(s.canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "10m" } }, { setWeight: 50 }, { pause: { duration: "30m" } }, { setWeight: 100 }]);
    expect(s.canary.analysis).toEqual({
      templates: [{ templateName: ANALYSIS_TEMPLATE, clusterScope: true }],
      startingStep: 1,
      args: [
        { name: "service", value: "gateway" },
        { name: "namespace", value: "authorworks" },
        // The new ReplicaSet's hash: the analysis measures the canary, not the stable pods.
        { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } },
      ],
    });
    // One extra pod at most: the namespace quota has room for one per service.
    // Numbers: Argo Rollouts reads a string as a percentage.
    expect([s.canary.maxSurge, s.canary.maxUnavailable]).toEqual([1, 0]);
    expect(DEFAULT_CANARY_STEPS).toBe(s.canary.steps);
  });

  test("steps that end before the analysis starts (one step to 100 %) get no analysis; two steps get it from the second", () => {
    const single = defaultCanaryStrategy({ service: "gateway", namespace: "authorworks", steps: [{ setWeight: 100 }] });
    expect(single.canary.steps).toEqual([{ setWeight: 100 }]);
    expect(single.canary).not.toHaveProperty("analysis");
    const two = defaultCanaryStrategy({ service: "gateway", namespace: "authorworks", steps: [{ setWeight: 50 }, { setWeight: 100 }] });
    expect(two.canary.analysis?.startingStep).toBe(1);
  });

  test("ClusterAnalysisTemplate fails on error rate > 5 % and p99 > 1000 ms, from kube-prometheus-stack", () => {
    const t = rawResource(fixtureJson, "addons_argo_rollouts_analysis_templates", "ClusterAnalysisTemplate");
    expect(t.metadata.name).toBe(ANALYSIS_TEMPLATE);
    const [errors, latency] = t.spec.metrics as Json[];
    expect(errors.name).toBe("error-rate");
    // No series yet (no requests to the canary) is inconclusive, not an error.
    expect(errors.successCondition).toBe("len(result) > 0 && result[0] <= 0.05");
    expect(errors.failureCondition).toBe("len(result) > 0 && result[0] > 0.05");
    expect(errors.provider.prometheus.address).toBe(PROMETHEUS_URL);
    expect(PROMETHEUS_URL).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    expect(errors.provider.prometheus.query).toContain('status=~"5.."');
    // The labels the seed's scrape job produces (labelmap of pod labels, kubernetes_namespace).
    const selector = 'kubernetes_namespace="{{args.namespace}}", authorworks_io_service="{{args.service}}", rollouts_pod_template_hash="{{args.canary-hash}}"';
    expect(errors.provider.prometheus.query).toBe(
      `sum(rate(http_requests_total{${selector}, status=~"5.."}[5m])) / sum(rate(http_requests_total{${selector}}[5m]))`,
    );
    expect(latency.provider.prometheus.query).toBe(`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector}}[5m])))`);
    expect(latency.name).toBe("p99-latency");
    // Prometheus histograms are in seconds: 1000 ms = 1.
    expect(latency.successCondition).toBe("len(result) > 0 && result[0] <= 1");
    expect(latency.failureCondition).toBe("len(result) > 0 && result[0] > 1");
    expect(latency.provider.prometheus.query).toMatch(/^histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\{/);
    expect(t.spec.args).toEqual([{ name: "service" }, { name: "namespace" }, { name: "canary-hash" }]);
  });

  test("CRDs installed and kept; dashboard off; controller on the system nodes", () => {
    const v = valuesOf(fixtureJson, "addons_argo_rollouts_release");
    expect(v).toMatchObject({ installCRDs: true, keepCRDs: true, dashboard: { enabled: false } });
    expect(v.controller).toMatchObject({ replicas: 1, nodeSelector: SYSTEM_PLACEMENT.nodeSelector, tolerations: SYSTEM_PLACEMENT.tolerations });
  });

  const withOptions = (extra: Partial<DeliveryAddonsOptions>) =>
    synthWith((stack) => {
      new KubernetesProvider(stack, "kubernetes", {});
      new HelmProvider(stack, "helm", {});
      new PlatformAddons(stack, "addons", { context: ctx(FIXTURE.name), addons: deliveryAddons({ ...optionsOf(FIXTURE), ...extra }) });
    });

  test("the plugin binary of the nodes' architecture, with its checksum where one is confirmed (linux-amd64), none otherwise", () => {
    const plugins = (arch: "arm64" | "x86_64") => valuesOf(withOptions({ architecture: arch }), "addons_argo_rollouts_release").controller.trafficRouterPlugins;
    expect(plugins("x86_64")).toEqual([
      {
        name: "argoproj-labs/gatewayAPI",
        location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64",
        sha256: "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061",
      },
    ]);
    expect(plugins("arm64")).toEqual([
      {
        name: "argoproj-labs/gatewayAPI",
        location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-arm64",
      },
    ]);
  });

  test("ALB target group verification: off by default (no role, no flag, no ALB RBAC); on, a region-bound read-only role for the chart's account", () => {
    const off = valuesOf(fixtureJson, "addons_argo_rollouts_release");
    expect(off.controller.extraArgs).toBeUndefined();
    expect(off.providerRBAC.providers.awsLoadBalancerController).toBe(false);
    expect(Object.keys(resourcesOf(fixtureJson, "aws_iam_role")).filter((id) => id.includes("argo_rollouts"))).toEqual([]);

    const json = withOptions({ verifyAlbTargetGroups: true });
    const on = valuesOf(json, "addons_argo_rollouts_release");
    expect(on.controller.extraArgs).toEqual(["--aws-verify-target-group"]);
    expect(on.controller.extraEnv).toEqual([{ name: "AWS_REGION", value: TEST_AWS.region }]);
    expect(on.providerRBAC.providers.awsLoadBalancerController).toBe(true);
    const role = resource(json, "aws_iam_role", "addons_argo_rollouts_pod_identity_role");
    expect(role.name).toBe("authorworks-staging-argo-rollouts");
    const association = resource(json, "aws_eks_pod_identity_association", "addons_argo_rollouts_pod_identity_association");
    expect({ namespace: association.namespace, serviceAccount: association.service_account }).toEqual({
      namespace: "argo-rollouts",
      serviceAccount: on.serviceAccount.name,
    });
    const granted = statements(json, "addons_argo_rollouts_pod_identity_policy_document");
    expect(granted.flatMap((st: Json) => st.actions).every((a: string) => /^elasticloadbalancing:Describe[A-Za-z]+$/.test(a))).toBe(true);
    expect(granted.map((st: Json) => st.condition)).toEqual([[{ test: "StringEquals", variable: "aws:RequestedRegion", values: [TEST_AWS.region] }]]);
    // The release waits for the association: a controller started before it has no credentials.
    expect(release(json, "addons_argo_rollouts_release").depends_on).toContain(
      "aws_eks_pod_identity_association.addons_argo_rollouts_pod_identity_association",
    );
  });
});

describe("GitHub Actions runners", () => {
  test.each([
    ["fixture", "staging"],
    ["production", "production"],
  ] as const)("%s: scale set from 20 to 24 runners, the repository owner's URL, named authorworks-%s", (variant, env) => {
    const v = valuesOf(JSONS[variant], "addons_arc_runners_release");
    expect(v).toMatchObject({
      minRunners: 20,
      maxRunners: 24,
      githubConfigUrl: "https://github.com/fixture-org",
      githubConfigSecret: "arc-github-app",
      runnerScaleSetName: `authorworks-${env}`,
      controllerServiceAccount: { namespace: "arc-systems", name: "arc-controller" },
    });
    expect(release(JSONS[variant], "addons_arc_runners_release").name).toBe(`authorworks-${env}`);
    expect([FIXTURE.delivery.runners, FIXTURE.security.githubRepository]).toEqual([{ minRunners: 20, maxRunners: 24 }, "fixture-org/fixture-infra"]);
  });

  test("controller watches only arc-runners, with the service account the scale set names", () => {
    const v = valuesOf(fixtureJson, "addons_arc_controller_release");
    expect(v.flags.watchSingleNamespace).toBe("arc-runners");
    expect(v.serviceAccount).toEqual({ create: true, name: "arc-controller" });
  });

  test("runner pods on the spot nodes; container mode kubernetes (no privileged DinD)", () => {
    const v = valuesOf(fixtureJson, "addons_arc_runners_release");
    expect(v.template.spec).toEqual({
      nodeSelector: { "authorworks.io/node-group": "spot" },
      tolerations: [{ key: "authorworks.io/batch", operator: "Equal", value: "true", effect: "NoSchedule" }],
    });
    expect(v.containerMode.type).toBe("kubernetes");
    expect(v.containerMode.kubernetesModeWorkVolumeClaim.storageClassName).toBe("gp3");
    expect(JSON.stringify(v)).not.toMatch(/dind|privileged/i);
  });

  test("GitHub App credentials: read from Secrets Manager, copied by reference into the Kubernetes Secret", () => {
    const version = dataOf(fixtureJson, "aws_secretsmanager_secret_version")["addons_arc_runners_github_app_credentials"];
    expect(version.secret_id).toBe("authorworks-staging/github/app-credentials");
    const secret = resource(fixtureJson, "kubernetes_secret_v1", "addons_arc_runners_github_app_secret");
    expect(secret.metadata).toMatchObject({ name: "arc-github-app", namespace: "arc-runners" });
    // Terraform's jsondecode(...).key: a missing key fails the plan instead of registering with an empty value.
    const ref = "data.aws_secretsmanager_secret_version.addons_arc_runners_github_app_credentials.secret_string";
    expect(secret.data).toEqual({
      github_app_id: `\${jsondecode(${ref}).app_id}`,
      github_app_installation_id: `\${jsondecode(${ref}).installation_id}`,
      github_app_private_key: `\${jsondecode(${ref}).private_key_pem}`,
    });
  });

  test.each(["fixture", "autoSync", "production"] as const)("%s: no private key or app id literal anywhere in the JSON", (variant) => {
    const text = JSON.stringify(JSONS[variant]);
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(text).not.toMatch(/"github_app_(id|installation_id|private_key)":"[^$]/);
  });

  test("network policy: default deny both ways; egress only DNS to CoreDNS and TCP 443", () => {
    const deny = resource(fixtureJson, "kubernetes_network_policy_v1", "addons_arc_runners_default_deny");
    expect(deny.metadata.namespace).toBe("arc-runners");
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
    const allow = resource(fixtureJson, "kubernetes_network_policy_v1", "addons_arc_runners_allow_egress");
    expect(allow.metadata.namespace).toBe("arc-runners");
    expect(allow.spec.policy_types).toEqual(["Egress"]);
    expect(allow.spec).not.toHaveProperty("ingress");
    const [dns, https] = allow.spec.egress as Json[];
    expect(dns.to[0]).toEqual({
      namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } },
      pod_selector: { match_labels: { "k8s-app": "kube-dns" } },
    });
    expect(dns.ports).toEqual([
      { port: "53", protocol: "UDP" },
      { port: "53", protocol: "TCP" },
    ]);
    expect(https).toEqual({ to: [{ ip_block: { cidr: "0.0.0.0/0" } }], ports: [{ port: "443", protocol: "TCP" }] });
    expect(allow.spec.egress).toHaveLength(2);
  });

  test("the organization URL is the repository's owner", () => {
    expect(githubOrgUrl("authorworks/authorworks-infra")).toBe("https://github.com/authorworks");
    expect(githubOrgUrl("acme-books/infra")).toBe("https://github.com/acme-books");
  });
});
