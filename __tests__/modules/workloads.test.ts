import { TerraformResource } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import type { EnvironmentConfig } from "../../environments/types";
import { ServiceWorkloads, ServiceWorkloadsProps, autoscalingBounds, bucketStatements, resolveWorkloadSize } from "../../modules/workloads";
import { apiHostName } from "../../variables/platform";
import { names } from "../../variables/project";
import { ANALYSIS_TEMPLATE, DEFAULT_CANARY_STEPS } from "../../modules/addons/delivery/argo-rollouts";
import { CHARTS } from "../../variables/charts";
import { Json, TEST_AWS, release, resource, resourcesOf, statements, synthWith, valuesOf } from "../helpers";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/storage";
const WAF = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/authorworks-x-regional/abc";
const bucketArn = (env: EnvironmentConfig, purpose: string) => `arn:aws:s3:::${names.bucket(env.storage.bucketPrefix, purpose, env.name)}`;
const bucketArns = (env: EnvironmentConfig) => Object.fromEntries(["content", "media", "exports", "backups", "logs", "artifacts"].map((p) => [p, bucketArn(env, p)]));

function synth(env: EnvironmentConfig, overrides: Partial<ServiceWorkloadsProps> = {}): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
    new HelmProvider(stack, "helm", {});
    new ServiceWorkloads(stack, "workloads", {
      environment: env.name,
      aws: TEST_AWS,
      clusterName: names.cluster(env.name),
      namespace: "authorworks",
      sizing: env.workloads,
      bucketArns: bucketArns(env),
      storageKeyArn: KEY,
      ingress: { host: apiHostName(env.dns.zoneName), wafAclArn: WAF, securityGroupIds: ["sg-0web"], deletionProtection: env.durability.deletionProtection },
      ...overrides,
    });
  });
}

const envs = { dev: synth(dev), staging: synth(staging), production: synth(production) };
const deployment = (json: Json, service: string) => resource(json, "kubernetes_deployment_v1", `workloads_${service}_deployment`);
const container = (json: Json, service: string) => deployment(json, service).spec.template.spec.container[0];
const hpa = (json: Json, service: string) => resource(json, "kubernetes_horizontal_pod_autoscaler_v2", `workloads_${service}_autoscaler`);
const rollouts = (json: Json): Json[] => valuesOf(json, "workloads_rollouts").resources;
const rollout = (json: Json, service: string) => rollouts(json).find((r) => r.metadata.labels["authorworks.io/service"] === service)!;

describe("ServiceWorkloads", () => {
  test("every catalogue service gets a deployment, service, service account, HPA and PDB", () => {
    const services = ["content", "editor", "export", "gateway", "notification", "subscription", "user"];
    for (const type of ["kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_service_account_v1", "kubernetes_horizontal_pod_autoscaler_v2", "kubernetes_pod_disruption_budget_v1"]) {
      expect(Object.keys(resourcesOf(envs.dev, type)).map((k) => k.split("_")[1]).sort()).toEqual(services);
    }
    expect(deployment(envs.dev, "user").metadata.name).toBe("authorworks-user-service");
  });

  describe("sizing per environment", () => {
    test.each([
      ["dev", "2", { cpu: "200m", memory: "256Mi" }, { cpu: "500m", memory: "512Mi" }],
      ["staging", "2", { cpu: "200m", memory: "256Mi" }, { cpu: "500m", memory: "512Mi" }],
      ["production", "5", { cpu: "500m", memory: "512Mi" }, { cpu: "1000m", memory: "1Gi" }],
    ] as const)("%s gateway: %s replicas (the Rollout's), requests and limits from the overlay", (env, replicas, requests, limits) => {
      const json = envs[env];
      expect(rollout(json, "gateway").spec.replicas).toBe(Number(replicas));
      // The Deployment is the Rollout's pod template only.
      expect(deployment(json, "gateway").spec.replicas).toBe("0");
      expect(container(json, "gateway").resources).toEqual({ requests, limits });
    });

    test.each(["dev", "staging", "production"] as const)("%s content: the defaults (the gateway overlay does not leak)", (env) => {
      expect(rollout(envs[env], "content").spec.replicas).toBe(2);
      expect(container(envs[env], "content").resources).toEqual({ requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    });

    test("Deployments wait for what the prop lists (the mesh and the controller)", () => {
      const json = synthWith((stack) => {
        new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
        new HelmProvider(stack, "helm", {});
        const mesh = new TerraformResource(stack, "linkerd", { terraformResourceType: "null_resource" });
        new ServiceWorkloads(stack, "workloads", {
          environment: "dev",
          aws: TEST_AWS,
          clusterName: "authorworks-dev",
          sizing: dev.workloads,
          bucketArns: bucketArns(dev),
          storageKeyArn: KEY,
          ingress: { host: "api.dev.authorworks.io", wafAclArn: WAF, securityGroupIds: ["sg-0web"] },
          dependsOn: [mesh],
        });
      });
      expect(deployment(json, "gateway").depends_on).toEqual(["null_resource.linkerd"]);
      expect(deployment(json, "content").depends_on).toEqual(["null_resource.linkerd", "aws_eks_pod_identity_association.workloads_content_pod_identity_association"]);
      // Without a namespace prop the services go to the application namespace.
      expect(deployment(json, "gateway").metadata.namespace).toBe("authorworks");
      expect(deployment(envs.dev, "gateway").depends_on).toBeUndefined();
    });

    test("Terraform never resets the replica count the HPA chose", () => {
      expect(deployment(envs.production, "gateway").lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
    });
  });

  describe("progressive delivery (Argo Rollouts)", () => {
    test.each(["dev", "staging", "production"] as const)("%s: one Rollout per service, its pod template the Deployment", (env) => {
      const all = rollouts(envs[env]);
      expect(all.map((r) => r.metadata.name).sort()).toEqual(Object.values(resourcesOf(envs[env], "kubernetes_deployment_v1")).map((d) => d.metadata.name).sort());
      expect(all).toHaveLength(7);
      const gw = rollout(envs[env], "gateway");
      expect(gw).toMatchObject({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "authorworks-gateway", namespace: "authorworks" } });
      expect(gw.spec.workloadRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "authorworks-gateway", scaleDown: "never" });
      expect(gw.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "authorworks-gateway" } });
    });

    test("every Rollout ships with the seed's canary and the shared analysis on its own pods", () => {
      for (const r of rollouts(envs.production)) {
        const c = r.spec.strategy.canary;
        expect(c.steps).toEqual(DEFAULT_CANARY_STEPS);
        expect([c.maxSurge, c.maxUnavailable]).toEqual([1, 0]);
        expect(c.analysis.templates).toEqual([{ templateName: ANALYSIS_TEMPLATE, clusterScope: true }]);
        expect(c.analysis.args).toEqual([
          { name: "service", value: r.metadata.labels["authorworks.io/service"] },
          { name: "namespace", value: "authorworks" },
          { name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } },
        ]);
      }
    });

    test("one raw-chart release, after the Deployments and what the prop lists", () => {
      const r = release(envs.dev, "workloads_rollouts");
      expect([r.chart, r.version, r.namespace, r.name]).toEqual([CHARTS.raw.chart, CHARTS.raw.version, "authorworks", "authorworks-rollouts"]);
      expect(r.depends_on).toHaveLength(7);
      expect(r.depends_on).toContain("kubernetes_deployment_v1.workloads_gateway_deployment");
    });

    test("off: the Deployment runs the pods, the HPA scales it, no Rollout", () => {
      const json = synth(production, { progressiveDelivery: false });
      expect(resourcesOf(json, "helm_release")).toEqual({});
      expect(deployment(json, "gateway").spec.replicas).toBe("5");
      expect(hpa(json, "gateway").spec.scale_target_ref.kind).toBe("Deployment");
      expect(deployment(json, "gateway").spec.template.spec.topology_spread_constraint[0].match_label_keys).toEqual(["pod-template-hash"]);
    });
  });

  describe("autoscaling", () => {
    test("floor is max(overlay replicas, autoscaling.minReplicas): production gateway 5-10, others 2-10", () => {
      const gw = hpa(envs.production, "gateway").spec;
      expect([gw.min_replicas, gw.max_replicas]).toEqual([5, 10]);
      expect([hpa(envs.dev, "gateway").spec.min_replicas, hpa(envs.production, "content").spec.min_replicas]).toEqual([2, 2]);
      // The HPA scales the Rollout (its pods), not the template Deployment.
      expect(gw.scale_target_ref).toEqual({ api_version: "argoproj.io/v1alpha1", kind: "Rollout", name: "authorworks-gateway" });
    });

    test("CPU 70 % and memory 80 % utilization targets", () => {
      expect(hpa(envs.staging, "export").spec.metric).toEqual([
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } },
        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 80 } } },
      ]);
    });

    test("bounds: replicas above the ceiling lift it; defaults and overrides merge field by field", () => {
      const sizing = { ...production.workloads, overrides: { gateway: { replicas: 12, limits: { memory: "2Gi" } } } };
      expect(autoscalingBounds(sizing, "gateway")).toEqual({ min: 12, max: 12 });
      expect(autoscalingBounds(sizing, "user")).toEqual({ min: 2, max: 10 });
      expect(resolveWorkloadSize(sizing, "gateway")).toEqual({ replicas: 12, requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "2Gi" } });
    });
  });

  describe("pods", () => {
    const spec = deployment(envs.production, "content").spec;
    const pod = spec.template.spec;

    test("probes: liveness /health 30/10, readiness /readiness 5/5, on the container port", () => {
      const c = container(envs.dev, "notification");
      expect(c.liveness_probe).toEqual({ http_get: { path: "/health", port: "8080" }, initial_delay_seconds: 30, period_seconds: 10 });
      expect(c.readiness_probe).toEqual({ http_get: { path: "/readiness", port: "8080" }, initial_delay_seconds: 5, period_seconds: 5 });
      expect(c.port).toEqual([{ name: "http", container_port: 8080, protocol: "TCP" }]);
    });

    test("restricted security context, writable /tmp only", () => {
      expect(pod.security_context).toEqual({ run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } });
      expect(pod.container[0].security_context).toEqual({
        run_as_non_root: true,
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        capabilities: { drop: ["ALL"] },
        seccomp_profile: { type: "RuntimeDefault" },
      });
      expect(pod.container[0].volume_mount).toEqual([{ name: "tmp", mount_path: "/tmp" }]);
      expect(pod.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: "256Mi" } }]);
    });

    test("rolling update without losing capacity", () => {
      expect(spec.strategy).toEqual({ type: "RollingUpdate", rolling_update: { max_surge: "1", max_unavailable: "0" } });
    });

    test("spread across zones and hosts, soft, per rollout", () => {
      const selector = [{ match_labels: { "app.kubernetes.io/name": "authorworks-content" } }];
      expect(pod.topology_spread_constraint).toEqual([
        { topology_key: "topology.kubernetes.io/zone", max_skew: 1, when_unsatisfiable: "ScheduleAnyway", label_selector: selector, match_label_keys: ["rollouts-pod-template-hash"] },
        { topology_key: "kubernetes.io/hostname", max_skew: 1, when_unsatisfiable: "ScheduleAnyway", label_selector: selector, match_label_keys: ["rollouts-pod-template-hash"] },
      ]);
    });

    test("token mounted only where AWS is used; the account never auto-mounts", () => {
      expect(pod.automount_service_account_token).toBe(true);
      expect(deployment(envs.production, "gateway").spec.template.spec.automount_service_account_token).toBe(false);
      expect(deployment(envs.production, "editor").spec.template.spec.automount_service_account_token).toBe(false);
      for (const sa of Object.values(resourcesOf(envs.production, "kubernetes_service_account_v1"))) expect(sa.automount_service_account_token).toBe(false);
      expect(pod.service_account_name).toBe("${kubernetes_service_account_v1.workloads_content_service_account.metadata[0].name}");
    });

    test("Prometheus scrape annotations and the mesh proxy's resources", () => {
      expect(spec.template.metadata.annotations).toEqual({
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "8080",
        "prometheus.io/path": "/metrics",
        "config.linkerd.io/proxy-cpu-request": "100m",
        "config.linkerd.io/proxy-memory-request": "20Mi",
        "config.linkerd.io/proxy-cpu-limit": "1",
        "config.linkerd.io/proxy-memory-limit": "250Mi",
      });
    });

    test("AWS users carry the label that opens the Pod Identity agent; others do not", () => {
      expect(spec.template.metadata.labels["authorworks.io/aws-identity"]).toBe("true");
      expect(deployment(envs.production, "gateway").spec.template.metadata.labels["authorworks.io/aws-identity"]).toBeUndefined();
      expect(spec.selector).toEqual({ match_labels: { "app.kubernetes.io/name": "authorworks-content" } });
    });

    test.each([
      ["dev", "gateway", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-dev/gateway:1.0.0"],
      ["staging", "export", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-staging/export:1.0.0"],
      ["production", "user", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-production/user:1.0.0"],
    ] as const)("%s %s image from its ECR repository", (env, service, uri) => {
      expect(container(envs[env], service).image).toBe(uri);
      expect(container(envs[env], service).image_pull_policy).toBe("Always");
    });
  });

  describe("AWS access", () => {
    test("only content and export get a Pod Identity role", () => {
      expect(Object.keys(resourcesOf(envs.dev, "aws_iam_role")).sort()).toEqual(["workloads_content_pod_identity_role", "workloads_export_pod_identity_role"]);
      expect(Object.keys(resourcesOf(envs.dev, "aws_eks_pod_identity_association")).sort()).toEqual(["workloads_content_pod_identity_association", "workloads_export_pod_identity_association"]);
    });

    test("the association binds the role to the service's own account in its namespace; pods wait for it", () => {
      const a = resource(envs.production, "aws_eks_pod_identity_association", "workloads_content_pod_identity_association");
      expect(a).toMatchObject({
        cluster_name: "authorworks-production",
        namespace: "authorworks",
        service_account: "${kubernetes_service_account_v1.workloads_content_service_account.metadata[0].name}",
        role_arn: "${aws_iam_role.workloads_content_pod_identity_role.arn}",
      });
      expect(resource(envs.production, "aws_iam_role", "workloads_content_pod_identity_role").name).toBe("authorworks-production-pod-content");
      expect(deployment(envs.production, "content").depends_on).toEqual(["aws_eks_pod_identity_association.workloads_content_pod_identity_association"]);
    });

    test("content: exactly the content and media buckets and the storage key through S3", () => {
      const s = statements(envs.production, "workloads_content_pod_identity_policy_document");
      const content = bucketArn(production, "content");
      const media = bucketArn(production, "media");
      const s3Resources = s.filter((x) => x.actions.some((a: string) => a.startsWith("s3:"))).flatMap((x) => x.resources);
      expect(s3Resources.sort()).toEqual([content, `${content}/*`, media, `${media}/*`].sort());
      const kms = s.filter((x) => x.actions.some((a: string) => a.startsWith("kms:")));
      expect(kms).toHaveLength(2);
      for (const k of kms) {
        expect(k.resources).toEqual([KEY]);
        expect(k.condition).toContainEqual({ test: "StringEquals", variable: "kms:ViaService", values: ["s3.us-east-1.amazonaws.com"] });
      }
      expect(kms.map((k) => k.condition.find((c: Json) => c.variable === "kms:EncryptionContext:aws:s3:arn").values)).toEqual([
        [content, `${content}/*`],
        [media, `${media}/*`],
      ]);
      // Sids stay unique when two buckets' statements share one policy.
      const sids = s.map((x) => x.sid);
      expect(new Set(sids).size).toBe(sids.length);
      expect(sids).toEqual(["ContentListBucket", "ContentReadWriteObjects", "ContentEncryptDecryptThroughS3", "MediaListBucket", "MediaReadWriteObjects", "MediaEncryptDecryptThroughS3"]);
    });

    test("export: content and exports, nothing else", () => {
      const s = statements(envs.dev, "workloads_export_pod_identity_policy_document");
      const arns = s.filter((x) => x.actions.includes("s3:ListBucket")).flatMap((x) => x.resources);
      expect(arns).toEqual([bucketArn(dev, "content"), bucketArn(dev, "exports")]);
    });

    test("a service whose bucket ARN is missing fails at synth", () => {
      expect(() => bucketStatements(["content", "media"], { content: "arn:aws:s3:::c" }, KEY, "us-east-1")).toThrow(/no bucket ARN for purpose "media"/);
    });
  });

  test("Service: ClusterIP, port 80 to the container port", () => {
    const svc = resource(envs.dev, "kubernetes_service_v1", "workloads_gateway_service");
    expect(svc.spec).toEqual({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "authorworks-gateway" },
      port: [{ name: "http", port: 80, target_port: "8080", protocol: "TCP" }],
    });
  });

  test("PodDisruptionBudget: one pod at a time", () => {
    expect(resource(envs.production, "kubernetes_pod_disruption_budget_v1", "workloads_gateway_disruption_budget").spec).toEqual({
      max_unavailable: "1",
      selector: { match_labels: { "app.kubernetes.io/name": "authorworks-gateway" } },
    });
  });

  describe("gateway Ingress", () => {
    test.each([
      ["dev", "api.dev.authorworks.io", "authorworks-dev-api", "false"],
      ["staging", "api.staging.authorworks.io", "authorworks-staging-api", "true"],
      ["production", "api.authorworks.io", "authorworks-production-api", "true"],
    ] as const)("%s: host %s, TLS, ALB annotations", (env, host, lbName, protection) => {
      const ing = resource(envs[env], "kubernetes_ingress_v1", "workloads_ingress");
      expect(ing.spec.ingress_class_name).toBe("alb");
      expect(ing.spec.tls).toEqual([{ hosts: [host] }]);
      expect(ing.spec.rule).toEqual([
        {
          host,
          http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: "${kubernetes_service_v1.workloads_gateway_service.metadata[0].name}", port: { number: 80 } } } }] },
        },
      ]);
      expect(ing.metadata.annotations).toEqual({
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
        "alb.ingress.kubernetes.io/ssl-redirect": "443",
        "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "alb.ingress.kubernetes.io/wafv2-acl-arn": WAF,
        "alb.ingress.kubernetes.io/healthcheck-path": "/health",
        "alb.ingress.kubernetes.io/security-groups": "sg-0web",
        "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "true",
        "alb.ingress.kubernetes.io/load-balancer-name": lbName,
        "alb.ingress.kubernetes.io/load-balancer-attributes": `routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=${protection}`,
        "external-dns.alpha.kubernetes.io/hostname": host,
      });
    });

    test("an explicit ACM certificate is passed through; only the gateway has an Ingress", () => {
      const json = synth(production, { ingress: { host: "api.authorworks.io", wafAclArn: WAF, securityGroupIds: ["sg-a", "sg-b"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" } });
      const ing = resource(json, "kubernetes_ingress_v1", "workloads_ingress");
      expect(ing.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe("arn:aws:acm:us-east-1:123456789012:certificate/x");
      expect(ing.metadata.annotations["alb.ingress.kubernetes.io/security-groups"]).toBe("sg-a,sg-b");
      expect(Object.keys(resourcesOf(json, "kubernetes_ingress_v1"))).toEqual(["workloads_ingress"]);
      expect(resource(envs.dev, "kubernetes_ingress_v1", "workloads_ingress").metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBeUndefined();
    });
  });
});
