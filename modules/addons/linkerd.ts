import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CHARTS } from "../../variables/charts";
import { LABELS, MESH, MESH_PROXY_RESOURCES } from "../../variables/platform";
import { AdmissionWebhook, ChartAdmission, LabelRequirement, POD, SERVICE, noWebhooks, valueAt } from "./admission";
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import { AddonContext, PlatformAddon, Placement, Toleration, helmRelease, rawRelease } from "./types";

export const LINKERD_NAMESPACE = MESH.namespace;

/**
 * Put this annotation on an application namespace (modules/tenancy) to have Linkerd
 * inject its proxy into every pod created there (mTLS between services).
 */
export const LINKERD_INJECT_ANNOTATION: Readonly<Record<string, string>> = MESH.injectAnnotation;

/** Names of the identity objects, as Linkerd's "automatically rotating control plane TLS credentials" procedure names them. */
export const LINKERD_IDENTITY = {
  rootIssuer: "linkerd-trust-root-issuer",
  trustAnchor: "linkerd-trust-anchor",
  identityIssuer: "linkerd-identity-issuer",
  trustRoots: "linkerd-identity-trust-roots",
} as const;

/** Namespaces labelled so are left alone by every Linkerd webhook (the control plane's own). */
const WEBHOOKS_ENABLED: LabelRequirement = { key: "config.linkerd.io/admission-webhooks", operator: "NotIn", values: ["disabled"] };

/**
 * Webhooks of linkerd-control-plane (templates/proxy-injector-rbac.yaml,
 * destination-rbac.yaml; selectors from values.yaml), all with `webhookFailurePolicy`
 * (chart default Ignore; `Fail` here with high availability). The proxy injector mutates
 * every pod and Service created outside kube-system and cert-manager; under Ignore it is
 * still required where injection is on (`linkerd.io/inject: enabled`): a pod admitted
 * there without it runs without proxy, outside mTLS.
 */
export const LINKERD_CONTROL_PLANE_ADMISSION: ChartAdmission = {
  source:
    "linkerd-control-plane chart templates/proxy-injector-rbac.yaml, destination-rbac.yaml; values.yaml proxyInjector/profileValidator/policyValidator namespaceSelector",
  webhooks: (values) => {
    const failurePolicy = (valueAt(values, "webhookFailurePolicy") as AdmissionWebhook["failurePolicy"] | undefined) ?? "Ignore";
    const validators = { matchExpressions: [WEBHOOKS_ENABLED] };
    return [
      {
        name: "linkerd-proxy-injector.linkerd.io",
        type: "Mutating",
        intercepts: [POD, SERVICE],
        failurePolicy,
        namespaceSelector: {
          matchExpressions: [WEBHOOKS_ENABLED, { key: LABELS.namespaceName, operator: "NotIn", values: ["kube-system", CERT_MANAGER_NAMESPACE] }],
        },
        objectSelector: {
          matchExpressions: [
            { key: "linkerd.io/control-plane-component", operator: "DoesNotExist" },
            { key: "linkerd.io/cni-resource", operator: "DoesNotExist" },
          ],
        },
        requiredWhereNamespaceAnnotated: MESH.injectAnnotation,
      },
      {
        name: "linkerd-sp-validator.linkerd.io",
        type: "Validating",
        intercepts: [{ group: "linkerd.io", kind: "ServiceProfile" }],
        failurePolicy,
        namespaceSelector: validators,
      },
      {
        name: "linkerd-policy-validator.linkerd.io",
        type: "Validating",
        intercepts: [
          { group: "policy.linkerd.io", kind: "*" },
          { group: "gateway.networking.k8s.io", kind: "HTTPRoute" },
        ],
        failurePolicy,
        namespaceSelector: validators,
      },
    ];
  },
  objects: (_values, namespace) => [SERVICE, POD].map((k) => ({ ...k, namespace })),
};

/** linkerd-crds: CustomResourceDefinitions only (and the Gateway API ones); no webhook, nothing they intercept. */
export const LINKERD_CRDS_ADMISSION: ChartAdmission = noWebhooks("linkerd-crds chart templates/ (CustomResourceDefinitions only)", []);

/** linkerd2-cni: the CNI DaemonSet, no Service, no webhook. */
export const LINKERD_CNI_ADMISSION: ChartAdmission = noWebhooks("linkerd2-cni chart templates/cni-plugin.yaml (DaemonSet, ConfigMap, RBAC)", [POD]);

/** Linkerd resource quantities as its chart takes them (`cpu.request`, not `requests.cpu`). */
export interface LinkerdResources {
  readonly cpu: { readonly request: string; readonly limit?: string };
  readonly memory: { readonly request: string; readonly limit?: string };
}

/** Chart values we set on linkerd-control-plane. */
export interface LinkerdControlPlaneValues {
  readonly identity: { readonly externalCA: boolean; readonly issuer: { readonly scheme: string } };
  readonly cniEnabled: boolean;
  readonly controllerReplicas: number;
  readonly enablePodAntiAffinity: boolean;
  readonly enablePodDisruptionBudget: boolean;
  readonly webhookFailurePolicy: "Fail" | "Ignore";
  readonly disableHeartBeat: boolean;
  readonly nodeSelector: Placement["nodeSelector"];
  readonly tolerations: readonly Toleration[];
  readonly destinationResources: LinkerdResources;
  readonly identityResources: LinkerdResources;
  readonly proxyInjectorResources: LinkerdResources;
  readonly proxy: { readonly resources: LinkerdResources };
  readonly proxyInit: { readonly iptablesMode: "legacy" | "nft" };
}

export interface LinkerdProps {
  /** Sidecar proxy resources. @default the spec's: cpu 100m -> 1, memory 20Mi -> 250Mi */
  readonly proxyResources?: LinkerdResources;
  /** Trust anchor lifetime (cert-manager duration). @default "87600h" (10 years) */
  readonly trustAnchorDuration?: string;
  /**
   * iptables backend of proxy-init. EKS AL2023 nodes (Kubernetes 1.33+) have no legacy
   * iptables; the edge chart's default became "nft" in 2025, set here explicitly.
   * @default "nft"
   */
  readonly iptablesMode?: "legacy" | "nft";
}

/** The spec's sidecar resources (section 5), in the chart's shape; the numbers live in variables/platform.ts. */
export const LINKERD_PROXY_RESOURCES: LinkerdResources = {
  cpu: { request: MESH_PROXY_RESOURCES.requests.cpu, limit: MESH_PROXY_RESOURCES.limits.cpu },
  memory: { request: MESH_PROXY_RESOURCES.requests.memory, limit: MESH_PROXY_RESOURCES.limits.memory },
};
const CONTROLLER_RESOURCES: LinkerdResources = { cpu: { request: "100m" }, memory: { request: "50Mi", limit: "250Mi" } };

/**
 * The identity chain, all issued inside the cluster by cert-manager (no key ever
 * leaves it or appears in Terraform):
 * self-signed ClusterIssuer -> trust anchor (CA, ECDSA P-256, in cert-manager's
 * namespace, where trust-manager reads sources) -> CA ClusterIssuer -> identity issuer
 * certificate in `linkerd` (48 h, renewed after 23 h) -> trust-manager Bundle that
 * publishes the anchor's certificate as the `linkerd-identity-trust-roots` ConfigMap.
 */
export function linkerdIdentityResources(props: { trustAnchorDuration: string }): object[] {
  const id = LINKERD_IDENTITY;
  return [
    { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: id.rootIssuer }, spec: { selfSigned: {} } },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: id.trustAnchor, namespace: CERT_MANAGER_NAMESPACE },
      spec: {
        isCA: true,
        commonName: "root.linkerd.cluster.local",
        secretName: id.trustAnchor,
        duration: props.trustAnchorDuration,
        renewBefore: "2160h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: id.rootIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    // A ClusterIssuer reads its CA secret from cert-manager's namespace, where the anchor is.
    { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: id.identityIssuer }, spec: { ca: { secretName: id.trustAnchor } } },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: id.identityIssuer, namespace: LINKERD_NAMESPACE },
      spec: {
        secretName: id.identityIssuer,
        duration: "48h",
        renewBefore: "25h",
        issuerRef: { name: id.identityIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
        commonName: "identity.linkerd.cluster.local",
        dnsNames: ["identity.linkerd.cluster.local"],
        isCA: true,
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["cert sign", "crl sign", "server auth", "client auth"],
      },
    },
    {
      apiVersion: "trust.cert-manager.io/v1alpha1",
      kind: "Bundle",
      metadata: { name: id.trustRoots },
      spec: {
        sources: [{ secret: { name: id.trustAnchor, key: "tls.crt" } }],
        target: { configMap: { key: "ca-bundle.crt" }, namespaceSelector: { matchLabels: { "linkerd.io/is-control-plane": "true" } } },
      },
    },
  ];
}

/**
 * Linkerd (edge channel): CRDs, the identity chain from cert-manager, the control plane
 * with an external CA. Automatic proxy injection is per namespace (see
 * `LINKERD_INJECT_ANNOTATION`). Not a `HelmAddon`: four releases, and the control
 * plane's (construct id `control-plane`) waits for the other three rather than for `after`.
 */
export class LinkerdAddon implements PlatformAddon {
  public readonly name = "linkerd";
  public readonly namespace = LINKERD_NAMESPACE;
  /** As the Linkerd CLI labels its namespace; trust-manager targets the label. */
  public readonly namespaceLabels = {
    "linkerd.io/is-control-plane": "true",
    "linkerd.io/control-plane-ns": LINKERD_NAMESPACE,
    "config.linkerd.io/admission-webhooks": "disabled",
  };
  public readonly dependsOn = ["cert-manager", "trust-manager"];

  constructor(private readonly props: LinkerdProps = {}) {}

  public crdValues(): object {
    // Fresh clusters have no Gateway API CRDs; Linkerd's policy controller needs HTTPRoute.
    return { installGatewayAPI: true };
  }

  public values(ctx: AddonContext): LinkerdControlPlaneValues {
    const ha = ctx.highAvailability;
    return {
      // The issuer certificate comes from cert-manager (secret linkerd-identity-issuer), the
      // trust roots from trust-manager: the chart generates and stores no key.
      identity: { externalCA: true, issuer: { scheme: "kubernetes.io/tls" } },
      // Traffic redirection by the CNI plugin: no NET_ADMIN init container, so application
      // namespaces can enforce the `restricted` Pod Security level.
      cniEnabled: true,
      controllerReplicas: ha ? 3 : 1,
      enablePodAntiAffinity: ha,
      enablePodDisruptionBudget: ha,
      // With replicas, a failing injector must block pod creation rather than start pods without mTLS.
      webhookFailurePolicy: ha ? "Fail" : "Ignore",
      disableHeartBeat: true,
      nodeSelector: ctx.placement.nodeSelector,
      tolerations: ctx.placement.tolerations,
      destinationResources: CONTROLLER_RESOURCES,
      identityResources: { cpu: { request: "100m" }, memory: { request: "10Mi", limit: "250Mi" } },
      proxyInjectorResources: CONTROLLER_RESOURCES,
      proxy: { resources: this.props.proxyResources ?? LINKERD_PROXY_RESOURCES },
      proxyInit: { iptablesMode: this.props.iptablesMode ?? "nft" },
    };
  }

  public deploy(scope: Construct, ctx: AddonContext, after: readonly ITerraformDependable[]): ITerraformDependable[] {
    const crds = helmRelease(scope, "crds", {
      name: "linkerd-crds",
      chart: CHARTS.linkerdCrds,
      namespace: this.namespace,
      values: this.crdValues(),
      dependsOn: after,
    });
    const identity = rawRelease(scope, "identity", {
      name: "linkerd-identity",
      namespace: this.namespace,
      resources: linkerdIdentityResources({ trustAnchorDuration: this.props.trustAnchorDuration ?? "87600h" }),
      dependsOn: after,
    });
    // The CNI DaemonSet is privileged by nature: it runs in kube-system, not in a tenant namespace.
    const cni = helmRelease(scope, "cni", {
      name: "linkerd2-cni",
      chart: CHARTS.linkerdCni,
      namespace: "kube-system",
      values: { tolerations: [{ operator: "Exists" }] },
      dependsOn: after,
    });
    const controlPlane = helmRelease(scope, "control-plane", {
      name: "linkerd-control-plane",
      chart: CHARTS.linkerdControlPlane,
      namespace: this.namespace,
      values: this.values(ctx),
      dependsOn: [crds, identity, cni],
      // The identity pod waits for cert-manager to issue its certificate.
      timeoutSeconds: 900,
    });
    return [crds, cni, controlPlane];
  }
}
