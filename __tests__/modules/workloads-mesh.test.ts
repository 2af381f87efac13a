/**
 * Mesh policy, routes and the request-weighted canary, read from the committed platform
 * stacks: the allowed-caller graph and the canary's ownership are derived from the
 * synthesized JSON and compared with the catalogue.
 */
import { checkDelivery } from "../../environments/checks/delivery";
import { checkServiceCatalogue } from "../../environments/checks/workloads";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig } from "../../environments/types";
import { GATEWAY_API_PLUGIN } from "../../modules/addons/delivery/argo-rollouts";
import { TERRAFORM_OWNED_KINDS } from "../../modules/addons/delivery/argo-cd";
import { CHARTS, ROLLOUTS_GATEWAY_API_PLUGIN } from "../../variables/charts";
import { SECRETS } from "../../variables/secrets";
import { DEFAULT_SERVICE_TRAFFIC, SERVICES, ServiceDefinition, serviceTraffic } from "../../variables/services";
import { Json, resource, resourcesOf, valuesOf } from "../helpers";
import { realStack } from "../real-app";
import { checkErrorOf, expectCheckPasses } from "../environments/check-helpers";

const ENVS = { dev, staging, production } as const;
type Env = keyof typeof ENVS;
const json = (env: Env): Json => realStack(`${env}-platform`);
const manifests = (j: Json, id: string): Json[] => valuesOf(j, id).resources;
const byKind = (ms: Json[], kind: string) => ms.filter((m) => m.kind === kind);

describe.each(Object.keys(ENVS) as Env[])("%s-platform", (env) => {
  const j = json(env);
  const policy = manifests(j, "workloads_mesh_policy");
  const serviceOfAccount = Object.fromEntries(
    Object.values(resourcesOf(j, "kubernetes_service_account_v1")).map((sa) => [sa.metadata.name, sa.metadata.labels["authorworks.io/service"]]),
  );
  const servers = byKind(policy, "Server");
  const serviceOfServer = Object.fromEntries(
    servers.filter((s) => s.metadata.labels).map((s) => [s.metadata.name, s.metadata.labels["authorworks.io/service"]]),
  );

  test("the application namespace admits only authenticated mesh traffic by default", () => {
    expect(resource(j, "kubernetes_namespace_v1", "tenancy_namespace_authorworks").metadata.annotations).toMatchObject({
      "linkerd.io/inject": "enabled",
      "config.linkerd.io/default-inbound-policy": "all-authenticated",
    });
  });

  test("the allowed-caller graph in the AuthorizationPolicies is the catalogue's, by service account identity", () => {
    const mtls = Object.fromEntries(byKind(policy, "MeshTLSAuthentication").map((m) => [m.metadata.name, m.spec.identityRefs as Json[]]));
    const graph: Record<string, string[]> = Object.fromEntries(SERVICES.map((s) => [s.name, []]));
    for (const p of byKind(policy, "AuthorizationPolicy")) {
      for (const a of p.spec.requiredAuthenticationRefs as Json[]) {
        if (a.kind !== "MeshTLSAuthentication") continue;
        // Mesh identities are admitted on a service's whole Server only, never on the admin port.
        expect(p.spec.targetRef.kind).toBe("Server");
        for (const id of mtls[a.name]) {
          expect(id.kind).toBe("ServiceAccount");
          graph[serviceOfServer[p.spec.targetRef.name]].push(serviceOfAccount[id.name]);
        }
      }
    }
    const catalogue = Object.fromEntries(SERVICES.map((s) => [s.name, [...(s.callers ?? [])].sort()]));
    expect(Object.fromEntries(Object.entries(graph).map(([k, v]) => [k, v.sort()]))).toEqual(catalogue);
    // Nobody calls the gateway through the mesh; the gateway calls every other service.
    expect(graph.gateway).toEqual([]);
    for (const s of SERVICES.filter((x) => x.name !== "gateway")) expect(graph[s.name]).toContain("gateway");
  });

  test("one Server per service on its container port, selecting its pods; one for the proxies' admin port", () => {
    for (const def of SERVICES) {
      const dep = resource(j, "kubernetes_deployment_v1", `workloads_${def.name}_deployment`);
      const server = servers.find((s) => s.metadata.name === def.workload)!;
      expect(server.spec).toEqual({
        podSelector: { matchLabels: dep.spec.selector.match_labels },
        port: dep.spec.template.spec.container[0].port[0].container_port,
        proxyProtocol: "HTTP/1",
      });
    }
    expect(servers.find((s) => s.metadata.name === "linkerd-proxy-admin")!.spec.port).toBe("linkerd-admin");
    expect(servers).toHaveLength(SERVICES.length + 1);
  });

  test("unauthenticated clients (kubelet, Prometheus, the ALB) come from the VPC, and only reach probes, metrics, the admin port and the gateway", () => {
    const networks = byKind(policy, "NetworkAuthentication");
    expect(networks.map((n) => n.spec)).toEqual([{ networks: [{ cidr: ENVS[env].network.cidr }] }]);
    const routes = Object.fromEntries(byKind(policy, "HTTPRoute").map((r) => [r.metadata.name, r]));
    const open = byKind(policy, "AuthorizationPolicy")
      .filter((p) => (p.spec.requiredAuthenticationRefs as Json[]).some((a) => a.kind === "NetworkAuthentication"))
      .map((p) => p.spec.targetRef);
    const openPaths = new Set<string>();
    for (const t of open.filter((x) => x.kind === "HTTPRoute")) {
      for (const m of routes[t.name].spec.rules[0].matches as Json[]) openPaths.add(`${m.method} ${m.path.type} ${m.path.value}`);
    }
    // The paths the Deployments probe and Prometheus scrapes, and nothing else.
    const dep = resource(j, "kubernetes_deployment_v1", "workloads_content_deployment");
    const c = dep.spec.template.spec.container[0];
    expect([...openPaths].sort()).toEqual(
      [c.liveness_probe.http_get.path, c.readiness_probe.http_get.path, dep.spec.template.metadata.annotations["prometheus.io/path"]]
        .map((p) => `GET Exact ${p}`)
        .sort(),
    );
    expect(open.filter((x) => x.kind === "Server").map((x) => x.name)).toEqual(["linkerd-proxy-admin", "authorworks-gateway"]);
    // Each service's routes hang off its own Server, and the catch-all keeps its callers' requests routed.
    for (const def of SERVICES) {
      for (const suffix of ["api", "probes", "metrics"])
        expect(routes[`${def.workload}-${suffix}`].spec.parentRefs).toEqual([{ group: "policy.linkerd.io", kind: "Server", name: def.workload }]);
    }
  });

  test("routes: every meshed call gets the catalogue's timeout; only reads are retried, within the budget", () => {
    const routes = byKind(manifests(j, "workloads_routes"), "HTTPRoute");
    expect(routes).toHaveLength(2 * SERVICES.length);
    for (const def of SERVICES) {
      const t = serviceTraffic(def);
      const reads = routes.find((r) => r.metadata.name === `${def.workload}-reads`)!;
      const writes = routes.find((r) => r.metadata.name === def.workload)!;
      for (const r of [reads, writes]) {
        expect(r.spec.parentRefs).toEqual([{ group: "core", kind: "Service", name: def.workload, port: 80 }]);
        expect(r.spec.rules.map((x: Json) => x.timeouts)).toEqual([{ request: t.requestTimeout }]);
      }
      expect(reads.spec.rules[0].matches.map((m: Json) => m.method)).toEqual(["GET", "HEAD"]);
      expect(reads.metadata.annotations).toEqual({
        "retry.linkerd.io/http": "5xx",
        "retry.linkerd.io/limit": String(t.retries.limit),
        "retry.linkerd.io/timeout": t.retries.perTryTimeout,
      });
      expect(writes.metadata.annotations).toBeUndefined();
      expect(writes.spec.rules[0].matches).toEqual([{ path: { type: "PathPrefix", value: "/" } }]);
    }
    expect(serviceTraffic(SERVICES[0])).toEqual(DEFAULT_SERVICE_TRAFFIC);
  });

  test("circuit breaking: consecutive-failure accrual on every Service a client balances over", () => {
    const accrual = {
      "balancer.linkerd.io/failure-accrual": "consecutive",
      "balancer.linkerd.io/failure-accrual-consecutive-max-failures": "7",
      "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "1s",
      "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "60s",
      "balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio": "0.5",
    };
    for (const s of Object.values(resourcesOf(j, "kubernetes_service_v1"))) expect(s.metadata.annotations).toEqual(accrual);
    const canaryServices = byKind(manifests(j, "workloads_routes"), "Service");
    expect(canaryServices).toHaveLength(2 * SERVICES.length);
    for (const s of canaryServices) expect(s.metadata.annotations).toEqual(accrual);
  });

  describe("canary by request weight: one owner per field", () => {
    const rollouts = manifests(j, "workloads_rollouts");
    const rawReleases = Object.entries(resourcesOf(j, "helm_release")).filter(
      ([, r]) => r.chart === CHARTS.raw.chart && r.repository === CHARTS.raw.repository,
    );
    /** Every manifest of every raw release, with the release it is in. */
    const rawObjects = rawReleases.flatMap(([id, r]) => (JSON.parse((r.values as string[])[0]).resources as Json[]).map((m) => ({ id, m })));
    const kubernetesServices = Object.values(resourcesOf(j, "kubernetes_service_v1")).map((s) => s.metadata.name);

    test("every Rollout routes through the Gateway API plugin: its routes and Services are in the routes release only", () => {
      expect(rollouts).toHaveLength(SERVICES.length);
      for (const r of rollouts) {
        const c = r.spec.strategy.canary;
        const plugin = c.trafficRouting.plugins[GATEWAY_API_PLUGIN];
        const names = [...plugin.httpRoutes.map((h: Json) => h.name), c.stableService, c.canaryService];
        for (const name of names) {
          const holders = rawObjects.filter((o) => o.m.metadata.name === name && ["HTTPRoute", "Service"].includes(o.m.kind));
          expect(holders.map((o) => o.id)).toEqual(["workloads_routes"]);
        }
        // Terraform's own Services (kubernetes_service_v1 would revert the selector the controller narrows) are never the controller's.
        expect(kubernetesServices).not.toContain(c.stableService);
        expect(kubernetesServices).not.toContain(c.canaryService);
      }
    });

    test("the manifests pin stable 100 / canary 0 (Helm never sees the controller's weights change), on exactly the Rollout's two Services", () => {
      for (const r of rollouts) {
        const c = r.spec.strategy.canary;
        for (const { name } of c.trafficRouting.plugins[GATEWAY_API_PLUGIN].httpRoutes) {
          const route = rawObjects.find((o) => o.m.kind === "HTTPRoute" && o.m.metadata.name === name)!.m;
          for (const rule of route.spec.rules) {
            expect(rule.backendRefs).toEqual([
              { name: c.stableService, port: 80, weight: 100 },
              { name: c.canaryService, port: 80, weight: 0 },
            ]);
          }
        }
      }
    });

    test("Argo CD may sync neither the routes nor the Services, and nothing in Terraform makes an HTTPRoute outside a raw release", () => {
      const blacklisted = TERRAFORM_OWNED_KINDS.map((k) => `${k.group}/${k.kind}`);
      expect(blacklisted).toEqual(expect.arrayContaining(["gateway.networking.k8s.io/HTTPRoute", "/Service"]));
      expect(Object.keys(j.resource).filter((t) => t.includes("manifest"))).toEqual([]);
    });

    test("the analysis keeps measuring the new pods (error rate > 5 %, p99 > 1000 ms abort)", () => {
      for (const r of rollouts) {
        expect(r.spec.strategy.canary.analysis.args).toContainEqual({ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } });
      }
      const template = manifests(j, "addons_argo_rollouts_analysis_templates")[0];
      expect(template.spec.metrics.map((m: Json) => m.failureCondition)).toEqual(["len(result) > 0 && result[0] > 0.05", "len(result) > 0 && result[0] > 1"]);
    });

    test("the controller loads the plugin for the system nodes' architecture; its RBAC covers HTTPRoutes and the ALB verification's reads, no other provider's objects", () => {
      const values = valuesOf(j, "addons_argo_rollouts_release");
      // Graviton system nodes: the arm64 binary, whose checksum could not be confirmed (variables/charts.ts), so none is pinned.
      expect(values.controller.trafficRouterPlugins).toEqual([{ name: "argoproj-labs/gatewayAPI", location: ROLLOUTS_GATEWAY_API_PLUGIN.locations.arm64 }]);
      expect(
        Object.entries(values.providerRBAC.providers)
          .filter(([, on]) => on)
          .map(([p]) => p)
          .sort(),
      ).toEqual(["awsLoadBalancerController", "gatewayAPI"]);
      expect(values.providerRBAC.enabled).toBe(true);
    });
  });

  describe("the gateway's internet traffic is weighted at the ALB: one owner per field", () => {
    const rollouts = manifests(j, "workloads_rollouts");
    const gateway = SERVICES.find((s) => s.name === "gateway")!;
    const rollout = rollouts.find((r) => r.metadata.name === gateway.workload)!;
    const canary = rollout.spec.strategy.canary;
    const alb = canary.trafficRouting.alb;
    const ingress = resource(j, "kubernetes_ingress_v1", "workloads_ingress");
    /** The annotations argo-rollouts v1.10.0 writes for this Rollout (utils/ingress/ingress.go: ALBActionAnnotationKey, ManagedAnnotations). */
    const controllerWritten = [`alb.ingress.kubernetes.io/actions.${alb.rootService}`, "rollouts.argoproj.io/managed-alb-annotations"];
    const routed = manifests(j, "workloads_routes");
    const serviceNamed = (name: string) => routed.find((m) => m.kind === "Service" && m.metadata.name === name)!;

    test("only the gateway's Rollout routes through the ALB, with the Ingress, its root Service and the stable/canary Services' port", () => {
      expect(rollouts.filter((r) => r.spec.strategy.canary.trafficRouting.alb).map((r) => r.metadata.name)).toEqual([gateway.workload]);
      expect(alb).toEqual({ ingress: ingress.metadata.name, rootService: gateway.workload, servicePort: 80 });
      for (const name of [canary.stableService, canary.canaryService])
        expect(serviceNamed(name).spec.ports.map((p: Json) => p.port)).toEqual([alb.servicePort]);
      // The mesh weights keep moving the same two Services.
      expect(Object.keys(canary.trafficRouting)).toEqual(["alb", "plugins"]);
    });

    test("the Ingress sends to the root Service on `use-annotation`: Terraform's own Service, which the controller never edits", () => {
      // Every host's rule (production: api. and its regional name) goes through the one action.
      const root = { service: { name: "${kubernetes_service_v1.workloads_gateway_service.metadata[0].name}", port: { name: "use-annotation" } } };
      expect(ingress.spec.rule.length).toBeGreaterThan(0);
      expect(ingress.spec.rule.map((r: Json) => r.http.path.map((p: Json) => p.backend))).toEqual(ingress.spec.rule.map(() => [root]));
      expect(resource(j, "kubernetes_service_v1", "workloads_gateway_service").metadata.name).toBe(alb.rootService);
      expect([canary.stableService, canary.canaryService]).not.toContain(alb.rootService);
    });

    test("the action and its bookkeeping annotation are the controller's: Terraform ignores them after creating the action at rest, nothing else writes them", () => {
      // Terraform ignores exactly those two; every other annotation stays Terraform's.
      expect(ingress.lifecycle.ignore_changes).toEqual(controllerWritten.map((k) => `metadata[0].annotations["${k}"]`));
      // At creation only, the action the controller itself writes with no canary (v1.10.0
      // getForwardActionString: canary target group first, weight 0; stable 100): the ALB can be
      // built before the controller writes anything (it waits for available stable pods), and
      // the two never disagree at rest. The bookkeeping annotation is the controller's alone.
      const atRest = JSON.stringify({
        Type: "forward",
        ForwardConfig: {
          TargetGroups: [
            { ServiceName: canary.canaryService, ServicePort: String(alb.servicePort), Weight: 0 },
            { ServiceName: canary.stableService, ServicePort: String(alb.servicePort), Weight: 100 },
          ],
        },
      });
      expect(ingress.metadata.annotations[controllerWritten[0]]).toBe(atRest);
      expect(Object.keys(ingress.metadata.annotations)).not.toContain(controllerWritten[1]);
      // No other Terraform resource, and no manifest of any Helm release, carries either key.
      const writers: string[] = [];
      for (const [type, byId] of Object.entries(j.resource as Record<string, Record<string, Json>>)) {
        for (const [id, r] of Object.entries(byId)) {
          if (type === "kubernetes_ingress_v1" && id === "workloads_ingress") continue;
          const text = type === "helm_release" ? (r.values ?? []).join("\n") : JSON.stringify(r.metadata ?? {});
          if (controllerWritten.some((k) => text.includes(k))) writers.push(`${type}.${id}`);
        }
      }
      expect(writers).toEqual([]);
      // Argo CD may not sync an Ingress; the target groups' Services exist before the Ingress.
      expect(TERRAFORM_OWNED_KINDS).toContainEqual({ group: "networking.k8s.io", kind: "Ingress" });
      expect(ingress.depends_on).toEqual(["helm_release.workloads_routes"]);
      for (const name of [canary.stableService, canary.canaryService]) expect(serviceNamed(name)).toBeDefined();
    });

    test("the ALB's targets still pass the mesh policy and the network policy: the gateway's pods and port, open to the VPC CIDR", () => {
      const cidr = ENVS[env].network.cidr;
      const server = servers.find((x) => x.metadata.name === gateway.workload)!;
      const open = byKind(policy, "AuthorizationPolicy").filter((p) => p.spec.targetRef.kind === "Server" && p.spec.targetRef.name === server.metadata.name);
      const network = byKind(policy, "NetworkAuthentication").find((n) => n.spec.networks.some((x: Json) => x.cidr === cidr))!;
      expect(open.flatMap((p) => p.spec.requiredAuthenticationRefs)).toContainEqual({
        group: "policy.linkerd.io",
        kind: "NetworkAuthentication",
        name: network.metadata.name,
      });
      const netpol = resource(j, "kubernetes_network_policy_v1", "tenancy_authorworks_allow_load_balancer_gateway").spec;
      for (const name of [canary.stableService, canary.canaryService]) {
        const svc = serviceNamed(name);
        expect(svc.spec.ports.map((p: Json) => p.targetPort)).toEqual([server.spec.port]);
        expect(server.spec.podSelector.matchLabels).toEqual(svc.spec.selector);
        expect(netpol.ingress).toEqual([{ from: [{ ip_block: { cidr } }], ports: [{ port: String(server.spec.port), protocol: "TCP" }] }]);
        expect(svc.spec.selector).toMatchObject(netpol.pod_selector.match_labels);
      }
    });

    test("weights are verified against AWS: the controller's flag, its region, and a role that may only read load balancers", () => {
      const values = valuesOf(j, "addons_argo_rollouts_release");
      expect(values.controller.extraArgs).toEqual(["--aws-verify-target-group"]);
      expect(values.controller.extraEnv).toEqual([{ name: "AWS_REGION", value: ENVS[env].region }]);
      const association = resource(j, "aws_eks_pod_identity_association", "addons_argo_rollouts_pod_identity_association");
      expect([association.namespace, association.service_account]).toEqual(["argo-rollouts", values.serviceAccount.name]);
      expect(values.serviceAccount.create).toBe(true);
      const doc = (j.data.aws_iam_policy_document as Record<string, Json>).addons_argo_rollouts_pod_identity_policy_document;
      expect(doc.statement).toEqual([
        {
          sid: "ReadLoadBalancersForCanaryVerification",
          effect: "Allow",
          actions: [
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTargetHealth",
          ],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: [ENVS[env].region] }],
        },
      ]);
    });
  });
});

describe("bad input stops synth, naming the environment, the field and what is accepted", () => {
  const withServices = (services: readonly ServiceDefinition[]) => (cfg: EnvironmentConfig) =>
    checkErrorOf((c, e) => checkServiceCatalogue(c, e, { services, secrets: SECRETS }), cfg);
  const patch = (name: string, p: Partial<ServiceDefinition>) => SERVICES.map((s) => (s.name === name ? { ...s, ...p } : s));

  test("a caller naming an unknown service", () => {
    const message = withServices(patch("content", { callers: ["gateway", "billing"] }))(staging);
    expect(message).toContain('environment "staging"');
    expect(message).toContain(
      'services["content"].callers[1] (variables/services.ts): got "billing"; accepted: a service of variables/services.ts (gateway, user, content',
    );
  });

  test("a service naming itself as its caller", () => {
    expect(withServices(patch("user", { callers: ["user"] }))(dev)).toContain(
      'services["user"].callers[0] (variables/services.ts): got "user"; accepted: another service',
    );
  });

  test.each([
    [
      { requestTimeout: "0ms" },
      'services["export"].traffic (variables/services.ts).requestTimeout: got "0ms"; accepted: a duration ("500ms", "10s", "1m") from 100ms to 300000ms',
    ],
    [{ requestTimeout: "ten seconds" }, 'traffic (variables/services.ts).requestTimeout: got "ten seconds"'],
    [{ retries: { limit: 9 } }, "traffic (variables/services.ts).retries.limit: got 9; accepted: a whole number from 0 to 5 retries per request"],
    [{ retries: { perTryTimeout: "20s" } }, 'retries.perTryTimeout: got "20s"; accepted: a duration ("500ms", "10s", "1m") from 10ms to 10000ms'],
    [
      { retries: { limit: 4 } },
      'traffic (variables/services.ts).retries: got {"limit":4,"perTryTimeout":"3s"}; accepted: (limit + 1) attempts of perTryTimeout within requestTimeout (10s): at most 2 retries of 3s',
    ],
    [{ circuitBreaker: { maxFailures: 0 } }, "circuitBreaker.maxFailures: got 0; accepted: a whole number from 1 to 100 consecutive failures"],
    [{ circuitBreaker: { minPenalty: "2m" } }, 'circuitBreaker.minPenalty: got "2m"; accepted: a duration ("500ms", "10s", "1m") from 100ms to 60000ms'],
  ])("retry budget, timeout or circuit breaker out of range: %j", (traffic, expected) => {
    expect(withServices(patch("export", { traffic }))(production)).toContain(expected);
  });

  test.each([dev, staging, production])("the committed catalogue passes in $name", (cfg) => {
    expectCheckPasses((c, e) => checkServiceCatalogue(c, e), cfg);
  });

  const steps = (canarySteps: NonNullable<EnvironmentConfig["delivery"]["canarySteps"]>) => ({ ...staging, delivery: { ...staging.delivery, canarySteps } });
  test("canary weights that do not increase", () => {
    const message = checkErrorOf(checkDelivery, steps([{ setWeight: 50 }, { pause: { duration: "5m" } }, { setWeight: 20 }, { setWeight: 100 }]));
    expect(message).toContain('environment "staging"');
    expect(message).toContain("delivery.canarySteps[2].setWeight: got 20; accepted: a weight above the previous step's 50 (weights increase)");
  });

  const publicCanary = (pc: unknown, canarySteps?: EnvironmentConfig["delivery"]["canarySteps"]) => ({
    ...production,
    delivery: { ...production.delivery, publicCanary: pc as EnvironmentConfig["delivery"]["publicCanary"], ...(canarySteps ? { canarySteps } : {}) },
  });
  test("ALB stickiness that outlasts a canary pause contradicts the steps", () => {
    // The default steps' shortest pause is 10 min: a client held 15 min would never get the 10 % step's weight.
    const message = checkErrorOf(checkDelivery, publicCanary({ verifyTargetGroups: true, stickinessSeconds: 900 }));
    expect(message).toContain('environment "production"');
    expect(message).toContain(
      "delivery.publicCanary.stickinessSeconds: got 900; accepted: fewer seconds than the shortest timed pause of delivery.canarySteps (600 s), or no stickiness",
    );
    // Against the environment's own steps: a 2-minute pause makes 300 s too long, 60 s fits.
    const steps = [{ setWeight: 20 }, { pause: { duration: "2m" } }, { setWeight: 100 }];
    expect(checkErrorOf(checkDelivery, publicCanary({ verifyTargetGroups: true, stickinessSeconds: 300 }, steps))).toContain("(120 s)");
    expectCheckPasses(checkDelivery, publicCanary({ verifyTargetGroups: true, stickinessSeconds: 60 }, steps));
  });

  test("ALB stickiness outside the ALB's range, and a verification switch that is not a boolean", () => {
    expect(checkErrorOf(checkDelivery, publicCanary({ verifyTargetGroups: false, stickinessSeconds: 0 }))).toContain(
      "delivery.publicCanary.stickinessSeconds: got 0; accepted: a whole number from 1 to 604800 seconds (ALB target group stickiness)",
    );
    expect(checkErrorOf(checkDelivery, publicCanary({ verifyTargetGroups: "yes" }))).toContain(
      'delivery.publicCanary.verifyTargetGroups: got "yes"; accepted: true or false',
    );
  });

  test("canary weights that do not end at 100", () => {
    expect(checkErrorOf(checkDelivery, steps([{ setWeight: 10 }, { setWeight: 50 }]))).toContain(
      "delivery.canarySteps: got [10,50]; accepted: weights that end at 100 (the last setWeight step sends every request to the new version)",
    );
    expect(checkErrorOf(checkDelivery, steps([{ setWeight: 10 }, { setWeight: 150 }]))).toContain(
      "delivery.canarySteps[1].setWeight: got 150; accepted: a whole percentage from 1 to 100",
    );
  });
});
