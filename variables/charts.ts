/**
 * Every Helm chart the platform stack installs: repository, chart name and pinned
 * version, in ONE place. Upgrading an add-on is a one-line change here (read the
 * chart's release notes first: CRD changes and IAM policy changes come with some).
 * `environments/checks/platform.ts` refuses an empty or malformed version.
 *
 * Versions were the newest releases we could confirm in 2026-11; `source` says where.
 */
import type { CpuArchitecture } from "./aws-catalog";

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
    version: "10.10.2",
    source: "github.com/argoproj/argo-helm release argo-cd-10.10.2 (Argo CD v3.5; 10.9.2 on 2026-09-14); 10.0.0 turned global.networkPolicy.create on",
  },
  /** Progressive delivery (canary Rollouts, AnalysisTemplates); ships its CRDs. */
  argoRollouts: {
    repository: "https://argoproj.github.io/argo-helm",
    chart: "argo-rollouts",
    version: "2.43.5",
    source: "github.com/argoproj/argo-helm release argo-rollouts-2.43.5 (Argo Rollouts v1.10.0; no breaking values since 2.40)",
  },
  /**
   * External Secrets Operator: Secrets Manager secrets into Kubernetes Secrets
   * (modules/addons/external-secrets.ts). Ships its CRDs (`installCRDs`) and serves
   * `external-secrets.io/v1` only (v1beta1 was dropped in 0.17).
   */
  externalSecrets: {
    repository: "https://charts.external-secrets.io",
    chart: "external-secrets",
    version: "2.14.0",
    source:
      "external-secrets/external-secrets releases: 2.14.0 = app v2.14.0 (2026-10-23, newest minor found; 2.12.0 2026-10-06, 2.10.0 2026-08-28; dev.to/whenitruns ESO refreshInterval report, Renovate PRs shaman007/home-k3s); chart values.yaml and templates/validatingwebhook.yaml read",
  },
  /** Stakater Reloader: restarts workloads whose Secrets or ConfigMaps change (modules/addons/reloader.ts). */
  reloader: {
    repository: "https://stakater.github.io/stakater-charts",
    chart: "reloader",
    version: "2.2.17",
    source:
      "stakater/Reloader#1218 'Bump Helm chart to 2.2.17 (appVersion v1.4.22)', merged 2026-09-09; chart and image versions are separate since chart 1.2.0; values as in chart 2.2.6+ (deployments/kubernetes/chart/reloader)",
  },
  /** Actions Runner Controller (runner scale set mode); OCI only. Must equal arcRunnerScaleSet. */
  arcController: {
    repository: "oci://ghcr.io/actions/actions-runner-controller-charts",
    chart: "gha-runner-scale-set-controller",
    version: "0.15.0",
    source: "github.blog changelog 2026-10-01 Actions Runner Controller release 0.15.0 (newest on 2026-10-07)",
  },
  /** One GitHub Actions runner scale set; OCI only. Must equal arcController. */
  arcRunnerScaleSet: {
    repository: "oci://ghcr.io/actions/actions-runner-controller-charts",
    chart: "gha-runner-scale-set",
    version: "0.15.0",
    source: "github.blog changelog 2026-10-01 Actions Runner Controller release 0.15.0; must equal arcController",
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
    version: "92.3.0",
    source:
      "prometheus-community/helm-charts release kube-prometheus-stack-92.3.0 (prometheus-operator v0.94.1; 92.1.0 deployed 2026-10); UPGRADE.md lists the CRD steps between majors",
  },
  /**
   * Serves `custom.metrics.k8s.io` from Prometheus: the HPAs' request-rate metric
   * (modules/addons/observability/prometheus-adapter.ts). Slated for deprecation upstream
   * in favour of KEDA (kubernetes-sigs/prometheus-adapter#701).
   */
  prometheusAdapter: {
    repository: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus-adapter",
    version: "5.4.0",
    source:
      "prometheus-community/helm-charts release prometheus-adapter-5.4.0 (newreleases.io; after 5.3.0 of 2026-02-19 on Artifact Hub, app v0.12.0; none newer found by 2026-11); values.yaml and templates/ (deployment, certmanager, custom-metrics-apiservice, pdb) read",
  },
  /**
   * The Loki OSS chart moved from grafana/loki to grafana-community/helm-charts on
   * 2026-03-16 and restarted at 7.0.0 there (one major per breaking change since).
   */
  loki: {
    repository: "https://grafana-community.github.io/helm-charts",
    chart: "loki",
    version: "18.15.0",
    source: "grafana-community/helm-charts charts/loki/Chart.yaml 18.15.0 = Loki 3.7.8 (README 'Upgrading' 7-18 read; 18.13.2 dated 2026-09-17)",
  },
  /** Grafana Alloy, the successor of Promtail (end of life 2026-03-02). */
  alloy: {
    repository: "https://grafana.github.io/helm-charts",
    chart: "alloy",
    version: "1.13.0",
    source: "alloy chart 1.13.0 = Alloy v1.20.0 (github.com/grafana/helm-charts releases alloy-1.13.0, deployed 2026-10); a 1.13.x patch may exist",
  },
  /** OpenTelemetry operator (OpenTelemetryCollector CRD); its webhook certificates come from cert-manager. */
  opentelemetryOperator: {
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-operator",
    version: "0.123.1",
    source:
      "opentelemetry-operator chart 0.123.1 = operator v0.159.0 (newest stable in `helm search repo`, 2026-09-29); 0.121.0 = v0.157.0 in open-telemetry/opentelemetry-helm-charts#2349",
  },
  /** Jaeger v2 (OpenTelemetry Collector based) all-in-one; chart 4.x is v2, the jaeger-operator chart is gone. */
  jaeger: {
    repository: "https://jaegertracing.github.io/helm-charts",
    chart: "jaeger",
    version: "4.11.1",
    source:
      "jaegertracing/helm-charts#761 (chart 4.11.1, 2026-06: jaeger.extraVolumes/extraVolumeMounts, needed for Badger); config key `userconfig` since 4.4",
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

/**
 * psql of the Jobs that create the services' database users (modules/workloads
 * `DatabaseUsers`): the official image through ECR Public (no Docker Hub rate limit on
 * the nodes' pulls), Alpine variant (user `postgres` = UID 70). psql 17 speaks to
 * PostgreSQL 12 and later, so one client serves every `database.engineVersion` RDS offers.
 * Source: docker-library/postgres tags 17.11-alpine (PostgreSQL 17.11, 2026-08-13).
 */
export const POSTGRES_CLIENT_IMAGE = "public.ecr.aws/docker/library/postgres:17.11-alpine";

/**
 * The Argo Rollouts traffic router plugin for the Kubernetes Gateway API
 * (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi): the controller downloads the
 * binary of its nodes' architecture from `locations` at startup (the cluster reaches
 * GitHub; nothing is fetched at synth) and, where `sha256` has its architecture, refuses
 * a binary of any other checksum.
 * Source: v0.17.0 used with Argo Rollouts v1.10.0 (the controller of CHARTS.argoRollouts);
 * docs/installation.md of the plugin (location format `gatewayapi-plugin-<os>-<arch>`,
 * names without the hyphen since v0.4.0).
 * Checksums: GitHub (the release page and its assets) is out of this machine's reach, and
 * the release publishes no checksum file we could read. linux-amd64: two independent
 * write-ups agree on `1904ca78...`, one of them with `sha256sum` of the asset downloaded
 * from the release (77,762,829 bytes). linux-arm64: one write-up alone states a value, with
 * no measurement shown, so it is not pinned: the system nodes (Graviton) run unverified
 * until it is, or until the plugin ships in an image we build (README of modules/addons/delivery).
 */
export const ROLLOUTS_GATEWAY_API_PLUGIN = {
  name: "argoproj-labs/gatewayAPI",
  version: "v0.17.0",
  locations: {
    arm64: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-arm64",
    x86_64: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64",
  },
  /** SHA-256 (hex) of the binary per architecture, where confirmed (see above). */
  sha256: {
    x86_64: "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061",
  } as Partial<Record<CpuArchitecture, string>>,
} as const;
