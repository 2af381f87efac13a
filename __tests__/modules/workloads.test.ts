import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ServiceWorkloads, ServiceWorkloadsProps, autoscalingBounds, resolveWorkloadSize } from "../../modules/workloads";
import { REQUEST_RATE_METRIC } from "../../modules/addons/observability";
import { EnvironmentConfig, SEED_SCALING } from "../../environments/types";
import { StorageBucket } from "../../modules/s3";
import { IKey, keyServiceUseStatement } from "../../modules/kms";
import { BUCKETS, BUCKET_PURPOSES } from "../../variables/storage";
import { apiHostName } from "../../variables/platform";
import { names } from "../../variables/project";
import { ANALYSIS_TEMPLATE, DEFAULT_CANARY_STEPS } from "../../modules/addons/delivery/argo-rollouts";
import { CHARTS } from "../../variables/charts";
import { Json, TEST_AWS, release, resource, resourcesOf, statements, synthWith, valuesOf } from "../helpers";
import { FIXTURE } from "../fixtures/environment";
import { PostgresDatabase, databaseName, databaseUser } from "../../modules/rds";
import { DATABASE_SERVICES } from "../../variables/services";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/storage";
const WAF = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/authorworks-x-regional/abc";
const bucketArn = (env: EnvironmentConfig, purpose: string) => `arn:aws:s3:::${names.bucket(env.storage.bucketPrefix, purpose, env.name)}`;
/** The storage key as the platform stack imports it (a literal ARN here, so statements read plainly). */
const STORAGE_KEY: IKey = {
  arn: KEY,
  aliasName: "alias/authorworks-x-storage",
  region: "us-east-1",
  serviceUseStatement: (use) => keyServiceUseStatement({ arn: KEY, region: "us-east-1" }, use),
};
/** The catalogue's buckets of `env`, imported by name (StorageBucket.fromBucketAttributes), as the platform stack does. */
const bucketsOf = (stack: Construct, env: EnvironmentConfig) =>
  Object.fromEntries(
    BUCKET_PURPOSES.map((p) => [
      p,
      StorageBucket.fromBucketAttributes(stack, `bucket-${p}`, {
        aws: TEST_AWS,
        bucketName: names.bucket(env.storage.bucketPrefix, p, env.name),
        purpose: p,
        encryptionKey: BUCKETS.find((b) => b.purpose === p)!.encryption === "kms" ? STORAGE_KEY : undefined,
      }),
    ]),
  );
/** The services that own data get theirs (modules/rds imports; what they reach is workloads-data-access.test.ts'). */
function databasesOf(stack: Construct, env: EnvironmentConfig) {
  return Object.fromEntries(
    DATABASE_SERVICES.map((d) => [
      d.name,
      PostgresDatabase.fromDatabaseAttributes(stack, `db-${d.name}`, {
        aws: TEST_AWS,
        service: d.name,
        identifier: `authorworks-${env.name}-${d.name}`,
        databaseName: databaseName(d.name),
        masterUsername: "dbadmin",
        proxy: env.database.proxy.enabled,
        iamUsers: [databaseUser(d.name)],
      }),
    ]),
  );
}

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
      buckets: bucketsOf(stack, env),
      ingress: { host: apiHostName(env.dns.zoneName), wafAclArn: WAF, securityGroupIds: ["sg-0web"], deletionProtection: env.durability.deletionProtection },
      databases: databasesOf(stack, env),
      ...overrides,
    });
  });
}

/**
 * The synthetic environment (__tests__/fixtures/environment.ts), named staging: image tag
 * 9.8.7-fixture; defaults 3 replicas, 150m/192Mi requests, 750m/768Mi limits; an export
 * override of 14 replicas, 300m/320Mi, 1200m/1280Mi; autoscaling 1-17 at 63 % CPU, 77 %
 * memory and 1357 req/s per pod, up 37 pods per 53 s (window 211 s), down 39 per 259 s
 * (window 677 s); zone fixture.authorworks.net; deletion protection on. Values no real
 * environment has and distinct from each other, so a prop ignored, replaced by a constant
 * or wired to another fails.
 */
const fixtureJson = synth(FIXTURE);
const SIZING = FIXTURE.workloads;
/** The fixture with one thing changed: the name, deletion protection, the autoscaling floor, the ceiling. */
const RENAMED: EnvironmentConfig = { ...FIXTURE, name: "dev" };
const renamedJson = synth(RENAMED);
const unprotectedJson = synth({ ...FIXTURE, durability: { ...FIXTURE.durability, deletionProtection: false } });
const higherFloor = synth(FIXTURE, { sizing: { ...SIZING, autoscaling: { ...SIZING.autoscaling, minReplicas: 5 } } });
const lowerCeiling = synth(FIXTURE, { sizing: { ...SIZING, autoscaling: { ...SIZING.autoscaling, maxReplicas: 10 } } });
const SERVICES = ["content", "editor", "export", "gateway", "notification", "subscription", "user"];
const deployment = (json: Json, service: string) => resource(json, "kubernetes_deployment_v1", `workloads_${service}_deployment`);
const container = (json: Json, service: string) => deployment(json, service).spec.template.spec.container[0];
const hpa = (json: Json, service: string) => resource(json, "kubernetes_horizontal_pod_autoscaler_v2", `workloads_${service}_autoscaler`);
const rollouts = (json: Json): Json[] => valuesOf(json, "workloads_rollouts").resources;
const rollout = (json: Json, service: string) => rollouts(json).find((r) => r.metadata.labels["authorworks.io/service"] === service)!;

describe("ServiceWorkloads", () => {
  test("every catalogue service gets a deployment, service, service account, HPA and PDB", () => {
    for (const type of [
      "kubernetes_deployment_v1",
      "kubernetes_service_v1",
      "kubernetes_service_account_v1",
      "kubernetes_horizontal_pod_autoscaler_v2",
      "kubernetes_pod_disruption_budget_v1",
    ]) {
      expect(
        Object.keys(resourcesOf(fixtureJson, type))
          .map((k) => k.split("_")[1])
          .sort(),
      ).toEqual(SERVICES);
    }
    expect(deployment(fixtureJson, "user").metadata.name).toBe("authorworks-user-service");
  });

  describe("sizing", () => {
    test("export: 14 replicas (the Rollout's), requests and limits from its override", () => {
      expect(rollout(fixtureJson, "export").spec.replicas).toBe(14);
      // The Deployment is the Rollout's pod template only.
      expect(deployment(fixtureJson, "export").spec.replicas).toBe("0");
      expect(container(fixtureJson, "export").resources).toEqual({ requests: { cpu: "300m", memory: "320Mi" }, limits: { cpu: "1200m", memory: "1280Mi" } });
      expect(SIZING.overrides?.export).toEqual({ replicas: 14, requests: { cpu: "300m", memory: "320Mi" }, limits: { cpu: "1200m", memory: "1280Mi" } });
    });

    test.each(SERVICES.filter((s) => s !== "export"))("%s: the defaults, 3 replicas, 150m/192Mi, 750m/768Mi (the export override does not leak)", (service) => {
      expect(rollout(fixtureJson, service).spec.replicas).toBe(3);
      expect(deployment(fixtureJson, service).spec.replicas).toBe("0");
      expect(container(fixtureJson, service).resources).toEqual({ requests: { cpu: "150m", memory: "192Mi" }, limits: { cpu: "750m", memory: "768Mi" } });
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
          sizing: SIZING,
          buckets: bucketsOf(stack, FIXTURE),
          ingress: { host: "api.dev.authorworks.io", wafAclArn: WAF, securityGroupIds: ["sg-0web"] },
          databases: databasesOf(stack, FIXTURE),
          dependsOn: [mesh],
        });
      });
      expect(deployment(json, "gateway").depends_on).toEqual(["null_resource.linkerd"]);
      expect(deployment(json, "content").depends_on).toEqual([
        "null_resource.linkerd",
        "aws_eks_pod_identity_association.workloads_content_pod_identity_association",
        "aws_iam_role_policy.bucket_content_grant_workloads_content_pod_identity_role_read_write_policy",
        "aws_iam_role_policy.bucket_media_grant_workloads_content_pod_identity_role_read_write_policy",
        "aws_iam_role_policy.db_content_connect_content",
      ]);
      // Without a namespace prop the services go to the application namespace.
      expect(deployment(json, "gateway").metadata.namespace).toBe("authorworks");
      expect(deployment(fixtureJson, "gateway").depends_on).toBeUndefined();
    });

    test("Terraform never resets the replica count the HPA chose", () => {
      expect(deployment(fixtureJson, "gateway").lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
    });
  });

  describe("progressive delivery (Argo Rollouts)", () => {
    test.each([
      ["the fixture", fixtureJson],
      ["renamed", renamedJson],
    ])("%s: one Rollout per service, its pod template the Deployment", (_, json) => {
      const all = rollouts(json);
      expect(all.map((r) => r.metadata.name).sort()).toEqual(
        Object.values(resourcesOf(json, "kubernetes_deployment_v1"))
          .map((d) => d.metadata.name)
          .sort(),
      );
      expect(all).toHaveLength(7);
      const gw = rollout(json, "gateway");
      expect(gw).toMatchObject({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "authorworks-gateway", namespace: "authorworks" } });
      expect(gw.spec.workloadRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "authorworks-gateway", scaleDown: "never" });
      expect(gw.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "authorworks-gateway" } });
    });

    test("every Rollout ships with the seed's canary and the shared analysis on its own pods", () => {
      for (const r of rollouts(fixtureJson)) {
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
      const r = release(fixtureJson, "workloads_rollouts");
      expect([r.chart, r.version, r.namespace, r.name]).toEqual([CHARTS.raw.chart, CHARTS.raw.version, "authorworks", "authorworks-rollouts"]);
      // Every Deployment (the pod templates), and the routes with the stable and canary Services the Rollouts name.
      expect(r.depends_on).toHaveLength(8);
      expect(r.depends_on).toContain("kubernetes_deployment_v1.workloads_gateway_deployment");
      expect(r.depends_on).toContain("helm_release.workloads_routes");
    });

    test("off: the Deployment runs the pods, the HPA scales it, no Rollout", () => {
      const json = synth(FIXTURE, { progressiveDelivery: false });
      // Only the routes (timeouts, retries) remain: no Rollouts, no stable or canary Services.
      expect(Object.keys(resourcesOf(json, "helm_release"))).toEqual(["workloads_routes"]);
      const routed = JSON.parse(release(json, "workloads_routes").values[0]).resources as Json[];
      expect(routed.map((m) => m.kind)).toEqual(Array(14).fill("HTTPRoute"));
      for (const m of routed) expect(m.spec.rules[0].backendRefs).toEqual([{ name: m.spec.parentRefs[0].name, port: 80 }]);
      expect(deployment(json, "export").spec.replicas).toBe("14");
      expect(deployment(json, "gateway").spec.replicas).toBe("3");
      expect(hpa(json, "gateway").spec.scale_target_ref.kind).toBe("Deployment");
      expect(deployment(json, "gateway").spec.template.spec.topology_spread_constraint[0].match_label_keys).toEqual(["pod-template-hash"]);
      // A plain Ingress: the gateway's Service on its port number, every annotation Terraform's, no wait on Rollouts.
      const ing = resource(json, "kubernetes_ingress_v1", "workloads_ingress");
      expect(ing.spec.rule[0].http.path[0].backend).toEqual({
        service: { name: "${kubernetes_service_v1.workloads_gateway_service.metadata[0].name}", port: { number: 80 } },
      });
      expect(ing.lifecycle).toBeUndefined();
      expect(ing.depends_on).toBeUndefined();
      expect(Object.keys(ing.metadata.annotations).filter((k) => k.includes("/actions.") || k.startsWith("rollouts.argoproj.io/"))).toEqual([]);
    });
  });

  describe("autoscaling", () => {
    const bounds = (json: Json, service: string) => [hpa(json, service).spec.min_replicas, hpa(json, service).spec.max_replicas];

    test("floor is max(replicas, autoscaling.minReplicas), ceiling maxReplicas: export 14-17, the others 3-17", () => {
      expect(bounds(fixtureJson, "export")).toEqual([14, 17]);
      for (const s of SERVICES.filter((x) => x !== "export")) expect(bounds(fixtureJson, s)).toEqual([3, 17]);
      // The HPA scales the Rollout (its pods), not the template Deployment.
      expect(hpa(fixtureJson, "gateway").spec.scale_target_ref).toEqual({ api_version: "argoproj.io/v1alpha1", kind: "Rollout", name: "authorworks-gateway" });
    });

    test("a floor above the default replicas (5) lifts the others' minimum, not export's 14", () => {
      expect(bounds(higherFloor, "content")).toEqual([5, 17]);
      expect(bounds(higherFloor, "export")).toEqual([14, 17]);
    });

    test("a ceiling (10) below export's replicas is lifted to them; the others keep it", () => {
      expect(bounds(lowerCeiling, "content")).toEqual([3, 10]);
      expect(bounds(lowerCeiling, "export")).toEqual([14, 14]);
    });

    test("CPU 63 % and memory 77 % utilization, and 1357 inbound requests per second per pod (the adapter's metric), from their own props", () => {
      for (const s of SERVICES) {
        expect(hpa(fixtureJson, s).spec.metric).toEqual([
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 63 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 77 } } },
          { type: "Pods", pods: { metric: { name: REQUEST_RATE_METRIC }, target: { type: "AverageValue", average_value: "1357" } } },
        ]);
      }
      expect(REQUEST_RATE_METRIC).toBe("linkerd_inbound_requests_per_second");
    });

    test("behavior: up 37 pods per 53 s after a 211 s window, down 39 pods per 259 s after a 677 s window, from their own props", () => {
      for (const s of SERVICES) {
        expect(hpa(fixtureJson, s).spec.behavior).toEqual({
          scale_up: [{ stabilization_window_seconds: 211, policy: [{ type: "Pods", value: 37, period_seconds: 53 }] }],
          scale_down: [{ stabilization_window_seconds: 677, policy: [{ type: "Pods", value: 39, period_seconds: 259 }] }],
        });
      }
    });

    test("seed 003's rates reach the HPA as written: up 2 pods a minute after 3 minutes, down 1 pod per 5 minutes after 10", () => {
      const seeded = synth(FIXTURE, { sizing: { ...SIZING, autoscaling: { ...SIZING.autoscaling, ...SEED_SCALING } } });
      expect(hpa(seeded, "content").spec.behavior).toEqual({
        scale_up: [{ stabilization_window_seconds: 180, policy: [{ type: "Pods", value: 2, period_seconds: 60 }] }],
        scale_down: [{ stabilization_window_seconds: 600, policy: [{ type: "Pods", value: 1, period_seconds: 300 }] }],
      });
      expect(hpa(seeded, "content").spec.metric[2].pods.target.average_value).toBe("1000");
    });

    test("without progressive delivery the HPA keeps its metrics and behavior and scales the Deployment", () => {
      const plain = synth(FIXTURE, { progressiveDelivery: false });
      expect(hpa(plain, "user").spec.scale_target_ref).toEqual({
        api_version: "apps/v1",
        kind: "Deployment",
        name: "${kubernetes_deployment_v1.workloads_user_deployment.metadata[0].name}",
      });
      expect(hpa(plain, "user").spec.metric).toEqual(hpa(fixtureJson, "user").spec.metric);
      expect(hpa(plain, "user").spec.behavior).toEqual(hpa(fixtureJson, "user").spec.behavior);
    });

    test("bounds: replicas above the ceiling lift it; defaults and overrides merge field by field", () => {
      const sizing = { ...SIZING, overrides: { gateway: { replicas: 20, limits: { memory: "2Gi" } } } };
      expect(autoscalingBounds(sizing, "gateway")).toEqual({ min: 20, max: 20 });
      expect(autoscalingBounds(sizing, "user")).toEqual({ min: 3, max: 17 });
      expect(resolveWorkloadSize(sizing, "gateway")).toEqual({
        replicas: 20,
        requests: { cpu: "150m", memory: "192Mi" },
        limits: { cpu: "750m", memory: "2Gi" },
      });
    });
  });

  describe("pods", () => {
    const spec = deployment(fixtureJson, "content").spec;
    const pod = spec.template.spec;

    test("probes: liveness /health 30/10, readiness /readiness 5/5, on the container port", () => {
      const c = container(fixtureJson, "notification");
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
      // Content owns a database: the RDS CA bundle, read-only, besides /tmp.
      expect(pod.container[0].volume_mount).toEqual([
        { name: "tmp", mount_path: "/tmp" },
        { name: "rds-ca", mount_path: "/etc/ssl/certs/rds", read_only: true },
      ]);
      expect(pod.volume).toEqual([
        { name: "tmp", empty_dir: { size_limit: "256Mi" } },
        { name: "rds-ca", config_map: { name: "${kubernetes_config_map_v1.workloads_rds_ca_bundle.metadata[0].name}" } },
      ]);
      const exportPod = deployment(fixtureJson, "export").spec.template.spec;
      expect(exportPod.container[0].volume_mount).toEqual([{ name: "tmp", mount_path: "/tmp" }]);
      expect(exportPod.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: "256Mi" } }]);
    });

    test("rolling update without losing capacity", () => {
      expect(spec.strategy).toEqual({ type: "RollingUpdate", rolling_update: { max_surge: "1", max_unavailable: "0" } });
    });

    test("spread across zones and hosts, soft, per rollout", () => {
      const selector = [{ match_labels: { "app.kubernetes.io/name": "authorworks-content" } }];
      expect(pod.topology_spread_constraint).toEqual([
        {
          topology_key: "topology.kubernetes.io/zone",
          max_skew: 1,
          when_unsatisfiable: "ScheduleAnyway",
          label_selector: selector,
          match_label_keys: ["rollouts-pod-template-hash"],
        },
        {
          topology_key: "kubernetes.io/hostname",
          max_skew: 1,
          when_unsatisfiable: "ScheduleAnyway",
          label_selector: selector,
          match_label_keys: ["rollouts-pod-template-hash"],
        },
      ]);
    });

    test("token mounted only where AWS is used; the account never auto-mounts", () => {
      expect(pod.automount_service_account_token).toBe(true);
      expect(deployment(fixtureJson, "gateway").spec.template.spec.automount_service_account_token).toBe(false);
      expect(deployment(fixtureJson, "notification").spec.template.spec.automount_service_account_token).toBe(false);
      // The editor signs in to its database with IAM tokens: it has a role.
      expect(deployment(fixtureJson, "editor").spec.template.spec.automount_service_account_token).toBe(true);
      for (const sa of Object.values(resourcesOf(fixtureJson, "kubernetes_service_account_v1"))) expect(sa.automount_service_account_token).toBe(false);
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
      expect(deployment(fixtureJson, "gateway").spec.template.metadata.labels["authorworks.io/aws-identity"]).toBeUndefined();
      expect(spec.selector).toEqual({ match_labels: { "app.kubernetes.io/name": "authorworks-content" } });
    });

    test.each([
      ["the fixture", "gateway", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-staging/gateway:9.8.7-fixture", fixtureJson],
      ["the fixture", "export", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-staging/export:9.8.7-fixture", fixtureJson],
      ["renamed", "user", "123456789012.dkr.ecr.us-east-1.amazonaws.com/authorworks-dev/user:9.8.7-fixture", renamedJson],
    ] as const)("%s: %s image from its ECR repository, at the configured tag", (_, service, uri, json) => {
      expect(container(json, service).image).toBe(uri);
      expect(container(json, service).image_pull_policy).toBe("Always");
    });
  });

  describe("AWS access", () => {
    test("only the services with buckets (content, export) or a database (content, editor, subscription, user) get a Pod Identity role", () => {
      const aws = ["content", "editor", "export", "subscription", "user"];
      expect(Object.keys(resourcesOf(fixtureJson, "aws_iam_role")).sort()).toEqual(aws.map((s) => `workloads_${s}_pod_identity_role`));
      expect(Object.keys(resourcesOf(fixtureJson, "aws_eks_pod_identity_association")).sort()).toEqual(
        aws.map((s) => `workloads_${s}_pod_identity_association`),
      );
    });

    test("the association binds the role to the service's own account in its namespace; pods wait for it", () => {
      const a = resource(fixtureJson, "aws_eks_pod_identity_association", "workloads_content_pod_identity_association");
      expect(a).toMatchObject({
        cluster_name: "authorworks-staging",
        namespace: "authorworks",
        service_account: "${kubernetes_service_account_v1.workloads_content_service_account.metadata[0].name}",
        role_arn: "${aws_iam_role.workloads_content_pod_identity_role.arn}",
      });
      expect(resource(fixtureJson, "aws_iam_role", "workloads_content_pod_identity_role").name).toBe("authorworks-staging-pod-content");
      expect(resource(renamedJson, "aws_eks_pod_identity_association", "workloads_content_pod_identity_association").cluster_name).toBe("authorworks-dev");
      expect(resource(renamedJson, "aws_iam_role", "workloads_content_pod_identity_role").name).toBe("authorworks-dev-pod-content");
      expect(deployment(fixtureJson, "content").depends_on).toEqual([
        "aws_eks_pod_identity_association.workloads_content_pod_identity_association",
        "aws_iam_role_policy.bucket_content_grant_workloads_content_pod_identity_role_read_write_policy",
        "aws_iam_role_policy.bucket_media_grant_workloads_content_pod_identity_role_read_write_policy",
        "aws_iam_role_policy.db_content_connect_content",
      ]);
    });

    /** The statements of every inline policy on a service's role, by policy name. */
    const rolePolicies = (json: Json, service: string): Record<string, Json[]> =>
      Object.fromEntries(
        Object.values(resourcesOf(json, "aws_iam_role_policy"))
          .filter((p) => p.role === `\${aws_iam_role.workloads_${service}_pod_identity_role.name}`)
          .map((p) => [p.name, statements(json, /^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/.exec(p.policy)![1])]),
      );

    test("content: read-write on exactly the content and media buckets (their grants), the storage key through S3, and its database", () => {
      const policies = rolePolicies(fixtureJson, "content");
      expect(Object.keys(policies).sort()).toEqual(["authorworks-staging-content-connect-content_app", "s3-content-read-write", "s3-media-read-write"]);
      for (const purpose of ["content", "media"]) {
        const arn = bucketArn(FIXTURE, purpose);
        const s = policies[`s3-${purpose}-read-write`];
        expect(s.map((x) => x.sid)).toEqual(["ListBucket", "ReadWriteObjects", "EncryptDecryptThroughS3"]);
        expect(s.filter((x) => x.actions.some((a: string) => a.startsWith("s3:"))).flatMap((x) => x.resources)).toEqual([arn, `${arn}/*`]);
        const [kms] = s.filter((x) => x.actions.some((a: string) => a.startsWith("kms:")));
        expect(kms.resources).toEqual([KEY]);
        expect(kms.condition).toContainEqual({ test: "StringEquals", variable: "kms:ViaService", values: ["s3.us-east-1.amazonaws.com"] });
        expect(kms.condition.find((c: Json) => c.variable === "kms:EncryptionContext:aws:s3:arn").values).toEqual([arn, `${arn}/*`]);
      }
    });

    test("export: content and exports, nothing else", () => {
      const policies = rolePolicies(fixtureJson, "export");
      expect(Object.keys(policies).sort()).toEqual(["s3-content-read-write", "s3-exports-read-write"]);
      const arns = Object.values(policies)
        .flat()
        .filter((x) => x.actions.includes("s3:ListBucket"))
        .flatMap((x) => x.resources);
      expect(arns.sort()).toEqual([bucketArn(FIXTURE, "content"), bucketArn(FIXTURE, "exports")].sort());
    });

    test("a service whose bucket is missing fails at synth, naming the environment, the service and the bucket", () => {
      expect(() =>
        synthWith((stack) => {
          new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" });
          new ServiceWorkloads(stack, "workloads", {
            environment: "dev",
            aws: TEST_AWS,
            clusterName: "authorworks-dev",
            sizing: SIZING,
            buckets: { content: bucketsOf(stack, FIXTURE).content },
            ingress: { host: "api.dev.authorworks.io", wafAclArn: WAF, securityGroupIds: ["sg-0web"] },
            databases: databasesOf(stack, FIXTURE),
          });
        }),
      ).toThrow('dev: service "content" uses the media bucket, which was not given; buckets: content');
    });
  });

  test("Service: ClusterIP, port 80 to the container port", () => {
    const svc = resource(fixtureJson, "kubernetes_service_v1", "workloads_gateway_service");
    expect(svc.spec).toEqual({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "authorworks-gateway" },
      port: [{ name: "http", port: 80, target_port: "8080", protocol: "TCP" }],
    });
  });

  test("PodDisruptionBudget: one pod at a time", () => {
    expect(resource(fixtureJson, "kubernetes_pod_disruption_budget_v1", "workloads_gateway_disruption_budget").spec).toEqual({
      max_unavailable: "1",
      selector: { match_labels: { "app.kubernetes.io/name": "authorworks-gateway" } },
    });
  });

  describe("gateway Ingress", () => {
    // The name and deletion protection each varied alone from the fixture.
    test.each([
      ["the fixture", "api.fixture.authorworks.net", "authorworks-staging-api", "true", fixtureJson],
      ["renamed", "api.fixture.authorworks.net", "authorworks-dev-api", "true", renamedJson],
      ["without deletion protection", "api.fixture.authorworks.net", "authorworks-staging-api", "false", unprotectedJson],
    ] as const)("%s: host %s, load balancer %s, deletion protection %s, TLS, ALB annotations", (_, host, lbName, protection, json) => {
      const ing = resource(json, "kubernetes_ingress_v1", "workloads_ingress");
      expect(ing.spec.ingress_class_name).toBe("alb");
      expect(ing.spec.tls).toEqual([{ hosts: [host] }]);
      expect(ing.spec.rule).toEqual([
        {
          host,
          http: {
            path: [
              {
                path: "/",
                path_type: "Prefix",
                // Progressive delivery: the Rollout's root Service (Terraform's own), its action from the controller's annotation.
                backend: { service: { name: "${kubernetes_service_v1.workloads_gateway_service.metadata[0].name}", port: { name: "use-annotation" } } },
              },
            ],
          },
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
        // Created with the action at rest (stable 100 %), then the Rollouts controller's (ignored by Terraform).
        "alb.ingress.kubernetes.io/actions.authorworks-gateway":
          '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"authorworks-gateway-canary","ServicePort":"80","Weight":0},{"ServiceName":"authorworks-gateway-stable","ServicePort":"80","Weight":100}]}}',
      });
    });

    test("ALB stickiness for the canary goes into the action the Ingress is created with, as the controller writes it", () => {
      const json = synth(FIXTURE, { ingress: { host: "api.dev.authorworks.io", wafAclArn: WAF, securityGroupIds: ["sg-0web"], canaryStickinessSeconds: 300 } });
      const action = JSON.parse(
        resource(json, "kubernetes_ingress_v1", "workloads_ingress").metadata.annotations["alb.ingress.kubernetes.io/actions.authorworks-gateway"],
      );
      expect(action.ForwardConfig.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 300 });
      const gateway = (JSON.parse(release(json, "workloads_rollouts").values[0]).resources as Json[]).find((r) => r.metadata.name === "authorworks-gateway")!;
      expect(gateway.spec.strategy.canary.trafficRouting.alb.stickinessConfig).toEqual({ enabled: true, durationSeconds: 300 });
    });

    test("an explicit ACM certificate is passed through; only the gateway has an Ingress", () => {
      const json = synth(FIXTURE, {
        ingress: {
          host: "api.authorworks.io",
          wafAclArn: WAF,
          securityGroupIds: ["sg-a", "sg-b"],
          certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
        },
      });
      const ing = resource(json, "kubernetes_ingress_v1", "workloads_ingress");
      expect(ing.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe("arn:aws:acm:us-east-1:123456789012:certificate/x");
      expect(ing.metadata.annotations["alb.ingress.kubernetes.io/security-groups"]).toBe("sg-a,sg-b");
      expect(Object.keys(resourcesOf(json, "kubernetes_ingress_v1"))).toEqual(["workloads_ingress"]);
      expect(
        resource(fixtureJson, "kubernetes_ingress_v1", "workloads_ingress").metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"],
      ).toBeUndefined();
    });
  });
});
