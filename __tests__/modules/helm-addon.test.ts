/** The `HelmAddon` base's contract, on fixture add-ons, and the add-ons built on it. */
import { Construct } from "constructs";
import { ITerraformDependable, Testing } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { AddonContext, HelmAddon, HelmAddonRole, PlatformAddon, PlatformAddons, SYSTEM_PLACEMENT, rawRelease, standardAddons } from "../../modules/addons";
import { deliveryAddons } from "../../modules/addons/delivery";
import { observabilityAddons } from "../../modules/addons/observability";
import type { PolicyStatement } from "../../modules/iam";
import { StorageBucket } from "../../modules/s3";
import { AuthorWorksStack } from "../../environments/stack-base";
import { CHARTS } from "../../variables/charts";
import { Json, TEST_AWS, cataloguedRelease, release, resource, resourcesOf, statements, synthWith, valuesOf } from "../helpers";
import { stubKeys } from "../fixtures/context";

const CTX: AddonContext = {
  environment: "dev",
  aws: TEST_AWS,
  clusterName: "authorworks-dev",
  vpcId: "vpc-0123456789abcdef0",
  hostedZone: { name: "dev.authorworks.io", zoneId: "Z0TESTZONE", arn: "arn:aws:route53:::hostedzone/Z0TESTZONE" },
  regionalWebAclName: "authorworks-dev-regional",
  placement: SYSTEM_PLACEMENT,
  highAvailability: false,
  namePrefix: "authorworks-dev",
};

function synthAddons(addons: PlatformAddon[]): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    new PlatformAddons(stack, "addons", { context: CTX, addons });
  });
}

interface FixtureValues {
  readonly replicas: number;
  readonly region: string;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
}

/** A declaration-only add-on: name, namespace, chart and values. */
class Fixture extends HelmAddon<FixtureValues> {
  public readonly name: string = "fixture";
  public readonly namespace = "fixture-ns";
  public readonly chart = CHARTS.metricsServer;

  public values(ctx: AddonContext): FixtureValues {
    return { replicas: 3, region: ctx.aws.region, serviceAccount: { create: true, name: "fixture-sa" } };
  }
}

const FIXTURE_STATEMENTS: PolicyStatement[] = [
  { sid: "ReadEnvironmentZone", actions: ["route53:ListResourceRecordSets"], resources: [CTX.hostedZone.arn] },
  { sid: "ListZones", actions: ["route53:ListHostedZones"], resources: ["*"] },
];

/** The same, calling AWS through a Pod Identity role. */
class FixtureWithRole extends Fixture {
  public readonly role: HelmAddonRole = {
    serviceAccount: "fixture-sa",
    description: (ctx) => `Fixture of ${ctx.clusterName}`,
    statements: () => FIXTURE_STATEMENTS,
  };
}

/** A second add-on the fixtures can depend on. */
class First extends Fixture {
  public readonly name = "first";
}

/** Every hook and option: a Secret before the release, a raw-chart object after it, its own release name and timeout. */
class FixtureWithHooks extends FixtureWithRole {
  public readonly dependsOn = ["first"];
  public readonly timeoutSeconds = 1200;

  public releaseName(ctx: AddonContext): string {
    return `${ctx.namePrefix}-fixture`;
  }

  protected beforeRelease(scope: Construct, _ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    return [new ConfigMapV1(scope, "settings", { metadata: { name: "fixture-settings", namespace: this.namespace }, data: { a: "b" }, dependsOn: [...after] })];
  }

  protected afterRelease(scope: Construct, _ctx: AddonContext, r: Release): ITerraformDependable[] {
    return [
      rawRelease(scope, "objects", {
        name: "fixture-objects",
        namespace: this.namespace,
        resources: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }],
        dependsOn: [r],
      }),
    ];
  }
}

/** Waits for FixtureWithHooks: what its `deploy` returned becomes this one's `after`. */
class Dependent extends Fixture {
  public readonly name = "dependent";
  public readonly dependsOn = ["fixture"];
}

const NAMESPACE = "kubernetes_namespace_v1.addons_namespace_fixture_ns";
const ASSOCIATION = "aws_eks_pod_identity_association.addons_fixture_pod_identity_association";

describe("HelmAddon: a declaration-only add-on", () => {
  const json = synthAddons([new Fixture()]);

  test("one release of the catalogued chart at its pinned version, in the namespace, with the typed values", () => {
    expect(Object.keys(resourcesOf(json, "helm_release"))).toEqual(["addons_fixture_release"]);
    expect(release(json, "addons_fixture_release")).toMatchObject({
      ...cataloguedRelease(CHARTS.metricsServer, "fixture", "fixture-ns"),
      wait: true,
      timeout: 600,
      cleanup_on_fail: true,
    });
    expect(valuesOf(json, "addons_fixture_release")).toEqual({ replicas: 3, region: "us-east-1", serviceAccount: { create: true, name: "fixture-sa" } });
  });

  test("no role when it declares none: no IAM, no association; the release waits only for its namespace", () => {
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
    expect(resourcesOf(json, "aws_eks_pod_identity_association")).toEqual({});
    expect(release(json, "addons_fixture_release").depends_on).toEqual([NAMESPACE]);
  });
});

describe("HelmAddon: with a role", () => {
  const json = synthAddons([new FixtureWithRole()]);

  test("an IAM role authorworks-<env>-<name> with exactly the declared statements", () => {
    const role = resource(json, "aws_iam_role", "addons_fixture_pod_identity_role");
    expect(role).toMatchObject({ name: "authorworks-dev-fixture", description: "Fixture of authorworks-dev" });
    expect(role.tags["authorworks.io/service-account"]).toBe("fixture-ns/fixture-sa");
    expect(statements(json, "addons_fixture_pod_identity_policy_document")).toEqual([
      { sid: "ReadEnvironmentZone", effect: "Allow", actions: ["route53:ListResourceRecordSets"], resources: [CTX.hostedZone.arn] },
      { sid: "ListZones", effect: "Allow", actions: ["route53:ListHostedZones"], resources: ["*"] },
    ]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))).toEqual(["addons_fixture_pod_identity_policy"]);
  });

  test("the association binds the role to the namespace's service account, and the release waits for it", () => {
    expect(resource(json, "aws_eks_pod_identity_association", "addons_fixture_pod_identity_association")).toMatchObject({
      cluster_name: "authorworks-dev",
      namespace: "fixture-ns",
      service_account: "fixture-sa",
      role_arn: "${aws_iam_role.addons_fixture_pod_identity_role.arn}",
    });
    expect(release(json, "addons_fixture_release").depends_on).toEqual([NAMESPACE, ASSOCIATION]);
  });
});

describe("HelmAddon: after, hooks and options", () => {
  const json = synthAddons([new Dependent(), new FixtureWithHooks(), new First()]);

  test("the release keeps `after` (namespace, add-ons depended on), then what beforeRelease made, then the role", () => {
    expect(release(json, "addons_fixture_release").depends_on).toEqual([
      NAMESPACE,
      "helm_release.addons_first_release",
      "kubernetes_config_map_v1.addons_fixture_settings",
      ASSOCIATION,
    ]);
    expect(resource(json, "kubernetes_config_map_v1", "addons_fixture_settings").depends_on).toEqual([NAMESPACE, "helm_release.addons_first_release"]);
  });

  test("release name and timeout as declared", () => {
    expect(release(json, "addons_fixture_release")).toMatchObject({ name: "authorworks-dev-fixture", timeout: 1200 });
  });

  test("afterRelease objects follow the release and dependents wait for them too; beforeRelease objects are not handed on", () => {
    expect(release(json, "addons_fixture_objects")).toMatchObject({ ...cataloguedRelease(CHARTS.raw, "fixture-objects", "fixture-ns") });
    expect(release(json, "addons_fixture_objects").depends_on).toEqual(["helm_release.addons_fixture_release"]);
    expect(release(json, "addons_dependent_release").depends_on).toEqual([
      NAMESPACE,
      "helm_release.addons_fixture_release",
      "helm_release.addons_fixture_objects",
    ]);
  });
});

describe("the add-ons built on HelmAddon", () => {
  const all: PlatformAddon[] = [
    ...standardAddons({
      acmeEmail: "platform@authorworks.io",
      externalDnsPolicy: "sync",
      clusterAutoscalerImageTag: "v1.34.0",
      ingressNginx: true,
      externalSecrets: { secretsKeyArn: stubKeys().secrets.arn },
      reloader: { argoRollouts: true },
    }),
    ...observabilityAddons({
      prometheusRetentionDays: 15,
      prometheusStorageGb: 50,
      thresholds: { p99LatencyMs: 500, errorRatePercent: 1, cpuPercent: 80, memoryPercent: 85, diskPercent: 80 },
      chatWebhookSecretId: "authorworks-dev/alerting/chat-webhook-url",
      logsBucket: StorageBucket.fromBucketAttributes(new AuthorWorksStack(Testing.app(), "refs"), "logs-bucket", {
        aws: TEST_AWS,
        bucketName: "authorworks-logs-dev",
        purpose: "logs",
      }),
      lokiRetentionDays: 30,
      traceSamplingRatio: 0.1,
      jaegerStorage: "memory",
    }),
    ...deliveryAddons({
      manifestsRepoUrl: "https://github.com/authorworks/authorworks-k8s.git",
      manifestsRevision: "main",
      autoSync: true,
      runners: { minRunners: 0, maxRunners: 5 },
      githubRepository: "authorworks/platform",
    }),
  ];
  const helm = all.filter((a): a is HelmAddon => a instanceof HelmAddon);

  test("every add-on but Linkerd (four releases), the StorageClass and the dashboards (no chart) declares instead of deploying", () => {
    expect(all.filter((a) => !(a instanceof HelmAddon)).map((a) => a.name)).toEqual(["linkerd", "storage-class", "grafana-dashboards"]);
    expect(helm.map((a) => a.name)).toEqual([
      "aws-load-balancer-controller",
      "cert-manager",
      "trust-manager",
      "external-dns",
      "cluster-autoscaler",
      "metrics-server",
      "external-secrets",
      "reloader",
      "ingress-nginx",
      "kube-prometheus-stack",
      "prometheus-adapter",
      "loki",
      "alloy",
      "jaeger",
      "opentelemetry-operator",
      "argo-cd",
      "argo-rollouts",
      "arc-controller",
      "arc-runners",
    ]);
    for (const a of helm) expect(Object.values(CHARTS)).toContain(a.chart);
  });

  test("the add-ons with a role are the ones that call AWS, and each chart creates the role's service account", () => {
    const withRole = helm.filter((a) => a.role);
    expect(withRole.map((a) => a.name)).toEqual([
      "aws-load-balancer-controller",
      "cert-manager",
      "external-dns",
      "cluster-autoscaler",
      "external-secrets",
      "loki",
    ]);
    for (const a of withRole) {
      const v = a.values(CTX) as Json;
      // cluster-autoscaler's chart nests the service account under `rbac`.
      expect(v.serviceAccount ?? v.rbac.serviceAccount).toEqual({ create: true, name: a.role!.serviceAccount });
    }
  });
});
