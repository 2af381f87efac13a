import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import {
  AddonContext,
  ALB_CONTROLLER_DESCRIBE_ACTIONS,
  CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS,
  CertManagerAddon,
  Gp3StorageClassAddon,
  LINKERD_INJECT_ANNOTATION,
  PlatformAddon,
  PlatformAddons,
  SYSTEM_PLACEMENT,
  installOrder,
  standardAddons,
} from "../../modules/addons";
import { CHARTS } from "../../variables/charts";
import {
  Json,
  TEST_AWS,
  dataOf,
  expectAddonPodIdentity,
  resource,
  resourcesOf,
  sid,
  statements,
  synthWith,
  release,
  valuesOf,
  cataloguedRelease,
} from "../helpers";
import { stubKeys } from "../fixtures/context";

const ZONE = { name: "dev.authorworks.io", zoneId: "Z0TESTZONE", arn: "arn:aws:route53:::hostedzone/Z0TESTZONE" };
const CTX: AddonContext = {
  environment: "dev",
  aws: TEST_AWS,
  clusterName: "authorworks-dev",
  vpcId: "vpc-0123456789abcdef0",
  hostedZone: ZONE,
  regionalWebAclName: "authorworks-dev-regional",
  placement: SYSTEM_PLACEMENT,
  highAvailability: false,
  namePrefix: "authorworks-dev",
};
const STANDARD = {
  acmeEmail: "platform@authorworks.io",
  externalDnsPolicy: "sync" as const,
  clusterAutoscalerImageTag: "v1.34.0",
  externalSecrets: { secretsKeyArn: stubKeys().secrets.arn },
};

function synthAddons(addons: PlatformAddon[], ctx: AddonContext = CTX): Json {
  return synthWith((stack) => {
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    new PlatformAddons(stack, "addons", { context: ctx, addons });
  });
}

const json = synthAddons(standardAddons(STANDARD));
const ACCOUNT = TEST_AWS.accountId;

describe("Helm releases", () => {
  test.each([
    ["addons_aws_load_balancer_controller_release", CHARTS.awsLoadBalancerController, "aws-load-balancer-controller", "kube-system"],
    ["addons_cert_manager_release", CHARTS.certManager, "cert-manager", "cert-manager"],
    ["addons_cert_manager_letsencrypt_issuers", CHARTS.raw, "letsencrypt-issuers", "cert-manager"],
    ["addons_trust_manager_release", CHARTS.trustManager, "trust-manager", "cert-manager"],
    ["addons_external_dns_release", CHARTS.externalDns, "external-dns", "external-dns"],
    ["addons_cluster_autoscaler_release", CHARTS.clusterAutoscaler, "cluster-autoscaler", "kube-system"],
    ["addons_metrics_server_release", CHARTS.metricsServer, "metrics-server", "kube-system"],
    ["addons_linkerd_crds", CHARTS.linkerdCrds, "linkerd-crds", "linkerd"],
    ["addons_linkerd_identity", CHARTS.raw, "linkerd-identity", "linkerd"],
    ["addons_linkerd_control_plane", CHARTS.linkerdControlPlane, "linkerd-control-plane", "linkerd"],
    ["addons_external_secrets_release", CHARTS.externalSecrets, "external-secrets", "platform-system"],
    ["addons_external_secrets_secret_store", CHARTS.raw, "application-secret-store", "platform-system", false],
    ["addons_reloader_release", CHARTS.reloader, "reloader", "platform-system"],
  ])("%s: catalogued chart at its pinned version, release name, namespace", (id, chart, name, namespace, wait = true) => {
    // A release of custom resources only (the ClusterSecretStore) has nothing Helm could wait for.
    expect(release(json, id)).toMatchObject({ ...cataloguedRelease(chart, name, namespace), wait });
  });

  test("cert-manager comes from its OCI registry with its CRDs", () => {
    expect(release(json, "addons_cert_manager_release").repository).toBe("oci://quay.io/jetstack/charts");
    expect(valuesOf(json, "addons_cert_manager_release").crds).toEqual({ enabled: true, keep: true });
  });

  /** The single-chart controllers (cert-manager and Linkerd are checked part by part). */
  const CONTROLLER_RELEASES = [
    "addons_aws_load_balancer_controller_release",
    "addons_external_dns_release",
    "addons_cluster_autoscaler_release",
    "addons_metrics_server_release",
    "addons_trust_manager_release",
    "addons_external_secrets_release",
  ];

  test("every release and workload runs on the system nodes, tolerating their taint", () => {
    const taint = [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }];
    const selector = { "authorworks.io/node-group": "system" };
    for (const id of [...CONTROLLER_RELEASES, "addons_linkerd_control_plane"]) {
      const v = valuesOf(json, id);
      expect([id, v.tolerations, v.nodeSelector]).toEqual([id, taint, selector]);
    }
    const cm = valuesOf(json, "addons_cert_manager_release");
    for (const part of [cm, cm.webhook, cm.cainjector, cm.startupapicheck]) {
      expect(part.tolerations).toEqual(taint);
      expect(part.nodeSelector).toEqual(selector);
      expect(part.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    }
  });

  test("resource requests are set on every controller", () => {
    for (const id of CONTROLLER_RELEASES) {
      expect(valuesOf(json, id).resources.requests).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
    }
  });
});

describe("AWS Load Balancer Controller", () => {
  const doc = "addons_aws_load_balancer_controller_pod_identity_policy_document";

  test("values: cluster, region, VPC, 2 replicas, WAFv2 only", () => {
    expect(valuesOf(json, "addons_aws_load_balancer_controller_release")).toMatchObject({
      clusterName: "authorworks-dev",
      region: "us-east-1",
      vpcId: "vpc-0123456789abcdef0",
      replicaCount: 2,
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
      enableWaf: false,
      enableWafv2: true,
      enableShield: false,
      ingressClassConfig: { default: true },
    });
  });

  test("Pod Identity binds the role to kube-system/aws-load-balancer-controller before the release", () => {
    expectAddonPodIdentity(json, "addons_aws_load_balancer_controller", {
      cluster: "authorworks-dev",
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
      roleName: "authorworks-dev-aws-load-balancer-controller",
    });
  });

  test("only the documented read-only actions are on *", () => {
    for (const s of statements(json, doc)) {
      if (s.resources.includes("*")) {
        expect(s.sid).toBe("Describe");
        expect(s.actions.every((a: string) => /^(ec2|elasticloadbalancing):(Describe|Get)|^acm:List|^iam:List/.test(a))).toBe(true);
      }
    }
    expect(sid(json, doc, "Describe").actions).toEqual([...ALB_CONTROLLER_DESCRIBE_ACTIONS]);
  });

  test("load balancers: created and changed only with this cluster's ownership tag, in this account and region", () => {
    const owned = { test: "StringEquals", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: ["authorworks-dev"] };
    const created = sid(json, doc, "CreateTaggedLoadBalancers");
    expect(created.condition).toEqual([{ test: "StringEquals", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["authorworks-dev"] }]);
    const manage = sid(json, doc, "ManageOwnedLoadBalancers");
    expect(manage.actions).toContain("elasticloadbalancing:DeleteLoadBalancer");
    expect(manage.condition).toEqual([owned]);
    expect(manage.resources).toEqual([
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/*/*`,
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/net/*/*`,
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/*/*`,
    ]);
    expect(sid(json, doc, "ManageOwnedSecurityGroups").condition).toEqual([owned]);
    expect(sid(json, doc, "RetagOwnedLoadBalancers").condition).toEqual([
      { test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["true"] },
      owned,
    ]);
  });

  test("security group rules only in the cluster's VPC; WAF association only with the environment's ACL", () => {
    expect(sid(json, doc, "OpenNodeSecurityGroupsInClusterVpc").condition).toEqual([
      { test: "ArnEquals", variable: "ec2:Vpc", values: [`arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0123456789abcdef0`] },
    ]);
    expect(sid(json, doc, "CreateSecurityGroupInClusterVpc").resources).toEqual([`arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0123456789abcdef0`]);
    expect(sid(json, doc, "AssociateRegionalWebAcl").resources).toEqual([
      `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/authorworks-dev-regional/*`,
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/*/*`,
    ]);
    const actions = statements(json, doc).flatMap((s) => s.actions as string[]);
    expect(actions.filter((a) => a.startsWith("waf-regional:") || a.startsWith("shield:"))).toEqual([]);
  });
});

describe("cert-manager", () => {
  const doc = "addons_cert_manager_pod_identity_policy_document";

  test("Route53: TXT _acme-challenge records in the environment zone only", () => {
    expect(sid(json, doc, "WriteAcmeChallengeRecords")).toMatchObject({
      actions: ["route53:ChangeResourceRecordSets"],
      resources: [ZONE.arn],
      condition: [
        { test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsRecordTypes", values: ["TXT"] },
        { test: "ForAllValues:StringLike", variable: "route53:ChangeResourceRecordSetsNormalizedRecordNames", values: ["_acme-challenge.*"] },
      ],
    });
    expect(sid(json, doc, "ReadChangeStatus").resources).toEqual(["arn:aws:route53:::change/*"]);
    const wildcard = statements(json, doc).filter((s) => s.resources.includes("*"));
    expect(wildcard.map((s) => s.actions)).toEqual([["route53:ListHostedZonesByName"]]);
  });

  test("ClusterIssuers for Let's Encrypt staging and production with Route53 DNS-01, installed after cert-manager", () => {
    const issuers = valuesOf(json, "addons_cert_manager_letsencrypt_issuers").resources;
    expect(issuers.map((i: Json) => [i.kind, i.metadata.name, i.spec.acme.server])).toEqual([
      ["ClusterIssuer", "letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory"],
      ["ClusterIssuer", "letsencrypt-production", "https://acme-v02.api.letsencrypt.org/directory"],
    ]);
    for (const i of issuers) {
      expect(i.spec.acme.email).toBe("platform@authorworks.io");
      expect(i.spec.acme.solvers).toEqual([{ selector: { dnsZones: [ZONE.name] }, dns01: { route53: { region: "us-east-1", hostedZoneID: ZONE.zoneId } } }]);
    }
    expect(release(json, "addons_cert_manager_letsencrypt_issuers").depends_on).toEqual(["helm_release.addons_cert_manager_release"]);
  });

  test("the ACME contact is the prop", () => {
    const other = synthAddons([new CertManagerAddon({ acmeEmail: "ops@authorworks.io" })]);
    expect(valuesOf(other, "addons_cert_manager_letsencrypt_issuers").resources[1].spec.acme.email).toBe("ops@authorworks.io");
  });
});

describe("external-dns", () => {
  const doc = "addons_external_dns_pod_identity_policy_document";

  test("values: aws provider, the zone as domain filter and zone id filter, owner id, policy", () => {
    expect(valuesOf(json, "addons_external_dns_release")).toMatchObject({
      provider: { name: "aws" },
      domainFilters: ["dev.authorworks.io"],
      txtOwnerId: "authorworks-dev",
      policy: "sync",
      extraArgs: ["--zone-id-filter=Z0TESTZONE", "--aws-zone-type=public"],
      serviceAccount: { name: "external-dns" },
    });
    const upsert = synthAddons(standardAddons({ ...STANDARD, externalDnsPolicy: "upsert-only" }));
    expect(valuesOf(upsert, "addons_external_dns_release").policy).toBe("upsert-only");
  });

  test("writes only in the environment zone; only ListHostedZones (unscopable) is on *", () => {
    expect(sid(json, doc, "WriteRecordsInEnvironmentZone")).toMatchObject({ actions: ["route53:ChangeResourceRecordSets"], resources: [ZONE.arn] });
    expect(sid(json, doc, "ReadEnvironmentZone").resources).toEqual([ZONE.arn]);
    expect(
      statements(json, doc)
        .filter((s) => s.resources.includes("*"))
        .map((s) => s.actions),
    ).toEqual([["route53:ListHostedZones"]]);
    expect(resource(json, "aws_eks_pod_identity_association", "addons_external_dns_pod_identity_association")).toMatchObject({
      namespace: "external-dns",
      service_account: "external-dns",
    });
  });
});

describe("Cluster Autoscaler", () => {
  const doc = "addons_cluster_autoscaler_pod_identity_policy_document";

  test("values: auto-discovery of this cluster, least-waste, balanced similar groups, image for our Kubernetes minor", () => {
    expect(valuesOf(json, "addons_cluster_autoscaler_release")).toMatchObject({
      autoDiscovery: { clusterName: "authorworks-dev" },
      awsRegion: "us-east-1",
      image: { tag: "v1.34.0" },
      rbac: { serviceAccount: { name: "cluster-autoscaler" } },
      extraArgs: { expander: "least-waste", "balance-similar-node-groups": true },
    });
  });

  test("scales only node groups tagged as owned by this cluster", () => {
    expect(sid(json, doc, "ScaleThisClustersNodeGroups")).toMatchObject({
      actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      resources: [`arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/*`],
      condition: [
        { test: "StringEquals", variable: "aws:ResourceTag/k8s.io/cluster-autoscaler/authorworks-dev", values: ["owned"] },
        { test: "StringEquals", variable: "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled", values: ["true"] },
      ],
    });
    expect(sid(json, doc, "DescribeThisClustersNodeGroups").resources).toEqual([`arn:aws:eks:us-east-1:${ACCOUNT}:nodegroup/authorworks-dev/*/*`]);
    const wildcard = statements(json, doc).filter((s) => s.resources.includes("*"));
    expect(wildcard.map((s) => s.actions)).toEqual([CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS]);
  });
});

describe("Linkerd with cert-manager identity", () => {
  const identity = valuesOf(json, "addons_linkerd_identity").resources as Json[];
  const byName = (kind: string, name: string) => identity.find((r) => r.kind === kind && r.metadata.name === name)!;

  test("control plane uses the external CA (kubernetes.io/tls) and the spec's proxy resources", () => {
    expect(valuesOf(json, "addons_linkerd_control_plane")).toMatchObject({
      identity: { externalCA: true, issuer: { scheme: "kubernetes.io/tls" } },
      cniEnabled: true,
      proxy: { resources: { cpu: { request: "100m", limit: "1" }, memory: { request: "20Mi", limit: "250Mi" } } },
      controllerReplicas: 1,
      enablePodAntiAffinity: false,
    });
    expect(release(json, "addons_linkerd_control_plane").depends_on).toEqual([
      "helm_release.addons_linkerd_crds",
      "helm_release.addons_linkerd_identity",
      "helm_release.addons_linkerd_cni",
    ]);
    // The CNI plugin replaces the NET_ADMIN init container that `restricted` namespaces refuse.
    expect(release(json, "addons_linkerd_cni")).toMatchObject({ chart: "linkerd2-cni", namespace: "kube-system" });
  });

  test("no values that the charts' templates do not read", () => {
    const controlPlane = valuesOf(json, "addons_linkerd_control_plane");
    // controllerResources is only a YAML anchor in the chart's values-ha.yaml; with the CNI
    // plugin there is no proxy-init container to take proxyInit.resources.
    expect(controlPlane).not.toHaveProperty("controllerResources");
    expect(Object.keys(controlPlane.proxyInit)).toEqual(["iptablesMode"]);
    for (const r of ["destinationResources", "identityResources", "proxyInjectorResources"]) expect(controlPlane[r].memory.limit).toBe("250Mi");
    // linkerd2-cni installs into the release namespace (the chart reads no installNamespace value).
    expect(Object.keys(valuesOf(json, "addons_linkerd_cni"))).toEqual(["tolerations"]);
  });

  test("trust anchor: self-signed ClusterIssuer -> ECDSA P-256 CA certificate in cert-manager's namespace", () => {
    expect(byName("ClusterIssuer", "linkerd-trust-root-issuer").spec).toEqual({ selfSigned: {} });
    const anchor = byName("Certificate", "linkerd-trust-anchor");
    expect(anchor.metadata.namespace).toBe("cert-manager");
    expect(anchor.spec).toMatchObject({
      isCA: true,
      secretName: "linkerd-trust-anchor",
      duration: "87600h",
      privateKey: { algorithm: "ECDSA", size: 256 },
      issuerRef: { name: "linkerd-trust-root-issuer", kind: "ClusterIssuer" },
    });
  });

  test("identity issuer: CA-issued, isCA, 48h, renewed 25h before expiry, in linkerd", () => {
    expect(byName("ClusterIssuer", "linkerd-identity-issuer").spec).toEqual({ ca: { secretName: "linkerd-trust-anchor" } });
    const issuer = byName("Certificate", "linkerd-identity-issuer");
    expect(issuer.metadata.namespace).toBe("linkerd");
    expect(issuer.spec).toMatchObject({
      secretName: "linkerd-identity-issuer",
      isCA: true,
      duration: "48h",
      renewBefore: "25h",
      commonName: "identity.linkerd.cluster.local",
      issuerRef: { name: "linkerd-identity-issuer", kind: "ClusterIssuer" },
      privateKey: { algorithm: "ECDSA" },
    });
  });

  test("trust-manager Bundle publishes the anchor certificate (not its key) to the control-plane namespace", () => {
    const bundle = byName("Bundle", "linkerd-identity-trust-roots");
    expect(bundle.apiVersion).toBe("trust.cert-manager.io/v1alpha1");
    expect(bundle.spec.sources).toEqual([{ secret: { name: "linkerd-trust-anchor", key: "tls.crt" } }]);
    expect(bundle.spec.target.namespaceSelector).toEqual({ matchLabels: { "linkerd.io/is-control-plane": "true" } });
    expect(resource(json, "kubernetes_namespace_v1", "addons_namespace_linkerd").metadata.labels).toMatchObject({ "linkerd.io/is-control-plane": "true" });
  });

  test("identity resources wait for cert-manager, trust-manager and the linkerd namespace", () => {
    expect(release(json, "addons_linkerd_identity").depends_on).toEqual([
      "kubernetes_namespace_v1.addons_namespace_linkerd",
      "helm_release.addons_cert_manager_release",
      "helm_release.addons_cert_manager_letsencrypt_issuers",
      "helm_release.addons_trust_manager_release",
    ]);
  });

  test("high availability: 3 controllers with anti-affinity and disruption budgets; webhook fails closed", () => {
    const ha = synthAddons(standardAddons(STANDARD), { ...CTX, highAvailability: true });
    expect(valuesOf(ha, "addons_linkerd_control_plane")).toMatchObject({
      controllerReplicas: 3,
      enablePodAntiAffinity: true,
      enablePodDisruptionBudget: true,
      webhookFailurePolicy: "Fail",
    });
    expect(valuesOf(ha, "addons_cert_manager_release")).toMatchObject({ replicaCount: 2, podDisruptionBudget: { enabled: true } });
    expect(valuesOf(json, "addons_cert_manager_release")).toMatchObject({ replicaCount: 1, podDisruptionBudget: { enabled: false } });
  });

  test("the injection annotation for application namespaces", () => {
    expect(LINKERD_INJECT_ANNOTATION).toEqual({ "linkerd.io/inject": "enabled" });
  });

  test("custom proxy resources", () => {
    const custom = synthAddons(
      standardAddons({ ...STANDARD, linkerd: { proxyResources: { cpu: { request: "50m" }, memory: { request: "32Mi" } }, iptablesMode: "legacy" } }),
    );
    expect(valuesOf(custom, "addons_linkerd_control_plane").proxy.resources).toEqual({ cpu: { request: "50m" }, memory: { request: "32Mi" } });
    expect(valuesOf(custom, "addons_linkerd_control_plane").proxyInit.iptablesMode).toBe("legacy");
    expect(valuesOf(json, "addons_linkerd_control_plane").proxyInit.iptablesMode).toBe("nft");
  });
});

describe("namespaces and storage", () => {
  test("only the namespaces the add-ons need are created; kube-system is not", () => {
    expect(Object.keys(resourcesOf(json, "kubernetes_namespace_v1")).sort()).toEqual([
      "addons_namespace_cert_manager",
      "addons_namespace_external_dns",
      "addons_namespace_linkerd",
      // The platform stack passes the tenancy's system namespace instead (existingNamespaces).
      "addons_namespace_platform_system",
    ]);
    expect(resourcesOf(json, "helm_release").addons_ingress_nginx_release).toBeUndefined();
  });

  test("ingress-nginx only on request, in its own namespace, after the load balancer controller", () => {
    const withNginx = synthAddons(standardAddons({ ...STANDARD, ingressNginx: true }));
    expect(release(withNginx, "addons_ingress_nginx_release")).toMatchObject({
      chart: "ingress-nginx",
      version: CHARTS.ingressNginx.version,
      namespace: "ingress-nginx",
    });
    expect(release(withNginx, "addons_ingress_nginx_release").depends_on).toEqual([
      "kubernetes_namespace_v1.addons_namespace_ingress_nginx",
      "helm_release.addons_aws_load_balancer_controller_release",
    ]);
    expect(valuesOf(withNginx, "addons_ingress_nginx_release").controller.allowSnippetAnnotations).toBe(false);
  });

  test("default gp3 StorageClass: EBS CSI, encrypted, bound on first consumer", () => {
    expect(resource(json, "kubernetes_storage_class_v1", "addons_storage_class_gp3")).toMatchObject({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
      reclaim_policy: "Delete",
      volume_binding_mode: "WaitForFirstConsumer",
      allow_volume_expansion: true,
    });
    const kms = synthAddons([new Gp3StorageClassAddon({ reclaimPolicy: "Retain", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" })]);
    expect(resource(kms, "kubernetes_storage_class_v1", "addons_storage_class_gp3")).toMatchObject({
      reclaim_policy: "Retain",
      parameters: { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc", encrypted: "true" },
    });
  });

  test("every Pod Identity trust policy is limited to this account, this cluster's associations and its own service account", () => {
    const trusts = Object.entries(dataOf(json, "aws_iam_policy_document")).filter(([id]) => id.endsWith("_pod_identity_trust"));
    expect(trusts).toHaveLength(5);
    for (const [, doc] of trusts) {
      const conditions = doc.statement[0].condition;
      expect(conditions).toContainEqual({
        test: "ArnLike",
        variable: "aws:SourceArn",
        values: [`arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/authorworks-dev/*`],
      });
      expect(conditions.map((c: { variable: string }) => c.variable)).toEqual(
        expect.arrayContaining(["aws:SourceAccount", "aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"]),
      );
    }
  });
});

describe("install order", () => {
  const addon = (name: string, dependsOn?: string[]): PlatformAddon => ({ name, namespace: "kube-system", dependsOn, deploy: () => [] });

  test("dependencies first, otherwise the given order", () => {
    expect(installOrder([addon("b", ["a"]), addon("c"), addon("a")]).map((a) => a.name)).toEqual(["a", "b", "c"]);
    expect(
      installOrder(standardAddons(STANDARD))
        .map((a) => a.name)
        .indexOf("linkerd"),
    ).toBeGreaterThan(
      installOrder(standardAddons(STANDARD))
        .map((a) => a.name)
        .indexOf("trust-manager"),
    );
  });

  test("refuses unknown dependencies, duplicates and cycles", () => {
    expect(() => installOrder([addon("a", ["missing"])])).toThrow('add-on "a" depends on "missing", which is not installed');
    expect(() => installOrder([addon("a"), addon("a")])).toThrow('add-on "a" is listed twice');
    expect(() => installOrder([addon("a", ["b"]), addon("b", ["a"])])).toThrow("add-on dependency cycle: a -> b -> a");
  });
});
