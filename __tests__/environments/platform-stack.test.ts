import { Testing } from "cdktf";
import { resolveEnvironment } from "../../environments/config";
import { dev } from "../../environments/dev";
import { production } from "../../environments/production";
import { staging } from "../../environments/staging";
import { PlatformStack, platformStackName } from "../../environments/platform-stack";
import type { EnvironmentConfig } from "../../environments/types";
import type { CloudStateSettings, S3StateSettings } from "../../providers/state";
import { CHARTS } from "../../variables/charts";
import { SHARED_KINDS } from "../../modules/addons/delivery/argo-cd";
import { rdsCaBundle } from "../../modules/rds/ca-bundle";
import { serviceSecretMappings } from "../../modules/workloads/access";
import { SECRETS } from "../../variables/secrets";
import { DATABASE_SERVICES, SERVICES } from "../../variables/services";
import { BUCKETS, BUCKET_PURPOSES } from "../../variables/storage";
import { Json, dataOf, rawResource, resource, resourcesOf, statements, valuesOf } from "../helpers";
import { realStack } from "../real-app";

const S3: S3StateSettings = { kind: "s3", bucket: "authorworks-terraform-state", lockTable: "authorworks-terraform-locks", region: "us-east-1" };

function synthPlatform(cfg: EnvironmentConfig, state: S3StateSettings | CloudStateSettings = S3): { json: Json; text: string } {
  const stack = new PlatformStack(Testing.app(), resolveEnvironment(cfg), state);
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text), text };
}

const ENVS = ["dev", "staging", "production"] as const;
/** The committed app's platform stacks (what synthPlatform gives for the committed environments). */
const stacks = Object.fromEntries(
  ENVS.map((env) => {
    const json = realStack(`${env}-platform`);
    return [env, { json, text: JSON.stringify(json, null, 2) }];
  }),
) as Record<(typeof ENVS)[number], { json: Json; text: string }>;

describe("stack and state", () => {
  test.each(ENVS)("%s: stack <env>-platform on its own S3 state key", (env) => {
    expect(platformStackName(env)).toBe(`${env}-platform`);
    expect(stacks[env].json.terraform.backend).toEqual({
      s3: {
        bucket: "authorworks-terraform-state",
        key: `${env}-platform/terraform.tfstate`,
        region: "us-east-1",
        dynamodb_table: "authorworks-terraform-locks",
        encrypt: true,
      },
    });
  });

  test("on Terraform Cloud: workspace authorworks-<env>-platform", () => {
    const { json } = synthPlatform(staging, { kind: "cloud", organization: "authorworks" });
    expect(json.terraform.cloud).toEqual({ organization: "authorworks", workspaces: { name: "authorworks-staging-platform" } });
    expect(json.terraform.backend).toBeUndefined();
  });

  test("pins the AWS provider the verification builds, and the other bindings' versions", () => {
    expect(stacks.dev.json.terraform.required_providers).toMatchObject({
      aws: { version: "6.47.0" },
      helm: { version: "3.1.1" },
      kubernetes: { version: "2.38.0" },
    });
  });

  test.each(ENVS)("%s: AWS provider with the environment's default tags", (env) => {
    expect(stacks[env].json.provider.aws[0].default_tags[0].tags).toMatchObject({ Environment: env, Project: "authorworks" });
  });
});

describe("cluster authentication", () => {
  test.each(ENVS)("%s: exec plugin `aws eks get-token` for the environment's cluster and region, endpoint and CA from aws_eks_cluster", (env) => {
    const { json } = stacks[env];
    expect(dataOf(json, "aws_eks_cluster").cluster).toEqual({ name: `authorworks-${env}` });
    expect(dataOf(json, "aws_eks_cluster_auth")).toEqual({});
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", `authorworks-${env}`, "--region", { dev, staging, production }[env].region, "--output", "json"],
    };
    const endpoint = {
      host: "${data.aws_eks_cluster.cluster.endpoint}",
      cluster_ca_certificate: "${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}",
    };
    expect(json.provider.kubernetes).toEqual([{ ...endpoint, exec: [exec] }]);
    expect(json.provider.helm).toEqual([{ kubernetes: { ...endpoint, exec } }]);
  });
});

describe("no cross-stack references", () => {
  test.each(ENVS)("%s: cluster, VPC, zone and WAF ACL are looked up by name", (env) => {
    const { json, text } = stacks[env];
    expect(dataOf(json, "terraform_remote_state")).toEqual({});
    expect(text).not.toContain("terraform_remote_state");
    const zone = env === "production" ? "authorworks.io" : `${env}.authorworks.io`;
    expect(dataOf(json, "aws_route53_zone").zone).toEqual({ name: zone, private_zone: false });
    expect(dataOf(json, "aws_wafv2_web_acl").regional_web_acl).toEqual({ name: `authorworks-${env}-regional`, scope: "REGIONAL" });
    expect(valuesOf(json, "addons_aws_load_balancer_controller_release").vpcId).toBe("${data.aws_eks_cluster.cluster.vpc_config[0].vpc_id}");
    // Nothing the environment stack creates is created here: on the AWS side only the
    // add-ons' and services' own roles, their Pod Identity associations, the alarms
    // of the ALB this stack makes, and the chat forwarder (it reads the chat webhook secret,
    // which gets its value after the environment stack is applied).
    expect(
      Object.keys(json.resource)
        .filter((t) => t.startsWith("aws_"))
        .sort(),
    ).toEqual([
      "aws_cloudwatch_event_api_destination",
      "aws_cloudwatch_event_connection",
      "aws_cloudwatch_metric_alarm",
      "aws_eks_pod_identity_association",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_pipes_pipe",
      "aws_sns_topic_subscription",
      "aws_sqs_queue",
      "aws_sqs_queue_policy",
    ]);
    const forwarder = [
      "aws_cloudwatch_event_api_destination",
      "aws_cloudwatch_event_connection",
      "aws_pipes_pipe",
      "aws_sns_topic_subscription",
      "aws_sqs_queue",
      "aws_sqs_queue_policy",
    ];
    for (const type of forwarder) expect({ type, ids: Object.keys(json.resource[type]) }).toEqual({ type, ids: [expect.stringMatching(/^chat_forwarder_/)] });
  });
});

describe("the <env> stack's keys, buckets and alert topics: typed imports", () => {
  test.each(ENVS)("%s: looked up by their names, each once", (env) => {
    const { json } = stacks[env];
    const prefix = { dev, staging, production }[env].storage.bucketPrefix;
    expect(dataOf(json, "aws_kms_alias")).toEqual({
      storage_key: { name: `alias/authorworks-${env}-storage` },
      logs_key: { name: `alias/authorworks-${env}-logs` },
      secrets_key: { name: `alias/authorworks-${env}-secrets` },
    });
    expect(dataOf(json, "aws_s3_bucket")).toEqual(Object.fromEntries(BUCKET_PURPOSES.map((p) => [`${p}_bucket`, { bucket: `${prefix}-${p}-${env}` }])));
  });

  test("the imports carry what their grants need: the storage key on SSE-KMS buckets, the logs key on the topics", () => {
    const stack = new PlatformStack(Testing.app(), resolveEnvironment(staging), S3);
    for (const def of BUCKETS) {
      const bucket = stack.buckets[def.purpose];
      expect([bucket.purpose, bucket.name, bucket.arn]).toEqual([
        def.purpose,
        `authorworks-${def.purpose}-staging`,
        `arn:aws:s3:::authorworks-${def.purpose}-staging`,
      ]);
      expect(bucket.encryptionKey).toBe(def.encryption === "kms" ? stack.storageKey : undefined);
    }
    expect(stack.buckets.logs.encryptionKey).toBeUndefined();
    // The key ARN the services' statements name is the alias lookup's target (an alias ARN matches no key statement).
    const text = Testing.synth(stack, true);
    expect(text).toContain('"${data.aws_kms_alias.storage_key.target_key_arn}"');
    expect(text).not.toMatch(/data\.aws_kms_alias\.\w+\.arn/);
    expect(stack.storageKey.aliasName).toBe("alias/authorworks-staging-storage");
    for (const severity of ["critical", "warning"] as const) {
      expect(stack.alertTopics[severity].name).toBe(`authorworks-staging-alerts-${severity}`);
      expect(stack.alertTopics[severity].encryptionKey).toBe(stack.logsKey);
    }
  });
});

describe("one owner per object in the application namespace", () => {
  // Terraform type -> Kubernetes group/kind.
  const KINDS: Record<string, string> = {
    kubernetes_deployment_v1: "apps/Deployment",
    kubernetes_service_v1: "/Service",
    kubernetes_service_account_v1: "/ServiceAccount",
    kubernetes_horizontal_pod_autoscaler_v2: "autoscaling/HorizontalPodAutoscaler",
    kubernetes_pod_disruption_budget_v1: "policy/PodDisruptionBudget",
    kubernetes_ingress_v1: "networking.k8s.io/Ingress",
    kubernetes_network_policy_v1: "networking.k8s.io/NetworkPolicy",
    kubernetes_resource_quota_v1: "/ResourceQuota",
    kubernetes_limit_range_v1: "/LimitRange",
    kubernetes_role_v1: "rbac.authorization.k8s.io/Role",
    kubernetes_role_binding_v1: "rbac.authorization.k8s.io/RoleBinding",
    kubernetes_config_map_v1: "/ConfigMap",
    kubernetes_job_v1: "batch/Job",
  };
  test.each(ENVS)("%s: Argo CD may not sync any kind Terraform creates there", (env) => {
    const { json } = stacks[env];
    const appNs = "${kubernetes_namespace_v1.tenancy_namespace_authorworks.metadata[0].name}";
    const made = new Set<string>();
    for (const [type, rs] of Object.entries(json.resource as Record<string, Record<string, Json>>)) {
      for (const r of Object.values(rs)) if (r.metadata?.namespace === appNs) made.add(KINDS[type] ?? `unmapped ${type}`);
    }
    for (const id of ["workloads_rollouts", "workloads_external_secrets", "workloads_database_users_secrets", "workloads_mesh_policy", "workloads_routes"]) {
      for (const r of valuesOf(json, id).resources) made.add(`${String(r.apiVersion).includes("/") ? String(r.apiVersion).split("/")[0] : ""}/${r.kind}`);
    }
    const project = rawResource(json, "addons_argo_cd_applications", "AppProject");
    const blacklisted = project.spec.namespaceResourceBlacklist.map((k: Json) => `${k.group}/${k.kind}`);
    const shared = SHARED_KINDS.map((k) => `${k.group}/${k.kind}`);
    expect(made.size).toBeGreaterThanOrEqual(19);
    expect([...made].filter((k) => !blacklisted.includes(k) && !shared.includes(k))).toEqual([]);
  });
});

describe("gateway ALB alarms", () => {
  test.each(ENVS)("%s: read the ALB by name once the Ingress has it; alarm on its exact dimension", (env) => {
    const { json } = stacks[env];
    const cfg = { dev, staging, production }[env];
    const t = cfg.observability.thresholds;
    expect(resource(json, "kubernetes_ingress_v1", "workloads_ingress").wait_for_load_balancer).toBe(true);
    expect(resource(json, "kubernetes_ingress_v1", "workloads_ingress").metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"]).toBe(
      `authorworks-${env}-api`,
    );
    expect(dataOf(json, "aws_lb").gateway_load_balancer).toEqual({ name: `authorworks-${env}-api`, depends_on: ["kubernetes_ingress_v1.workloads_ingress"] });
    expect(dataOf(json, "aws_sns_topic")).toEqual({
      alerts_chat_topic: { name: `authorworks-${env}-alerts-chat` },
      alerts_critical_topic: { name: `authorworks-${env}-alerts-critical` },
      alerts_warning_topic: { name: `authorworks-${env}-alerts-warning` },
    });
    const suffix = "${data.aws_lb.gateway_load_balancer.arn_suffix}";
    const rate = resource(json, "aws_cloudwatch_metric_alarm", "gateway_alarms_alb_5xx_rate");
    expect(rate.threshold).toBe(t.errorRatePercent);
    expect(rate.metric_query.filter((q: Json) => q.metric).map((q: Json) => q.metric.dimensions)).toEqual([{ LoadBalancer: suffix }, { LoadBalancer: suffix }]);
    expect(rate.alarm_actions).toEqual(["${data.aws_sns_topic.alerts_critical_topic.arn}"]);
    const p99 = resource(json, "aws_cloudwatch_metric_alarm", "gateway_alarms_alb_target_p99");
    expect(p99).toMatchObject({
      extended_statistic: "p99",
      threshold: t.p99LatencyMs / 1000,
      dimensions: { LoadBalancer: suffix },
      alarm_actions: ["${data.aws_sns_topic.alerts_warning_topic.arn}"],
    });
  });
});

describe("add-ons per environment", () => {
  const charts: Array<[string, keyof typeof CHARTS, string]> = [
    ["addons_aws_load_balancer_controller_release", "awsLoadBalancerController", "kube-system"],
    ["addons_cert_manager_release", "certManager", "cert-manager"],
    ["addons_trust_manager_release", "trustManager", "cert-manager"],
    ["addons_external_dns_release", "externalDns", "external-dns"],
    ["addons_cluster_autoscaler_release", "clusterAutoscaler", "kube-system"],
    ["addons_metrics_server_release", "metricsServer", "kube-system"],
    ["addons_linkerd_crds", "linkerdCrds", "linkerd"],
    ["addons_linkerd_control_plane", "linkerdControlPlane", "linkerd"],
    ["addons_linkerd_cni", "linkerdCni", "kube-system"],
    ["addons_external_secrets_release", "externalSecrets", "platform-system"],
    ["addons_reloader_release", "reloader", "platform-system"],
    ["addons_prometheus_adapter_release", "prometheusAdapter", "monitoring"],
  ];

  test.each(ENVS)("%s: every add-on at the version pinned in variables/charts.ts", (env) => {
    for (const [id, key, namespace] of charts) {
      const r = resource(stacks[env].json, "helm_release", id);
      expect([id, r.repository, r.chart, r.version, r.namespace]).toEqual([id, CHARTS[key].repository, CHARTS[key].chart, CHARTS[key].version, namespace]);
    }
    // Every release, including the delivery and observability add-ons, is a catalogued chart at its pinned version.
    const catalogue = Object.values(CHARTS);
    for (const [id, r] of Object.entries(resourcesOf(stacks[env].json, "helm_release"))) {
      const entry = catalogue.find((c) => c.repository === r.repository && c.chart === r.chart);
      expect([id, r.version]).toEqual([id, entry?.version]);
    }
    expect(Object.keys(resourcesOf(stacks[env].json, "helm_release")).length).toBeGreaterThanOrEqual(20);
  });

  test.each(ENVS)("%s: ESO decrypts with the environment's secrets key and reads its prefix; both add-ons use the tenancy's system namespace", (env) => {
    const json = stacks[env].json;
    expect(dataOf(json, "aws_kms_alias").secrets_key.name).toBe(`alias/authorworks-${env}-secrets`);
    const [read, decrypt] = statements(json, "addons_external_secrets_pod_identity_policy_document");
    expect(read.resources).toEqual([`arn:aws:secretsmanager:us-east-1:\${data.aws_caller_identity.current.account_id}:secret:authorworks-${env}/*`]);
    expect(decrypt.resources).toEqual(["${data.aws_kms_alias.secrets_key.target_key_arn}"]);
    for (const id of ["addons_external_secrets_release", "addons_reloader_release"]) {
      expect(resource(json, "helm_release", id).depends_on).toContain("kubernetes_namespace_v1.tenancy_namespace_platform_system");
    }
    // Reloader restarts Rollouts, installed after the Rollout CRD.
    expect(valuesOf(json, "addons_reloader_release").reloader.isArgoRollouts).toBe(true);
    expect(resource(json, "helm_release", "addons_reloader_release").depends_on).toContain("helm_release.addons_argo_rollouts_release");
  });

  test.each([
    ["dev", "dev.authorworks.io", "sync"],
    ["staging", "staging.authorworks.io", "sync"],
    ["production", "authorworks.io", "upsert-only"],
  ] as const)("%s: external-dns owns records as authorworks-<env> in %s, policy %s", (env, zone, policy) => {
    expect({ dev, staging, production }[env].platform.externalDnsPolicy).toBe(policy);
    expect(valuesOf(stacks[env].json, "addons_external_dns_release")).toMatchObject({
      txtOwnerId: `authorworks-${env}`,
      domainFilters: [zone],
      policy,
      extraArgs: ["--zone-id-filter=${data.aws_route53_zone.zone.zone_id}", "--aws-zone-type=public"],
    });
  });

  test.each(ENVS)("%s: cert-manager with CRDs; Let's Encrypt issuers solve DNS-01 in the environment zone", (env) => {
    const { json } = stacks[env];
    expect(valuesOf(json, "addons_cert_manager_release").crds.enabled).toBe(true);
    const issuers = valuesOf(json, "addons_cert_manager_letsencrypt_issuers").resources;
    expect(issuers.map((i: Json) => i.metadata.name)).toEqual(["letsencrypt-staging", "letsencrypt-production"]);
    for (const i of issuers) {
      expect(i.spec.acme.email).toBe("platform@authorworks.io");
      expect(i.spec.acme.solvers[0].dns01.route53.hostedZoneID).toBe("${data.aws_route53_zone.zone.zone_id}");
    }
  });

  test.each(ENVS)("%s: IAM policies scoped to the environment zone and cluster", (env) => {
    const { json } = stacks[env];
    const zoneArn = "${data.aws_route53_zone.zone.arn}";
    const cm = statements(json, "addons_cert_manager_pod_identity_policy_document").find((s) => s.sid === "WriteAcmeChallengeRecords")!;
    expect(cm.resources).toEqual([zoneArn]);
    const dns = statements(json, "addons_external_dns_pod_identity_policy_document").find((s) => s.sid === "WriteRecordsInEnvironmentZone")!;
    expect(dns.resources).toEqual([zoneArn]);
    const ca = statements(json, "addons_cluster_autoscaler_pod_identity_policy_document").find((s) => s.sid === "ScaleThisClustersNodeGroups")!;
    expect(ca.condition[0]).toEqual({ test: "StringEquals", variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/authorworks-${env}`, values: ["owned"] });
    const alb = statements(json, "addons_aws_load_balancer_controller_pod_identity_policy_document").find((s) => s.sid === "ManageOwnedLoadBalancers")!;
    expect(alb.condition).toEqual([{ test: "StringEquals", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: [`authorworks-${env}`] }]);
    expect(resource(json, "aws_iam_role", "addons_external_dns_pod_identity_role").name).toBe(`authorworks-${env}-external-dns`);
  });

  test.each(ENVS)("%s: Linkerd control plane with the cert-manager external CA", (env) => {
    expect(valuesOf(stacks[env].json, "addons_linkerd_control_plane").identity).toEqual({ externalCA: true, issuer: { scheme: "kubernetes.io/tls" } });
  });

  test("high availability follows the system node group: production (3 nodes) yes, dev (2) no", () => {
    expect(valuesOf(stacks.production.json, "addons_linkerd_control_plane").controllerReplicas).toBe(3);
    expect(valuesOf(stacks.dev.json, "addons_linkerd_control_plane").controllerReplicas).toBe(1);
    expect(valuesOf(stacks.dev.json, "addons_aws_load_balancer_controller_release").replicaCount).toBe(2);
  });

  test("protected environments retain volumes; dev deletes them", () => {
    expect(resource(stacks.production.json, "kubernetes_storage_class_v1", "addons_storage_class_gp3").reclaim_policy).toBe("Retain");
    expect(resource(stacks.dev.json, "kubernetes_storage_class_v1", "addons_storage_class_gp3").reclaim_policy).toBe("Delete");
  });

  test("Cluster Autoscaler image matches the cluster's Kubernetes minor", () => {
    expect(valuesOf(stacks.production.json, "addons_cluster_autoscaler_release").image.tag).toBe("v1.35.0");
    const older = synthPlatform({ ...dev, kubernetes: { ...dev.kubernetes, version: "1.34" } });
    expect(valuesOf(older.json, "addons_cluster_autoscaler_release").image.tag).toBe("v1.34.0");
    const env = { ...resolveEnvironment(dev), kubernetes: { ...dev.kubernetes, version: "1.29" } };
    expect(() => new PlatformStack(Testing.app(), env, S3)).toThrow("dev-platform: no Cluster Autoscaler image for Kubernetes 1.29 in variables/charts.ts");
  });
});

describe("seed 003 scaling in the committed environments", () => {
  const hpas = (env: (typeof ENVS)[number]) => resourcesOf(stacks[env].json, "kubernetes_horizontal_pod_autoscaler_v2");

  test.each([
    ["dev", 10, {}],
    ["staging", 10, {}],
    // max_instances 20 where the environment says so; the gateway's overlay (5 replicas) is its floor.
    ["production", 20, { gateway: 5 }],
  ] as const)("%s: min 2 / max %i per service, floors from the overlays %j", (env, max, floors: Readonly<Record<string, number>>) => {
    const bounds = Object.fromEntries(
      Object.values(hpas(env)).map((h) => [h.metadata.labels["authorworks.io/service"], [h.spec.min_replicas, h.spec.max_replicas]]),
    );
    expect(bounds).toEqual(Object.fromEntries(SERVICES.map((s) => [s.name, [floors[s.name] ?? 2, max]])));
  });

  test.each(ENVS)("%s: up at most 2 pods a minute after a 3-minute window, down at most 1 pod per 5 minutes after a 10-minute window", (env) => {
    expect(Object.keys(hpas(env))).toHaveLength(SERVICES.length);
    for (const h of Object.values(hpas(env))) {
      expect(h.spec.behavior).toEqual({
        scale_up: [{ stabilization_window_seconds: 180, policy: [{ type: "Pods", value: 2, period_seconds: 60 }] }],
        scale_down: [{ stabilization_window_seconds: 600, policy: [{ type: "Pods", value: 1, period_seconds: 300 }] }],
      });
    }
  });

  test.each(ENVS)("%s: scale out at 1000 inbound req/s per pod, on the metric the adapter release serves", (env) => {
    const served = valuesOf(stacks[env].json, "addons_prometheus_adapter_release").rules.custom.map((r: Json) => r.name.as);
    for (const h of Object.values(hpas(env))) {
      const pods = h.spec.metric.filter((m: Json) => m.type === "Pods");
      expect(pods).toEqual([{ type: "Pods", pods: { metric: { name: served[0] }, target: { type: "AverageValue", average_value: "1000" } } }]);
    }
    expect(served).toEqual(["linkerd_inbound_requests_per_second"]);
  });
});

describe("ingress-nginx (retired)", () => {
  test.each(ENVS)("%s: absent by default", (env) => {
    expect(resourcesOf(stacks[env].json, "helm_release").addons_ingress_nginx_release).toBeUndefined();
    expect(resourcesOf(stacks[env].json, "kubernetes_namespace_v1").addons_namespace_ingress_nginx).toBeUndefined();
  });

  test("present with platform.ingressNginx, pinned, in its own namespace", () => {
    const { json } = synthPlatform({ ...dev, platform: { ...dev.platform, ingressNginx: true } });
    expect(resource(json, "helm_release", "addons_ingress_nginx_release")).toMatchObject({
      chart: "ingress-nginx",
      repository: CHARTS.ingressNginx.repository,
      version: CHARTS.ingressNginx.version,
      namespace: "ingress-nginx",
    });
    expect(resource(json, "kubernetes_namespace_v1", "addons_namespace_ingress_nginx").metadata.name).toBe("ingress-nginx");
  });
});

describe("secrets", () => {
  test.each(ENVS)("%s: no PEM block, private key or key material in the synthesized JSON but the public RDS CA bundle, in its two ConfigMaps", (env) => {
    const { json, text: full } = stacks[env];
    // The CA certificates clients verify RDS with are public (the rds-ca-bundle ConfigMap): exactly rdsCaBundle, nothing else.
    const bundle = rdsCaBundle({ dev, staging, production }[env].region);
    // In the services' namespace, and in the database user Jobs' (the system namespace).
    expect(resource(json, "kubernetes_config_map_v1", "workloads_rds_ca_bundle").data["ca-bundle.pem"]).toBe(bundle);
    expect(resource(json, "kubernetes_config_map_v1", "workloads_database_users_rds_ca_bundle").data["ca-bundle.pem"]).toBe(bundle);
    const escaped = JSON.stringify(bundle).slice(1, -1);
    expect(full.split(escaped)).toHaveLength(3);
    const text = full.split(escaped).join("");
    expect(text).not.toMatch(/-----BEGIN/);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toMatch(/"(tls\.key|ca\.key|identityTrustAnchorsPEM|crtPEM|keyPEM)"/);
    expect(text).not.toMatch(/MII[A-Za-z0-9+/]{20,}/);
  });

  test("only the namespaces the add-ons and the tenancy need", () => {
    expect(
      Object.values(resourcesOf(stacks.dev.json, "kubernetes_namespace_v1"))
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual([
      "arc-runners",
      "arc-systems",
      "argo-rollouts",
      "argocd",
      "authorworks",
      "cert-manager",
      "external-dns",
      "linkerd",
      "monitoring",
      "platform-system",
    ]);
  });
});

describe("what each service reaches, in the committed environments", () => {
  const policyDoc = (policy: string) => /^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/.exec(policy)![1];
  test.each(ENVS)("%s: each database service may sign in as its own user at its own database, and no other role may sign in anywhere", (env) => {
    const { json } = stacks[env];
    const cfg = { dev, staging, production }[env];
    const connectOf = (policies: Json[]) =>
      policies
        .flatMap((p) => statements(json, policyDoc(p.policy)))
        .filter((st) => st.actions.includes("rds-db:connect"))
        .flatMap((st) => st.resources as string[]);
    const all = Object.values(resourcesOf(json, "aws_iam_role_policy"));
    for (const s of DATABASE_SERVICES) {
      const target = cfg.database.proxy.enabled
        ? `\${element(split(":", data.aws_db_proxy.database_${s.name}_proxy.arn), 6)}`
        : `\${data.aws_db_instance.database_${s.name}_instance.resource_id}`;
      const mine = connectOf(all.filter((p) => p.role === `\${aws_iam_role.workloads_${s.name}_pod_identity_role.name}`));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toBe(`arn:aws:rds-db:${cfg.region}:\${data.aws_caller_identity.current.account_id}:dbuser:${target}/${s.name}_app`);
    }
    expect(connectOf(all)).toHaveLength(DATABASE_SERVICES.length);
  });

  test.each(ENVS)("%s: each service's ExternalSecret holds exactly what the catalogues give it", (env) => {
    const { json } = stacks[env];
    const prefix = `authorworks-${env}`;
    const es = valuesOf(json, "workloads_external_secrets").resources as Json[];
    for (const s of SERVICES) {
      const expected = serviceSecretMappings(s, SECRETS, { namePrefix: prefix, cacheSecretName: `${prefix}/cache/auth-token` });
      const got = es.find((e) => e.metadata.name === s.workload);
      if (!expected.length) {
        expect(got).toBeUndefined();
        continue;
      }
      expect(got!.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "aws-secrets-manager" });
      expect(got!.spec.data.map((d: Json) => [d.secretKey, d.remoteRef.key, d.remoteRef.property])).toEqual(
        expected.map((m) => [m.secretKey, m.remoteKey, m.property]),
      );
    }
    expect(es.map((e) => e.metadata.name).sort()).toEqual([
      "authorworks-content",
      "authorworks-editor",
      "authorworks-gateway",
      "authorworks-notification",
      "authorworks-subscription",
      "authorworks-user-service",
    ]);
  });
});

describe("chat forwarder: the environment stack's chat topic to the chat webhook", () => {
  test.each(ENVS)("%s: topic -> queue (raw messages) -> pipe -> API destination at the webhook from Secrets Manager", (env) => {
    const { json } = stacks[env];
    expect(resource(json, "aws_sns_topic_subscription", "chat_forwarder_subscription")).toMatchObject({
      topic_arn: "${data.aws_sns_topic.alerts_chat_topic.arn}",
      protocol: "sqs",
      endpoint: "${aws_sqs_queue.chat_forwarder_queue.arn}",
      raw_message_delivery: true,
    });
    expect(dataOf(json, "aws_secretsmanager_secret_version").chat_forwarder_webhook_url).toEqual({ secret_id: `authorworks-${env}/alerting/chat-webhook-url` });
    expect(resource(json, "aws_cloudwatch_event_api_destination", "chat_forwarder_destination")).toMatchObject({
      invocation_endpoint: "${data.aws_secretsmanager_secret_version.chat_forwarder_webhook_url.secret_string}",
      http_method: "POST",
      connection_arn: "${aws_cloudwatch_event_connection.chat_forwarder_connection.arn}",
    });
    expect(resource(json, "aws_pipes_pipe", "chat_forwarder_pipe")).toMatchObject({
      name: `authorworks-${env}-alerts-chat`,
      source: "${aws_sqs_queue.chat_forwarder_queue.arn}",
      target: "${aws_cloudwatch_event_api_destination.chat_forwarder_destination.arn}",
      role_arn: "${aws_iam_role.chat_forwarder_role_role.arn}",
      target_parameters: { input_template: '{"text": "<$.body>"}' },
    });
    // The webhook URL is a secret: it is never in the synthesized JSON, only read at plan time.
    expect(JSON.stringify(json)).not.toMatch(/hooks\.slack\.com|https:\/\/[^"]*webhook/);
  });
});
