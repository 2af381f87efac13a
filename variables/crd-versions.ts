/**
 * The versions the pinned charts' CustomResourceDefinitions serve, per API group and kind:
 * what a manifest this app synthesizes may name as `apiVersion` (checked by
 * __tests__/variables/crd-versions.test.ts against every synthesized custom resource).
 * Only the kinds' `versions[].name` where `served: true`, not the schemas.
 *
 * Sources (Go module proxy unless told; read 2026-11-30):
 * - policy.linkerd.io (CHARTS.linkerdCrds, edge-26.8.4): the Go proxy does not serve
 *   github.com/linkerd/linkerd2 (403 for every tag). From the stored copies of
 *   linkerd/linkerd2 charts/linkerd-crds/templates/policy/ in the search corpus, the
 *   newest each: server.yaml @111fc98d (served: v1alpha1 and v1beta1, deprecated; v1beta2;
 *   v1beta3, the storage version), authorization-policy.yaml @f8df78ff,
 *   meshtls-authentication.yaml @35a13779, network-authentication.yaml @a84dd4b0
 *   (v1alpha1 each). Not confirmed to be edge-26.8.4's own files: re-read them there on
 *   the next Linkerd upgrade.
 * - gateway.networking.k8s.io: installed by linkerd-crds (`installGatewayAPI: true`,
 *   modules/addons/linkerd.ts), whose templates/gateway.networking.k8s.io_httproutes.yaml
 *   @111fc98d is bundle v1.1.1, experimental channel; its versions from
 *   sigs.k8s.io/gateway-api@v1.1.1 config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml.
 * - argoproj.io, Argo Rollouts (CHARTS.argoRollouts = v1.10.0):
 *   github.com/argoproj/argo-rollouts@v1.10.0 manifests/crds/{rollout,analysis-template,
 *   cluster-analysis-template,analysis-run,experiment}-crd.yaml.
 * - argoproj.io, Argo CD (CHARTS.argoCd = v3.5): github.com/argoproj/argo-cd/v3@v3.5.0
 *   manifests/crds/{application,applicationset,appproject}-crd.yaml.
 * - cert-manager.io (CHARTS.certManager): github.com/cert-manager/cert-manager@v1.21.2
 *   deploy/crds/cert-manager.io_*.yaml.
 * - trust.cert-manager.io (CHARTS.trustManager): github.com/cert-manager/trust-manager@v0.25.0
 *   deploy/crds/trust.cert-manager.io_bundles.yaml.
 */

/** Served versions of each kind of one API group, and where they were read. */
export interface CrdGroupFacts {
  /** Module@version (or stored copy) and files the versions come from. */
  readonly source: string;
  readonly kinds: Readonly<Record<string, readonly string[]>>;
}

export const SERVED_CRD_VERSIONS: Readonly<Record<string, CrdGroupFacts>> = {
  "policy.linkerd.io": {
    source: "linkerd/linkerd2 charts/linkerd-crds/templates/policy/ (stored copies, see above)",
    kinds: {
      Server: ["v1alpha1", "v1beta1", "v1beta2", "v1beta3"],
      AuthorizationPolicy: ["v1alpha1"],
      MeshTLSAuthentication: ["v1alpha1"],
      NetworkAuthentication: ["v1alpha1"],
    },
  },
  "gateway.networking.k8s.io": {
    source: "sigs.k8s.io/gateway-api@v1.1.1 config/crd/experimental/ (the bundle linkerd-crds installs)",
    kinds: { HTTPRoute: ["v1", "v1beta1"], GRPCRoute: ["v1", "v1alpha2"] },
  },
  "argoproj.io": {
    source: "github.com/argoproj/argo-rollouts@v1.10.0 manifests/crds/; github.com/argoproj/argo-cd/v3@v3.5.0 manifests/crds/",
    kinds: {
      Rollout: ["v1alpha1"],
      AnalysisTemplate: ["v1alpha1"],
      ClusterAnalysisTemplate: ["v1alpha1"],
      AnalysisRun: ["v1alpha1"],
      Experiment: ["v1alpha1"],
      Application: ["v1alpha1"],
      ApplicationSet: ["v1alpha1"],
      AppProject: ["v1alpha1"],
    },
  },
  "cert-manager.io": {
    source: "github.com/cert-manager/cert-manager@v1.21.2 deploy/crds/",
    kinds: { Certificate: ["v1"], CertificateRequest: ["v1"], ClusterIssuer: ["v1"], Issuer: ["v1"] },
  },
  "trust.cert-manager.io": {
    source: "github.com/cert-manager/trust-manager@v0.25.0 deploy/crds/trust.cert-manager.io_bundles.yaml",
    kinds: { Bundle: ["v1alpha1"] },
  },
};

/**
 * Groups used here whose CRDs could not be read from this machine (the Go proxy refuses
 * the modules), with what the version rests on. A group in neither list fails the test.
 */
export const UNVERIFIED_CRD_GROUPS: Readonly<Record<string, string>> = {
  "external-secrets.io":
    "external-secrets 2.14.0: github.com/external-secrets/external-secrets not served by the Go proxy; v1 as CHARTS.externalSecrets and EXTERNAL_SECRETS_API_VERSION state (v1beta1 no longer served since 0.17), not checked against the CRD",
  "opentelemetry.io":
    "opentelemetry-operator v0.159.0: github.com/open-telemetry/opentelemetry-operator not served by the Go proxy; OpenTelemetryCollector v1beta1 as modules/addons/observability/opentelemetry.ts writes it, not checked against the CRD",
};
