/**
 * External Secrets Operator and Reloader, built on a fixture cluster (testAddonContext):
 * the controller's role, the application ClusterSecretStore, the manifest helpers the
 * services' ExternalSecrets are made from, Reloader's values, and both charts' admission.
 */
import { Testing } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import {
  APPLICATION_SECRET_STORE,
  AddonContext,
  DEFAULT_REFRESH_INTERVAL,
  EXTERNAL_SECRETS_ADDON,
  EXTERNAL_SECRETS_ADMISSION,
  EXTERNAL_SECRETS_API_VERSION,
  ExternalSecretsAddon,
  ExternalSecretsProps,
  PlatformAddon,
  PlatformAddons,
  RELOADER_ADMISSION,
  RELOADER_ANNOTATIONS,
  RELOADER_NAMESPACE_SELECTOR,
  ReloaderAddon,
  applicationSecretStoreManifest,
  externalSecretManifest,
  externalSecretsReady,
  helmRelease,
  rawRelease,
  secretStoreManifest,
} from "../../modules/addons";
import { ArgoRolloutsAddon } from "../../modules/addons/delivery/argo-rollouts";
import { manifestObjects, orderAfterAdmissionWebhooks } from "../../modules/addons/admission";
import { CHART_ADMISSION } from "../../modules/addons/admission-catalog";
import { AuthorWorksStack } from "../../environments/stack-base";
import { CHARTS, CHART_VERSION } from "../../variables/charts";
import { APPLICATION_NAMESPACES } from "../../variables/platform";
import { testAddonContext } from "../fixtures/context";
import { Json, cataloguedRelease, expectAddonPodIdentity, rawResource, release, statements, synthWith, valuesOf } from "../helpers";

const KEY = "arn:aws:kms:eu-central-1:210987654321:key/fixture-secrets";
const PREFIX_ARN = "arn:aws:secretsmanager:eu-central-1:210987654321:secret:authorworks-fixture/*";
const DOC = "addons_external_secrets_pod_identity_policy_document";

function synthAddons(addons: PlatformAddon[], ctx: AddonContext = testAddonContext()): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    new PlatformAddons(stack, "addons", { context: ctx, addons });
  });
}

const eso = (props: Partial<ExternalSecretsProps> = {}, ctx?: AddonContext) => synthAddons([new ExternalSecretsAddon({ secretsKeyArn: KEY, ...props })], ctx);
const json = eso();

describe("External Secrets Operator: chart and placement", () => {
  test("the catalogued chart at an exact version, in the system namespace, with its CRDs", () => {
    expect(CHARTS.externalSecrets).toMatchObject({ repository: "https://charts.external-secrets.io", chart: "external-secrets" });
    expect(CHARTS.externalSecrets.version).toMatch(CHART_VERSION);
    expect(CHARTS.externalSecrets.version).toMatch(/^2\./);
    expect(release(json, "addons_external_secrets_release")).toMatchObject({
      ...cataloguedRelease(CHARTS.externalSecrets, "external-secrets", "platform-system"),
      wait: true,
    });
    expect(valuesOf(json, "addons_external_secrets_release")).toMatchObject({ installCRDs: true, leaderElect: true });
  });

  test("controller, webhook and cert-controller on the system nodes, restricted, with requests", () => {
    const v = valuesOf(json, "addons_external_secrets_release");
    const restricted = {
      enabled: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    };
    for (const [name, part] of [
      ["controller", v],
      ["webhook", v.webhook],
      ["certController", v.certController],
    ] as const) {
      expect([name, part.nodeSelector, part.tolerations]).toEqual([
        name,
        { "authorworks.io/node-group": "system" },
        [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
      ]);
      expect([name, part.securityContext]).toEqual([name, restricted]);
      expect([name, part.podSecurityContext]).toEqual([name, { enabled: true, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }]);
      expect(part.resources.requests).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
      expect(part.resources.limits.memory).toMatch(/^\d+Mi$/);
    }
    // Secrets flow into the cluster only.
    expect(v).toMatchObject({ processPushSecret: false, processClusterExternalSecret: false });
  });

  test("high availability: two controllers and two webhooks with disruption budgets; one cert-controller always", () => {
    const ha = valuesOf(eso({}, testAddonContext({ highAvailability: true })), "addons_external_secrets_release");
    const single = valuesOf(json, "addons_external_secrets_release");
    for (const [v, replicas, pdb] of [
      [ha, 2, true],
      [single, 1, false],
    ] as const) {
      expect(v.replicaCount).toBe(replicas);
      expect(v.podDisruptionBudget).toEqual({ enabled: pdb, minAvailable: 1 });
      expect(v.webhook.replicaCount).toBe(replicas);
      expect(v.webhook.podDisruptionBudget).toEqual({ enabled: pdb, minAvailable: 1 });
      expect(v.certController.replicaCount).toBe(1);
      expect(v.certController.podDisruptionBudget.enabled).toBe(false);
    }
  });
});

describe("External Secrets Operator: its Pod Identity role", () => {
  test("the controller's service account, bound before the release; the role is named after the add-on", () => {
    expect(valuesOf(json, "addons_external_secrets_release").serviceAccount).toEqual({ create: true, name: "external-secrets" });
    expectAddonPodIdentity(json, "addons_external_secrets", {
      cluster: "authorworks-fixture",
      namespace: "platform-system",
      serviceAccount: "external-secrets",
      roleName: "authorworks-fixture-external-secrets",
    });
  });

  test("exactly: read the environment's prefix, decrypt with the secrets key only through Secrets Manager for those secrets; no AssumeRole", () => {
    expect(statements(json, DOC)).toEqual([
      {
        sid: "ReadEnvironmentSecrets",
        effect: "Allow",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [PREFIX_ARN],
      },
      {
        sid: "DecryptEnvironmentSecretsThroughSecretsManager",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [KEY],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-central-1.amazonaws.com"] },
          { test: "StringLike", variable: "kms:EncryptionContext:SecretARN", values: [PREFIX_ARN] },
        ],
      },
    ]);
  });

  test("the prefix follows the context's partition, region, account and name prefix", () => {
    const other = eso(
      {},
      testAddonContext({ aws: { accountId: "111122223333", region: "us-gov-west-1", partition: "aws-us-gov" }, namePrefix: "authorworks-other" }),
    );
    expect(statements(other, DOC)[0].resources).toEqual(["arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:authorworks-other/*"]);
    expect(statements(other, DOC)[1].condition[0].values).toEqual(["secretsmanager.us-gov-west-1.amazonaws.com"]);
  });

  test("AssumeRole and TagSession (Pod Identity's session tags are transitive) on exactly the given roles, each once", () => {
    const a = "arn:aws:iam::210987654321:role/authorworks-fixture-database-secrets";
    const b = "arn:aws:iam::210987654321:role/authorworks-fixture-other-secrets";
    const withRoles = eso({ assumableRoleArns: [a, b, a] });
    const docs = statements(withRoles, DOC);
    expect(docs).toHaveLength(3);
    expect(docs[2]).toEqual({ sid: "AssumeSecretStoreRoles", effect: "Allow", actions: ["sts:AssumeRole", "sts:TagSession"], resources: [a, b] });
    expect(docs.filter((s) => s.actions.includes("sts:TagSession"))).toHaveLength(1);
    expect(statements(eso({ assumableRoleArns: [] }), DOC)).toHaveLength(2);
  });

  test("primarySecrets: read exactly those names (ARN -??????, each once) and decrypt them only with the given key, through Secrets Manager", () => {
    const PRIMARY_KEY = "arn:aws:kms:eu-central-1:210987654321:key/primary-secrets-dr";
    const names = ["authorworks-primary/payments/key", "authorworks-primary/auth/jwt", "authorworks-primary/payments/key"];
    const with2 = eso({ primarySecrets: { names, kmsKeyArn: PRIMARY_KEY } });
    const arns = ["payments/key", "auth/jwt"].map((p) => `arn:aws:secretsmanager:eu-central-1:210987654321:secret:authorworks-primary/${p}-??????`);
    const docs = statements(with2, DOC);
    expect(docs.slice(2)).toEqual([
      { sid: "ReadPrimarySecretReplicas", effect: "Allow", actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: arns },
      {
        sid: "DecryptPrimarySecretReplicasThroughSecretsManager",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [PRIMARY_KEY],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-central-1.amazonaws.com"] },
          { test: "StringLike", variable: "kms:EncryptionContext:SecretARN", values: arns },
        ],
      },
    ]);
    // The environment's own prefix and key stay as they are.
    expect(docs.slice(0, 2)).toEqual(statements(json, DOC));
    expect(statements(eso({ primarySecrets: { names: [], kmsKeyArn: PRIMARY_KEY } }), DOC)).toHaveLength(2);
  });
});

describe("External Secrets Operator: the application ClusterSecretStore", () => {
  test("Secrets Manager in the context's region, the controller's credentials, only the application namespaces", () => {
    expect(rawResource(json, "addons_external_secrets_secret_store", "ClusterSecretStore")).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterSecretStore",
      metadata: { name: "aws-secrets-manager" },
      spec: { provider: { aws: { service: "SecretsManager", region: "eu-central-1" } }, conditions: [{ namespaces: ["authorworks"] }] },
    });
    expect(APPLICATION_NAMESPACES).toEqual(["authorworks"]);
    expect(APPLICATION_SECRET_STORE).toBe("aws-secrets-manager");
  });

  test("installed by the raw chart after the controller release", () => {
    expect(release(json, "addons_external_secrets_secret_store")).toMatchObject(cataloguedRelease(CHARTS.raw, "application-secret-store", "platform-system"));
    expect(release(json, "addons_external_secrets_secret_store").depends_on).toEqual(["helm_release.addons_external_secrets_release"]);
  });

  test("the namespaces are a parameter", () => {
    expect((applicationSecretStoreManifest("ap-south-1", ["a", "b"]) as Json).spec).toEqual({
      provider: { aws: { service: "SecretsManager", region: "ap-south-1" } },
      conditions: [{ namespaces: ["a", "b"] }],
    });
  });
});

describe("manifest helpers", () => {
  test("an ExternalSecret: v1, owned target kept on source deletion, every key mapped, template metadata only when given", () => {
    expect(
      externalSecretManifest({
        name: "payments",
        namespace: "authorworks",
        store: { kind: "ClusterSecretStore", name: APPLICATION_SECRET_STORE },
        refreshInterval: "15m",
        targetName: "payments-secrets",
        labels: { "authorworks.io/service": "payments" },
        annotations: { "reloader.stakater.com/match": "true" },
        data: [
          { secretKey: "STRIPE_API_KEY", remoteKey: "authorworks-fixture/payments/stripe-api-key" },
          { secretKey: "REDIS_TOKEN", remoteKey: "authorworks-fixture/cache/auth", property: "token" },
        ],
      }),
    ).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "payments", namespace: "authorworks" },
      spec: {
        refreshInterval: "15m",
        secretStoreRef: { kind: "ClusterSecretStore", name: "aws-secrets-manager" },
        target: {
          name: "payments-secrets",
          creationPolicy: "Owner",
          deletionPolicy: "Retain",
          template: { metadata: { labels: { "authorworks.io/service": "payments" }, annotations: { "reloader.stakater.com/match": "true" } } },
        },
        data: [
          { secretKey: "STRIPE_API_KEY", remoteRef: { key: "authorworks-fixture/payments/stripe-api-key" } },
          { secretKey: "REDIS_TOKEN", remoteRef: { key: "authorworks-fixture/cache/auth", property: "token" } },
        ],
      },
    });
  });

  test("defaults: the refresh interval, the target named after the ExternalSecret, no template", () => {
    const m = externalSecretManifest({
      name: "gateway",
      namespace: "authorworks",
      store: { kind: "SecretStore", name: "database" },
      data: [{ secretKey: "k", remoteKey: "r" }],
    }) as Json;
    expect(DEFAULT_REFRESH_INTERVAL).toBe("1h");
    expect(m.spec.refreshInterval).toBe("1h");
    expect(m.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: "database" });
    expect(m.spec.target).toEqual({ name: "gateway", creationPolicy: "Owner", deletionPolicy: "Retain" });
    expect(() => externalSecretManifest({ name: "empty", namespace: "authorworks", store: { kind: "SecretStore", name: "s" }, data: [] })).toThrow(
      "ExternalSecret authorworks/empty: data names no secret",
    );
  });

  test("a namespaced SecretStore assuming the given role, without auth", () => {
    expect(
      secretStoreManifest({
        name: "database-master",
        namespace: "authorworks",
        region: "eu-central-1",
        roleArn: "arn:aws:iam::210987654321:role/authorworks-fixture-database-secrets",
      }),
    ).toEqual({
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: "SecretStore",
      metadata: { name: "database-master", namespace: "authorworks" },
      spec: {
        provider: { aws: { service: "SecretsManager", region: "eu-central-1", role: "arn:aws:iam::210987654321:role/authorworks-fixture-database-secrets" } },
      },
    });
  });

  test("what ExternalSecrets wait for: the controller release and the store, as installed; refused without the add-on", () => {
    const stack = new AuthorWorksStack(Testing.app(), "ready");
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    const addons = new PlatformAddons(stack, "addons", { context: testAddonContext(), addons: [new ExternalSecretsAddon({ secretsKeyArn: KEY })] });
    expect(externalSecretsReady(addons).map((d) => (d as Release).node.id)).toEqual(["release", "secret-store"]);
    expect(externalSecretsReady(addons)).toBe(addons.installed[EXTERNAL_SECRETS_ADDON]);
    expect(() => externalSecretsReady({ installed: {} })).toThrow("the external-secrets add-on is not installed");
  });
});

describe("admission: ESO's validating webhooks", () => {
  const values = valuesOf(json, "addons_external_secrets_release");

  test("with our values: the three webhooks fail closed, without selectors", () => {
    expect(EXTERNAL_SECRETS_ADMISSION.webhooks(values)).toEqual([
      {
        name: "validate.secretstore.external-secrets.io",
        type: "Validating",
        intercepts: [{ group: "external-secrets.io", kind: "SecretStore" }],
        failurePolicy: "Fail",
      },
      {
        name: "validate.clustersecretstore.external-secrets.io",
        type: "Validating",
        intercepts: [{ group: "external-secrets.io", kind: "ClusterSecretStore" }],
        failurePolicy: "Fail",
      },
      {
        name: "validate.externalsecret.external-secrets.io",
        type: "Validating",
        intercepts: [{ group: "external-secrets.io", kind: "ExternalSecret" }],
        failurePolicy: "Fail",
      },
    ]);
    expect(CHART_ADMISSION.externalSecrets).toBe(EXTERNAL_SECRETS_ADMISSION);
  });

  test("the failure policy and the webhook switch are read from the values", () => {
    expect(EXTERNAL_SECRETS_ADMISSION.webhooks({ webhook: { failurePolicy: "Ignore" } }).map((w) => w.failurePolicy)).toEqual(["Ignore", "Ignore", "Ignore"]);
    expect(EXTERNAL_SECRETS_ADMISSION.webhooks({ webhook: { create: false } })).toEqual([]);
    expect(EXTERNAL_SECRETS_ADMISSION.objects(values, "platform-system")).toEqual([
      { group: "", kind: "Service", namespace: "platform-system" },
      { group: "", kind: "Pod", namespace: "platform-system" },
    ]);
  });

  test("a ClusterSecretStore is cluster-scoped; an ExternalSecret lands in its namespace", () => {
    expect(manifestObjects(applicationSecretStoreManifest("eu-central-1") as Json, "platform-system")).toEqual([
      { group: "external-secrets.io", kind: "ClusterSecretStore", namespace: undefined, labels: {} },
    ]);
    const es = externalSecretManifest({
      name: "x",
      namespace: "authorworks",
      store: { kind: "ClusterSecretStore", name: "s" },
      data: [{ secretKey: "k", remoteKey: "r" }],
    });
    expect(manifestObjects(es as Json, "platform-system")[0]).toMatchObject({ kind: "ExternalSecret", namespace: "authorworks" });
  });

  test("an ExternalSecret created through the raw chart waits for the ESO release; one that already does is left alone", () => {
    const stack = new AuthorWorksStack(Testing.app(), "ordering");
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    helmRelease(stack, "eso", { name: "external-secrets", chart: CHARTS.externalSecrets, namespace: "platform-system", values });
    const es = externalSecretManifest({
      name: "gateway",
      namespace: "authorworks",
      store: { kind: "ClusterSecretStore", name: APPLICATION_SECRET_STORE },
      data: [{ secretKey: "JWT_SIGNING_KEY", remoteKey: "authorworks-fixture/gateway/jwt-signing-key" }],
    });
    rawRelease(stack, "bare", { name: "bare", namespace: "authorworks", resources: [es] });
    const store = rawRelease(stack, "store", { name: "store", namespace: "platform-system", resources: [applicationSecretStoreManifest("eu-central-1")] });
    rawRelease(stack, "after_store", { name: "after-store", namespace: "authorworks", resources: [es], dependsOn: [store] });
    // Not intercepted by ESO's webhooks: a plain ConfigMap through the raw chart.
    rawRelease(stack, "plain", { name: "plain", namespace: "authorworks", resources: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }] });
    orderAfterAdmissionWebhooks(stack, CHARTS, CHART_ADMISSION);
    const out = JSON.parse(Testing.synth(stack)) as Json;
    expect(out.resource.helm_release.bare.depends_on).toEqual(["helm_release.eso"]);
    expect(out.resource.helm_release.store.depends_on).toEqual(["helm_release.eso"]);
    // Through the store, which waits for the controller: nothing added.
    expect(out.resource.helm_release.after_store.depends_on).toEqual(["helm_release.store"]);
    expect(out.resource.helm_release.plain.depends_on).toBeUndefined();
    expect(out.resource.helm_release.eso.depends_on).toBeUndefined();
  });
});

describe("Reloader", () => {
  const withRollouts = synthAddons([new ArgoRolloutsAddon(), new ReloaderAddon({ argoRollouts: true })]);
  const alone = synthAddons([new ReloaderAddon({ argoRollouts: false })]);
  const ha = synthAddons([new ReloaderAddon({ argoRollouts: false })], testAddonContext({ highAvailability: true }));

  test("the catalogued chart at an exact version, in the system namespace", () => {
    expect(CHARTS.reloader).toMatchObject({ repository: "https://stakater.github.io/stakater-charts", chart: "reloader" });
    expect(CHARTS.reloader.version).toMatch(CHART_VERSION);
    expect(release(alone, "addons_reloader_release")).toMatchObject({ ...cataloguedRelease(CHARTS.reloader, "reloader", "platform-system"), wait: true });
  });

  test("Argo Rollouts on, annotation strategy, application namespaces only, restricted, on the system nodes", () => {
    expect(valuesOf(withRollouts, "addons_reloader_release")).toEqual({
      reloader: {
        isArgoRollouts: true,
        reloadStrategy: "annotations",
        watchGlobally: true,
        namespaceSelector: "authorworks.io/tier=applications",
        enableHA: false,
        readOnlyRootFileSystem: true,
        deployment: {
          replicas: 1,
          nodeSelector: { "authorworks.io/node-group": "system" },
          tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containerSecurityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
          },
        },
        podDisruptionBudget: { enabled: false, minAvailable: 1 },
      },
    });
    expect(RELOADER_NAMESPACE_SELECTOR).toBe("authorworks.io/tier=applications");
  });

  test("with Argo Rollouts it installs after them (the chart grants Rollout access only if the CRD exists); without, neither", () => {
    expect(release(withRollouts, "addons_reloader_release").depends_on).toEqual(
      expect.arrayContaining(["helm_release.addons_argo_rollouts_release", "helm_release.addons_argo_rollouts_analysis_templates"]),
    );
    expect(valuesOf(alone, "addons_reloader_release").reloader.isArgoRollouts).toBe(false);
    expect(release(alone, "addons_reloader_release").depends_on).toEqual(["kubernetes_namespace_v1.addons_namespace_platform_system"]);
    expect(new ReloaderAddon({ argoRollouts: false }).dependsOn).toEqual([]);
  });

  test("high availability: leader election, two replicas, a disruption budget", () => {
    expect(valuesOf(ha, "addons_reloader_release").reloader).toMatchObject({
      enableHA: true,
      deployment: { replicas: 2 },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    });
  });

  test("no AWS role, no webhook; a Service only when the values ask for one", () => {
    expect(new ReloaderAddon({ argoRollouts: true }).role).toBeUndefined();
    const values = valuesOf(alone, "addons_reloader_release");
    expect(RELOADER_ADMISSION.webhooks(values)).toEqual([]);
    expect(RELOADER_ADMISSION.objects(values, "platform-system")).toEqual([{ group: "", kind: "Pod", namespace: "platform-system" }]);
    expect(RELOADER_ADMISSION.objects({ reloader: { service: { port: 9090 } } }, "ns").map((o) => o.kind)).toEqual(["Service", "Pod"]);
  });

  test("the annotation keys workloads carry", () => {
    expect(RELOADER_ANNOTATIONS).toEqual({
      secretReload: "secret.reloader.stakater.com/reload",
      configMapReload: "configmap.reloader.stakater.com/reload",
      rolloutStrategy: "reloader.stakater.com/rollout-strategy",
      restart: "restart",
      lastReloadedFrom: "reloader.stakater.com/last-reloaded-from",
    });
  });
});
