/**
 * Every Helm chart the platform stack installs: repository, chart name and pinned
 * version, in ONE place. Upgrading an add-on is a one-line change here (read the
 * chart's release notes first: CRD changes and IAM policy changes come with some).
 * `environments/checks/platform.ts` refuses an empty or malformed version.
 *
 * Versions were the newest releases we could confirm in 2026-11; `source` says where.
 */

export interface ChartSpec {
  /** Helm repository URL (`https://...`) or OCI registry path (`oci://...`). */
  readonly repository: string;
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version (never a range: a plan must not change by itself). */
  readonly version: string;
  /** Where the version and channel were confirmed, for the next upgrade. */
  readonly source: string;
}

export const CHARTS = {
  /** The ingress: ALBs for Ingress (and NLBs for Services), WAF association. Chart 3.x = controller v3. */
  awsLoadBalancerController: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    source: "github.com/aws/eks-charts releases (controller v3.5.0, 2026-08)",
  },
  /** Published by OCI only for new releases (quay.io/jetstack/charts); chart versions carry the "v". */
  certManager: {
    repository: "oci://quay.io/jetstack/charts",
    chart: "cert-manager",
    version: "v1.21.2",
    source: "github.com/cert-manager/cert-manager releases v1.21.2 (2026-09)",
  },
  /** Distributes the Linkerd trust anchor (Bundle -> ConfigMap). */
  trustManager: {
    repository: "oci://quay.io/jetstack/charts",
    chart: "trust-manager",
    version: "v0.25.0",
    source: "github.com/cert-manager/trust-manager releases v0.25.0 (2026-09)",
  },
  externalDns: {
    repository: "https://kubernetes-sigs.github.io/external-dns/",
    chart: "external-dns",
    version: "1.22.0",
    source: "github.com/kubernetes-sigs/external-dns chart release 1.22 for v0.22.0 (2026-09)",
  },
  clusterAutoscaler: {
    repository: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.59.0",
    source: "github.com/kubernetes/autoscaler cluster-autoscaler-chart-9.59.0 (2026-08)",
  },
  metricsServer: {
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.14.0",
    source: "github.com/kubernetes-sigs/metrics-server chart 3.14.0 (2026-08)",
  },
  /** Linkerd's open-source releases are edge releases; chart 2026.8.4 = edge-26.8.4. */
  linkerdCrds: {
    repository: "https://helm.linkerd.io/edge",
    chart: "linkerd-crds",
    version: "2026.8.4",
    source: "github.com/linkerd/linkerd2 edge-26.8.4 (2026-09)",
  },
  linkerdControlPlane: {
    repository: "https://helm.linkerd.io/edge",
    chart: "linkerd-control-plane",
    version: "2026.8.4",
    source: "github.com/linkerd/linkerd2 edge-26.8.4 (2026-09); must equal linkerdCrds",
  },
  /**
   * Linkerd's CNI plugin sets up the pod's traffic redirection on the node, so meshed
   * pods need no NET_ADMIN init container and pass the `restricted` Pod Security level.
   */
  linkerdCni: {
    repository: "https://helm.linkerd.io/edge",
    chart: "linkerd2-cni",
    version: "2026.8.4",
    source: "github.com/linkerd/linkerd2 edge-26.8.4 (2026-09); must equal linkerdCrds",
  },
  /**
   * Installs custom resources (ClusterIssuers, Certificates, trust Bundles) whose CRDs
   * come from another release in the same apply: a Helm release plans without the CRD,
   * `kubernetes_manifest` does not.
   */
  raw: {
    repository: "https://bedag.github.io/helm-charts/",
    chart: "raw",
    version: "2.0.0",
    source: "github.com/bedag/helm-charts charts/raw",
  },
  /** GitOps controller (modules/addons/delivery). Chart 10.x = Argo CD v3. */
  argoCd: {
    repository: "https://argoproj.github.io/argo-helm",
    chart: "argo-cd",
    version: "10.1.4",
    source: "github.com/argoproj/argo-helm release argo-cd-10.1.4 (2026-07)",
  },
  /** Progressive delivery (canary Rollouts, AnalysisTemplates); ships its CRDs. */
  argoRollouts: {
    repository: "https://argoproj.github.io/argo-helm",
    chart: "argo-rollouts",
    version: "2.41.1",
    source: "github.com/argoproj/argo-helm release argo-rollouts-2.41.1 (Argo Rollouts v1.9.1, 2026-07)",
  },
  /** Actions Runner Controller (runner scale set mode); OCI only. Must equal arcRunnerScaleSet. */
  arcController: {
    repository: "oci://ghcr.io/actions/actions-runner-controller-charts",
    chart: "gha-runner-scale-set-controller",
    version: "0.15.0",
    source: "github.blog changelog 2026-09-30 Actions Runner Controller release 0.15.0",
  },
  /** One GitHub Actions runner scale set; OCI only. Must equal arcController. */
  arcRunnerScaleSet: {
    repository: "oci://ghcr.io/actions/actions-runner-controller-charts",
    chart: "gha-runner-scale-set",
    version: "0.15.0",
    source: "github.blog changelog 2026-09-30 Actions Runner Controller release 0.15.0; must equal arcController",
  },
  /** Retired upstream in March 2026: only behind `platform.ingressNginx` (off). Last release. */
  ingressNginx: {
    repository: "https://kubernetes.github.io/ingress-nginx",
    chart: "ingress-nginx",
    version: "4.15.1",
    source: "github.com/kubernetes/ingress-nginx chart 4.15.1 / controller v1.15.1 (last before retirement)",
  },
  /** Prometheus (operator), Alertmanager, Grafana, node-exporter, kube-state-metrics. Published by OCI. */
  kubePrometheusStack: {
    repository: "oci://ghcr.io/prometheus-community/charts",
    chart: "kube-prometheus-stack",
    version: "84.3.0",
    source: "ghcr.io/prometheus-community/charts/kube-prometheus-stack 84.3.0 (2026-04, renovate PRs); check for a newer release before apply",
  },
  /** The Loki OSS chart moved from grafana/loki to grafana-community/helm-charts on 2026-03-16. */
  loki: {
    repository: "https://grafana-community.github.io/helm-charts",
    chart: "loki",
    version: "6.55.0",
    source: "grafana/loki#20705 (move to grafana-community); version NOT confirmed: `helm search repo grafana-community/loki --versions`",
  },
  /** Grafana Alloy, the successor of Promtail (end of life 2026-03-02). */
  alloy: {
    repository: "https://grafana.github.io/helm-charts",
    chart: "alloy",
    version: "1.5.3",
    source: "grafana/alloy-operator#118 (alloy chart 1.5.3); newer releases likely: `helm search repo grafana/alloy --versions`",
  },
  /** OpenTelemetry operator (OpenTelemetryCollector CRD); its webhook certificates come from cert-manager. */
  opentelemetryOperator: {
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-operator",
    version: "0.105.0",
    source: "open-telemetry/opentelemetry-helm-charts#2059 (chart 0.105.0 = operator v0.144.0, 2026-01)",
  },
  /** Jaeger v2 (OpenTelemetry Collector based) all-in-one; chart 4.x is v2, the jaeger-operator chart is gone. */
  jaeger: {
    repository: "https://jaegertracing.github.io/helm-charts",
    chart: "jaeger",
    version: "4.1.0",
    source: "jaegertracing/helm-charts#673 (chart 4.1.0 = Jaeger 2.13.0, 2025-12); newer 4.x follow each Jaeger release",
  },
} as const satisfies Record<string, ChartSpec>;

export type ChartName = keyof typeof CHARTS;
export type ChartCatalog = Readonly<Record<string, ChartSpec>>;

/**
 * Cluster Autoscaler image per Kubernetes minor: its minor must match the cluster's
 * (the chart's default image follows the newest Kubernetes, not ours).
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.33": "v1.33.0",
  "1.34": "v1.34.0",
  "1.35": "v1.35.0",
};

/** A chart version: semantic version, optional leading "v", optional pre-release/build. */
export const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Where charts may come from: HTTPS Helm repositories or OCI registries. */
export const CHART_REPOSITORY = /^(https:\/\/|oci:\/\/)[^\s]+$/;
